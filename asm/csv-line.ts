/**
 * The CSV reader's test of each line (`fastLines` in `src/readers/csv/index.ts`), compiled
 * to WebAssembly (AssemblyScript) and run over a run of lines in one call: a line is taken when
 * that reader would only count it, and every other line is left to it. Held to the reader by a
 * property test (`src/readers/csv/compiled.test.ts`): the same report, counts and line numbers
 * with and without this module.
 *
 * A line is taken when it ends with a line feed, is no longer than the record limit, holds no
 * carriage return before its end (CRs just before its line feed are its line break), is one
 * whole record as the reader's `tokenize` reads it (RFC 4180 quotes), and either
 * - is empty (csv-parse skips it), or
 * - the prefilter's automaton finds nothing in it, and its cells say it gives observations
 *   (`countPlain`: no update cell filled, a name or a filled column of its kind), or
 * - it is a hit of valid UTF-8, with no U+FFFD, NUL or `???`, whose repeat key JavaScript told this
 *   module the scan only counts (`remember`): as one observation (it matched nothing), or
 *   as one observation and one look-alike (the report keeps no more look-alikes). A row with the
 *   same key gives the same observation up to host and version.
 *
 * A hit whose repeat key JavaScript said matched (`remember` with MATCHED: a row merged into its
 * finding) ends the run at its line, and SCALARS names the key's entry: JavaScript merges that
 * row by the key without looking for it again (or reads it, when its host has no such finding).
 *
 * Memory: static regions below for what JavaScript sets (the column plan, the kind texts) and
 * what a run says back (SCALARS); the automaton and the text are laid out by JavaScript after
 * `__heap_base` (`layout`). Offsets in and out are relative to the text (`base`).
 */

import { addEntry, clearKeys, COUNTED, entryBytes, entryIn, entryKind, entryMayBe, firstSlot, HASH_START, hashBytes, keyCount, LOOKALIKE, MATCHED, nextSlot, setEntryKind } from "./key-table";
import { automatonStep, base, classes, find, hasAutomaton, hitFrom, table, utf8Sequence } from "./text";
export { layout } from "./text";

const QUOTE: i32 = 34;
const CR: i32 = 13;
/** Cells a plan may look at (`countPlain` refuses plans past it). */
const MAX_CELLS: i32 = 512;
const MAX_LIST: i32 = 16;

/**
 * i32 each, what the last `cleanRows` says: lines taken, observations they give, how many of
 * those are look-alikes, why it stopped (0: a line it leaves to JavaScript, or the end; 1: a kind
 * text it does not know, and the offsets of that kind cell; 2: a line whose key matched, and
 * that key's entry).
 */
export const SCALARS: usize = memory.data(24, 4);
/** The update columns (a filled one makes a row an update, read by the full path) and the kind columns. */
export const UPDATES: usize = memory.data(MAX_LIST * 4, 4);
export const KIND_COLUMNS: usize = memory.data(MAX_LIST * 4, 4);

let delimiter: i32 = 44;
let maxLine: i32 = 0;
let nameCell: i32 = -1;
let kindCell: i32 = -1;
let lastCell: i32 = -1;
let updateCount: i32 = 0;
let kindColumnCount: i32 = 0;
/** Whether lines that are no hit may be counted (false: a MAC column, or cells past MAX_CELLS). */
let counting: bool = false;
let hostCell: i32 = -1;
let versionCell: i32 = -1;
let registryKeyCell: i32 = -1;

/** The file's column plan (CountPlan, and the cells a repeat key leaves out); the lists are written above first. */
export function plan(
  delim: i32,
  lineLimit: i32,
  name: i32,
  kind: i32,
  last: i32,
  updates: i32,
  kindColumns: i32,
  count: bool,
  host: i32,
  version: i32,
  registryKey: i32,
): void {
  delimiter = delim;
  maxLine = lineLimit;
  nameCell = name;
  kindCell = kind;
  lastCell = last;
  updateCount = updates;
  kindColumnCount = kindColumns;
  counting = count && last < MAX_CELLS;
  hostCell = host;
  versionCell = version;
  registryKeyCell = registryKey;
  kindCount = 0;
  clearKeys();
}

