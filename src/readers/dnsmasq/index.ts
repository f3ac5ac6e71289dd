/**
 * @module
 * Reader for dnsmasq and Pi-hole query logs (`log-queries`): `/var/log/pihole/pihole.log`,
 * dnsmasq's own `log-facility` file, or syslog with dnsmasq's lines among others'. A lookup is
 * the `query[TYPE] name from client` line; `forwarded`, `reply`, `cached`, `gravity blocked`,
 * `config` and `/etc/hosts` lines answer a query already counted, and other programs' lines are
 * skipped. `log-queries=extra` (a serial number and `client/port` before the message) and
 * RFC 3339 timestamps (rsyslog's high-precision format) are read too.
 *
 * The classic syslog timestamp has no year (`Sep 21 00:00:12`, day padded with a space). Each
 * line gets the latest year that does not put it more than a day after the reference time: the
 * file's modification time (when the log was last written), or now for standard input. A log
 * spanning New Year therefore gets December in the earlier year and January in the later one;
 * a log older than a year needs its modification time kept (`cp -p`, `tar`), or it is dated a
 * year late. The time itself is local time without a zone, as the log gives it.
 */
import { stat } from "node:fs/promises";
import type { Observation } from "../../model/observation.js";
import { MONTHS, cleanClient, cleanHost, domainObservation, isoFromZoned, isoLocal, issueBudget, probeLines } from "../_network.js";
import { readLineRuns } from "../_text.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";

export const dnsmasqReader = defineReader({
  name: "network/dnsmasq",
  version: 1,
  description: "dnsmasq / Pi-hole query log (log-queries, pihole.log or syslog): query[TYPE] name from client",
  detect,
  read,
});

/** `Mon DD HH:MM:SS` or an RFC 3339 time, an optional host name, `program[pid]: message`. */
const SYSLOG =
  /^(?:(?<mon>[A-Z][a-z]{2}) {1,2}(?<day>\d{1,2}) (?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})|(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})))(?: (?<host>[^\s\[]+))? (?<prog>[\w.-]+)(?:\[\d+\])?: (?<msg>.*)$/;
/** The programs whose lines are dnsmasq's (Pi-hole's FTL embeds dnsmasq). */
const PROGRAMS = new Set(["dnsmasq", "pihole-FTL"]);
/** `log-queries=extra` puts `<serial> <client>/<port>` before the message. */
const EXTRA = /^\d+ \S+\/\d+ /;
const QUERY = /^query\[(?<type>[A-Za-z0-9]+)\] (?<name>\S+) from (?<client>\S+)$/;

function detect(probe: Probe): number {
  const lines = probeLines(probe.text, 50).filter((l) => !l.startsWith("#"));
  let syslog = 0;
  let dnsmasq = 0;
  for (const line of lines) {
    const m = SYSLOG.exec(line);
    if (!m) continue;
    syslog++;
    if (PROGRAMS.has(m.groups!.prog!)) dnsmasq++;
  }
  if (dnsmasq === 0) return 0;
  return dnsmasq === syslog ? 0.9 : 0.7; // a syslog file with dnsmasq among other programs
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const file = input.path;
  const budget = issueBudget(ctx, file);
  const reference = await referenceTime(file);
  let dnsmasqLines = 0;
  // a decoded chunk's lines at a time, and observations emitted where the scan takes them: one
  // asynchronous step per line and per observation was a large part of a big log's time
  const emit = ctx.emit;
  for await (const run of readLineRuns(input, ctx)) for (const { text, line, unterminated } of run) {
    ctx.signal?.throwIfAborted();
    if (text.trim() === "") continue;
    const m = SYSLOG.exec(text);
    if (!m) {
      budget.report(
        unterminated
          ? { code: "dnsmasq/cut-off", severity: "warning", message: "the last line is cut off (is the log still being written?); it was skipped", source: { file, line } }
          : { code: "dnsmasq/line", message: "expected a syslog line: `Mon DD HH:MM:SS [host] dnsmasq[pid]: message`; the line was skipped", source: { file, line } },
      );
      continue;
    }
    const g = m.groups!;
    if (!PROGRAMS.has(g.prog!)) continue; // another program's line in a shared syslog
    dnsmasqLines++;
    const message = g.msg!.replace(EXTRA, "");
    if (!message.startsWith("query[")) continue; // forwarded, reply, cached, gravity blocked, config ...: not a new lookup
    const q = QUERY.exec(message);
    if (!q) {
      budget.report(
        unterminated
          ? { code: "dnsmasq/cut-off", severity: "warning", message: "the last line is cut off (is the log still being written?); it was skipped", source: { file, line } }
          : { code: "dnsmasq/query", message: "expected `query[TYPE] name from client` after the program name; the line was skipped", source: { file, line } },
      );
      continue;
    }
    const host = cleanHost(q.groups!.name);
    if (!host) continue;
    let seenAt: string | undefined;
    if (g.iso) seenAt = isoFromZoned(g.iso);
    else {
      seenAt = withYear(reference, MONTHS[g.mon!.toLowerCase()], Number(g.day), Number(g.h), Number(g.mi), Number(g.s));
      if (!seenAt) budget.report({ code: "dnsmasq/time", severity: "warning", message: `"${g.mon} ${g.day} ${g.h}:${g.mi}:${g.s}" is not a date in any recent year; the lookup was read without a time`, source: { file, line } });
    }
    const o = domainObservation(host, cleanClient(q.groups!.client), seenAt, { file, line });
    if (emit) emit(o);
    else yield o;
  }
  if (dnsmasqLines === 0) {
    // no record of this format (a syslog of other programs only): never a clean answer
    ctx.report({ code: "dnsmasq/empty", message: "no dnsmasq or pihole-FTL line: expected `... dnsmasq[pid]: query[A] name from client` (log-queries enabled); nothing was read", source: { file } });
  }
  budget.finish();
}

/** When the log was last written: the file's modification time, or now for standard input. */
async function referenceTime(path: string): Promise<Date> {
  if (path === "-") return new Date();
  try {
    return (await stat(path)).mtime;
  } catch {
    return new Date();
  }
}

/** The latest year that puts this local time no more than a day after the reference. */
export function withYear(reference: Date, month: number | undefined, day: number, hour: number, minute: number, second: number): string | undefined {
  if (month === undefined) return undefined;
  const limit = reference.getTime() + 86_400_000;
  for (let year = reference.getFullYear() + 1; year >= reference.getFullYear() - 8; year--) {
    const iso = isoLocal(year, month, day, hour, minute, second);
    if (iso && new Date(year, month - 1, day, hour, minute, second).getTime() <= limit) return iso;
  }
  return undefined;
}
