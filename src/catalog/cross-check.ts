/**
 * @module
 * Cross-checks of the catalog as a whole, after every file passed the schema: one metadata
 * section, unique ids, citations that resolve, the confirmed/unconfirmed convention, real dates,
 * references between entries, and identifiers, names and publishers the matchers can tell apart.
 * Each problem is located at the entry (and field) to fix.
 */
import type { Alias, Citation, Entity, IdentifierKind, IdentifierValue, Lookalike, Product, ProfileDef, Rule, Source } from "../model/catalog.js";
import { PROFILES } from "../model/vocabulary.js";
import type { Issue } from "../model/issue.js";
import type { SourceRef } from "../model/observation.js";
import { identifierKey } from "../match/catalog-index.js";
import { normalizeOrgName, normalizeProductName } from "../text/fold.js";
import { formatPath, issue, lineOf, where, type ParsedFile, type PathSegment } from "./yaml-location.js";

type Section = "sources" | "entities" | "products" | "lookalikes" | "rules" | "profiles";
/** An entry of a section, with the file and YAML path it came from. */
type Located<T> = { value: T; file: ParsedFile; path: PathSegment[] };
/** Every section's entries across all files, in file order. */
type Sections = {
  sources: Located<Source>[];
  entities: Located<Entity>[];
  products: Located<Product>[];
  lookalikes: Located<Lookalike>[];
  rules: Located<Rule>[];
  profiles: Located<ProfileDef>[];
};

type Report = (code: string, message: string, source: SourceRef) => void;
/** How the checks report: errors and warnings, located under an entry. */
type Reporter = {
  err: Report;
  warn: Report;
  /** The location of the field `sub` of an entry. */
  loc: (l: Located<unknown>, ...sub: PathSegment[]) => SourceRef;
  /** The same as `file:line`, to name another entry in a message. */
  place: (l: Located<unknown>, ...sub: PathSegment[]) => string;
};

const SECTION_NOUN: Record<Section, string> = {
  sources: "source",
  entities: "entity",
  products: "product",
  lookalikes: "look-alike",
  rules: "rule",
  profiles: "profile",
};

/** Identifier kinds whose matcher also takes prefixes (a value ending in `*`). */
const PREFIX_KINDS = new Set<IdentifierKind>([
  "bundleIds",
  "bundleIdPrefixes",
  "androidPackages",
  "extensionIds",
  "processes",
  "services",
  "drivers",
  "cpes",
  "paths",
  "deviceModels",
]);

/**
 * Cross-checks the parsed `files`, adding errors to `issues` and warnings to `warnings`.
 * The checks run in a fixed order, so the problems are listed the same way every time.
 */
export function crossCheck(files: ParsedFile[], shownDir: string, issues: Issue[], warnings: Issue[]): void {
  const r = reporter(issues, warnings);
  checkMeta(files, shownDir, r);

  const sections: Sections = {
    sources: collect<Source>(files, "sources"),
    entities: collect<Entity>(files, "entities"),
    products: collect<Product>(files, "products"),
    lookalikes: collect<Lookalike>(files, "lookalikes"),
    rules: collect<Rule>(files, "rules"),
    profiles: collect<ProfileDef>(files, "profiles"),
  };
  const ids = checkUniqueIds(sections, r);
  checkEvidence(sections, ids.sourceById, r);
  checkReferences(sections, ids.entityById, ids.profileById, shownDir, r);

  // Identifiers, names and publishers are compared per corporate family: only once references
  // and parents are sound.
  if (issues.length === 0) checkIdentifiers(sections, r);
}

function reporter(issues: Issue[], warnings: Issue[]): Reporter {
  const loc = (l: Located<unknown>, ...sub: PathSegment[]) => where(l.file, [...l.path, ...sub]);
  return {
    err: (code, message, source) => issues.push(issue(code, message, source)),
    warn: (code, message, source) => warnings.push(issue(code, message, source, "warning")),
    loc,
    place: (l, ...sub) => {
      const s = loc(l, ...sub);
      return s.line === undefined ? s.file : `${s.file}:${s.line}`;
    },
  };
}

