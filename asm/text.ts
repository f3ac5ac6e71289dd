/**
 * What the compiled checks share (imported by asm/json-line.ts and asm/csv-line.ts, each built
 * into a module of its own, with globals of its own): where the text being checked starts, the
 * prefilter's automaton (both laid out by JavaScript after `__heap_base`, see
 * `installAutomaton` in src/readers/_wasm.ts), byte searches over the text, and its UTF-8 test.
 */

export let base: usize = 0;
export let classes: usize = 0;
export let table: usize = 0;
export let hitFrom: i32 = 0;
export let hasAutomaton: bool = false;

/** Where the text starts, and the prefilter's automaton (classes: 256 bytes, table: i32s), if any. */
export function layout(text: usize, automatonClasses: usize, automatonTable: usize, automatonHitFrom: i32, automaton: bool): void {
  base = text;
  classes = automatonClasses;
  table = automatonTable;
  hitFrom = automatonHitFrom;
  hasAutomaton = automaton;
}

/** The prefilter's automaton over [from, to), from its root: whether it hits (`runAutomaton` in src/match/prefilter.ts). */
export function automatonHits(from: usize, to: usize): bool {
  let state: i32 = 0;
  // globals read once: each read of one in the loop is a load
  const steps = table;
  const classOf = classes;
  const hits = hitFrom;
  for (let i = from; i < to; i++) {
    state = automatonStep(steps, classOf, state, i);
    if (state >= hits) return true;
  }
  return false;
}

/**
 * The automaton's state after the byte at `at`, from `state`; `steps` and `classOf` are `table`
 * and `classes`, read once by the caller (each read of a global in a loop is a load).
 */
@inline export function automatonStep(steps: usize, classOf: usize, state: i32, at: usize): i32 {
  return load<i32>(steps + (<usize>(state + <i32>load<u8>(classOf + <usize>load<u8>(at))) << 2));
}

/** The first `byte` in [i, n), 16 bytes a step (the text has room after it); n if none. */
@inline export function find(byte: i32, i: usize, n: usize): usize {
  const b = i8x16.splat(<i8>byte);
  while (i < n) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(i), b));
    if (m != 0) {
      const j = i + <usize>ctz(m);
      return j < n ? j : n;
    }
    i += 16;
  }
  return n;
}

/** A UTF-8 continuation byte in [low, high] at `i` before `to`. */
@inline function continuation(i: usize, to: usize, low: i32, high: i32): bool {
  if (i >= to) return false;
  const c = <i32>load<u8>(i);
  return c >= low && c <= high;
}

/**
 * The length of the UTF-8 sequence that starts with the byte at `i` (0x80 or more), 0 when it is
 * not valid UTF-8 (overlong, a surrogate, past U+10FFFF, cut short) or is U+FFFD: as Node's
 * `isUtf8`, and the replacement character the reader's decoding would warn about.
 */
export function utf8Sequence(i: usize, to: usize): i32 {
  const c = <i32>load<u8>(i);
  if (c < 0xc2) return 0;
  if (c < 0xe0) return continuation(i + 1, to, 0x80, 0xbf) ? 2 : 0;
  if (c < 0xf0) {
    const low = c == 0xe0 ? 0xa0 : 0x80;
    const high = c == 0xed ? 0x9f : 0xbf;
    if (!continuation(i + 1, to, low, high) || !continuation(i + 2, to, 0x80, 0xbf)) return 0;
    return c == 0xef && <i32>load<u8>(i + 1) == 0xbf && <i32>load<u8>(i + 2) == 0xbd ? 0 : 3;
  }
  if (c < 0xf5) {
    const low = c == 0xf0 ? 0x90 : 0x80;
    const high = c == 0xf4 ? 0x8f : 0xbf;
    return continuation(i + 1, to, low, high) && continuation(i + 2, to, 0x80, 0xbf) && continuation(i + 3, to, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/**
 * Whether [from, to) is valid UTF-8 without U+FFFD (`plainUtf8` of src/readers/_raw-lines.ts),
 * 16 ASCII bytes a step.
 */
export function plainUtf8(from: usize, to: usize): bool {
  let i = from;
  while (i < to) {
    if (i + 16 <= to && i8x16.bitmask(v128.load(i)) == 0) {
      i += 16;
      continue;
    }
    if (<i32>load<u8>(i) < 0x80) {
      i++;
      continue;
    }
    const n = utf8Sequence(i, to);
    if (n == 0) return false;
    i += <usize>n;
  }
  return true;
}
