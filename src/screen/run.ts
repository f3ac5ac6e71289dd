/**
 * @module
 * A screening run: the lists to screen against (the catalog and every imported list, or those
 * chosen), the corpus built from them, and each counterparty screened in input order with the
 * allow-list applied. Results are yielded one at a time, so a file of any length streams
 * through; the summary is complete when the last result has been taken.
 */
import { DEFAULTS } from "../config/defaults.js";
import type { Catalog } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import { IctsError } from "../model/errors.js";
import { createAllowMatcher, type AllowEntry, type AllowRef } from "./allow-list.js";
import { ScreeningCorpus, type CorpusSource } from "./engine/corpus.js";
import { screenName, type Candidate, type ScreenQuery } from "./engine/screen-name.js";
import type { Explanation } from "./engine/explain.js";
import type { Counterparty } from "./inputs.js";
import { CATALOG_LIST, catalogEntities } from "./lists/catalog.js";
import { listEntities, listNames, openStoredList, readListHeader } from "./lists/store.js";
import type { ListedEntity, ScreenSchema } from "./model.js";

/** Screening defaults: one source for the CLI, the config and the scorer (src/config/defaults.ts). */
export const DEFAULT_THRESHOLD: number = DEFAULTS.screen.threshold;
export const DEFAULT_MIN_SCORE: number = DEFAULTS.screen.minScore;
export const DEFAULT_CANDIDATES: number = DEFAULTS.screen.candidates;

export type ListInfo = { name: string; entries: number; aliases: number; importedAt?: string; source?: string[] };

export type ScreeningLists = { corpus: ScreeningCorpus; lists: ListInfo[] };

/**
 * Imported lists of more entries than this are screened from their stored files (the corpus
 * keeps their names in its index and reads an entry back only to report it, engine/corpus.ts);
 * smaller ones are held in memory, which is faster to report from.
 */
export const MEMORY_LIST_ENTRIES = 100_000;

/** Loads the catalog and imported lists (all of them unless `names` chooses) into one corpus. */
export function loadScreeningLists(catalog: Catalog, names: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): ScreeningLists {
  const wanted = names && names.length > 0 ? [...new Set(names)] : [CATALOG_LIST, ...listNames(env)];
  const sources: CorpusSource[] = [];
  const lists: ListInfo[] = [];
  let entries = 0;
  for (const name of wanted) {
    if (name === CATALOG_LIST) {
      const es = catalogEntities(catalog);
      sources.push({ entities: es });
      entries += es.length;
      lists.push({ name, entries: es.length, aliases: es.reduce((s, e) => s + e.aliases.length, 0), source: [`catalog ${catalog.version} sha256:${catalog.digest}`] });
      continue;
    }
    const list = readListHeader(name, env);
    const file = list.counts.entries > MEMORY_LIST_ENTRIES ? openStoredList(name, env) : undefined;
    if (file) {
      sources.push({ list: list.name, file });
    } else {
      const entities: ListedEntity[] = [];
      for (const e of listEntities(name, env)) {
        (e as ListedEntity).list = list.name;
        entities.push(e as ListedEntity);
      }
      sources.push({ entities });
    }
    entries += list.counts.entries;
    lists.push({ name, entries: list.counts.entries, aliases: list.counts.aliases, importedAt: list.importedAt, source: list.source.files.map((f) => f.path) });
  }
  if (entries === 0) throw new IctsError("screen/no-entities", `the lists ${wanted.join(", ")} hold no entities`);
  return { corpus: new ScreeningCorpus({ sources }), lists };
}

export type CandidateStatus = "match" | "allowed" | "below-threshold";

export type CandidateResult = {
  entity: { id: string; name: string; list: string; schema: ScreenSchema; countries: string[]; programs: string[]; group?: string };
  score: number;
  match: boolean;
  status: CandidateStatus;
  allowedBy?: AllowRef;
  expiredAllows?: AllowRef[];
  explanation: Explanation;
};

export type ScreenResult = {
  record: number;
  source?: { file: string; line?: number };
  input: { name: string; country?: string; address?: string; type?: ScreenSchema; id?: string };
  /** match: a candidate is a match at the threshold; allowed: every match is on the allow-list; clear: none. */
  status: "match" | "allowed" | "clear";
  candidates: CandidateResult[];
};

export type ScreenSummary = { inputs: number; matched: number; allowed: number; clear: number; errors: number; threshold: number };

export type RunOptions = {
  threshold: number;
  limit: number;
  minScore: number;
  schemas?: readonly ScreenSchema[];
  allow: readonly (AllowEntry & { file?: string })[];
  today: string;
};

export class ScreeningRun {
  readonly summary: ScreenSummary;
  private readonly allow;

  constructor(
    readonly corpus: ScreeningCorpus,
    readonly options: RunOptions,
  ) {
    this.summary = { inputs: 0, matched: 0, allowed: 0, clear: 0, errors: 0, threshold: options.threshold };
    this.allow = createAllowMatcher(options.allow, options.today);
  }

  screen(input: ScreenQuery & { id?: string }, record: number, source?: { file: string; line?: number }): ScreenResult {
    const candidates = screenName(this.corpus, input, {
      threshold: this.options.threshold,
      limit: this.options.limit,
      minScore: this.options.minScore,
      ...(this.options.schemas ? { schemas: this.options.schemas } : {}),
    }).map((c) => this.withAllow(input.name, c));
    const status = candidates.some((c) => c.status === "match") ? "match" : candidates.some((c) => c.status === "allowed") ? "allowed" : "clear";
    this.summary.inputs++;
    if (status === "match") this.summary.matched++;
    else if (status === "allowed") this.summary.allowed++;
    else this.summary.clear++;
    return {
      record,
      ...(source ? { source } : {}),
      input: {
        name: input.name,
        ...(input.country ? { country: input.country } : {}),
        ...(input.address ? { address: input.address } : {}),
        ...(input.schema ? { type: input.schema } : {}),
        ...(input.id ? { id: input.id } : {}),
      },
      status,
      candidates,
    };
  }

  async *screenAll(inputs: AsyncIterable<Counterparty>, file: string): AsyncIterable<ScreenResult> {
    for await (const c of inputs) {
      yield this.screen({ name: c.name, ...(c.country ? { country: c.country } : {}), ...(c.address ? { address: c.address } : {}), ...(c.type ? { schema: c.type } : {}), ...(c.id ? { id: c.id } : {}) }, c.record, {
        file,
        line: c.line,
      });
    }
  }

  countErrors(issues: readonly Issue[]): void {
    this.summary.errors = issues.filter((i) => i.severity === "error").length;
  }

  private withAllow(name: string, c: Candidate): CandidateResult {
    const e = c.entity;
    const outcome = c.match ? this.allow(name, e) : { expired: [] };
    const status: CandidateStatus = !c.match ? "below-threshold" : outcome.active ? "allowed" : "match";
    return {
      entity: { id: e.id, name: e.name, list: e.list, schema: e.schema, countries: e.countries, programs: e.programs, ...(e.group ? { group: e.group } : {}) },
      score: c.score,
      match: c.match,
      status,
      ...(outcome.active ? { allowedBy: outcome.active } : {}),
      ...(outcome.expired.length ? { expiredAllows: outcome.expired } : {}),
      explanation: c.explanation,
    };
  }
}