function collect<T>(files: ParsedFile[], section: Section): Located<T>[] {
  const out: Located<T>[] = [];
  for (const file of files) {
    (file.data[section] as T[]).forEach((value, i) => out.push({ value, file, path: [section, i] }));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Metadata and ids

/** Exactly one `catalog:` section, with a real date. */
function checkMeta(files: ParsedFile[], shownDir: string, { err }: Reporter): void {
  const metas = files.filter((f) => f.data.catalog !== undefined);
  if (metas.length === 0) {
    err("catalog/meta", "no file has the `catalog:` section (version and date)", { file: shownDir });
  }
  for (const extra of metas.slice(1)) {
    const first = metas[0]!;
    err("catalog/meta", `a second \`catalog:\` section (the first is at ${first.display}:${lineOf(first, ["catalog"]) ?? 1}); exactly one is allowed`, where(extra, ["catalog"]));
  }
  for (const f of metas) {
    if (!isRealDate(f.data.catalog!.date)) err("catalog/date", `catalog.date: ${f.data.catalog!.date} is not a calendar date`, where(f, ["catalog", "date"]));
  }
}

/** Ids unique per section; the maps from id to entry that the later checks resolve against. */
function checkUniqueIds(s: Sections, { err, loc, place }: Reporter) {
  const byId = <T extends { id: string }>(section: Section, list: Located<T>[]): Map<string, Located<T>> => {
    const map = new Map<string, Located<T>>();
    for (const l of list) {
      const first = map.get(l.value.id);
      if (first) {
        err("catalog/duplicate-id", `duplicate ${SECTION_NOUN[section]} id "${l.value.id}" (also at ${place(first, "id")})`, loc(l, "id"));
      } else {
        map.set(l.value.id, l);
      }
    }
    return map;
  };
  const sourceById = byId("sources", s.sources);
  const entityById = byId("entities", s.entities);
  byId("products", s.products);
  byId("lookalikes", s.lookalikes);
  byId("rules", s.rules);
  const profileById = byId("profiles", s.profiles);
  return { sourceById, entityById, profileById };
}

// ---------------------------------------------------------------------------------------------
// Citations and the confirmed/unconfirmed convention

/** Checks an entry's citations at `sub`, and remembers which sources were cited. */
type CitationCheck = {
  check: (l: Located<unknown>, cites: Citation[] | undefined, ...sub: PathSegment[]) => void;
  used: Set<string>;
};

/** Citations resolve; what is unconfirmed says why; dates of rule phases are real. */
function checkEvidence(s: Sections, sourceById: Map<string, Located<Source>>, r: Reporter): void {
  const cite = citationCheck(sourceById, r);
  for (const l of s.entities) checkEntityEvidence(l, cite, r);
  for (const l of s.products) {
    cite.check(l, l.value.citations, "citations");
    checkAliases(l, l.value.aliases, cite, r);
    l.value.removal.forEach((g, i) => {
      cite.check(l, g.citations, "removal", i, "citations");
      if (!g.confirmed && !hasNote(g.citations)) r.err("catalog/unconfirmed", `${formatPath([...l.path, "removal", i])}: unconfirmed removal advice needs a citation with a note saying what is not confirmed`, r.loc(l, "removal", i));
    });
    if (allUnconfirmed(l.value.citations)) r.warn("catalog/unconfirmed", `product "${l.value.id}" rests only on unconfirmed citations`, r.loc(l, "citations"));
  }
  for (const l of s.lookalikes) cite.check(l, l.value.citations, "citations");
  for (const l of s.rules) {
    cite.check(l, l.value.citations, "citations");
    checkPenalties(l, cite, r);
    checkPhases(l, cite, r);
    l.value.conditions.forEach((c, i) => cite.check(l, c.citations, "conditions", i, "citations"));
    checkTimeZone(l, r);
  }
  for (const l of s.sources) {
    if (!cite.used.has(l.value.id)) r.warn("catalog/unused-source", `source "${l.value.id}" is cited nowhere`, r.loc(l, "id"));
  }
}

function citationCheck(sourceById: Map<string, Located<Source>>, { err, loc }: Reporter): CitationCheck {
  const used = new Set<string>();
  const check = (l: Located<unknown>, cites: Citation[] | undefined, ...sub: PathSegment[]) => {
    (cites ?? []).forEach((c, i) => {
      used.add(c.source);
      if (!sourceById.has(c.source)) {
        err("catalog/unknown-source", `${formatPath([...l.path, ...sub, i, "source"])}: unknown source "${c.source}" (define it under sources:)`, loc(l, ...sub, i, "source"));
      }
      if (!c.confirmed && !c.note) {
        err("catalog/unconfirmed", `${formatPath([...l.path, ...sub, i])}: an unconfirmed citation needs a note saying what is not confirmed`, loc(l, ...sub, i));
      }
    });
  };
  return { check, used };
}

function allUnconfirmed(cites: Citation[] | undefined): boolean {
  return cites !== undefined && cites.length > 0 && cites.every((c) => !c.confirmed);
}

function hasNote(cites: Citation[] | undefined): boolean {
  return (cites ?? []).some((c) => c.note);
}

function checkAliases(l: Located<unknown>, aliases: (string | Alias)[], cite: CitationCheck, { err, loc }: Reporter): void {
  aliases.forEach((a, i) => {
    if (typeof a === "string") return;
    cite.check(l, a.citations, "aliases", i, "citations");
    if (!a.confirmed && !a.note) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "aliases", i])}: an unconfirmed alias needs a note saying what is not confirmed`, loc(l, "aliases", i));
    }
    if (a.confirmed && allUnconfirmed(a.citations)) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "aliases", i])}: alias "${a.name}" is marked confirmed but all its citations are unconfirmed`, loc(l, "aliases", i));
    }
  });
}

