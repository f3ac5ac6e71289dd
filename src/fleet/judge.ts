/**
 * @module
 * The server judges with the scan core (createScanner), its own catalog and the site's profile.
 * Each upload source of a host is scanned on its own, so the service knows which sources
 * reported a finding (absence is judged per (host, source)); findings of one (host, product)
 * from several sources are merged as the scanner merges observations: the strongest
 * observation's verdict, evidence united (at most 16), counts summed.
 */
import type { Catalog, Profile } from "../model/catalog.js";
import { STATUS_RANK, type Evidence, type Finding, type ReportProduct } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import type { AsOf } from "../policy/time.js";
import { createScanner } from "../scan/scanner.js";

const MAX_EVIDENCE = 16;

export type Judged = { finding: Finding; product?: ReportProduct; sources: Set<string>; hostKey: string };

/** Findings of the observations of several sources, by engine id. */
export async function judgeSources(catalog: Catalog, profile: Profile, asOf: AsOf, sources: ReadonlyMap<string, readonly Observation[]>): Promise<Map<string, Judged>> {
  const out = new Map<string, Judged>();
  for (const [source, observations] of sources) {
    if (observations.length === 0) continue;
    const scanner = createScanner({ catalog, profile, asOf, failOn: "none" });
    for (const o of observations) scanner.add(o);
    const doc = await scanner.finish();
    const products = new Map(doc.products.map((p) => [p.id, p]));
    for (const f of doc.findings) {
      const seen = out.get(f.id);
      if (!seen) {
        const product = products.get(f.product);
        out.set(f.id, { finding: f, ...(product ? { product } : {}), sources: new Set([source]), hostKey: (f.observation.host ?? "").trim().toLowerCase() });
        continue;
      }
      seen.sources.add(source);
      const stronger = f.confidence > seen.finding.confidence || (f.confidence === seen.finding.confidence && STATUS_RANK[f.status] > STATUS_RANK[seen.finding.status]);
      const evidence = unite(stronger ? f.evidence : seen.finding.evidence, stronger ? seen.finding.evidence : f.evidence);
      const count = seen.finding.count + f.count;
      if (stronger) seen.finding = f;
      seen.finding = { ...seen.finding, evidence, count };
    }
  }
  return out;
}

function unite(first: readonly Evidence[], second: readonly Evidence[]): Evidence[] {
  const keys = new Set<string>();
  const out: Evidence[] = [];
  for (const e of [...first, ...second]) {
    const k = `${e.matcher}\u0000${e.found.rule}\u0000${e.found.value}`;
    if (keys.has(k) || out.length >= MAX_EVIDENCE) continue;
    keys.add(k);
    out.push(e);
  }
  return out;
}
