/**
 * @module
 * A strict, allocation-free check of one JSON text on one line (RFC 8259 grammar: what
 * `JSON.parse` accepts, or less), for the fast path of JSON-lines readers: a line the catalog
 * prefilter clears is still proven well formed before it is skipped, so a malformed line is
 * still reported where it is. While checking, it notes what a reader needs to count the line's
 * observations without parsing it: the top-level keys it is asked about (the raw range of a
 * string value, or the kind of any other value) and the keys of one object member with, for
 * each, whether its value would be a non-blank string or a number (what `str()` returns).
 *
 * It works on UTF-8 bytes; it says `false` (take the full path) for anything it does not judge: a `\u` escape, a key with
 * an escape, a repeated key among those it notes, nesting deeper than 64.
 *
 * Given the catalog prefilter's automaton, it then runs that over the raw values of the nested
 * object's members only (`shape.literalHit`, {@link literalHitOf}): a reader builds its
 * observation from that object (osquery's `columns`, or an `osqueryi` row), so a literal in the
 * host name, the query name or a column's name cannot make a match.
 *
 * This file is the reference, and the fallback where WebAssembly cannot run: readers use the same
 * check compiled from `asm/json-line.ts` (`_json-line-wasm.ts`), and a property test holds the
 * two to the same answers and notes.
 */
import { runAutomaton, type LiteralAutomaton } from "../match/prefilter.js";

const QUOTE = 34;
const BACKSLASH = 92;
/** Nesting the check judges; a deeper value is left to the full path. */
export const MAX_DEPTH = 64;

/** What one line holds, filled by {@link checkJsonLine}; reused from line to line. */
export type JsonLineShape = {
  /** Kind of each asked top-level member: 0 absent, 1 object, 2 string, 3 other value. */
  kinds: Int8Array;
  /** Raw ranges (between the quotes) of the asked members whose value is a string. */
  starts: Int32Array;
  ends: Int32Array;
  /** Keys of the object member `nested` names (raw ranges), and which values are non-blank. */
  keyCount: number;
  keyStarts: Int32Array;
  keyEnds: Int32Array;
  nonBlank: Uint8Array;
  /** Raw ranges of those members' values (a string's with its quotes). */
  valueStarts: Int32Array;
  valueEnds: Int32Array;
  /** Raw range of the `nested` object, braces included (when `kinds` says it is one). */
  nestedStart: number;
  nestedEnd: number;
  /**
   * Whether the prefilter's automaton found a literal (or a byte it cannot judge) in a value of
   * the nested object; true when no automaton was given, when there is no nested object, and
   * when the check said false.
   */
  literalHit: boolean;
};

export const MAX_KEYS = 256;

export function createJsonLineShape(asked: number): JsonLineShape {
  return {
    kinds: new Int8Array(asked),
    starts: new Int32Array(asked),
    ends: new Int32Array(asked),
    keyCount: 0,
    keyStarts: new Int32Array(MAX_KEYS),
    keyEnds: new Int32Array(MAX_KEYS),
    nonBlank: new Uint8Array(MAX_KEYS),
    valueStarts: new Int32Array(MAX_KEYS),
    valueEnds: new Int32Array(MAX_KEYS),
    nestedStart: 0,
    nestedEnd: 0,
    literalHit: true,
  };
}

// Scanner state, module-level so the hot loop allocates nothing.
let src: Uint8Array = new Uint8Array(0);
let stop = 0;
/** After scanString: whether the string held an escape (a key with one is not compared here). */
let escaped = false;

function at(i: number): number {
  return i < stop ? src[i]! : -1;
}

