/**
 * @module
 * Reader for Squid's `access.log`. The native format (logformat `squid`) is whitespace-separated
 * — `time.ms elapsed client action/code bytes method URL user hierarchy/peer type` — with the
 * elapsed time right-aligned (so several spaces), `-` for empty fields, and HTTPS shown only as
 * `CONNECT host:443`. Squid's predefined `common` and `combined` formats (Apache-style, with
 * `[dd/Mon/yyyy:HH:MM:SS +zone]` and the request in quotes) are read too; other custom
 * `logformat` layouts are not. Each request gives one `domain` observation: the host of the URL
 * (or of CONNECT), the client address, the request time.
 */
import type { Observation } from "../../model/observation.js";
import { MONTHS, cleanClient, cleanHost, domainObservation, isoFromEpochSeconds, issueBudget, probeLines } from "../_network.js";
import { readLineRuns } from "../_text.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";

export const squidReader = defineReader({
  name: "network/squid",
  version: 1,
  description: "Squid access.log: native format (CONNECT host:443, full URLs, client address), also the common/combined formats",
  detect,
  read,
});

const NATIVE = /^(?<ts>\d{9,11}\.\d{3})\s+(?<elapsed>-?\d+)\s+(?<client>\S+)\s+(?<code>[A-Z_]+\/\d{3})\s+(?<bytes>\d+|-)\s+(?<method>[A-Za-z_-]+|-)\s+(?<url>\S+)(?:\s+\S+){0,8}\s*$/;
const COMMON =
  /^(?<client>\S+) \S+ \S+ \[(?<day>\d{2})\/(?<mon>[A-Z][a-z]{2})\/(?<year>\d{4}):(?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2}) (?<zone>[+-]\d{4})\] "(?<method>[A-Za-z_-]+) (?<url>\S+)(?: [^"]*)?" (?:\d{3}|-) (?:\d+|-)(?<rest>.*)$/;
/** Squid's `%Ss:%Sh` at the end of its common/combined lines: TCP_MISS:HIER_DIRECT, NONE_NONE:HIER_NONE ... */
const SQUID_TAG = /\s[A-Z_]+:[A-Z_]+\s*$/;

function detect(probe: Probe): number {
  const lines = probeLines(probe.text, 20);
  if (lines.length === 0) return 0;
  const native = lines.filter((l) => NATIVE.test(l)).length;
  if (native > 0 && native >= lines.length / 2) return 0.9;
  const common = lines.filter((l) => COMMON.test(l));
  if (common.length > 0 && common.length >= lines.length / 2) {
    if (common.some((l) => SQUID_TAG.test(l))) return 0.85;
    // an Apache-style log of a forward proxy: absolute URLs or CONNECT, not a web server's paths
    if (common.some((l) => /"(?:CONNECT \S+:\d+|[A-Z]+ [a-z][a-z0-9+.-]*:\/\/)/.test(l))) return 0.6;
  }
  return 0;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const file = input.path;
  const budget = issueBudget(ctx, file);
  // a decoded chunk's lines at a time, and observations emitted where the scan takes them: one
  // asynchronous step per line and per observation was a large part of a big log's time
  const emit = ctx.emit;
  let requests = 0;
  for await (const run of readLineRuns(input, ctx)) for (const { text, line, unterminated } of run) {
    ctx.signal?.throwIfAborted();
    if (text.trim() === "" || text.startsWith("#")) continue;
    const request = parseLine(text);
    if (!request) {
      budget.report(
        unterminated
          ? { code: "squid/cut-off", severity: "warning", message: "the last line is cut off (is Squid still writing the log?); it was skipped", source: { file, line } }
          : {
              code: "squid/line",
              message:
                "expected a Squid access.log line: `time.ms elapsed client action/code bytes method URL user hierarchy/peer type` (native), or the common/combined format; the line was skipped",
              source: { file, line },
            },
      );
      continue;
    }
    requests++;
    const host = hostOfUrl(request.method, request.url);
    if (!host) continue; // `error:invalid-request`, `-`, a path without a host
    const o = domainObservation(host, cleanClient(request.client), request.seenAt, { file, line });
    if (emit) emit(o);
    else yield o;
  }
  if (requests === 0) {
    // no record of this format (only comments and blank lines, or none that parsed): never a clean answer
    ctx.report({ code: "squid/empty", message: "no Squid access.log line: expected `time.ms elapsed client action/code bytes method URL user hierarchy/peer type` (native), or the common/combined format; nothing was read", source: { file } });
  }
  budget.finish();
}

type Request = { client: string; method: string; url: string; seenAt?: string };

export function parseLine(text: string): Request | undefined {
  const n = NATIVE.exec(text.trim());
  if (n) {
    const g = n.groups!;
    const seenAt = isoFromEpochSeconds(g.ts!);
    return { client: g.client!, method: g.method!, url: g.url!, ...(seenAt ? { seenAt } : {}) };
  }
  const c = COMMON.exec(text.trim());
  if (c) {
    const g = c.groups!;
    const month = MONTHS[g.mon!.toLowerCase()];
    if (!month) return undefined;
    const zone = `${g.zone!.slice(0, 3)}:${g.zone!.slice(3)}`;
    const ms = Date.parse(`${g.year}-${String(month).padStart(2, "0")}-${g.day}T${g.h}:${g.mi}:${g.s}${zone}`);
    return { client: g.client!, method: g.method!, url: g.url!, ...(Number.isNaN(ms) ? {} : { seenAt: new Date(ms).toISOString() }) };
  }
  return undefined;
}

/** The host a request went to: `host:port` of CONNECT, or the host of an absolute URL. */
export function hostOfUrl(method: string, url: string): string | undefined {
  if (method.toUpperCase() === "CONNECT") return /^(\[[0-9a-f:.]+\]|[\w.-]+)(:\d+)?$/i.test(url) ? cleanHost(url) : undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  try {
    return cleanHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}
