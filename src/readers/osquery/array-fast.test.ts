/**
 * `osqueryi --json` output read the fast way (row lines counted or parsed alone, the rest handed
 * to the streaming parser) gives the report its full path gives: the streaming parser over the
 * whole array. Each case is scanned by `runScan` twice, the second time with the fast path off
 * (a depth limit below the fast check's own); the two documents must be equal, issues and their lines, records and pointers included. The
 * cases are osqueryi's own layout (with Kaspersky, look-alikes, clean programs, Cyrillic names)
 * and every layout the fast path must hand over: one line, a row over several lines, a malformed
 * or truncated row, a `\u` escape, CRLF, a BOM, blank lines, text after the array.
 */
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { DEFAULT_LIMITS, type InputLimits } from "../../io/limits.js";
import type { Catalog } from "../../model/catalog.js";
import type { ReportDocument } from "../../model/finding.js";
import { parseAsOf } from "../../policy/time.js";
import { buildCatalogIndex } from "../../match/catalog-index.js";
import { buildPrefilter } from "../../match/prefilter.js";
import { runScan } from "../../scan/index.js";
import { tempDir } from "../../testing/temp.js";
import { MAX_DEPTH } from "../_json-line.js";
import { MAX_ROW_LINE, osqueryReader } from "./index.js";

let catalog: Catalog;
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
before(async () => {
  catalog = await loadCatalogOrThrow();
});

const asOf = parseAsOf("2025-06-01");

/**
 * The report `runScan` gives for `bytes`, and the one it gives with the fast path off: a depth
 * limit below the fast check's own leaves every row to the streaming parser.
 */
async function bothWays(name: string, bytes: Buffer): Promise<{ fast: ReportDocument; full: ReportDocument }> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const scan = (limits?: InputLimits) => runScan({ inputs: [path], catalog, profile: "business", asOf, inputFormat: osqueryReader.name, ...(limits ? { limits } : {}) });
  return { fast: await scan(), full: await scan({ ...DEFAULT_LIMITS, maxDepth: MAX_DEPTH }) };
}

const comparable = (doc: ReportDocument): unknown => ({ ...doc, generatedAt: undefined });

type Row = Record<string, string>;
const program = (name: string, publisher: string, version: string): Row => ({ name, version, install_location: "", publisher, identifying_number: "" });

/** Programs as a fleet has them: look-alikes and clean ones on every host, Kaspersky here and there, a Cyrillic name. */
function programs(n: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 97 === 5) out.push(program("Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", `12.${i}`));
    else if (i % 89 === 3) out.push(program("Яндекс Браузер", "ООО «ЯНДЕКС»", `24.${i}`));
    else if (i % 3 === 0) out.push(program("Telegram Desktop", "Telegram FZ-LLC", `5.${i}`));
    else if (i % 3 === 1) out.push(program("KeePass Password Safe", "Dominik Reichl", `2.${i}`));
    else out.push(program("Mozilla Firefox", "Mozilla", `128.${i}`));
  }
  return out;
}

/** osqueryi's layout: `[`, one row a line with its comma, the last without, `]`. */
const osqueryi = (rows: readonly unknown[], eol = "\n"): string => `[${eol}${rows.map((r) => `  ${JSON.stringify(r)}`).join(`,${eol}`)}${eol}]${eol}`;

async function same(name: string, text: string | Buffer): Promise<ReportDocument> {
  const { fast, full } = await bothWays(name, Buffer.isBuffer(text) ? text : Buffer.from(text));
  assert.deepEqual(comparable(fast), comparable(full), name);
  return full;
}

