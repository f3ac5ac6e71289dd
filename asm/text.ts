/**
 * What the compiled checks share (imported by asm/json-line.ts and asm/csv-line.ts, each built
 * into a module of its own, with globals of its own): where the text being checked starts, the
 * prefilter's automaton (both laid out by JavaScript after `__heap_base`, see
 * `installAutomaton` in src/readers/_wasm.ts), and byte searches over the text.
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
    state = load<i32>(steps + (<usize>(state + <i32>load<u8>(classOf + <usize>load<u8>(i))) << 2));
    if (state >= hits) return true;
  }
  return false;
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
