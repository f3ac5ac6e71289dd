/**
 * @module
 * Helpers for collector tests: run a host collection to the end (observations, issues and the
 * per-source counts), and scan one with the bundled catalog through the real pipeline, as
 * `ictsguard scan --host` does.
 */
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { HostCollection } from "../collect/index.js";
import type { Catalog } from "../model/catalog.js";
import type { CollectedSource, ReportDocument } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { parseAsOf } from "../policy/time.js";
import type { ReportableIssue } from "../readers/types.js";
import { runScan } from "../scan/index.js";

let bundled: Promise<Catalog> | undefined;

/** The bundled catalog, loaded once per test process. */
export function bundledCatalog(): Promise<Catalog> {
  bundled ??= loadCatalogOrThrow();
  return bundled;
}

export async function collectAll(collection: HostCollection): Promise<{ observations: Observation[]; issues: ReportableIssue[]; collected: CollectedSource[] }> {
  const observations: Observation[] = [];
  const issues: ReportableIssue[] = [];
  for await (const o of collection.observe((i) => issues.push(i))) observations.push(o);
  return { observations, issues, collected: collection.collected() };
}

/** The report of scanning only this collection, for a business on 2025-01-01. */
export async function scanCollection(collection: HostCollection): Promise<ReportDocument> {
  return runScan({ inputs: [], observationInputs: [collection], catalog: await bundledCatalog(), profile: "business", asOf: parseAsOf("2025-01-01"), today: "2025-01-01" });
}

/** The collected entry of one source, or a failed assertion naming the ones there are. */
export function sourceEntry(collected: CollectedSource[], source: string): CollectedSource {
  const entry = collected.find((c) => c.source === source);
  if (!entry) throw new Error(`no collected entry for ${source}; have ${collected.map((c) => c.source).join(", ")}`);
  return entry;
}
