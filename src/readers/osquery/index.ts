/**
 * @module
 * Reader for osquery results: `osqueryi --json "select * from <table>"` output (one JSON array of
 * row objects, streamed) and osqueryd results logs (NDJSON in event, batch or snapshot form, read
 * line by line). The table is inferred from each row's columns (tables.ts), because a log names
 * the query or pack, not the table. Rows an osqueryd differential log marks `removed` are gone
 * from the host and are skipped.
 */
import { Readable } from "node:stream";
import { isObject, str, streamJson } from "../_json.js";
import { readLines } from "../_text.js";
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
  for await (const hit of streamJson(input, ctx, ["$.*"], "osqueryi --json output (an array of row objects)")) {
    ctx.signal?.throwIfAborted();
    const source: SourceRef = { file: input.path, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer };
    const o = toObservation(hit.value, source, {});
    if (o) yield o;
  }
}

/** One row of a log entry; `removed` rows (differential logs) are no longer on the host. */
type LogRow = { row: unknown; pointer?: string; removed: boolean };

/** osqueryd results log: one result object per line; a bad line is reported and skipped. */
async function* readLog(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const toObservation = createRowMapper(ctx);
  let record = 0;
  let strangeLines = 0;
  for await (const { text, line } of readLines(input, ctx)) {
    ctx.signal?.throwIfAborted();
    if (text.trim() === "") continue;
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch (err) {
      ctx.report({
        code: "json/syntax",
        message: `not valid JSON (${(err as Error).message}), expected one osqueryd result object per line; this line was skipped`,
        source: { file: input.path, line },
      });
      continue;
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
      continue;
    }
    const where = hostAndTime(entry as Record<string, unknown>);
    for (const { row, pointer, removed } of rows) {
      record++;
      if (removed) continue;
      const source: SourceRef = { file: input.path, line, record, ...(pointer ? { pointer } : {}) };
      const o = toObservation(row, source, where);
      if (o) yield o;
    }
  }
  if (strangeLines > 1) {
    ctx.report({
      code: "osquery/not-a-result",
      severity: "warning",
      message: `${strangeLines} lines in all were not osqueryd results and were skipped`,
      source: { file: input.path },
    });
  }
}

/** The rows of one log entry in file order (event, batch or snapshot form); undefined if none of these. */
function rowsOf(entry: Record<string, unknown>): LogRow[] | undefined {
  if (isObject(entry.columns)) return [{ row: entry.columns, removed: entry.action === "removed" }];
  if (isObject(entry.diffResults)) {
    const rows: LogRow[] = [];
    for (const action of ["added", "removed"] as const) {
      const list = entry.diffResults[action];
      if (!Array.isArray(list)) continue;
      list.forEach((row, i) => rows.push({ row, pointer: `/diffResults/${action}/${i}`, removed: action === "removed" }));
    }
    return rows;
  }
  if (Array.isArray(entry.snapshot)) {
    return entry.snapshot.map((row, i) => ({ row, pointer: `/snapshot/${i}`, removed: false }));
  }
  return undefined;
}

/** Host and time of a log entry: `hostIdentifier` (or the hostname decoration), `unixTime`. */
function hostAndTime(entry: Record<string, unknown>): { host?: string; seenAt?: string } {
  const host = str(entry, "hostIdentifier") ?? str(entry.decorations, "hostname");
  const seconds = Number(str(entry, "unixTime"));
  let time = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : undefined;
  // old logs may lack unixTime; calendarTime ("Thu Dec 28 14:40:08 2017 UTC") parses in V8
  if (!time && str(entry, "calendarTime")) time = new Date(str(entry, "calendarTime")!);
  const seenAt = time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
  return { ...(host ? { host } : {}), ...(seenAt ? { seenAt } : {}) };
}

type RowMapper = (row: unknown, source: SourceRef, where: { host?: string; seenAt?: string }) => Observation | undefined;

/**
 * Turns rows into observations for one file. Remembers the table of each column set seen (a file
 * usually holds one or a few queries) and warns once per file about a table it does not know.
 */
function createRowMapper(ctx: ReadContext): RowMapper {
  const tables = new Map<string, TableSpec | null>();
  let warnedUnknown = false;
  return (row, source, where) => {
    if (!isObject(row)) {
      ctx.report({ code: "osquery/row", message: "expected a row object (column name → value); this value was skipped", source });
      return undefined;
    }
    const columns = Object.keys(row);
    const key = columns.join("\u0000");
    let table = tables.get(key);
    if (table === undefined) {
      if (tables.size > 64) tables.clear(); // bounded: a file with ever-new column sets must not grow memory
      table = tableOf(new Set(columns)) ?? null;
      tables.set(key, table);
    }
    if (!table && !warnedUnknown) {
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
      ctx.report({
        code: "osquery/no-name",
        severity: "warning",
        message: `row of ${table ? table.table : "an unknown table"} has no name; it was skipped`,
        source,
      });
      return undefined;
    }
    return { ...facts, ...where, source };
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
