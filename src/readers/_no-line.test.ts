/**
 * An input whose lines were all skipped as over the record limit (`input/line-too-long`) is not
 * an "empty file": the line readers say that no record was read, and why, in the message of
 * their empty-input issue (one place: noLineMessage in _text.ts). Real fixtures of each format,
 * read with a record limit shorter than every line that is not blank.
 */
import assert from "node:assert/strict";
import { createReadStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_LIMITS } from "../io/limits.js";
import type { Observation } from "../model/observation.js";
import { probeFile, repoPath } from "../testing/index.js";
import { tempDir } from "../testing/temp.js";
import { dpkgListReader } from "./dpkg-list/index.js";
import { dpkgStatusReader } from "./dpkg-status/index.js";
import { rpmListReader } from "./rpm-list/index.js";
import { spdxTagValueReader } from "./spdx-tag-value/index.js";
import type { Reader, ReportableIssue } from "./types.js";
import { windowsRegReader } from "./windows-reg/index.js";
import { wmicReader } from "./wmic/index.js";

async function read(reader: Reader, path: string, maxRecordChars: number): Promise<{ observations: Observation[]; issues: ReportableIssue[] }> {
  const observations: Observation[] = [];
  const issues: ReportableIssue[] = [];
  const input = { path, stream: createReadStream(path), encoding: probeFile(path).encoding };
  const ctx = { report: (i: ReportableIssue) => void issues.push(i), limits: { ...DEFAULT_LIMITS, maxRecordChars } };
  for await (const o of reader.read(input, ctx)) observations.push(o);
  return { observations, issues };
}

const CASES: [Reader, string, string][] = [
  [dpkgStatusReader, "src/readers/dpkg-status/testdata/kaspersky-status", "dpkg/empty"],
  [dpkgListReader, "src/readers/dpkg-list/testdata/dpkg-query-recommended.tsv", "dpkg/empty"],
  [rpmListReader, "src/readers/rpm-list/testdata/rpm-qa.txt", "rpm/empty"],
  [windowsRegReader, "src/readers/windows-reg/testdata/uninstall-utf8.reg", "reg/header"],
  [wmicReader, "src/readers/wmic/testdata/product-list.txt", "wmic/empty"],
  [spdxTagValueReader, "src/readers/spdx-tag-value/testdata/kaspersky-2.3.spdx", "spdx/empty"],
];

describe("line readers: every line over the limit is no empty file", () => {
  for (const [reader, file, code] of CASES) {
    it(`${reader.name}: ${file.split("/").pop()} read with a 1-character limit says no record was read, not "empty file"`, async () => {
      const { observations, issues } = await read(reader, repoPath(file), 1);
      assert.deepEqual(observations, []);
      assert.ok(issues.some((i) => i.code === "input/line-too-long"), JSON.stringify(issues));
      const empty = issues.filter((i) => i.code === code);
      assert.equal(empty.length, 1, JSON.stringify(issues));
      assert.match(empty[0]!.message, /^no record read: the file is not empty, but every line that is not blank was over the limit and skipped \(input\/line-too-long\); expected /);
    });
  }

  it("a file of blank lines is still an empty file", async () => {
    const path = join(tempDir("ictsguard-no-line-"), "blank.txt");
    writeFileSync(path, "\n\n  \n");
    for (const [reader, , code] of CASES) {
      const { issues } = await read(reader, path, 3);
      const empty = issues.filter((i) => i.code === code);
      assert.equal(empty.length, 1, `${reader.name}: ${JSON.stringify(issues)}`);
      assert.match(empty[0]!.message, /^empty file, expected /, reader.name);
    }
  });
});
