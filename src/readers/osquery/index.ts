/**
 * @module
 * Reader for osquery results: `osqueryi --json "select * from <table>"` output (one JSON array of
 * row objects, streamed) and osqueryd results logs (NDJSON in event, batch or snapshot form, read
 * line by line). The table is inferred from each row's columns (tables.ts), because a log names
 * the query or pack, not the table. Rows of an osqueryd differential log (event form, or a batch's
 * `diffResults`) carry their action and their query and columns (Observation.change): a `removed`
 * row is gone from the host and takes back the same row `added` before it (src/scan/live-rows.ts),
 * so Kaspersky uninstalled while the log was written is no finding.
 */
import { Readable } from "node:stream";
import { isObject, str, streamJson, type JsonResume } from "../_json.js";
import { MAX_DEPTH, startsWith, type JsonLineShape } from "../_json-line.js";
import { createJsonLineCheck, type JsonLineCheck } from "../_json-line-wasm.js";
import { decodeLine, plainUtf8, rawLineBatches, remainder } from "../_raw-lines.js";
import { DEFAULT_LIMITS } from "../../io/limits.js";
import { createLineCheck, readLines } from "../_text.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";
import { TABLES, genericFacts, tableOf, type Row, type TableSpec } from "./tables.js";

export const osqueryReader = defineReader({
  name: "osquery",
  version: 1,
  description: "osquery results: osqueryi --json arrays and osqueryd results logs (programs, apps, deb/rpm packages, browser extensions, processes, services, drivers, kernel modules/extensions, system extensions, authenticode, security products)",
  detect,
  read,
});

function detect(probe: Probe): number {
  const text = probe.text.trimStart();
  if (text.startsWith("[")) return tableOf(firstObjectKeys(text)) ? 0.9 : 0;
  if (text.startsWith("{")) {
    const nl = text.indexOf("\n");
    const firstLine = nl === -1 ? text : text.slice(0, nl);
    const isResult = firstLine.includes('"hostIdentifier"') && /"(?:columns|diffResults|snapshot)"\s*:/.test(firstLine);
    return isResult ? 0.9 : 0;
  }
  return 0;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const { first, input: replayed } = await peekFirstChar(input);
  if (first === "[") yield* readArray(replayed, ctx);
  else if (first === "{") yield* readLog(replayed, ctx);
  else {
    input.stream.destroy(); // the replaying stream never started, so it cannot close the input
    replayed.stream.destroy();
    ctx.report({
      code: "osquery/format",
      message:
        first === undefined
          ? "empty file, expected osqueryi --json output (a JSON array) or an osqueryd results log (one JSON object per line)"
          : `expected osqueryi --json output (a JSON array) or an osqueryd results log (one JSON object per line), found "${first}" first`,
      source: { file: input.path, line: 1 },
    });
  }
}

/** `osqueryi --json`: a top-level array of rows, streamed so that memory follows one row. */
async function* readArray(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const toObservation = createRowMapper(ctx);
  // the fast path's JSON check refuses values nested deeper than MAX_DEPTH (they go to the
  // streaming parser); a lower limit than that must be the streaming parser's to apply
  const maxDepth = ctx.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  if (input.encoding === "utf-8" && maxDepth > MAX_DEPTH) yield* readArrayFast(input, ctx, toObservation);
  else yield* readArrayRows(input, ctx, toObservation);
}

const ARRAY_WHAT = "osqueryi --json output (an array of row objects)";

/** The full path of `osqueryi --json` output: every row through the streaming parser (from `resume` on, if given). */
async function* readArrayRows(input: ReadInput, ctx: ReadContext, toObservation: RowMapper, resume?: JsonResume): AsyncGenerator<Observation> {
  for await (const hit of streamJson(input, ctx, ["$.*"], ARRAY_WHAT, resume)) {
    ctx.signal?.throwIfAborted();
    const source: SourceRef = { file: input.path, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer };
    const o = toObservation(hit.value, source, {});
    if (o) yield o;
  }
}

