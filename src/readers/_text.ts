/**
 * @module
 * Text decoding shared by readers: the encoding is sniffed from bytes (BOM, or NUL patterns for
 * BOM-less UTF-16), never from the file name; lines are split on LF with any trailing CRs removed.
 */
import { decodeChunks } from "../io/encoding.js";
import { DEFAULT_LIMITS } from "../io/limits.js";
import type { ReadContext, ReadInput } from "./types.js";

// The encoding sniffing and decoding live with the opener (src/io), which every command shares.
export { decodeChunks, decodeHead, sniffEncoding } from "../io/encoding.js";

/** A line of text; `unterminated` marks a last line with no line break after it (a cut-off or still-written file). */
export type Line = { text: string; line: number; unterminated?: true };

/**
 * The lines of an input, 1-based, without line terminators. A line that was not valid in the
 * input's encoding (it holds U+FFFD) is reported once per input as a warning and still yielded.
 * A line longer than `maxLineChars` (the record limit, src/io/limits.ts) is not held: it is
 * reported as a located `input/line-too-long` error and skipped, and reading goes on after it.
 */
export async function* readLines(input: ReadInput, ctx: ReadContext, options: { maxLineChars?: number } = {}): AsyncIterable<Line> {
  for await (const lines of readLineRuns(input, ctx, options)) yield* lines;
}

/**
 * {@link readLines} a decoded chunk at a time: each run yields that chunk's lines as they are
 * taken, so issues come in the same order as from `readLines`, and a line parser can take a
 * chunk's lines without an asynchronous step per line. Each run must be read to its end before
 * the next is asked for.
 */
export async function* readLineRuns(input: ReadInput, ctx: ReadContext, options: { maxLineChars?: number } = {}): AsyncIterable<Iterable<Line>> {
  const splitter = createLineSplitter(input, ctx, options);
  for await (const chunk of decodeChunks(input.stream, input.encoding)) {
    ctx.signal?.throwIfAborted(); // the per-input time limit (src/io/deadline.ts), also for callers that check no record
    yield splitter.lines(chunk);
  }
  yield splitter.last();
}

/**
 * The line splitting of {@link readLineRuns} over decoded text however it is cut into chunks: a
 * reader with a fast path of its own (the dpkg status reader) feeds it only the lines its fast
 * path leaves, and numbers the lines it read itself with `skipTo`, so the lines it feeds get
 * the numbers, the checks and the issues they get from `readLines`.
 */
export type LineSplitter = {
  /** The lines a decoded chunk completes; read them all before feeding the next chunk. */
  lines(chunk: string): Iterable<Line>;
  /** The last line if it had no line break, then the summaries of the checks; once, at the end. */
  last(): Iterable<Line>;
  /** Numbers the next line fed `lines + 1`: only between whole lines (no part of a line fed). */
  skipTo(lines: number): void;
};

/** The inputs (by their ReadInput object) in which a line over the limit was skipped: see {@link noLineMessage}. */
const skippedLongLines = new WeakSet<object>();

/**
 * What to say of an input in which no line that is not blank was read: "empty file", or, when
 * lines over the limit were skipped (`input/line-too-long`), that no record was read although
 * the file was not empty. `expected` names the format ("a regedit export ...").
 */
export function noLineMessage(input: object, expected: string): string {
  return skippedLongLines.has(input)
    ? `no record read: the file is not empty, but every line that is not blank was over the limit and skipped (input/line-too-long); expected ${expected}`
    : `empty file, expected ${expected}`;
}

export function createLineSplitter(input: Pick<ReadInput, "path" | "encoding">, ctx: ReadContext, options: { maxLineChars?: number } = {}): LineSplitter {
  const max = options.maxLineChars ?? ctx.limits?.maxRecordChars ?? DEFAULT_LIMITS.maxRecordChars;
  let buffered = "";
  let line = 0;
  let skipping = false; // inside a line over the limit: drop text up to its end
  let tooLong = 0;
  const check = createLineCheck(input, ctx);
  const emit = (text: string): Line => {
    line++;
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
    const clean = end === text.length ? text : text.slice(0, end);
    check.line(clean, line);
    return { text: clean, line };
  };
  const overflow = (): void => {
    skipping = true;
    buffered = "";
    skippedLongLines.add(input);
    if (++tooLong <= 5) {
      ctx.report({
        code: "input/line-too-long",
        message: `a line over the limit of ${max} characters: it was skipped up to its end; reading went on after it`,
        source: { file: input.path, line: line + 1 },
      });
    }
  };
  function* linesOf(chunk: string): Iterable<Line> {
    let start = 0;
    let nl = chunk.indexOf("\n");
    if (skipping) {
      if (nl === -1) return;
      skipping = false;
      line++;
      start = nl + 1;
      nl = chunk.indexOf("\n", start);
    }
    if (nl === -1) {
      buffered += start === 0 ? chunk : chunk.slice(start);
      if (buffered.length > max) overflow();
      return;
    }
    // first line of this chunk completes the buffered partial line
    const first = buffered + chunk.slice(start, nl);
    buffered = "";
    if (first.length > max) {
      overflow();
      skipping = false;
      line++;
    } else yield emit(first);
    start = nl + 1;
    while ((nl = chunk.indexOf("\n", start)) !== -1) {
      if (nl - start > max) {
        overflow();
        skipping = false;
        line++;
      } else yield emit(chunk.slice(start, nl));
      start = nl + 1;
    }
    buffered = chunk.slice(start);
    if (buffered.length > max) overflow();
  }
  function* last(): Iterable<Line> {
    if (buffered.length > 0 && !skipping) yield { ...emit(buffered), unterminated: true };
    check.end();
    if (tooLong > 5) {
      ctx.report({ code: "input/line-too-long", message: `${tooLong - 5} more lines over the limit of ${max} characters were skipped`, source: { file: input.path } });
    }
  }
  return {
    lines: linesOf,
    last,
    skipTo(lines) {
      if (buffered !== "" || skipping) throw new Error("skipTo inside a line");
      line = lines;
    },
  };
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