// ---- the kind texts met so far (`kindOfBytes`), each with what it means for counting ----

const MAX_KINDS: i32 = 64;
const MAX_KIND_BYTES: i32 = 64;
/** The bytes of a kind text to add (`addKind`), written by JavaScript. */
export const KIND_INPUT: usize = memory.data(MAX_KIND_BYTES);
const KIND_TEXTS: usize = memory.data(MAX_KINDS * MAX_KIND_BYTES);
const KIND_LENGTHS: usize = memory.data(MAX_KINDS * 4, 4);
const KIND_CODES: usize = memory.data(MAX_KINDS * 4, 4);
let kindCount: i32 = 0;
/** No explicit kind: the text names none. */
const NOT_EXPLICIT: i32 = -2;
/** Not known yet: the run stops and asks. */
const UNKNOWN: i32 = -3;

/**
 * Adds the kind text in KIND_INPUT (`length` bytes) and its code: -2 when it names no kind, -1
 * when it names a kind the file has no column for, else that column's cell. 0 when the table is
 * full (lines with other texts are then left to JavaScript).
 */
export function addKind(length: i32, code: i32): i32 {
  if (kindCount >= MAX_KINDS || length > MAX_KIND_BYTES) return 0;
  const k = <usize>kindCount;
  kindCount++;
  memory.copy(KIND_TEXTS + k * <usize>MAX_KIND_BYTES, KIND_INPUT, <usize>length);
  store<i32>(KIND_LENGTHS + (k << 2), length);
  store<i32>(KIND_CODES + (k << 2), code);
  return 1;
}

function kindCode(from: usize, to: usize): i32 {
  const length = <i32>(to - from);
  for (let k: i32 = 0; k < kindCount; k++) {
    const slot = <usize>k << 2;
    if (load<i32>(KIND_LENGTHS + slot) == length && memory.compare(KIND_TEXTS + <usize>k * <usize>MAX_KIND_BYTES, from, <usize>length) == 0) return load<i32>(KIND_CODES + slot);
  }
  return UNKNOWN;
}

// ---- one line ----

/** Cell k of the line spans CELLS[2k]..CELLS[2k+1] (addresses), for k up to lastCell. */
const CELLS: usize = memory.data(MAX_CELLS * 8, 4);
let cells: i32 = 0;

@inline function nonBlank(index: i32): bool {
  if (index < 0 || index >= cells) return false;
  const to = <usize>load<u32>(CELLS + (<usize>index << 3) + 4);
  for (let i = <usize>load<u32>(CELLS + (<usize>index << 3)); i < to; i++) {
    const c = <i32>load<u8>(i);
    if (c != 32 && (c < 9 || c > 13)) return true;
  }
  return false;
}

/** What one look at a line found (`scanLine`). */
const PLAIN: i32 = 0;
const HIT: i32 = 1;
const REFUSED: i32 = 2;

/** Whether the kind cell of the line just scanned holds a `""` (its bytes are then not its text). */
let kindEscaped: bool = false;

@inline function noteCell(k: i32, start: usize, end: usize): void {
  if (k <= lastCell) {
    store<u32>(CELLS + (<usize>k << 3), <u32>start);
    store<u32>(CELLS + (<usize>k << 3) + 4, <u32>end);
  }
}

/**
 * The cells of a line with a quote, as the reader's `tokenize` reads them (RFC 4180: a cell that
 * starts with `"` runs to the `"` not doubled, and a delimiter or the line's end must follow; no
 * quote may stand in another cell): the cells up to lastCell noted, a quoted one without its
 * quotes. False when `tokenize` would refuse the line.
 */
