/**
 * @module
 * Records of a JSON export in whichever of the usual shapes it comes: a top-level array
 * (PowerShell `ConvertTo-Json` of several objects), an object whose array under a wrapper key holds
 * them (Graph and Defender APIs: `value`, advanced hunting: `Results`), JSON lines (one object per
 * line: Defender "via files" exports, `ConvertTo-Json -Compress` in a loop), or one object alone
 * (`ConvertTo-Json` of a single object has no `[]`). Arrays are streamed, so memory follows one
 * record; a bad JSON line is reported and skipped.
 */
import { peekHead } from "./_head.js";
import { streamJson } from "./_json.js";
import { scanJsonHead } from "./_json-head.js";
import { readLines } from "./_text.js";
import type { ReadContext, ReadInput } from "./types.js";
import type { SourceRef } from "../model/observation.js";

export type JsonRecord = { value: unknown; source: SourceRef };

export type JsonRecordOptions = {
  /** The expected document, for messages: "a winget export", "Defender software inventory JSON". */
  what: string;
  /** Top-level keys whose array holds the records. */
  wrappers?: readonly string[];
};

export async function* jsonRecords(input: ReadInput, ctx: ReadContext, options: JsonRecordOptions): AsyncIterable<JsonRecord> {
  const wrappers = options.wrappers ?? [];
  const { head, input: replayed } = await peekHead(input);
  const scan = scanJsonHead(head, wrappers);
  const file = input.path;
  if (scan.top === "[") {
    for await (const hit of streamJson(replayed, ctx, ["$.*"], options.what)) {
      yield { value: hit.value, source: { file, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer } };
    }
    return;
  }
  if (scan.top !== "{") {
    replayed.stream.destroy();
    const found = head.trimStart().slice(0, 1);
    ctx.report({
      code: "json/syntax",
      message: found === "" ? `empty file, expected ${options.what}` : `expected ${options.what} (JSON starting with [ or {), found "${found}" first`,
      source: { file, line: 1 },
    });
    return;
  }
  if (scan.wrapper !== undefined) {
    for await (const hit of streamJson(replayed, ctx, wrappers.map((w) => `$.${w}.*`), options.what)) {
      yield { value: hit.value, source: { file, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer } };
    }
    return;
  }
  if (isJsonLines(head)) {
    yield* jsonLines(replayed, ctx, options.what);
    return;
  }
  for await (const hit of streamJson(replayed, ctx, ["$"], options.what)) {
    yield { value: hit.value, source: { file, record: 1 } };
  }
}

/** JSON lines: the first line is a whole JSON object and another line follows. */
function isJsonLines(head: string): boolean {
  const text = head.trimStart();
  const nl = text.indexOf("\n");
  if (nl === -1) return false;
  const first = text.slice(0, nl).trim();
  if (!first.startsWith("{") || !first.endsWith("}")) return false;
  try {
    JSON.parse(first);
  } catch {
    return false;
  }
  return /^\s*\{/.test(text.slice(nl + 1)) || text.slice(nl + 1).trim() === "";
}

async function* jsonLines(input: ReadInput, ctx: ReadContext, what: string): AsyncIterable<JsonRecord> {
  let record = 0;
  for await (const { text, line } of readLines(input, ctx)) {
    ctx.signal?.throwIfAborted();
    if (text.trim() === "") continue;
    record++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      ctx.report({
        code: "json/syntax",
        message: `not valid JSON (${(err as Error).message}), expected ${what}, one object per line; this line was skipped`,
        source: { file: input.path, line },
      });
      continue;
    }
    yield { value, source: { file: input.path, line, record } };
  }
}
