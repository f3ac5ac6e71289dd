/**
 * The readers' fast paths against their full paths, on random inputs: a CSV inventory and an
 * osqueryd results log made of clean rows, rows naming catalog items (products, publishers,
 * look-alikes; as CamelCase ids, and cut by invisible characters), rows in other scripts, JSON escapes, and damaged rows (stray quotes, carriage
 * returns, cut lines), read in chunks cut anywhere. Read as the scan reads them (the catalog
 * prefilter, skipped rows counted, observations handed over through `emit`) they give the same
 * matches on the same lines, the same problems, and as many observations (read or counted) as
 * the full path; and `emit` gives the same observations, in the same order, as yielding them.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import type { Catalog } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { csvReader } from "../readers/csv/index.js";
import { osqueryReader } from "../readers/osquery/index.js";
import type { ReadContext, Reader } from "../readers/types.js";
import { bundledPrefilter, chunksAt } from "../testing/fast-path.js";
import type { CatalogIndex } from "./catalog-index.js";
import { matchObservation } from "./index.js";
import type { Prefilter } from "./prefilter.js";

let catalog: Catalog;
let index: CatalogIndex;
let prefilter: Prefilter;
let named: string[];

before(async () => {
  ({ catalog, index, prefilter } = await bundledPrefilter());
  named = [
    ...catalog.products.flatMap((p) => [p.name]),
    ...catalog.entities.flatMap((e) => e.publishers.slice(0, 2)),
    ...catalog.lookalikes.flatMap((l) => l.names.slice(0, 2).map((n) => n.replace(/\*$/, ""))),
  ];
});

const CLEAN = ["Google Chrome", "Mozilla Firefox", "7-Zip 23.01", "Slack", "Zoom Workplace", "Notepad++", "Git"];
const PUBLISHERS = ["Google LLC", "Mozilla", "Igor Pavlov", "Slack Technologies Inc.", "", "ООО «ЯНДЕКС»"];

/** A value: clean, a catalog name (maybe upper case, or inside a longer name), or damaged. */
const value = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...CLEAN) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom("plain", "upper", "inside", "camel", "invisible")).map(([i, how]) => spell(named[i % named.length]!, how)) },
    { weight: 1, arbitrary: fc.constantFrom('say "hi"', "a,b", "tab\there", "Антивирус Касперского", "caf\u00e9", "x\\u004bav", "100%6b", "cr\rin") },
  );
/** A name as it is, upper case, inside a longer name, as a CamelCase id, or cut by an invisible character (a zero-width space). */
const spell = (s: string, how: string): string => {
  if (how === "upper") return s.toUpperCase();
  if (how === "inside") return `x ${s} 2.0`;
  if (how === "camel") return s.replace(/[^\p{L}\p{N}]+(.)/gu, (_, c: string) => c.toUpperCase());
  if (how === "invisible") return `${s.slice(0, 2)}\u200B${s.slice(2)}`;
  return s;
};

type Row = { host: string; name: string; vendor: string; path: string; damage: "none" | "cut" | "quote" | "cr" | "blank" };
const row = () =>
  fc.record({
    host: fc.constantFrom("ws-1", "ws-2", ""),
    name: value(),
    vendor: fc.oneof(fc.constantFrom(...PUBLISHERS), value()),
    path: fc.constantFrom("", "C:\\Program Files\\Google\\", "/opt/kaspersky/kesl", "C:\\Program Files (x86)\\Kaspersky Lab\\"),
    damage: fc.constantFrom("none", "none", "none", "none", "none", "none", "cut", "quote", "cr", "blank"),
  }) as fc.Arbitrary<Row>;