function quotedCells(from: usize, to: usize): bool {
  const d = delimiter;
  let i = from;
  let k: i32 = 0;
  kindEscaped = false;
  while (true) {
    if (i < to && <i32>load<u8>(i) == QUOTE) {
      const start = i + 1;
      let j = start;
      let end: usize = 0;
      while (true) {
        const q = find(QUOTE, j, to);
        if (q >= to) return false; // open at the line's end
        if (q + 1 < to && <i32>load<u8>(q + 1) == QUOTE) {
          if (k == kindCell) kindEscaped = true;
          j = q + 2;
          continue;
        }
        end = q;
        break;
      }
      noteCell(k, start, end);
      k++;
      i = end + 1;
      if (i == to) break;
      if (<i32>load<u8>(i) != d) return false;
      i++;
      continue;
    }
    const next = find(d, i, to);
    if (find(QUOTE, i, next) < next) return false;
    noteCell(k, i, next);
    k++;
    if (next == to) break;
    i = next + 1;
  }
  cells = k <= lastCell + 1 ? k : lastCell + 1;
  return true;
}

/**
 * A line's bytes [from, to): REFUSED when it holds a carriage return or `tokenize` would refuse
 * it; else HIT when the automaton hit it (`hit`, from `lineHit`), PLAIN when not; the cells up to
 * lastCell noted.
 */
function scanLine(from: usize, to: usize, hit: bool): i32 {
  if (find(CR, from, to) < to) return REFUSED;
  if (find(QUOTE, from, to) < to) {
    if (!quotedCells(from, to)) return REFUSED;
  } else {
    kindEscaped = false;
    let cellStart = from;
    let k: i32 = 0;
    const d = delimiter;
    const last = lastCell;
    for (let i = from; i < to && k <= last; i++) {
      if (<i32>load<u8>(i) == d) {
        noteCell(k, cellStart, i);
        k++;
        cellStart = i + 1;
      }
    }
    if (k <= last) {
      noteCell(k, cellStart, to);
      k++;
    }
    cells = k;
  }
  return hit ? HIT : PLAIN;
}

/** The line feed `plainCells` found (an address; the limit when it found none). */
let lineFeed: usize = 0;

/**
 * One pass over the line that starts at `from`, 16 bytes a step, to its line feed (`lineFeed`,
 * or `limit` when there is none before it): the cells up to lastCell noted at its delimiters, as
 * `scanLine` notes them. True when that is all the line needs: it holds no quote, and no CR but
 * one just before its line feed (its line break). Otherwise `scanLine` looks at it again.
 * This one pass stands for four (the line feed, a CR, a quote, the delimiters) on most lines.
 */
function plainCells(from: usize, limit: usize): bool {
  const lf = i8x16.splat(10);
  const cr = i8x16.splat(<i8>CR);
  const quote = i8x16.splat(<i8>QUOTE);
  const delim = i8x16.splat(<i8>delimiter);
  const last = lastCell;
  let k: i32 = 0;
  let cellStart = from;
  let quotes: i32 = 0;
  let crCount: i32 = 0;
  let lastCr: usize = 0;
  for (let p = from; p < limit; p += 16) {
    const v = v128.load(p);
    let ends = i8x16.bitmask(i8x16.eq(v, lf));
    let delims = i8x16.bitmask(i8x16.eq(v, delim));
    let crs = i8x16.bitmask(i8x16.eq(v, cr));
    let q = i8x16.bitmask(i8x16.eq(v, quote));
    // bytes past the limit, and past the line feed, are not the line's
    if (limit - p < 16) {
      const inside = (1 << <i32>(limit - p)) - 1;
      ends &= inside;
      delims &= inside;
      crs &= inside;
      q &= inside;
    }
    if (ends != 0) {
      const before = (1 << ctz(ends)) - 1;
      delims &= before;
      crs &= before;
      q &= before;
    }
    quotes |= q;
    if (crs != 0) {
      crCount += popcnt(crs);
      lastCr = p + <usize>(31 - clz(crs));
    }
    while (delims != 0 && k <= last) {
      const at = p + <usize>ctz(delims);
      noteCell(k, cellStart, at);
      k++;
      cellStart = at + 1;
      delims &= delims - 1;
    }
    if (ends != 0) {
      const nl = p + <usize>ctz(ends);
      lineFeed = nl;
      if (quotes != 0 || crCount > 1 || (crCount == 1 && lastCr + 1 != nl)) return false;
      if (k <= last) {
        noteCell(k, cellStart, crCount == 1 ? lastCr : nl);
        k++;
      }
      cells = k;
      kindEscaped = false;
      return true;
    }
  }
  lineFeed = limit;
  return false;
}

