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
 * Given the catalog prefilter's automaton, it also runs that over the line in the same pass
 * (`shape.literalHit`), so a results log's bytes are walked once, not twice. Stepping it over the
 * strings, numbers and literal words only is the same as stepping it over every byte: every
 * other byte of a valid line (white space, quotes, `{}[]:,`) is in no literal and sends the
 * automaton back to its root (see `LiteralAutomaton`).
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
   * Whether the prefilter's automaton found a literal (or a byte it cannot judge) on the line;
   * true when no automaton was given. Meaningful only when the check said true.
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

/**
 * The automaton a string's bytes are walked with: the prefilter's own, widened by three classes
 * that leave it (a quote, a backslash, a control character), so the loop over a string's bytes
 * makes one table step and one compare per byte, and stops at anything it must look at: the
 * string's end, an escape, a byte JSON forbids there, or a literal (or a byte the literals cannot
 * judge, which the prefilter's automaton already treats as a hit).
 */
type StringWalk = {
  /** Byte to class: the prefilter's classes, and the three leaving classes. */
  classes: Uint8Array;
  /** The prefilter's classes, to step the automaton over a byte the loop stopped at. */
  raw: Uint8Array;
  /** `table[state + class]`, states premultiplied by the width, as in `LiteralAutomaton`. */
  table: Int32Array;
  /** States at or above this one stop the loop: the prefilter's hits, and the leaving state. */
  stopFrom: number;
};

const walks = new WeakMap<LiteralAutomaton, StringWalk>();

/** The string walk of `a` (built once per automaton); without `a`, a walk that only finds the leaving bytes. */
function stringWalk(a: LiteralAutomaton | undefined): StringWalk {
  if (!a) return PLAIN_WALK;
  let walk = walks.get(a);
  if (!walk) walks.set(a, (walk = widen(a.classes, a.table, a.width, a.hitFrom)));
  return walk;
}

function widen(raw: Uint8Array, from: Int32Array, width: number, hitFrom: number): StringWalk {
  let count = 0;
  for (const c of raw) count = Math.max(count, c + 1);
  const [quote, backslash, control] = [count, count + 1, count + 2];
  let wide = 1;
  while (wide < count + 3) wide *= 2;
  const states = from.length / width;
  const leave = states; // a new state, numbered after every hit
  const table = new Int32Array((states + 1) * wide);
  for (let s = 0; s < states; s++) {
    for (let c = 0; c < count; c++) table[s * wide + c] = (from[s * width + c]! / width) * wide;
    for (const c of [quote, backslash, control]) table[s * wide + c] = leave * wide;
  }
  const classes = new Uint8Array(256);
  for (let b = 0; b < 256; b++) classes[b] = b < 32 ? control : b === QUOTE ? quote : b === BACKSLASH ? backslash : raw[b]!;
  return { classes, raw, table, stopFrom: (hitFrom / width) * wide };
}

/** Every byte but the leaving ones keeps the root: a string's walk once the line is known to hit. */
const PLAIN_WALK = widen(new Uint8Array(256), new Int32Array(1), 1, 1);

// Scanner state, module-level so the hot loop allocates nothing.
let src: Uint8Array = new Uint8Array(0);
let stop = 0;
/** The prefilter automaton stepped along (see the module comment); undefined when none was given or it already hit. */
let pending: LiteralAutomaton | undefined;
/** The string walk of `pending`, or the plain one once there is nothing to step. */
let walk: StringWalk = PLAIN_WALK;
/** After scanString: whether the string held an escape (a key with one is not compared here). */
let escaped = false;

/** Starts a check of `text` up to `end`, stepping `automaton` along. */
function begin(text: Uint8Array, end: number, automaton: LiteralAutomaton | undefined): void {
  src = text;
  stop = end;
  pending = automaton;
  walk = stringWalk(automaton);
}

/** Whether the check's automaton found a literal (or a byte it cannot judge); true when none was given. */
function literalHit(automaton: LiteralAutomaton | undefined): boolean {
  return !automaton || pending === undefined;
}

/** The automaton has found what it looks for: the rest of the line is only checked. */
function hit(): void {
  pending = undefined;
  walk = PLAIN_WALK;
}

/** Steps the automaton over `src[from, to)` (a number or a literal word) from its root. */
function stepOver(from: number, to: number): void {
  if (pending && runAutomaton(pending, src, from, to) !== -1) hit();
}

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
  // the module's state in locals: this is the loop most bytes of a line go through
  const s = src;
  const n = stop;
  let { classes, table, stopFrom } = walk;
  // the automaton starts at its root (the quote sent it there)
  let state = 0;
  escaped = false;
  i++;
  for (;;) {
    let next = 0;
    while (i < n) {
      next = table[state + classes[s[i]!]!]!;
      if (next >= stopFrom) break;
      state = next;
      i++;
    }
    if (i >= n) return -1;
    const c = s[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = i + 1 < n ? s[i + 1]! : -1;
      // \u is not judged here; a backslash before anything else is not JSON
      if (e !== 116 && e !== 110 && e !== 114 && e !== 102 && e !== 98 && e !== QUOTE && e !== BACKSLASH && e !== 47) return -1;
      escaped = true;
      // both bytes of the escape are bytes of the raw line too (the automaton reads raw bytes)
      state = table[state + walk.raw[BACKSLASH]!]!;
      if (state < stopFrom) state = table[state + walk.raw[e]!]!;
      if (state >= stopFrom) {
        hit();
        ({ classes, table, stopFrom } = walk);
        state = 0;
      }
      i += 2;
      continue;
    }
    if (c < 32) return -1; // control characters must be escaped
    // a literal ends here, or a byte the literals cannot judge stands here: only checked from now on
    hit();
    ({ classes, table, stopFrom } = walk);
    state = 0;
    i++;
  }
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
  stepOver(i, i + word.length);
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
  if (c === 45 || (c >= 48 && c <= 57)) {
    const after = scanNumber(i);
    if (after > 0) stepOver(i, after);
    return after;
  }
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
  begin(text, end, automaton);
  const ok = checkLine(start, end, asked, nested, shape);
  shape.literalHit = literalHit(automaton);
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
  begin(text, end, automaton);
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
  shape.literalHit = literalHit(automaton);
  return ok;
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
