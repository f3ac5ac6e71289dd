/**
 * @module
 * Party resolution: which catalog entity a transaction's counterparty is. One small interface,
 * `resolveParty(name, country?) → {entity, how, score, explanation}`; the fuzzy step can be
 * given a full name screener (`ictsguard check` passes src/screen/party-scorer.ts, so `check`
 * and `screen` judge a spelling alike).
 *
 * Names are compared in tiers, strongest first, both sides through src/text/fold.ts
 * (NFKC, transliteration of Cyrillic and other scripts, case, punctuation):
 *
 * 1. the whole name, legal form included (`AO Kaspersky Lab`, `АО «Лаборатория Касперского»`);
 * 2. the name with its legal form in one canonical spelling (`Kaspersky Labs Ltd` = `Kaspersky
 *    Labs Limited`, `JSC Kaspersky Lab` = `AO Kaspersky Lab`), wherever the form is written;
 * 3. the name without any legal form (`Kaspersky Lab LLC`): several entities may share it, and
 *    then the party is their common corporate family;
 * 4. fuzzy: the plugged-in screener's candidates at its threshold (transliterations, typos,
 *    word order, abbreviations, Chinese names); where it has none, a conservative fallback (a
 *    close spelling, a group's brand word inside the name, a person's names in another order),
 *    so a name carrying a restricted brand is still reviewed. Never trusted: its score stays
 *    below the review line, so a decision resting on it is `review`.
 *
 * Entity names and aliases come before publisher strings. A stated country narrows the
 * candidates; a name that matches only in another country is treated as fuzzy.
 */
import type { Alias, Entity } from "../model/catalog.js";
import { IctsError } from "../model/errors.js";
import { excerpt } from "../io/limits.js";
import type { CatalogIndex } from "../match/catalog-index.js";
import { foldText, normalizeOrgName, tokens } from "../text/fold.js";
import { REVIEW_BELOW } from "./confidence.js";
import { trimChars } from "../util/trailing.js";

/** Quotes around a name ("«Kaspersky»"): trimmed in linear time (a `/["'«»]+$/` regex is quadratic on a long run of them). */
const QUOTES = `"'«»`;

export type PartyHow = "id" | "alias" | "fuzzy";

export type ResolvedParty = {
  how: PartyHow;
  entity: Entity;
  /** The corporate family (top-level group) the entity belongs to. */
  group: Entity;
  /** 0..1: how sure it is that this entity is meant. Fuzzy matches stay below the review line. */
  score: number;
  /** The catalog name, alias or publisher string that matched. */
  matched: string;
  explanation: string;
};
export type UnresolvedParty = { how: "none"; score: 0; explanation: string };
export type PartyResolution = ResolvedParty | UnresolvedParty;

export type PartyResolver = {
  resolveParty(name: string, country?: string): PartyResolution;
  /** An exact entity id; throws a usage error naming close ids when there is none. */
  byId(id: string): ResolvedParty;
};

/** A fuzzy candidate from a pluggable scorer: the entity, a similarity 0..1 and what matched. */
export type FuzzyCandidate = { entityId: string; similarity: number; matched: string; why: string };
export type FuzzyScorer = (name: string, country?: string) => FuzzyCandidate[];

type NameKind = "name" | "alias" | "publisher";
type Hit = { entity: Entity; value: string; kind: NameKind; confirmed: boolean };

/** Legal forms, each written one way, so `Ltd` meets `Limited` and `JSC` meets `AO`. */
const LEGAL_FORM_CANON: Record<string, string> = {
  ltd: "limited", limited: "limited",
  inc: "inc", incorporated: "inc",
  corp: "corp", corporation: "corp",
  co: "co", company: "co",
  llc: "llc", ooo: "llc",
  ao: "jsc", jsc: "jsc",
  zao: "cjsc", cjsc: "cjsc",
  oao: "ojsc", ojsc: "ojsc",
  pao: "pjsc", pjsc: "pjsc",
  gmbh: "gmbh", ag: "ag", sa: "sa", s: "sa", a: "sa", plc: "plc", llp: "llp", lp: "lp",
  bv: "bv", nv: "nv", srl: "srl", spa: "spa", kk: "kk", oy: "oy", ab: "ab", as: "as", the: "",
};

/** The name with its legal forms in canonical spelling, sorted after the rest: order-free. */
function canonicalForm(name: string): string {
  const base: string[] = [];
  const forms = new Set<string>();
  for (const t of tokens(foldText(name))) {
    const canon = LEGAL_FORM_CANON[t];
    if (canon === undefined) base.push(t);
    else if (canon !== "") forms.add(canon);
  }
  return base.length === 0 ? "" : [...base, "|", ...[...forms].sort()].join(" ");
}

