/**
 * @module
 * Pretty-printed JSON written piece by piece: the same text as `JSON.stringify(value, null, 2)`,
 * but never held as one string, so a report with hundreds of thousands of findings is written
 * in bounded memory (one JS string is limited to about 512 MiB anyway).
 */
import { writeText } from "./common.js";

/**
 * Flush to the stream once this much text is buffered. Each flush waits for the stream to take
 * the chunk (backpressure), so the chunk is large and the next one is made meanwhile: the 12 MB
 * report of 8,321 findings was written about 20 ms faster through `--output-file` (a synchronous
 * file, io/file-sink.ts) and about 50 ms faster through an `fs.WriteStream` than in 64 KiB
 * chunks, one at a time.
 */
export const JSON_CHUNK = 1024 * 1024;

export type WriteJsonOptions = {
  /**
   * Top-level keys whose array items are written one per line, compactly (the report's findings:
   * a finding is one line to grep, diff and count, and a third of the size indented).
   */
  linePerItem?: readonly string[];
};

export async function writeJson(out: NodeJS.WritableStream, value: unknown, options: WriteJsonOptions = {}): Promise<void> {
  let buffer = "";
  // the chunk being written while the next is made; awaited before the next write, so at most
  // two chunks are held and a failed write stops the report there
  let writing: Promise<void> = Promise.resolve();
  const compact = new Set(options.linePerItem ?? []);
  for (const piece of pieces(value, "", compact)) {
    buffer += piece;
    if (buffer.length >= JSON_CHUNK) {
      await writing;
      writing = writeText(out, buffer);
      buffer = "";
    }
  }
  await writing;
  await writeText(out, buffer + "\n");
}

/** The text of `value` at indentation `indent`, in small pieces (JSON.stringify's layout). */
function* pieces(value: unknown, indent: string, compact: ReadonlySet<string> = new Set()): Generator<string> {
  if (value === null || typeof value !== "object") {
    yield JSON.stringify(value) ?? "null";
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    yield JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
    return;
  }
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? "" : ","}\n${inner}`;
      const item = value[i];
      // like JSON.stringify: undefined and functions in arrays become null
      yield* pieces(item === undefined || typeof item === "function" ? null : item, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) {
    yield "{}";
    return;
  }
  yield "{";
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i]!;
    yield `${i === 0 ? "" : ","}\n${inner}${JSON.stringify(key)}: `;
    if (compact.has(key) && Array.isArray(v) && v.length > 0) yield* linePerItem(v, inner);
    else yield* pieces(v, inner);
  }
  yield `\n${indent}}`;
}

/** An array with each item compact on a line of its own. */
function* linePerItem(items: unknown[], indent: string): Generator<string> {
  yield "[";
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? "" : ","}\n${indent}  ${JSON.stringify(items[i] ?? null)}`;
  yield `\n${indent}]`;
}
