/**
 * The JSON line check of `src/readers/_json-line.ts`, compiled to WebAssembly (AssemblyScript):
 * the same grammar, the same notes, the same answers, at several times the speed. A results log
 * is mostly string bytes; here 16 of them are looked at a step (SIMD) for the end of the string,
 * an escape or a control character, where the JavaScript check steps one byte at a time.
 *
 * Memory: the static regions below hold what a check notes (read by JavaScript through typed
 * arrays over this module's memory); the prefilter's automaton and the text being checked are
 * laid out by JavaScript after `__heap_base` (see `layout`). Offsets in and out are relative to
 * the text (`base`); addresses are `base + offset`.
 *
 * Every function here mirrors the one of the same name in `_json-line.ts`; read that file for why.
 * The last section, `cleanLines`, is the results-log reader's own test of each line
 * (`readLogFast` in `src/readers/osquery/index.ts`) over a run of lines, held to it by a property test.
 */

import { addEntry, clearKinds, COUNTED, entryBytes, entryIn, entryKind, entryMayBe, firstSlot, HASH_START, hashByte, hashBytes, LOOKALIKE, nextSlot, setEntryKind } from "./key-table";
import { automatonHits, base, find, hasAutomaton, plainUtf8 } from "./text";
export { layout } from "./text";

const QUOTE: i32 = 34;
const BACKSLASH: i32 = 92;
const MAX_DEPTH: i32 = 64;
const MAX_KEYS: i32 = 256;
const MAX_ASKED: i32 = 8;

// what a check notes (JsonLineShape), as offsets from `base`
export const KINDS: usize = memory.data(MAX_ASKED);
export const STARTS: usize = memory.data(MAX_ASKED * 4, 4);
export const ENDS: usize = memory.data(MAX_ASKED * 4, 4);
export const KEY_STARTS: usize = memory.data(MAX_KEYS * 4, 4);
export const KEY_ENDS: usize = memory.data(MAX_KEYS * 4, 4);
export const NON_BLANK: usize = memory.data(MAX_KEYS);
export const VALUE_STARTS: usize = memory.data(MAX_KEYS * 4, 4);
export const VALUE_ENDS: usize = memory.data(MAX_KEYS * 4, 4);
/**
 * i32 each: key count, nested start, nested end, literal hit (0 or 1), same keys (0 or 1); then
 * what the last `cleanLines` took: lines, and how many of them were removed rows; of the line it
 * stopped at: its end (before any CR), and 1 or 0 when it checked it (the notes are that check's),
 * -1 when it did not; and how many of the lines it took were look-alikes counted by their key.
 */
export const SCALARS: usize = memory.data(40, 4);
/** The asked top-level keys, as ASCII bytes, one after the other. */
export const ASKED_BYTES: usize = memory.data(256);
/** For each asked key: its length in ASKED_BYTES (in order). */
export const ASKED_LENGTHS: usize = memory.data(MAX_ASKED * 4, 4);

/**
 * The remembered column set (`rememberKeys`): the keys' bytes one after another, and their
 * lengths. A line whose nested object has, byte for byte, the same keys in the same order is
 * told so (`sameKeys`), and its reader need not look its table up again.
 */
export const REMEMBERED_BYTES: usize = memory.data(16384);
const REMEMBERED_MAX: i32 = 16384;
export const REMEMBERED_LENGTHS: usize = memory.data(MAX_KEYS * 4, 4);
/** How many keys are remembered; -1 for none (no line is then the same). */
let remembered: i32 = -1;

/** Remembers the keys the last check noted; 0 when they do not fit (then none are remembered). */
export function rememberKeys(): i32 {
  const n = load<i32>(SCALARS);
  let at = REMEMBERED_BYTES;
  remembered = -1;
  for (let k: i32 = 0; k < n; k++) {
    const slot = <usize>k << 2;
    const from = base + <usize>load<i32>(KEY_STARTS + slot);
    const length = <usize>(load<i32>(KEY_ENDS + slot) - load<i32>(KEY_STARTS + slot));
    if (at + length > REMEMBERED_BYTES + <usize>REMEMBERED_MAX) return 0;
    memory.copy(at, from, length);
    store<i32>(REMEMBERED_LENGTHS + slot, <i32>length);
    at += length;
  }
  remembered = n;
  return 1;
}

