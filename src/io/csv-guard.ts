/**
 * @module
 * Keeps csv-parse linear and bounded on hostile rows. Two faults of the library's error recovery
 * (`skip_records_with_error`) are closed here, for every CSV reader of the project:
 *
 * - After the first error in a record, csv-parse goes on parsing it and raises another error for
 *   every further stray quote, each carrying the whole field so far (`JSON.stringify(field)`) and
 *   the raw record: a 100 kB row of quotes took 88 s and 3.8 GB. {@link CsvGuard.skipRecord}
 *   makes the parser skip the rest of the record up to the next line break instead (it marks the
 *   record as failed and switches to its comment state, which drops characters until a record
 *   delimiter), so each bad record costs one error and linear time.
 * - csv-parse's own `max_record_size` returns from the chunk it is parsing and silently drops the
 *   rest of it. The guard checks the open record's size before every chunk instead: a record over
 *   the limit is reported once (`onOversize`) and skipped up to the next line break, and reading
 *   goes on. A record over the limit that begins and ends within one chunk (a limit smaller than
 *   a chunk) is caught as it is handed on, and dropped with the same report.
 *
 * Both reach into the parser's state (`state.commenting`, `state.quoting`, `state.recordHasError`,
 * `state.wasQuoting`, `state.rawBuffer`, `api.parse`) of csv-parse 6; `csv-guard.test.ts` fails
 * if a new version changes them.
 */
import type { Parser } from "csv-parse";

type ParserState = {
  quoting: boolean;
  escaping: boolean;
  commenting: boolean;
  wasQuoting: boolean;
  recordHasError: boolean;
  field: { length: number };
  record: string[];
  rawBuffer?: { length: number; reset(): void; toString(encoding?: string): string };
};
type ParserApi = { parse(buf: Buffer | undefined, end: boolean, push: unknown, close: unknown): unknown; state: ParserState; info: { lines: number } };

export type CsvGuard = {
  /** Skips the rest of the record being parsed, up to the next line break (call from `on_skip` on its first error). */
  skipRecord(): void;
  /** True while a record is being skipped: a further error in it needs no report (there is none). */
  skipping(): boolean;
};

export type CsvGuardOptions = {
  /** Characters an open record may hold before it is skipped. */
  maxRecordChars: number;
  /** A record over the limit, with the line csv-parse is on (1-based, its own count). */
  onOversize(problem: { line: number; startLine: number; chars: number }): void;
};

export function guardCsvParser(parser: Parser, options: CsvGuardOptions): CsvGuard {
  const api = (parser as unknown as { api: ParserApi }).api;
  const state = api.state;
  if (!state || typeof api.parse !== "function" || typeof state.commenting !== "boolean") {
    throw new Error("csv-parse internals changed: src/io/csv-guard.ts needs updating");
  }
  const skipRecord = (): void => {
    state.quoting = false;
    state.escaping = false;
    state.commenting = true; // drop characters up to the next record delimiter
    state.recordHasError = true; // ... where the record is discarded without another on_skip
    state.wasQuoting = true; // so csv-parse does not take it for an empty (comment) line and keep the error flag
  };
  const skipping = (): boolean => state.commenting && state.recordHasError;
  const recordChars = (): number => state.rawBuffer?.length ?? state.field.length + state.record.reduce((n, c) => n + c.length, 0);
  const parse = api.parse.bind(api);
  api.parse = (buf, end, push, close) => {
    if (skipping()) {
      // the skipped record's raw text is never used: keep it from growing with a huge line
      state.rawBuffer?.reset();
    } else {
      const chars = recordChars();
      if (chars > options.maxRecordChars) {
        // the record's first line: the current one less the line breaks inside it (leading empty lines are not part of it)
        const raw = state.rawBuffer?.toString("utf8").replace(/^\n+/, "");
        let breaks = 0;
        for (let i = raw ? raw.indexOf("\n") : -1; i !== -1; i = raw!.indexOf("\n", i + 1)) breaks++;
        options.onOversize({ line: api.info.lines, startLine: api.info.lines - breaks, chars });
        skipRecord();
        state.rawBuffer?.reset();
      }
    }
    return parse(buf, end, (record: unknown) => (oversize(record) ? undefined : (push as (r: unknown) => void)(record)), close);
  };
  /** A whole record over the limit (`info` and `raw` on, as every caller sets them): reported and dropped. */
  const oversize = (record: unknown): boolean => {
    const r = record as { record?: string[]; raw?: string; info?: { lines: number } };
    if (!Array.isArray(r.record)) return false;
    let chars = r.raw?.length ?? 0;
    if (r.raw === undefined) for (const c of r.record) chars += c.length;
    if (chars <= options.maxRecordChars) return false;
    const body = r.raw?.replace(/^\n+/, "") ?? "";
    chars = r.raw === undefined ? chars : body.length;
    if (chars <= options.maxRecordChars) return false;
    let breaks = 0;
    for (let i = body.indexOf("\n"); i !== -1 && i < body.length - 1; i = body.indexOf("\n", i + 1)) breaks++;
    const line = r.info?.lines ?? api.info.lines;
    options.onOversize({ line, startLine: line - breaks, chars });
    return true;
  };
  return { skipRecord, skipping };
}
