/**
 * @module
 * Screening one counterparty name against the corpus: normalize it, find candidate names in the
 * index, score every candidate form against every form of the input, keep each entity's best,
 * then let the country, the kind of party and the legal forms adjust the score, and explain it.
 *
 * Adjustments, all shown in the explanation:
 *   country     +0.05 when the input's country is one of the entity's, -0.10 when it is none of them
 *   party type  x0.75 when one side is a person and the other an organization
 *   legal form  -0.03 when both name a legal form and the kinds differ (an LLC is not a JSC)
 */
import { countryCode } from "../normalize/country.js";
import { normalizeName, type LegalFormHit, type NameForm } from "../normalize/index.js";
import type { ListedEntity, ScreenSchema } from "../model.js";
import { compareTokens, nameScore } from "../score/compare.js";
import { compTokens, joinedRuns, type CompTok, type JoinedRun } from "../score/tokens.js";
import type { ScreeningCorpus } from "./corpus.js";
import { explain, type Explanation } from "./explain.js";

export type ScreenQuery = {
  name: string;
  /** ISO code or country name. */
  country?: string;
  /** What the counterparty is, when known; else inferred (a legal form makes it an organization). */
  schema?: ScreenSchema;
  address?: string;
};

export type ScreenOptions = {
  /** Score at or above which a candidate is a match. */
  threshold: number;
  /** Candidates kept per input. */
  limit: number;
  /** Candidates under this score are not reported. */
  minScore: number;
  /** Entity kinds screened against (default: organizations and people). */
  schemas?: readonly ScreenSchema[];
  /** Name records scored per input (the candidate index's best by estimated score). */
  candidateRecords?: number;
};

export type Candidate = {
  entity: ListedEntity;
  score: number;
  match: boolean;
  explanation: Explanation;
};

export const ADJUST = { countryAgrees: 0.05, countryDiffers: -0.1, partyTypeFactor: 0.75, legalFormDiffers: -0.03 } as const;

/**
 * Name records scored per input. The index ranks them by estimated score (corpus.ts `estimate`):
 * on the labelled set 16 already give the same F1 as scoring every record that shares a key; 24
 * keep a margin. (Ranked by shared weight alone, 64 were needed and still lost two true pairs.)
 */
const CANDIDATE_RECORDS = 24;
const DEFAULT_SCHEMAS: ReadonlySet<ScreenSchema> = new Set(["organization", "person"]);
/** The order of list names and ids when scores tie: what `a.localeCompare(b)` gives, without building a collator for every call. */
const COLLATOR = new Intl.Collator();

export type PreparedQuery = { query: ScreenQuery; forms: NameForm[]; tokens: CompTok[][]; runs: JoinedRun[][]; country?: string; schema?: ScreenSchema };

export function prepareQuery(query: ScreenQuery): PreparedQuery {
  const person = query.schema === "person";
  const forms = normalizeName(query.name, { person }).filter((f) => f.tokens.length > 0);
  const country = countryCode(query.country);
  const inferred: ScreenSchema | undefined = query.schema ?? (forms.some((f) => f.legalForms.length > 0) ? "organization" : undefined);
  const tokens = forms.map((f) => compTokens(f.tokens));
  return { query, forms, tokens, runs: tokens.map((t) => joinedRuns(t)), ...(country ? { country } : {}), ...(inferred ? { schema: inferred } : {}) };
}

export function screenName(corpus: ScreeningCorpus, query: ScreenQuery, options: ScreenOptions): Candidate[] {
  const q = prepareQuery(query);
  if (q.forms.length === 0) return [];
  for (const tokens of q.tokens) for (const t of tokens) t.w = corpus.weigh(t);
  // each step is a function of its own: V8 optimizes (and, when a new kind of object comes by,
  // re-optimizes) each alone, which on a fresh process costs less than one function of them all
  const scored = adjusted(corpus, q, bestOfEntities(corpus, q, options), options.minScore);
  // equal scores in list and id order (read only for ties: an entity of a large list is read from its file)
  scored.sort((a, b) => b.score - a.score || tieOrder(corpus.entity(a.e), corpus.entity(b.e)));
  const out: Candidate[] = [];
  for (let k = 0; k < scored.length && k < options.limit; k++) out.push(reported(corpus, q, scored[k]!, options.threshold));
  return out;
}

type Best = { form: number; record: number; nameScore: number };
type Scored = { e: number; b: Best; score: number };