const csvCell = (s: string): string => (/[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);
function csvLine(r: Row): string {
  const line = [r.host, "software", r.name, r.vendor, "1.0", r.path, ""].map(csvCell).join(",");
  return r.damage === "cut" ? line.slice(0, Math.max(1, line.length >> 1)) : r.damage === "quote" ? `${line}"` : r.damage === "cr" ? `${line}\r` : r.damage === "blank" ? "" : line;
}
function logLine(r: Row, i: number): string {
  const line = JSON.stringify({
    name: "pack_programs",
    hostIdentifier: r.host,
    unixTime: 1727942400 + i,
    columns: { name: r.name, version: "1", install_location: r.path, publisher: r.vendor, uninstall_string: "", identifying_number: "" },
    action: i % 7 === 3 ? "removed" : "added",
  });
  return r.damage === "cut" ? line.slice(0, line.length >> 1) : r.damage === "quote" ? `${line}"` : r.damage === "cr" ? `${line}\r` : r.damage === "blank" ? "  " : line;
}

type Outcome = { matches: string[]; issues: string[]; observations: Observation[]; skipped: number };

async function read(reader: Reader, bytes: Buffer, cuts: number[], how: "full" | "fast" | "fast-emit"): Promise<Outcome> {
  const issues: string[] = [];
  const observations: Observation[] = [];
  let skipped = 0;
  const ctx: ReadContext = {
    report: (i) => void issues.push(`${i.source.line ?? "-"} ${i.code} ${i.message}`),
    ...(how !== "full" ? { prefilter, skipped: (n: number) => void (skipped += n) } : {}),
    ...(how === "fast-emit" ? { emit: (o: Observation) => void observations.push(o) } : {}),
  };
  for await (const o of reader.read({ path: "t", stream: Readable.from(chunksAt(bytes, cuts)), encoding: "utf-8" }, ctx)) observations.push(o);
  const matches: string[] = [];
  for (const o of observations) {
    const r = matchObservation(o, index);
    for (const m of r.matches) matches.push(`${o.source.line}:${o.host ?? ""}:${m.vendor.id}/${m.product.id}`);
    if (r.lookalike) matches.push(`${o.source.line}:lookalike:${r.lookalike.lookalike.id}`);
  }
  return { matches, issues, observations, skipped };
}

async function same(reader: Reader, text: string, cuts: number[]): Promise<void> {
  const bytes = Buffer.from(text, "utf8");
  const full = await read(reader, bytes, cuts, "full");
  const fast = await read(reader, bytes, cuts, "fast");
  const emitted = await read(reader, bytes, cuts, "fast-emit");
  assert.deepEqual(emitted.matches, full.matches, "the same matches on the same lines");
  assert.deepEqual(emitted.issues, full.issues, "the same problems, at the same lines");
  // a differential log's removed row is no observation (the scan counts none for it): it only takes back
  // an added one, so the fast path may skip it uncounted when it cannot match; its matches are compared above
  const counted = (os: Observation[]): number => os.filter((o) => o.change?.action !== "removed").length;
  assert.equal(counted(emitted.observations) + emitted.skipped, counted(full.observations), "every observation read or counted");
  assert.deepEqual(emitted.observations, fast.observations, "emit gives what yield gives, in order");
  assert.equal(emitted.skipped, fast.skipped);
}

const cutsArb = fc.array(fc.nat(20_000), { maxLength: 16 });

describe("fast paths against full paths, random inputs", () => {
  it("inventory/csv", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row(), { minLength: 1, maxLength: 40 }), cutsArb, async (rows, cuts) => {
        await same(csvReader, ["host,kind,name,vendor,version,path,identifier", ...rows.map(csvLine)].join("\n") + "\n", cuts);
      }),
      { numRuns: 300 },
    );
  });

  it("inventory/csv whose rows say their kind (kinds of one length, in turn) beside service and process columns", async () => {
    // the kind decides which column a row is counted by: a row must never take the one before's
    const kinded = fc.record({
      base: row(),
      kind: fc.constantFrom("service", "process", "package", "Service", "", "driver"),
      named: fc.boolean(),
      service: fc.constantFrom("", "WinDefend", "avp"),
      process: fc.constantFrom("", "chrome.exe", "avp.exe"),
    });
    const line = (k: { base: Row; kind: string; named: boolean; service: string; process: string }): string =>
      [k.base.host, k.kind, k.named ? k.base.name : "", k.base.vendor, "1.0", k.base.path, "", k.service, k.process].map(csvCell).join(",");
    await fc.assert(
      fc.asyncProperty(fc.array(kinded, { minLength: 1, maxLength: 40 }), cutsArb, async (rows, cuts) => {
        await same(csvReader, ["host,kind,name,vendor,version,path,identifier,service,process", ...rows.map(line)].join("\n") + "\n", cuts);
      }),
      { numRuns: 300 },
    );
  });

  it("osquery results log", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row(), { minLength: 1, maxLength: 40 }), cutsArb, async (rows, cuts) => {
        await same(osqueryReader, rows.map(logLine).join("\n") + "\n", cuts);
      }),
      { numRuns: 300 },
    );
  });

  it("an asset list's MAC addresses, in any notation (the OUI is no substring of the row)", async () => {
    const macs = ["0c:75:d2:aa:bb:cc", "0C-75-D2-AA-BB-CC", "0c75.d2ab.cdef", "0c75d2aabbcc", "00:11:22:33:44:55"];
    const text = ["host,name,mac", ...macs.map((m, i) => `cam-${i},Camera,${m}`)].join("\n") + "\n";
    const full = await read(csvReader, Buffer.from(text), [], "full");
    const fast = await read(csvReader, Buffer.from(text), [], "fast-emit");
    assert.deepEqual(fast.matches, full.matches);
    assert.deepEqual(
      fast.matches.map((m) => m.split(":").slice(0, 2).join(":")),
      ["2:cam-0", "3:cam-1", "4:cam-2", "5:cam-3"],
      "the four Hikvision addresses are found, the other one is not",
    );
  });
});
