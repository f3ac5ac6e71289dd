/**
 * @module
 * The catalog compiled for matching: every product alias, publisher string and identifier
 * normalized once into maps, so matching one observation costs a few map look-ups whatever the
 * catalog's size.
 */
import type { Alias, Catalog, DomainRole, Entity, IdentifierKind, IdentifierValue, Lookalike, Product } from "../model/catalog.js";
import { withoutPlacePrefix } from "../text/places.js";
import { trimChars } from "../util/trailing.js";
import { foldText, normalizeDomain, normalizeOrgName, normalizePath, normalizeProductName, normalizeServiceName, productTokens, tokens } from "../text/fold.js";

/** Quotes around a name ("«Kaspersky»"): trimmed in linear time (a `/["'«»]+$/` regex is quadratic on a long run of them). */
const QUOTES = `"'«»`;

/** Default confidence of an exact identifier of each kind (a catalog value may lower it). */
export const IDENTIFIER_CONFIDENCE: Record<IdentifierKind, number> = {
  extensionIds: 0.97,
  bundleIds: 0.95,
  androidPackages: 0.95,
  packages: 0.95,
  cpes: 0.95,
  signers: 0.92,
  drivers: 0.9,
  processes: 0.9,
  domains: 0.9,
  services: 0.85,
  bundleIdPrefixes: 0.85,
  paths: 0.8,
  deviceModels: 0.9,
  macOuis: 0.9,
};

export type IdentifierEntry = { product: Product; value: string; confidence: number; kind: IdentifierKind; role?: DomainRole };
export type AliasEntry = { product: Product; alias: string; tokens: string[] };
export type VendorEntry = { entity: Entity; group: Entity; value: string };

export type CatalogIndex = {
  catalog: Catalog;
  entities: Map<string, Entity>;
  products: Map<string, Product>;
  /** Top-most ancestor of an entity: the group findings name as vendor. */
  groupOf(entityId: string): Entity;
  /** Exact identifiers by kind, keyed by the normalized value. */
  exact: Map<IdentifierKind, Map<string, IdentifierEntry>>;
  /** Package names without their purl type (`kesl` from `deb/kesl`), for package lists without purls. */
  packageNames: Map<string, IdentifierEntry>;
  /** Prefix identifiers (bundle-id prefixes, `AVP*` services, install paths, `vendor:*` CPEs). */
  prefixes: Map<IdentifierKind, IdentifierEntry[]>;
  /** Product aliases by their first normalized token, longest first. */
  aliasesByFirstToken: Map<string, AliasEntry[]>;
  /** Publisher strings and organization names (legal forms removed) → entity. */
  publishers: Map<string, VendorEntry>;
  /** Brand words of groups, for the weak "brand word in a name" rule. */
  brands: { tokens: string[]; group: Entity; value: string }[];
  lookalikes: LookalikeIndex;
  /** The catch-all product of a vendor group (`<group>-unidentified`), if the catalog has one. */
  unidentified(groupId: string): Product | undefined;
};

export type LookalikeIndex = {
  names: Map<string, Lookalike>;
  namePrefixes: { prefix: string; lookalike: Lookalike }[];
  publishers: Map<string, Lookalike>;
  identifiers: Map<string, Lookalike>;
};

export function identifierValue(v: IdentifierValue): { value: string; confidence?: number; role?: DomainRole } {
  if (typeof v === "string") return { value: v };
  return { value: v.value, ...(v.confidence === undefined ? {} : { confidence: v.confidence }), ...(v.role ? { role: v.role } : {}) };
}

export function aliasName(a: string | Alias): string {
  return typeof a === "string" ? a : a.name;
}

/** How an identifier of a kind is compared: case-folded, and paths with forward slashes. */
export function identifierKey(kind: IdentifierKind, value: string): string {
  const v = value.trim();
  switch (kind) {
    case "paths":
      return normalizePath(v);
    case "signers":
      return foldText(v);
    case "drivers":
      return v.toLowerCase().replace(/\.(sys|kext)$/, "");
    case "domains":
      return normalizeDomain(v);
    case "services":
      return normalizeServiceName(v);
    case "macOuis":
      // the first three octets of a MAC address, whatever the separators
      return v.replace(/[^0-9a-f]/gi, "").slice(0, 6).toUpperCase();
    case "deviceModels":
      return v.toLowerCase().replace(/\s+/g, " ");
    default:
      return v.toLowerCase();
  }
}

/**
 * The catalog entity a publisher, vendor or signer name stands for: its normalized form (legal
 * forms out), else that form without a leading Chinese province or city ("Shenzhen Huawei
 * Technologies Co., Ltd." is Huawei Technologies Co., Ltd.).
 */
export function lookupPublisher(index: CatalogIndex, name: string): VendorEntry | undefined {
  const key = normalizeOrgName(trimChars(name, QUOTES));
  if (!key) return undefined;
  const bare = withoutPlacePrefix(tokens(key))?.join(" ");
  const hit = index.publishers.get(key) ?? (bare ? index.publishers.get(bare) : undefined);
  if (hit) return hit;
  // brand words split or joined ("Hik Vision Digital Technology", "KasperskyLab"): the whole
  // name must be the same letters once its spaces are out, so no other name can meet it
  const joined = joinedPublishers(index);
  return joined.get(key.replace(/ /g, "")) ?? (bare ? joined.get(bare.replace(/ /g, "")) : undefined);
}

const joinedCache = new WeakMap<CatalogIndex, Map<string, VendorEntry>>();