/**
 * `countPlain` of the line just scanned: how many observations it gives, 0 when the full path
 * must see it (an update row, no name, no filled kind column), UNKNOWN when its kind text is not
 * in the table (SCALARS then names the cell).
 */
function countCells(): i32 {
  for (let u: i32 = 0; u < updateCount; u++) if (nonBlank(load<i32>(UPDATES + (<usize>u << 2)))) return 0;
  let code = NOT_EXPLICIT;
  if (kindCell >= 0 && kindCell < cells) {
    if (kindEscaped) return 0;
    const from = <usize>load<u32>(CELLS + (<usize>kindCell << 3));
    const to = <usize>load<u32>(CELLS + (<usize>kindCell << 3) + 4);
    code = kindCode(from, to);
    if (code == UNKNOWN) {
      store<i32>(SCALARS + 16, <i32>(from - base));
      store<i32>(SCALARS + 20, <i32>(to - base));
      return UNKNOWN;
    }
  }
  const named = nonBlank(nameCell);
  if (code != NOT_EXPLICIT) return named || (code >= 0 && nonBlank(code)) ? 1 : 0;
  if (named) return 1;
  let n: i32 = 0;
  for (let k: i32 = 0; k < kindColumnCount; k++) if (nonBlank(load<i32>(KIND_COLUMNS + (<usize>k << 2)))) n++;
  return n;
}

// ---- repeat keys the scan only counts, by their bytes ----

/**
 * A set of repeat keys JavaScript told this module of, by their bytes: the line without the
 * content of its host, version and registry-key cells (delimiters kept, so every other cell keeps
 * its place), in the table of asm/key-table.ts. Equal bytes mean equal cells but those three, so
 * an equal repeat key. Each entry says what its rows are (its kind: COUNTED, LOOKALIKE, MATCHED).
 */
/** The key of the line being looked at, copied out of it. */
const KEY: usize = memory.data(1 << 20, 16);

/**
 * The key of the line [from, to) into KEY: its length, or -1 when the line cannot have one here
 * (bytes that are not valid UTF-8 or hold U+FFFD, a NUL, `???`, or a line longer than KEY): a
 * line of valid UTF-8 decodes one way only, so equal bytes are equal text. The line is one
 * `tokenize` reads (scanLine said so): a delimiter inside quotes is no cell boundary, and a
 * left-out cell is dropped with its quotes.
 */
function lineKey(from: usize, to: usize): i32 {
  if (to - from > <usize>(1 << 20)) return -1;
  if (plainLine(from, to)) return plainLineKey(from, to);
  let out = KEY;
  let cell: i32 = 0;
  let questions: i32 = 0;
  let skipping = hostCell == 0 || versionCell == 0 || registryKeyCell == 0;
  const d = delimiter;
  let quoted = false;
  for (let i = from; i < to; i++) {
    const c = <i32>load<u8>(i);
    if (c == 0) return -1;
    if (c >= 0x80) {
      const n = utf8Sequence(i, to);
      if (n == 0) return -1;
      if (!skipping) {
        memory.copy(out, i, <usize>n);
        out += <usize>n;
      }
      questions = 0;
      i += <usize>(n - 1);
      continue;
    }
    if (c == 63) {
      if (++questions == 3) return -1;
    } else questions = 0;
    // a `""` inside a quoted cell leaves and enters it again
    if (c == QUOTE) quoted = !quoted;
    if (c == d && !quoted) {
      store<u8>(out++, <u8>c);
      cell++;
      skipping = cell == hostCell || cell == versionCell || cell == registryKeyCell;
    } else if (!skipping) store<u8>(out++, <u8>c);
  }
  return <i32>(out - KEY);
}

/**
 * Whether the line [from, to) is ASCII without a NUL, a quote or a `?`, 16 bytes a step: its key
 * is then its bytes with the left-out cells' content cut out (`plainLineKey`), and nothing in it
 * can make it have none.
 */