/**
 * `osqueryi --json` output, the fast way. osqueryi writes `[` on a line of its own, then one row
 * per line (`  {...},`), the last row without its comma, then `]`. A row line the catalog
 * prefilter clears, one well-formed JSON object (checked without parsing it) with the column set
 * of a table this reader knows and a name, is counted as one observation and not parsed. Such a
 * row the prefilter does not clear is parsed alone, or counted by its repeat key
 * (`ReadContext.repeat`). From the first line of any other shape (the last row, a row over
 * several lines or with a `\u` escape, a malformed one, anything after the array) the rest of the
 * array goes to the streaming parser with its rows and lines numbered on, so the observations and
 * the issues are the full path's.
 */
async function* readArrayFast(input: ReadInput, ctx: ReadContext, toObservation: RowMapper): AsyncGenerator<Observation> {
  const chunks = (input.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const tooLong: { bytes?: Buffer } = {};
  // a line longer than any row osqueryi writes (a whole array on one line) ends the batches, and
  // the streaming parser reads on from it: memory follows one row, not one line
  const batches = rawLineBatches(chunks, MAX_ROW_LINE, tooLong);
  const skipped = ctx.skipped ?? (() => {});
  const emit = ctx.emit;
  const repeat = emit ? ctx.repeat : undefined;
  const json = createJsonLineCheck([], undefined, ctx.prefilter?.automaton());
  const shape = json.shape;
  const tables = createColumnSets();
  let line = 0; // lines read
  let rows = 0; // rows read
  for (;;) {
    const next = await batches.next();
    if (next.done) break;
    const { bytes } = next.value;
    json.load(bytes);
    let pos = 0;
    while (pos < bytes.length) {
      ctx.signal?.throwIfAborted();
      const nl = bytes.indexOf(10, pos);
      const end = nl === -1 ? bytes.length : nl;
      let e = end;
      while (e > pos && bytes[e - 1] === 13) e--;
      if (line === 0) {
        // `[` alone on the first line (after a BOM); anything else is read the full way from the start
        let s = pos;
        if (bytes[s] === 0xef && bytes[s + 1] === 0xbb && bytes[s + 2] === 0xbf) s += 3;
        if (!isOpeningLine(bytes, s, e)) break;
      } else {
        const row = rowLine(bytes, pos, e, json, tables);
        if (!row) break;
        rows++;
        if (shape.literalHit) {
          const key = repeat ? json.repeatKey(row.versionSlots, () => repeatKey(bytes, row, shape)) : undefined;
          if (key === undefined || !repeat!(key)) {
            const value: unknown = JSON.parse(bytes.toString("utf8", shape.nestedStart, shape.nestedEnd));
            const o = toObservation(value, { file: input.path, record: rows, pointer: `/${rows - 1}` }, {});
            if (o) {
              if (emit) emit(o, key);
              else yield o;
            }
          }
        } else skipped(1);
      }
      line++;
      pos = end + 1;
    }
    if (pos < bytes.length) {
      // hand over from this line: the rest of this batch, the batches after it, then what was not batched
      yield* handOver(remainder(bytes.subarray(pos), batches, tooLong, chunks));
      return;
    }
  }
  // a line too long to be a row: from its start
  if (tooLong.bytes) yield* handOver(remainder(Buffer.alloc(0), batches, tooLong, chunks));
  // the input ended on a row line (no `]`): the streaming parser says what it says of `[` alone
  // (its truncation issue then names the last line read, as the full path's does)
  else if (line > 0) yield* readArrayRows({ ...input, stream: Readable.from(resumed(emptyRest()), { objectMode: false }) }, ctx, toObservation, { line, index: rows });
  else yield* readArrayRows({ ...input, stream: Readable.from(emptyRest(), { objectMode: false }) }, ctx, toObservation);

  /** The streaming parser from the start of line `line` + 1 on: the whole input if that is the first line, else the rest of the array. */
  function handOver(rest: AsyncIterable<Uint8Array>): AsyncGenerator<Observation> {
    if (line === 0) return readArrayRows({ ...input, stream: Readable.from(rest, { objectMode: false }) }, ctx, toObservation);
    return readArrayRows({ ...input, stream: Readable.from(resumed(rest), { objectMode: false }) }, ctx, toObservation, { line: line + 1, index: rows });
  }
}

/** Longest line the fast path reads as a row (osqueryi's rows are a few hundred bytes). */
export const MAX_ROW_LINE = 1 << 20;

/** The rest of an array as a document of its own: `[` and the bytes from a row's line on. */
async function* resumed(rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield Buffer.from("[");
  yield* rest;
}

async function* emptyRest(): AsyncGenerator<Uint8Array> {}

/** Whether bytes [start, end) are `[` and white space. */
function isOpeningLine(bytes: Buffer, start: number, end: number): boolean {
  let seen = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x5b && !seen) seen = true;
    else if (c !== 32 && c !== 9) return false;
  }
  return seen;
}

