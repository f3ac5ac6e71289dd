/**
 * @module
 * Reading list files as streams, opened by the shared opener (src/io): the encoding is sniffed
 * from the bytes (UTF-8 with or without a BOM, UTF-16, else Windows-1252, which older OFAC and CSL
 * files use), gzip is read transparently, and CSV records come one at a time (src/io/csv.ts) with
 * their line numbers. A malformed record is reported with its line and skipped; the rest of the
 * file is still read.
 * Problems go to the import's issue list; nothing read before them is lost.
 */
import { PassThrough, type Readable } from "node:stream";
import { readCsvRecords } from "../../io/csv.js";
import { decodeChunks, withLegacyFallback } from "../../io/encoding.js";
import { openInput } from "../../io/open.js";
import type { DecodeEncoding, Probe } from "../../io/types.js";
import type { Issue } from "../../model/issue.js";
import { IctsError } from "../../model/errors.js";
import { excerpt } from "../../io/limits.js";
import { ISSUES_PER_CODE } from "../../readers/_issues.js";

export type ImportContext = {
  issues: Issue[];
  /** Called with the bytes read so far of the current file, for progress. */
  onBytes?: (n: number) => void;
  /** Errors reported so far, those only counted by the throttle included (records not read). */
  errors?: number;
  /** Per file and code: issues seen, and the locations of those only counted (see `report`). */
  throttle?: Map<string, { seen: number; severity: Issue["severity"]; where: string[]; file: string; code: string }>;
};

/** The longest message an import issue carries: a list file is untrusted text, and messages quote it. */
const MESSAGE_CHARS = 400;
/** Locations listed in the summary of a throttled code. */
const LOCATIONS_LISTED = 10;

/**
 * Reports a problem with a list file. A bad pattern can repeat on every record of a file with
 * millions, so (as for inventories, src/readers/_issues.ts) the first few of each file and code
 * are kept with their location and the rest are counted, for `finishIssues` to sum up. Messages
 * are escaped and cut: nothing from the file reaches a terminal raw or at length.
 */
export function report(ctx: ImportContext, issue: Omit<Issue, "severity"> & { severity?: Issue["severity"] }): void {
  const severity = issue.severity ?? "error";
  if (severity === "error") ctx.errors = (ctx.errors ?? 0) + 1;
  const key = `${issue.source.file}\u0000${issue.code}`;
  const throttle = (ctx.throttle ??= new Map());
  const t = throttle.get(key) ?? { seen: 0, severity, where: [], file: issue.source.file, code: issue.code };
  throttle.set(key, t);
  t.seen++;
  if (t.seen <= ISSUES_PER_CODE) {
    ctx.issues.push({ ...issue, severity, message: safeMessage(issue.message) });
    return;
  }
  if (severity === "error") t.severity = "error";
  const at = issue.source.line ?? issue.source.record;
  if (at !== undefined && t.where.length < LOCATIONS_LISTED) t.where.push(String(at));
}

/** The message escaped, then cut (escaping a control character makes six characters of one). */
function safeMessage(message: string): string {
  const safe = excerpt(message, MESSAGE_CHARS);
  return safe.length <= 2 * MESSAGE_CHARS ? safe : `${safe.slice(0, 2 * MESSAGE_CHARS)}… (cut)`;
}

/** Adds one summary issue for each file and code that had more issues than were kept. Call once, at the end of an import. */
export function finishIssues(ctx: ImportContext): void {
  for (const t of ctx.throttle?.values() ?? []) {
    const more = t.seen - ISSUES_PER_CODE;
    if (more <= 0) continue;
    const at = t.where.length > 0 ? ` at ${t.where.join(", ")}${more > t.where.length ? ", ..." : ""}` : "";
    ctx.issues.push({ code: t.code, severity: t.severity, message: `${more} more ${t.code} issue(s) of the same kind${at}`, source: { file: t.file } });
  }
  ctx.throttle?.clear();
}

/** A list file opened by the shared opener (src/io), its encoding allowing for Windows-1252. */
export type ListInput = { path: string; stream: Readable; encoding: DecodeEncoding; probe: Probe };

/**
 * Opens a list file: gzip by its bytes, the encoding sniffed (UTF-8, UTF-16 by BOM or NUL
 * pattern), else Windows-1252 when the head is not valid UTF-8. Bytes read go to `ctx.onBytes`.
 */
export async function openListFile(path: string, ctx: ImportContext): Promise<ListInput> {
  let read = 0;
  let opened;
  try {
    opened = await openInput(path, { onBytes: (n) => ctx.onBytes?.((read += n)) });
  } catch (err) {
    if (err instanceof IctsError && err.code.startsWith("input/")) throw new IctsError("list/missing", `${path}: ${err.message}`, { cause: err });
    throw err;
  }
  // a coded input error mid-file (a cut-off gzip, a gzip bomb) is reported with the file and ends
  // it there: what was read before it stays in the import, whose errors then refuse a replacement
  const stream = new PassThrough();
  opened.stream.on("error", (err) => {
    if (!(err instanceof IctsError)) return void stream.destroy(err);
    report(ctx, { code: err.code, message: err.message, source: { file: path } });
    stream.end();
  });
  stream.on("close", () => opened.stream.destroy());
  opened.stream.pipe(stream);
  return { path, stream, encoding: withLegacyFallback(opened.probe.head, opened.encoding), probe: opened.probe };
}

/** The decoded text of a list file, chunk by chunk. */
export async function* readText(path: string, ctx: ImportContext): AsyncIterable<string> {
  const input = await openListFile(path, ctx);
  yield* decodeChunks(input.stream, input.encoding);
}

export type CsvRecord = { cells: string[]; line: number };

/**
 * CSV records of a file with their line (the line csv-parse ends them on). The DOS end-of-file
 * mark (0x1A) OFAC puts at the end of its files is ignored, as are empty lines.
 */
export async function* csvRecords(path: string, ctx: ImportContext, what: string): AsyncIterable<CsvRecord> {
  const records = readCsvRecords(await openListFile(path, ctx), {
    relaxQuotes: true,
    onMalformed: ({ reason, line }) =>
      report(ctx, {
        code: "list/csv-malformed",
        message: `malformed CSV record in ${what} (${reason}); it was skipped and reading went on`,
        source: { file: path, ...(line !== undefined ? { line } : {}) },
      }),
  });
  for await (const { cells: record, endLine } of records) {
    const cells = record.map((c) => c.replace(/\x1a/g, "").trim());
    if (cells.every((c) => c === "")) continue;
    yield { cells, line: endLine };
  }
}

/** OFAC writes "-0-" for an empty field. */
export function value(cell: string | undefined): string | undefined {
  const v = cell?.trim();
  return v && v !== "-0-" ? v : undefined;
}

/**
 * Splits a multi-valued cell ("a; b; c") on any of the `separators` characters and trims each
 * part. Splitting on the bare characters, not a pattern with optional spaces around the separator,
 * keeps it linear: such a pattern retries at every space of a long run of spaces (a hostile 100 KB
 * cell took seconds).
 */
export function splitMulti(cell: string | undefined, separators = ";"): string[] {
  const v = value(cell);
  if (!v) return [];
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= v.length; i++) {
    if (i < v.length && !separators.includes(v[i]!)) continue;
    const part = v.slice(start, i).trim();
    if (part) parts.push(part);
    start = i + 1;
  }
  return parts;
}
