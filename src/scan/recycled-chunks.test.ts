/**
 * A results log's reader lets the file's read buffers be used again (`ReadInput.recycle`,
 * io/file-chunks.ts `ChunkRing`): a chunk's bytes are overwritten RING_BUFFERS chunks after it.
 * That must never show: a log of many chunks (restricted programs with versions of their own on
 * hosts of their own, look-alikes, catalog words in clean names, removed rows, malformed lines and
 * a line that is not UTF-8, spread over the file) gives, read by one thread and by parts, the
 * report its reader's full path gives from one buffer that nothing overwrites.
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

/** About 64 read chunks of a results log, seeded: every line differs from the ones around it. */
function fleetLog(): Buffer {
  const rng = createRng(2024_09_29);
  const lines: Buffer[] = [];
  for (let i = 0; i < 48_000; i++) {
    const host = `ws-${String(rng.int(800)).padStart(4, "0")}`;
    const restricted = i % 97 === 5;
    const [name, publisher] = restricted ? rng.pick(RESTRICTED) : rng.pick(PROGRAMS);
    const columns = { identifying_number: "", install_location: `C:\\Program Files\\${name.split(" ")[0]}\\`, name, publisher, version: `${rng.int(30)}.${rng.int(10)}.${i}` };
    const action = i % 211 === 17 ? "removed" : "added";
    const line = JSON.stringify({ name: "pack_programs", hostIdentifier: host, calendarTime: "Sun Sep 29 10:00:00 2024 UTC", unixTime: 1727604000 + i, epoch: 0, counter: 0, numerics: false, decorations: { hostname: host }, columns, action });
    if (i % 1499 === 7) lines.push(Buffer.from(`${line.slice(0, 60)}\n`));
    else if (i % 2999 === 11) lines.push(Buffer.concat([Buffer.from(line.replace(host, "ws-\u0000").split("\u0000")[0]!), Buffer.from([0xff]), Buffer.from(`${line.split(host)[1]}\n`)]));
    else lines.push(Buffer.from(`${line}\n`));
  }
  return Buffer.concat(lines);
}

function comparable(doc: ReportDocument): unknown {
  return { ...doc, generatedAt: undefined };
}

describe("scan: a results log read into read buffers used again", () => {
  it("gives the report of its reader's full path, read by one thread and by parts", async () => {
    const bytes = fleetLog();
    const path = join(dir, "fleet.log");
    writeFileSync(path, bytes);
    assert.ok(statSync(path).size > 4 * RING_BUFFERS * READ_CHUNK_BYTES, "each part uses the buffers of its ring again, more than once");
    const asOf = parseAsOf("2025-06-01");
    const single = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: false });
    const parts = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: { minBytes: 0, workers: 2 } });

    const scanner = createScanner({ catalog, profile: "business", asOf });
    scanner.input(path);
    for await (const o of osqueryReader.read({ path, stream: Readable.from([bytes]), encoding: "utf-8" }, { report: (i) => scanner.issue(i) })) {
      o.source.reader = osqueryReader.name;
      scanner.add(o);
    }
    const full = await scanner.finish();

    assert.ok(full.findings.length > 200, `${full.findings.length} findings`);
    assert.ok(full.errors.some((e) => e.code === "json/syntax"), "the malformed lines are reported");
    assert.ok(full.errors.some((e) => e.code === "input/encoding"), "the line that is not UTF-8 is reported");
    assert.deepEqual(comparable(single), comparable(full), "one thread");
    assert.deepEqual(comparable(parts), comparable(full), "parts");
  });

  it("gives the observations of the full path to a consumer that takes each one a turn of the event loop later", async () => {
    // yielded (no emit), the reader is suspended inside a batch while the streams read ahead
    const bytes = fleetLog();
    const path = join(dir, "slow.log");
    writeFileSync(path, bytes);
    const opened = await openInput(path);
    assert.ok(opened.recycle, "a file's chunks can be used again");
    const prefilter = createScanner({ catalog, profile: "business", asOf: parseAsOf("2025-06-01") }).prefilter();
    const seen = (o: Observation) => `${o.source.line} ${o.host} ${o.name} ${o.version} ${o.vendor}`;
    const slow: string[] = [];
    const issues: string[] = [];
    for await (const o of osqueryReader.read({ path, stream: opened.stream, encoding: opened.encoding, recycle: opened.recycle }, { report: (i) => void issues.push(`${i.source?.line} ${i.code}`), prefilter, skipped: () => {} })) {
      slow.push(seen(o));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const full: string[] = [];
    const fullIssues: string[] = [];
    for await (const o of osqueryReader.read({ path, stream: Readable.from([bytes]), encoding: "utf-8" }, { report: (i) => void fullIssues.push(`${i.source?.line} ${i.code}`), prefilter, skipped: () => {} })) full.push(seen(o));
    assert.ok(full.length > 10_000, `${full.length} observations`);
    assert.deepEqual(slow, full);
    assert.deepEqual(issues, fullIssues);
  });
});