/**
 * The table of a row line `  {...},` that the fast path can take: one well-formed object, then
 * its comma, in plain text, of a known table's column set, with a name (the full path then gives
 * one observation and reports nothing). `shape` holds the row and says whether the prefilter hit.
 */
function rowLine(bytes: Buffer, start: number, end: number, json: JsonLineCheck, tables: ReturnType<typeof createColumnSets>): FastTable | undefined {
  let r = end;
  while (r > start && (bytes[r - 1] === 32 || bytes[r - 1] === 9)) r--;
  if (r === start || bytes[r - 1] !== 0x2c) return undefined;
  if (!json.object(start, r - 1)) return undefined;
  const shape = json.shape;
  const table = tables.of(bytes, json);
  if (!table || !hasName(table, shape)) return undefined;
  // a row the prefilter clears is ASCII; one it does not is parsed alone, so it must be plain UTF-8
  if (shape.literalHit && !plainUtf8(bytes, start, end)) return undefined;
  return table;
}

/** One row of a log entry; `action` only in differential logs, where `removed` rows are no longer on the host. */
type LogRow = { row: unknown; pointer?: string; action?: "added" | "removed" };

/** osqueryd results log: one result object per line; a bad line is reported and skipped. */
async function* readLog(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const log = createLogLines(input, ctx);
  let lines = 0;
  if (input.encoding === "utf-8") {
    lines = yield* readLogFast(input, ctx, log);
  } else {
    for await (const { text, line } of readLines(input, ctx)) {
      ctx.signal?.throwIfAborted();
      lines = line;
      yield* log.line(text, line);
    }
  }
  log.end();
  ctx.numbered?.({ lines, records: log.records() });
}

/** The full path of a results log, one line at a time, and the counts it keeps between lines. */
function createLogLines(input: ReadInput, ctx: ReadContext) {
  const toObservation = createRowMapper(ctx);
  let record = 0;
  let strangeLines = 0;
  return {
    /** A line the fast path skipped: its one row (the event form) was numbered. */
    countRow(): void {
      record++;
    },
    countRows(n: number): void {
      record += n;
    },
    /** Rows numbered so far. */
    records(): number {
      return record;
    },
    line(text: string, line: number): Observation[] {
      if (text.trim() === "") return [];
      let entry: unknown;
      try {
        entry = JSON.parse(text);
      } catch (err) {
        ctx.report({
          code: "json/syntax",
          message: `not valid JSON (${(err as Error).message}), expected one osqueryd result object per line; this line was skipped`,
          source: { file: input.path, line },
        });
        return [];
      }
      const rows = isObject(entry) ? rowsOf(entry) : undefined;
      if (!rows) {
        if (++strangeLines === 1) {
          ctx.report({
            code: "osquery/not-a-result",
            severity: "warning",
            message: 'not an osqueryd result: expected an object with "columns", "diffResults" or "snapshot"; this line was skipped',
            source: { file: input.path, line },
          });
        }
        return [];
      }
      const where = hostAndTime(entry as Record<string, unknown>);
      const query = typeof (entry as Record<string, unknown>).name === "string" ? ((entry as Record<string, unknown>).name as string) : "";
      const out: Observation[] = [];
      for (const { row, pointer, action } of rows) {
        record++;
        const source: SourceRef = { file: input.path, line, record };
        if (pointer) source.pointer = pointer;
        // a removed row is no observation (nothing to warn about either): it only takes one back
        const o = toObservation(row, source, where, action === "removed");
        if (!o) continue;
        // the row as osqueryd wrote it, the same text in its `added` and its `removed` entries
        if (action) o.change = { action, row: `${query}\u0000${JSON.stringify(row)}` };
        out.push(o);
      }
      return out;
    },
    end(): void {
      if (strangeLines > 1) {
        ctx.report({
          code: "osquery/not-a-result",
          severity: "warning",
          message: `${strangeLines} lines in all were not osqueryd results and were skipped`,
          source: { file: input.path },
        });
      }
    },
  };
}

