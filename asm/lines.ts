/**
 * What the compiled checks share (imported by asm/json-line.ts and asm/csv-line.ts, each built
 * into a module of its own).
 */

/** The first line feed in [i, n), 16 bytes a step (the text has room after it); n if none. */
@inline export function lineFeed(i: usize, n: usize): usize {
  const lf = i8x16.splat(10);
  while (i < n) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(i), lf));
    if (m != 0) {
      const j = i + <usize>ctz(m);
      return j < n ? j : n;
    }
    i += 16;
  }
  return n;
}
