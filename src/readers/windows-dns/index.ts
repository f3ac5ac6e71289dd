/**
 * @module
 * Reader for the Windows DNS Server debug log (`%SystemRoot%\System32\dns\dns.log`, "Log packets
 * for debugging"). After a legend, each packet is one line:
 *
 *     6/14/2023 10:12:45 AM 0D28 PACKET  000001C9B5E2B1A0 UDP Rcv 10.0.0.5  c3a1   Q [0001   D   NOERROR] A  (3)www(9)kaspersky(3)com(0)
 *
 * date and time (in the server's locale), thread, `PACKET`, packet id, UDP/TCP, Snd/Rcv, remote
 * IP, xid, `R` for a response (blank for a query), opcode, `[flags RCODE]`, question type, and the
 * name in wire-label form. A lookup is a query the server received (`Rcv`, no `R`, opcode `Q`)
 * from the remote IP, the client; what it sends (answers, queries to forwarders) and receives
 * back from forwarders is not a new lookup. "Details" sections, EVENT and Note lines are skipped.
 *
 * The date follows the server's locale: `2023-06-14` (year first), `14.06.2023` (day first),
 * or `6/14/2023` / `14/06/2023`. Slashes are read month first when the time has an AM/PM marker
 * (en-US), day first otherwise; a day over 12 settles the order for the rest of the file, and if
 * it contradicts the order used so far, a warning says how many earlier lines may be misdated.
 * Times are local, without a zone, as the log gives them.
 */
import type { Observation } from "../../model/observation.js";
import { cleanClient, cleanHost, domainObservation, isoLocal, issueBudget, probeLines } from "../_network.js";
import { readLineRuns } from "../_text.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import { trimChars } from "../../util/trailing.js";

export const windowsDnsReader = defineReader({
  name: "network/windows-dns",
  version: 1,
  description: "Windows DNS Server debug log (dns.log): PACKET lines, queries received from clients",
  detect,
  read,
});

/**
 * A PACKET line, read in linear time: one regular expression over the whole line (`^(.+?)\s+hex\s+PACKET`)
 * backtracked quadratically on long whitespace runs (5.9 s per 64 KiB probe, in the detection of
 * every file). The line is split at the word PACKET instead; the stamp and thread come before it,
 * and the rest is matched by a pattern whose runs of spaces and of non-spaces alternate (no
 * ambiguity, so no backtracking).
 */
const PACKET_WORD = /\sPACKET\s/;
const THREAD = /^[0-9A-Fa-f]{3,8}$/;
const AFTER_PACKET =
  /^\s+(?<packet>[0-9A-Fa-f]+)\s+(?<proto>UDP|TCP)\s+(?<dir>Snd|Rcv)\s+(?<ip>\S+)\s+(?<xid>[0-9A-Fa-f]{1,4})\s+(?<r>R\s+)?(?<opcode>[QNU?])\s+\[(?<flags>[^\]]*)\]\s+(?<qtype>\S+)\s+(?<name>\S+)\s*$/;
/** No PACKET line is this long; a longer one is not read as one. */
const MAX_PACKET_LINE = 4096;

type PacketFields = Record<"stamp" | "thread" | "packet" | "proto" | "dir" | "ip" | "xid" | "opcode" | "flags" | "qtype" | "name", string> & { r?: string };