/** Top-level members the fast path looks at, in this order. */
const ASKED = ["columns", "action"] as const;
/** Where `action` is in {@link ASKED}. */
const ACTION_SLOT = 1;

/**
 * UTF-8 results logs, the fast way: a line the catalog prefilter clears, which is well-formed
 * JSON (checked without parsing it) in the event form (`columns` holds one row) of a table this
 * reader knows, with a name in one of its name columns, is counted as one observation and not
 * parsed (`removed` rows count none, as on the full path). Such a line the prefilter does not
 * clear gets a repeat key (`ReadContext.repeat`): the same program on another host is counted,
 * not parsed, once the scan knows it needs only a count; once the scan counts the key for good
 * (`ReadContext.repeatCounted`), the compiled check's runs of lines count its rows too. Every other line (non-ASCII text that
 * is not plain UTF-8, a batch or snapshot, an unknown table, a malformed line) takes the full
 * path, so its observations and its issues are exactly those of the full path.
 */
async function* readLogFast(input: ReadInput, ctx: ReadContext, log: ReturnType<typeof createLogLines>): AsyncGenerator<Observation, number> {
  const check = createLineCheck(input, ctx);
  const chunks = (input.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const tooLong: { bytes?: Buffer } = {};
  const skipped = ctx.skipped ?? (() => {});
  const emit = ctx.emit;
  const repeat = emit ? ctx.repeat : undefined;
  const repeatCounted = repeat ? ctx.repeatCounted : undefined;
  // without a prefilter every line is a hit (literalHit stays true)
  const json = createJsonLineCheck(ASKED, "columns", ctx.prefilter?.automaton());
  const shape = json.shape;
  const tables = createColumnSets(ACTION_SLOT);
  let line = 0;
  let atStart = true;
  const batches = rawLineBatches(chunks, Infinity, tooLong); // a line is held whole, as readLines holds it
  // a batch's bytes are used only until the next batch is asked for (lines are decoded to strings,
  // the compiled check copies them): the file's read buffers may be used again
  input.recycle?.start();
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) break;
      const { bytes } = next.value;
      json.load(bytes);
      const length = bytes.length;
      let pos = 0;
      while (pos < length) {
        ctx.signal?.throwIfAborted();
        // the lines from here that only need a count, in one call (see JsonLineCheck.cleanLines)
        const afterRun = json.cleanLines(pos, length);
        const taken = json.taken;
        if (taken.lines > 0) {
          line += taken.lines;
          log.countRows(taken.lines);
          skipped(taken.lines - taken.removed, taken.lookalikes);
          atStart = false;
          pos = afterRun;
          if (pos >= length) break;
        }
        const nl = bytes.indexOf(10, pos);
        const end = nl === -1 ? length : nl;
        let e = end;
        while (e > pos && bytes[e - 1] === 13) e--;
        line++;
        if (isBlank(bytes, pos, e)) {
          pos = end + 1;
          atStart = false;
          continue;
        }
        // the JSON check, then the prefilter's automaton over the row's values
        const row = oneNamedRow(bytes, pos, e, json, tables);
        let key: string | undefined;
        if (row && !shape.literalHit) {
          log.countRow();
          if (!row.removed) skipped(1);
          pos = end + 1;
          atStart = false;
          continue;
        }
        if (row && repeat && !row.removed && plainUtf8(bytes, pos, e)) {
          const table = row.table;
          key = json.repeatKey(table.versionSlots, () => repeatKey(bytes, table, shape));
          if (repeat(key)) {
            // counted for good: cleanLines counts the key's later rows itself
            const count = repeatCounted?.(key);
            if (count) json.countKey(count);
            log.countRow();
            pos = end + 1;
            atStart = false;
            continue;
          }
        }
        const lineText = decodeLine(bytes, pos, e, atStart);
        atStart = false;
        check.line(lineText, line);
        const observations = log.line(lineText, line);
        if (emit) {
          if (key !== undefined && observations.length === 1) emit(observations[0]!, key);
          else for (const o of observations) emit(o);
        } else yield* observations;
        pos = end + 1;
      }
    }
  } finally {
    input.recycle?.stop();
  }
  check.end();
  return line;
}

