/**
 * @module
 * Building Observations in the inventory readers: every text field trimmed, empty values left
 * out (so reports and deep-equal tests show only what the input said), no observation at all
 * without a name.
 */
import type { Observation, ObservationIds, ObservationKind, SourceRef } from "../model/observation.js";

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

/** The observation for these fields, or undefined when there is no name. */
export function observe(fields: Fields): Observation | undefined {
  const name = clean(fields.name);
  if (name === undefined) return undefined;
  const out: Observation = { kind: fields.kind, name, source: fields.source };
  for (const key of ["vendor", "version", "path", "host", "seenAt"] as const) {
    const v = clean(fields[key]);
    if (v !== undefined) out[key] = v;
  }
  const ids: ObservationIds = {};
  for (const [k, v] of Object.entries(fields.ids ?? {}) as [keyof ObservationIds, string | undefined][]) {
    const c = clean(v);
    if (c !== undefined) ids[k] = c;
  }
  if (Object.keys(ids).length > 0) out.ids = ids;
  return out;
}

/** `Kaspersky Lab <support@kaspersky.com>` → `Kaspersky Lab` (Maintainer and Packager fields). */
export function withoutEmail(value: string | undefined): string | undefined {
  return clean(value?.replace(/\s*<[^<>]*>\s*$/, ""));
}
