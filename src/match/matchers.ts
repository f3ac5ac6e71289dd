/**
 * @module
 * The matchers, one small function per kind of evidence, in one explicit list. Each looks at one
 * observation and returns candidates: a catalog product (or only a vendor) with the evidence
 * that names it. Identifiers are exact and strong; names and publishers are normalized first.
 */
import type { PackageURL } from "packageurl-js";
import { lazyRequire } from "../util/lazy-require.js";
import type { Entity, IdentifierKind, Product } from "../model/catalog.js";
import type { Evidence, MatcherName } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { identifierKey, lookupPublisher, type CatalogIndex, type IdentifierEntry } from "./catalog-index.js";
import { deviceMatcher } from "./device.js";
import { baseName, normalizeDomain, normalizeOrgName, orgParts, productParts, stripContact, type NameParts } from "../text/fold.js";
import { hasRun, runEnd } from "./name-run.js";
import { trimChars } from "../util/trailing.js";
import { appleCertificate } from "../text/apple-certificate.js";

/** packageurl-js loads on first use: most observations carry no purl. */
const purlLibrary = lazyRequire<{ PackageURL: typeof PackageURL }>("packageurl-js");

/** A product (or, with `product` unset, only a vendor) named by one piece of evidence. */
export type Candidate = { product?: Product; group: Entity; evidence: Evidence };

export type Matcher = {
  readonly name: MatcherName;
  match(o: Observation, index: CatalogIndex): Candidate[];
};

const NAME_CONFIDENCE = { exact: 0.95, prefix: 0.9, contained: 0.85 } as const;
export const PUBLISHER_CONFIDENCE = 0.85;
const PUBLISHER_BRAND_CONFIDENCE = 0.6;
const BRAND_WORD_CONFIDENCE = 0.5;
/** A brand-less name that becomes an alias with the publisher's brand in front: a little below the name alone. */
const VENDOR_QUALIFIED_CONFIDENCE = { whole: 0.9, prefix: 0.85 } as const;

function fromEntry(
  index: CatalogIndex,
  matcher: MatcherName,
  entry: IdentifierEntry,
  searchedBy: Record<string, string>,
): Candidate {
  return {
    product: entry.product,
    group: index.groupOf(entry.product.vendor),
    evidence: {
      matcher,
      type: "exact-id",
      searchedBy,
      found: { rule: `${entry.product.id}.identifiers.${entry.kind}`, value: entry.value },
      confidence: entry.confidence,
      ...(entry.role ? { role: entry.role } : {}),
    },
  };
}

function lookupExact(index: CatalogIndex, kind: IdentifierKind, value: string): IdentifierEntry | undefined {
  return index.exact.get(kind)?.get(identifierKey(kind, value));
}

function lookupPrefix(index: CatalogIndex, kind: IdentifierKind, value: string): IdentifierEntry | undefined {
  const key = identifierKey(kind, value);
  return index.prefixes.get(kind)?.find((e) => key.startsWith(e.value));
}

/** Exact look-up, then prefix look-up, of one identifier kind. */
function identifierMatcher(
  name: MatcherName,
  kind: IdentifierKind,
  values: (o: Observation) => (string | undefined)[],
  onlyKind?: Observation["kind"],
): Matcher {
  return {
    name,
    match(o, index) {
      if (onlyKind && o.kind !== onlyKind) return [];
      for (const value of values(o)) {
        if (!value) continue;
        const entry = lookupExact(index, kind, value) ?? lookupPrefix(index, kind, value);
        if (entry) return [fromEntry(index, name, entry, { [kind]: value })];
      }
      return [];
    },
  };
}

/** Package lists without purls (`dpkg -l`, a CSV `package` row) give only a name: a little less sure. */
const PACKAGE_NAME_ONLY_PENALTY = 0.05;