function checkEntityEvidence(l: Located<Entity>, cite: CitationCheck, r: Reporter): void {
  const { err, warn, loc } = r;
  const e = l.value;
  cite.check(l, e.citations, "citations");
  checkAliases(l, e.aliases, cite, r);
  if (e.address && !e.address.confirmed && !e.note) {
    err("catalog/unconfirmed", `${formatPath([...l.path, "address"])}: an unconfirmed address needs the entity's note to say what is not confirmed`, loc(l, "address"));
  }
  if (allUnconfirmed(e.citations)) warn("catalog/unconfirmed", `entity "${e.id}" rests only on unconfirmed citations`, loc(l, "citations"));
  if (e.country !== undefined && !/^[A-Z]{2}$/.test(e.country)) err("catalog/country", `${formatPath([...l.path, "country"])}: expected an upper-case ISO 3166-1 alpha-2 code (got "${e.country}")`, loc(l, "country"));
}

function checkPenalties(l: Located<Rule>, cite: CitationCheck, { err, loc }: Reporter): void {
  l.value.penalties.forEach((p, i) => {
    cite.check(l, p.citations, "penalties", i, "citations");
    if (!p.confirmed && !hasNote(p.citations)) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "penalties", i])}: an unconfirmed penalty needs a citation with a note saying what is not confirmed`, loc(l, "penalties", i));
    }
    if (p.confirmed && allUnconfirmed(p.citations)) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "penalties", i])}: marked confirmed but all its citations are unconfirmed`, loc(l, "penalties", i));
    }
  });
}