function plainLine(from: usize, to: usize): bool {
  const nul = i8x16.splat(0);
  const quote = i8x16.splat(<i8>QUOTE);
  const question = i8x16.splat(63);
  for (let i = from; i < to; i += 16) {
    const v = v128.load(i);
    const odd = v128.or(v128.or(i8x16.eq(v, nul), i8x16.eq(v, quote)), i8x16.eq(v, question));
    // a byte of 0x80 or more has its top bit set; bytes past the line do not count
    let m = i8x16.bitmask(v128.or(odd, v));
    if (to - i < 16) m &= (1 << <i32>(to - i)) - 1;
    if (m != 0) return false;
  }
  return true;
}

/** `lineKey` of a line `plainLine` accepted: its cells but the left-out ones, delimiters kept. */
function plainLineKey(from: usize, to: usize): i32 {
  const d = delimiter;
  let out = KEY;
  let cell: i32 = 0;
  let start = from;
  while (true) {
    const next = find(d, start, to);
    if (cell != hostCell && cell != versionCell && cell != registryKeyCell) {
      memory.copy(out, start, next - start);
      out += next - start;
    }
    if (next >= to) break;
    store<u8>(out++, <u8>d);
    cell++;
    start = next + 1;
  }
  return <i32>(out - KEY);
}

function keyHash(length: i32): u32 {
  return hashBytes(HASH_START, KEY, KEY + <usize>length);
}

/** The slot of KEY's entry (>= 0) if in the set, else `-1 - slot` of the empty slot it would take. */
function findKey(length: i32, h: u32): i32 {
  let s = firstSlot(h);
  while (true) {
    const e = entryIn(s);
    if (e < 0) return -1 - s;
    if (entryMayBe(e, h, length) && memory.compare(entryBytes(e), KEY, <usize>length) == 0) return s;
    s = nextSlot(s);
  }
  return -1;
}

/**
 * Remembers the key of the line [start, end) of the text as `kind` (COUNTED, LOOKALIKE,
 * MATCHED): the entry's number, -1 when the line cannot have a key here. A key in the set keeps
 * its entry, and takes the new kind (a key's rows do not change what they are: this only
 * matters for a set JavaScript reuses). A full set is cleared first.
 */
export function remember(start: i32, end: i32, kind: i32): i32 {
  const length = lineKey(base + <usize>start, base + <usize>end);
  if (length < 0) return -1;
  const h = keyHash(length);
  const s = findKey(length, h);
  let e: i32;
  if (s >= 0) e = entryIn(s);
  else {
    e = addEntry(-1 - s, h, length);
    // the set was full, and is empty now
    if (e < 0) e = addEntry(firstSlot(h), h, length);
    memory.copy(entryBytes(e), KEY, <usize>length);
  }
  setEntryKind(e, kind);
  return e;
}

/** The entry of the line [from, to)'s key: -1 when none (no key, or not in the set). */
function keyEntry(from: usize, to: usize): i32 {
  if (keyCount() == 0) return -1;
  const length = lineKey(from, to);
  if (length < 0) return -1;
  const s = findKey(length, keyHash(length));
  return s < 0 ? -1 : entryIn(s);
}

// ---- which lines the prefilter's automaton hits, a group of lines at a time ----

/*
 * One step of the automaton waits for the one before (the state is the address of the next), so
 * a line at a time it ran at the speed of that chain. A group of whole lines is cut into STREAMS
 * parts at line starts, and the parts are stepped side by side in one loop: chains that do not
 * wait for each other. A part needs no reset between its lines: a line feed is in no literal, so
 * it leads the automaton back to its root, where each line's own run starts. A hit notes its
 * offset and skips the rest of its line (the line is a hit either way). Carriage returns before
 * a line feed are in no literal either, so a line's bytes with or without them hit alike.
 *
 * A group is kept until the text changes (`newText`): a run that stops in it (a line JavaScript
 * must read) goes on in it without stepping its lines again.
 */

/** Bytes a group starts its lines in (it ends at the line feed of the line holding its last byte). */
const GROUP_BYTES: i32 = 8192;
const STREAMS: i32 = 4;
/** Offsets (from `base`) of the group's hits, one at most per line, in text order; each part writes its own GROUP_BYTES. */
const HITS: usize = memory.data(STREAMS * GROUP_BYTES * 4, 4);
let groupStart: i32 = 0;
let groupEnd: i32 = 0;
let hitCount: i32 = 0;
/** The first hit at or after the line being looked at. */
let hitIndex: i32 = 0;

