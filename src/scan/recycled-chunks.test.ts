/**
 * The results-log and CSV readers let the file's read buffers be used again (`ReadInput.recycle`,
 * io/file-chunks.ts `ChunkRing`): a chunk's bytes are overwritten RING_BUFFERS chunks after it.
 * That must never show: a file of many chunks (restricted programs with versions of their own on
 * hosts of their own, look-alikes, catalog words in clean names, removed rows, malformed lines and
 * a line that is not UTF-8, spread over the file; a CSV's stray quote late in it, which hands the
 * rest to csv-parse) gives, read by one thread and by parts, the report its reader's full path
 * gives from one buffer that nothing overwrites; and so do the observations a slow consumer takes.
 */
import assert from "node:assert/strict";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { createRng } from "../fuzz/rng.js";
import { READ_CHUNK_BYTES } from "../io/limits.js";
import { RING_BUFFERS } from "../io/file-chunks.js";
import { openInput } from "../io/open.js";
import type { Catalog } from "../model/catalog.js";
import type { ReportDocument } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { parseAsOf } from "../policy/time.js";
import { csvReader } from "../readers/csv/index.js";
import { osqueryReader } from "../readers/osquery/index.js";
import { tempDir } from "../testing/temp.js";
import { runScan } from "./index.js";
import { createScanner } from "./scanner.js";

let catalog: Catalog;
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
before(async () => {
  catalog = await loadCatalogOrThrow();
});

const PROGRAMS: [string, string][] = [
  ["Google Chrome", "Google LLC"], ["7-Zip 23.01 (x64)", "Igor Pavlov"], ["Slack", "Slack Technologies Inc."], ["VLC media player", "VideoLAN"],
  // catalog words in clean names, and look-alikes
  ["ksnip", "Damir Porobic"], ["KeePass Password Safe 2.57", "Dominik Reichl"], ["Cisco Secure Client - AnyConnect VPN", "Cisco Systems, Inc."],
  ["Telegram Desktop", "Telegram FZ-LLC"], ["Dr.Web Security Space", "Doctor Web"], ["UltraAV", "Pango"], ["Yandex", "ООО «ЯНДЕКС»"],
];
const RESTRICTED: [string, string][] = [["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab"], ["Антивирус Касперского", "Лаборатория Касперского"]];

type Row = { i: number; host: string; name: string; publisher: string; version: string; path: string };

/** The fleet's rows, seeded: every row differs from the ones around it. */
function* fleetRows(rows: number): Iterable<Row> {
  const rng = createRng(2024_09_29);
  for (let i = 0; i < rows; i++) {
    const host = `ws-${String(rng.int(800)).padStart(4, "0")}`;
    const [name, publisher] = i % 97 === 5 ? rng.pick(RESTRICTED) : rng.pick(PROGRAMS);
    yield { i, host, name, publisher, version: `${rng.int(30)}.${rng.int(10)}.${i}`, path: `C:\\Program Files\\${name.split(" ")[0]}\\` };
  }
}

/** About 64 read chunks of a results log. */
function fleetLog(): Buffer {
  const lines: Buffer[] = [];
  for (const { i, host, name, publisher, version, path } of fleetRows(48_000)) {
    const columns = { identifying_number: "", install_location: path, name, publisher, version };
    const action = i % 211 === 17 ? "removed" : "added";
    const line = JSON.stringify({ name: "pack_programs", hostIdentifier: host, calendarTime: "Sun Sep 29 10:00:00 2024 UTC", unixTime: 1727604000 + i, epoch: 0, counter: 0, numerics: false, decorations: { hostname: host }, columns, action });
    if (i % 1499 === 7) lines.push(Buffer.from(`${line.slice(0, 60)}\n`));
    else if (i % 2999 === 11) lines.push(Buffer.concat([Buffer.from(line.replace(host, "ws-\u0000").split("\u0000")[0]!), Buffer.from([0xff]), Buffer.from(`${line.split(host)[1]}\n`)]));
    else lines.push(Buffer.from(`${line}\n`));
  }
  return Buffer.concat(lines);
}

