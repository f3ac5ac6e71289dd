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
 * The client field (`cleanClient`) never gives an issue and is not matched. What this module
 * does not check, the caller must: the line is not a header line (`#`), has no `\` (a `\xNN`
 * escape decodes to any byte), is within the line limit, and holds no prefilter hit (then
 * neither does the name, a substring of it up to case).
 */
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

/** The plan for the reader's header, or undefined when no record can be judged here (no columns, a separator of several characters or outside ASCII). */
export function planOf(header: Header | undefined): RecordPlan | undefined {
  const columns = header?.columns;
  if (!header || !columns || header.separator.length !== 1) return undefined;
  const separator = header.separator.charCodeAt(0);
  if (separator >= 0x80 || separator === 10) return undefined;
  return { separator, fields: columns.count, host: columns.host, ts: columns.ts, unset: Buffer.from(header.unset), empty: Buffer.from(header.empty) };
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

/**
 * Whether the record in bytes [start, end) (one line without its line break and trailing CRs)
 * gives one observation and no issue (see the module comment).
 */
export function plainRecord(bytes: Uint8Array, start: number, end: number, plan: RecordPlan): boolean {
  const { separator, host, ts } = plan;
  let field = 0;
  let from = start;
  let hostStart = -1;
  let hostEnd = -1;
  let tsStart = -1;
  let tsEnd = -1;
  for (let i = start; i <= end; i++) {
    if (i < end && bytes[i] !== separator) continue;
    if (field === host) {
      hostStart = from;
      hostEnd = i;
    } else if (field === ts) {
      tsStart = from;
      tsEnd = i;
    }
    field++;
    from = i + 1;
  }
  if (field !== plan.fields) return false;
  if (!plainHost(bytes, hostStart, hostEnd) || equals(bytes, hostStart, hostEnd, plan.unset) || equals(bytes, hostStart, hostEnd, plan.empty)) return false;
  return ts < 0 || equals(bytes, tsStart, tsEnd, plan.unset) || plainEpoch(bytes, tsStart, tsEnd);
}
