/**
 * @module
 * Product resolution for transactions: a product name (or catalog product id) to a catalog
 * product, through the same matchers a scan uses (src/match/), so a purchase order for
 * "Kaspersky Endpoint Security 12" and an inventory row with that name meet the same product,
 * the same look-alikes and the same confidence. The product gives the category and the maker.
 */
import type { Entity, Product } from "../model/catalog.js";
import type { CatalogIndex } from "../match/catalog-index.js";
import { matchObservation, type MatchResult } from "../match/index.js";
import type { Observation } from "../model/observation.js";

export type ProductResolution =
  | {
      how: "catalog";
      query: string;
      product: Product;
      /** The maker's corporate family. */
      vendor: Entity;
      confidence: number;
      explanation: string;
    }
  | { how: "lookalike"; query: string; lookalike: { id: string; description: string }; explanation: string }
  | { how: "unknown"; query: string; explanation: string };

export type ProductResolver = { resolveProduct(name: string): ProductResolution };

export function createProductResolver(index: CatalogIndex): ProductResolver {
  const resolveProduct = (name: string): ProductResolution => {
    const query = name.trim();
    const byId = index.products.get(query);
    if (byId) {
      return { how: "catalog", query, product: byId, vendor: index.groupOf(byId.vendor), confidence: 1, explanation: `catalog product id ${byId.id} (${byId.name})` };
    }
    let result = matchObservation({ kind: "software", name: query, source: SOURCE }, index);
    // not a product name: an identifier, as a package list, a process list or a store names it
    // ("kesl", "klnagent64", "com.kms.free", an extension id, a purl), read as each of them
    if (result.matches.length === 0 && !result.lookalike && !/\s/.test(query)) result = asIdentifier(query, index);
    if (result.lookalike) {
      const l = result.lookalike.lookalike;
      return { how: "lookalike", query, lookalike: l, explanation: `"${query}" is a known look-alike, not restricted software: ${l.description}` };
    }
    const best = [...result.matches].sort((a, b) => b.confidence - a.confidence)[0];
    if (!best) return { how: "unknown", query, explanation: `"${query}" is not a product the catalog knows` };
    const product = index.products.get(best.product.id) ?? syntheticProduct(best.product, best.vendor.id, index);
    const evidence = best.evidence[0]!;
    return {
      how: "catalog",
      query,
      product,
      vendor: index.groupOf(best.vendor.id),
      confidence: best.confidence,
      explanation: `"${query}" is ${product.name} (${evidence.type === "fuzzy-name" ? "only a brand word matched" : `matched "${evidence.found.value}"`}, confidence ${best.confidence.toFixed(2)})`,
    };
  };
  return { resolveProduct };
}

const SOURCE = { file: "check" };

/**
 * A one-word query read as each kind of identifier an inventory carries: the strongest match
 * wins; a look-alike is answered only when nothing matched (an identifier never names both).
 */
function asIdentifier(query: string, index: CatalogIndex): MatchResult {
  const readings: Observation[] = [
    { kind: "package", name: query, ...(query.startsWith("pkg:") ? { ids: { purl: query } } : {}), source: SOURCE },
    { kind: "process", name: query, source: SOURCE },
    { kind: "service", name: query, source: SOURCE },
    { kind: "driver", name: query, source: SOURCE },
    { kind: "mobile-app", name: query, ids: { packageId: query, bundleId: query }, source: SOURCE },
    { kind: "extension", name: query, source: SOURCE },
    ...(/^cpe:/i.test(query) ? [{ kind: "software" as const, name: query, ids: { cpe: query }, source: SOURCE }] : []),
  ];
  const results = readings.map((o) => matchObservation(o, index));
  const matches = results.flatMap((r) => r.matches);
  if (matches.length > 0) return { matches };
  return results.find((r) => r.lookalike) ?? { matches: [] };
}

/** The vendor's catch-all product when the catalog has none: as the matcher reports it. */
function syntheticProduct(ref: { id: string; name: string; category: Product["category"]; relation: Product["relation"] }, vendor: string, index: CatalogIndex): Product {
  return {
    id: ref.id,
    vendor,
    name: ref.name,
    category: ref.category,
    relation: ref.relation,
    platforms: [],
    aliases: [],
    identifiers: {},
    form: "software",
    removalTool: false,
    removal: [],
    citations: index.groupOf(vendor).citations,
  };
}
