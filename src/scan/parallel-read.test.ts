/**
 * A large osqueryd results log read in parts by several threads (./parallel-read.ts) gives the
 * report one thread gives: the whole document is compared, for a log whose parts hold matches,
 * look-alikes on both sides of the report's 1,000, batch and snapshot lines (more records than
 * lines), removed rows and Cyrillic names; and for logs where a part reports an issue (a
 * malformed line, text that is not UTF-8), in the first part (read by this thread) or a later
 * one (read by a worker), so that the rest is read by this thread from there.
 */
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { ReportDocument } from "../model/finding.js";
import { parseAsOf } from "../policy/time.js";
import { tempDir } from "../testing/temp.js";
import { runScan } from "./index.js";
import { headerLines } from "../readers/csv/index.js";
import { DEFAULT_PARALLEL, splitAtLines, type ParallelSettings } from "./parallel-read.js";
import { readPart } from "./read-part.js";

let catalog: Catalog;
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
before(async () => {
  catalog = await loadCatalogOrThrow();
});

const PROGRAMS: [string, string][] = [
  ["Google Chrome", "Google LLC"],
  ["Microsoft Defender Antivirus", "Microsoft Corporation"], // a catalog word, clean
  ["Telegram Desktop", "Telegram FZ-LLC"], // a look-alike
  ["Dr.Web Security Space", "Doctor Web"], // a look-alike
  ["Яндекс Браузер", "ООО «ЯНДЕКС»"],
  ["7-Zip 23.01 (x64)", "Igor Pavlov"],
];

function event(i: number, columns: Record<string, string>, action = "added"): string {
  const host = `ws-${i % 211}`;
  return JSON.stringify({ name: "pack_programs", hostIdentifier: host, calendarTime: "Sun Jun  1 10:00:00 2025 UTC", unixTime: 1748772000 + Math.floor(i / 100), epoch: 0, counter: 0, numerics: false, decorations: { hostname: host }, columns, action });
}

function program(name: string, publisher: string, i: number): Record<string, string> {
  return { name, publisher, version: `${i % 7}.${i}`, install_location: `C:\\Program Files\\${name.split(" ")[0]}\\`, identifying_number: "" };
}

/**
 * 6,000 lines: few look-alikes in the first 40% (so the report's 1,000 fill up in a later part),
 * more than 1,000 in each later part, Kaspersky on some hosts throughout, a batch and a
 * snapshot line now and then.
 */
function logLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const early = i < 2400;
    if (i % 97 === 5) lines.push(event(i, program("Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", i)));
    else if (i % 601 === 7) lines.push(event(i, { name: "kesl", version: `12.0.0.${i}`, maintainer: "AO Kaspersky Lab <support@kaspersky.com>", arch: "amd64", source: "", size: "1", revision: "" }));
    else if (i % 499 === 11) {
      const host = `ws-${i % 211}`;
      lines.push(JSON.stringify({ name: "pack_programs", hostIdentifier: host, unixTime: 1748772000, diffResults: { added: [program("Kaspersky Total Security", "Kaspersky Lab", i), program("Google Chrome", "Google LLC", i)], removed: [program("Telegram Desktop", "Telegram FZ-LLC", i)] } }));
    } else if (i % 733 === 13) {
      lines.push(JSON.stringify({ name: "pack_programs", hostIdentifier: `ws-${i % 211}`, unixTime: 1748772000, snapshot: [program("Dr.Web Security Space", "Doctor Web", i), program("ksnip", "Damir Porobic", i)] }));
    } else if (i % 53 === 17) lines.push(event(i, program("Telegram Desktop", "Telegram FZ-LLC", i), "removed"));
    else {
      // later, two lines in three are look-alikes: a worker's part holds more than the report keeps
      const [name, publisher] = PROGRAMS[early ? (i % 9 === 0 ? 2 : [0, 1, 4, 5][i % 4]!) : [2, 3, 2, 3, 1, 4][i % 6]!]!;
      lines.push(event(i, program(name, publisher, i)));
    }
  }
  return lines;
}

