/**
 * Turning named paths into inputs (./inputs.ts): a folder named on the command line in which the
 * walk finds no file at all is an error at that folder (`input/empty`), beside good inputs too,
 * as an empty file is; an empty folder found inside a named one is not.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { parseAsOf } from "../policy/time.js";
import { repoPath } from "../testing/index.js";
import { tempDir } from "../testing/temp.js";
import { runScan } from "./index.js";
import { expandInputs } from "./inputs.js";

const INVENTORY = repoPath("examples/fleet/windows-software.csv");

describe("expandInputs: a named folder with no file in it", () => {
  it("is an input/empty error at the folder (empty subfolders and hidden files are no files); a folder with a file is not", async () => {
    const dir = tempDir("ictsguard-inputs-");
    const empty = join(dir, "export-2024-10-01");
    mkdirSync(join(empty, "sub", "deeper"), { recursive: true });
    writeFileSync(join(empty, ".DS_Store"), "x");
    const full = join(dir, "export-2024-10-02");
    mkdirSync(join(full, "empty-sub"), { recursive: true });
    copyFileSync(INVENTORY, join(full, "windows-software.csv"));
    const { files, problems } = await expandInputs([empty, full, INVENTORY]);
    assert.deepEqual(files.map((f) => f.path), [join(full, "windows-software.csv"), INVENTORY]);
    assert.deepEqual(problems.map((p) => [p.code, p.severity ?? "error", p.path]), [["input/empty", "error", empty]]);
    assert.match(problems[0]!.message, /^empty folder: no file in it or its subfolders to scan/);
  });

  it("beside a good inventory the scan keeps that inventory's findings, names the folder in its errors and is no clean result", async () => {
    const dir = tempDir("ictsguard-inputs-");
    const empty = join(dir, "failed-export");
    mkdirSync(empty);
    const doc = await runScan({ inputs: [empty, INVENTORY], catalog: await loadCatalogOrThrow(), profile: "business", asOf: parseAsOf("2025-01-01") });
    assert.equal(doc.findings.length, 7);
    assert.deepEqual(doc.errors.map((e) => [e.code, e.source.file]), [["input/empty", empty]]);
    // inputs are the files read, as for a folder with files in it: the folder is in the errors, not among them
    assert.deepEqual(doc.inputs, [INVENTORY]);
  });
});
