/**
 * @module
 * Shared by the tests that hold a reader's fast path to its full path (`match/fast-path.test.ts`,
 * `match/prefilter.test.ts`, `readers/dpkg-status/fast.test.ts`, `readers/zeek/fast.test.ts`):
 * the bundled catalog with the index and prefilter a scan builds from it, an input cut into a
 * stream's chunks, and the checks every such test makes of what the fast path built and counted.
 */
import assert from "node:assert/strict";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { buildCatalogIndex, type CatalogIndex } from "../match/catalog-index.js";
import { buildPrefilter, type Prefilter } from "../match/prefilter.js";
import type { Catalog } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { matchedText } from "../scan/scanner.js";

/** The bundled catalog, its match index and the literal prefilter built from it, as a scan has them. */
export async function bundledPrefilter(): Promise<{ catalog: Catalog; index: CatalogIndex; prefilter: Prefilter }> {
  const catalog = await loadCatalogOrThrow();
  const index = buildCatalogIndex(catalog);
  return { catalog, index, prefilter: buildPrefilter(index) };
}

/** `bytes` cut at `cuts` (taken modulo the length, sorted, repeats dropped), with no empty piece. */
export function chunksAt(bytes: Buffer, cuts: readonly number[] = []): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    out.push(bytes.subarray(at, c));
    at = c;
  }
  out.push(bytes.subarray(at));
  return out.filter((c) => c.length > 0);
}

/** What a reader gave: the observations it built, its issues as text, and how many it counted. */
export type Reading = { observations: Observation[]; issues: string[]; skipped: number };

/**
 * The fast path's reading against the full path's: `emitted` (with `emit`) equals `fast` (yielded);
 * the issues are the full path's; every observation is built or counted; the built ones are the
 * full path's, in order; and every counted one is one the scanner would only have counted (the
 * prefilter finds nothing in the fields it matches on, `matchedText`).
 */
export function assertFastReading(full: Reading, fast: Reading, emitted: Reading, prefilter: Prefilter): void {
  assert.deepEqual(emitted, fast, "emit gives what yield gives");
  assert.deepEqual(fast.issues, full.issues, "the full path's issues, at the same lines");
  assert.equal(fast.observations.length + fast.skipped, full.observations.length, "every observation built or counted");
  let i = 0;
  for (const o of full.observations) {
    if (i < fast.observations.length && JSON.stringify(fast.observations[i]) === JSON.stringify(o)) i++;
    else assert.equal(prefilter.mayMatchText(matchedText(o)), false, `counted, though the scanner would match it: ${JSON.stringify(o)}`);
  }
  assert.equal(i, fast.observations.length, "every built observation is the full path's, in order");
}