/** Per phase of a rule: citations, a unique id, the fromConfirmed convention, entities of the rule's own, real dates in order; conditions name phases it has. */
function checkPhases(l: Located<Rule>, cite: CitationCheck, { err, loc, place }: Reporter): void {
  const r = l.value;
  const phaseIds = new Map<string, number>();
  r.phases.forEach((ph, i) => {
    cite.check(l, ph.citations, "phases", i, "citations");
    ph.obligations.forEach((o, j) => {
      if (typeof o !== "string") cite.check(l, o.citations, "phases", i, "obligations", j, "citations");
    });
    const firstIdx = phaseIds.get(ph.id);
    if (firstIdx !== undefined) {
      err("catalog/duplicate-id", `duplicate phase id "${ph.id}" in rule "${r.id}" (also at ${place(l, "phases", firstIdx, "id")})`, loc(l, "phases", i, "id"));
    } else {
      phaseIds.set(ph.id, i);
    }
    if (!ph.fromConfirmed && !hasNote(ph.citations)) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "phases", i])}: fromConfirmed is false, so a citation needs a note saying what is not confirmed`, loc(l, "phases", i, "fromConfirmed"));
    }
    if (ph.fromConfirmed && allUnconfirmed(ph.citations)) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "phases", i])}: all citations are unconfirmed, so fromConfirmed must be false`, loc(l, "phases", i));
    }
    (ph.entities ?? []).forEach((e, j) => {
      // a phase narrows its rule to some of the rule's entities; it cannot reach one the rule does not name
      if (!r.entities.includes(e)) err("catalog/rule", `${formatPath([...l.path, "phases", i, "entities", j])}: "${e}" is not one of the rule's entities (${r.entities.join(", ")})`, loc(l, "phases", i, "entities", j));
    });
    if (!isRealDateOrInstant(ph.from)) err("catalog/date", `${formatPath([...l.path, "phases", i, "from"])}: ${ph.from} is not a real date`, loc(l, "phases", i, "from"));
    if (ph.to !== undefined) {
      if (!isRealDateOrInstant(ph.to)) err("catalog/date", `${formatPath([...l.path, "phases", i, "to"])}: ${ph.to} is not a real date`, loc(l, "phases", i, "to"));
      else if (startOf(ph.to) <= startOf(ph.from)) err("catalog/date", `${formatPath([...l.path, "phases", i, "to"])}: ends (${ph.to}) before it starts (${ph.from})`, loc(l, "phases", i, "to"));
    }
  });
  r.conditions.forEach((k, i) =>
    (k.phases ?? []).forEach((id, j) => {
      // a condition scoped to a phase the rule does not have would never be reached
      if (!phaseIds.has(id)) err("catalog/rule", `${formatPath([...l.path, "conditions", i, "phases", j])}: "${id}" is not one of the rule's phases (${r.phases.map((ph) => ph.id).join(", ")})`, loc(l, "conditions", i, "phases", j));
    }),
  );
}

/** A rule's zone must be one the runtime knows, or its dates would be read in no zone at all. */
function checkTimeZone(l: Located<Rule>, { err, loc }: Reporter): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: l.value.timeZone });
  } catch {
    err("catalog/time-zone", `${formatPath([...l.path, "timeZone"])}: unknown IANA time zone "${l.value.timeZone}" (e.g. America/New_York)`, loc(l, "timeZone"));
  }
}

// ---------------------------------------------------------------------------------------------
// References between entries

function checkReferences(
  s: Sections,
  entityById: Map<string, Located<Entity>>,
  profileById: Map<string, Located<ProfileDef>>,
  shownDir: string,
  r: Reporter,
): void {
  checkParents(s.entities, entityById, r);
  checkVendors(s.products, entityById, r);
  for (const l of s.rules) checkRuleReferences(l, entityById, r);
  for (const p of PROFILES) {
    if (!profileById.has(p)) r.err("catalog/profile", `profile "${p}" is not defined (every scan profile needs its holdingActions)`, s.profiles[0] ? r.loc(s.profiles[0]) : { file: shownDir });
  }
}

/** Parents exist, are organisations, and form no cycle. */
function checkParents(entities: Located<Entity>[], entityById: Map<string, Located<Entity>>, { err, loc }: Reporter): void {
  for (const l of entities) {
    const e = l.value;
    if (e.parent === undefined) continue;
    const parent = entityById.get(e.parent);
    if (!parent) err("catalog/unknown-entity", `${formatPath([...l.path, "parent"])}: unknown entity "${e.parent}"`, loc(l, "parent"));
    else if (parent.value.type === "person") err("catalog/unknown-entity", `${formatPath([...l.path, "parent"])}: "${e.parent}" is a person and cannot be a parent`, loc(l, "parent"));
  }
  // parents acyclic: follow each chain; report a cycle once, at the entity where it closes
  const reported = new Set<string>();
  for (const l of entities) {
    const seen: string[] = [];
    let cur: Located<Entity> | undefined = l;
    while (cur && cur.value.parent !== undefined) {
      if (seen.includes(cur.value.id)) {
        const cycle = seen.slice(seen.indexOf(cur.value.id));
        const key = [...cycle].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          err("catalog/parent-cycle", `entities form a parent cycle: ${[...cycle, cur.value.id].join(" → ")}`, loc(cur, "parent"));
        }
        break;
      }
      seen.push(cur.value.id);
      cur = entityById.get(cur.value.parent);
    }
  }
}