/** No head start in the CSV tests: three equal parts, so that each holds a third of the rows. */
const EQUAL_PARTS = { "osquery-log": 0, csv: 0 };

async function scanBoth(
  name: string,
  bytes: Buffer,
  headStart = DEFAULT_PARALLEL.headStart,
): Promise<{ parallel: ReportDocument; single: ReportDocument; split: { parts: number; used: number }[] }> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const asOf = parseAsOf("2025-06-01");
  const split: { parts: number; used: number }[] = [];
  const parallel = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: { minBytes: 0, workers: 3, headStart, onSplit: ({ parts, used }) => split.push({ parts, used }) } });
  const single = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: false });
  return { parallel, single, split };
}

/** A scan of `path` in three parts under an input time limit of `seconds`, and how many parts it used. */
async function scanWithLimit(path: string, seconds: number, headStart: ParallelSettings["headStart"]): Promise<{ doc: ReportDocument; split: number[] }> {
  const split: number[] = [];
  const doc = await runScan({
    inputs: [path],
    catalog,
    profile: "business",
    asOf: parseAsOf("2025-06-01"),
    limits: { maxRecordChars: 1 << 20, maxDepth: 512, maxSecondsPerInput: seconds, maxGzipRatio: 500 },
    parallel: { minBytes: 0, workers: 3, headStart, onSplit: ({ used }) => split.push(used) },
  });
  return { doc, split };
}

/** The document without what differs between two runs by design (the time it was made). */
const comparable = (doc: ReportDocument): unknown => ({ ...doc, generatedAt: undefined });