function ws(i: number): number {
  const s = src;
  const n = stop;
  while (i < n) {
    const c = s[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** `i` at the opening quote; returns the index after the closing quote, or -1. */
function scanString(i: number): number {
  const s = src;
  const n = stop;
  escaped = false;
  i++;
  while (i < n) {
    const c = s[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = i + 1 < n ? s[i + 1]! : -1;
      // \u is not judged here; a backslash before anything else is not JSON
      if (e !== 116 && e !== 110 && e !== 114 && e !== 102 && e !== 98 && e !== QUOTE && e !== BACKSLASH && e !== 47) return -1;
      escaped = true;
      i += 2;
      continue;
    }
    if (c < 32) return -1; // control characters must be escaped
    i++;
  }
  return -1;
}

/**
 * Whether the string value at `[start, end)` (between its quotes, escapes already checked) holds a
 * character `String.prototype.trim` keeps: `\t \n \r \f` and spaces are white space to it, an
 * escaped quote, backslash, slash or `\b` is not, nor is any other byte.
 */
function nonBlankString(start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c === BACKSLASH) {
      const e = src[i + 1]!;
      if (e !== 116 && e !== 110 && e !== 114 && e !== 102) return true;
      i++;
    } else if (c !== 32) return true;
  }
  return false;
}

function scanNumber(i: number): number {
  if (at(i) === 45) i++;
  let c = at(i);
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) {
    while (i < stop && (c = at(i)) >= 48 && c <= 57) i++;
  } else return -1;
  if (at(i) === 46) {
    i++;
    const from = i;
    while (i < stop && (c = at(i)) >= 48 && c <= 57) i++;
    if (i === from) return -1;
  }
  c = at(i);
  if (c === 101 || c === 69) {
    i++;
    c = at(i);
    if (c === 43 || c === 45) i++;
    const from = i;
    while (i < stop && (c = at(i)) >= 48 && c <= 57) i++;
    if (i === from) return -1;
  }
  return i > stop ? -1 : i;
}

function scanWord(i: number, word: string): number {
  if (!(i + word.length <= stop && startsWith(src, word, i))) return -1;
  return i + word.length;
}