/** The text changed (JavaScript loaded other bytes): no group stands. */
export function newText(): void {
  groupStart = 0;
  groupEnd = 0;
  hitCount = 0;
  hitIndex = 0;
}

/** One part's hits from `at` (an address) to `to`, its state `state` at `at`: how many it wrote from `out` on. */
function finishPart(at: usize, to: usize, state: i32, out: usize, written: i32): i32 {
  const hits = hitFrom;
  const steps = table;
  const classOf = classes;
  let s = state;
  let n = written;
  for (let p = at; p < to; p++) {
    s = automatonStep(steps, classOf, s, p);
    if (s >= hits) {
      store<i32>(out + (<usize>n << 2), <i32>(p - base));
      n++;
      p = find(10, p, to);
      s = 0;
    }
  }
  return n;
}

/**
 * The group of whole lines from `start` (a line's first byte) that ends before `end`, and its
 * hits; an empty group when no line feed stands in [start, end).
 */
function stepGroup(start: i32, end: i32): void {
  let last = start + GROUP_BYTES - 1;
  if (last >= end) last = end - 1;
  let nl = <i32>(find(10, base + <usize>last, base + <usize>end) - base);
  if (nl >= end) {
    // the text ends before the group would: back to its last line feed
    nl = last;
    while (nl >= start && <i32>load<u8>(base + <usize>nl) != 10) nl--;
  }
  groupStart = start;
  groupEnd = nl + 1;
  hitCount = 0;
  hitIndex = 0;
  if (groupEnd <= start) return;
  // the parts: [q0, q1), [q1, q2), [q2, q3), [q3, groupEnd), each of whole lines
  const length = groupEnd - start;
  const limit = base + <usize>groupEnd;
  const q0 = base + <usize>start;
  const q1 = find(10, base + <usize>(start + (length >> 2)), limit) + 1;
  const q2 = find(10, base + <usize>(start + (length >> 1)), limit) + 1;
  const q3 = find(10, base + <usize>(start + ((length >> 2) * 3)), limit) + 1;
  const out0 = HITS;
  const out1 = HITS + (<usize>GROUP_BYTES << 2);
  const out2 = HITS + (<usize>GROUP_BYTES << 3);
  const out3 = HITS + (<usize>GROUP_BYTES * 12);
  const hits = hitFrom;
  const steps = table;
  const classOf = classes;
  let p0 = q0;
  let p1 = q1;
  let p2 = q2;
  let p3 = q3;
  let s0: i32 = 0;
  let s1: i32 = 0;
  let s2: i32 = 0;
  let s3: i32 = 0;
  let n0: i32 = 0;
  let n1: i32 = 0;
  let n2: i32 = 0;
  let n3: i32 = 0;
  while (p0 < q1 && p1 < q2 && p2 < q3 && p3 < limit) {
    s0 = automatonStep(steps, classOf, s0, p0);
    s1 = automatonStep(steps, classOf, s1, p1);
    s2 = automatonStep(steps, classOf, s2, p2);
    s3 = automatonStep(steps, classOf, s3, p3);
    if (<i32>(s0 >= hits) | <i32>(s1 >= hits) | <i32>(s2 >= hits) | <i32>(s3 >= hits)) {
      // a hit: note it, and go on from its line's line feed (which leads back to the root)
      if (s0 >= hits) {
        store<i32>(out0 + (<usize>n0 << 2), <i32>(p0 - base));
        n0++;
        p0 = find(10, p0, q1);
        s0 = 0;
      }
      if (s1 >= hits) {
        store<i32>(out1 + (<usize>n1 << 2), <i32>(p1 - base));
        n1++;
        p1 = find(10, p1, q2);
        s1 = 0;
      }
      if (s2 >= hits) {
        store<i32>(out2 + (<usize>n2 << 2), <i32>(p2 - base));
        n2++;
        p2 = find(10, p2, q3);
        s2 = 0;
      }
      if (s3 >= hits) {
        store<i32>(out3 + (<usize>n3 << 2), <i32>(p3 - base));
        n3++;
        p3 = find(10, p3, limit);
        s3 = 0;
      }
    }
    p0++;
    p1++;
    p2++;
    p3++;
  }
  n0 = finishPart(p0, q1, s0, out0, n0);
  n1 = finishPart(p1, q2, s1, out1, n1);
  n2 = finishPart(p2, q3, s2, out2, n2);
  n3 = finishPart(p3, limit, s3, out3, n3);
  // the parts' lists one after the other: the hits in text order
  memory.copy(HITS + (<usize>n0 << 2), out1, <usize>n1 << 2);
  memory.copy(HITS + (<usize>(n0 + n1) << 2), out2, <usize>n2 << 2);
  memory.copy(HITS + (<usize>(n0 + n1 + n2) << 2), out3, <usize>n3 << 2);
  hitCount = n0 + n1 + n2 + n3;
}

