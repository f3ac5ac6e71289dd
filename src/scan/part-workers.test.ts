/**
 * Workers started ahead for a file read in parts (./part-workers.ts): which inputs they are
 * started for (a guess from a file's size and first line), that a scan in parts takes them and
 * gives the report one thread gives, and that those left waiting are ended.
 */
import assert from "node:assert/strict";
import { rmSync, truncateSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import { parseAsOf } from "../policy/time.js";
import { tempDir } from "../testing/temp.js";
import { runScan } from "./index.js";
import { idlePartWorkers, likelyInParts, PARTS_MIN_BYTES, startPartWorkersFor, stopIdlePartWorkers } from "./part-workers.js";

let catalog: Catalog;
const dir = tempDir();
after(() => {
  stopIdlePartWorkers();
  rmSync(dir, { recursive: true, force: true });
});
before(async () => {
  catalog = await loadCatalogOrThrow();
});

/** A file with `head` as its first bytes; `bytes` long (the rest a hole of zeros). */
function file(name: string, head: string | Buffer, bytes = 0): string {
  const path = join(dir, name);
  writeFileSync(path, head);
  if (bytes > 0) truncateSync(path, bytes);
  return path;
}

const LOG_LINE = JSON.stringify({ name: "pack_programs", hostIdentifier: "ws-1", columns: { name: "Google Chrome", publisher: "Google LLC" }, action: "added" });

describe("scan: workers started ahead for a file read in parts", () => {
  it("guesses from a file's first line whether it is read in parts: a CSV header or a line of a results log", () => {
    assert.equal(likelyInParts(file("a.csv", "host,kind,name,vendor\nws-1,software,x,y\n")), true);
    assert.equal(likelyInParts(file("b.csv", "\uFEFFDisplayName;Publisher\r\nx;y\r\n")), true, "a BOM, semicolons, CRLF");
    assert.equal(likelyInParts(file("c.tsv", "name\tversion\n")), true);
    assert.equal(likelyInParts(file("d.log", `${LOG_LINE}\n${LOG_LINE}\n`)), true);
    assert.equal(likelyInParts(file("e.json", '[{"name": "x", "version": "1"}]\n')), false, "a JSON array");
    assert.equal(likelyInParts(file("f.json", '{"bomFormat": "CycloneDX", "components": []}\n')), false, "a JSON document, not a results log");
    assert.equal(likelyInParts(file("g.xml", '<?xml version="1.0"?>\n<plist version="1.0"/>\n')), false);
    assert.equal(likelyInParts(file("h.txt", "kaspersky.com\nexample.org\n")), false, "a list without a delimiter");
    assert.equal(likelyInParts(file("i.csv.gz", gzipSync("host,name\nws-1,x\n"))), false, "gzip");
    assert.equal(likelyInParts(file("j.csv", Buffer.from("\uFEFFhost,name\n", "utf16le"))), false, "UTF-16");
    assert.equal(likelyInParts(file("k.csv", "host,name")), false, "no whole first line");
  });

  it("starts them only for a likely file of the size read in parts, and ends those left waiting", () => {
    const small = file("small.csv", "host,name\nws-1,x\n");
    const bigText = file("big.txt", "kaspersky.com\n", PARTS_MIN_BYTES);
    const bigCsv = file("big.csv", "host,name\nws-1,x\n", PARTS_MIN_BYTES);
    startPartWorkersFor([small, bigText, "-", join(dir, "missing.csv"), dir], 3);
    assert.equal(idlePartWorkers(), 0);
    startPartWorkersFor([bigCsv], 1);
    assert.equal(idlePartWorkers(), 0, "one thread: no workers");
    startPartWorkersFor([small, bigCsv], 3);
    assert.equal(idlePartWorkers(), 2, "two workers beside the scan's own thread");
    startPartWorkersFor([bigCsv], 3);
    assert.equal(idlePartWorkers(), 2, "no more than the threads need");
    stopIdlePartWorkers();
    assert.equal(idlePartWorkers(), 0);
  });

  it("gives the parts to the workers started ahead, with the report one thread gives", async () => {
    const rows = ["host,kind,name,vendor,version"];
    const programs = ["Google Chrome,Google LLC", "Kaspersky Endpoint Security for Windows,AO Kaspersky Lab", "Telegram Desktop,Telegram FZ-LLC"];
    for (let i = 0; i < 30_000; i++) rows.push(`ws-${i % 300},software,${programs[i % 3]},${i % 9}.${i}`);
    const path = file("fleet.csv", rows.join("\n") + "\n");
    const big = file("big2.csv", "host,name\n", PARTS_MIN_BYTES);
    startPartWorkersFor([big], 3);
    assert.equal(idlePartWorkers(), 2);
    const asOf = parseAsOf("2025-06-01");
    const split: number[] = [];
    const parallel = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: { minBytes: 0, workers: 3, headStart: { csv: 0, "osquery-log": 0 }, onSplit: ({ used }) => split.push(used) } });
    assert.equal(idlePartWorkers(), 0, "both taken by the scan");
    assert.deepEqual(split, [3]);
    const single = await runScan({ inputs: [path], catalog, profile: "business", asOf, parallel: false });
    assert.deepEqual({ ...parallel, generatedAt: undefined }, { ...single, generatedAt: undefined });
    assert.equal(single.findings.reduce((n, f) => n + f.count, 0), 10_000);
  });
});
