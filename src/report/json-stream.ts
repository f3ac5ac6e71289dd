/**
 * @module
 * Pretty-printed JSON written piece by piece: the same text as `JSON.stringify(value, null, 2)`,
 * but never held as one string, so a report with hundreds of thousands of findings is written
 * in bounded memory (one JS string is limited to about 512 MiB anyway).
 */
import { writeText } from "./common.js";

/** Flush to the stream once this much text is buffered. */
const CHUNK = 64 * 1024;

export type WriteJsonOptions = {
  /**
   * Top-level keys whose array items are written one per line, compactly (the report's findings:
   * a finding is one line to grep, diff and count, and a third of the size indented).
   */
  linePerItem?: readonly string[];
};

export async function writeJson(out: NodeJS.WritableStream, value: unknown, options: WriteJsonOptions = {}): Promise<void> {
  let buffer = "";
  const compact = new Set(options.linePerItem ?? []);
  for (const piece of pieces(value, "", compact)) {
    buffer += piece;
    if (buffer.length >= CHUNK) {
      await writeText(out, buffer);
      buffer = "";
    }
  }
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
  const shared = createSharedText();
  yield "[";
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? "" : ","}\n${indent}  ${shared.text(items[i] ?? null)}`;
  yield `\n${indent}]`;
}

/** Texts of objects met more than once kept at most, cleared when full (memory stays bounded). */
const MAX_SHARED_TEXTS = 10_000;

/**
 * `JSON.stringify(item)` of an item of a line-per-item array, with the text of each object or
 * array an item's field holds, when met a second time, kept and used again: a scan's findings
 * share their rules list (one per product and date), and writing it again for each finding
 * was a third of a findings-heavy report's writing time. Only a plain object is taken apart,
 * one level deep (JSON.stringify is faster than any walk in JavaScript); anything else, and
 * each field's text, is JSON.stringify's own.
 */
function createSharedText(): { text(item: unknown): string } {
  const seen = new WeakSet<object>();
  let texts = new Map<object, string>();
  const field = (value: unknown): string | undefined => {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    const kept = texts.get(value);
    if (kept !== undefined) return kept;
    const out = JSON.stringify(value);
    if (out === undefined) return undefined;
    if (seen.has(value)) {
      if (texts.size >= MAX_SHARED_TEXTS) texts = new Map();
      texts.set(value, out);
    } else seen.add(value);
    return out;
  };
  return {
    text(item) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) return JSON.stringify(item ?? null);
      const proto: unknown = Object.getPrototypeOf(item);
      if ((proto !== Object.prototype && proto !== null) || typeof (item as { toJSON?: unknown }).toJSON === "function") return JSON.stringify(item);
      let out = "{";
      for (const key of Object.keys(item)) {
        const v = field((item as Record<string, unknown>)[key]);
        if (v === undefined) continue; // undefined, a function, a symbol: left out, as JSON.stringify does
        out += `${out.length === 1 ? "" : ","}${JSON.stringify(key)}:${v}`;
      }
      return out + "}";
    },
  };
}
