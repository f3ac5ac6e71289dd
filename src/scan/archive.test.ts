/**
 * @module
 * Zip archives through the real scan pipeline (runScan with the bundled catalog) over zips made
 * with Info-ZIP (testdata/README.md): every entry read with its own reader and located as
 * `archive.zip!inner/path`, gzip and zips inside zips, the depth limit, and damaged archives
 * and entries reported where they are while the rest is still scanned.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { gzipSync } from "node:zlib";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { ReportDocument } from "../model/finding.js";
import { parseAsOf } from "../policy/time.js";
import { repoPath } from "../testing/index.js";
import { DEFAULT_ARCHIVE_LIMITS, isZip, tableCrc32 } from "./archive.js";
import { SPILL_PREFIX } from "./spill.js";
import { runScan, type ScanOptions } from "./index.js";
import { tempDir } from "../testing/temp.js";

const data = (file: string): string => repoPath("src/scan/testdata", file);
let catalog: Catalog;
before(async () => {
  catalog = await loadCatalogOrThrow();
});
const scan = (inputs: string[], more: Partial<ScanOptions> = {}): Promise<ReportDocument> =>
  runScan({ inputs, catalog, profile: "business", asOf: parseAsOf("2025-01-01"), ...more });
const found = (doc: ReportDocument) =>
  doc.findings
    .map((f) => [f.source.file, f.source.line ?? f.source.record, f.source.reader, f.observation.name, f.product, f.count])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const problems = (doc: ReportDocument) => doc.errors.map((e) => [e.severity, e.code, e.source.file]);

describe("zip archives: detection", () => {
  it("knows a zip by its first bytes (local header, or the end record of an empty zip), not by its name", () => {
    assert.ok(isZip(readFileSync(data("inventories.zip"))));
    assert.ok(isZip(Buffer.from([0x50, 0x4b, 0x05, 0x06, 0, 0])));
    assert.ok(!isZip(Buffer.from("PK is a CSV column,x\n")));
    assert.ok(!isZip(Buffer.from([0x1f, 0x8b, 8, 0])));
  });
});

describe("zip archives: CRC-32", () => {
  it("the fallback for Node without zlib.crc32 gives zip's CRC-32, also chunk by chunk", () => {
    assert.equal(tableCrc32(Buffer.from("123456789"), 0), 0xcbf43926); // the standard check value
    const bytes = readFileSync(data("inventories.zip"));
    let chunked = 0;
    for (let i = 0; i < bytes.length; i += 1000) chunked = tableCrc32(bytes.subarray(i, i + 1000), chunked);
    assert.equal(chunked, tableCrc32(bytes, 0));
    const native = (zlib as { crc32?: (b: Buffer) => number }).crc32;
    if (native) assert.equal(tableCrc32(bytes, 0), native(bytes));
  });
});

describe("zip archives: scanning every entry", () => {
  it("reads each entry with the reader detected for it, locating findings as archive.zip!inner/path", async () => {
    const zip = data("inventories.zip");
    const doc = await scan([zip]);
    assert.deepEqual(found(doc), [
      [`${zip}!logs/programs.json.gz`, 1, "osquery", "Kaspersky Security Center Network Agent", "kaspersky-security-center", 1], // gzip inside the zip
      // no host and no document identity in either: one finding under the "no host" key
      [`${zip}!osquery/processes.json`, 1, "osquery", "avp.exe", "kaspersky-endpoint-security", 2],
      [`${zip}!sboms/mac-host.spdx`, 5, "sbom/spdx-tag-value", "Kaspersky Anti-Virus", "kaspersky-anti-virus", 1],
      [`${zip}!windows/nested.zip!inner/deep.csv`, 2, "inventory/csv", "Kaspersky Total Security", "kaspersky-total-security", 1], // a zip in the zip
      [`${zip}!windows/software.csv`, 2, "inventory/csv", "Kaspersky Endpoint Security for Windows", "kaspersky-endpoint-security", 1],
    ]);
    const merged = doc.findings.find((f) => f.count === 2)!;
    assert.equal(merged.lastSource?.file, `${zip}!sboms/linux-host.cdx.xml`);
    // look-alikes inside are seen and explained, not reported
    assert.deepEqual(doc.lookalikes.map((l) => [l.observation.source.file, l.observation.name]).sort(), [
      [`${zip}!osquery/processes.json`, "klist.exe"],
      [`${zip}!sboms/mac-host.spdx`, "ksnip"],
    ]);
    // README.txt: one warning for the archive; empty, hidden and __MACOSX entries say nothing
    assert.deepEqual(problems(doc), [["warning", "input/unknown-format", zip]]);
    assert.match(doc.errors[0]!.message, /^1 entry of an unknown format skipped \(README\.txt\)/);
    assert.equal(doc.summary.observations, 10);
    assert.deepEqual(doc.inputs, [zip]);
  });

  it("a zip found while walking a directory is opened like one named on the command line", async () => {
    const dir = tempDir("ictsguard-zipdir-");
    copyFileSync(data("inventories.zip"), join(dir, "exports.zip"));
    try {
      const doc = await scan([dir]);
      assert.equal(doc.findings.length, 5);
      assert.ok(doc.findings.every((f) => f.source.file.startsWith(`${join(dir, "exports.zip")}!`)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a zip on standard input is read from a temporary copy", async () => {
    const doc = await scan(["-"], { stdin: Readable.from([readFileSync(data("inventories.zip"))]) });
    assert.equal(doc.findings.length, 5);
    assert.ok(doc.findings.some((f) => f.source.file === "-!windows/software.csv"));
  });

  it("a gzipped zip (exports.zip.gz) is gunzipped, then opened", async () => {
    const dir = tempDir("ictsguard-zipgz-");
    try {
      const file = join(dir, "exports.zip.gz");
      writeFileSync(file, gzipSync(readFileSync(data("inventories.zip"))));
      const doc = await scan([file]);
      assert.equal(doc.findings.length, 5);
      assert.ok(doc.findings.some((f) => f.source.file === `${file}!windows/nested.zip!inner/deep.csv`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`opens zips inside zips down to ${DEFAULT_ARCHIVE_LIMITS.maxDepth} levels; a deeper one is a located error (what it holds was not read)`, async () => {
    const zip = data("deep.zip");
    const doc = await scan([zip]);
    assert.deepEqual(doc.findings.map((f) => f.observation.host).sort(), ["level-1", "level-2", "level-3", "level-4"]);
    assert.ok(doc.findings.some((f) => f.source.file === `${zip}!level2.zip!level3.zip!level4.zip!k4.csv`));
    const depth = doc.errors.find((e) => e.code === "archive/depth");
    assert.equal(depth?.severity, "error");
    assert.match(depth!.message, /^1 zip nested more than 4 levels deep \(the archive\.maxDepth limit\) not opened/);
    assert.equal(depth?.source.file, `${zip}!level2.zip!level3.zip!level4.zip!level5.zip`);
    assert.ok(doc.errors.some((e) => e.code === "input/unknown-format" && /docs\/notes\.md/.test(e.message)), "a directory entry is skipped; its file is named");
  });

  it("--input-format applies to the entries: the archive is a container, not a format", async () => {
    const doc = await scan([data("deep.zip")], { inputFormat: "inventory/csv" });
    assert.equal(doc.findings.length, 4);
    assert.ok(doc.errors.some((e) => e.source.file.endsWith("!docs/notes.md")), "the notes are read as CSV, and say why they fail");
  });
});

describe("zip archives: resources", () => {
  it("closes every archive, entry and temporary copy, also when a reader stops early (unknown formats, a depth limit)", async () => {
    const fdDir = existsSync("/proc/self/fd") ? "/proc/self/fd" : "/dev/fd";
    const open = () => readdirSync(fdDir).length;
    // this process's own (a spill folder is named with its pid): tests beside this one make and remove theirs meanwhile
    const tempCopies = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`${SPILL_PREFIX}${process.pid}-`)).length;
    const inputs = [data("big-unknown.zip"), data("inventories.zip"), data("deep.zip"), data("corrupt-entry.zip"), data("truncated.zip")];
    await scan(inputs); // warm up (modules, catalog index)
    const before = { fds: open(), copies: tempCopies() };
    for (let i = 0; i < 15; i++) await scan(inputs);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let closes queued by destroyed streams run
    assert.ok(open() <= before.fds + 2, `open descriptors grew from ${before.fds} to ${open()}`);
    assert.equal(tempCopies(), before.copies);
  });
});

describe("zip archives: damage is located and the rest is scanned", () => {
  it("a truncated zip: one archive/invalid error at its path; the other inputs are still scanned", async () => {
    const doc = await scan([data("truncated.zip"), data("encrypted.zip")]);
    const invalid = doc.errors.filter((e) => e.code === "archive/invalid");
    assert.deepEqual(invalid.map((e) => [e.severity, e.source.file]), [["error", data("truncated.zip")]]);
    assert.match(invalid[0]!.message, /not a readable zip archive: .*\(truncated, or not a zip\?\); nothing in it was read/);
    assert.ok(doc.findings.some((f) => f.source.file === `${data("encrypted.zip")}!second.csv`));
  });

  it("a file that only starts like a zip: archive/invalid", async () => {
    const doc = await scan([data("not-a-zip.zip")]);
    assert.deepEqual(problems(doc), [["error", "archive/invalid", data("not-a-zip.zip")]]);
    assert.equal(doc.summary.errors, 1);
  });

  it("a corrupt entry (CRC-32 mismatch) is an error at the entry; the next entry is read", async () => {
    const zip = data("corrupt-entry.zip");
    const doc = await scan([zip]);
    assert.deepEqual(problems(doc), [["error", "archive/entry", `${zip}!first.csv`]]);
    assert.match(doc.errors[0]!.message, /CRC-32 mismatch/);
    assert.deepEqual(found(doc).map((f) => [f[0], f[3]]), [[`${zip}!second.csv`, "Kaspersky Internet Security"]]);
  });

  it("an encrypted entry and an unsupported compression method are errors at their entries; the others are read", async () => {
    const enc = await scan([data("encrypted.zip")]);
    assert.deepEqual(problems(enc), [["error", "archive/encrypted", `${data("encrypted.zip")}!first.csv`]]);
    assert.equal(enc.findings.length, 1);
    const bz = await scan([data("bzip2.zip")]);
    assert.deepEqual(problems(bz), [["error", "archive/compression", `${data("bzip2.zip")}!many.csv`]]);
    assert.match(bz.errors[0]!.message, /method 12, expected 0 \(stored\) or 8 \(deflate\)/);
    assert.deepEqual(bz.findings.map((f) => f.source.file), [`${data("bzip2.zip")}!second.csv`]);
  });
});
