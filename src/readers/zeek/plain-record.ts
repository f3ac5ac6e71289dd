/**
 * @module
 * Which raw TSV records the Zeek reader (tsv.ts) turns into exactly one observation and no issue,
 * judged on the record's bytes, for the fast path (fast.ts). A record is plain when, under the
 * header the reader holds:
 *
 * - the header has its columns (a `#fields` line of a log with hosts) and a one-byte ASCII
 *   separator (`pick` then splits at that byte);
 * - the record has as many fields as `#fields` names (else `zeek/fields` or `zeek/cut-off`);
 * - the host field is neither `#unset_field` nor `#empty_field`, holds only `[A-Za-z0-9_.-]`
 *   and at least one letter or digit: `cleanHost` then gives a name (the field itself, or it
 *   lower-cased without trailing dots: never `-`, never empty, no white space, no port, no
 *   brackets), and that name is a case-folded substring of the field;
 * - the `ts` field (when there is one) is `#unset_field` or epoch seconds of at most 12 integer
 *   digits with an optional fraction: `isoFromEpochSeconds` gives a time (a finite, non-negative
 *   number well inside `Date`'s range), so no `zeek/ts` warning.
 *
 * The line must also be ASCII (no encoding warning) and no header line (`#`). The client field
 * (`cleanClient`) never gives an issue and is not compared with the catalog. The host field's
 * bytes hold no `\` (no `\xNN` escape, which decodes to any byte), no `%` and nothing outside
 * ASCII: what the caller must still check is the line limit and the prefilter on the host field
 * ({@link RecordScan.hostStart}); the name, a substring of the field up to case, holds a literal
 * only if the field does.
 *
 * The line's fields are found by one plain loop over its bytes (a dns.log line has two dozen
 * fields: a call to `indexOf` per field cost more), and its end by `indexOf`.
 */
import { isAscii } from "node:buffer";
import type { Header } from "./tsv.js";

/** What the check needs of a header, as bytes. */
export type RecordPlan = {
  /** The separator byte. */
  separator: number;
  /** Fields per record. */
  fields: number;
  host: number;
  /** -1 when the log has no `ts` column. */
  ts: number;
  unset: Buffer;
  empty: Buffer;
};

const LF = 10;
const CR = 13;
const HASH = 35;

/**
 * The plan for the reader's header, or undefined when no record can be judged here: no columns,
 * or a separator of several characters, outside ASCII, or a line break (the reader's lines end
 * before their CRs).
 */
export function planOf(header: Header | undefined): RecordPlan | undefined {
  const columns = header?.columns;
  if (!header || !columns || header.separator.length !== 1) return undefined;
  const separator = header.separator.charCodeAt(0);
  if (separator >= 0x80 || separator === LF || separator === CR) return undefined;
  return { separator, fields: columns.count, host: columns.host, ts: columns.ts, unset: Buffer.from(header.unset), empty: Buffer.from(header.empty) };
}

/**
 * {@link planOf}, made again only when the header changed: the reader replaces its header at
 * `#separator` and its columns at `#fields`, and sets the unset and empty strings in place.
 */
export function planCache(): (header: Header | undefined) => RecordPlan | undefined {
  let seen: { header?: Header; columns?: Header["columns"]; unset?: string; empty?: string } = {};
  let plan: RecordPlan | undefined;
  return (header) => {
    if (header !== seen.header || header?.columns !== seen.columns || header?.unset !== seen.unset || header?.empty !== seen.empty) {
      seen = { ...(header ? { header, columns: header.columns, unset: header.unset, empty: header.empty } : {}) };
      plan = planOf(header);
    }
    return plan;
  };
}

/** Bytes a plain host field may hold (see the module comment), 2 for the letters and digits it needs one of. */
const HOST_BYTES = new Uint8Array(256);
for (const c of "_.-") HOST_BYTES[c.charCodeAt(0)] = 1;
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") HOST_BYTES[c.charCodeAt(0)] = 2;

const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
/** Integer digits of a plain epoch time: 10^12 seconds is far inside `Date`'s ±8.64e12. */
const MAX_EPOCH_DIGITS = 12;

/** Whether bytes [start, end) equal `value`. */
function equals(bytes: Uint8Array, start: number, end: number, value: Buffer): boolean {
  if (end - start !== value.length) return false;
  for (let i = 0; i < value.length; i++) if (bytes[start + i] !== value[i]) return false;
  return true;
}

function plainHost(bytes: Uint8Array, start: number, end: number): boolean {
  let alnum = false;
  for (let i = start; i < end; i++) {
    const k = HOST_BYTES[bytes[i]!]!;
    if (k === 0) return false;
    if (k === 2) alnum = true;
  }
  return alnum;
}

/** `1727769600.000000`, `1727769600`, `1727769600.`: digits, then an optional dot and digits. */
function plainEpoch(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && bytes[i]! >= DIGIT_0 && bytes[i]! <= DIGIT_9) i++;
  if (i === start || i - start > MAX_EPOCH_DIGITS) return false;
  if (i === end) return true;
  if (bytes[i] !== DOT) return false;
  for (i++; i < end; i++) if (bytes[i]! < DIGIT_0 || bytes[i]! > DIGIT_9) return false;
  return true;
}

/** One line read by {@link RecordScan.read}; one object reused for every line. */
export class RecordScan {
  /** The offset of the line's line feed, or of the bytes' end when it has none. */
  end = 0;
  /** The line holds nothing but CRs (the reader's line is empty). */
  blank = false;
  /** The line is a plain record (the module comment) but for the line limit and the host field's prefilter test. */
  plain = false;
  /** The host field, when `plain`. */
  hostStart = 0;
  hostEnd = 0;

  /** Reads the line at `pos` of `bytes[0, length)` under `plan`; `ascii` when all of `bytes` is known to be ASCII. */
  read(bytes: Buffer, pos: number, length: number, plan: RecordPlan, ascii: boolean): void {
    const { separator, host, ts } = plan;
    let end = bytes.indexOf(LF, pos);
    if (end === -1 || end > length) end = length;
    this.end = end;
    let e = end;
    while (e > pos && bytes[e - 1] === CR) e--; // the reader's line ends before its CRs
    this.blank = e === pos;
    this.plain = false;
    if (e === pos || bytes[pos] === HASH || (!ascii && !isAscii(bytes.subarray(pos, e)))) return;
    // the fields up to the last one needed, with their bounds; then only the separators of the rest
    const last = host > ts ? host : ts;
    let count = 1;
    let from = pos;
    let hostStart = -1;
    let hostEnd = -1;
    let tsStart = -1;
    let tsEnd = -1;
    let i = pos;
    for (;;) {
      while (i < e && bytes[i] !== separator) i++;
      const field = count - 1;
      if (field === host) {
        hostStart = from;
        hostEnd = i;
      } else if (field === ts) {
        tsStart = from;
        tsEnd = i;
      }
      if (i >= e || field >= last) break;
      i++;
      from = i;
      count++;
    }
    for (; i < e; i++) if (bytes[i] === separator) count++;
    this.hostStart = hostStart;
    this.hostEnd = hostEnd;
    this.plain =
      count === plan.fields &&
      plainHost(bytes, hostStart, hostEnd) &&
      !equals(bytes, hostStart, hostEnd, plan.unset) &&
      !equals(bytes, hostStart, hostEnd, plan.empty) &&
      (ts < 0 || equals(bytes, tsStart, tsEnd, plan.unset) || plainEpoch(bytes, tsStart, tsEnd));
  }
}
