/**
 * @module
 * Tests of the rpm -qa reader over hand-made lists (testdata/README.md) and the NEVRA split.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { parseRpmList, rpmListReader, splitNevra } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/rpm-list/testdata", name);
const read = (name: string) => readAll(rpmListReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);

describe("linux/rpm-list: NEVRA", () => {
  it("splits from the right: arch after the last dot, release after the last hyphen, version before it", () => {
    assert.deepEqual(splitNevra("bash-4.2.46-34.el7.x86_64"), { name: "bash", version: "4.2.46", release: "34.el7", arch: "x86_64" });
    assert.deepEqual(splitNevra("perl-Data-Dumper-2.145-3.el7.x86_64"), { name: "perl-Data-Dumper", version: "2.145", release: "3.el7", arch: "x86_64" });
    assert.deepEqual(splitNevra("kexec-tools-2.0.15-51.el7_9.3.x86_64"), { name: "kexec-tools", version: "2.0.15", release: "51.el7_9.3", arch: "x86_64" });
    assert.deepEqual(splitNevra("gpg-pubkey-f4a80eb5-53a7ff4b"), { name: "gpg-pubkey", version: "f4a80eb5", release: "53a7ff4b" });
    assert.deepEqual(splitNevra("openssl-libs-1:1.0.2k-26.el7_9.x86_64"), { name: "openssl-libs", epoch: "1", version: "1.0.2k", release: "26.el7_9", arch: "x86_64" });
    assert.equal(splitNevra("kesl"), undefined);
    assert.equal(splitNevra("not-a-nevra"), undefined);
  });
});

describe("linux/rpm-list: detect", () => {
  it("recognizes rpm -qa and the queryformat layout", () => {
    assert.equal(rpmListReader.detect(probeFile(fixture("rpm-qa.txt"))), 0.8);
    assert.equal(rpmListReader.detect(probeFile(fixture("rpm-queryformat.tsv"))), 0.9);
    assert.equal(rpmListReader.detect(probeFile(fixture("malformed-qa.txt"))), 0.8);
    assert.equal(rpmListReader.detect(textProbe("adduser\t3.134\nkesl\t12.1.0-1543\n")), 0);
    assert.equal(rpmListReader.detect(textProbe("Kaspersky Endpoint Security for Windows\n7-Zip 23.01\n")), 0);
  });
});

describe("linux/rpm-list: reading", () => {
  it("reads rpm -qa lines as packages with rpm purls", async () => {
    const { observations, issues } = await read("rpm-qa.txt");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 11);
    assert.deepEqual(observations[5], {
      kind: "package",
      name: "kesl",
      version: "12.1.0-1543",
      ids: { purl: "pkg:rpm/kesl@12.1.0-1543?arch=x86_64" },
      source: { file: fixture("rpm-qa.txt"), line: 6 },
    });
    assert.deepEqual(observations.slice(6, 8).map((o) => o.ids?.purl), ["pkg:rpm/klnagent64@15.1.0-20748?arch=x86_64", "pkg:rpm/ksc64@15.0.0-12912?arch=x86_64"]);
    assert.equal(observations[10]!.ids?.purl, "pkg:rpm/gpg-pubkey@f4a80eb5-53a7ff4b");
  });

  it("reads the queryformat layout: (none) is unset, VENDOR else PACKAGER is the vendor, the epoch is a purl qualifier", async () => {
    const { observations, issues } = await read("rpm-queryformat.tsv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.version, o.vendor, o.ids?.purl]),
      [
        ["bash", "4.2.46-34.el7", "CentOS", "pkg:rpm/bash@4.2.46-34.el7?arch=x86_64"],
        ["kesl", "12.1.0-1543", "AO Kaspersky Lab", "pkg:rpm/kesl@12.1.0-1543?arch=x86_64"],
        ["klnagent64", "15.1.0-20748", "Kaspersky Lab", "pkg:rpm/klnagent64@15.1.0-20748?arch=x86_64"],
        ["kics", "2.1.2-1", "Checkmarx", "pkg:rpm/kics@2.1.2-1?arch=x86_64"],
        ["systemd", "219-78.el7_9.9", "CentOS", "pkg:rpm/systemd@219-78.el7_9.9?arch=x86_64"],
        ["openssl-libs", "1.0.2k-26.el7_9", "CentOS", "pkg:rpm/openssl-libs@1.0.2k-26.el7_9?arch=x86_64&epoch=1"],
        ["gpg-pubkey", "f4a80eb5-53a7ff4b", undefined, "pkg:rpm/gpg-pubkey@f4a80eb5-53a7ff4b"],
      ],
    );
  });

  it("reports lines that are neither layout with their line numbers and reads the rest", async () => {
    const { observations, issues } = await read("malformed-qa.txt");
    assert.deepEqual(codes(issues), [
      ["rpm/row", "error", 2],
      ["rpm/row", "error", 4],
      ["rpm/row", "error", 5],
    ]);
    assert.match(issues[0]!.message, /expected name-version-release\.arch \(rpm -qa\), found "not-a-nevra"/);
    assert.match(issues[1]!.message, /NAME, EPOCHNUM, VERSION, RELEASE, ARCH.*found 3 field/);
    assert.deepEqual(observations.map((o) => o.name), ["kesl", "klnagent64", "kess"]);
  });

  it("parseRpmList reads a list in memory as the reader reads the file", async () => {
    const file = fixture("rpm-queryformat.tsv");
    assert.deepEqual(parseRpmList(readFileSync(file, "utf8"), file), await read("rpm-queryformat.tsv"));
  });
});