function checkVendors(products: Located<Product>[], entityById: Map<string, Located<Entity>>, { err, loc }: Reporter): void {
  for (const l of products) {
    const vendor = entityById.get(l.value.vendor);
    if (!vendor) err("catalog/unknown-entity", `${formatPath([...l.path, "vendor"])}: unknown vendor "${l.value.vendor}" (define it under entities:)`, loc(l, "vendor"));
    else if (vendor.value.type === "person") err("catalog/unknown-entity", `${formatPath([...l.path, "vendor"])}: "${l.value.vendor}" is a person, not a vendor`, loc(l, "vendor"));
  }
}

/** A rule's entities exist, its countries are codes, it covers something and its kind fits its phases. */
function checkRuleReferences(l: Located<Rule>, entityById: Map<string, Located<Entity>>, { err, warn, loc }: Reporter): void {
  const r = l.value;
  r.entities.forEach((id, i) => {
    if (!entityById.has(id)) err("catalog/unknown-entity", `${formatPath([...l.path, "entities", i])}: unknown entity "${id}"`, loc(l, "entities", i));
  });
  r.countries.forEach((c, i) => {
    if (!/^[A-Z]{2}$/.test(c)) err("catalog/country", `${formatPath([...l.path, "countries", i])}: expected an upper-case ISO 3166-1 alpha-2 code (got "${c}")`, loc(l, "countries", i));
  });
  if (r.entities.length === 0 && r.countries.length === 0) err("catalog/rule", `rule "${r.id}" covers nothing: give entities or countries`, loc(l, "id"));
  const overlap = (r.categories ?? []).filter((c) => r.excludedCategories.includes(c));
  if (overlap.length > 0) err("catalog/rule", `rule "${r.id}": ${overlap.join(", ")} both in categories and excludedCategories`, loc(l, "excludedCategories"));
  const prohibits = r.phases.some((p) => p.prohibits.length > 0);
  if (r.kind === "prohibition" && !prohibits) warn("catalog/rule", `rule "${r.id}" is a prohibition but no phase prohibits anything`, loc(l, "kind"));
  if (r.kind !== "prohibition" && prohibits) warn("catalog/rule", `rule "${r.id}" is a ${r.kind} but has prohibitions (use kind: prohibition)`, loc(l, "kind"));
}

// ---------------------------------------------------------------------------------------------
// Identifiers, names and publishers, as the matchers see them

/** Who first used a normalized identifier or name, and where. */
type Owner<T> = { owner: Located<T>; sub: PathSegment[] };

/**
 * Each identifier, product name and publisher names one product or corporate family, and no
 * look-alike hides a restricted product: otherwise the matchers could not tell them apart.
 */
function checkIdentifiers(s: Sections, r: Reporter): void {
  const identifierOwner = checkProductIdentifiers(s.products, r);
  const aliasOwner = checkProductNames(s.products, r);
  const publisherOwner = checkPublishers(s.entities, r);
  checkLookalikes(s.lookalikes, identifierOwner, aliasOwner, publisherOwner, r);
}

/** The key an identifier is matched by; prefixes (`*`, and kinds that are always prefixes) apart. */
function keyOf(kind: IdentifierKind, value: string): string {
  const prefix = kind === "bundleIdPrefixes" || kind === "paths" || value.endsWith("*");
  return `${kind}:${prefix ? "prefix:" : ""}${identifierKey(kind, value.replace(/\*$/, ""))}`;
}

