/**
 * @module
 * The name score of one form of a counterparty's name against one form of an entity's name.
 *
 * Tokens are paired greedily, the most similar and heaviest pairs first, each token used once;
 * pairs may join or split words and read acronyms. Each token weighs its inverse document
 * frequency over the screening lists (capped for words common in company names), so "Kaspersky"
 * decides more than "Lab". The score is the harmonic mean of two coverages:
 *
 *   input coverage  = Σ similarity × weight of the pairs / (weight of the pairs + weight of the input's unpaired tokens)
 *   entity coverage = Σ similarity × weight of the pairs / (weight of the pairs + weight of the entity's unpaired tokens)
 *
 * so a name that adds words ("Kasperski Bakery") or leaves out the entity's distinctive words
 * scores low, and word order never matters. Qualifiers in parentheses ("(USA)") weigh half.
 */
import type { Token } from "../normalize/index.js";
import { isAcronym, isJoined, joinedRuns, tokenSimilarity, type CompTok, type TokenMatchHow, SIMILARITY } from "./tokens.js";

export type Weigh = (token: CompTok) => number;

export type TokenPair = {
  input: Token[];
  entity: Token[];
  how: TokenMatchHow;
  similarity: number;
  weight: number;
};

export type NameComparison = {
  score: number;
  pairs: TokenPair[];
  unmatchedInput: { token: Token; weight: number }[];
  unmatchedEntity: { token: Token; weight: number }[];
  inputCoverage: number;
  entityCoverage: number;
};

type Candidate = { is: number[]; js: number[]; how: TokenMatchHow; similarity: number; weight: number };

const QUALIFIER_FACTOR = 0.5;
/**
 * A part of a person's name that the input leaves out (a middle name, a patronymic) counts half:
 * "Andrei Tikhonov" is written for "Andrei Gennadyevich Tikhonov" all the time.
 */
const PERSON_UNPAIRED = 0.5;

export function compareTokens(input: readonly CompTok[], entity: readonly CompTok[], weigh: Weigh, people = false): NameComparison {
  const wI = input.map((t) => (t.w ?? weigh(t)) * (t.qualifier ? QUALIFIER_FACTOR : 1));
  const wE = entity.map((t) => (t.w ?? weigh(t)) * (t.qualifier ? QUALIFIER_FACTOR : 1));
  const candidates: Candidate[] = [];
  for (let i = 0; i < input.length; i++) {
    for (let j = 0; j < entity.length; j++) {
      const sim = tokenSimilarity(input[i]!, entity[j]!, people);
      if (sim) candidates.push({ is: [i], js: [j], how: sim.how, similarity: sim.similarity, weight: wE[j]! });
    }
  }
  // words joined on one side and split on the other, up to three words; acronyms
  for (const run of joinedRuns(input)) {
    for (let j = 0; j < entity.length; j++) {
      if (isJoined(entity[j]!, run)) candidates.push({ is: range(run.at, run.k), js: [j], how: "split", similarity: SIMILARITY.split, weight: wE[j]! });
    }
  }
  for (const run of joinedRuns(entity)) {
    for (let i = 0; i < input.length; i++) {
      if (isJoined(input[i]!, run)) candidates.push({ is: [i], js: range(run.at, run.k), how: "joined", similarity: SIMILARITY.joined, weight: sum(wE.slice(run.at, run.at + run.k)) });
    }
  }
  for (let i = 0; i < input.length; i++) {
    const n = input[i]!.text.length;
    for (let j = 0; j + n <= entity.length; j++) {
      if (n >= 3 && isAcronym(input[i]!, entity.slice(j, j + n)))
        candidates.push({ is: [i], js: range(j, n), how: "acronym", similarity: SIMILARITY.acronym, weight: sum(wE.slice(j, j + n)) });
    }
  }
  for (let j = 0; j < entity.length; j++) {
    const n = entity[j]!.text.length;
    for (let i = 0; i + n <= input.length; i++) {
      if (n >= 3 && isAcronym(entity[j]!, input.slice(i, i + n)))
        candidates.push({ is: range(i, n), js: [j], how: "acronym", similarity: SIMILARITY.acronym, weight: wE[j]! });
    }
  }

  candidates.sort((a, b) => b.similarity * b.weight - a.similarity * a.weight || b.similarity - a.similarity);
  const usedI = new Uint8Array(input.length);
  const usedE = new Uint8Array(entity.length);
  const pairs: TokenPair[] = [];
  let matchedWeight = 0;
  let scoredWeight = 0;
  for (const c of candidates) {
    if (c.is.some((i) => usedI[i]) || c.js.some((j) => usedE[j])) continue;
    c.is.forEach((i) => (usedI[i] = 1));
    c.js.forEach((j) => (usedE[j] = 1));
    pairs.push({ input: c.is.map((i) => plain(input[i]!)), entity: c.js.map((j) => plain(entity[j]!)), how: c.how, similarity: c.similarity, weight: c.weight });
    matchedWeight += c.weight;
    scoredWeight += c.weight * c.similarity;
  }
  const unmatchedInput = input.flatMap((t, i) => (usedI[i] ? [] : [{ token: plain(t), weight: wI[i]! }]));
  const unmatchedEntity = entity.flatMap((t, j) => (usedE[j] ? [] : [{ token: plain(t), weight: wE[j]! * (people ? PERSON_UNPAIRED : 1) }]));
  const inputCoverage = scoredWeight / (matchedWeight + sum(unmatchedInput.map((u) => u.weight)) || 1);
  const entityCoverage = scoredWeight / (matchedWeight + sum(unmatchedEntity.map((u) => u.weight)) || 1);
  const score = inputCoverage + entityCoverage > 0 ? (2 * inputCoverage * entityCoverage) / (inputCoverage + entityCoverage) : 0;
  pairs.sort((a, b) => b.weight - a.weight);
  return { score, pairs, unmatchedInput, unmatchedEntity, inputCoverage, entityCoverage };
}

function plain(t: CompTok): Token {
  const { sk: _sk, ...token } = t;
  return token;
}

function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => from + k);
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
