/**
 * @module
 * Shared by the network-log readers (Zeek, Suricata, dnsmasq/Pi-hole, Squid, Windows DNS): a
 * looked-up or contacted host name becomes a `domain` observation whose `host` is the client
 * that made the lookup, with the time as ISO 8601 and the line it came from. Also: host and
 * client clean-up, epoch and syslog times, and a budget for located issues, so that a huge log
 * in the wrong shape reports its first problems and a count instead of a million messages.
 */
import type { Observation, SourceRef } from "../model/observation.js";
import { normalizeDomain } from "../text/domain-name.js";
import type { Line } from "./_text.js";
import type { ReadContext, ReportableIssue } from "./types.js";

const PLAIN_HOST = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;

/** A host name as the domain matcher compares it, or undefined when the field holds none. */
export function cleanHost(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (PLAIN_HOST.test(raw)) return raw; // the common case, already clean
  let host = raw.trim();
  if (host === "" || host === "-" || host === "(empty)") return undefined;
  // a port after the name (`host:443`), but not inside a bare IPv6 address
  const port = /^(\[[^\]]+\]|[^:]+):\d+$/.exec(host);
  if (port) host = port[1]!;
  // upper or mixed case, the root's trailing dot, Unicode for punycode: the catalog's spelling
  host = normalizeDomain(host.replace(/^\[|\]$/g, ""));
  if (host === "" || /\s/.test(host)) return undefined;
  return host;
}

/** A client address as reports show it: IPv4-mapped IPv6 (`::ffff:10.0.0.5`) as plain IPv4, no brackets. */
export function cleanClient(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const client = raw.trim().replace(/^\[|\]$/g, "");
  if (client === "" || client === "-") return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(client);
  return mapped ? mapped[1]! : client.toLowerCase();
}

/** The domain observation of one lookup or connection. */
export function domainObservation(host: string, client: string | undefined, seenAt: string | undefined, source: SourceRef): Observation {
  return {
    kind: "domain",
    name: host,
    ...(client ? { host: client } : {}),
    ...(seenAt ? { seenAt } : {}),
    source,
  };
}

/** The ISO text of the last whole second converted: logs are in time order, so most lookups reuse it. */
let lastSecond = NaN;
let lastSecondIso = "";

/** Epoch seconds (`1521911720.865716`, a number or its text) as ISO 8601 UTC; undefined if it is not one. */
export function isoFromEpochSeconds(value: string | number): string | undefined {
  const seconds = typeof value === "number" ? value : value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  // truncated to the millisecond, as ISO strings with microseconds are (1e-6 absorbs float error)
  const ms = Math.floor(seconds * 1000 + 1e-6);
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const date = new Date(second * 1000);
    if (Number.isNaN(date.getTime())) return undefined;
    lastSecond = second;
    lastSecondIso = date.toISOString().slice(0, 19);
  }
  return `${lastSecondIso}.${String(ms - second * 1000).padStart(3, "0")}Z`;
}

/**
 * An ISO 8601 time with a zone (`2017-03-06T06:54:06.047429+0000`, `…Z`) as ISO 8601 UTC with
 * milliseconds, so that times from different logs compare; undefined if it is not one.
 */
export function isoFromZoned(value: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const zone = m[3] === "Z" ? "Z" : `${m[3]!.slice(0, 3)}:${m[3]!.slice(-2)}`;
  const ms = Date.parse(`${m[1]}T${m[2]!.replace(/(\.\d{3})\d+/, "$1")}${zone}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A local date and time without a zone, as ISO 8601 without an offset (`2024-09-21T00:00:12`). */
export function isoLocal(year: number, month: number, day: number, hour: number, minute: number, second: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) return undefined;
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(year, 4)}-${p(month)}-${p(day)}T${p(hour)}:${p(minute)}:${p(second)}`;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

/** Located issues reported per input before the rest are only counted. */
export const ISSUES_LISTED = 100;

/**
 * Reports the first `limit` located issues of an input and counts the rest; `finish()` reports
 * the count, with the first line that was not listed, as one issue.
 */
export function issueBudget(ctx: ReadContext, file: string, limit = ISSUES_LISTED): { report(issue: ReportableIssue): void; finish(): void } {
  let listed = 0;
  let more = 0;
  let firstMore: number | undefined;
  let severity: ReportableIssue["severity"] = "warning";
  return {
    report(issue) {
      if (listed < limit) {
        listed++;
        ctx.report(issue);
        return;
      }
      more++;
      firstMore ??= issue.source.line;
      if ((issue.severity ?? "error") === "error") severity = "error";
    },
    finish() {
      if (more === 0) return;
      ctx.report({
        code: "input/more-problems",
        severity,
        message: `${more} more lines had problems like the ${limit} above${firstMore !== undefined ? ` (the first at line ${firstMore})` : ""}; they were skipped and the rest was read`,
        source: { file },
      });
    },
  };
}

/**
 * The first non-blank line of `runs` (see `readLineRuns`), and the runs from that line on: a
 * reader looks at the first line to choose its format, then takes a chunk's lines at a time.
 */
export async function firstLineAndRuns(runs: AsyncIterable<Iterable<Line>>): Promise<{ first?: Line; runs: AsyncIterable<Iterable<Line>> }> {
  const it = runs[Symbol.asyncIterator]();
  let first: Line | undefined;
  // the run the first line is in, read no further than that line (its lines are taken lazily,
  // so each line's own checks still come just before the reader reads it)
  let current: Iterator<Line> | undefined;
  while (!first) {
    const r = await it.next();
    if (r.done) break;
    current = r.value[Symbol.iterator]();
    for (let n = current.next(); !n.done; n = current.next()) {
      if (n.value.text.trim() !== "") {
        first = n.value;
        break;
      }
    }
  }
  function* fromFirst(line: Line, rest: Iterator<Line>): Iterable<Line> {
    yield line;
    for (let n = rest.next(); !n.done; n = rest.next()) yield n.value;
  }
  async function* rest(): AsyncGenerator<Iterable<Line>> {
    try {
      if (!first) return;
      yield fromFirst(first, current!);
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.(undefined);
    }
  }
  return { ...(first ? { first } : {}), runs: rest() };
}

/** The first non-blank lines of a probe's text (the last one may be cut off by the probe's size). */
export function probeLines(text: string, max = 20): string[] {
  const out: string[] = [];
  for (const line of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    if (line.trim() === "") continue;
    out.push(line);
    if (out.length >= max) break;
  }
  return out;
}