/** What is wrong with the shape of an identifier value, if anything. */
function shapeProblem(kind: IdentifierKind, value: string): string | undefined {
  if (value !== value.trim()) return "has leading or trailing spaces";
  const star = value.indexOf("*");
  if (star >= 0 && star !== value.length - 1) return "a `*` may only end a value (a prefix)";
  // a package publisher's whole namespace (`npm/@scope/*`, `maven/com.vendor/*`) is one identifier
  const namespace = kind === "packages" && /^[a-z0-9.+-]+\/[^/\s*]+\/\*$/.test(value);
  if (star >= 0 && !PREFIX_KINDS.has(kind) && !namespace) return `${kind} are matched exactly: no \`*\` prefixes (a package namespace is type/namespace/*)`;
  switch (kind) {
    case "bundleIdPrefixes":
      return value.endsWith(".") ? undefined : "a bundle-id prefix ends in a dot, e.g. com.vendor.";
    case "packages":
      return /^[a-z0-9.+-]+\/\S+$/.test(value) ? undefined : "expected purl type and name, e.g. deb/kesl or npm/@scope/name";
    case "cpes":
      return /^[^:\s]+:[^:\s]+$/.test(value) ? undefined : "expected vendor:product, e.g. kaspersky:kaspersky_anti-virus";
    case "macOuis":
      return /^[0-9a-f]{2}([:-]?)[0-9a-f]{2}\1[0-9a-f]{2}$/i.test(value) ? undefined : "expected a 24-bit OUI, e.g. 0C:75:D2";
    case "domains":
      return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/i.test(value) ? undefined : "expected a host or registrable domain name (no scheme, path or wildcard)";
    default:
      return undefined;
  }
}