/** Sets how many keys are remembered, their bytes and lengths written above (a check laying itself out again). */
export function setRemembered(count: i32): void {
  remembered = count;
}

/** Whether the keys the last check noted are the remembered ones. */
function sameKeys(): i32 {
  const n = load<i32>(SCALARS);
  if (n != remembered) return 0;
  let at = REMEMBERED_BYTES;
  for (let k: i32 = 0; k < n; k++) {
    const slot = <usize>k << 2;
    const start = load<i32>(KEY_STARTS + slot);
    const length = load<i32>(KEY_ENDS + slot) - start;
    if (length != load<i32>(REMEMBERED_LENGTHS + slot) || memory.compare(at, base + <usize>start, <usize>length) != 0) return 0;
    at += <usize>length;
  }
  return 1;
}

export function heapBase(): usize {
  return __heap_base;
}

let askedCount: i32 = 0;
let nestedSlot: i32 = -1;
/** How many keys are asked (their bytes and lengths written above) and which of them is the nested object. */
export function ask(count: i32, nested: i32): void {
  askedCount = count;
  nestedSlot = nested;
}

let stop: usize = 0;
let escaped: bool = false;

@inline function at(i: usize): i32 {
  return i < stop ? <i32>load<u8>(i) : -1;
}

@inline function ws(i: usize): usize {
  const n = stop;
  while (i < n) {
    const c = load<u8>(i);
    if (c != 32 && c != 9 && c != 10 && c != 13) break;
    i++;
  }
  return i;
}

/** The first byte in [i, n) a string cannot hold as it is (quote, backslash, control character); n if none. */
@inline function special(i: usize, n: usize): usize {
  const quote = i8x16.splat(34);
  const backslash = i8x16.splat(92);
  const space = i8x16.splat(32);
  // the text has 16 bytes of room after it (`PADDING` in _json-line-wasm.ts), so a load may
  // pass `n`; what it finds there is not looked at
  while (i < n) {
    const v = v128.load(i);
    const m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), i8x16.lt_u(v, space)));
    if (m != 0) {
      const j = i + <usize>ctz(m);
      return j < n ? j : n;
    }
    i += 16;
  }
  return n;
}

/** `i` at the opening quote; the address after the closing quote, or 0. */
function scanString(i: usize): usize {
  const n = stop;
  escaped = false;
  i++;
  while (true) {
    i = special(i, n);
    if (i >= n) return 0;
    const c = <i32>load<u8>(i);
    if (c == QUOTE) return i + 1;
    if (c != BACKSLASH) return 0; // control characters must be escaped
    const e: i32 = i + 1 < n ? <i32>load<u8>(i + 1) : -1;
    // \u is not judged here; a backslash before anything else is not JSON
    if (e != 116 && e != 110 && e != 114 && e != 102 && e != 98 && e != QUOTE && e != BACKSLASH && e != 47) return 0;
    escaped = true;
    i += 2;
  }
  return 0;
}

function nonBlankString(start: usize, end: usize): bool {
  for (let i = start; i < end; i++) {
    const c = <i32>load<u8>(i);
    if (c == BACKSLASH) {
      const e = <i32>load<u8>(i + 1);
      if (e != 116 && e != 110 && e != 114 && e != 102) return true;
      i++;
    } else if (c != 32) return true;
  }
  return false;
}

@inline function digit(c: i32): bool {
  return c >= 48 && c <= 57;
}

function scanNumber(i: usize): usize {
  if (at(i) == 45) i++;
  let c = at(i);
  if (c == 48) i++;
  else if (c >= 49 && c <= 57) {
    while (digit(at(i))) i++;
  } else return 0;
  if (at(i) == 46) {
    i++;
    const from = i;
    while (digit(at(i))) i++;
    if (i == from) return 0;
  }
  c = at(i);
  if (c == 101 || c == 69) {
    i++;
    c = at(i);
    if (c == 43 || c == 45) i++;
    const from = i;
    while (digit(at(i))) i++;
    if (i == from) return 0;
  }
  return i;
}