/**
 * The line's one row, when it is well-formed JSON in the event form of a known table with a name
 * (the full path then gives one observation, or none for a `removed` row, and reports nothing).
 */
function oneNamedRow(
  bytes: Buffer,
  start: number,
  end: number,
  json: JsonLineCheck,
  tables: ReturnType<typeof createColumnSets>,
): { table: FastTable; removed: boolean } | undefined {
  const shape = json.shape;
  if (!json.line(start, end) || shape.kinds[0] !== 1) return undefined;
  const table = tables.of(bytes, json);
  if (!table || !hasName(table, shape)) return undefined;
  // the raw bytes: no escape the check accepts spells a letter (it leaves `\u` to the full path)
  const removed = shape.kinds[ACTION_SLOT] === 2 && shape.ends[ACTION_SLOT]! - shape.starts[ACTION_SLOT]! === 7 && startsWith(bytes, "removed", shape.starts[ACTION_SLOT]!);
  return { table, removed };
}

/**
 * A repeat key of a one-row line (see `ReadContext.repeat`): the raw `columns` object (its bytes
 * determine the row, so its table and its observation) without the values of the table's
 * version-only columns. The host, time and query name are outside it, and nothing else of the
 * line goes into an observation.
 */
function repeatKey(bytes: Buffer, table: FastTable, shape: JsonLineShape): string {
  let key = "osquery\u0000";
  let from = shape.nestedStart;
  for (const k of table.versionSlots) {
    key += bytes.toString("latin1", from, shape.valueStarts[k]!) + "\u0000";
    from = shape.valueEnds[k]!;
  }
  return key + bytes.toString("latin1", from, shape.nestedEnd);
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c !== 32 && (c < 9 || c > 13)) return false;
  }
  return true;
}

/** Whether one of the table's name columns holds a non-blank value on this line. */
function hasName(table: FastTable, shape: JsonLineShape): boolean {
  for (const k of table.nameSlots) if (shape.nonBlank[k] === 1) return true;
  return false;
}

/** A known table and, for the column set it was seen with, the slots of its name and version-only columns (in line order). */
type FastTable = { spec: TableSpec; nameSlots: number[]; versionSlots: number[] };

/**
 * The known table of a line's column set, remembered for the last column set seen (a log holds
 * one or a few queries): the check says whether a line has the remembered keys (`sameKeys`),
 * without building strings. Undefined for a table this reader does not know (its rows take the
 * full path, which warns about it) and for a column set with a repeated key. Given `action` (the
 * asked slot of a results log's `action`), it also tells the check the table's name columns, so
 * that the check can count runs of lines of it (`cleanLines`); `osqueryi` rows are not counted so.
 */
