/**
 * @module
 * Pretty-printed JSON written piece by piece: the same text as `JSON.stringify(value, null, 2)`,
 * but never held as one string, so a report with hundreds of thousands of findings is written
 * in bounded memory (one JS string is limited to about 512 MiB anyway).
 */
import { writeText } from "./common.js";

/** Flush to the stream once this much text is buffered. */
const CHUNK = 64 * 1024;

export async function writeJson(out: NodeJS.WritableStream, value: unknown): Promise<void> {
  let buffer = "";
  for (const piece of pieces(value, "")) {
    buffer += piece;
    if (buffer.length >= CHUNK) {
      await writeText(out, buffer);
      buffer = "";
    }
  }
  await writeText(out, buffer + "\n");
}

/** The text of `value` at indentation `indent`, in small pieces (JSON.stringify's layout). */
function* pieces(value: unknown, indent: string): Generator<string> {
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
    yield* pieces(v, inner);
  }
  yield `\n${indent}}`;
}
