/**
 * @module
 * `ictsguard lists import`: recognizes a list's format by its content (unless told), reads it as
 * a stream, reports every bad record with its location and goes on, and hands each entry to a
 * sink as it is read (the store writes it to disk), so a list of any size imports in bounded
 * memory. OFAC's SDN list is three files (sdn.csv, alt.csv, add.csv), given together or as their
 * folder. A file that is no list this importer can read (binary data, XML other than the UN
 * consolidated list, JSON of another shape) is refused, not read as names.
 */
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Issue } from "../../model/issue.js";
import { IctsError } from "../../model/errors.js";
import { LIST_FORMATS, type ListFormat, type ListHeader, type ScreenEntity, type SourceFile, type StoredList } from "../model.js";
import { cslCsvKind, readCslCsv, readCslJson } from "./csl.js";
import { ftmEntities } from "./ftm.js";
import { applyFtmDelta, isDeltaLine, readFtmDelta } from "./ftm-delta.js";
import { assignOfacFiles, readOfacSdn } from "./ofac-sdn.js";
import { plainCsvEntities } from "./plain-csv.js";
import { IdSet } from "./id-set.js";
import { finishIssues, openListFile, type ImportContext } from "./source.js";
import { listEntities, readListHeader } from "./store.js";
import { UN_ROOT, unXmlEntities } from "./un-xml.js";

export const FORMAT_DESCRIPTIONS: Readonly<Record<ListFormat, string>> = {
  "csl-csv": "US Consolidated Screening List CSV (trade.gov bulk consolidated.csv, and the 2014-2019 per-list files)",
  "csl-json": "US Consolidated Screening List JSON (bulk consolidated.json or search API results)",
  "ofac-sdn": "OFAC SDN list, legacy CSV: sdn.csv with alt.csv (aliases) and add.csv (addresses), or their folder",
  ftm: "OpenSanctions FollowTheMoney entities (NDJSON, entities.ftm.json)",
  "ftm-delta": "OpenSanctions delta file (JSON lines of {op: ADD|MOD|DEL, entity}), applied to the list --name names",
  "un-xml": "UN Security Council Consolidated List XML (consolidated.xml)",
  csv: "plain CSV: name[,aliases,country,...] with or without a header",
};

export type ImportResult = { list: StoredList; issues: Issue[] };

/** The files to read: folders are expanded to the files in them (not recursively). */
function expand(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let s;
    try {
      s = statSync(p);
    } catch {
      throw new IctsError("list/missing", `${p}: no such file or directory`);
    }
    if (s.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (!f.startsWith(".") && statSync(join(p, f)).isFile()) out.push(join(p, f));
    } else out.push(p);
  }
  if (out.length === 0) throw new IctsError("list/missing", `no files in ${paths.join(", ")}`);
  return out;
}

/** A file's list format, or why it is none this importer reads. */
export type FormatGuess = { format: ListFormat; reason?: undefined } | { format?: undefined; reason: string };

/** Control characters (tab, CR, LF, FF aside) in the head: binary data, not a text list. */
function binaryShare(text: string): number {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) bad++;
  }
  return text.length ? bad / text.length : 0;
}

/** The root element's name of an XML head (after the declaration, comments and a DOCTYPE). */
function xmlRoot(head: string): string | undefined {
  const m = /^(?:\s*<\?[^]*?\?>|\s*<!--[^]*?-->|\s*<!DOCTYPE[^>]*>)*\s*<([A-Za-z_][\w.:-]*)/.exec(head);
  return m?.[1];
}

