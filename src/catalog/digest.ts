/**
 * @module
 * The catalog's content digest: SHA-256 of a canonical JSON text, so the digest follows the
 * catalog's content, not how its YAML is written (key order, quoting, comments).
 */
import { createHash } from "node:crypto";

/** SHA-256 (hex) of {@link canonicalJson} of `value`. */
export function contentDigest(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** JSON with object keys sorted at every level: the same text for the same content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
