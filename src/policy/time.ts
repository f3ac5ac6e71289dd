/**
 * @module
 * Dates of the policy engine. Phases start on a calendar date (`2024-07-20`) or at an instant
 * written in the rule's own zone (`2024-09-29T00:00:00-04:00`, midnight US Eastern). An as-of
 * date is a calendar date: a phase is in force on it when the phase's start, read as a date in
 * the rule's own zone (the date part of how it is written), is on or before it.
 */
import { isValidDate } from "../model/date.js";
import { IctsError } from "../model/errors.js";

export { isValidDate };

export type AsOf = {
  /** The calendar date YYYY-MM-DD. */
  date: string;
  /** Milliseconds since the epoch, when a time with an offset was given. */
  instant?: number;
};

const INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses `--as-of`: a calendar date, or an ISO 8601 timestamp with an offset. */
export function parseAsOf(value: string): AsOf {
  if (isValidDate(value)) return { date: value };
  const m = INSTANT.exec(value);
  if (m && isValidDate(m[1]!)) {
    const instant = Date.parse(value);
    if (!Number.isNaN(instant)) return { date: m[1]!, instant };
  }
  throw new IctsError("usage/date", `invalid date "${value}": expected YYYY-MM-DD or an ISO 8601 timestamp with an offset, e.g. 2024-09-29T00:00:00-04:00`);
}

/** Today's date on this machine's clock, as YYYY-MM-DD in local time. */
export function today(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** The zone US rules are dated in, unless a rule says otherwise. */
export const DEFAULT_RULE_ZONE = "America/New_York";

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function dateInZone(ms: number, zone: string): string {
  let f = zoneFormats.get(zone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD
    f = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    zoneFormats.set(zone, f);
  }
  return f.format(new Date(ms));
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (US Eastern in summer: -4 h). */
function offsetAt(ms: number, zone: string): number {
  let f = offsetFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    offsetFormats.set(zone, f);
  }
  const name = f.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
}

/** The instant 00:00 of a calendar date begins in an IANA zone (the first instant whose date there is `date`). */
export function startOfDateInZone(date: string, zone: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  let ms = utc - offsetAt(utc, zone);
  ms = utc - offsetAt(ms, zone); // once more, in case the offset changes that night
  return ms;
}

/**
 * True when the moment `start` (date or instant) has been reached on `asOf`. An instant
 * compares with an instant; a date-only start is 00:00 in the rule's zone, so an as-of instant
 * is read as its date in that zone.
 */
export function hasStarted(start: string, asOf: AsOf, zone: string = DEFAULT_RULE_ZONE): boolean {
  if (asOf.instant !== undefined && start.length > 10) return Date.parse(start) <= asOf.instant;
  const date = asOf.instant !== undefined ? dateInZone(asOf.instant, zone) : asOf.date;
  return start.slice(0, 10) <= date;
}

export function isInForce(phase: { from: string; to?: string | undefined }, asOf: AsOf, zone: string = DEFAULT_RULE_ZONE): boolean {
  return hasStarted(phase.from, asOf, zone) && (phase.to === undefined || !hasStarted(phase.to, asOf, zone));
}
