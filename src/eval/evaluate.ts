/**
 * @module
 * Scores the matcher on the detection corpus, and beside it a `grep -i` of the catalog's brand
 * words over the same rows. A row is detected as a vendor when a match names it at or above the
 * review line (0.7) and is not browsing only: what makes a finding that is not left for review.
 * Matches below the line are counted apart as `review`.
 */
import { INFORMATIONAL_ROLES } from "../model/vocabulary.js";
import type { Match } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { REVIEW_BELOW } from "../policy/confidence.js";
import { aliasName, type CatalogIndex } from "../match/catalog-index.js";
import { matchObservation } from "../match/index.js";
import type { CorpusRow } from "./corpus.js";

export type Counts = { rows: number; positives: number; tp: number; fp: number; fn: number; review: number };
export type Scores = Counts & { precision: number; recall: number; f1: number };
export type SystemScores = { overall: Scores; byKind: Record<string, Scores>; byVendor: Record<string, Scores> };
export type RowOutcome = { row: CorpusRow; detected?: string; review: boolean };
export type DetectionReport = { rows: number; ictsguard: SystemScores; grep: SystemScores; outcomes: RowOutcome[]; grepOutcomes: RowOutcome[] };

/** The vendor a finding would name for this observation, if any, and whether a weaker match was left for review. */
export function detect(o: Observation, index: CatalogIndex): { detected?: string; review: boolean } {
  const { matches } = matchObservation(o, index);
  const decisive = matches.filter((m) => m.confidence >= REVIEW_BELOW && !browsingOnly(m)).sort((a, b) => b.confidence - a.confidence);
  const review = matches.some((m) => m.confidence < REVIEW_BELOW);
  return decisive[0] ? { detected: decisive[0].vendor.id, review } : { review };
}

function browsingOnly(m: Match): boolean {
  return m.evidence.length > 0 && m.evidence.every((e) => e.role !== undefined && INFORMATIONAL_ROLES.has(e.role));
}

/** The baseline: case-insensitive substring search for each group's brand words (its name and brand aliases). */
export function createGrepBaseline(index: CatalogIndex): (o: Observation) => string | undefined {
  const words: { word: string; group: string }[] = [];
  for (const e of index.catalog.entities) {
    if (e.type !== "group") continue;
    const names = [e.name, ...e.aliases.filter((a) => typeof a === "string" || a.kind === "brand").map(aliasName)];
    for (const n of names) words.push({ word: n.toLowerCase(), group: e.id });
  }
  return (o) => {
    const text = [o.name, o.vendor, o.path, ...Object.values(o.ids ?? {})].filter(Boolean).join("\n").toLowerCase();
    return words.find((w) => text.includes(w.word))?.group;
  };
}

export function evaluateDetection(rows: readonly CorpusRow[], index: CatalogIndex): DetectionReport {
  const grep = createGrepBaseline(index);
  const outcomes = rows.map((row) => ({ row, ...detect(row.observation, index) }));
  const grepOutcomes = rows.map((row) => {
    const g = grep(row.observation);
    return { row, ...(g ? { detected: g } : {}), review: false };
  });
  return { rows: rows.length, ictsguard: score(outcomes), grep: score(grepOutcomes), outcomes, grepOutcomes };
}

function empty(): Counts {
  return { rows: 0, positives: 0, tp: 0, fp: 0, fn: 0, review: 0 };
}

/** Precision, recall and F1 overall, per observation kind and per vendor (a wrong vendor is a false positive and a miss). */
export function score(outcomes: readonly RowOutcome[]): SystemScores {
  const overall = empty();
  const byKind = new Map<string, Counts>();
  const byVendor = new Map<string, Counts>();
  const at = (m: Map<string, Counts>, k: string) => m.get(k) ?? (m.set(k, empty()), m.get(k)!);
  for (const { row, detected, review } of outcomes) {
    const kind = at(byKind, row.observation.kind);
    const positive = row.expect !== "clean";
    for (const c of [overall, kind]) {
      c.rows++;
      if (positive) c.positives++;
      if (review && !detected) c.review++;
      if (positive && detected === row.expect) c.tp++;
      if (positive && detected !== row.expect) c.fn++;
      if (detected !== undefined && detected !== row.expect) c.fp++;
    }
    if (positive) {
      const v = at(byVendor, row.expect);
      v.rows++;
      v.positives++;
      if (detected === row.expect) v.tp++;
      else v.fn++;
      if (review && !detected) v.review++;
    }
    if (detected !== undefined && detected !== row.expect) at(byVendor, detected).fp++;
  }
  const withScores = (m: Map<string, Counts>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => [k, scoresOf(c)]));
  return { overall: scoresOf(overall), byKind: withScores(byKind), byVendor: withScores(byVendor) };
}

export function scoresOf(c: Counts): Scores {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}