/** Whether the ASCII `word` stands in `bytes` at `at`. */
export function startsWith(bytes: Uint8Array, word: string, at: number): boolean {
  if (at + word.length > bytes.length) return false;
  for (let k = 0; k < word.length; k++) if (bytes[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Any value at `i` (after white space); returns the index after it, or -1. */
function scanValue(i: number, depth: number): number {
  if (i >= stop) return -1;
  const c = at(i);
  if (c === QUOTE) return scanString(i);
  if (c === 123 || c === 91) {
    if (depth >= MAX_DEPTH) return -1;
    const close = c === 123 ? 125 : 93;
    i = ws(i + 1);
    if (at(i) === close) return i + 1;
    for (;;) {
      if (c === 123) {
        if (at(i) !== QUOTE) return -1;
        i = scanString(i);
        if (i < 0) return -1;
        i = ws(i);
        if (at(i) !== 58) return -1;
        i = ws(i + 1);
      }
      i = scanValue(i, depth + 1);
      if (i < 0) return -1;
      i = ws(i);
      const d = at(i);
      if (d === close) return i + 1;
      if (d !== 44) return -1;
      i = ws(i + 1);
    }
  }
  if (c === 116) return scanWord(i, "true");
  if (c === 102) return scanWord(i, "false");
  if (c === 110) return scanWord(i, "null");
  if (c === 45 || (c >= 48 && c <= 57)) return scanNumber(i);
  return -1;
}

/**
 * Checks that `text[start, end)` is one JSON object and nothing else, and fills `shape`: for each
 * key of `asked` (top-level members), its kind and string range; for the member `nested`, its
 * keys and which values are non-blank. False when the line is not valid JSON, or is valid but
 * not judged here (see the module comment).
 */
export function checkJsonLine(
  text: Uint8Array,
  start: number,
  end: number,
  asked: readonly string[],
  nested: string,
  shape: JsonLineShape,
  automaton?: LiteralAutomaton,
): boolean {
  src = text;
  stop = end;
  const ok = checkLine(start, end, asked, nested, shape);
  const slot = asked.indexOf(nested);
  shape.literalHit = !ok || literalHitOf(text, shape, slot >= 0 && shape.kinds[slot] === 1, automaton);
  return ok;
}

function checkLine(start: number, end: number, asked: readonly string[], nested: string, shape: JsonLineShape): boolean {
  shape.kinds.fill(0);
  shape.keyCount = 0;
  let i = ws(start);
  if (at(i) !== 123) return false;
  i = ws(i + 1);
  if (at(i) === 125) return ws(i + 1) === end;
  for (;;) {
    if (at(i) !== QUOTE) return false;
    const ks = i + 1;
    i = scanString(i);
    if (i < 0) return false;
    const ke = i - 1;
    i = ws(i);
    if (at(i) !== 58) return false;
    i = ws(i + 1);
    const slot = askedSlot(asked, ks, ke);
    if (slot === -2) return false;
    if (slot >= 0) {
      if (shape.kinds[slot] !== 0) return false; // a repeated key: JSON.parse keeps the last
      const c = at(i);
      if (c === QUOTE) {
        shape.kinds[slot] = 2;
        shape.starts[slot] = i + 1;
        i = scanString(i);
        if (i < 0) return false;
        shape.ends[slot] = i - 1;
      } else if (c === 123 && asked[slot] === nested) {
        shape.kinds[slot] = 1;
        shape.nestedStart = i;
        i = scanMembers(i, shape);
        if (i < 0) return false;
        shape.nestedEnd = i;
      } else {
        shape.kinds[slot] = c === 123 ? 1 : 3;
        i = scanValue(i, 1);
        if (i < 0) return false;
      }
    } else {
      i = scanValue(i, 1);
      if (i < 0) return false;
    }
    i = ws(i);
    const d = at(i);
    if (d === 125) return ws(i + 1) === end;
    if (d !== 44) return false;
    i = ws(i + 1);
  }
}

/**
 * Checks that `text[start, end)` is one JSON object and nothing else (white space around it), as
 * one row of `osqueryi --json` output is: its members go to `shape` as the `nested` object's do
 * in {@link checkJsonLine} (keys, values, which are non-blank), and `nestedStart`/`nestedEnd` are
 * the object's own range. False when it is not, or is not judged here (see the module comment).
 */
export function checkJsonObject(text: Uint8Array, start: number, end: number, shape: JsonLineShape, automaton?: LiteralAutomaton): boolean {
  src = text;
  stop = end;
  shape.keyCount = 0;
  const i = ws(start);
  let ok = false;
  if (at(i) === 123) {
    const after = scanMembers(i, shape);
    if (after > 0) {
      shape.nestedStart = i;
      shape.nestedEnd = after;
      ok = ws(after) === end;
    }
  }
  shape.literalHit = !ok || literalHitOf(text, shape, true, automaton);
  return ok;
}

/**
 * Whether a member value of the nested object holds a literal of the prefilter (or a byte it
 * cannot judge): the prefilter's automaton over each value's raw bytes. The reader builds an
 * observation from those values alone (the row), so nothing else of the line can match; true
 * when there is no automaton, or no nested object to look at.
 */
export function literalHitOf(text: Uint8Array, shape: JsonLineShape, nested: boolean, automaton: LiteralAutomaton | undefined): boolean {
  if (!automaton || !nested) return true;
  for (let k = 0; k < shape.keyCount; k++) if (runAutomaton(automaton, text, shape.valueStarts[k]!, shape.valueEnds[k]!) !== -1) return true;
  return false;
}

/** -1 not asked, -2 a key with an escape (not judged), else the index in `asked`; just after the key's scanString. */
function askedSlot(asked: readonly string[], ks: number, ke: number): number {
  const length = ke - ks;
  for (let k = 0; k < asked.length; k++) {
    const key = asked[k]!;
    if (key.length === length && startsWith(src, key, ks)) return k;
  }
  return escaped ? -2 : -1;
}

/** The nested object's members: keys (no escapes, at most MAX_KEYS) and non-blank flags. */
function scanMembers(i: number, shape: JsonLineShape): number {
  i = ws(i + 1);
  if (at(i) === 125) return i + 1;
  for (;;) {
    if (at(i) !== QUOTE) return -1;
    const ks = i + 1;
    i = scanString(i);
    if (i < 0) return -1;
    const ke = i - 1;
    if (escaped || shape.keyCount >= MAX_KEYS) return -1;
    i = ws(i);
    if (at(i) !== 58) return -1;
    i = ws(i + 1);
    const c = at(i);
    const vs = i;
    let nonBlank = false;
    if (c === QUOTE) {
      i = scanString(i);
      nonBlank = i > 0 && nonBlankString(vs + 1, i - 1);
    } else {
      nonBlank = c === 45 || (c >= 48 && c <= 57); // a number is a non-blank value; true, null, objects are not
      i = scanValue(i, 2);
    }
    if (i < 0) return -1;
    const k = shape.keyCount++;
    shape.keyStarts[k] = ks;
    shape.keyEnds[k] = ke;
    shape.nonBlank[k] = nonBlank ? 1 : 0;
    shape.valueStarts[k] = vs;
    shape.valueEnds[k] = i;
    i = ws(i);
    const d = at(i);
    if (d === 125) return i + 1;
    if (d !== 44) return -1;
    i = ws(i + 1);
  }
}