/** About 50 read chunks of an inventory CSV; a stray quote at four fifths of it. */
function fleetCsv(): Buffer {
  const rows = 150_000;
  const cell = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines: Buffer[] = [Buffer.from("host,kind,name,vendor,version,path,identifier\n")];
  for (const { i, host, name, publisher, version, path } of fleetRows(rows)) {
    const line = [host, "software", name, publisher, version, path, ""].map(cell).join(",");
    if (i === Math.floor(rows * 0.8)) lines.push(Buffer.from(`${host},software,Stray "quote,x,1.0,,\n`));
    else if (i % 2999 === 11) lines.push(Buffer.concat([Buffer.from(line.slice(0, 8)), Buffer.from([0xff]), Buffer.from(`${line.slice(8)}\n`)]));
    else lines.push(Buffer.from(`${line}\n`));
  }
  return Buffer.concat(lines);
}

const FORMATS = [
  { what: "a results log", reader: osqueryReader, file: "fleet.log", text: fleetLog, error: "json/syntax" },
  { what: "an inventory CSV", reader: csvReader, file: "fleet.csv", text: fleetCsv, error: "csv/malformed" },
];

function comparable(doc: ReportDocument): unknown {
  return { ...doc, generatedAt: undefined };
}

describe("scan: files read into read buffers used again", () => {
  for (const format of FORMATS) {
    it(`${format.what} gives the report of its reader's full path, read by one thread and by parts`, async () => {
      const bytes = format.text();
      const path = join(dir, format.file);
      writeFileSync(path, bytes);
      assert.ok(statSync(path).size > 2.5 * RING_BUFFERS * READ_CHUNK_BYTES, "each part uses the buffers of its ring again");
      const asOf = parseAsOf("2025-06-01");
      const single = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: false });
      const parts = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: { minBytes: 0, workers: 2 } });

      const scanner = createScanner({ catalog, profile: "business", asOf });
      scanner.input(path);
      for await (const o of format.reader.read({ path, stream: Readable.from([bytes]), encoding: "utf-8" }, { report: (i) => scanner.issue(i) })) {
        o.source.reader = format.reader.name;
        scanner.add(o);
      }
      const full = await scanner.finish();

      assert.ok(full.findings.length > 200, `${full.findings.length} findings`);
      assert.ok(full.errors.some((e) => e.code === format.error), `the malformed line is reported: ${full.errors.map((e) => e.code)}`);
      assert.ok(full.errors.some((e) => e.code === "input/encoding"), "the line that is not UTF-8 is reported");
      assert.deepEqual(comparable(single), comparable(full), "one thread");
      assert.deepEqual(comparable(parts), comparable(full), "parts");
    });

    it(`${format.what} gives the observations of the full path to a consumer that takes each one a turn of the event loop later`, async () => {
      // yielded (no emit), the reader is suspended inside a batch while the streams read ahead
      const bytes = format.text();
      const path = join(dir, `slow-${format.file}`);
      writeFileSync(path, bytes);
      const opened = await openInput(path);
      assert.ok(opened.recycle, "a file's chunks can be used again");
      const prefilter = createScanner({ catalog, profile: "business", asOf: parseAsOf("2025-06-01") }).prefilter();
      const seen = (o: Observation) => `${o.source.line} ${o.host} ${o.name} ${o.version} ${o.vendor}`;
      const slow: string[] = [];
      const issues: string[] = [];
      for await (const o of format.reader.read({ path, stream: opened.stream, encoding: opened.encoding, recycle: opened.recycle }, { report: (i) => void issues.push(`${i.source?.line} ${i.code}`), prefilter, skipped: () => {} })) {
        slow.push(seen(o));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const full: string[] = [];
      const fullIssues: string[] = [];
      for await (const o of format.reader.read({ path, stream: Readable.from([bytes]), encoding: "utf-8" }, { report: (i) => void fullIssues.push(`${i.source?.line} ${i.code}`), prefilter, skipped: () => {} })) full.push(seen(o));
      assert.ok(full.length > 1_000, `${full.length} observations`);
      assert.deepEqual(slow, full);
      assert.deepEqual(issues, fullIssues);
    });
  }
});