/** Similarity 0..1 of two strings by edit distance. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return 0;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const row = [i];
    for (let j = 1; j <= n; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return 1 - prev[n]! / Math.max(m, n);
}

/** Fuzzy matches below this similarity are not offered at all. */
const FUZZY_MIN_SIMILARITY = 0.8;
/** A fuzzy score is the similarity scaled under the review line: never enough to decide. */
const FUZZY_SCALE = REVIEW_BELOW - 0.01;
/** Score of a brand word found inside a longer name ("Kaspersky Security Services"). */
const BRAND_WORD_SIMILARITY = 0.75;

function aliasOf(a: string | Alias): { name: string; confirmed: boolean } {
  return typeof a === "string" ? { name: a, confirmed: true } : { name: a.name, confirmed: a.confirmed };
}

export function createPartyResolver(index: CatalogIndex, options: { fuzzy?: FuzzyScorer } = {}): PartyResolver {
  const exact = new Map<string, Hit[]>();
  const canonical = new Map<string, Hit[]>();
  const bare = new Map<string, Hit[]>();
  const add = (map: Map<string, Hit[]>, key: string, hit: Hit): void => {
    if (!key) return;
    const list = map.get(key) ?? [];
    if (!list.some((h) => h.entity === hit.entity && h.kind === hit.kind)) list.push(hit);
    map.set(key, list);
  };
  for (const entity of index.catalog.entities) {
    const names: Hit[] = [
      { entity, value: entity.name, kind: "name", confirmed: true },
      ...entity.aliases.map(aliasOf).map((a): Hit => ({ entity, value: a.name, kind: "alias", confirmed: a.confirmed })),
      ...entity.publishers.map((p): Hit => ({ entity, value: p, kind: "publisher", confirmed: true })),
    ];
    for (const hit of names) {
      const value = trimChars(hit.value, QUOTES);
      add(exact, foldText(value), hit);
      add(canonical, canonicalForm(value), hit);
      add(bare, normalizeOrgName(value), hit);
    }
  }
  const bareKeys = [...bare.keys()];
  const countryOf = (e: Entity): string | undefined => e.country ?? index.groupOf(e.id).country;

  const ancestors = (e: Entity): Entity[] => {
    const chain = [e];
    const seen = new Set([e.id]);
    let cur = e;
    while (cur.parent && !seen.has(cur.parent)) {
      const up = index.entities.get(cur.parent);
      if (!up) break;
      chain.push(up);
      seen.add(up.id);
      cur = up;
    }
    return chain;
  };
  /** The nearest entity every candidate belongs to (itself or an ancestor), if any. */
  const commonAncestor = (list: Entity[]): Entity | undefined => {
    const [first, ...rest] = list;
    if (!first) return undefined;
    return ancestors(first).find((a) => rest.every((e) => ancestors(e).some((x) => x.id === a.id)));
  };

  const resolved = (entity: Entity, how: PartyHow, score: number, matched: string, explanation: string): ResolvedParty => ({
    how,
    entity,
    group: index.groupOf(entity.id),
    score: Math.round(score * 100) / 100,
    matched,
    explanation,
  });

  /** One tier's hits → a party: names before publishers, one entity or their common family. */
  const fromHits = (query: string, all: Hit[], tier: "exact" | "canonical" | "bare", country: string | undefined): ResolvedParty | undefined => {
    const byCountry = country ? all.filter((h) => countryOf(h.entity) === country) : all;
    if (byCountry.length === 0) return undefined;
    const named = byCountry.filter((h) => h.kind !== "publisher");
    const hits = named.length > 0 ? named : byCountry;
    const entities = [...new Map(hits.map((h) => [h.entity.id, h.entity])).values()];
    const how = tier === "exact" ? "exact" : tier === "canonical" ? "with its legal form spelt differently" : "once legal forms are set aside";
    const unconfirmed = hits.filter((h) => !h.confirmed);
    const quote = (s: string) => `"${s}"`;
    if (entities.length === 1) {
      const hit = hits[0]!;
      const e = hit.entity;
      const base = tier === "exact" ? 1 : tier === "canonical" ? 0.95 : 0.9;
      const score = unconfirmed.length === hits.length ? Math.min(base, 0.9) : base;
      const what = hit.kind === "publisher" ? "a publisher string" : hit.kind === "name" ? "the name" : "an alias";
      const note = unconfirmed.length === hits.length ? ` The alias is not confirmed as official by the catalog's sources.` : "";
      return resolved(e, "alias", score, hit.value, `${quote(query)} matches ${what} ${quote(hit.value)} of ${e.name} (${how}).${note}`);
    }
    const common = commonAncestor(entities);
    const names = entities.map((e) => e.name).join(", ");
    if (common) {
      return resolved(
        common,
        "alias",
        tier === "exact" ? 0.95 : 0.9,
        hits[0]!.value,
        `${quote(query)} matches several entities (${how}): ${names}; it is read as ${common.name}, the family they belong to.`,
      );
    }
    const first = entities[0]!;
    return resolved(first, "fuzzy", 0.5, hits[0]!.value, `${quote(query)} is ambiguous (${how}): it matches ${names}, which are not one corporate family. Name the entity with --entity.`);
  };

  const fuzzy = (name: string, country: string | undefined): FuzzyCandidate[] => {
    const screened = options.fuzzy?.(name, country) ?? [];
    if (screened.length > 0) return screened;
    const key = normalizeOrgName(name);
    const out: FuzzyCandidate[] = [];
    if (!key) return out;
    for (const k of bareKeys) {
      if (Math.abs(k.length - key.length) > Math.max(k.length, key.length) * (1 - FUZZY_MIN_SIMILARITY)) continue;
      const s = similarity(key, k);
      if (s >= FUZZY_MIN_SIMILARITY) {
        for (const h of bare.get(k)!) out.push({ entityId: h.entity.id, similarity: s, matched: h.value, why: `a close spelling of "${h.value}"` });
      }
    }
    const words = tokens(key);
    const contains = (t: string[]) => words.some((_, i) => t.every((w, j) => words[i + j] === w));
    for (const b of index.brands) {
      if (b.tokens.length > 0 && words.length > b.tokens.length && contains(b.tokens)) {
        out.push({ entityId: b.group.id, similarity: BRAND_WORD_SIMILARITY, matched: b.value, why: `the brand word "${b.value}" inside the name` });
      }
    }
    // a person's names in another order, or without the patronymic
    if (words.length >= 2) {
      for (const e of index.catalog.entities) {
        if (e.type !== "person") continue;
        const t = new Set(tokens(normalizeOrgName(e.name)));
        if (words.every((w) => t.has(w))) out.push({ entityId: e.id, similarity: 0.8, matched: e.name, why: `the names of ${e.name}` });
      }
    }
    return out;
  };

  const resolveParty = (name: string, country?: string): PartyResolution => {
    const query = name.trim();
    const cc = country?.trim().toUpperCase() || undefined;
    if (!foldText(query)) return { how: "none", score: 0, explanation: "no party name was given" };
    const tiers: [Map<string, Hit[]>, string, "exact" | "canonical" | "bare"][] = [
      [exact, foldText(query), "exact"],
      [canonical, canonicalForm(query), "canonical"],
      [bare, normalizeOrgName(query), "bare"],
    ];
    for (const [map, key, tier] of tiers) {
      const hits = map.get(key);
      const r = hits && fromHits(query, hits, tier, cc);
      if (r) return r;
    }
    if (cc) {
      // it matches, but only in another country: not trusted
      for (const [map, key, tier] of tiers) {
        const hits = map.get(key);
        const r = hits && fromHits(query, hits, tier, undefined);
        if (r) {
          return {
            ...r,
            how: "fuzzy",
            score: Math.min(r.score, 0.6),
            explanation: `${r.explanation} The catalog places ${r.entity.name} in ${countryOf(r.entity) ?? "no country"}, not ${cc}: confirm it is the same party.`,
          };
        }
      }
    }
    const candidates = fuzzy(query, cc)
      .filter((c) => index.entities.has(c.entityId))
      .sort((a, b) => b.similarity - a.similarity);
    const best = candidates[0];
    if (best) {
      const entity = index.entities.get(best.entityId)!;
      const others = [...new Set(candidates.slice(1).map((c) => index.entities.get(c.entityId)!.name))].filter((n) => n !== entity.name);
      return resolved(
        entity,
        "fuzzy",
        best.similarity * FUZZY_SCALE,
        best.matched,
        `"${query}" only resembles ${entity.name} (${best.why}, similarity ${best.similarity.toFixed(2)})${others.length > 0 ? `; also like ${others.slice(0, 3).join(", ")}` : ""}. A person must confirm who it is.`,
      );
    }
    return {
      how: "none",
      score: 0,
      explanation: `"${query}" matches no restricted entity in the catalog. The catalog lists only the entities its rules name (${groupList()}); this is not a full sanctions or export screening.`,
    };
  };

  const groups = index.catalog.entities.filter((e) => e.type === "group").map((e) => e.name);
  const groupList = (): string => (groups.length > 6 ? `${groups.slice(0, 6).join(", ")} and ${groups.length - 6} more` : groups.join(", "));

  const byId = (id: string): ResolvedParty => {
    const entity = index.entities.get(id.trim());
    if (entity) return resolved(entity, "id", 1, entity.id, `entity id ${entity.id} (${entity.name})`);
    // the similarity is at most the ratio of the lengths: only ids of a near length are compared
    // (an edit distance costs the product of the lengths, and a pasted document is no id)
    const near = (k: string): boolean => k.length >= 0.6 * id.length && id.length >= 0.6 * k.length;
    const close = [...index.entities.keys()]
      .filter(near)
      .map((k) => [k, similarity(k, id)] as const)
      .filter(([, s]) => s >= 0.6)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k]) => k);
    throw new IctsError(
      "input/entity",
      `unknown entity "${excerpt(id)}": expected a catalog entity id (ictsguard catalog list -s entities)${close.length > 0 ? `; did you mean ${close.join(", ")}?` : ""}`,
    );
  };

  return { resolveParty, byId };
}