describe("scan: a results log read in parts", () => {
  it("gives the report one thread gives", async () => {
    const { parallel, single, split } = await scanBoth("clean.log", Buffer.from(logLines().join("\n") + "\n"));
    assert.deepEqual(split, [{ parts: 3, used: 3 }], "read in three parts, all used");
    assert.ok(single.summary.lookalikes > 1000, `${single.summary.lookalikes} look-alikes`);
    assert.equal(single.lookalikes.length, 1000);
    assert.ok(single.lookalikes.some((l) => (l.observation.source.line ?? 0) > 2400), "the report's look-alikes fill up after the first part");
    assert.ok(single.findings.length > 50, `${single.findings.length} findings`);
    assert.ok(single.findings.some((f) => (f.source.record ?? 0) > (f.source.line ?? 0)), "records run ahead of lines (batch lines)");
    assert.equal(single.errors.length, 0);
    assert.deepEqual(comparable(parallel), comparable(single));
  });

  it("reads on in this thread from a worker's part that reports an issue", async () => {
    const lines = logLines();
    lines[4500] = '{"name":"pack_programs","hostIdentifier":"ws-1",'; // malformed
    const text = Buffer.from(lines.join("\n") + "\n");
    // a line that is not UTF-8 after it
    const at = text.indexOf(Buffer.from(lines[5200]!));
    const bytes = Buffer.concat([text.subarray(0, at), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x0a]), text.subarray(at)]);
    const { parallel, single, split } = await scanBoth("bad-late.log", bytes);
    assert.equal(split.length, 1);
    assert.ok(split[0]!.used >= 1 && split[0]!.used < 3, `parts used: ${split[0]!.used}`);
    assert.ok(single.errors.some((e) => e.code === "json/syntax" && e.source?.line === 4501), "the malformed line, located");
    assert.ok(single.errors.some((e) => e.code === "input/encoding"), "the line that is not UTF-8");
    assert.deepEqual(comparable(parallel), comparable(single));
  });

  it("reads the whole file in this thread when the first part reports an issue", async () => {
    const lines = logLines();
    lines[300] = "{not json";
    lines[5900] = "{not json either";
    const { parallel, single, split } = await scanBoth("bad-early.log", Buffer.from(lines.join("\n") + "\n"));
    assert.deepEqual(split, [{ parts: 3, used: 0 }]);
    assert.equal(single.errors.filter((e) => e.code === "json/syntax").length, 2);
    assert.deepEqual(comparable(parallel), comparable(single));
  });

  it("keeps the input's time limit, and says the limit as configured", async () => {
    const path = join(dir, "slow.log");
    writeFileSync(path, logLines().join("\n") + "\n");
    const { doc, split } = await scanWithLimit(path, 0.001, DEFAULT_PARALLEL.headStart);
    const late = doc.errors.filter((e) => e.code === "limit/time");
    assert.equal(late.length, 1, JSON.stringify(doc.errors));
    assert.match(late[0]!.message, /limit of 0\.001 s/);
    assert.ok(doc.summary.observations < 6000, `${doc.summary.observations} observations: the rest was not read`);
    assert.deepEqual(split, [0], "no worker's part is used after the limit");
  });

  it("cuts at line breaks before a line that starts a results object", async () => {
    const path = join(dir, "cuts.log");
    const lines = ["{\"a\":1}", "  ", "{\"b\":2}", "x", "{\"c\":3}", "{\"d\":4}"];
    const text = lines.join("\n") + "\n";
    writeFileSync(path, text);
    const starts = await splitAtLines(path, text.length, 3);
    assert.equal(starts[0], 0);
    for (const s of starts.slice(1)) {
      assert.equal(text[s - 1], "\n", `part at ${s} follows a line break`);
      assert.equal(text[s], "{", `part at ${s} starts an object`);
    }
    assert.deepEqual(starts, [...new Set(starts)].sort((a, b) => a - b), "in order, no empty part");
  });

  it("gives this thread's part the head start, at most half the file", async () => {
    const path = join(dir, "head-start.log");
    const text = '{"n":12345}\n'.repeat(100); // 100 lines of 12 bytes
    writeFileSync(path, text);
    // a cut is the line after the first line break at or after its share
    assert.deepEqual(await splitAtLines(path, text.length, 2), [0, 612]);
    // 300 bytes more for the first part: the rest (900) is shared, so the share ends at 300 + 450
    assert.deepEqual(await splitAtLines(path, text.length, 2, 300), [0, 756]);
    // capped at half the file: 600 + 300
    assert.deepEqual(await splitAtLines(path, text.length, 2, 10_000), [0, 912]);
    assert.deepEqual(await splitAtLines(path, text.length, 3, 300), [0, 612, 912]);
  });
});

/**
 * 6,000 CSV rows in the generic layout (host,kind,name,vendor,version,path): Kaspersky on some
 * hosts throughout, few look-alikes in the first 40% and more than the report's 1,000 after,
 * Cyrillic names, quoted cells with commas and doubled quotes, a few blank lines.
 */
function csvRows(): string[] {
  const rows: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const host = `ws-${i % 211}`;
    const early = i < 2400;
    let name: string;
    let vendor: string;
    if (i % 97 === 5) [name, vendor] = ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab"];
    else if (i % 389 === 9) [name, vendor] = ["Антивирус Касперского", "Лаборатория Касперского"];
    else [name, vendor] = PROGRAMS[early ? (i % 9 === 0 ? 2 : [0, 1, 4, 5][i % 4]!) : [2, 3, 2, 3, 1, 4][i % 6]!]!;
    if (i % 41 === 3) vendor = `"${vendor}, ""quoted"""`;
    if (i % 1009 === 100) rows.push("");
    rows.push(`${host},software,${name},${vendor},${i % 7}.${i},C:\\Program Files\\${name.split(" ")[0]}\\`);
  }
  return rows;
}

const CSV_HEADER = "host,kind,name,vendor,version,path";

