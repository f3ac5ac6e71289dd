/**
 * @module
 * Matching one observation: run every matcher, stop at known look-alikes, and fold the
 * candidates into at most one Match per vendor, with all the evidence that agrees.
 */
import type { Entity, Product } from "../model/catalog.js";
import type { Evidence, LookalikeHit, Match, ProductRef } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { identifierKey, type CatalogIndex } from "./catalog-index.js";
import { equipmentProduct } from "./device.js";
import { MATCHERS, namesBrandOf, type Candidate } from "./matchers.js";
import { joinedParts, normalizeOrgName, productParts, stripContact } from "../text/fold.js";

export { buildCatalogIndex, type CatalogIndex } from "./catalog-index.js";

export type MatchResult = { matches: Match[]; lookalike?: LookalikeHit };

/** Evidence of these matchers proves the product whoever the observation says published it. */
const PUBLISHER_PROOF = new Set(["purl", "cpe", "bundle-id", "android-package", "extension-id", "signer", "device"]);
/** A name match whose stated publisher is someone else is doubtful: this much less confident. */
const OTHER_PUBLISHER_PENALTY = 0.3;
/** A process known by its file name alone, run from a folder that names another program: as doubtful. */
const OTHER_FOLDER_PENALTY = 0.3;
/** Each further independent matcher that agrees adds this much, up to MAX_CONFIDENCE. */
const AGREEMENT_BONUS = 0.03;
const MAX_CONFIDENCE = 0.99;

export function matchObservation(o: Observation, index: CatalogIndex): MatchResult {
  const lookalike = findLookalike(o, index);
  if (lookalike) return { matches: [], lookalike };

  const candidates: Candidate[] = [];
  for (const matcher of MATCHERS) candidates.push(...matcher.match(o, index));
  if (candidates.length === 0) return { matches: [] };

  // Group by vendor group: one finding per vendor and observation.
  const byGroup = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byGroup.get(c.group.id) ?? [];
    list.push(c);
    byGroup.set(c.group.id, list);
  }
  const matches: Match[] = [];
  for (const list of byGroup.values()) matches.push(foldCandidates(o, list, index));
  return { matches };
}

function foldCandidates(o: Observation, list: Candidate[], index: CatalogIndex): Match {
  const group = list[0]!.group;
  // The most specific product wins: a named product beats the vendor's catch-all product,
  // and among named products the strongest evidence decides.
  // A product named only weakly (a one-word alias inside a longer name) does not beat the
  // catch-all: "Kaspersky Foo" is "Kaspersky software (not identified)", not the app "Kaspersky".
  const named = list
    .filter((c) => c.product && !c.product.id.endsWith("-unidentified") && c.evidence.type !== "fuzzy-name")
    .sort((a, b) => b.evidence.confidence - a.evidence.confidence);
  // A device is equipment: its maker's covered equipment unless an identifier names a product of it.
  const equipment = o.kind === "device" ? (named.find((c) => c.product!.form === "equipment")?.product ?? equipmentProduct(group, index)) : undefined;
  const product: Product =
    equipment ?? named[0]?.product ?? list.find((c) => c.product?.id.endsWith("-unidentified"))?.product ?? unidentifiedProduct(group, index);
  const evidence = dedupeEvidence(list.map((c) => c.evidence)).sort((a, b) => b.confidence - a.confidence);

  let confidence = evidence[0]!.confidence;
  const matchers = new Set(evidence.map((e) => e.matcher));
  confidence = Math.min(MAX_CONFIDENCE, confidence + AGREEMENT_BONUS * (matchers.size - 1));
  if (o.vendor && !matchers.has("publisher") && ![...matchers].some((m) => PUBLISHER_PROOF.has(m)) && publishedBySomeoneElse(o.vendor, group, index)) {
    confidence = Math.max(0, confidence - OTHER_PUBLISHER_PENALTY);
  } else if (runsFromAnotherFolder(o, matchers, group, index)) {
    confidence = Math.max(0, confidence - OTHER_FOLDER_PENALTY);
  }
  return {
    observation: o,
    product: productRef(product),
    vendor: { id: group.id, name: group.name, ...(group.country ? { country: group.country } : {}) },
    confidence: Math.round(confidence * 100) / 100,
    evidence,
  };
}

/** True when the stated publisher is a real name that is not this vendor's. */
function publishedBySomeoneElse(vendor: string, group: Entity, index: CatalogIndex): boolean {
  const key = normalizeOrgName(stripContact(vendor));
  if (!key || key === "noassertion" || key === "unknown") return false;
  const hit = index.publishers.get(key);
  return !hit || hit.group.id !== group.id;
}

/**
 * A process that only its file name ties to the vendor (no install path, signer or publisher
 * agrees), run from a folder that names none of the vendor's brands: another program's file of
 * the same name, as the game "Aliens vs. Predator" runs its AvP.exe from its own folder, not
 * Kaspersky's avp.exe. It is left for review, not cleared: a product can be installed anywhere.
 * A bare name, with no folder, tells nothing either way.
 */
function runsFromAnotherFolder(o: Observation, matchers: ReadonlySet<string>, group: Entity, index: CatalogIndex): boolean {
  if (o.kind !== "process" || matchers.size !== 1 || !matchers.has("process")) return false;
  const path = o.path ?? o.name;
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut > 0 && !namesBrandOf(path.slice(0, cut), group, index);
}

function dedupeEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  // a brand word in a name says nothing more once a product alias in that name matched
  const hasAlias = list.some((e) => e.matcher === "product-name" && e.type === "alias");
  return list.filter((e) => {
    if (hasAlias && e.matcher === "product-name" && e.type === "fuzzy-name") return false;
    const key = `${e.matcher}|${e.found.rule}|${e.found.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function productRef(p: Product): ProductRef {
  return {
    id: p.id,
    name: p.name,
    category: p.category,
    relation: p.relation,
    ...(p.form === "equipment" ? { form: "equipment" as const } : {}),
    ...(p.removalTool ? { removalTool: true as const } : {}),
  };
}

/** A vendor without a catch-all product in the catalog still gets a finding, as "not identified". */
export function unidentifiedProduct(group: Entity, index: CatalogIndex): Product {
  return (
    index.unidentified(group.id) ?? {
      id: `${group.id}-unidentified`,
      vendor: group.id,
      name: `${group.name} software (product not identified)`,
      category: "other-software",
      relation: "own",
      platforms: [],
      aliases: [],
      identifiers: {},
    form: "software",
    removalTool: false,
    removal: [],
      citations: group.citations,
    }
  );
}

function findLookalike(o: Observation, index: CatalogIndex): LookalikeHit | undefined {
  const l = index.lookalikes;
  // a CamelCase name is a look-alike's name read either way ("KasperskyHexaUI" is "Kaspersky Hexa UI"),
  // as the product matcher reads it both ways
  const parts = productParts(o.name);
  let hit = lookalikeNamed(joinedParts(parts), index);
  if (!hit && parts.glued.includes(true)) hit = lookalikeNamed(parts.parts.join(" "), index);
  if (!hit && o.vendor) hit = l.publishers.get(normalizeOrgName(stripContact(o.vendor)));
  if (!hit) {
    const ids: [string, string | undefined][] = [
      ["extensionIds", o.ids?.extensionId ?? (o.kind === "extension" ? o.name : undefined)],
      ["bundleIds", o.ids?.bundleId],
      ["androidPackages", o.ids?.packageId],
      ["processes", o.kind === "process" ? o.name.split(/[\\/]/).pop() : undefined],
      ["drivers", o.kind === "driver" ? o.name.split(/[\\/]/).pop() : undefined],
      ["services", o.kind === "service" ? o.name : undefined],
      ["domains", o.kind === "domain" ? o.name : undefined],
    ];
    for (const [kind, value] of ids) {
      if (!value) continue;
      hit = l.identifiers.get(`${kind}:${identifierKey(kind as never, value)}`);
      if (hit) break;
    }
    if (!hit && o.ids?.purl) hit = purlLookalike(o.ids.purl, index);
  }
  return hit ? { observation: o, lookalike: { id: hit.id, description: hit.description } } : undefined;
}

/** The look-alike a product name (normalized) is, by its whole name or a prefix. */
function lookalikeNamed(name: string, index: CatalogIndex) {
  const l = index.lookalikes;
  return l.names.get(name) ?? l.namePrefixes.find((p) => name.startsWith(p.prefix))?.lookalike;
}

function purlLookalike(purl: string, index: CatalogIndex) {
  // pkg:type/namespace/name@version → "type/namespace/name" and "type/name"
  // no real purl is this long; the pattern below is quadratic in the length of one that is
  if (purl.length > 2048) return undefined;
  const m = /^pkg:([^/]+)\/(.+?)(?:@[^?#]*)?(?:[?#].*)?$/.exec(purl);
  if (!m) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(m[2]!).toLowerCase();
  } catch {
    return undefined; // a malformed %-escape is no look-alike's purl (and must not end the input)
  }
  const type = m[1]!.toLowerCase();
  const name = path.split("/").pop()!;
  const namespace = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : undefined;
  return (
    index.lookalikes.identifiers.get(`packages:${type}/${path}`) ??
    index.lookalikes.identifiers.get(`packages:${type}/${name}`) ??
    // one verdict for a publisher's whole namespace (`npm/@kaspersky/*`)
    (namespace ? index.lookalikes.identifiers.get(`packages:${type}/${namespace}/*`) : undefined)
  );
}

/**
 * Inventories repeat themselves (the same program on thousands of hosts), and matching depends
 * only on an observation's kind, name, vendor, path and identifiers, so results are memoized by
 * those. The memo is bounded: when full it starts again, so memory stays flat on any input.
 */
export function createCachedMatcher(index: CatalogIndex, capacity = 50_000): (o: Observation) => MatchResult {
  type Cached = { matches: Omit<Match, "observation">[]; lookalike?: LookalikeHit["lookalike"] };
  let memo = new Map<string, Cached>();
  return (o) => {
    const key = `${o.kind}\u0000${o.name}\u0000${o.vendor ?? ""}\u0000${o.path ?? ""}\u0000${o.ids ? JSON.stringify(o.ids) : ""}`;
    let cached = memo.get(key);
    if (!cached) {
      const result = matchObservation(o, index);
      cached = {
        matches: result.matches.map(({ observation: _, ...rest }) => rest),
        ...(result.lookalike ? { lookalike: result.lookalike.lookalike } : {}),
      };
      if (memo.size >= capacity) memo = new Map();
      memo.set(key, cached);
    }
    // by assignment, not spreads: this runs once per observation (see readers/osquery `hostAndSeenAt`)
    const out: MatchResult = { matches: cached.matches.length === 0 ? [] : cached.matches.map((m) => Object.assign({}, m, { observation: o }) as Match) };
    if (cached.lookalike) out.lookalike = { observation: o, lookalike: cached.lookalike };
    return out;
  };
}
