/**
 * @module
 * How a value that is not what was expected is named in a message: its kind ("a string", "an
 * array", "null"), or, where the value itself helps (a library caller's option, an observation's
 * field), the value too, with controls and bidi characters shown as escapes.
 */
import { escapeControls } from "./controls.js";

/** The kind of a bad value: "a string", "an array", "null", "an object" ... */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The bad value itself when it is short to say (a string, up to 40 characters; a number; a boolean; undefined), else its kind. */
export function describeGot(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return `"${escapeControls(value.length > 40 ? `${value.slice(0, 40)}…` : value)}"`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${String(value)}`;
  return describeValue(value);
}