/** `true`, `false` or `null` at `i` (its first byte already seen): the address after it, or 0. */
function scanWord(i: usize, c: i32): usize {
  if (c == 116) return i + 4 <= stop && load<u32>(i) == 0x65757274 ? i + 4 : 0; // true
  if (c == 110) return i + 4 <= stop && load<u32>(i) == 0x6c6c756e ? i + 4 : 0; // null
  return i + 5 <= stop && load<u32>(i) == 0x736c6166 && load<u8>(i + 4) == 101 ? i + 5 : 0; // false
}

function scanValue(i: usize, depth: i32): usize {
  if (i >= stop) return 0;
  const c = at(i);
  if (c == QUOTE) return scanString(i);
  if (c == 123 || c == 91) {
    if (depth >= MAX_DEPTH) return 0;
    const close = c == 123 ? 125 : 93;
    i = ws(i + 1);
    if (at(i) == close) return i + 1;
    while (true) {
      if (c == 123) {
        if (at(i) != QUOTE) return 0;
        i = scanString(i);
        if (i == 0) return 0;
        i = ws(i);
        if (at(i) != 58) return 0;
        i = ws(i + 1);
      }
      i = scanValue(i, depth + 1);
      if (i == 0) return 0;
      i = ws(i);
      const d = at(i);
      if (d == close) return i + 1;
      if (d != 44) return 0;
      i = ws(i + 1);
    }
  }
  if (c == 116 || c == 102 || c == 110) return scanWord(i, c);
  if (c == 45 || digit(c)) return scanNumber(i);
  return 0;
}

/** -1 not asked, -2 a key with an escape (not judged), else the index of the asked key. */
function askedSlot(ks: usize, ke: usize): i32 {
  const length = <i32>(ke - ks);
  let p = ASKED_BYTES;
  for (let k: i32 = 0; k < askedCount; k++) {
    const len = load<i32>(ASKED_LENGTHS + (<usize>k << 2));
    if (len == length && memory.compare(p, ks, <usize>len) == 0) return k;
    p += <usize>len;
  }
  return escaped ? -2 : -1;
}

function scanMembers(i: usize): usize {
  i = ws(i + 1);
  if (at(i) == 125) return i + 1;
  while (true) {
    if (at(i) != QUOTE) return 0;
    const ks = i + 1;
    i = scanString(i);
    if (i == 0) return 0;
    const ke = i - 1;
    const k = load<i32>(SCALARS);
    if (escaped || k >= MAX_KEYS) return 0;
    i = ws(i);
    if (at(i) != 58) return 0;
    i = ws(i + 1);
    const c = at(i);
    const vs = i;
    let nonBlank = false;
    if (c == QUOTE) {
      i = scanString(i);
      nonBlank = i > 0 && nonBlankString(vs + 1, i - 1);
    } else {
      nonBlank = c == 45 || digit(c); // a number is a non-blank value; true, null, objects are not
      i = scanValue(i, 2);
    }
    if (i == 0) return 0;
    store<i32>(SCALARS, k + 1);
    const slot = <usize>k << 2;
    store<i32>(KEY_STARTS + slot, <i32>(ks - base));
    store<i32>(KEY_ENDS + slot, <i32>(ke - base));
    store<u8>(NON_BLANK + <usize>k, nonBlank ? 1 : 0);
    store<i32>(VALUE_STARTS + slot, <i32>(vs - base));
    store<i32>(VALUE_ENDS + slot, <i32>(i - base));
    i = ws(i);
    const d = at(i);
    if (d == 125) return i + 1;
    if (d != 44) return 0;
    i = ws(i + 1);
  }
  return 0;
}

// ---- where a line's check may start again (`cleanLines`) ----

/**
 * Lines of a results log repeat their first members (query name, host, time, decorations) from
 * the line before. A check notes where each top-level key before the first asked one starts
 * (offsets from the line's start); a line whose bytes equal the last line's up to and including
 * such a key's first byte is checked from there: every byte the last check looked at before it
 * is the same, so the same steps led there, and no asked key, so no note, came before it.
 */