/** Every candidate record scored against every form of the query; each entity's best. */
function bestOfEntities(corpus: ScreeningCorpus, q: PreparedQuery, options: ScreenOptions): Map<number, Best> {
  const schemas = options.schemas ? new Set(options.schemas) : DEFAULT_SCHEMAS;
  const best = new Map<number, Best>();
  for (const id of corpus.candidates(q.tokens, options.candidateRecords ?? CANDIDATE_RECORDS, q.runs)) {
    const e = corpus.recordEntity(id);
    const schema = corpus.schemaOf(e);
    if (!schemas.has(schema)) continue;
    const person = schema === "person";
    const tokens = corpus.tokens(id);
    const runs = corpus.runs(id);
    for (let f = 0; f < q.tokens.length; f++) {
      const score = nameScore(q.tokens[f]!, tokens, corpus.weigh, person, { input: q.runs[f]!, entity: runs });
      const seen = best.get(e);
      if (!seen || score > seen.nameScore) best.set(e, { form: f, record: id, nameScore: score });
    }
  }
  return best;
}

/** The entities' scores after the country, party-type and legal-form adjustments (computed as numbers; only the reported ones are explained), at least `minScore`. */
function adjusted(corpus: ScreeningCorpus, q: PreparedQuery, best: Map<number, Best>, minScore: number): Scored[] {
  const scored: Scored[] = [];
  for (const [e, b] of best) {
    if (b.nameScore <= 0) continue;
    const countries = corpus.countriesOf(e);
    const schema = corpus.schemaOf(e);
    let score = b.nameScore;
    if (q.country && countries.length > 0) score += countries.includes(q.country) ? ADJUST.countryAgrees : ADJUST.countryDiffers;
    if (q.schema !== undefined && (q.schema === "person") !== (schema === "person")) score *= ADJUST.partyTypeFactor;
    const inputForms = q.forms[b.form]!.legalForms;
    if (inputForms.length > 0) {
      const recordForms = corpus.legalFormsOf(b.record);
      if (recordForms.length > 0) score += legalFormAdjustment(inputForms, recordForms);
    }
    score = round(Math.min(1, Math.max(0, score)));
    if (score >= minScore) scored.push({ e, b, score });
  }
  return scored;
}

/** A reported candidate: its entity, score and explanation (the comparison made again, keeping the pairs). */
function reported(corpus: ScreeningCorpus, q: PreparedQuery, { e, b, score }: Scored, threshold: number): Candidate {
  const entity = corpus.entity(e);
  const record = corpus.record(b.record);
  const country = countryEffect(q.country, entity.countries);
  const party = partyEffect(q.schema, entity.schema);
  const legal = legalFormEffect(q.forms[b.form]!.legalForms, record.form.legalForms);
  const cmp = compareTokens(q.tokens[b.form]!, record.tokens, corpus.weigh, entity.schema === "person", { input: q.runs[b.form]!, entity: record.runs });
  return {
    entity,
    score,
    match: score >= threshold,
    explanation: explain({ query: q.query, inputForm: q.forms[b.form]!, record, entity, cmp, country, party, legal, score }),
  };
}

function tieOrder(a: ListedEntity, b: ListedEntity): number {
  return COLLATOR.compare(a.list, b.list) || COLLATOR.compare(a.id, b.id);
}

export type CountryEffect = { input?: string; entity: string[]; effect: "agrees" | "differs" | "unknown"; adjustment: number };

// the effects are written out key by key (same keys, same order as in the report) rather than
// with object spreads, which are a slow path in V8 and run for every reported candidate
function countryEffect(input: string | undefined, entity: readonly string[]): CountryEffect {
  if (!input || entity.length === 0) return input ? { input, entity: [...entity], effect: "unknown", adjustment: 0 } : { entity: [...entity], effect: "unknown", adjustment: 0 };
  return entity.includes(input)
    ? { input, entity: [...entity], effect: "agrees", adjustment: ADJUST.countryAgrees }
    : { input, entity: [...entity], effect: "differs", adjustment: ADJUST.countryDiffers };
}

export type PartyEffect = { input?: ScreenSchema; entity: ScreenSchema; factor: number };

function partyEffect(input: ScreenSchema | undefined, entity: ScreenSchema): PartyEffect {
  const mismatch = input !== undefined && (input === "person") !== (entity === "person");
  const factor = mismatch ? ADJUST.partyTypeFactor : 1;
  return input ? { input, entity, factor } : { entity, factor };
}

export type LegalFormEffect = { input: LegalFormHit[]; entity: LegalFormHit[]; adjustment: number };

function legalFormEffect(input: LegalFormHit[], entity: LegalFormHit[]): LegalFormEffect {
  return { input, entity, adjustment: legalFormAdjustment(input, entity) };
}

function legalFormAdjustment(input: readonly LegalFormHit[], entity: readonly LegalFormHit[]): number {
  const classes = (hits: readonly LegalFormHit[]) => new Set(hits.map((h) => h.class).filter((c) => c !== "company"));
  const a = classes(input);
  const b = classes(entity);
  const differ = a.size > 0 && b.size > 0 && ![...a].some((c) => b.has(c));
  return differ ? ADJUST.legalFormDiffers : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