/** Identifiers well-formed and owned by one product; returns each key's owner. */
function checkProductIdentifiers(products: Located<Product>[], { err, warn, loc, place }: Reporter): Map<string, Owner<Product>> {
  const seen = new Map<string, Owner<Product>>();
  for (const l of products) {
    for (const [kind, values] of Object.entries(l.value.identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      (values ?? []).forEach((raw, i) => {
        const value = typeof raw === "string" ? raw : raw.value;
        const sub: PathSegment[] = ["identifiers", kind, i];
        const problem = shapeProblem(kind, value);
        if (problem) err("catalog/identifier", `${formatPath([...l.path, ...sub])}: "${value}": ${problem}`, loc(l, ...sub));
        if (typeof raw !== "string" && raw.role !== undefined && kind !== "domains")
          err("catalog/identifier", `${formatPath([...l.path, ...sub, "role"])}: a role says what traffic to a host shows; it applies only to domains, not ${kind}`, loc(l, ...sub, "role"));
        const key = keyOf(kind, value);
        const first = seen.get(key);
        if (!first) seen.set(key, { owner: l, sub });
        else if (first.owner.value.id !== l.value.id)
          err("catalog/identifier", `${formatPath([...l.path, ...sub])}: ${kind} "${value}" is also an identifier of product "${first.owner.value.id}" (${place(first.owner, ...first.sub)}); an identifier names one product`, loc(l, ...sub));
        else warn("catalog/identifier", `${formatPath([...l.path, ...sub])}: ${kind} "${value}" is listed twice`, loc(l, ...sub));
      });
    }
  }
  return seen;
}

/** Product names and aliases, normalized as the matcher sees them; returns each name's owner. */
function checkProductNames(products: Located<Product>[], { err, warn, loc, place }: Reporter): Map<string, Owner<Product>> {
  const aliasOwner = new Map<string, Owner<Product>>();
  for (const l of products) {
    const names: [string, PathSegment[]][] = [
      [l.value.name, ["name"]],
      ...l.value.aliases.map((a, i): [string, PathSegment[]] => [typeof a === "string" ? a : a.name, ["aliases", i]]),
    ];
    for (const [name, sub] of names) {
      const key = normalizeProductName(name);
      if (key === "") {
        if (sub[0] === "aliases") err("catalog/alias", `${formatPath([...l.path, ...sub])}: "${name}" is empty once versions and punctuation are removed`, loc(l, ...sub));
        continue;
      }
      const first = aliasOwner.get(key);
      if (!first) aliasOwner.set(key, { owner: l, sub });
      else if (first.owner.value.id !== l.value.id)
        warn("catalog/alias", `${formatPath([...l.path, ...sub])}: "${name}" reads the same as a name of product "${first.owner.value.id}" (${place(first.owner, ...first.sub)})`, loc(l, ...sub));
    }
  }
  return aliasOwner;
}

/**
 * Publisher strings and entity names, normalized as the matcher sees them, each within one
 * corporate family; returns each name's owner.
 */
function checkPublishers(entities: Located<Entity>[], { err, loc, place }: Reporter): Map<string, Owner<Entity> & { group: string }> {
  const entityMap = new Map(entities.map((l) => [l.value.id, l.value]));
  const publisherOwner = new Map<string, Owner<Entity> & { group: string }>();
  for (const l of entities) {
    if (l.value.type === "person") continue;
    const group = familyOf(entityMap, l.value.id);
    const names: [string, PathSegment[]][] = [
      [l.value.name, ["name"]],
      ...l.value.aliases.map((a, i): [string, PathSegment[]] => [typeof a === "string" ? a : a.name, ["aliases", i]]),
      ...l.value.publishers.map((p, i): [string, PathSegment[]] => [p, ["publishers", i]]),
    ];
    for (const [name, sub] of names) {
      const key = normalizeOrgName(name.replace(/^["'«»]+|["'«»]+$/g, ""));
      if (key === "") continue;
      const first = publisherOwner.get(key);
      if (!first) publisherOwner.set(key, { group, owner: l, sub });
      else if (first.group !== group)
        err("catalog/publisher", `${formatPath([...l.path, ...sub])}: "${name}" reads the same as a name of "${first.owner.value.id}" (${place(first.owner, ...first.sub)}), in another corporate family`, loc(l, ...sub));
    }
  }
  return publisherOwner;
}

/** The top of an entity's parent chain: its corporate family. */
function familyOf(entityMap: Map<string, Entity>, id: string): string {
  const visited = new Set<string>();
  let e = entityMap.get(id);
  while (e?.parent && !visited.has(e.id)) {
    visited.add(e.id);
    const up = entityMap.get(e.parent);
    if (!up) break;
    e = up;
  }
  return e?.id ?? id;
}

/** Look-alikes must not hide a restricted product, by identifier, name or publisher. */
function checkLookalikes(
  lookalikes: Located<Lookalike>[],
  identifierOwner: Map<string, Owner<Product>>,
  aliasOwner: Map<string, Owner<Product>>,
  publisherOwner: Map<string, Owner<Entity>>,
  { err, loc, place }: Reporter,
): void {
  for (const l of lookalikes) {
    for (const [kind, values] of Object.entries(l.value.identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      (values ?? []).forEach((raw, i) => {
        const value = typeof raw === "string" ? raw : raw.value;
        const hit = identifierOwner.get(keyOf(kind, value));
        if (hit)
          err("catalog/lookalike-conflict", `${formatPath([...l.path, "identifiers", kind, i])}: ${kind} "${value}" is an identifier of product "${hit.owner.value.id}" (${place(hit.owner, ...hit.sub)}); the look-alike would hide it`, loc(l, "identifiers", kind, i));
      });
    }
    l.value.names.forEach((n, i) => {
      const prefix = n.endsWith("*");
      const key = normalizeProductName(prefix ? n.slice(0, -1) : n);
      if (key === "") {
        err("catalog/lookalike-conflict", `${formatPath([...l.path, "names", i])}: "${n}" is empty once normalized`, loc(l, "names", i));
        return;
      }
      for (const [alias, owner] of aliasOwner) {
        if (prefix ? alias.startsWith(key) : alias === key) {
          err("catalog/lookalike-conflict", `${formatPath([...l.path, "names", i])}: "${n}" would hide product "${owner.owner.value.id}" (its name "${alias}")`, loc(l, "names", i));
          break;
        }
      }
    });
    l.value.publishers.forEach((p, i) => {
      const hit = publisherOwner.get(normalizeOrgName(p));
      if (hit) err("catalog/lookalike-conflict", `${formatPath([...l.path, "publishers", i])}: "${p}" is a publisher or name of "${hit.owner.value.id}"; the look-alike would hide it`, loc(l, "publishers", i));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Dates

function isRealDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

function isRealDateOrInstant(value: string): boolean {
  if (!isRealDate(value.slice(0, 10))) return false;
  return value.length === 10 || !Number.isNaN(Date.parse(value));
}

/** A comparable start: instants as epoch ms, dates as midnight UTC. */
function startOf(value: string): number {
  return value.length === 10 ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}
