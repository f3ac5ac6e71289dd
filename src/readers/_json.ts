/**
 * @module
 * Streaming JSON for readers: picks the values at the given paths out of a JSON document of any
 * size without holding the document in memory (memory follows the largest picked value), and
 * turns a syntax error or a truncated file into one located issue. Values picked before the error
 * are kept; JSON cannot be resumed after a syntax error, so the rest of that file is lost and the
 * issue says so.
 */
import { JSONParser } from "@streamparser/json";
import { decodeChunks } from "./_text.js";
import type { ReadContext, ReadInput } from "./types.js";

export type JsonHit = {
  value: unknown;
  /** JSON pointer of the value, e.g. `/components/3`. */
  pointer: string;
  /** 1-based count of values picked so far, this one included. */
  record: number;
};

type StackEntry = { key?: string | number | undefined };

/**
 * Yields the values at `paths` (JSONPath subset: `$`, `$.a.b`, `$.a.*`), in document order.
 * `what` names the expected document in error messages, e.g. "a CycloneDX JSON document".
 */
export async function* streamJson(
  input: ReadInput,
  ctx: ReadContext,
  paths: string[],
  what: string,
): AsyncIterable<JsonHit> {
  const parser = new JSONParser({ paths, keepStack: false, stringBufferSize: 0 });
  const queue: JsonHit[] = [];
  let record = 0;
  let failure: Error | undefined;
  let linesBefore = 0; // newlines in all chunks before the current one
  let charsBefore = 0;
  let current = "";
  let sawAny = false;

  parser.onValue = ({ value, key, stack }) => {
    const keys = (stack as StackEntry[]).slice(1).map((s) => s.key);
    keys.push(key);
    const pointer = "/" + keys.filter((k) => k !== undefined).map((k) => String(k).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
    record++;
    queue.push({ value, pointer: pointer === "/" ? "" : pointer, record });
  };
  parser.onError = (err: Error) => {
    failure ??= err;
  };
  parser.onEnd = () => {};

  let endedWithNewline = false;
  const lineOf = (message: string): number => {
    if (current === "") return Math.max(1, linesBefore + (endedWithNewline ? 0 : 1));
    const m = /absolute position "(\d+)"/.exec(message);
    const inChunk = m ? Number(m[1]) - charsBefore : current.length;
    let line = linesBefore + 1;
    const end = Math.max(0, Math.min(inChunk, current.length));
    for (let i = 0; i < end; i++) if (current.charCodeAt(i) === 10) line++;
    return line;
  };

  const fail = (err: Error): void => {
    const truncated = /ended in mid-parsing|Unexpected end/i.test(err.message);
    const reason = truncated ? "the file ends in the middle of a value (truncated?)" : err.message.replace(/ at chunk position "\d+"/, "");
    ctx.report({
      code: truncated ? "json/truncated" : "json/syntax",
      message: `malformed JSON, expected ${what}: ${reason}; ${record} record(s) before this point were read, the rest of the file was not`,
      source: { file: input.path, line: lineOf(err.message), record: record + 1 },
    });
  };

  for await (let chunk of decodeChunks(input.stream, input.encoding)) {
    if (!sawAny) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      if (chunk.trim().length > 0) sawAny = true;
    }
    current = chunk;
    try {
      parser.write(chunk);
    } catch (err) {
      failure ??= err as Error;
    }
    while (queue.length > 0) yield queue.shift()!;
    if (failure) {
      fail(failure);
      input.stream.destroy();
      return;
    }
    for (let i = 0; i < chunk.length; i++) if (chunk.charCodeAt(i) === 10) linesBefore++;
    charsBefore += chunk.length;
    endedWithNewline = chunk.endsWith("\n");
  }
  current = "";
  if (!sawAny) {
    ctx.report({ code: "json/empty", message: `empty file, expected ${what}`, source: { file: input.path, line: 1 } });
    return;
  }
  try {
    if (!parser.isEnded) parser.end();
  } catch (err) {
    failure ??= err as Error;
  }
  while (queue.length > 0) yield queue.shift()!;
  if (failure) fail(failure);
}

/** Reads a string property safely from an unknown JSON value. */
export function str(obj: unknown, key: string): string | undefined {
  if (obj === null || typeof obj !== "object") return undefined;
  const v = (obj as Record<string, unknown>)[key];
  if (typeof v === "string") return v.trim() === "" ? undefined : v;
  if (typeof v === "number") return String(v);
  return undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
