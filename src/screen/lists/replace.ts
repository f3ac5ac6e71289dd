/**
 * @module
 * When an import may replace the list stored under its name. A compliance screen that silently
 * loses its list says "clear" for everyone, so an import that read nothing, had errors, or shrinks
 * the list sharply is refused unless the user insists (`lists import --force`); the old list stays.
 */
import type { ListHeader } from "../model.js";

/** An import that keeps less than this share of the stored list's entries is refused. */
export const MIN_KEPT_SHARE = 0.5;

export type ReplaceCheck = { ok: true } | { ok: false; reason: string };

/**
 * `previous` is the stored list's header (undefined for a new list), `next` the import's counts,
 * `errors` the records it could not read.
 */
export function checkReplace(previous: Pick<ListHeader, "counts"> | undefined, next: Pick<ListHeader, "counts">, errors: number): ReplaceCheck {
  const entries = next.counts.entries;
  if (entries === 0) return { ok: false, reason: previous ? `the import holds no entries, and the stored list has ${previous.counts.entries}` : "the import holds no entries" };
  if (!previous) return { ok: true };
  if (errors > 0) return { ok: false, reason: `${errors} record(s) could not be read, so the import may be incomplete (the stored list has ${previous.counts.entries} entries, the import ${entries})` };
  if (entries < previous.counts.entries * MIN_KEPT_SHARE)
    return { ok: false, reason: `the import has ${entries} entries, under half of the ${previous.counts.entries} of the stored list (a cut-off or wrong file?)` };
  return { ok: true };
}