/** Recognizes a file's list format from its name (OFAC's three files) and its first bytes. */
export async function guessListFormat(path: string): Promise<FormatGuess> {
  const name = basename(path).toLowerCase();
  if (/^(sdn|alt|add)[^/]*\.csv$/.test(name)) return { format: "ofac-sdn" };
  const input = await openListFile(path, { issues: [] });
  input.stream.destroy();
  // the probe (64 KiB, gunzipped) in the list's encoding, Windows-1252 included
  const head = input.encoding === input.probe.encoding ? input.probe.text : new TextDecoder(input.encoding).decode(input.probe.head);
  const trimmed = head.trimStart();
  if (!trimmed) return { reason: "the file is empty" };
  if (binaryShare(head) > 0.01) return { reason: "the file holds binary data (control characters or bytes that are not text), not a list" };
  if (trimmed.startsWith("<")) {
    const root = xmlRoot(trimmed);
    if (root === UN_ROOT) return { format: "un-xml" };
    return { reason: `XML whose root element is <${root ?? "?"}>: the only XML list read is the UN consolidated list (<${UN_ROOT}>)` };
  }
  if (trimmed.startsWith("{")) {
    const firstLine = trimmed.split("\n", 1)[0]!;
    try {
      const v = JSON.parse(firstLine) as Record<string, unknown>;
      if (isDeltaLine(v)) return { format: "ftm-delta" };
      if (typeof v.schema === "string" && typeof v.id === "string") return { format: "ftm" };
    } catch {
      /* one document over several lines: not NDJSON */
    }
    return /"results"\s*:/.test(head) ? { format: "csl-json" } : { reason: 'JSON that is neither FollowTheMoney entities (one {"id", "schema"} a line), an OpenSanctions delta nor a CSL document ({"results": [...]})' };
  }
  if (trimmed.startsWith("[")) return { format: "csl-json" };
  const firstLine = head.split(/\r?\n/, 1)[0] ?? "";
  const cells = firstLine.split(",").map((c) => c.replace(/^"|"$/g, "").trim());
  if (cslCsvKind(cells)) return { format: "csl-csv" };
  if (/^\d+,/.test(firstLine) && firstLine.includes("-0-")) return { format: "ofac-sdn" };
  const ext = extname(name.replace(/\.gz$/, ""));
  if ([".csv", ".tsv", ".txt"].includes(ext)) return { format: "csv" };
  const header = cells.map((c) => c.toLowerCase());
  if (header.some((c) => ["name", "entity", "entity_name", "company", "party"].includes(c))) return { format: "csv" };
  return { reason: "not a format this importer knows (no .csv name, no header with a name column, no JSON or UN XML)" };
}

/** Recognizes a file's list format; undefined when it is none this importer reads. */
export async function detectListFormat(path: string): Promise<ListFormat | undefined> {
  return (await guessListFormat(path)).format;
}

export function defaultListName(format: ListFormat, files: readonly string[]): string {
  if (format === "ofac-sdn") return "ofac-sdn";
  if (format === "csl-csv" || format === "csl-json") return "csl";
  if (format === "un-xml") return "un-sc";
  const base = basename(files[0]!).replace(/(\.ftm)?\.(json|ndjson|jsonl|csv|tsv)(\.gz)?$/i, "");
  return base.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "") || format;
}

async function fileInfo(path: string): Promise<SourceFile> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { path, bytes, sha256: hash.digest("hex") };
}

export type ImportOptions = {
  format?: ListFormat;
  name?: string;
  now?: Date;
  onBytes?: (n: number) => void;
  /** Where imported lists live (a delta reads the list it applies to). */
  env?: NodeJS.ProcessEnv;
};

/** Where an import's entries go, one at a time (the store's writer, or an array). */
export type ListSink = { add(entity: ScreenEntity): void };

export type ImportSummary = { header: Omit<ListHeader, "version">; issues: Issue[] };

/**
 * Reads the list in `paths` and hands each entry to the sink `open(name)` returns, as it is read;
 * returns the list's header (source files, counts) and the issues. Ids are made unique within
 * the list (a repeated id gets "#2", "#3" ...).
 */