const MAX_RESUME: i32 = 32;
const RESUME: usize = memory.data(MAX_RESUME * 4, 4);
let resumeCount: i32 = 0;
/** Whether key starts are noted (until the first asked key). */
let noting: bool = false;

/** How many bytes at `a` and `b` are equal from the first (at most n), 16 a step. */
function commonPrefix(a: usize, b: usize, n: usize): usize {
  let i: usize = 0;
  while (i + 16 <= n) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(a + i), v128.load(b + i)));
    if (m != 0xffff) return i + <usize>ctz(~m & 0xffff);
    i += 16;
  }
  while (i < n && load<u8>(a + i) == load<u8>(b + i)) i++;
  return i;
}

function checkMembers(start: usize): bool {
  memory.fill(KINDS, 0, <usize>MAX_ASKED);
  store<i32>(SCALARS, 0);
  resumeCount = 0;
  noting = true;
  let i = ws(start);
  if (at(i) != 123) return false;
  i = ws(i + 1);
  if (at(i) == 125) return ws(i + 1) == stop;
  return members(i, start);
}

/**
 * `checkMembers` from the `keep`th noted key start of the line at `start` (whose bytes up to it
 * are the last checked line's): the notes are a fresh check's there, the key starts before it
 * are kept.
 */
function checkMembersFrom(start: usize, keep: i32): bool {
  memory.fill(KINDS, 0, <usize>MAX_ASKED);
  store<i32>(SCALARS, 0);
  const from = start + <usize>load<i32>(RESUME + (<usize>keep << 2));
  resumeCount = keep;
  noting = true;
  return members(from, start);
}

/** The top-level members from `i` (a key's opening quote, or what stands there) to the line's end. */
function members(i: usize, start: usize): bool {
  while (true) {
    if (noting && resumeCount < MAX_RESUME) {
      store<i32>(RESUME + (<usize>resumeCount << 2), <i32>(i - start));
      resumeCount++;
    }
    if (at(i) != QUOTE) return false;
    const ks = i + 1;
    i = scanString(i);
    if (i == 0) return false;
    const ke = i - 1;
    i = ws(i);
    if (at(i) != 58) return false;
    i = ws(i + 1);
    const slot = askedSlot(ks, ke);
    if (slot == -2) return false;
    if (slot >= 0) {
      noting = false;
      const kind = KINDS + <usize>slot;
      if (load<u8>(kind) != 0) return false; // a repeated key: JSON.parse keeps the last
      const c = at(i);
      if (c == QUOTE) {
        store<u8>(kind, 2);
        store<i32>(STARTS + (<usize>slot << 2), <i32>(i + 1 - base));
        i = scanString(i);
        if (i == 0) return false;
        store<i32>(ENDS + (<usize>slot << 2), <i32>(i - 1 - base));
      } else if (c == 123 && slot == nestedSlot) {
        store<u8>(kind, 1);
        store<i32>(SCALARS + 4, <i32>(i - base));
        i = scanMembers(i);
        if (i == 0) return false;
        store<i32>(SCALARS + 8, <i32>(i - base));
      } else {
        store<u8>(kind, c == 123 ? 1 : 3);
        i = scanValue(i, 1);
        if (i == 0) return false;
      }
    } else {
      i = scanValue(i, 1);
      if (i == 0) return false;
    }
    i = ws(i);
    const d = at(i);
    if (d == 125) return ws(i + 1) == stop;
    if (d != 44) return false;
    i = ws(i + 1);
  }
  return false;
}

/** Whether a member value of the nested object may match (`literalHitOf`); 1 when there is no automaton. */
function literalHit(nested: bool): i32 {
  if (!hasAutomaton || !nested) return 1;
  const n = load<i32>(SCALARS);
  for (let k: i32 = 0; k < n; k++) {
    const slot = <usize>k << 2;
    if (automatonHits(base + <usize>load<i32>(VALUE_STARTS + slot), base + <usize>load<i32>(VALUE_ENDS + slot))) return 1;
  }
  return 0;
}

