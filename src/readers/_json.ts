/**
 * @module
 * Streaming JSON for readers: picks the values at the given paths out of a JSON document of any
 * size without holding the document in memory (memory follows the largest picked value), and
 * turns a syntax error or a truncated file into one located issue. Values picked before the error
 * are kept; JSON cannot be resumed after a syntax error, so the rest of that file is lost and the
 * issue says so.
 */
import { DEFAULT_LIMITS } from "../io/limits.js";
import { ArraySplitter, fastArrayPaths, jsonFastPath, type FastSink } from "./_json-fast.js";
import { utf8Chunks } from "../io/encoding.js";
import type { ReadContext, ReadInput } from "./types.js";

export type JsonHit = {
  value: unknown;
  /** JSON pointer of the value, e.g. `/components/3`. */
  pointer: string;
  /** 1-based position in its array when the value is an array element (`$.components.*`). */
  record?: number;
};

type StackEntry = { key?: string | number | undefined };

/**
 * Where a document handed over mid-way starts: it is `[` and the rest of a top-level array
 * whose first `index` elements were read by other means, from the start of line `line` of the
 * file. Pointers, records and issue lines are then the whole file's.
 */
export type JsonResume = { line: number; index: number };

/**
 * Yields the values at `paths` (JSONPath subset: `$`, `$.a.b`, `$.a.*`), in document order.
 * `what` names the expected document in error messages, e.g. "a CycloneDX JSON document".
 */
