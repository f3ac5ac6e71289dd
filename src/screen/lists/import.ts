/**
 * @module
 * `ictsguard lists import`: recognizes a list's format (unless told), reads it as a stream,
 * reports every bad record with its location and goes on, and stores what it read. OFAC's SDN
 * list is three files (sdn.csv, alt.csv, add.csv), given together or as their folder.
 */
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { IctsError, type Issue } from "../../model/issue.js";
import { LIST_FORMATS, type ListFormat, type ScreenEntity, type SourceFile, type StoredList } from "../model.js";
import { cslCsvKind, readCslCsv, readCslJson } from "./csl.js";
import { readFtm } from "./ftm.js";
import { assignOfacFiles, readOfacSdn } from "./ofac-sdn.js";
import { readPlainCsv } from "./plain-csv.js";
import { openListFile, type ImportContext } from "./source.js";

export const FORMAT_DESCRIPTIONS: Readonly<Record<ListFormat, string>> = {
  "csl-csv": "US Consolidated Screening List CSV (trade.gov bulk consolidated.csv, and the 2014-2019 per-list files)",
  "csl-json": "US Consolidated Screening List JSON (bulk consolidated.json or search API results)",
  "ofac-sdn": "OFAC SDN list, legacy CSV: sdn.csv with alt.csv (aliases) and add.csv (addresses), or their folder",
  ftm: "OpenSanctions FollowTheMoney entities (NDJSON, entities.ftm.json)",
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

/** Recognizes a file's list format from its name and first bytes. */
export async function detectListFormat(path: string): Promise<ListFormat | undefined> {
  const name = basename(path).toLowerCase();
  if (/^(sdn|alt|add)[^/]*\.csv$/.test(name)) return "ofac-sdn";
  const input = await openListFile(path, { issues: [] });
  input.stream.destroy();
  // the probe (64 KiB, gunzipped) in the list's encoding, Windows-1252 included
  const head = input.encoding === input.probe.encoding ? input.probe.text : new TextDecoder(input.encoding).decode(input.probe.head);
  const trimmed = head.trimStart();
  if (trimmed.startsWith("{")) {
    const firstLine = trimmed.split("\n", 1)[0]!;
    try {
      const v = JSON.parse(firstLine) as Record<string, unknown>;
      if (typeof v.schema === "string" && typeof v.id === "string") return "ftm";
    } catch {
      /* one document over several lines: not NDJSON */
    }
    return /"results"\s*:/.test(head) ? "csl-json" : undefined;
  }
  if (trimmed.startsWith("[")) return "csl-json";
  const firstLine = head.split(/\r?\n/, 1)[0] ?? "";
  const cells = firstLine.split(",").map((c) => c.replace(/^"|"$/g, "").trim());
  if (cslCsvKind(cells)) return "csl-csv";
  if (/^\d+,/.test(firstLine) && firstLine.includes("-0-")) return "ofac-sdn";
  return extname(name) === ".csv" || extname(name) === ".tsv" || cells.length >= 1 ? "csv" : undefined;
}

export function defaultListName(format: ListFormat, files: readonly string[]): string {
  if (format === "ofac-sdn") return "ofac-sdn";
  if (format === "csl-csv" || format === "csl-json") return "csl";
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

export type ImportOptions = { format?: ListFormat; name?: string; now?: Date; onBytes?: (n: number) => void };

export async function importList(paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const files = expand(paths);
  let format = options.format;
  if (!format) {
    const found = new Set<ListFormat>();
    for (const f of files) {
      const d = await detectListFormat(f);
      if (!d) throw new IctsError("list/format", `${f}: cannot tell which list format this is; give --format (${LIST_FORMATS.join(", ")})`);
      found.add(d);
    }
    if (found.size > 1) throw new IctsError("list/format", `the files are in different formats (${[...found].join(", ")}): import them as separate lists, or give --format`);
    format = [...found][0]!;
  }
  const ctx: ImportContext = { issues: [], ...(options.onBytes ? { onBytes: options.onBytes } : {}) };
  let entities: ScreenEntity[] = [];
  let read: string[] = files;
  if (format === "ofac-sdn") {
    const assigned = assignOfacFiles(files);
    if ("error" in assigned) {
      if (files.length !== 1) throw new IctsError("list/ofac-files", assigned.error);
      entities = await readOfacSdn({ sdn: files[0]! }, ctx); // an SDN file under another name, without aliases
    } else {
      read = [assigned.sdn, assigned.alt, assigned.add].filter((f): f is string => Boolean(f));
      entities = await readOfacSdn(assigned, ctx);
      if (!assigned.alt) ctx.issues.push({ code: "list/ofac-files", severity: "warning", message: "no alt.csv given: the list has no aliases (OFAC publishes them in alt.csv beside sdn.csv)", source: { file: assigned.sdn } });
    }
  } else {
    for (const f of files) {
      const read = format === "csl-csv" ? readCslCsv : format === "csl-json" ? readCslJson : format === "ftm" ? readFtm : readPlainCsv;
      entities.push(...(await read(f, ctx)));
    }
  }
  // ids are unique within a list (files may repeat an entry, or several files be merged)
  const seen = new Map<string, number>();
  for (const e of entities) {
    const n = seen.get(e.id) ?? 0;
    seen.set(e.id, n + 1);
    if (n > 0) e.id = `${e.id}#${n + 1}`;
  }
  const name = options.name ?? defaultListName(format, read);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new IctsError("list/name", `list name "${name}": use lower-case letters, digits, ".", "_" and "-"`);
  const list: StoredList = {
    version: 1,
    name,
    format,
    source: { files: await Promise.all(read.map(fileInfo)) },
    importedAt: (options.now ?? new Date()).toISOString(),
    counts: {
      entries: entities.length,
      aliases: entities.reduce((s, e) => s + e.aliases.length, 0),
      addresses: entities.reduce((s, e) => s + e.addresses.length, 0),
      skipped: ctx.issues.filter((i) => i.severity === "error").length,
    },
    entities,
  };
  return { list, issues: ctx.issues };
}
