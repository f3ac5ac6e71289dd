/**
 * @module
 * Zeek's ASCII (TSV) logs. The header says everything: `#separator` (itself escaped, `\x09`),
 * `#set_separator`, `#empty_field` (`(empty)`), `#unset_field` (`-`), `#path`, `#fields` (the
 * column order, never assumed) and `#types`; `#close` ends a log, and a missing `#close` only
 * means the log is still being written. Several logs may follow each other in one file (each
 * starts with `#separator`). String values escape unprintable bytes as `\xNN`.
 */
import type { Observation } from "../../model/observation.js";
import type { Line } from "../_text.js";
import { cleanClient, cleanHost, domainObservation, isoFromEpochSeconds, isoFromZoned, issueBudget } from "../_network.js";
import type { ReadContext } from "../types.js";
import { CLIENT_FIELD, HOST_FIELDS, TIME_FIELD, isZeekPath, type ZeekPath } from "./logs.js";

export type Header = {
  separator: string;
  unset: string;
  empty: string;
  path?: string;
  /** Set once `#fields` is read. */
  columns?: { count: number; host: number; client: number; ts: number; line: number; log: ZeekPath; wanted: number[] };
};

const freshHeader = (separator = "\t"): Header => ({ separator, unset: "-", empty: "(empty)" });

/**
 * The header the reader reads records with, for a line source that must know it (the fast path,
 * fast.ts): `header` is the reader's own object, replaced at each `#separator` and changed in
 * place by the other directives, and always up to date with every line the reader has taken.
 */
export type SharedHeader = { header?: Header };

export async function* readZeekTsv(runs: AsyncIterable<Iterable<Line>>, file: string, ctx: ReadContext, shared: SharedHeader = {}): AsyncIterable<Observation> {
  const budget = issueBudget(ctx, file);
  let header = (shared.header = freshHeader());
  let orphans = 0; // records before any #fields line
  let firstOrphan = 0;
  let skippedLog: string | undefined;
  let fields = false; // a #fields line was read: this is a Zeek log, whether or not it holds records

  const emit = ctx.emit;
  for await (const run of runs) for (const { text, line, unterminated } of run) {
    ctx.signal?.throwIfAborted();
    if (text === "") continue;
    if (text.startsWith("#")) {
      if (text.startsWith("#separator")) {
        header = shared.header = freshHeader(unescapeZeek(text.slice("#separator".length).trim()) || "\t");
        continue;
      }
      const [directive, ...values] = text.split(header.separator);
      switch (directive) {
        case "#unset_field":
          header.unset = values[0] ?? "-";
          break;
        case "#empty_field":
          header.empty = values[0] ?? "(empty)";
          break;
        case "#path":
          header.path = values[0];
          break;
        case "#fields": {
          fields = true;
          const log = isZeekPath(header.path) ? header.path : inferLog(values);
          if (!log) {
            header.columns = undefined;
            if (skippedLog !== (header.path ?? "?")) {
              skippedLog = header.path ?? "?";
              // a log that says it is another kind (conn.log) is rightly skipped; one that does not say
              // (Zeek always writes #path) may hold hosts that were not read: an error, not a pass
              ctx.report(
                header.path
                  ? { code: "zeek/no-hosts", severity: "warning", message: `Zeek "${header.path}" log names no contacted hosts (dns.log, ssl.log and http.log do); its records were skipped`, source: { file, line } }
                  : { code: "zeek/fields", message: `a Zeek log without #path whose #fields are those of no log with contacted hosts (dns.log, ssl.log, http.log); its records were skipped`, source: { file, line } },
              );
            }
            break;
          }
          const index = (name: string) => values.indexOf(name);
          const host = index(HOST_FIELDS[log]);
          const client = index(CLIENT_FIELD);
          if (host < 0 || client < 0) {
            header.columns = undefined;
            ctx.report({
              code: "zeek/fields",
              message: `the #fields header of this ${log}.log has no ${host < 0 ? `"${HOST_FIELDS[log]}"` : `"${CLIENT_FIELD}"`} column (found ${values.join(", ")}); its records were skipped`,
              source: { file, line },
            });
            break;
          }
          const ts = index(TIME_FIELD);
          header.columns = { count: values.length, host, client, ts, line, log, wanted: [host, client, ts] };
          break;
        }
        default:
          break; // #set_separator, #types, #open, #close and comments need nothing
      }
      continue;
    }

    const columns = header.columns;
    if (!columns) {
      if (skippedLog === undefined && orphans++ === 0) firstOrphan = line;
      continue;
    }
    const cells = pick(text, header.separator, columns.wanted);
    if (cells.count !== columns.count) {
      budget.report(
        unterminated
          ? { code: "zeek/cut-off", severity: "warning", message: `the last record is cut off (${cells.count} of ${columns.count} fields; is the log still being written?); it was skipped`, source: { file, line } }
          : {
              code: "zeek/fields",
              message: `expected ${columns.count} fields separated by ${describe(header.separator)}, as the #fields header at line ${columns.line} names; found ${cells.count}; the record was skipped`,
              source: { file, line },
            },
      );
      continue;
    }
    const rawHost = cells.values[0]!;
    if (rawHost === header.unset || rawHost === header.empty) continue; // e.g. a DNS record with no question
    const host = cleanHost(unescapeZeek(rawHost));
    if (!host) continue;
    const rawTs = columns.ts >= 0 ? cells.values[2]! : header.unset;
    let seenAt: string | undefined;
    if (rawTs !== header.unset) {
      seenAt = isoFromEpochSeconds(rawTs) ?? isoFromZoned(rawTs);
      if (!seenAt) {
        budget.report({ code: "zeek/ts", severity: "warning", message: `ts "${rawTs}" is not a time (expected epoch seconds such as 1521911720.865716); the record was read without one`, source: { file, line } });
      }
    }
    const rawClient = cells.values[1]!;
    const o = domainObservation(host, rawClient === header.unset ? undefined : cleanClient(rawClient), seenAt, { file, line });
    if (emit) emit(o);
    else yield o;
  }

  if (!fields && orphans === 0) {
    // only `#` lines: no record of this format, never a clean answer
    ctx.report({ code: "zeek/empty", message: "no Zeek records and no #fields header line: expected a Zeek log (TSV with a #fields header, or one JSON object per line); nothing was read", source: { file } });
  }
  if (orphans > 0) {
    ctx.report({
      code: "zeek/no-header",
      message: `${orphans === 1 ? "a record" : `${orphans} records`} came before any #fields header line (expected Zeek's header: #separator, #fields ...); ${orphans === 1 ? "it was" : "they were"} skipped`,
      source: { file, line: firstOrphan },
    });
  }
  budget.finish();
}

