/**
 * @module
 * Property lists (macOS Info.plist, system_profiler -xml) through the `plist` package, which
 * reads XML and binary (`bplist00`) plists. Errors come back as PlistError with the line and
 * column of an XML error, so readers can report them located.
 *
 * `plist` (with its XML parser and XML builder) takes about 45 ms to load, and every `scan` loads
 * this module with its readers: the parsers import it (the module cache keeps it), so they are async.
 */
import type { PlistValue } from "plist";
import { excerpt } from "../io/limits.js";

export type { PlistValue };

export class PlistError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.name = "PlistError";
    this.line = line;
    this.column = column;
  }
}

/** Whether bytes start with the binary plist magic. */
export function isBinaryPlist(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 6)).toString("latin1") === "bplist";
}

/** A binary plist's value. */
export async function parseBinaryPlist(bytes: Uint8Array): Promise<PlistValue> {
  const { parseBinary } = await import("plist");
  try {
    return parseBinary(bytes);
  } catch (err) {
    throw new PlistError(`not a valid binary plist (${(err as Error).message})`);
  }
}

/**
 * An XML plist's value. plist's XML parser (@xmldom/xmldom) writes every problem to
 * console.error unless given an error handler, and plist passes none: the console is muted for
 * this synchronous call only, and the error (with its locator) is rethrown as a PlistError.
 */
export async function parseXmlPlist(xml: string): Promise<PlistValue> {
  const { parse } = await import("plist");
  const muted = { error: console.error, warn: console.warn };
  console.error = () => {};
  console.warn = () => {};
  try {
    return parse(xml);
  } catch (err) {
    const e = err as Error & { locator?: { lineNumber?: number; columnNumber?: number } };
    const message = excerpt(e.message.slice(0, 2000).replace(/\s*\n?@#\[line:\d+,col:\d+\]\s*$/, "").trim(), 200);
    throw new PlistError(`malformed XML plist (${message})`, e.locator?.lineNumber, e.locator?.columnNumber);
  } finally {
    console.error = muted.error;
    console.warn = muted.warn;
  }
}

export function isDict(v: PlistValue | undefined): v is { [key: string]: PlistValue } {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** A plist string (or number) value as trimmed text. */
export function plistText(v: PlistValue | undefined): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}
