/**
 * @module
 * Text decoding shared by readers: the encoding is sniffed from bytes (BOM, or NUL patterns for
 * BOM-less UTF-16), never from the file name; lines are split on LF with any trailing CRs removed.
 */
import { decodeChunks } from "../io/encoding.js";
import type { ReadContext, ReadInput } from "./types.js";

// The encoding sniffing and decoding live with the opener (src/io), which every command shares.
export { decodeChunks, decodeHead, sniffEncoding } from "../io/encoding.js";

/** A line of text; `unterminated` marks a last line with no line break after it (a cut-off or still-written file). */
export type Line = { text: string; line: number; unterminated?: true };

/**
 * The lines of an input, 1-based, without line terminators. A line that was not valid in the
 * input's encoding (it holds U+FFFD) is reported once per input as a warning and still yielded.
 */
export async function* readLines(input: ReadInput, ctx: ReadContext): AsyncIterable<Line> {
  let buffered = "";
  let line = 0;
  const check = createLineCheck(input, ctx);
  const emit = (text: string): Line => {
    line++;
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
    const clean = end === text.length ? text : text.slice(0, end);
    check.line(clean, line);
    return { text: clean, line };
  };
  for await (const chunk of decodeChunks(input.stream, input.encoding)) {
    let start = 0;
    let nl = chunk.indexOf("\n");
    if (nl === -1) {
      buffered += chunk;
      continue;
    }
    // first line of this chunk completes the buffered partial line
    yield emit(buffered + chunk.slice(0, nl));
    buffered = "";
    start = nl + 1;
    while ((nl = chunk.indexOf("\n", start)) !== -1) {
      yield emit(chunk.slice(start, nl));
      start = nl + 1;
    }
    buffered = chunk.slice(start);
  }
  if (buffered.length > 0) yield { ...emit(buffered), unterminated: true };
  check.end();
}

/**
 * The encoding check of `readLines`, for readers that split lines themselves: a line holding
 * U+FFFD (not valid in the input's encoding) is reported once as a warning, and the count at the end.
 */
export function createLineCheck(input: Pick<ReadInput, "path" | "encoding">, ctx: ReadContext): { line(text: string, line: number): void; end(): void } {
  let badLines = 0;
  return {
    line(text, line) {
      if (!text.includes("\uFFFD")) return;
      badLines++;
      if (badLines === 1) {
        ctx.report({
          code: "input/encoding",
          severity: "warning",
          message: `not valid ${input.encoding.toUpperCase()} text (expected UTF-8, or UTF-16 with a BOM); unreadable bytes were replaced and the line was still scanned`,
          source: { file: input.path, line },
        });
      }
    },
    end() {
      if (badLines > 1) {
        ctx.report({
          code: "input/encoding",
          severity: "warning",
          message: `${badLines} lines in all were not valid ${input.encoding.toUpperCase()} text`,
          source: { file: input.path },
        });
      }
    },
  };
}
