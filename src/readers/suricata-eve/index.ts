/**
 * @module
 * Reader for Suricata EVE JSON (`eve.json`, one event per line). What it reads:
 *
 * - `dns` events in all three logging versions: v1 (one event per query, `type: query`, and one
 *   per answer record, `type: answer`), v2 (Suricata 4.1+: one `answer` event per response with
 *   `answers`/`grouped`), v3 (Suricata 8: `type: request`/`response` with a `queries` array; see
 *   OISF's doc/userguide/upgrade/8.0-dns-logging-changes.rst). A lookup is counted once: the
 *   request when it is logged, else its response (the answer events of one response count once).
 * - `tls` (`tls.sni`), `http` (`http.hostname`) and `quic` (`quic.sni`) events: the host a client
 *   connected to.
 *
 * `alert`, `fileinfo` and other events repeat what those events say and are skipped. The client
 * of a DNS event is the side that is not on a DNS port (Suricata versions differ in which side
 * they log as `src_ip` for responses); for other events it is `src_ip`.
 */
import type { Observation } from "../../model/observation.js";
import { cleanClient, cleanHost, domainObservation, isoFromZoned, issueBudget, probeLines } from "../_network.js";
import { readLineRuns } from "../_text.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";

export const suricataEveReader = defineReader({
  name: "network/suricata-eve",
  version: 1,
  description: "Suricata EVE JSON (eve.json): DNS events v1, v2 and v3 (Suricata 8), TLS SNI, HTTP host, QUIC SNI",
  detect,
  read,
});

type Json = Record<string, unknown>;

const DNS_PORTS = new Set([53, 853, 5353, 5355]);
/** Requests and responses already counted, by flow and DNS id; bounded (oldest forgotten first). */
const SEEN_TRANSACTIONS = 100_000;

function detect(probe: Probe): number {
  const first = probeLines(probe.text, 1)[0];
  if (!first?.startsWith("{")) return 0;
  try {
    const ev: unknown = JSON.parse(first);
    if (!isObject(ev) || typeof ev.event_type !== "string") return 0;
    return typeof ev.timestamp === "string" || typeof ev.flow_id === "number" ? 0.9 : 0.6;
  } catch {
    return 0;
  }
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const file = input.path;
  const budget = issueBudget(ctx, file);
  const seen = new Map<string, true>();
  let events = 0;
  // a decoded chunk's lines at a time, and observations emitted where the scan takes them: one
  // asynchronous step per line and per observation was a large part of a big log's time
  const emit = ctx.emit;
  for await (const run of readLineRuns(input, ctx)) for (const { text, line, unterminated } of run) {
    ctx.signal?.throwIfAborted();
    if (text.trim() === "") continue;
    let ev: unknown;
    try {
      ev = JSON.parse(text);
    } catch (err) {
      budget.report(
        unterminated
          ? { code: "eve/cut-off", severity: "warning", message: "the last event is cut off (is Suricata still writing the log?); it was skipped", source: { file, line } }
          : { code: "eve/json", message: `not a JSON object (${(err as Error).message}): expected one EVE event per line; the line was skipped`, source: { file, line } },
      );
      continue;
    }
    if (!isObject(ev) || typeof ev.event_type !== "string") {
      budget.report({ code: "eve/event", message: 'expected an EVE event: a JSON object with "event_type" (and "timestamp", "src_ip" ...); the line was skipped', source: { file, line } });
      continue;
    }
    events++;
    const seenAt = typeof ev.timestamp === "string" ? isoFromZoned(ev.timestamp) : undefined;
    if (typeof ev.timestamp === "string" && !seenAt) {
      budget.report({ code: "eve/timestamp", severity: "warning", message: `timestamp "${ev.timestamp}" is not ISO 8601 with a zone (expected e.g. 2024-10-01T08:00:00.000000+0000); the event was read without a time`, source: { file, line } });
    }
    const source = { file, line };
    for (const { host, client } of hostsOf(ev, seen)) {
      const o = domainObservation(host, client, seenAt, source);
      if (emit) emit(o);
      else yield o;
    }
  }
  if (events === 0) ctx.report({ code: "eve/empty", message: "no EVE events: expected one JSON event per line", source: { file } });
  budget.finish();
}

type Hit = { host: string; client: string | undefined };

/** The hosts one event shows a client contacting (none for events that only repeat others). */
export function hostsOf(ev: Json, seen: Map<string, true>): Hit[] {
  switch (ev.event_type) {
    case "dns":
      return dnsHosts(ev, seen);
    case "tls":
      return one(field(ev, "tls", "sni"), cleanClient(str(ev.src_ip)));
    case "http":
      return one(field(ev, "http", "hostname"), cleanClient(str(ev.src_ip)));
    case "quic":
      return one(field(ev, "quic", "sni"), cleanClient(str(ev.src_ip)));
    default:
      return [];
  }
}

function dnsHosts(ev: Json, seen: Map<string, true>): Hit[] {
  const dns = ev.dns;
  if (!isObject(dns)) return [];
  const type = str(dns.type);
  const request = type === "query" || type === "request";
  const response = type === "answer" || type === "response";
  if (!request && !response) return [];
  // one lookup, whichever of its events are logged: the request, or else the (first event of the) response
  if (typeof ev.flow_id === "number" && typeof dns.id === "number") {
    const key = `${ev.flow_id}/${dns.id}`;
    if (seen.has(key)) return [];
    seen.set(key, true);
    if (seen.size > SEEN_TRANSACTIONS) seen.delete(seen.keys().next().value!);
  }
  const client = cleanClient(str(dnsClient(ev, request, dns.version === 3)));
  const names = Array.isArray(dns.queries)
    ? dns.queries.map((q) => (isObject(q) ? str(q.rrname) : undefined)) // v3
    : [str(dns.rrname)]; // v1 and v2
  return names.flatMap((n) => one(n, client));
}

/** The DNS client: the side not on a DNS port; failing that, by the event's direction. */
function dnsClient(ev: Json, request: boolean, v3: boolean): unknown {
  const sp = typeof ev.src_port === "number" && DNS_PORTS.has(ev.src_port);
  const dp = typeof ev.dest_port === "number" && DNS_PORTS.has(ev.dest_port);
  if (sp && !dp) return ev.dest_ip;
  if (dp && !sp) return ev.src_ip;
  // Suricata 8 logs responses from the responder (src_ip); earlier versions from the client
  return request || !v3 ? ev.src_ip : ev.dest_ip;
}

function one(name: unknown, client: string | undefined): Hit[] {
  const host = cleanHost(str(name));
  return host ? [{ host, client }] : [];
}

function field(ev: Json, object: string, key: string): unknown {
  const o = ev[object];
  return isObject(o) ? o[key] : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
