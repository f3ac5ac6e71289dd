/**
 * @module
 * Reading list files as streams, opened by the shared opener (src/io): the encoding is sniffed
 * from the bytes (UTF-8 with or without a BOM, UTF-16, else Windows-1252, which older OFAC and CSL
 * files use), gzip is read transparently, and CSV records come one at a time (src/io/csv.ts) with
 * their line numbers. A malformed record is reported with its line and skipped; the rest of the
 * file is still read.
 * Problems go to the import's issue list; nothing read before them is lost.
 */
import type { Readable } from "node:stream";
import { readCsvRecords } from "../../io/csv.js";
import { decodeChunks, withLegacyFallback } from "../../io/encoding.js";
import { openInput } from "../../io/open.js";
import type { DecodeEncoding, Probe } from "../../io/types.js";
import { IctsError, type Issue } from "../../model/issue.js";

export type ImportContext = {
  issues: Issue[];
  /** Called with the bytes read so far of the current file, for progress. */
  onBytes?: (n: number) => void;
};

export function report(ctx: ImportContext, issue: Omit<Issue, "severity"> & { severity?: Issue["severity"] }): void {
  ctx.issues.push({ severity: "error", ...issue });
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
  return { path, stream: opened.stream, encoding: withLegacyFallback(opened.probe.head, opened.encoding), probe: opened.probe };
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

/** Splits a multi-valued cell ("a; b; c"). */
export function splitMulti(cell: string | undefined, separator: RegExp = /\s*;\s*/): string[] {
  const v = value(cell);
  return v ? v.split(separator).map((s) => s.trim()).filter(Boolean) : [];
}