/** purl → `type/name` and `type/namespace/name`, compared with the catalog's `packages`. */
const purlMatcher: Matcher = {
  name: "purl",
  match(o, index) {
    const purl = o.ids?.purl;
    if (!purl) {
      const entry = o.kind === "package" ? index.packageNames.get(o.name.trim().toLowerCase()) : undefined;
      if (!entry) return [];
      return [fromEntry(index, "purl", { ...entry, confidence: Math.round((entry.confidence - PACKAGE_NAME_ONLY_PENALTY) * 100) / 100 }, { package: o.name })];
    }
    let parsed: PackageURL;
    try {
      parsed = purlLibrary().PackageURL.fromString(purl);
    } catch {
      return [];
    }
    const keys = [`${parsed.type}/${parsed.name}`];
    if (parsed.namespace) keys.unshift(`${parsed.type}/${parsed.namespace}/${parsed.name}`);
    for (const key of keys) {
      const entry = lookupExact(index, "packages", key);
      if (entry) return [fromEntry(index, "purl", entry, { purl })];
    }
    // a whole publisher namespace (`npm/@scope/*`): every package of it is the vendor's
    const namespaced = parsed.namespace ? lookupPrefix(index, "packages", keys[0]!) : undefined;
    return namespaced ? [fromEntry(index, "purl", namespaced, { purl })] : [];
  },
};

/** CPE 2.2 URI or 2.3 string → `vendor:product`; `vendor:*` catalog entries match any product. */
const cpeMatcher: Matcher = {
  name: "cpe",
  match(o, index) {
    const cpe = o.ids?.cpe;
    if (!cpe) return [];
    const m = /^cpe:(?:2\.3:|\/)[aho*]:([^:]+):([^:]+)/i.exec(cpe);
    if (!m) return [];
    const key = `${m[1]}:${m[2]}`.replace(/\\/g, "");
    const entry = lookupExact(index, "cpes", key) ?? lookupPrefix(index, "cpes", key);
    return entry ? [fromEntry(index, "cpe", entry, { cpe })] : [];
  },
};

/** A host name matches a catalog domain when it equals it or is a subdomain of it (never a substring). */
const domainMatcher: Matcher = {
  name: "domain",
  match(o, index) {
    if (o.kind !== "domain") return [];
    let host = normalizeDomain(o.name);
    while (host.includes(".")) {
      const entry = lookupExact(index, "domains", host);
      if (entry) return [fromEntry(index, "domain", entry, { domain: o.name })];
      host = host.slice(host.indexOf(".") + 1);
    }
    return [];
  },
};

/**
 * Signer subjects, of a `signer` observation or of what an observation says signed it
 * (`ids.signer`): the whole subject, each RDN value (`CN=…`, `O=…`), and for Apple certificate
 * names (`Developer ID Application: Vendor (TEAMID)`) the vendor name and the Team ID, folded.
 * The most confident catalog signer among them wins.
 */
const signerMatcher: Matcher = {
  name: "signer",
  match(o, index) {
    const subjects = [o.kind === "signer" ? o.name : undefined, o.ids?.signer].filter((s): s is string => s !== undefined && s.trim() !== "");
    let best: IdentifierEntry | undefined;
    let subjectOfBest = "";
    for (const subject of subjects) {
      for (const part of signerParts(subject)) {
        const entry = lookupExact(index, "signers", part);
        if (entry && (!best || entry.confidence > best.confidence)) {
          best = entry;
          subjectOfBest = subject;
        }
      }
    }
    if (best) return [fromEntry(index, "signer", best, { signer: subjectOfBest })];
    // no product's signer: a subject naming a catalog entity by its legal name or a publisher
    // string ("O=Hangzhou Hikvision Digital Technology Co., Ltd.") names the vendor
    for (const subject of subjects) {
      for (const part of signerParts(subject)) {
        const hit = lookupPublisher(index, part);
        if (!hit) continue;
        return [
          {
            group: hit.group,
            evidence: {
              matcher: "signer",
              type: "alias",
              searchedBy: { signer: subject },
              found: { rule: `${hit.entity.id}.${hit.entity.publishers.includes(hit.value) ? "publishers" : "aliases"}`, value: hit.value },
              confidence: PUBLISHER_CONFIDENCE,
            },
          },
        ];
      }
    }
    return [];
  },
};

