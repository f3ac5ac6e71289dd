/**
 * @module
 * The same line splitting as `readLines` (_text.ts) for text already in memory, so that each
 * line-based reader's parser also works over a string (the `parse...(text)` helpers that
 * collectors reuse).
 */
import type { Line } from "./_text.js";

export function* splitLines(text: string): Iterable<Line> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 0;
  let start = 0;
  while (start < body.length) {
    let nl = body.indexOf("\n", start);
    if (nl === -1) nl = body.length;
    let end = nl;
    while (end > start && body.charCodeAt(end - 1) === 13) end--;
    yield { text: body.slice(start, end), line: ++line };
    start = nl + 1;
  }
}