export async function* streamJson(
  input: ReadInput,
  ctx: ReadContext,
  paths: string[],
  what: string,
  resume?: JsonResume,
): AsyncIterable<JsonHit> {
  // Tokenizer and TokenParser are wired by hand (as JSONParser does) so that the byte offset of
  // the last good token is known: a syntax error is then located on its own line.
  // imported here, not at start-up: every `scan` loads this module, only JSON inputs need the parser
  const { Tokenizer, TokenParser, TokenType } = await import("@streamparser/json");
  const tokenizer = new Tokenizer({ stringBufferSize: 0 });
  const tokenParser = new TokenParser({ paths, keepStack: false });
  const queue: JsonHit[] = [];
  const firstIndex = resume?.index ?? 0;
  let picked = firstIndex;
  let failure: Error | undefined;
  let lastToken = 0; // absolute byte offset of the last token given to the parser
  // Bytes of taken elements (./_json-fast.ts) the tokenizer never saw: its offsets plus this are
  // the file's. It only grows between writes, and every token of a write lies after all elements
  // taken before it.
  let skipped = 0;
  let lastRaw = -1; // type of the tokenizer's last token, and its file offset
  let lastRawAt = -1;
  // Nesting past the limit is cut off in the token stream: the too-deep value is handed to the
  // parser as a null, its tokens up to its end are dropped (one counter, linear time), and the
  // rest of the document is read. Nested this deep, the parser's work per value grows with the
  // depth, which made a 600 kB file of 300,000 levels take seconds.
  const maxDepth = ctx.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  let depth = 0;
  let cutAt = 0; // the depth a cut-off value opened at; 0 while none is being dropped
  let cuts = 0;
  tokenizer.onToken = (info) => {
    if (failure) return; // the tokenizer finishes its chunk; the offending token stays the last
    const t = info.token;
    const at = info.offset + skipped;
    lastRaw = t;
    lastRawAt = at;
    if (t === TokenType.LEFT_BRACE || t === TokenType.LEFT_BRACKET) {
      if (++depth > maxDepth && cutAt === 0) {
        cutAt = depth;
        if (++cuts === 1) {
          ctx.report({
            code: "json/too-deep",
            message: `a value nested deeper than ${maxDepth} levels (limits.maxDepth): it was read as null; reading went on after it`,
            source: { file: input.path, line: lines.lineAt(at) },
          });
        }
        lastToken = at;
        tokenParser.write({ token: TokenType.NULL, value: null });
        return;
      }
    } else if (t === TokenType.RIGHT_BRACE || t === TokenType.RIGHT_BRACKET) {
      if (cutAt !== 0 && depth-- === cutAt) {
        cutAt = 0; // the cut-off value's own end
        return;
      }
      if (cutAt === 0) depth--;
    }
    if (cutAt !== 0) return;
    lastToken = at;
    tokenParser.write(info);
  };
  tokenizer.onEnd = () => {
    if (!tokenParser.isEnded) tokenParser.end();
  };
  let failureSkipped = 0; // `skipped` when the failure came: its absolute position is the tokenizer's
  tokenizer.onError = (err: Error) => {
    if (!failure) failureSkipped = skipped;
    failure ??= err;
  };
  tokenParser.onError = (err: Error) => {
    failure ??= err;
  };
  tokenParser.onEnd = () => {};
  tokenParser.onValue = ({ value, key, stack }) => {
    const entries = stack as StackEntry[];
    // the keys down to the value: stack[1].key … stack[n-1].key, then its own key
    let pointer = "";
    let first: string | number | undefined;
    for (let i = 1; i <= Math.max(entries.length, 1); i++) {
      let k = i < entries.length ? entries[i]!.key : key;
      // a resumed array: its elements are numbered on from those read before
      if (i === 1) k = first = firstIndex > 0 && typeof k === "number" ? k + firstIndex : k;
      if (k !== undefined) pointer += "/" + pointerToken(k);
    }
    picked++;
    const index = typeof key === "number" && entries.length <= 1 ? first! : key;
    queue.push(typeof index === "number" ? { value, pointer, record: index + 1 } : { value, pointer });
  };

  // Line bookkeeping in bytes, the unit of the tokenizer's offsets.
  const lines = new LineTracker(resume ? resume.line - 1 : 0);
  const fail = (err: Error): void => {
    const truncated = /ended in mid-parsing|ended in the middle of a token|Unexpected end/i.test(err.message);
    const m = /absolute position "(\d+)"/.exec(err.message);
    const offset = truncated ? lines.total : m ? Number(m[1]) + failureSkipped : lastToken;
    const reason = truncated
      ? "the file ends in the middle of a value (truncated?)"
      : err.message.replace(/ at chunk position "\d+"/, "").replace(/ \(absolute position "\d+"\)/, "");
    ctx.report({
      code: truncated ? "json/truncated" : "json/syntax",
      message: `malformed JSON, expected ${what}: ${reason}; ${picked} value(s) before this point were read, the rest of the file was not`,
      source: { file: input.path, line: lines.lineAt(offset) },
    });
  };

  const write = (bytes: Buffer): boolean => {
    try {
      tokenizer.write(bytes);
    } catch (err) {
      if (!failure) failureSkipped = skipped;
      failure ??= err as Error;
    }
    return !failure;
  };
  const fastKeys = jsonFastPath.enabled ? fastArrayPaths(paths) : [];
  let chunkStart = 0; // file offset of the chunk being fed
  const sink: FastSink = {
    write,
    opened: (index) => !failure && cutAt === 0 && lastRaw === TokenType.LEFT_BRACKET && lastRawAt === chunkStart + index && atSelectedArray(tokenizer, tokenParser, fastKeys),
    room: () => (cutAt === 0 ? Math.max(0, maxDepth - depth) : 0),
    take: (value, start, end) => {
      if (failure) return;
      // lastToken stays: only an error of the parser's uses it, after setting it to its own token
      skipped += end - start;
      tokenParser.write({ token: TokenType.NUMBER, value: value as number }); // any scalar token: the parser stores the value as given
    },
  };
  const splitter = fastKeys.length > 0 ? new ArraySplitter(fastKeys, sink) : undefined;

  let sawAny = false;
  // the text as UTF-8 bytes, the unit of the tokenizer's offsets (UTF-8 input is not decoded)
  for await (let bytes of utf8Chunks(input.stream, input.encoding)) {
    if (!sawAny) {
      // the same text as bytes (they are valid UTF-8): a second BOM, then is there anything but space
      let chunk = bytes.toString("utf8");
      if (chunk.charCodeAt(0) === 0xfeff) {
        chunk = chunk.slice(1);
        bytes = bytes.subarray(3);
      }
      if (chunk.trim().length > 0) sawAny = true;
    }
    ctx.signal?.throwIfAborted();
    chunkStart = lines.total;
    lines.push(bytes);
    if (splitter) splitter.feed(bytes);
    else write(bytes);
    while (queue.length > 0) yield queue.shift()!;
    if (failure) {
      fail(failure);
      input.stream.destroy();
      return;
    }
  }
  if (!sawAny) {
    ctx.report({ code: "json/empty", message: `empty file, expected ${what}`, source: { file: input.path, line: 1 } });
    return;
  }
  try {
    if (!tokenizer.isEnded) tokenizer.end();
  } catch (err) {
    failure ??= err as Error;
  }
  while (queue.length > 0) yield queue.shift()!;
  if (failure) fail(failure);
  if (cuts > 1) ctx.report({ code: "json/too-deep", message: `${cuts - 1} more values were nested deeper than ${maxDepth} levels and read as null`, source: { file: input.path } });
}

