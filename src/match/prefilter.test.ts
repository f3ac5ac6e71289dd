/**
 * The prefilter never costs recall: every identifier, alias, publisher, brand and look-alike of
 * the bundled catalog (looped over from the catalog's data, not a hand list), written into each
 * reader format where it can appear, plainly and in harder spellings (upper case, inside a
 * longer name, JSON `\u` escapes, next to non-ASCII text), is read by the real reader with the
 * prefilter and matched exactly as without it; and clean rows are really skipped.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { before, describe, it } from "node:test";
import type { Catalog, IdentifierKind, IdentifierValue } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { csvReader } from "../readers/csv/index.js";
import { osqueryReader } from "../readers/osquery/index.js";
import type { Reader } from "../readers/types.js";
import { bundledPrefilter } from "../testing/fast-path.js";
import { aliasName, identifierValue, type CatalogIndex } from "./catalog-index.js";
import { matchObservation } from "./index.js";
import { buildAutomaton, literalOf, matchKeys, runAutomaton, type Prefilter } from "./prefilter.js";
import { foldText, IGNORABLE } from "../text/fold.js";

let catalog: Catalog;
let index: CatalogIndex;
let prefilter: Prefilter;

before(async () => {
  ({ catalog, index, prefilter } = await bundledPrefilter());
});

/** One thing of the catalog that a record can name, and what finds it. */
type Item = { id: string; kind: IdentifierKind | "alias" | "publisher" | "brand" | "lookalike-name" | "lookalike-publisher"; value: string };

