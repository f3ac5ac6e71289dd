/**
 * @module
 * Building Observations in the inventory readers: every text field trimmed, empty values left
 * out (so reports and deep-equal tests show only what the input said), no observation at all
 * without a name.
 */
import type { Observation, ObservationIds, ObservationKind, SourceRef } from "../model/observation.js";
import { stripTrailingGroup } from "../util/trailing.js";

export type Fields = {
  kind: ObservationKind;
  name: string | undefined;
  vendor?: string | undefined;
  version?: string | undefined;
  path?: string | undefined;
  host?: string | undefined;
  seenAt?: string | undefined;
  ids?: { [K in keyof ObservationIds]?: string | undefined };
  source: SourceRef;
};

/** A trimmed, non-empty string (finite numbers as strings), or undefined. */
export function clean(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return t === "" ? undefined : t;
}

/**
 * A copy of a string that does not keep the text it was cut from alive. V8 keeps a substring of
 * 13 or more characters as a view of its parent, and the line readers' substrings are views of a
 * 64 KiB input chunk: an observation that outlives its chunk (as every finding does) would pin
 * the chunk, and a fleet full of findings would hold its whole input. Concatenating and slicing
 * makes V8 copy the characters into a new string of their own.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/** The observation for these fields, or undefined when there is no name; its strings are detached from the input text. */
export function observe(fields: Fields): Observation | undefined {
  const name = clean(fields.name);
  if (name === undefined) return undefined;
  const source = fields.source.pointer === undefined ? fields.source : { ...fields.source, pointer: detach(fields.source.pointer) };
  const out: Observation = { kind: fields.kind, name: detach(name), source };
  for (const key of ["vendor", "version", "path", "host", "seenAt"] as const) {
    const v = clean(fields[key]);
    if (v !== undefined) out[key] = detach(v);
  }
  const ids: ObservationIds = {};
  for (const [k, v] of Object.entries(fields.ids ?? {}) as [keyof ObservationIds, string | undefined][]) {
    const c = clean(v);
    if (c !== undefined) ids[k] = detach(c);
  }
  if (Object.keys(ids).length > 0) out.ids = ids;
  return out;
}

/** `Kaspersky Lab <support@kaspersky.com>` → `Kaspersky Lab` (Maintainer and Packager fields). */
export function withoutEmail(value: string | undefined): string | undefined {
  return clean(value === undefined ? undefined : stripTrailingGroup(value, "<", (inside) => !/[<>]/.test(inside)));
}
