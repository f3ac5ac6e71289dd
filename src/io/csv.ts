/**
 * @module
 * CSV records streamed from an opened input, with csv-parse: one record at a time with the line
 * it starts on and the line it ends on (a quoted cell may span lines). CRLF (and the `\r\r\n` of
 * Windows pipes) is folded to LF before parsing, also across chunk boundaries, so line numbers
 * are those an editor shows. A malformed record is handed to `onMalformed` with its line and
 * skipped; reading goes on. Used by `check --batch`, `screen` and `lists import`; the inventory
 * reader `src/readers/csv` has its own column handling on top of the same library.
 */
import { pipeline, Readable } from "node:stream";
import { parse, type CsvError } from "csv-parse";
import { decodeChunks } from "./encoding.js";
import { guardCsvParser } from "./csv-guard.js";
import { foldCrLf } from "../util/trailing.js";
import { DEFAULT_LIMITS, excerpt } from "./limits.js";
import type { DecodeEncoding } from "./types.js";

export type CsvRecord = {
  cells: string[];
  /** 1-based line the record starts on. */
  line: number;
  /** 1-based line the record ends on (csv-parse's count). */
  endLine: number;
};

export type CsvDelimiter = "," | ";" | "\t";

export type CsvOptions = {
  /** The cell separator, or `auto`: the one of `,` `;` tab that splits the first line most. Default `,`. */
  delimiter?: CsvDelimiter | "auto";
  /** Accept quotes inside unquoted cells (`a "b" c`), as older list files have them. */
  relaxQuotes?: boolean;
  /** Characters one record may hold (default: DEFAULT_LIMITS in ./limits.ts); a longer one is skipped to the next line break. */
  maxRecordChars?: number;
  /** A record csv-parse could not read: `reason` without csv-parse's own "at line N". */
  onMalformed(problem: { reason: string; line?: number }): void;
};

/** The text to parse: a decoded stream (an OpenedInput, or any stream with its encoding). */
export type CsvInput = { stream: Readable; encoding: DecodeEncoding };

export async function* readCsvRecords(input: CsvInput, options: CsvOptions): AsyncIterable<CsvRecord> {
  let text: AsyncIterable<string> = foldLineEnds(decodeChunks(input.stream, input.encoding));
  let delimiter: CsvDelimiter = options.delimiter === "auto" || options.delimiter === undefined ? "," : options.delimiter;
  if (options.delimiter === "auto") {
    const first = await peekFirstLine(text);
    text = first.rest;
    delimiter = chooseDelimiter(first.line);
  }
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: options.relaxQuotes === true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      // csv-parse quotes the whole field in some messages: a short, escaped excerpt only
      options.onMalformed({ reason: excerpt(err.message.replace(/\s*at line \d+/, ""), 160), ...(typeof err.lines === "number" ? { line: err.lines } : {}) });
      guard.skipRecord(); // one error per bad record, in linear time
      return undefined;
    },
  });
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_LIMITS.maxRecordChars;
  const guard = guardCsvParser(parser, {
    maxRecordChars,
    onOversize: ({ startLine, line }) =>
      options.onMalformed({ reason: `a record over the limit of ${maxRecordChars} characters; lines ${startLine}-${line} were skipped up to the next line break`, line: startLine }),
  });
  const records = pipeline(Readable.from(text, { objectMode: false }), parser, () => {}) as AsyncIterable<{ record: string[]; info: { lines: number }; raw?: string }>;
  for await (const { record, info, raw } of records) {
    // csv-parse counts the line a record ends on; a record spanning lines starts earlier. Its raw
    // text also holds the empty lines skipped before it, which are not part of it.
    const body = raw?.replace(/^\n+/, "") ?? "";
    const spanned = (body.match(/\n/g)?.length ?? 0) - (body.endsWith("\n") ? 1 : 0);
    yield { cells: record, line: info.lines - spanned, endLine: info.lines };
  }
}

/** CR+LF (and CR CR LF) to LF, with a CR at the end of a chunk held until the next one. */
async function* foldLineEnds(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let pendingCr = "";
  for await (const chunk of chunks) {
    let t = pendingCr + chunk;
    // the CRs at the end, counted from the end (an anchored /\r+$/ is quadratic on long CR runs)
    let end = t.length;
    while (end > 0 && t.charCodeAt(end - 1) === 13) end--;
    pendingCr = t.slice(end);
    t = t.slice(0, end);
    if (t) yield foldCrLf(t);
  }
  if (pendingCr) yield "\n";
}

function chooseDelimiter(line: string): CsvDelimiter {
  const counts = ([",", ";", "\t"] as const).map((d) => [d, line.split(d).length] as const);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

async function peekFirstLine(chunks: AsyncIterable<string>): Promise<{ line: string; rest: AsyncIterable<string> }> {
  const it = chunks[Symbol.asyncIterator]();
  let buf = "";
  while (!buf.includes("\n")) {
    const n = await it.next();
    if (n.done) break;
    buf += n.value;
  }
  const start = buf;
  return {
    line: (buf.split("\n", 1)[0] ?? "").replace(/^\uFEFF/, ""),
    rest: (async function* () {
      if (start) yield start;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    })(),
  };
}