/** `checkJsonLine`: text[start, end) is one JSON object; 1 or 0, with the notes and the literal hit stored. */
export function checkLine(start: i32, end: i32): i32 {
  stop = base + <usize>end;
  return lineNotes(checkMembers(base + <usize>start));
}

/** What `checkLine` stores after the members are checked. */
function lineNotes(ok: bool): i32 {
  const nested = ok && nestedSlot >= 0 && load<u8>(KINDS + <usize>nestedSlot) == 1;
  store<i32>(SCALARS + 12, ok ? literalHit(nested) : 1);
  store<i32>(SCALARS + 16, nested ? sameKeys() : 0);
  return ok ? 1 : 0;
}

/** `checkJsonObject`: text[start, end) is one JSON object (an osqueryi row), its members noted as the nested object's. */
export function checkObject(start: i32, end: i32): i32 {
  stop = base + <usize>end;
  store<i32>(SCALARS, 0);
  const i = ws(base + <usize>start);
  let ok = false;
  if (at(i) == 123) {
    const after = scanMembers(i);
    if (after > 0) {
      store<i32>(SCALARS + 4, <i32>(i - base));
      store<i32>(SCALARS + 8, <i32>(after - base));
      ok = ws(after) == stop;
    }
  }
  store<i32>(SCALARS + 12, ok ? literalHit(true) : 1);
  store<i32>(SCALARS + 16, ok ? sameKeys() : 0);
  return ok ? 1 : 0;
}

// ---- repeat keys by their bytes (`JsonLineCheck.repeatKey`) ----

/**
 * A table of the byte strings repeat keys were made from: a row's nested object without the
 * values of its version-only members. A row whose bytes equal a remembered row's gets that
 * entry's number, and its reader the key string it made for it then, already hashed, without
 * decoding the row again. Equal means byte for byte (the hash only finds the candidates). The
 * table is asm/key-table.ts's.
 */

/** The value slots of the members left out of the key (asked by JavaScript, in line order). */
export const LEFT_OUT: usize = memory.data(MAX_KEYS * 4, 4);
/** The left-out slots the key ranges below read: LEFT_OUT, or CLEAN_LEFT_OUT in `cleanLines`. */
let leftOut: usize = LEFT_OUT;

/**
 * The key of the last check is `count + 1` ranges of its text: range k runs from the nested
 * object's start (k = 0) or the end of the (k-1)th left-out value, to the start of the kth
 * left-out value or (k = count) the object's end.
 */
@inline function leftOutSlot(k: i32): usize {
  return <usize>load<i32>(leftOut + (<usize>k << 2)) << 2;
}

@inline function rangeFrom(k: i32): usize {
  return base + <usize>(k == 0 ? load<i32>(SCALARS + 4) : load<i32>(VALUE_ENDS + leftOutSlot(k - 1)));
}

@inline function rangeTo(k: i32, count: i32): usize {
  return base + <usize>(k < count ? load<i32>(VALUE_STARTS + leftOutSlot(k)) : load<i32>(SCALARS + 8));
}

/**
 * A hash of the key's ranges, four bytes a step; equal bytes in equal ranges hash alike, which
 * is all it must do.
 */
function keyHash(count: i32): u32 {
  let h = HASH_START;
  for (let k: i32 = 0; k <= count; k++) {
    h = hashBytes(h, rangeFrom(k), rangeTo(k, count));
    h = hashByte(h, 0); // the cut between ranges (no raw NUL stands in a line the check accepts)
  }
  return h;
}

/** Whether the key's ranges equal the arena's bytes at `at` (`length` of them, cuts as NULs). */
function keyEquals(count: i32, at: usize, length: i32): bool {
  let p = at;
  const end = at + <usize>length;
  for (let k: i32 = 0; k <= count; k++) {
    const from = rangeFrom(k);
    const n = rangeTo(k, count) - from;
    if (p + n + 1 > end || memory.compare(p, from, n) != 0 || load<u8>(p + n) != 0) return false;
    p += n + 1;
  }
  return p == end;
}

/** Copies the key's ranges to the arena at `at`, a NUL after each. */
function keyStore(count: i32, at: usize): void {
  let p = at;
  for (let k: i32 = 0; k <= count; k++) {
    const from = rangeFrom(k);
    const n = rangeTo(k, count) - from;
    memory.copy(p, from, n);
    store<u8>(p + n, 0);
    p += n + 1;
  }
}