/** The first of the group's hits at or after `pos`. */
function firstHitFrom(pos: i32): i32 {
  let low: i32 = 0;
  let high = hitCount;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (load<i32>(HITS + (<usize>mid << 2)) < pos) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Whether the automaton hits the line [pos, nl) (nl its line feed, before `end`): from the
 * group holding the line, stepped first when no group does. With no automaton, every line is a hit.
 */
function lineHit(pos: i32, nl: i32, end: i32): bool {
  if (!hasAutomaton) return true;
  if (pos < groupStart || pos >= groupEnd) stepGroup(pos, end);
  else if (hitIndex > 0 && load<i32>(HITS + (<usize>(hitIndex - 1) << 2)) >= pos) hitIndex = firstHitFrom(pos);
  let h = hitIndex;
  while (h < hitCount && load<i32>(HITS + (<usize>h << 2)) < pos) h++;
  hitIndex = h;
  return h < hitCount && load<i32>(HITS + (<usize>h << 2)) < nl;
}

// ---- runs of lines ----

/**
 * Lines of the text from `start` (a line's first byte) to `end`, taken while each is one the CSV
 * reader would only count (see the module's comment). Returns the first byte of the first line
 * not taken (`end` when it took them all); SCALARS holds how many lines it took, how many
 * observations and look-alikes they give, and why it stopped.
 */
export function cleanRows(start: i32, end: i32): i32 {
  let pos = <usize>start;
  const n = <usize>end;
  let lines: i32 = 0;
  let observations: i32 = 0;
  let lookalikes: i32 = 0;
  let reason: i32 = 0;
  while (pos < n) {
    const plain = plainCells(base + pos, base + n);
    const nl = lineFeed - base;
    if (nl >= n) break; // the input's last line, with no line feed: the reader's own
    let e = nl;
    while (e > pos && <i32>load<u8>(base + e - 1) == CR) e--;
    if (e > pos) {
      if (<i32>(e - pos) > maxLine) break;
      const hit = lineHit(<i32>pos, <i32>nl, <i32>n);
      const found = plain ? (hit ? HIT : PLAIN) : scanLine(base + pos, base + e, hit);
      if (found == REFUSED) break;
      if (found == PLAIN) {
        if (!counting) break;
        const count = countCells();
        if (count == UNKNOWN) {
          reason = 1;
          break;
        }
        if (count <= 0) break;
        observations += count;
      } else {
        const entry = keyEntry(base + pos, base + e);
        if (entry < 0) break;
        const kind = entryKind(entry);
        if (kind == MATCHED) {
          reason = 2;
          store<i32>(SCALARS + 16, entry);
          break;
        }
        // `remember` gives every key it adds a kind: a key of no kind is not counted
        if (kind != COUNTED && kind != LOOKALIKE) break;
        observations++;
        if (kind == LOOKALIKE) lookalikes++;
      }
    }
    lines++;
    pos = nl + 1;
  }
  store<i32>(SCALARS, lines);
  store<i32>(SCALARS + 4, observations);
  store<i32>(SCALARS + 8, lookalikes);
  store<i32>(SCALARS + 12, reason);
  return <i32>pos;
}

export function heapBase(): usize {
  return __heap_base;
}