function items(): Item[] {
  const out: Item[] = [];
  const ids = (owner: string, identifiers: Partial<Record<IdentifierKind, IdentifierValue[]>>): void => {
    for (const [kind, values] of Object.entries(identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      for (const v of values ?? []) out.push({ id: owner, kind, value: identifierValue(v).value });
    }
  };
  for (const p of catalog.products) {
    ids(p.id, p.identifiers);
    for (const a of [p.name, ...p.aliases.map(aliasName)]) out.push({ id: p.id, kind: "alias", value: a });
  }
  for (const e of catalog.entities) {
    if (e.type === "person") continue;
    for (const n of [e.name, ...e.aliases.map(aliasName), ...e.publishers]) out.push({ id: e.id, kind: "publisher", value: n });
    // brand words are what the index treats as brands (the name and `brand` aliases); legal names
    // in other scripts are aliases and publishers above, matched whole, not as a word in a name
    if (e.type === "group") for (const a of [e.name, ...e.aliases.filter((x) => typeof x === "string" || x.kind === "brand").map(aliasName)]) out.push({ id: e.id, kind: "brand", value: `${a} tools` });
  }
  for (const l of catalog.lookalikes) {
    for (const n of l.names) out.push({ id: l.id, kind: "lookalike-name", value: n.replace(/\*$/, " one") });
    for (const p of l.publishers) out.push({ id: l.id, kind: "lookalike-publisher", value: p });
    ids(l.id, l.identifiers);
  }
  return out;
}

/** A concrete value for a prefix identifier (`AVP*`, `com.zte.`, `C:\Program Files\Acme\`). */
function concrete(item: Item): string {
  if (item.kind === "alias" || item.kind === "publisher" || item.kind === "brand" || item.kind.startsWith("lookalike-")) return item.value;
  const v = item.value.replace(/\*$/, "");
  if (item.kind === "paths") return `${v.replace(/[\\/]$/, "")}\\bin\\tool.exe`;
  if (item.kind === "bundleIdPrefixes" || ((item.kind === "bundleIds" || item.kind === "androidPackages") && v.endsWith("."))) return `${v.replace(/\.$/, "")}.app`;
  if (item.kind === "cpes") {
    const [vendor, product] = v.split(":");
    return `cpe:2.3:a:${vendor}:${product && product !== "" ? product : "anything"}:1.0:*:*:*:*:*:*:*`;
  }
  if (item.value.endsWith("*")) return `${v}21`;
  return v;
}

/** Spellings of one value that a record may carry: the prefilter must judge each right. */
function spellings(value: string): string[] {
  return [value, value.toUpperCase(), `x ${value} 2.0`, `Ω ${value}`];
}

// ---- writing records -------------------------------------------------------------------------

const CSV_HEADER = "host,kind,name,vendor,version,path,identifier";
const csvCell = (s: string): string => (/[",\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);
const CLEAN_CSV = "ws-1,software,Google Chrome,Google LLC,126.0,C:\\Program Files\\Google\\,";

function csvRows(item: Item, value: string): string[] {
  const row = csvRow(item, value);
  const more: string[] = [];
  const cells = (kind: string, name: string, identifier: string): string => ["ws-1", kind, name, "", "1.0", "", identifier].map(csvCell).join(",");
  // a package by its purl, an Android package by its id column
  if (item.kind === "packages") more.push(cells("package", value.slice(value.lastIndexOf("/") + 1), `pkg:${value}@1.0`));
  if (item.kind === "androidPackages") more.push(cells("mobile-app", "App", value));
  return [...(row ? [row] : []), ...more];
}

function csvRow(item: Item, value: string): string | undefined {
  const row = (kind: string, name: string, vendor = "", path = "", identifier = ""): string =>
    ["ws-1", kind, name, vendor, "1.0", path, identifier].map(csvCell).join(",");
  switch (item.kind) {
    case "processes":
      return row("process", value);
    case "services":
      return row("service", value);
    case "drivers":
      return row("driver", value);
    case "domains":
      return row("domain", value);
    case "signers":
      return row("signer", value);
    case "extensionIds":
      return row("extension", "Extension", "", "", value);
    case "androidPackages":
      return row("mobile-app", value);
    case "bundleIds":
    case "bundleIdPrefixes":
      return row("software", "App", "", "", value);
    case "packages":
      return row("package", value.slice(value.lastIndexOf("/") + 1));
    case "cpes":
      return row("software", "Product", "", "", value);
    case "paths":
      return row("software", "Tool", "", value);
    case "alias":
    case "brand":
    case "lookalike-name":
      return row("software", value);
    case "publisher":
    case "lookalike-publisher":
      return row("software", "Something Else", value);
  }
}

/** An osqueryd results-log line (event form) of the table where this kind of thing appears. */
function osqueryLine(item: Item, value: string, escape: boolean): string | undefined {
  const columns = ((): Record<string, string> | undefined => {
    switch (item.kind) {
      case "processes":
        return { pid: "4242", name: value, path: `C:\\Program Files\\X\\${value}`, cmdline: "", parent: "1" };
      case "services":
        return { name: value, display_name: value, start_type: "AUTO_START", service_type: "OWN_PROCESS", path: "C:\\x.exe", module_path: "" };
      case "drivers":
        return { name: value, used_by: "-", status: "Live", size: "1024", address: "0x0" };
      case "signers":
        return { path: "C:\\x\\a.exe", subject_name: value, issuer_name: "CA", result: "trusted" };
      case "extensionIds":
        return { name: "Extension", identifier: value, version: "1.0", from_webstore: "true", path: "/x", author: "" };
      case "bundleIds":
      case "bundleIdPrefixes":
        return { name: "App.app", path: "/Applications/App.app", bundle_identifier: value, bundle_name: "App", display_name: "" };
      case "packages": {
        const [type, ...rest] = value.split("/");
        const name = rest[rest.length - 1] ?? value;
        if (type === "deb") return { name, version: "1.0", maintainer: "x", arch: "amd64", section: "misc" };
        if (type === "rpm") return { name, version: "1.0", release: "1", vendor: "x", arch: "x86_64" };
        return undefined;
      }
      case "paths":
        return { name: "Tool", version: "1", install_location: value, publisher: "", uninstall_string: "", identifying_number: "" };
      case "alias":
      case "brand":
      case "lookalike-name":
        return { name: value, version: "1", install_location: "", publisher: "", uninstall_string: "", identifying_number: "" };
      case "publisher":
      case "lookalike-publisher":
        return { name: "Something Else", version: "1", install_location: "", publisher: value, uninstall_string: "", identifying_number: "" };
      default:
        return undefined;
    }
  })();
  if (!columns) return undefined;
  const text = JSON.stringify({ name: "pack_x", hostIdentifier: "ws-1", calendarTime: "Thu Oct  3 08:00:00 2024 UTC", unixTime: 1727942400, epoch: 0, counter: 0, numerics: false, decorations: { hostname: "ws-1" }, columns, action: "added" });
  // every letter of the values as a \u escape: the literal test cannot see them, so the line must take the full path
  return escape ? text.replace(/"([^"]*)"/g, (_, s: string) => `"${[...s].map((c) => (/[A-Za-z]/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("")}"`) : text;
}

function cleanOsqueryLine(i: number): string {
  return JSON.stringify({ name: "pack_x", hostIdentifier: "ws-1", unixTime: 1727942400, columns: { name: `Google Chrome ${i}`, version: "1", install_location: "", publisher: "Google LLC", uninstall_string: "", identifying_number: "" }, action: "added" });
}

// ---- reading them ----------------------------------------------------------------------------

type Outcome = { byLine: Map<number, string>; observations: number; skipped: number };

async function readText(reader: Reader, text: string, withPrefilter: boolean): Promise<Outcome> {
  const byLine = new Map<number, string>();
  let observations = 0;
  let skipped = 0;
  const issues: string[] = [];
  // small chunks, so that lines cross chunk and batch boundaries
  const bytes = Buffer.from(text, "utf8");
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4096) chunks.push(bytes.subarray(i, i + 4096));
  const ctx = {
    report: (i: { message: string }) => void issues.push(i.message),
    ...(withPrefilter ? { prefilter, skipped: (n: number) => void (skipped += n) } : {}),
  };
  for await (const o of reader.read({ path: "t", stream: Readable.from(chunks), encoding: "utf-8" }, ctx)) {
    observations++;
    const line = o.source.line ?? 0;
    const r = matchObservation(o as Observation, index);
    const found = [...r.matches.map((m) => `${m.vendor.id}/${m.product.id}`), ...(r.lookalike ? [`lookalike:${r.lookalike.lookalike.id}`] : [])];
    if (found.length > 0) byLine.set(line, [byLine.get(line), ...found].filter(Boolean).join(" "));
  }
  assert.deepEqual(issues, [], `no issues reading ${reader.name}`);
  return { byLine, observations, skipped };
}

/** Reads `lines` (one record each, after `header`) with and without the prefilter; the findings must be the same. */
async function roundTrip(reader: Reader, header: string | undefined, lines: string[]): Promise<Map<number, string>> {
  const text = [...(header ? [header] : []), ...lines].join("\n") + "\n";
  if (process.env.PREFILTER_DUMP) (await import("node:fs")).writeFileSync(`${process.env.PREFILTER_DUMP}.${reader.name.replace("/", "-")}`, text);
  const plain = await readText(reader, text, false);
  const fast = await readText(reader, text, true);
  assert.equal(fast.observations + fast.skipped, plain.observations, "every observation is read or counted");
  for (const [line, found] of plain.byLine) assert.equal(fast.byLine.get(line), found, `line ${line}: ${text.split("\n")[line - 1]}`);
  assert.equal(fast.byLine.size, plain.byLine.size);
  return plain.byLine;
}

describe("prefilter", () => {
  it("is built from the catalog, enabled, and keeps every key's literal", () => {
    assert.ok(prefilter.enabled, "every key has a literal");
    assert.ok(prefilter.literals.length > 50);
    for (const key of matchKeys(index)) {
      const literal = literalOf(key);
      if (literal === undefined) continue;
      assert.ok(prefilter.literals.some((l) => literal.includes(l)), `a literal of ${key}`);
      assert.ok(prefilter.mayMatch(key.toUpperCase()), `the pattern finds ${key}`);
    }
  });

  it("keys on a key's rare word, not on a word common in inventories (only speed depends on this)", () => {
    assert.equal(literalOf("hytera communications"), "hytera");
    assert.equal(literalOf("zte telecommunications equipment"), "zte");
    assert.equal(literalOf("kaspersky endpoint security"), "kaspersky");
    // a clean publisher that holds such a word is not sent down the full path
    const zoom = Buffer.from("ws-1,software,Zoom Workplace,\"Zoom Video Communications, Inc.\",6.1,C:\\Program Files\\Zoom\\,");
    assert.equal(prefilter.scan(zoom, 0, zoom.length), -1);
  });

  it("sends what it cannot judge down the full path: non-ASCII, \\u escapes, %XX escapes", () => {
    for (const text of ["Антивирус", "caf\u00e9", "\\u004bav", "pkg:deb/%6besl", "k\u0430spersky"]) {
      assert.ok(prefilter.mayMatch(text), text);
      const bytes = Buffer.from(text, "utf8");
      assert.notEqual(prefilter.scan(bytes, 0, bytes.length), -1, text);
    }
    const clean = Buffer.from("ws-1,software,Google Chrome,Google LLC,126.0,C:\\Program Files\\Google\\,");
    assert.equal(prefilter.scan(clean, 0, clean.length), -1);
    assert.equal(prefilter.mayMatch(clean.toString()), false);
  });

  it("sends on every code point folding takes out (text/fold.ts IGNORABLE), which joins the letters around it: as text, in UTF-8, and as a \\u escape", () => {
    // "Ka<ignorable>spersky" folds to "kaspersky" and holds no literal: the character itself must
    // send it on. (UTF-16 input is decoded before any test: the byte fast paths read UTF-8 only.)
    let count = 0;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (!new RegExp(IGNORABLE.source, "u").test(c)) continue;
      count++;
      const text = `Ka${c}spersky`;
      assert.equal(foldText(text), "kaspersky", cp.toString(16));
      const utf8 = Buffer.from(text, "utf8");
      const escape = Buffer.from(JSON.stringify(text).replace(/[\u0080-\uffff]/g, (u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`));
      assert.ok(prefilter.mayMatch(text) && prefilter.mayMatchText(text), cp.toString(16));
      assert.notEqual(prefilter.scan(utf8, 0, utf8.length), -1, `UTF-8 ${cp.toString(16)}`);
      assert.notEqual(prefilter.scan(escape, 0, escape.length), -1, `escaped ${cp.toString(16)}`);
    }
    assert.ok(count > 4000, `${count} code points`); // U+E0000-U+E0FFF alone are 4096
  });

  it("the byte automaton finds whatever the pattern finds (and a lone %, which it does not judge)", () => {
    const samples = [...prefilter.literals, "Google Chrome", "KASPERSKY", "x-kav-y", "nothing here", "a\\ub", "Zoom Video"];
    for (const s of samples) {
      const bytes = Buffer.from(s, "utf8");
      assert.equal(prefilter.scan(bytes, 0, bytes.length) !== -1, prefilter.mayMatch(s), s);
    }
    assert.notEqual(prefilter.scan(Buffer.from("100%"), 0, 4), -1);
  });

  it("the byte automaton stops at the first byte where a literal, `\\u` or `extra` ends, or a STOP byte stands, as a plain search does", () => {
    // The reference: at each byte from `from`, does a word end here (starting at or after `from`), or is the byte non-ASCII or `%`?
    const naive = (bytes: Buffer, from: number, to: number, words: readonly string[]): number => {
      const lower = bytes.toString("latin1").toLowerCase();
      for (let i = from; i < to; i++) {
        if (bytes[i]! >= 0x80 || bytes[i] === 0x25) return i;
        for (const w of words) if (i + 1 - w.length >= from && lower.startsWith(w, i + 1 - w.length)) return i;
      }
      return -1;
    };
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    // text made of pieces of literals (their prefixes make the automaton fall back along its failure links), their upper case, and noise
    const pieces = [...prefilter.literals.flatMap((l) => [l, l.slice(0, random(l.length) + 1), l.toUpperCase().slice(1)]), "\\", "\\u", "u", " ", ",", '"', "é", "%", "?", "??", "xn-", "-"];
    let hits = 0;
    for (const extra of ["", "???", "xn--"]) {
      const words = extra ? [...prefilter.literals, "\\u", extra] : [...prefilter.literals, "\\u"];
      for (let round = 0; round < 400; round++) {
        const bytes = Buffer.from(Array.from({ length: 1 + random(12) }, () => pieces[random(pieces.length)]!).join(""), "utf8");
        const from = random(Math.min(4, bytes.length));
        const expected = naive(bytes, from, bytes.length, words);
        if (expected !== -1) hits++;
        assert.equal(prefilter.scan(bytes, from, bytes.length, extra), expected, `${JSON.stringify(bytes.toString("latin1"))} from ${from}, extra ${JSON.stringify(extra)}`);
      }
    }
    assert.ok(hits > 300 && hits < 1100, `both outcomes are tried (${hits} of 1,200 hit)`);
    // words that overlap (one the suffix or the inside of another), which the catalog's literals never do
    for (let round = 0; round < 300; round++) {
      const words = Array.from({ length: 1 + random(6) }, () => Array.from({ length: 1 + random(4) }, () => "abc"[random(3)]).join(""));
      const automaton = buildAutomaton(words);
      for (let k = 0; k < 20; k++) {
        const bytes = Buffer.from(Array.from({ length: random(16) }, () => "abcAB d%"[random(8)]).join(""), "latin1");
        const text = `${JSON.stringify(words)} in ${JSON.stringify(bytes.toString("latin1"))}`;
        assert.equal(runAutomaton(automaton, bytes, 0, bytes.length), naive(bytes, 0, bytes.length, words), text);
        // stepped on past its hits (as the compiled readers step it): every hit, and a STOP byte ends no word
        const every: number[] = [];
        for (let i = 0, state = 0; i < bytes.length; i++) {
          state = automaton.table[state + automaton.classes[bytes[i]!]!]!;
          if (state >= automaton.hitFrom) every.push(i);
        }
        const expected = [...bytes.keys()].filter((i) => naive(bytes, i, i + 1, ["%"]) === i || words.some((w) => i + 1 >= w.length && naive(bytes, i + 1 - w.length, i + 1, [w]) === i));
        assert.deepEqual(every, expected, text);
      }
    }
  });
});

describe("prefilter round trip: every catalog item, in each reader's format, is found as without the prefilter", () => {
  it("inventory/csv: names, vendors, paths, identifiers and kinds", async () => {
    const all = items();
    const lines: string[] = [];
    const lineOf = new Map<Item, number[]>();
    for (const item of all) {
      for (const s of item.kind === "alias" || item.kind === "publisher" || item.kind === "brand" ? spellings(item.value) : [concrete(item), concrete(item).toUpperCase()]) {
        for (const row of csvRows(item, s)) {
          if (s === concrete(item)) lineOf.set(item, [...(lineOf.get(item) ?? []), lines.length + 2]);
          lines.push(row, CLEAN_CSV);
        }
      }
    }
    const found = await roundTrip(csvReader, CSV_HEADER, lines);
    // every catalog item written plainly is found (as its product, its vendor, or its look-alike)
    const missing = all.filter((i) => lineOf.has(i) && !lineOf.get(i)!.some((l) => found.has(l))).map((i) => `${i.id} ${i.kind} ${i.value}`);
    assert.deepEqual(missing, []);
  });

  it("osquery results log: programs, processes, services, drivers, signers, extensions, apps, packages; plain and \\u-escaped", async () => {
    const all = items();
    const lines: string[] = [];
    const lineOf = new Map<Item, number>();
    let n = 0;
    for (const item of all) {
      const value = concrete(item);
      for (const escape of [false, true]) {
        const line = osqueryLine(item, value, escape);
        if (!line) continue;
        if (!escape) lineOf.set(item, lines.length + 1);
        lines.push(line, cleanOsqueryLine(n++));
      }
    }
    const found = await roundTrip(osqueryReader, undefined, lines);
    // what a table of this log can carry is found there (an npm package has no osquery table: CSV above)
    const missing = all.filter((i) => lineOf.has(i) && !found.has(lineOf.get(i)!)).map((i) => `${i.id} ${i.kind} ${i.value}`);
    assert.deepEqual(missing, []);
  });
});

describe("prefilter: the fast path is taken", () => {
  it("skips clean CSV rows without making observations of them, and counts them", async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `ws-${i},software,Google Chrome,Google LLC,126.0.${i},C:\\Program Files\\Google\\,`);
    const text = [CSV_HEADER, ...rows, "ws-9,software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.6,,"].join("\n") + "\n";
    const fast = await readText(csvReader, text, true);
    assert.equal(fast.skipped, 500);
    assert.equal(fast.observations, 1);
    assert.deepEqual([...fast.byLine.keys()], [502]);
  });

  it("skips clean osqueryd result lines, and counts them (removed rows count none)", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => cleanOsqueryLine(i));
    lines.push(cleanOsqueryLine(301).replace('"added"', '"removed"'));
    const fast = await readText(osqueryReader, lines.join("\n") + "\n", true);
    assert.equal(fast.skipped, 300);
    assert.equal(fast.observations, 0);
  });

  it("still reports a malformed line it would otherwise have skipped", async () => {
    const issues: string[] = [];
    let skipped = 0;
    const text = [cleanOsqueryLine(1), cleanOsqueryLine(2).slice(0, -2), cleanOsqueryLine(3)].join("\n") + "\n";
    const ctx = { report: (i: { message: string; source: { line?: number } }) => void issues.push(`${i.source.line}: ${i.message}`), prefilter, skipped: (n: number) => void (skipped += n) };
    for await (const _ of osqueryReader.read({ path: "t", stream: Readable.from([Buffer.from(text)]), encoding: "utf-8" }, ctx)) void _;
    assert.equal(skipped, 2);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!, /^2: not valid JSON/);
  });
});