/** Publisher keys with their spaces taken out (computed once per index); short keys are left out. */
function joinedPublishers(index: CatalogIndex): Map<string, VendorEntry> {
  let map = joinedCache.get(index);
  if (!map) {
    map = new Map();
    for (const [key, entry] of index.publishers) {
      const joined = key.replace(/ /g, "");
      if (joined.length >= 8 && !map.has(joined)) map.set(joined, entry);
    }
    joinedCache.set(index, map);
  }
  return map;
}

function isPrefixValue(kind: IdentifierKind, value: string): boolean {
  return kind === "bundleIdPrefixes" || kind === "paths" || value.endsWith("*");
}

export function buildCatalogIndex(catalog: Catalog): CatalogIndex {
  const entities = new Map(catalog.entities.map((e) => [e.id, e]));
  const products = new Map(catalog.products.map((p) => [p.id, p]));
  const groupCache = new Map<string, Entity>();
  const groupOf = (id: string): Entity => {
    const cached = groupCache.get(id);
    if (cached) return cached;
    let e = entities.get(id);
    if (!e) throw new Error(`unknown entity ${id}`);
    const seen = new Set<string>();
    while (e.parent && !seen.has(e.id)) {
      seen.add(e.id);
      const up = entities.get(e.parent);
      if (!up) break;
      e = up;
    }
    groupCache.set(id, e);
    return e;
  };

  const exact = new Map<IdentifierKind, Map<string, IdentifierEntry>>();
  const packageNames = new Map<string, IdentifierEntry>();
  const prefixes = new Map<IdentifierKind, IdentifierEntry[]>();
  const aliasesByFirstToken = new Map<string, AliasEntry[]>();
  for (const product of catalog.products) {
    for (const [kind, values] of Object.entries(product.identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      for (const raw of values ?? []) {
        const { value, confidence, role } = identifierValue(raw);
        const entry: IdentifierEntry = { product, value, kind, confidence: confidence ?? IDENTIFIER_CONFIDENCE[kind], ...(role ? { role } : {}) };
        if (isPrefixValue(kind, value)) {
          const key = identifierKey(kind, value.replace(/\*$/, ""));
          const list = prefixes.get(kind) ?? [];
          list.push({ ...entry, value: key });
          prefixes.set(kind, list);
        } else {
          const map = exact.get(kind) ?? new Map<string, IdentifierEntry>();
          map.set(identifierKey(kind, value), entry);
          exact.set(kind, map);
          if (kind === "packages") packageNames.set(identifierKey(kind, value.slice(value.lastIndexOf("/") + 1)), entry);
        }
      }
    }
    for (const alias of [product.name, ...product.aliases.map(aliasName)]) {
      const t = productTokens(alias);
      const first = t[0];
      if (first === undefined) continue;
      const list = aliasesByFirstToken.get(first) ?? [];
      if (!list.some((a) => a.product === product && a.tokens.join(" ") === t.join(" "))) {
        list.push({ product, alias, tokens: t });
      }
      aliasesByFirstToken.set(first, list);
    }
  }
  for (const list of aliasesByFirstToken.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  for (const list of prefixes.values()) list.sort((a, b) => b.value.length - a.value.length);

  const publishers = new Map<string, VendorEntry>();
  const brands: CatalogIndex["brands"] = [];
  for (const entity of catalog.entities) {
    if (entity.type === "person") continue;
    const group = groupOf(entity.id);
    const names = [entity.name, ...entity.aliases.map(aliasName), ...entity.publishers];
    for (const name of names) {
      const key = normalizeOrgName(trimChars(name, QUOTES));
      if (key && !publishers.has(key)) publishers.set(key, { entity, group, value: name });
    }
    // registered Chinese names carry their province or city in front ("Hangzhou Hikvision ..."),
    // and software is signed and published with or without it: the name without it is a key too
    for (const name of names) {
      const bare = withoutPlacePrefix(tokens(normalizeOrgName(trimChars(name, QUOTES))));
      const key = bare?.join(" ");
      if (key && !publishers.has(key)) publishers.set(key, { entity, group, value: name });
    }
    if (entity.type === "group") {
      const brandNames = [entity.name, ...entity.aliases.filter((a) => typeof a === "string" || a.kind === "brand").map(aliasName)];
      for (const name of brandNames) {
        const t = tokens(normalizeOrgName(name));
        if (t.length > 0 && !brands.some((b) => b.group === group && b.tokens.join(" ") === t.join(" "))) {
          brands.push({ tokens: t, group, value: name });
        }
      }
    }
  }

  const lookalikes: LookalikeIndex = { names: new Map(), namePrefixes: [], publishers: new Map(), identifiers: new Map() };
  for (const l of catalog.lookalikes) {
    for (const n of l.names) {
      if (n.endsWith("*")) lookalikes.namePrefixes.push({ prefix: normalizeProductName(n.slice(0, -1)), lookalike: l });
      else lookalikes.names.set(normalizeProductName(n), l);
    }
    for (const p of l.publishers) lookalikes.publishers.set(normalizeOrgName(p), l);
    for (const [kind, values] of Object.entries(l.identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      for (const v of values ?? []) lookalikes.identifiers.set(`${kind}:${identifierKey(kind, identifierValue(v).value)}`, l);
    }
  }

  return {
    catalog,
    entities,
    products,
    groupOf,
    exact,
    packageNames,
    prefixes,
    aliasesByFirstToken,
    publishers,
    brands,
    lookalikes,
    unidentified: (groupId) => products.get(`${groupId}-unidentified`),
  };
}