describe("osqueryi --json, the fast way", () => {
  it("osqueryi's layout gives the full path's report, and its rows are counted or parsed alone", async () => {
    const rows = programs(3000);
    const full = await same("programs.json", osqueryi(rows));
    assert.equal(full.summary.observations, 3000);
    assert.ok(full.findings.length > 0, "Kaspersky is found");
    assert.ok(full.summary.lookalikes > 900, `${full.summary.lookalikes} look-alikes`);
    // and the fast path did the reading: the rows the prefilter clears are counted, not parsed
    const prefilter = buildPrefilter(buildCatalogIndex(catalog));
    let counted = 0;
    let parsed = 0;
    const ctx = { report: () => {}, prefilter, skipped: (n: number) => void (counted += n) };
    for await (const o of osqueryReader.read({ path: "p.json", stream: Readable.from([Buffer.from(osqueryi(rows))]), encoding: "utf-8" }, ctx)) parsed += o ? 1 : 0;
    assert.equal(counted + parsed, 3000);
    assert.ok(counted >= 900, `${counted} rows counted without parsing`);
  });

  it("hands the rest over, numbered on, from any line of another shape", async () => {
    const rows = programs(400);
    const lines = osqueryi(rows).split("\n");
    const at = (k: number, text: string) => [...lines.slice(0, k), text, ...lines.slice(k)].join("\n");
    const cases: Record<string, string> = {
      "one-line.json": JSON.stringify(rows),
      "row-over-lines.json": at(200, `  {"name":"Kaspersky Total Security",\n   "version":"21.3","install_location":"","publisher":"AO Kaspersky Lab","identifying_number":""},`),
      "malformed-row.json": at(150, `  {"name":"Kaspersky Free","version":"21.3",},`),
      "escape.json": at(120, `  {"name":"Kaspersky Anti-Virus \\u00ae","version":"21.3","install_location":"","publisher":"AO Kaspersky Lab","identifying_number":""},`),
      "blank-line.json": at(100, ""),
      "no-name.json": at(50, `  {"name":"","version":"1","install_location":"","publisher":"AO Kaspersky Lab","identifying_number":""},`),
      "unknown-table.json": at(60, `  {"pid":"4","path":"C:\\\\Program Files\\\\Kaspersky Lab\\\\avp.exe","cmdline":"avp.exe"},`),
      "proto-column.json": at(70, `  {"name":"Kaspersky Free","version":"1","install_location":"","publisher":"AO Kaspersky Lab","identifying_number":"","__proto__":"x"},`),
      "after-the-array.json": osqueryi(rows) + "garbage\n",
      "truncated-after-comma.json": lines.slice(0, 300).join("\n") + "\n",
      "truncated-no-newline.json": lines.slice(0, 300).join("\n"),
      "empty-array.json": "[\n]\n",
      "crlf.json": osqueryi(rows, "\r\n"),
      "bom.json": "\ufeff" + osqueryi(rows),
    };
    for (const [name, text] of Object.entries(cases)) await same(name, text);
    // the issues are located where the full path locates them (compared above); here, that they exist
    const malformed = await same("malformed-again.json", cases["malformed-row.json"]!);
    assert.ok(malformed.errors.some((e) => e.code === "json/syntax" && e.source?.line === 151), JSON.stringify(malformed.errors));
    const truncated = await same("truncated-again.json", cases["truncated-after-comma.json"]!);
    assert.ok(truncated.errors.some((e) => e.code === "json/truncated" && e.source?.line === 300), JSON.stringify(truncated.errors));
  });

  it("reads a line too long to be a row (a whole array on one line, a huge row) with the streaming parser", async () => {
    const rows = programs(12_000);
    const oneLine = JSON.stringify(rows);
    assert.ok(oneLine.length > MAX_ROW_LINE, "longer than a row line may be");
    await same("one-long-line.json", oneLine);
    const huge = { ...program("Kaspersky Free", "AO Kaspersky Lab", "21.3"), identifying_number: "x".repeat(MAX_ROW_LINE) };
    const lines = osqueryi(programs(200)).split("\n");
    await same("huge-row.json", [...lines.slice(0, 100), `  ${JSON.stringify(huge)},`, ...lines.slice(100)].join("\n"));
  });

  it("reads a row that is not UTF-8 as the full path does", async () => {
    const rows = programs(50);
    const text = Buffer.from(osqueryi(rows));
    const bad = Buffer.concat([text.subarray(0, text.indexOf("Telegram Desktop")), Buffer.from([0xff]), text.subarray(text.indexOf("Telegram Desktop"))]);
    await same("not-utf8.json", bad);
  });
});