/** A key as a JSON pointer token (RFC 6901: `~` and `/` escaped). */
function pointerToken(k: string | number): string {
  const s = String(k);
  return s.includes("~") || s.includes("/") ? s.replace(/~/g, "~0").replace(/\//g, "~1") : s;
}

/**
 * Whether the tokenizer is between tokens and the parser has just opened an array at one of the
 * selected paths `keys` (`$.components.*`: `["components"]`), with no element read yet. Reads the
 * parser's internal state (checked field by field, so a changed library turns the fast path off
 * rather than misleading it).
 */
function atSelectedArray(tokenizer: object, tokenParser: object, keys: readonly (readonly string[])[]): boolean {
  const t = tokenizer as { state?: unknown };
  const p = tokenParser as { state?: unknown; mode?: unknown; memberCount?: unknown; value?: unknown; stack?: unknown };
  // tokenizer START; parser in ARRAY mode expecting a VALUE (enums of @streamparser/json)
  if (t.state !== 0 || p.state !== 0 || p.mode !== 1 || p.memberCount !== 0) return false;
  if (!Array.isArray(p.value) || p.value.length !== 0 || !Array.isArray(p.stack)) return false;
  const stack = p.stack as { key?: unknown }[];
  // the stack holds the root then one entry per key down to the array (its key is stack[i].key)
  return keys.some((k) => stack.length === k.length + 1 && k.every((key, i) => stack[i + 1]?.key === key));
}

/**
 * Maps absolute byte offsets to 1-based line numbers while keeping only the newline count of
 * past chunks and the current chunk itself (errors happen in the chunk being parsed).
 */
class LineTracker {
  /** `linesBefore`: lines of the file before the first byte this tracker is given. */
  constructor(private linesBefore = 0) {}
  private current: Buffer = Buffer.alloc(0);
  private currentStart = 0;
  total = 0;

  push(bytes: Buffer): void {
    this.linesBefore += countNewlines(this.current, this.current.length);
    this.currentStart = this.total;
    this.current = bytes;
    this.total += bytes.length;
  }

  lineAt(offset: number): number {
    if (offset < this.currentStart) return this.linesBefore + 1; // before this chunk: best known
    const within = Math.min(offset - this.currentStart, this.current.length);
    let line = this.linesBefore + 1 + countNewlines(this.current, within);
    // at the very end, a final newline does not start a new line
    if (within === this.current.length && within > 0 && this.current[within - 1] === 10) line--;
    return Math.max(1, line);
  }
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  let i = buf.indexOf(10);
  while (i !== -1 && i < end) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
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
