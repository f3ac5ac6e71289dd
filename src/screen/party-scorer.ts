/**
 * @module
 * The screener as `check`'s fuzzy step: a counterparty name that no exact tier of
 * src/policy/party.ts resolves is screened against the catalog's entities, so `check` and
 * `screen` judge a clerk's spelling ("Kasperskiy Labs", "Лаборатория Касперского АО",
 * "Hangzhou Hikvision Digital Tech.") the same way. Only candidates at the screening threshold
 * are returned; party.ts keeps them below the review line, so a fuzzy name is always `review`.
 */
import type { Catalog } from "../model/catalog.js";
import type { FuzzyCandidate, FuzzyScorer } from "../policy/party.js";
import { ScreeningCorpus } from "./engine/corpus.js";
import { screenName } from "./engine/screen-name.js";
import { catalogEntities } from "./lists/catalog.js";
import { DEFAULT_THRESHOLD } from "./run.js";

export function createScreeningScorer(catalog: Catalog, threshold: number = DEFAULT_THRESHOLD): FuzzyScorer {
  const corpus = new ScreeningCorpus(catalogEntities(catalog));
  return (name: string, country?: string): FuzzyCandidate[] =>
    screenName(corpus, { name, ...(country ? { country } : {}) }, { threshold, limit: 5, minScore: threshold }).map((c) => ({
      entityId: c.entity.id,
      similarity: c.score,
      matched: c.explanation.matchedName.name,
      why: `screening: ${c.explanation.summary}`,
    }));
}