/**
 * The fields at `wanted` positions of a record, and how many fields it has, without splitting
 * the whole line (a dns.log record has two dozen fields; three are needed).
 */
function pick(text: string, separator: string, wanted: number[]): { count: number; values: (string | undefined)[] } {
  const values: (string | undefined)[] = wanted.map(() => undefined);
  let start = 0;
  let field = 0;
  for (;;) {
    const end = text.indexOf(separator, start);
    const stop = end === -1 ? text.length : end;
    for (let k = 0; k < wanted.length; k++) if (wanted[k] === field) values[k] = text.slice(start, stop);
    field++;
    if (end === -1) break;
    start = end + separator.length;
  }
  return { count: field, values };
}

/** A log without #path, told by its columns. */
function inferLog(fields: string[]): ZeekPath | undefined {
  const has = (f: string) => fields.includes(f);
  if (!has(CLIENT_FIELD)) return undefined;
  if (has("query") && has("qtype_name")) return "dns";
  if (has("server_name") && has("version")) return "ssl";
  if (has("host") && has("uri")) return "http";
  return undefined;
}

function describe(separator: string): string {
  return separator === "\t" ? "tabs" : `"${separator}"`;
}

/** Decodes Zeek's `\xNN` escapes (bytes, so escaped UTF-8 sequences become their characters). */
export function unescapeZeek(value: string): string {
  if (!value.includes("\\x")) return value;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < value.length; ) {
    if (value[i] === "\\" && value[i + 1] === "x" && /^[0-9a-f]{2}$/i.test(value.slice(i + 2, i + 4))) {
      bytes.push(parseInt(value.slice(i + 2, i + 4), 16));
      i += 4;
      continue;
    }
    const cp = value.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    bytes.push(...encoder.encode(ch));
    i += ch.length;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(bytes));
}