function signerParts(subject: string): string[] {
  const parts = [subject, ...subject.split(/,\s*(?=[A-Za-z]+=)/).map((rdn) => rdn.replace(/^[A-Za-z]+=/, ""))];
  // an Apple signing certificate name (`<kind>: <name> (<10-character Team ID>)`) names the vendor and its Team ID
  const apple = appleCertificate(subject.trim());
  if (apple) parts.push(apple.name, apple.teamId);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/**
 * Product names and aliases: the longest alias found as a run of whole tokens in the name, a
 * token being a word or, in a CamelCase word, one or more of its parts (match/name-run.ts).
 */
const productNameMatcher: Matcher = {
  name: "product-name",
  match(o, index) {
    if (o.kind === "domain" || o.kind === "signer") return [];
    const name = productParts(o.name);
    const { parts, glued } = name;
    let best: { product: Product; alias: string; start: number; end: number; length: number } | undefined;
    for (let i = 0; i < parts.length; i++) {
      // the alias's first token: the part at i, or it and the parts glued after it
      let first = "";
      for (let j = i; j < parts.length; j++) {
        first += parts[j]!;
        for (const entry of index.aliasesByFirstToken.get(first) ?? []) {
          const n = entry.tokens.length;
          if (best && n <= best.length) break; // sorted longest first
          const end = runEnd(name, i, entry.tokens);
          if (end >= 0) {
            best = { product: entry.product, alias: entry.alias, start: i, end, length: n };
            break;
          }
        }
        if (!glued[j]) break;
      }
    }
    if (!best) return [];
    const whole = best.start === 0 && best.end === parts.length;
    const confidence = whole ? NAME_CONFIDENCE.exact : best.start === 0 ? NAME_CONFIDENCE.prefix : NAME_CONFIDENCE.contained;
    // a one-word alias inside a longer name ("kics" in "checkmarx kics scanner") is too weak alone
    const weak = best.length === 1 && !whole;
    return [
      {
        product: best.product,
        group: index.groupOf(best.product.vendor),
        evidence: {
          matcher: "product-name",
          type: weak ? "fuzzy-name" : "alias",
          searchedBy: { name: o.name },
          found: { rule: `${best.product.id}.aliases`, value: best.alias },
          confidence: weak ? 0.55 : confidence,
        },
      },
    ];
  },
};

/**
 * A product name given without its brand by a vendor that names the brand: Defender's CPE-style
 * tokens (`kaspersky` / `endpoint_security`), a wmic or rpm Vendor column beside a short Name.
 * When the vendor is a known publisher of a group, the name is tried with the group's brand in
 * front, against that group's aliases only; an alias must reach past the brand, so the brand
 * alone never names a product and ordinary names of other vendors are never touched.
 */
const vendorQualifiedNameMatcher: Matcher = {
  name: "product-name",
  match(o, index) {
    if (!o.vendor || o.kind === "domain" || o.kind === "signer") return [];
    const publisher = index.publishers.get(normalizeOrgName(trimChars(stripContact(o.vendor), `"'«»`)));
    if (!publisher) return [];
    const name = productParts(o.name);
    if (name.parts.length === 0) return [];
    for (const brand of index.brands) {
      if (brand.group.id !== publisher.group.id) continue;
      const b = brand.tokens;
      if (runEnd(name, 0, b) >= 0) continue; // the name carries the brand: the plain name matcher saw it
      const t: NameParts = { parts: [...b, ...name.parts], glued: [...b.map(() => false), ...name.glued] };
      for (const entry of index.aliasesByFirstToken.get(b[0]!) ?? []) {
        const n = entry.tokens.length; // sorted longest first
        if (n <= b.length || index.groupOf(entry.product.vendor).id !== publisher.group.id) continue;
        const end = runEnd(t, 0, entry.tokens);
        if (end < 0) continue;
        return [
          {
            product: entry.product,
            group: publisher.group,
            evidence: {
              matcher: "product-name",
              type: "alias",
              searchedBy: { name: o.name, vendor: o.vendor },
              found: { rule: `${entry.product.id}.aliases`, value: entry.alias },
              confidence: end === t.parts.length ? VENDOR_QUALIFIED_CONFIDENCE.whole : VENDOR_QUALIFIED_CONFIDENCE.prefix,
            },
          },
        ];
      }
    }
    return [];
  },
};

/** The observation's publisher/vendor: an exact publisher string, else a brand word inside it. */
const publisherMatcher: Matcher = {
  name: "publisher",
  match(o, index) {
    if (!o.vendor) return [];
    const cleaned = trimChars(stripContact(o.vendor), `"'«»`); // linear on quote runs (util/trailing.ts)
    const key = normalizeOrgName(cleaned);
    if (!key) return [];
    const hit = lookupPublisher(index, cleaned);
    if (hit) {
      return [
        {
          group: hit.group,
          evidence: {
            matcher: "publisher",
            type: "alias",
            searchedBy: { vendor: o.vendor },
            found: { rule: `${hit.entity.id}.publishers`, value: hit.value },
            confidence: PUBLISHER_CONFIDENCE,
          },
        },
      ];
    }
    const brand = findBrand(orgParts(cleaned), index);
    return brand ? [brandCandidate(brand, "publisher", { vendor: o.vendor }, PUBLISHER_BRAND_CONFIDENCE)] : [];
  },
};

/** A vendor's brand word inside a name ("kaspersky-tools", "KasperskyTools"): weak, always left for review. */
const brandWordMatcher: Matcher = {
  name: "product-name",
  match(o, index) {
    if (o.kind === "domain" || o.kind === "signer") return [];
    const brand = findBrand(orgParts(o.name), index);
    return brand ? [brandCandidate(brand, "product-name", { name: o.name }, BRAND_WORD_CONFIDENCE)] : [];
  },
};

/** A candidate naming only a vendor, because one of its brand words was found. */
function brandCandidate(
  brand: CatalogIndex["brands"][number],
  matcher: MatcherName,
  searchedBy: Record<string, string>,
  confidence: number,
): Candidate {
  return {
    group: brand.group,
    evidence: { matcher, type: "fuzzy-name", searchedBy, found: { rule: `${brand.group.id}.brand`, value: brand.value }, confidence },
  };
}

function findBrand(name: NameParts, index: CatalogIndex): CatalogIndex["brands"][number] | undefined {
  return index.brands.find((brand) => hasRun(name, brand.tokens));
}

/** Whether a text (an install folder, a name) holds one of the group's brand words, as "Program Files/Kaspersky Lab" and "ProgramData/KasperskyLab" do. */
export function namesBrandOf(text: string, group: Entity, index: CatalogIndex): boolean {
  const name = orgParts(text);
  return index.brands.some((brand) => brand.group === group && hasRun(name, brand.tokens));
}

/** Process and driver names compare by file name: `C:\…\avp.exe` → `avp.exe`. */
const byFileName = (o: Observation): (string | undefined)[] => [baseName(o.name), o.path ? baseName(o.path) : undefined];

/** The one list of matchers, strongest evidence first. */
export const MATCHERS: readonly Matcher[] = [
  deviceMatcher,
  purlMatcher,
  cpeMatcher,
  identifierMatcher("extension-id", "extensionIds", (o) => [o.ids?.extensionId, o.kind === "extension" ? o.name : undefined]),
  identifierMatcher("bundle-id", "bundleIds", (o) => [o.ids?.bundleId]),
  identifierMatcher("bundle-id", "bundleIdPrefixes", (o) => [o.ids?.bundleId, o.ids?.packageId]),
  identifierMatcher("android-package", "androidPackages", (o) => [o.ids?.packageId, o.kind === "mobile-app" ? o.name : undefined]),
  identifierMatcher("process", "processes", byFileName, "process"),
  identifierMatcher("service", "services", (o) => [o.name], "service"),
  identifierMatcher("driver", "drivers", byFileName, "driver"),
  domainMatcher,
  signerMatcher,
  identifierMatcher("path", "paths", (o) => [o.path]),
  productNameMatcher,
  vendorQualifiedNameMatcher,
  publisherMatcher,
  brandWordMatcher,
];
