/**
 * The compiled runs of CSV lines only counted (asm/csv-line.ts, ./compiled.ts) against the
 * reader's own JavaScript test of each line: random inventories of several layouts, read in
 * random chunk sizes through a real scanner, give the same report, observation count, issues
 * and line numbers with either engine, and the report the full path gives (no prefilter, no
 * repeat keys). The compiled run must also really take lines, or the comparison proves nothing.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { createRng, type Rng } from "../../fuzz/rng.js";
import type { Catalog } from "../../model/catalog.js";
import { parseAsOf } from "../../policy/time.js";
import { createScanner } from "../../scan/scanner.js";
import type { CompiledEngine } from "../_wasm.js";
import type { ReadContext } from "../types.js";
import { csvLineEngine } from "./compiled.js";
import { csvReader, readCsv } from "./index.js";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalogOrThrow();
});

const asOf = parseAsOf("2025-06-01");

/** What one read gave: the report (its time left out), the observations counted, and how the reader used the scan. */
type Outcome = {
  report: unknown;
  observations: number;
  numbered: { lines: number; records: number } | undefined;
  calls: { skipped: number; repeat: number; lookalikesSkipped: number; repeatHit: number; merged: number; prefilterScans: number };
};

/** A report with its issues in line order. */
function inLineOrder(report: unknown): unknown {
  const r = report as { errors: { source?: { line?: number }; code: string }[] };
  const line = (i: { source?: { line?: number } }): number => i.source?.line ?? Infinity;
  return { ...r, errors: [...r.errors].sort((a, b) => line(a) - line(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) };
}

/** The input as chunks of random sizes (up to 64 bytes for one input in four, else up to 64 KiB), as a stream gives them. */
function chunked(bytes: Buffer, rng: Rng): Buffer[] {
  const out: Buffer[] = [];
  const small = rng.int(4) === 0;
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + rng.int(small ? 64 : 65536);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** `text` read by the CSV reader with `engine`, fed to a real scanner as `scan` feeds it (`fast`), or by its full path. */
async function read(text: Buffer, chunks: Buffer[], engine: CompiledEngine, fast: boolean): Promise<Outcome> {
  const path = "inventory.csv";
  const scanner = createScanner({ catalog, profile: "business", asOf });
  scanner.input(path);
  const calls = { skipped: 0, repeat: 0, lookalikesSkipped: 0, repeatHit: 0, merged: 0, prefilterScans: 0 };
  const prefilter = scanner.prefilter();
  let numbered: Outcome["numbered"];
  const add = (o: Parameters<typeof scanner.add>[0], key?: string): void => {
    o.source.reader = csvReader.name;
    scanner.add(o, key);
  };
  const ctx: ReadContext = fast
    ? {
        report: (i) => scanner.issue(i),
        emit: add,
        // the reader's own look for catalog literals, line by line (the compiled run has an automaton of its own)
        prefilter: {
          ...prefilter,
          scan: (...args) => {
            calls.prefilterScans++;
            return prefilter.scan(...args);
          },
        },
        skipped: (n, lookalikes) => {
          calls.skipped++;
          calls.lookalikesSkipped += lookalikes ?? 0;
          scanner.skip(n, lookalikes);
        },
        repeat: (key) => {
          calls.repeat++;
          return scanner.repeat(key);
        },
        repeatCounted: (key) => scanner.repeatCounted(key),
        repeatHit: (key, host, source) => {
          source.reader = csvReader.name;
          calls.repeatHit++;
          const merged = scanner.repeatHit(key, host, source);
          if (merged) calls.merged++;
          return merged;
        },
        numbered: (c) => void (numbered = c),
      }
    : { report: (i) => scanner.issue(i) };
  for await (const o of readCsv({ path, stream: Readable.from(chunks.length ? chunks : [text]), encoding: "utf-8" }, ctx, engine)) add(o);
  const observations = scanner.observations;
  const report = { ...(await scanner.finish()), generatedAt: undefined };
  return { report, observations, numbered, calls };
}

/** Programs: clean ones, look-alikes and clean names with a catalog word (prefilter hits that match nothing), restricted ones. */
const PROGRAMS = [
  ["Google Chrome", "Google LLC"],
  ["Mozilla Firefox (x64 en-US)", "Mozilla"],
  ["Notepad++ (64-bit x64)", "Notepad++ Team"],
  ["Telegram Desktop", "Telegram FZ-LLC"],
  ["Dr.Web Security Space", "Doctor Web"],
  ["ksnip", "Damir Porobic"],
  ["KeePass Password Safe", "Dominik Reichl"],
  ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab"],
  ["Антивирус Касперского", "Лаборатория Касперского"],
  ["Yandex", "ООО «ЯНДЕКС»"],
  ["Zoom Workplace", "Zoom Video Communications, Inc."],
  ['7-Zip "23.01" (x64)', "Igor Pavlov"],
  ["Cisco Secure Client", "Cisco Systems, Inc."],
] as const;
const KINDS = ["software", "software", "software", "Software", "process", "service", "device", "widget", "", " software ", 'soft"ware'];

type Layout = { header: string[]; row: (rng: Rng, i: number) => string[] };

const LAYOUTS: Layout[] = [
  {
    header: ["host", "kind", "name", "vendor", "version", "path", "identifier"],
    row: (rng, i) => {
      const [name, vendor] = rng.pick(PROGRAMS);
      return [`ws-${i % 37}`, rng.int(8) === 0 ? rng.pick(KINDS) : "software", name, vendor, `${rng.int(30)}.${rng.int(9)}`, `C:\\Program Files\\${name.split(" ")[0]}\\`, ""];
    },
  },
  {
    // a PowerShell export of Uninstall keys: the key a row came from, update rows, no kind column
    header: ["DisplayName", "DisplayVersion", "Publisher", "ParentKeyName", "PSPath", "PSComputerName"],
    row: (rng, i) => {
      const [name, vendor] = rng.pick(PROGRAMS);
      // the real key path is a prefilter hit (the `\U` of `\Uninstall` could be a JSON escape): half the rows have a short one, counted by their cells
      const key = rng.chance(0.5)
        ? `Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{${i % 13}}`
        : `HKLM\\SOFTWARE\\Apps\\{${i % 13}}`;
      return [name, `${rng.int(9)}.${i}`, vendor, rng.int(20) === 0 ? "Office16" : "", key, `PC-${i % 11}`];
    },
  },
  {
    // kind columns: a process and a service on one row, or neither
    header: ["computername", "process", "service", "name", "publisher"],
    row: (rng, i) => {
      const [name, vendor] = rng.pick(PROGRAMS);
      return [`h${i % 7}`, rng.chance(0.5) ? "avp.exe" : rng.chance(0.5) ? "chrome.exe" : "", rng.int(3) === 0 ? "AVP" : "", rng.int(4) === 0 ? "" : name, vendor];
    },
  },
];

/** A cell as a CSV writer writes it: quoted when it must be (or always, as PowerShell's Export-Csv does), quotes doubled. */
function field(value: string, delimiter: string, always: boolean): string {
  return always || value.includes('"') || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One random inventory: a layout, a delimiter, quoting, rows with the odd line that the reader must see (a stray quote, CRs, blanks, short rows, `???`, bad bytes). */
function inventory(rng: Rng): Buffer {
  const layout = rng.pick(LAYOUTS);
  const delimiter = rng.pick([",", ";", "\t"]);
  const quoteAll = rng.int(3) === 0;
  const eol = rng.int(4) === 0 ? "\r\n" : "\n";
  const parts: Buffer[] = [Buffer.from(layout.header.join(delimiter) + eol)];
  const count = 50 + rng.int(400);
  // a CR inside a line hands the rest of the input to csv-parse: in one inventory in four
  const crInside = rng.int(4) === 0;
  for (let i = 0; i < count; i++) {
    const cells = layout.row(rng, i).map((c) => field(c, delimiter, quoteAll));
    const roll = rng.int(60);
    if (roll === 0) cells[0] = `"${cells[0]}"`; // a quoted cell, or a cell with a stray quote
    if (roll === 1 && crInside) cells[cells.length - 1] += "\r"; // a carriage return inside the line (before its line feed: in a \r\n file, two CRs)
    if (roll === 6 && crInside) cells[1] += "\r"; // a carriage return amid the line's cells
    // a short row: its line feed, and the next line's delimiters, in the same 16 bytes as its own cells
    if (roll === 7 || roll === 8) cells.length = roll === 7 ? 1 : 1 + rng.int(cells.length - 1);
    if (roll === 2) cells[0] += "???"; // an ASCII export of a name it could not write
    if (roll === 3) cells[0] += "\u0000";
    let line = Buffer.from(cells.join(delimiter) + eol);
    if (roll === 4) line = Buffer.concat([Buffer.from([0xff, 0xfe]), line]); // not UTF-8
    if (roll === 5) line = Buffer.from(eol); // a blank line
    parts.push(line);
  }
  if (rng.chance(0.5)) parts.push(Buffer.from(layout.row(rng, count).map((c) => field(c, delimiter, quoteAll)).join(delimiter))); // a last line with no line break
  return Buffer.concat(parts);
}

describe("the compiled CSV run (asm/csv-line.ts)", () => {
  it("is the engine this Node.js loads", () => {
    assert.equal(csvLineEngine(), "wasm");
  });

  it("gives the JavaScript engine's report, counts and line numbers, on 120 random inventories read in random chunks", async () => {
    const rng = createRng(20261206);
    let taken = 0;
    for (let n = 0; n < 120; n++) {
      const text = inventory(rng);
      const chunks = chunked(text, rng);
      const compiled = await read(text, chunks, "wasm", true);
      const script = await read(text, chunks, "js", true);
      const label = `inventory ${n}: ${text.subarray(0, 200).toString("latin1")}`;
      assert.deepEqual(compiled.report, script.report, `compiled and script: ${label}`);
      assert.equal(compiled.observations, script.observations, label);
      assert.deepEqual(compiled.numbered, script.numbered, label);
      // the full path (every row built and matched) agrees too, but for the order of its issues:
      // its reader yields each row and waits, while csv-parse reports the malformed rows of a
      // chunk as it parses it, so a row's own issue can come after a later row's
      const full = await read(text, [], "js", false);
      assert.deepEqual(inLineOrder(compiled.report), inLineOrder(full.report), `compiled and full: ${label}`);
      if (compiled.calls.repeat < script.calls.repeat) taken++;
    }
    // a stray quote or a CR inside a line hands the rest to csv-parse, early in some inventories,
    // and after a call that takes no line the reader reads a few lines itself
    assert.ok(taken > 40, `the compiled run took repeated lines in ${taken} of 120 inventories`);
  });

  it("compares the first data row with the header before any line is counted unread: a header-less inventory is refused by either engine", async () => {
    // the generic form without its header line and its version column: the first row, a clean
    // program, is what the compiled run would count; every later row has `software` where the "header" has it
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(i % 500 === 7 ? `ws-${i % 37},software,Kaspersky Free,AO Kaspersky Lab` : `ws-${i % 37},software,Google Chrome,Google LLC`);
    const text = Buffer.from(lines.join("\n") + "\n");
    const rng = createRng(20261207);
    for (const chunks of [[text], chunked(text, rng), [text.subarray(0, 20), text.subarray(20, 60), text.subarray(60)]]) {
      for (const [engine, fast] of [["wasm", true], ["js", true], ["js", false]] as const) {
        const report = (await read(text, chunks, engine, fast)).report as { findings: unknown[]; errors: { code: string; source?: { line?: number } }[] };
        assert.deepEqual(report.errors.map((e) => [e.code, e.source?.line]), [["csv/no-header", 1]], `${engine} ${fast}`);
        assert.deepEqual(report.findings, []);
      }
    }
  });

  it("reads quoted cells as tokenize does: a delimiter inside quotes is no cell boundary, a closing quote must end its cell, no other cell holds a quote", async () => {
    const lines = ["computername,name,publisher,version"];
    // a clean program with a catalog word, on many hosts whose names hold the delimiter: its key is counted for good
    for (let i = 0; i < 100; i++) lines.push(`"ws,${i}",KeePass Password Safe,Dominik Reichl,1.0`);
    // the same bytes but the publisher: a split at the host's comma would take the publisher for the version, left out of the key
    lines.push(`"ws,7",KeePass Password Safe,AO Kaspersky Lab,1.0`);
    // clean rows; one with a quote inside a cell not quoted, then one whose quoted name has more after its closing quote
    for (let i = 0; i < 50; i++) lines.push(`"ws-${i}","Google Chrome",Google LLC,1.${i}`);
    lines.push(`ws-2,Google Chr"ome,Google LLC,1.0`);
    lines.push(`ws-1,"Google Chrome"x,Google LLC,1.0`);
    for (let i = 0; i < 50; i++) lines.push(`ws-${i},Google Chrome,Google LLC,2.${i}`);
    const text = Buffer.from(lines.join("\n") + "\n");
    const compiled = await read(text, [text], "wasm", true);
    const script = await read(text, [text], "js", true);
    assert.deepEqual(compiled.report, script.report);
    const report = compiled.report as { findings: { observation: { host?: string } }[]; errors: { code: string; source?: { line?: number } }[] };
    assert.deepEqual(report.findings.map((f) => f.observation.host), ["ws,7"], "the row with another publisher is matched");
    assert.deepEqual(report.errors.filter((e) => e.code === "csv/malformed").map((e) => e.source?.line), [153, 154], "the cell with a quote inside, and the one with text after its closing quote, are reported");
    assert.ok(compiled.calls.repeat < 10, `the clean program's rows were counted by the compiled run (${compiled.calls.repeat} calls to repeat)`);
  });

  it("merges a row whose key matched into the finding of its own host: a quoted cell before the host may hold delimiters", async () => {
    // split at every comma, the third line's host cell would be `ws-2` (inside the quoted vendor), whose finding exists
    const lines = ["name,vendor,host,version"];
    lines.push('Kaspersky Endpoint Security,"Kaspersky,ws-2,Lab",ws-2,1.0');
    lines.push('Kaspersky Endpoint Security,"Kaspersky,ws-2,Lab",ws-2,1.1');
    lines.push('Kaspersky Endpoint Security,"Kaspersky,ws-2,Lab",ws-1,1.2');
    const text = Buffer.from(lines.join("\n") + "\n");
    const compiled = await read(text, [text], "wasm", true);
    const script = await read(text, [text], "js", true);
    assert.deepEqual(compiled.report, script.report);
    const report = compiled.report as { findings: { count: number; observation: { host?: string } }[] };
    assert.deepEqual(report.findings.map((f) => [f.observation.host, f.count]).sort(), [["ws-1", 1], ["ws-2", 2]]);
    assert.equal(compiled.calls.merged, 1, "the second row merged by its key");
  });

  it("takes a whole batch of counted lines in one call, and repeats by their key, look-alikes included", async () => {
    // 20,000 rows of 4 programs on 500 hosts: clean, clean with a catalog word, look-alikes (far more than a report keeps)
    const lines = ["host,kind,name,vendor,version,path,identifier"];
    const programs = ["Google Chrome,Google LLC", "KeePass Password Safe,Dominik Reichl", "Telegram Desktop,Telegram FZ-LLC", "ksnip,Damir Porobic"];
    for (let i = 0; i < 20_000; i++) lines.push(`ws-${i % 500},software,${programs[i % programs.length]},${i % 9}.${i},,`);
    const text = Buffer.from(lines.join("\n") + "\n");
    const compiled = await read(text, [text], "wasm", true);
    const script = await read(text, [text], "js", true);
    assert.deepEqual(compiled.report, script.report);
    assert.equal(compiled.observations, 20_000);
    // the JavaScript engine asks the scan about each repeated hit; the compiled one only until it knows the key is counted for good
    assert.ok(script.calls.repeat > 9000, `${script.calls.repeat}`);
    assert.ok(compiled.calls.repeat < script.calls.repeat / 5, `${compiled.calls.repeat} calls to repeat, against ${script.calls.repeat}`);
    assert.ok(compiled.calls.lookalikesSkipped > 0, "look-alike rows counted by the compiled run");
    assert.ok(compiled.calls.skipped < script.calls.skipped / 3, `${compiled.calls.skipped} calls to skipped, against ${script.calls.skipped}`);
  });

  it("stops at a row whose key was merged before and names the key, so the reader merges it without looking at it again", async () => {
    // 12,000 rows of 200 hosts, 60 each (as an inventory lists them): two restricted programs (one
    // quoted, as Export-Csv writes) among clean ones, each 15 times on each host
    const lines = ["host,kind,name,vendor,version,path,identifier"];
    const programs = ["Google Chrome,Google LLC", "Kaspersky Endpoint Security for Windows,AO Kaspersky Lab", "Telegram Desktop,Telegram FZ-LLC", '"Антивирус Касперского","Лаборатория Касперского"'];
    for (let i = 0; i < 12_000; i++) lines.push(`ws-${Math.floor(i / 60)},software,${programs[i % programs.length]},${i % 9}.${i},,`);
    const text = Buffer.from(lines.join("\n") + "\n");
    const compiled = await read(text, [text], "wasm", true);
    const script = await read(text, [text], "js", true);
    const full = await read(text, [], "js", false);
    assert.deepEqual(compiled.report, script.report);
    assert.deepEqual(compiled.report, full.report);
    const report = compiled.report as { findings: { count: number }[] };
    assert.equal(report.findings.length, 400, "each restricted program on each host");
    assert.equal(report.findings.reduce((n, f) => n + f.count, 0), 6000, "every restricted row counted in its finding");
    // every row after a program's first on a host is merged, by either engine
    assert.equal(script.calls.merged, 6000 - 400);
    assert.equal(compiled.calls.merged, 6000 - 400);
    // a program's first row on each later host: the run names its key, the merge finds no finding
    // on that host, and the reader adds the row with that key, without asking again
    assert.equal(compiled.calls.repeatHit, script.calls.repeatHit, "no row is asked about twice");
    // the JavaScript engine looks for literals in each restricted row (9,000 looks); with the
    // compiled one the reader looks only in the first host's rows and the lines it reads itself
    // after a miss, not in the rows it merges or adds by a named key (2,004 looks; 7,001 when the
    // run is not told of merged keys)
    assert.ok(script.calls.prefilterScans >= 6000, `${script.calls.prefilterScans}`);
    assert.ok(compiled.calls.prefilterScans < 3000, `${compiled.calls.prefilterScans} looks for literals by the reader, against ${script.calls.prefilterScans}`);
  });

  it("finds each restricted row when lines are longer than the automaton's 8 KiB group, cross groups, or a group holds hundreds of lines", async () => {
    // the automaton steps a group of whole lines at a time in four streams (asm/csv-line.ts, stepGroup):
    // a line longer than a group, a hit at a group's last bytes, and short lines between long ones
    const lines = ["host,kind,name,vendor,version,path,identifier"];
    const programs = ["Google Chrome,Google LLC", "Kaspersky Endpoint Security for Windows,AO Kaspersky Lab", "Telegram Desktop,Telegram FZ-LLC", "Notepad++,Notepad++ Team"];
    for (let i = 0; i < 3000; i++) {
      const long = i % 97 === 0 ? "x".repeat(9000 + i) : i % 13 === 0 ? "y".repeat(2000 + (i % 700)) : "";
      // the restricted name at the very end of a long line, after the padding, on some rows
      const tail = i % 194 === 0 ? " Kaspersky" : "";
      lines.push(`ws-${i % 40},software,${programs[i % programs.length]},${i % 9}.${i},C:\\${long}${tail},`);
    }
    const text = Buffer.from(lines.join("\n") + "\n");
    const rng = createRng(37);
    const chunks: Buffer[] = [];
    for (let at = 0; at < text.length; ) {
      const size = 1 + rng.int(20_000);
      chunks.push(text.subarray(at, at + size));
      at += size;
    }
    const compiled = await read(text, chunks, "wasm", true);
    const script = await read(text, chunks, "js", true);
    const full = await read(text, [], "js", false);
    assert.deepEqual(compiled.report, script.report);
    assert.deepEqual(inLineOrder(compiled.report), inLineOrder(full.report));
    assert.deepEqual(compiled.numbered, script.numbered);
    const report = compiled.report as { findings: { count: number }[] };
    assert.equal(report.findings.reduce((n, f) => n + f.count, 0), 750, "every Kaspersky row counted, the long ones too");
  });

  it("takes repeated rows in UTF-8 (a Russian-language inventory), and leaves to the reader those its decoding would warn about", async () => {
    const lines = ["host,kind,name,vendor,version,path,identifier"];
    for (let i = 0; i < 2000; i++) lines.push(`ws-${i % 300},software,Блокнот,Корпорация Майкрософт,${i % 7}.${i},C:\\Программы\\,`);
    const parts = [Buffer.from(lines.join("\n") + "\n")];
    // the same bytes but in the host and version cells, which the key leaves out: U+FFFD, and a byte that is no UTF-8
    parts.push(Buffer.from("ws-\uFFFD,software,Блокнот,Корпорация Майкрософт,1.0,C:\\Программы\\,\n"));
    parts.push(Buffer.concat([Buffer.from("ws-1,software,Блокнот,Корпорация Майкрософт,1."), Buffer.from([0xff]), Buffer.from(",C:\\Программы\\,\n")]));
    // an overlong encoding of "/", a UTF-16 surrogate, and a sequence cut short, in the version cell too
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82, 0x35]]) {
      parts.push(Buffer.concat([Buffer.from("ws-2,software,Блокнот,Корпорация Майкрософт,1."), Buffer.from(bad), Buffer.from(",C:\\Программы\\,\n")]));
    }
    const text = Buffer.concat(parts);
    const compiled = await read(text, [text], "wasm", true);
    const script = await read(text, [text], "js", true);
    assert.deepEqual(compiled.report, script.report);
    assert.equal(compiled.observations, 2005);
    assert.ok(compiled.calls.repeat < 20, `${compiled.calls.repeat} calls to repeat, against ${script.calls.repeat}`);
    const report = compiled.report as { errors: { code: string; source?: { line?: number } }[] };
    const encoding = report.errors.filter((e) => e.code === "input/encoding");
    assert.deepEqual(encoding.map((e) => e.source?.line), [2002, undefined], "the first row with text it could not decode warns, and a summary counts them all");
  });
});