export function parsePacket(line: string): PacketFields | undefined {
  if (line.length > MAX_PACKET_LINE) return undefined;
  const word = PACKET_WORD.exec(line);
  if (!word) return undefined;
  const before = line.slice(0, word.index).trimEnd();
  const cut = Math.max(before.lastIndexOf(" "), before.lastIndexOf("\t"));
  if (cut <= 0) return undefined;
  const thread = before.slice(cut + 1);
  const stamp = before.slice(0, cut).trimEnd();
  if (!THREAD.test(thread) || stamp.length === 0) return undefined;
  const rest = AFTER_PACKET.exec(line.slice(word.index + "PACKET".length + 1));
  if (!rest) return undefined;
  return { stamp, thread, ...(rest.groups as Omit<PacketFields, "stamp" | "thread">) };
}
const HEADER = /DNS Server log file creation at|Message logging key \(for packets/;

function detect(probe: Probe): number {
  if (HEADER.test(probe.text.slice(0, 4096))) return 0.95;
  return probeLines(probe.text, 60).some((l) => parsePacket(l) !== undefined) ? 0.9 : 0;
}

type Order = "ymd" | "dmy" | "mdy";

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const file = input.path;
  const budget = issueBudget(ctx, file);
  const dates = createDateReader();
  let packets = 0;
  let legend = false;
  // a decoded chunk's lines at a time, and observations emitted where the scan takes them: one
  // asynchronous step per line and per observation was a large part of a big log's time
  const emit = ctx.emit;
  for await (const run of readLineRuns(input, ctx)) for (const { text, line, unterminated } of run) {
    ctx.signal?.throwIfAborted();
    if (!text.includes(" PACKET ")) {
      // legend, EVENT and Note lines, "Details" dumps
      if (!legend && HEADER.test(text)) legend = true;
      continue;
    }
    const g = parsePacket(text);
    if (!g) {
      budget.report(
        unterminated
          ? { code: "windns/cut-off", severity: "warning", message: "the last line is cut off (is the DNS server still writing the log?); it was skipped", source: { file, line } }
          : {
              code: "windns/packet",
              message:
                "expected a PACKET line: date time thread PACKET id UDP|TCP Snd|Rcv remote-IP xid [R] opcode [flags RCODE] type (n)wire(n)name(0); the line was skipped",
              source: { file, line },
            },
      );
      continue;
    }
    packets++;
    if (g.dir !== "Rcv" || g.r || g.opcode !== "Q") continue; // only queries received from clients are lookups
    const host = cleanHost(wireName(g.name!));
    if (!host) continue;
    const date = dates.read(g.stamp!, line);
    if (date.switched) {
      ctx.report({
        code: "windns/date-order",
        severity: "warning",
        message: `dates were read as ${ORDER_TEXT[date.switched.from]} until this line, whose date ${g.stamp!.trim()} can only be ${ORDER_TEXT[date.switched.to]}: the ${date.switched.before} lookups before it may be misdated; the rest of the file is read as ${ORDER_TEXT[date.switched.to]}`,
        source: { file, line },
      });
    }
    if (!date.iso) {
      budget.report({ code: "windns/time", severity: "warning", message: `"${g.stamp!.trim()}" is not a date and time this reader knows (e.g. 6/14/2023 10:12:45 AM, 14.06.2023 10:12:45, 2023-06-14 10:12:45); the lookup was read without a time`, source: { file, line } });
    }
    const o = domainObservation(host, cleanClient(g.ip), date.iso, { file, line });
    if (emit) emit(o);
    else yield o;
  }
  if (packets === 0) {
    // no record of this format: not a DNS log (or one with packet logging off), never a clean answer
    ctx.report({
      code: "windns/empty",
      message: legend
        ? "a Windows DNS Server debug log with no PACKET line: enable \"Log packets for debugging\" (incoming, queries, UDP and TCP) and export it again; nothing was read"
        : "no PACKET line: expected a Windows DNS Server debug log (dns.log with packet logging enabled): `date time thread PACKET id UDP|TCP Snd|Rcv remote-IP xid [R] opcode [flags RCODE] type (n)wire(n)name(0)`; nothing was read",
      source: { file },
    });
  }
  budget.finish();
}

const ORDER_TEXT: Record<Order, string> = { ymd: "year-month-day", dmy: "day/month/year", mdy: "month/day/year" };

/** `(3)www(9)kaspersky(3)com(0)` → `www.kaspersky.com` (labels by their lengths; loosely if they do not add up). */
export function wireName(wire: string): string {
  const labels: string[] = [];
  let i = 0;
  while (i < wire.length) {
    const m = /^\((\d{1,3})\)/.exec(wire.slice(i));
    if (!m) return loose(wire);
    i += m[0].length;
    const n = Number(m[1]);
    if (n === 0) return i === wire.length ? labels.join(".") : loose(wire);
    if (i + n > wire.length) return loose(wire);
    labels.push(wire.slice(i, i + n));
    i += n;
  }
  return loose(wire);
}

function loose(wire: string): string {
  return trimChars(wire.replace(/\(\d{1,3}\)/g, "."), ".");
}

const PM = /(?:\bp\.?\s?m\.?(?=\s|$)|下午|午後|오후)/i;
const AM = /(?:\ba\.?\s?m\.?(?=\s|$)|上午|午前|오전)/i;

type DateResult = { iso?: string; switched?: { from: Order; to: Order; before: number } };

/** Reads the locale's dates of one file, settling the day/month order as the file shows it. */
export function createDateReader(): { read(stamp: string, line: number): DateResult } {
  let settled: Order | undefined;
  let assumed: Order | undefined;
  let readSoFar = 0;
  return {
    read(stamp) {
      const d = /(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})/.exec(stamp);
      const t = /(\d{1,2}):(\d{2}):(\d{2})/.exec(stamp);
      if (!d || !t) return {};
      const [a, sep, b, c] = [Number(d[1]), d[2]!, Number(d[3]), Number(d[4])];
      const rest = stamp.replace(d[0], " ").replace(t[0], " ");
      const pm = PM.test(rest);
      const twelveHour = pm || AM.test(rest);
      let order: Order;
      let switched: DateResult["switched"];
      if (d[1]!.length === 4) order = "ymd";
      else if (sep === ".") order = "dmy";
      else {
        const evident: Order | undefined = a > 12 ? "dmy" : b > 12 ? "mdy" : undefined;
        if (evident && !settled) {
          if (assumed && assumed !== evident && readSoFar > 0) switched = { from: assumed, to: evident, before: readSoFar };
          settled = evident;
        }
        assumed ??= twelveHour ? "mdy" : "dmy";
        order = settled ?? assumed;
      }
      readSoFar++;
      const [year, month, day] = order === "ymd" ? [a, b, c] : order === "dmy" ? [c, b, a] : [c, a, b];
      let hour = Number(t[1]);
      if (twelveHour) hour = (hour % 12) + (pm ? 12 : 0);
      const iso = isoLocal(year < 100 ? 2000 + year : year, month, day, hour, Number(t[2]), Number(t[3]));
      return { ...(iso ? { iso } : {}), ...(switched ? { switched } : {}) };
    },
  };
}