/** Bytes the key of the last check takes in the arena (its ranges and a cut after each). */
function keyLength(count: i32): i32 {
  let n: i32 = 0;
  for (let k: i32 = 0; k <= count; k++) n += <i32>(rangeTo(k, count) - rangeFrom(k)) + 1;
  return n;
}

/**
 * The entry of the last check's key (its nested object without the `count` values of LEFT_OUT):
 * its number if remembered; if not, it is remembered and `-2 - number` comes back (the caller
 * then makes the key string for that number); -1 if it cannot be (the table was full and has
 * been cleared: every number given before is void).
 */
export function keyEntry(count: i32): i32 {
  leftOut = LEFT_OUT;
  const h = keyHash(count);
  const length = keyLength(count);
  let s = firstSlot(h);
  while (true) {
    const e = entryIn(s);
    if (e < 0) break;
    if (entryMayBe(e, h, length) && keyEquals(count, entryBytes(e), length)) return e;
    s = nextSlot(s);
  }
  const e = addEntry(s, h, length);
  if (e < 0) return -1;
  keyStore(count, entryBytes(e));
  return -2 - e;
}

/** The entry of the last check's key (its nested object without the `count` values at `leftOut`), -1 when not in the table. */
function keyFound(count: i32): i32 {
  const h = keyHash(count);
  const length = keyLength(count);
  let s = firstSlot(h);
  while (true) {
    const e = entryIn(s);
    if (e < 0) return -1;
    if (entryMayBe(e, h, length) && keyEquals(count, entryBytes(e), length)) return e;
    s = nextSlot(s);
  }
  return -1;
}

/**
 * Says the scan counts the rows of `entry`'s key for good (`ReadContext.repeatCounted`): as one
 * observation each (COUNTED) or as one observation and one look-alike each (LOOKALIKE).
 * `cleanLines` then takes them.
 */
export function countKey(entry: i32, kind: i32): void {
  setEntryKind(entry, kind);
}

/** Forgets what `countKey` said (another check, with another scan, has the module now). */
export function forgetCounted(): void {
  clearKinds();
}

// ---- runs of lines the results-log fast path only counts (`JsonLineCheck.cleanLines`) ----

/**
 * `checkLine` of the line [start, end) of the text, right after a check that accepted the line
 * [lastStart, lastStart + lastLength) (0 length: none): from the last key start the two lines
 * share with the byte at it (see RESUME), the same answer and notes.
 */
function checkLineAfter(start: usize, end: usize, lastStart: usize, lastLength: usize): i32 {
  stop = base + end;
  if (lastLength > 0 && resumeCount > 1) {
    const length = end - start;
    const same = commonPrefix(base + lastStart, base + start, length < lastLength ? length : lastLength);
    let k = resumeCount - 1;
    while (k > 0 && <usize>load<i32>(RESUME + (<usize>k << 2)) >= same) k--;
    if (k > 0) return lineNotes(checkMembersFrom(base + start, k));
  }
  return lineNotes(checkMembers(base + start));
}

/** The remembered column set's name columns, as slots (`setNames`). */
export const NAME_SLOTS: usize = memory.data(MAX_KEYS * 4, 4);
/** Its version-only columns, as slots in line order: left out of its rows' repeat keys (`setNames`). */
export const CLEAN_LEFT_OUT: usize = memory.data(MAX_KEYS * 4, 4);
/** How many CLEAN_LEFT_OUT slots are set; -1: take no line by its repeat key. */
let cleanLeftOutCount: i32 = -1;
/** How many name slots are set; -1: no column set to count lines of (`cleanLines` takes none). */
let nameCount: i32 = -1;
/** The asked key whose string value says a row was removed (`"action": "removed"`); -1 for none. */
let actionSlot: i32 = -1;

/**
 * The name slots (written above) of the table the remembered keys belong to, or -1; the action's
 * asked slot; and how many version slots are written in CLEAN_LEFT_OUT, or -1.
 */