function createColumnSets(action?: number) {
  let table: FastTable | undefined;
  const known = new Map<string, FastTable | undefined>();
  return {
    of(bytes: Buffer, json: JsonLineCheck): FastTable | undefined {
      if (json.sameKeys) return table;
      const shape = json.shape;
      const keys: string[] = [];
      for (let k = 0; k < shape.keyCount; k++) keys.push(bytes.toString("utf8", shape.keyStarts[k]!, shape.keyEnds[k]!));
      const id = keys.join("\u0000");
      if (!known.has(id)) {
        const set = new Set(keys);
        // a `__proto__` key is a column to JSON.parse and not to every parser: the full path judges it
        const spec = set.size === keys.length && !set.has("__proto__") ? tableOf(set) : undefined;
        if (known.size > 64) known.clear();
        known.set(id, spec ? { spec, nameSlots: slotsOf(keys, spec.nameColumns), versionSlots: slotsOf(keys, spec.versionOnly ?? []).sort((a, b) => a - b) } : undefined);
      }
      table = known.get(id);
      json.rememberKeys();
      if (action !== undefined) json.setNames(table?.nameSlots, action, table?.versionSlots);
      return table;
    },
  };
}

/** Where each of `columns` stands in a line's column set, for those it has. */
function slotsOf(keys: readonly string[], columns: readonly string[]): number[] {
  return columns.map((c) => keys.indexOf(c)).filter((i) => i >= 0);
}

/** The rows of one log entry in file order (event, batch or snapshot form); undefined if none of these. */
function rowsOf(entry: Record<string, unknown>): LogRow[] | undefined {
  if (isObject(entry.columns)) {
    const action = entry.action === "added" || entry.action === "removed" ? entry.action : undefined;
    return [action ? { row: entry.columns, action } : { row: entry.columns }];
  }
  if (isObject(entry.diffResults)) {
    const rows: LogRow[] = [];
    for (const action of ["added", "removed"] as const) {
      const list = entry.diffResults[action];
      if (!Array.isArray(list)) continue;
      list.forEach((row, i) => rows.push({ row, pointer: `/diffResults/${action}/${i}`, action }));
    }
    return rows;
  }
  if (Array.isArray(entry.snapshot)) {
    return entry.snapshot.map((row, i) => ({ row, pointer: `/snapshot/${i}` }));
  }
  return undefined;
}

/** Host and time of a log entry: `hostIdentifier` (or the hostname decoration), `unixTime`. */
function hostAndTime(entry: Record<string, unknown>): { host?: string; seenAt?: string } {
  const host = str(entry, "hostIdentifier") ?? str(entry.decorations, "hostname");
  const unixTime = str(entry, "unixTime");
  // lines of one run share their time: the last one is remembered
  if (unixTime !== undefined && unixTime === lastTime.unixTime) return hostAndSeenAt(host, lastTime.seenAt);
  const seconds = Number(unixTime);
  let time = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : undefined;
  // old logs may lack unixTime; calendarTime ("Thu Dec 28 14:40:08 2017 UTC") parses in V8
  if (!time && str(entry, "calendarTime")) time = new Date(str(entry, "calendarTime")!);
  const seenAt = time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
  if (unixTime !== undefined && Number.isFinite(seconds) && seconds > 0) {
    lastTime.unixTime = unixTime;
    lastTime.seenAt = seenAt;
  }
  return hostAndSeenAt(host, seenAt);
}

/**
 * `{host, seenAt}` with only the keys that have a value, built by assignment: object spreads
 * of conditional literals (`{...(a ? {a} : {})}`), made once per row, kept old-generation
 * memory growing between full collections (measured: 164 against 137 MiB peak on a 1M-row log).
 */
function hostAndSeenAt(host: string | undefined, seenAt: string | undefined): { host?: string; seenAt?: string } {
  const w: { host?: string; seenAt?: string } = {};
  if (host) w.host = host;
  if (seenAt) w.seenAt = seenAt;
  return w;
}
const lastTime: { unixTime?: string; seenAt?: string | undefined } = {};

