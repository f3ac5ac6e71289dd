/**
 * @module
 * Zeek's JSON logs (`LogAscii::use_json=T`, or shipped by a log pipeline): one JSON object per
 * line with flat dotted keys (`"id.orig_h"`; nested `{"id": {"orig_h": …}}` is read too), `ts`
 * as epoch seconds or an ISO 8601 string, and `_path` naming the log when a pipeline adds it.
 * Records of other logs in the same stream are skipped quietly.
 */
import type { Observation } from "../../model/observation.js";
import type { Line } from "../_text.js";
import { cleanClient, cleanHost, domainObservation, isoFromEpochSeconds, isoFromZoned, issueBudget } from "../_network.js";
import type { ReadContext } from "../types.js";
import { CLIENT_FIELD, HOST_FIELDS, TIME_FIELD, inferPath, isZeekPath, type ZeekPath } from "./logs.js";

type Json = Record<string, unknown>;

/** A field by its dotted name, flat (`"id.orig_h"`) or nested (`id.orig_h`). */
export function field(record: Json, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  let value: unknown = record;
  for (const part of name.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Json)[part];
  }
  return value;
}

/** The log a record belongs to: its `_path`, else told by its fields. */
export function logOf(record: Json): ZeekPath | undefined {
  const path = record._path;
  if (typeof path === "string") return isZeekPath(path) ? path : undefined;
  return inferPath((f) => field(record, f) !== undefined);
}

export async function* readZeekJson(runs: AsyncIterable<Iterable<Line>>, file: string, ctx: ReadContext): AsyncIterable<Observation> {
  const budget = issueBudget(ctx, file);
  let records = 0;
  let read = 0;
  const emit = ctx.emit;
  for await (const run of runs) for (const { text, line, unterminated } of run) {
    ctx.signal?.throwIfAborted();
    if (text.trim() === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      budget.report(
        unterminated
          ? { code: "zeek/cut-off", severity: "warning", message: "the last record is cut off (is the log still being written?); it was skipped", source: { file, line } }
          : { code: "zeek/json", message: `not a JSON object (${(err as Error).message}): expected one Zeek record per line; the line was skipped`, source: { file, line } },
      );
      continue;
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      budget.report({ code: "zeek/json", message: "expected a JSON object (one Zeek record per line); the line was skipped", source: { file, line } });
      continue;
    }
    records++;
    const log = logOf(record as Json);
    if (!log) continue;
    read++;
    const host = cleanHost(stringOf(field(record as Json, HOST_FIELDS[log])));
    if (!host) continue;
    const ts = field(record as Json, TIME_FIELD);
    let seenAt: string | undefined;
    if (ts !== undefined && ts !== null) {
      seenAt = typeof ts === "number" ? isoFromEpochSeconds(ts) : typeof ts === "string" ? (isoFromZoned(ts) ?? isoFromEpochSeconds(ts)) : undefined;
      if (!seenAt) {
        budget.report({ code: "zeek/ts", severity: "warning", message: `ts ${JSON.stringify(ts)} is not a time (expected epoch seconds or ISO 8601); the record was read without one`, source: { file, line } });
      }
    }
    const o = domainObservation(host, cleanClient(stringOf(field(record as Json, CLIENT_FIELD))), seenAt, { file, line });
    if (emit) emit(o);
    else yield o;
  }
  if (records > 0 && read === 0) {
    ctx.report({
      code: "zeek/no-hosts",
      severity: "warning",
      message: `none of the ${records} records is from a Zeek dns, ssl or http log (by _path or by their fields); nothing was read`,
      source: { file },
    });
  }
  budget.finish();
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