export function setNames(count: i32, action: i32, versions: i32): void {
  nameCount = count;
  actionSlot = action;
  cleanLeftOutCount = versions;
}

/** Whether one of the name slots holds a non-blank value (`hasName`). */
function hasName(): bool {
  for (let k: i32 = 0; k < nameCount; k++) {
    if (load<u8>(NON_BLANK + <usize>load<i32>(NAME_SLOTS + (<usize>k << 2))) == 1) return true;
  }
  return false;
}

/**
 * Whether the last line checked is a removed row: its action's raw bytes are `removed` (no escape
 * can spell a letter: the check leaves `\u` to JSON.parse, and refuses the line).
 */
function removedAction(): i32 {
  if (actionSlot < 0 || load<u8>(KINDS + <usize>actionSlot) != 2) return 0;
  const from = base + <usize>load<i32>(STARTS + (<usize>actionSlot << 2));
  const to = base + <usize>load<i32>(ENDS + (<usize>actionSlot << 2));
  if (to - from != 7) return 0;
  // "removed", as one little-endian u32 and three more bytes
  return load<u32>(from) == 0x6f6d6572 && load<u16>(from + 4) == 0x6576 && load<u8>(from + 6) == 0x64 ? 1 : 0;
}

/**
 * The kind of the last line's repeat key (the remembered column set's, see `setNames`) when the
 * reader would count the line by it: not a removed row, valid UTF-8 without U+FFFD
 * (`plainUtf8` of src/readers/_raw-lines.ts), and a key `countKey` marked; else NO_KIND.
 */
function countedKind(from: usize, to: usize): i32 {
  if (cleanLeftOutCount < 0 || removedAction() == 1 || !plainUtf8(from, to)) return 0;
  leftOut = CLEAN_LEFT_OUT;
  const e = keyFound(cleanLeftOutCount);
  return e < 0 ? 0 : entryKind(e);
}

/**
 * Lines of the text from `start` (a line's first byte) to `end`, taken while each is one the
 * reader would count without more: not blank, one JSON object whose nested object has the
 * remembered keys, a non-blank name, and either no literal hit or a repeat key the scan counts
 * for good (`countKey`).
 * Returns the first byte of the first line not taken (`end` or past it when it took them all);
 * SCALARS + 20 holds how many lines it took, SCALARS + 24 how many of them were removed rows,
 * SCALARS + 36 how many were look-alikes, and SCALARS + 28 and + 32 what it knows of the line it
 * stopped at (see SCALARS), so that its reader need not check that line again.
 */
export function cleanLines(start: i32, end: i32): i32 {
  let pos = <usize>start;
  const n = <usize>end;
  let lines: i32 = 0;
  let removed: i32 = 0;
  let lookalikes: i32 = 0;
  let stopEnd: usize = 0;
  let checked: i32 = -1;
  /** The last line this call checked and accepted, whose key starts RESUME holds: its start and length; 0 length for none. */
  let lastStart: usize = 0;
  let lastLength: usize = 0;
  if (nameCount >= 0 && remembered >= 0) {
    while (pos < n) {
      const nl = find(10, base + pos, base + n) - base;
      let e = nl;
      while (e > pos && load<u8>(base + e - 1) == 13) e--;
      stopEnd = e;
      if (e == pos) break;
      checked = checkLineAfter(pos, e, lastStart, lastLength);
      lastStart = pos;
      lastLength = checked == 1 ? e - pos : 0;
      if (checked == 0 || load<i32>(SCALARS + 16) != 1 || !hasName()) break;
      if (load<i32>(SCALARS + 12) == 0) removed += removedAction();
      else {
        const kind = countedKind(base + pos, base + e);
        if (kind == LOOKALIKE) lookalikes++;
        else if (kind != COUNTED) break;
      }
      lines++;
      checked = -1;
      pos = nl + 1;
    }
  }
  store<i32>(SCALARS + 20, lines);
  store<i32>(SCALARS + 24, removed);
  store<i32>(SCALARS + 28, <i32>stopEnd);
  store<i32>(SCALARS + 32, checked);
  store<i32>(SCALARS + 36, lookalikes);
  return <i32>pos;
}
