/**
 * @module
 * Line-based readers: the same line splitting as `readLines` (_text.ts) for text already in
 * memory, and the one driver of a reader's line parser over a stream (the reader) and over a
 * string (the `parse...(text)` helpers that collectors reuse), so both read alike.
 */
import type { Observation } from "../model/observation.js";
import { noLineMessage, readLineRuns, type Line } from "./_text.js";
import type { ReadContext, ReadInput, ReportableIssue } from "./types.js";

/** A format's parser fed one line at a time: the observations each line completes, and the rest at the end. */
export interface LineParser {
  push(line: Line): Observation[];
  end(): Observation[];
}
export type CreateLineParser = (file: string, report: (issue: ReportableIssue) => void) => LineParser;

/**
 * Streams `input` through a new parser. `empty` (a code and what was expected) reports an input
 * with no non-blank line; without it an empty input is left to the parser.
 */
export async function* readWithLineParser(
  input: ReadInput,
  ctx: ReadContext,
  create: CreateLineParser,
  empty?: { code: string; expected: string },
): AsyncIterable<Observation> {
  // a parser that reports an input with no line itself ("empty file, expected ..."): true of the input it was given only if no line was skipped as too long
  const parser = create(input.path, (issue) => ctx.report(issue.message.startsWith(EMPTY_FILE) ? { ...issue, message: noLineMessage(input, issue.message.slice(EMPTY_FILE.length)) } : issue));
  let any = false;
  // A decoded chunk's lines are taken without an asynchronous step each (most complete nothing),
  // and what they complete is emitted where the scan takes emitted observations (ReadContext.emit).
  const emit = ctx.emit;
  for await (const lines of readLineRuns(input, ctx)) {
    ctx.signal?.throwIfAborted();
    for (const line of lines) {
      if (!any && line.text.trim() !== "") any = true;
      const out = parser.push(line);
      if (out.length === 0) continue;
      if (emit) for (const o of out) emit(o);
      else yield* out;
    }
  }
  const out = parser.end();
  if (emit) for (const o of out) emit(o);
  else yield* out;
  if (empty && !any) ctx.report({ code: empty.code, message: noLineMessage(input, empty.expected), source: { file: input.path, line: 1 } });
}

/** How a line parser's own message on an input with no line starts (see noLineMessage). */
const EMPTY_FILE = "empty file, expected ";

/** The observations of a text held in memory, and the problems found, as the reader reports them. */
export function parseWithLineParser(text: string, file: string, create: CreateLineParser): { observations: Observation[]; issues: ReportableIssue[] } {
  const issues: ReportableIssue[] = [];
  const parser = create(file, (i) => issues.push(i));
  const observations: Observation[] = [];
  for (const line of splitLines(text)) observations.push(...parser.push(line));
  observations.push(...parser.end());
  return { observations, issues };
}

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