export async function importListTo(paths: readonly string[], options: ImportOptions, open: (name: string, format: ListFormat) => ListSink): Promise<ImportSummary> {
  const files = expand(paths);
  let format = options.format;
  if (!format) {
    const found = new Set<ListFormat>();
    for (const f of files) {
      const guess = await guessListFormat(f);
      if (!guess.format) throw new IctsError("list/format", `${f}: not a list this importer can read: ${guess.reason}; give --format if it is one (${LIST_FORMATS.join(", ")})`);
      found.add(guess.format);
    }
    if (found.size > 1) throw new IctsError("list/format", `the files are in different formats (${[...found].join(", ")}): import them as separate lists, or give --format`);
    format = [...found][0]!;
  }
  if (format === "ftm-delta" && !options.name) throw new IctsError("list/delta-name", "an OpenSanctions delta applies to a list imported before: name it with --name (see ictsguard lists)");
  const ctx: ImportContext = { issues: [], ...(options.onBytes ? { onBytes: options.onBytes } : {}) };
  let read: string[] = files;
  const ofac = format === "ofac-sdn" ? assignOfacFiles(files) : undefined;
  if (ofac && "error" in ofac && files.length !== 1) throw new IctsError("list/ofac-files", ofac.error);
  if (ofac && !("error" in ofac)) read = [ofac.sdn, ofac.alt, ofac.add].filter((f): f is string => Boolean(f));
  const name = options.name ?? defaultListName(format, read);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new IctsError("list/name", `list name "${name}": use lower-case letters, digits, ".", "_" and "-"`);
  const env = options.env ?? process.env;
  const sink = open(name, format);
  const counts = { entries: 0, aliases: 0, addresses: 0, skipped: 0 };
  // ids seen, to make repeated ones unique (hashed: bounded memory at millions of entries); repeats are rare, so their counts sit in a small map
  const seen = new IdSet();
  const repeats = new Map<string, number>();
  const put = (e: ScreenEntity) => {
    if (!seen.add(e.id)) {
      const n = (repeats.get(e.id) ?? 1) + 1;
      repeats.set(e.id, n);
      e = { ...e, id: `${e.id}#${n}` };
    }
    counts.entries++;
    counts.aliases += e.aliases.length;
    counts.addresses += e.addresses.length;
    sink.add(e);
  };
  let baseFormat: ListFormat = format;
  if (ofac) {
    if ("error" in ofac) for (const e of await readOfacSdn({ sdn: files[0]! }, ctx)) put(e); // an SDN file under another name, without aliases
    else {
      for (const e of await readOfacSdn(ofac, ctx)) put(e);
      if (!ofac.alt) ctx.issues.push({ code: "list/ofac-files", severity: "warning", message: "no alt.csv given: the list has no aliases (OFAC publishes them in alt.csv beside sdn.csv)", source: { file: ofac.sdn } });
    }
  } else if (format === "ftm-delta") {
    let base;
    try {
      base = readListHeader(name, env);
    } catch (err) {
      throw new IctsError("list/delta-base", `an OpenSanctions delta applies to a list imported before, and ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (base.format !== "ftm" && base.format !== "ftm-delta") throw new IctsError("list/delta-base", `the list "${name}" was imported from ${base.format}, not from OpenSanctions FollowTheMoney entities: a delta cannot apply to it`);
    baseFormat = "ftm";
    if (files.length > 1) throw new IctsError("list/delta-files", "give one delta file per import (apply them one after another, in the order they were published)");
    const delta = await readFtmDelta(files[0]!, ctx);
    for (const e of applyFtmDelta(listEntities(name, env), delta)) put(e);
  } else {
    for (const f of files) {
      if (format === "csl-csv" || format === "csl-json") for (const e of await (format === "csl-csv" ? readCslCsv : readCslJson)(f, ctx)) put(e);
      else for await (const e of format === "ftm" ? ftmEntities(f, ctx) : format === "un-xml" ? unXmlEntities(f, ctx) : plainCsvEntities(f, ctx)) put(e);
    }
  }
  finishIssues(ctx);
  counts.skipped = ctx.errors ?? 0;
  const header: Omit<ListHeader, "version"> = {
    name,
    format: baseFormat,
    source: { files: await Promise.all(read.map(fileInfo)) },
    importedAt: (options.now ?? new Date()).toISOString(),
    counts,
  };
  return { header, issues: ctx.issues };
}

/** Imports a list into memory (tests, small lists): the list with its entries, and the issues. */
export async function importList(paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const entities: ScreenEntity[] = [];
  const { header, issues } = await importListTo(paths, options, () => ({ add: (e) => entities.push(e) }));
  const list: StoredList = { version: 2, ...header, entities };
  return { list, issues };
}