/** `quiet`: a removed row, whose problems are not reported (it is gone from the host). */
type RowMapper = (row: unknown, source: SourceRef, where: { host?: string; seenAt?: string }, quiet?: boolean) => Observation | undefined;

/**
 * Turns rows into observations for one file. Remembers the table of each column set seen (a file
 * usually holds one or a few queries) and warns once per file about a table it does not know.
 */
function createRowMapper(ctx: ReadContext): RowMapper {
  const tables = new Map<string, TableSpec | null>();
  let warnedUnknown = false;
  let lastColumns: string[] = [];
  let lastKey = "";
  return (row, source, where, quiet = false) => {
    if (!isObject(row)) {
      if (quiet) return undefined;
      ctx.report({ code: "osquery/row", message: "expected a row object (column name → value); this value was skipped", source });
      return undefined;
    }
    const columns = Object.keys(row);
    // rows in a row share their columns: compared with the last row's before joining them
    let same = columns.length === lastColumns.length;
    for (let i = 0; same && i < columns.length; i++) same = columns[i] === lastColumns[i];
    const key = same ? lastKey : columns.join("\u0000");
    lastColumns = columns;
    lastKey = key;
    let table = tables.get(key);
    if (table === undefined) {
      if (tables.size > 64) tables.clear(); // bounded: a file with ever-new column sets must not grow memory
      table = tableOf(new Set(columns)) ?? null;
      tables.set(key, table);
    }
    if (!table && !warnedUnknown && !quiet) {
      warnedUnknown = true;
      ctx.report({
        code: "osquery/unknown-table",
        severity: "warning",
        message: `rows with columns ${columns.join(", ")} are not from a table this reader knows (${TABLES.map((t) => t.table).join(", ")}); they were read as software by name, version and publisher/vendor/author/maintainer`,
        source,
      });
    }
    if (table?.skip?.(row as Row)) return undefined;
    const facts = table ? table.toFacts(row as Row) : genericFacts(row as Row);
    if (!facts) {
      if (quiet) return undefined;
      ctx.report({
        code: "osquery/no-name",
        severity: "warning",
        message: `row of ${table ? table.table : "an unknown table"} has no name; it was skipped`,
        source,
      });
      return undefined;
    }
    // by assignment, not spread (see `hostAndSeenAt`), in the same key order
    const o = Object.assign({}, facts) as Observation;
    if (where.host !== undefined) o.host = where.host;
    if (where.seenAt !== undefined) o.seenAt = where.seenAt;
    o.source = source;
    return o;
  };
}

/** Keys of the first object in a JSON array head, read with a small string-aware scan. */
function firstObjectKeys(text: string): Set<string> {
  const keys = new Set<string>();
  const token = /"((?:[^"\\]|\\.)*)"(\s*:)?|([{}[\]])/g;
  let depth = 0;
  for (const m of text.matchAll(token)) {
    if (m[3] === "{" || m[3] === "[") depth++;
    else if (m[3] === "}" || m[3] === "]") {
      if (--depth <= 1) break; // end of the first object (or of the array)
    } else if (m[2] && depth === 2) keys.add(m[1]!);
  }
  return keys;
}

/** Max bytes of leading whitespace looked through for the first character. */
const PEEK_LIMIT = 64 * 1024;

/**
 * The first non-blank character of an input (to tell an array from NDJSON), and an input that
 * replays the bytes read to find it, so the real reader still sees the whole stream.
 */
async function peekFirstChar(input: ReadInput): Promise<{ first: string | undefined; input: ReadInput }> {
  const chunks = input.stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const decoder = new TextDecoder(input.encoding);
  const seen: Uint8Array[] = [];
  let bytes = 0;
  let first: string | undefined;
  while (first === undefined && bytes < PEEK_LIMIT) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    bytes += next.value.length;
    first = /[^\s\uFEFF]/.exec(decoder.decode(next.value, { stream: true }))?.[0];
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      yield* seen;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await chunks.return?.();
    }
  }
  return { first, input: { ...input, stream: Readable.from(replay(), { objectMode: false }) } };
}
