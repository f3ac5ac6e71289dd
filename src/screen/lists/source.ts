/**
 * @module
 * Reading list files as streams: the encoding is sniffed from the bytes (UTF-8 with or without a
 * BOM, UTF-16 by BOM, else Windows-1252, which older OFAC and CSL files use), gzip is read
 * transparently, and CSV records come one at a time from csv-parse with their line numbers. A
 * malformed record is reported with its line and skipped; the rest of the file is still read.
 * Problems go to the import's issue list; nothing read before them is lost.
 */
import { createReadStream } from "node:fs";
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse, type CsvError } from "csv-parse";
import type { Issue } from "../../model/issue.js";
import { peek } from "../../scan/inputs.js";
import { sniffEncoding } from "../../readers/_text.js";

export type ImportContext = {
  issues: Issue[];
  /** Called with the bytes read so far of the current file, for progress. */
  onBytes?: (n: number) => void;
};

export function report(ctx: ImportContext, issue: Omit<Issue, "severity"> & { severity?: Issue["severity"] }): void {
  ctx.issues.push({ severity: "error", ...issue });
}

type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/** The decoded text of a file, chunk by chunk. */
export async function* readText(path: string, ctx: ImportContext): AsyncIterable<string> {
  const raw = createReadStream(path);
  let { head, stream } = await peek(countBytes(raw, ctx), 64 * 1024);
  if (head[0] === 0x1f && head[1] === 0x8b) ({ head, stream } = await peek(stream.pipe(createGunzip()), 64 * 1024));
  let encoding: TextEncodingName = sniffEncoding(head);
  if (encoding === "utf-8" && !validUtf8(head)) encoding = "windows-1252";
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for await (const chunk of stream) {
    const text = decoder.decode(chunk as Uint8Array, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

function countBytes(stream: Readable, ctx: ImportContext): Readable {
  async function* counted(): AsyncIterable<Buffer> {
    let n = 0;
    for await (const chunk of stream) {
      n += (chunk as Buffer).length;
      ctx.onBytes?.(n);
      yield chunk as Buffer;
    }
  }
  return Readable.from(counted(), { objectMode: false });
}

function validUtf8(head: Uint8Array): boolean {
  // a multi-byte character cut at the end of the head is not an error
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

export type CsvRecord = { cells: string[]; line: number };

/**
 * CSV records of a file with their first line number. The DOS end-of-file mark (0x1A) OFAC puts
 * at the end of its files is ignored, as are empty lines.
 */
export async function* csvRecords(path: string, ctx: ImportContext, what: string): AsyncIterable<CsvRecord> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      const line = typeof err.lines === "number" ? err.lines : undefined;
      report(ctx, {
        code: "list/csv-malformed",
        message: `malformed CSV record in ${what} (${err.message.replace(/\s*at line \d+/, "")}); it was skipped and reading went on`,
        source: { file: path, ...(line !== undefined ? { line } : {}) },
      });
      return undefined;
    },
  });
  async function* lf(): AsyncIterable<string> {
    for await (const t of readText(path, ctx)) yield t.replace(/\r+\n/g, "\n");
  }
  const records = pipeline(Readable.from(lf(), { objectMode: false }), parser, () => {}) as AsyncIterable<{ record: string[]; info: { lines: number } }>;
  for await (const { record, info } of records) {
    const cells = record.map((c) => c.replace(/\x1a/g, "").trim());
    if (cells.every((c) => c === "")) continue;
    yield { cells, line: info.lines };
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