/** Where scanBoth's parallel scan cuts a CSV of this text into three equal parts: indexes into the text (not bytes). */
async function csvCuts(name: string, text: string): Promise<number[]> {
  const path = join(dir, `${name}.cuts`);
  const bytes = Buffer.from(text);
  writeFileSync(path, bytes);
  const starts = await splitAtLines(path, bytes.length, 3, 0, () => true);
  return starts.map((b) => bytes.subarray(0, b).toString().length);
}

/** `text` with the bytes at `at` replaced by `by` (same length: the cuts stay where they were). */
function overwrite(text: string, at: number, by: string): string {
  return text.slice(0, at) + by + text.slice(at + by.length);
}

describe("scan: a CSV read in parts", () => {
  it("gives the report one thread gives, with a BOM and a #TYPE line before the header, and CRLF line ends", async () => {
    const text = "\uFEFF#TYPE Selected.System.Management.ManagementObject\r\n" + [CSV_HEADER, ...csvRows()].join("\r\n") + "\r\n";
    const { parallel, single, split } = await scanBoth("clean.csv", Buffer.from(text), EQUAL_PARTS);
    assert.deepEqual(split, [{ parts: 3, used: 3 }], "read in three parts, all used");
    assert.ok(single.summary.lookalikes > 1000, `${single.summary.lookalikes} look-alikes`);
    assert.ok(single.lookalikes.some((l) => (l.observation.source.line ?? 0) > 2100), "the report's look-alikes fill up in a later part");
    assert.ok(single.findings.length > 50, `${single.findings.length} findings`);
    assert.equal(single.errors.length, 0, JSON.stringify(single.errors));
    // a finding's first line is the line of its first row (rows from line 3: #TYPE, then the header)
    const late = single.findings.filter((f) => (f.source.line ?? 0) > 4000);
    assert.ok(late.length > 0, "findings first seen in a later part");
    assert.deepEqual(comparable(parallel), comparable(single));
  });

  it("reads on in this thread from a part that holds a record over several lines, and a part whose record spans the cut", async () => {
    const text = [CSV_HEADER, ...csvRows()].join("\n") + "\n";
    const cuts = await csvCuts("multi", text);
    assert.equal(cuts.length, 3);
    // a quoted name that runs from the line before the second cut into the line after it (a
    // Kaspersky row, so that a finding depends on reading it whole); same bytes count
    const lineBefore = text.lastIndexOf("\n", cuts[2]! - 2) + 1;
    let spanning = overwrite(text, text.indexOf(",software,", lineBefore) + ",software,".length, '"Kaspersky ');
    spanning = overwrite(spanning, spanning.indexOf(",", cuts[2]! + "ws-1,software".length + 1) - 1, '"');
    const a = await scanBoth("spanning.csv", Buffer.from(spanning), EQUAL_PARTS);
    assert.ok(a.split[0]!.used < 3, `parts used: ${a.split[0]!.used}`);
    assert.ok(a.single.findings.some((f) => f.observation.name?.includes("\n")), "the record over two lines is one observation");
    assert.deepEqual(comparable(a.parallel), comparable(a.single));
    // a record over two lines inside the second part: that part is read by this thread
    const inside = text.lastIndexOf("\n", Math.floor((cuts[1]! + cuts[2]!) / 2)) + 1;
    let multi = overwrite(text, text.indexOf(",software,", inside) + ",software,".length, '"');
    const next = multi.indexOf("\n", inside) + 1;
    multi = overwrite(multi, multi.indexOf(",", multi.indexOf(",software,", next) + ",software,".length) - 1, '"');
    const b = await scanBoth("multi.csv", Buffer.from(multi), EQUAL_PARTS);
    assert.deepEqual(b.split, [{ parts: 3, used: 1 }]);
    assert.deepEqual(comparable(b.parallel), comparable(b.single));
  });

  it("reads the whole file in this thread when the first part reports an issue, and on from a later part that does", async () => {
    const rows = csvRows();
    rows[5000] = 'ws-9,software,"Kaspersky Free,AO Kaspersky Lab,1.0,C:\\x'; // a quote never closed: the rest is not read
    rows[4500] = "ws-9,software,,Nobody,1.0,C:\\x"; // an empty name (a warning)
    const late = await scanBoth("bad-late.csv", Buffer.from([CSV_HEADER, ...rows].join("\n") + "\n"), EQUAL_PARTS);
    assert.ok(late.split[0]!.used >= 1 && late.split[0]!.used < 3, `parts used: ${late.split[0]!.used}`);
    assert.ok(late.single.errors.some((e) => e.code === "csv/malformed" && e.source?.line === 5002), JSON.stringify(late.single.errors));
    assert.ok(late.single.errors.some((e) => e.code === "csv/empty-name" && e.source?.line === 4502));
    assert.deepEqual(comparable(late.parallel), comparable(late.single));

    rows[10] = "ws-9,software,,Nobody,1.0,C:\\x";
    const early = await scanBoth("bad-early.csv", Buffer.from([CSV_HEADER, ...rows].join("\n") + "\n"), EQUAL_PARTS);
    assert.deepEqual(early.split, [{ parts: 3, used: 0 }]);
    assert.ok(early.single.errors.some((e) => e.code === "csv/empty-name" && /2 rows in all/.test(e.message)), JSON.stringify(early.single.errors));
    assert.deepEqual(comparable(early.parallel), comparable(early.single));
  });

  it("keeps what this thread's part read when the input's time limit passes", async () => {
    const rows: string[] = [];
    for (let r = 0; r < 60; r++) rows.push(...csvRows());
    const text = [CSV_HEADER, ...rows].join("\n") + "\n";
    const path = join(dir, "slow.csv");
    writeFileSync(path, text);
    const cuts = await csvCuts("slow", text);
    const firstPartLines = text.slice(0, cuts[1]).split("\n").length - 1;
    // How far this thread gets before the limit depends on the machine: shorter limits until one
    // passes while it still reads its part, with rows read by then (a limit that passes before
    // the first row, or after the part, shows nothing of what is kept)
    const tried: string[] = [];
    for (const seconds of [0.3, 0.1, 0.03, 0.01, 0.003]) {
      const { doc, split } = await scanWithLimit(path, seconds, EQUAL_PARTS);
      assert.equal(doc.errors.filter((e) => e.code === "limit/time").length, 1, JSON.stringify(doc.errors));
      tried.push(`${seconds} s: parts used ${split}, ${doc.summary.observations} observations`);
      if (split[0] !== 0 || doc.summary.observations === 0) continue;
      assert.ok(doc.findings.length > 0, "the findings of the rows read by then are kept");
      assert.ok(doc.summary.observations < firstPartLines, `${doc.summary.observations} observations: the rest was not read`);
      assert.ok(doc.findings.every((f) => (f.source.line ?? 0) <= firstPartLines), "all from the first part");
      return;
    }
    assert.fail(`no limit passed while this thread read its part with rows read by then: ${tried.join("; ")}`);
  });

  it("shows progress while the parts are read, before their observations reach the scan", async () => {
    const rows: string[] = [];
    for (let r = 0; r < 60; r++) rows.push(...csvRows());
    const path = join(dir, "progress.csv");
    writeFileSync(path, [CSV_HEADER, ...rows].join("\n") + "\n");
    const seen: { bytesRead: number; observations: number }[] = [];
    await runScan({
      inputs: [path],
      catalog,
      profile: "business",
      asOf: parseAsOf("2025-06-01"),
      parallel: { minBytes: 0, workers: 2, headStart: EQUAL_PARTS },
      onProgress: ({ bytesRead, observations }) => seen.push({ bytesRead, observations }),
    });
    // each part reports every 8 MiB it reads (the first part is about 13 MiB)
    assert.ok(seen.some((p) => p.bytesRead > 0 && p.observations === 0), JSON.stringify(seen.slice(0, 5)));
  });

  it("a part after one that sent the report's whole list of look-alikes sends none of its own, and counts them", async () => {
    // look-alikes (Telegram, Dr.Web) in every part, from the first line on: the first part fills the list
    const rows = Array.from({ length: 6000 }, (_, i) => {
      const [name, vendor] = i % 97 === 5 ? ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab"] : PROGRAMS[[2, 3, 0][i % 3]!]!;
      return `ws-${i % 211},software,${name},${vendor},1.${i},C:\\Program Files\\${name.split(" ")[0]}\\`;
    });
    const text = [CSV_HEADER, ...rows].join("\n") + "\n";
    const { parallel, single, split } = await scanBoth("lookalikes-early.csv", Buffer.from(text), EQUAL_PARTS);
    assert.deepEqual(split, [{ parts: 3, used: 3 }]);
    assert.equal(single.lookalikes.length, 1000);
    assert.ok(single.lookalikes.every((l) => (l.observation.source.line ?? 0) < 2000), "the report's look-alikes are all the first part's");
    assert.deepEqual(comparable(parallel), comparable(single));

    // the second part read alone, once with the first part's list full and once not
    const path = join(dir, "lookalikes-early.csv");
    const bytes = Buffer.from(text);
    const starts = await splitAtLines(path, bytes.length, 3, 0, () => true);
    const part = async (firstFull: boolean) => {
      const full = new SharedArrayBuffer(12);
      if (firstFull) Atomics.store(new Int32Array(full), 0, 1);
      const result = await readPart(
        { path, start: starts[1]!, end: starts[2]!, format: "csv", prefix: headerLines(bytes)!, catalog, profile: "business", asOf: "2025-06-01", maxForwarded: 20_000, part: 1, lookalikesFull: full },
        { onProgress: () => {} },
      );
      assert.ok(result.clean, result.clean ? "" : result.why);
      return result;
    };
    const after = await part(true);
    const alone = await part(false);
    const lookalikeOnly = (r: typeof after) => r.forwarded.filter((o) => !o.name.startsWith("Kaspersky")).length;
    assert.equal(lookalikeOnly(alone), 1000, "a part with no full list before it sends the first 1,000");
    assert.equal(lookalikeOnly(after), 0, "after a full list, none");
    assert.equal(after.forwarded.length, alone.forwarded.length - 1000, "its Kaspersky rows are sent all the same");
    assert.equal(after.observations, alone.observations);
    assert.equal(after.lookalikesNotSent, alone.lookalikesNotSent + 1000, "the look-alikes not sent are counted");
    assert.deepEqual([after.lines, after.records], [alone.lines, alone.records]);
  });

  it("cuts a CSV at any line break, after its header", async () => {
    const text = [CSV_HEADER, ...csvRows()].join("\n") + "\n";
    const cuts = await csvCuts("any", text);
    assert.equal(cuts.length, 3);
    for (const s of cuts.slice(1)) assert.equal(text[s - 1], "\n", `part at ${s} follows a line break`);
    assert.ok(cuts[1]! > CSV_HEADER.length);
  });
});

describe("headerLines: where a CSV's header lines end, and how many they are", () => {
  it("is the byte after the header line, after a BOM and a #TYPE line, or undefined", () => {
    assert.deepEqual(headerLines(Buffer.from("a,b\n1,2\n")), { end: 4, lines: 1 });
    assert.deepEqual(headerLines(Buffer.from("\uFEFF#TYPE x\r\n\r\nname,vendor\r\nx,y\r\n")), { end: Buffer.byteLength("\uFEFF#TYPE x\r\n\r\nname,vendor\r\n"), lines: 3 });
    assert.deepEqual(headerLines(Buffer.from("Имя,Издатель\nx,y\n")), { end: Buffer.byteLength("Имя,Издатель\n"), lines: 1 });
    assert.equal(headerLines(Buffer.from("name,vendor")), undefined, "no line break after the header in the head");
    assert.equal(headerLines(Buffer.from([0x6e, 0xff, 0x2c, 0x76, 0x0a])), undefined, "not UTF-8");
  });
});
