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
import { isAcronymAt, isJoined, joinedRuns, tokenSimilarity, type CompTok, type JoinedRun, type TokenMatchHow, SIMILARITY } from "./tokens.js";

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

/**
 * The greedy pairing of two token lists: which candidates were taken, and the weights it adds
 * up. A candidate pairs a run of input tokens with a run of entity tokens (one token, or the
 * words of a joined or split word or an acronym: always adjacent), so it is kept as numbers in
 * reused typed arrays; screening pairs a query with dozens of names, and objects per candidate
 * were most of its time.
 */
type Pairing = { taken: Candidate[]; usedI: Uint8Array; usedE: Uint8Array; wI: Float64Array; wE: Float64Array; nI: number; nE: number; matchedWeight: number; scoredWeight: number };

const HOWS: readonly TokenMatchHow[] = ["exact", "spelling", "typo", "inflection", "abbreviation", "initial", "joined", "split", "acronym"];
const HOW_CODE = new Map(HOWS.map((h, i) => [h, i]));
const SPLIT = HOW_CODE.get("split")!;
const JOINED = HOW_CODE.get("joined")!;
const ACRONYM = HOW_CODE.get("acronym")!;

function runWeight(w: Float64Array, from: number, n: number): number {
  let sum = 0;
  for (let k = from; k < from + n; k++) sum += w[k]!;
  return sum;
}

/** Candidate pool: start and length of the input run and of the entity run, how, similarity, weight. */
let cap = 256;
let cI0 = new Int32Array(cap);
let cIN = new Int32Array(cap);
let cJ0 = new Int32Array(cap);
let cJN = new Int32Array(cap);
let cHow = new Uint8Array(cap);
let cSim = new Float64Array(cap);
let cW = new Float64Array(cap);
let order = new Int32Array(cap);

function grow(): void {
  const next = cap * 2;
  const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
    const b = make(next);
    b.set(a as never);
    return b;
  };
  cI0 = g(cI0, (n) => new Int32Array(n));
  cIN = g(cIN, (n) => new Int32Array(n));
  cJ0 = g(cJ0, (n) => new Int32Array(n));
  cJN = g(cJN, (n) => new Int32Array(n));
  cHow = g(cHow, (n) => new Uint8Array(n));
  cSim = g(cSim, (n) => new Float64Array(n));
  cW = g(cW, (n) => new Float64Array(n));
  order = new Int32Array(next);
  cap = next;
}

/** Joined runs of a token list, computed once per list (a corpus record's tokens are compared many times). */
const runsCache = new WeakMap<readonly CompTok[], JoinedRun[]>();
export function runsOf(tokens: readonly CompTok[]): JoinedRun[] {
  let runs = runsCache.get(tokens);
  if (!runs) {
    runs = joinedRuns(tokens);
    runsCache.set(tokens, runs);
  }
  return runs;
}

/** Per-token buffers reused between calls (screening is synchronous; a call's results are read before the next). */
let tokCap = 64;
let bufWI = new Float64Array(tokCap);
let bufWE = new Float64Array(tokCap);
let bufUI = new Uint8Array(tokCap);
let bufUE = new Uint8Array(tokCap);

/**
 * Token lists with their joined runs, when the caller already has them (the screening corpus
 * keeps each record's, a query computes its own once): looking them up by list for every one of
 * the dozens of comparisons of a query cost more than the comparisons of short names.
 */
export type Runs = { input?: readonly JoinedRun[]; entity?: readonly JoinedRun[] };

/** Candidates in the pool (cI0 … cW, order) for the comparison under way. */
let nCand = 0;

function addCandidate(i0: number, iN: number, j0: number, jN: number, how: number, sim: number, w: number): void {
  if (nCand === cap) grow();
  cI0[nCand] = i0;
  cIN[nCand] = iN;
  cJ0[nCand] = j0;
  cJN[nCand] = jN;
  cHow[nCand] = how;
  cSim[nCand] = sim;
  cW[nCand] = w;
  nCand++;
}

/**
 * The greedy pairing, in steps of their own (weights, candidate pairs, order, pairing): a
 * comparison runs dozens of times a name, and V8 compiles small functions sooner and for less
 * than one large one.
 */
function pairUp(input: readonly CompTok[], entity: readonly CompTok[], weigh: Weigh, people: boolean, keep: boolean, runs?: Runs): Pairing {
  const nI = input.length;
  const nE = entity.length;
  if (nI > tokCap || nE > tokCap) {
    tokCap = Math.max(nI, nE, tokCap * 2);
    bufWI = new Float64Array(tokCap);
    bufWE = new Float64Array(tokCap);
    bufUI = new Uint8Array(tokCap);
    bufUE = new Uint8Array(tokCap);
  }
  weights(input, weigh, bufWI);
  weights(entity, weigh, bufWE);
  nCand = 0;
  tokenPairs(input, entity, bufWE, people);
  // words joined on one side and split on the other, up to three words; acronyms
  joinedPairs(input, entity, bufWE, runs?.input ?? runsOf(input), runs?.entity ?? runsOf(entity));
  acronymPairs(input, entity, bufWE);
  sortCandidates(nCand);
  return greedy(nI, nE, keep);
}

function weights(tokens: readonly CompTok[], weigh: Weigh, out: Float64Array): void {
  for (let i = 0; i < tokens.length; i++) out[i] = (tokens[i]!.w ?? weigh(tokens[i]!)) * (tokens[i]!.qualifier ? QUALIFIER_FACTOR : 1);
}

function tokenPairs(input: readonly CompTok[], entity: readonly CompTok[], wE: Float64Array, people: boolean): void {
  for (let i = 0; i < input.length; i++) {
    for (let j = 0; j < entity.length; j++) {
      const sim = tokenSimilarity(input[i]!, entity[j]!, people);
      if (sim) addCandidate(i, 1, j, 1, HOW_CODE.get(sim.how)!, sim.similarity, wE[j]!);
    }
  }
}

function joinedPairs(input: readonly CompTok[], entity: readonly CompTok[], wE: Float64Array, inputRuns: readonly JoinedRun[], entityRuns: readonly JoinedRun[]): void {
  for (const run of inputRuns) {
    for (let j = 0; j < entity.length; j++) if (isJoined(entity[j]!, run)) addCandidate(run.at, run.k, j, 1, SPLIT, SIMILARITY.split, wE[j]!);
  }
  for (const run of entityRuns) {
    for (let i = 0; i < input.length; i++) if (isJoined(input[i]!, run)) addCandidate(i, 1, run.at, run.k, JOINED, SIMILARITY.joined, runWeight(wE, run.at, run.k));
  }
}

function acronymPairs(input: readonly CompTok[], entity: readonly CompTok[], wE: Float64Array): void {
  const nI = input.length;
  const nE = entity.length;
  for (let i = 0; i < nI; i++) {
    const len = input[i]!.text.length;
    if (len < 3 || len > 6) continue; // an acronym has 3 to 6 letters
    for (let j = 0; j + len <= nE; j++) if (isAcronymAt(input[i]!, entity, j)) addCandidate(i, 1, j, len, ACRONYM, SIMILARITY.acronym, runWeight(wE, j, len));
  }
  for (let j = 0; j < nE; j++) {
    const len = entity[j]!.text.length;
    if (len < 3 || len > 6) continue;
    for (let i = 0; i + len <= nI; i++) if (isAcronymAt(entity[j]!, input, i)) addCandidate(i, len, j, 1, ACRONYM, SIMILARITY.acronym, wE[j]!);
  }
}

/** The most similar and heaviest first; ties keep the order found (a stable insertion sort: a comparison has a few dozen candidates at most). */
function sortCandidates(n: number): void {
  for (let k = 0; k < n; k++) {
    const key = k;
    const kv = cSim[key]! * cW[key]!;
    let at = k - 1;
    while (at >= 0) {
      const o = order[at]!;
      const ov = cSim[o]! * cW[o]!;
      if (kv > ov || (kv === ov && cSim[key]! > cSim[o]!)) {
        order[at + 1] = o;
        at--;
      } else break;
    }
    order[at + 1] = key;
  }
}

/** Takes the candidates in order, each whose tokens are all still free. */
function greedy(nI: number, nE: number, keep: boolean): Pairing {
  const usedI = bufUI.fill(0, 0, nI);
  const usedE = bufUE.fill(0, 0, nE);
  const taken: Candidate[] = [];
  let matchedWeight = 0;
  let scoredWeight = 0;
  for (let o = 0; o < nCand; o++) {
    const c = order[o]!;
    const i0 = cI0[c]!;
    const iE = i0 + cIN[c]!;
    const j0 = cJ0[c]!;
    const jE = j0 + cJN[c]!;
    let free = true;
    for (let i = i0; i < iE && free; i++) if (usedI[i]) free = false;
    for (let j = j0; j < jE && free; j++) if (usedE[j]) free = false;
    if (!free) continue;
    for (let i = i0; i < iE; i++) usedI[i] = 1;
    for (let j = j0; j < jE; j++) usedE[j] = 1;
    if (keep) taken.push({ is: range(i0, iE - i0), js: range(j0, jE - j0), how: HOWS[cHow[c]!]!, similarity: cSim[c]!, weight: cW[c]! });
    matchedWeight += cW[c]!;
    scoredWeight += cW[c]! * cSim[c]!;
  }
  return { taken, usedI, usedE, wI: bufWI, wE: bufWE, nI, nE, matchedWeight, scoredWeight };
}

function coverages(p: Pairing, people: boolean): { inputCoverage: number; entityCoverage: number; score: number } {
  let restI = 0;
  for (let i = 0; i < p.nI; i++) if (!p.usedI[i]) restI += p.wI[i]!;
  let restE = 0;
  for (let j = 0; j < p.nE; j++) if (!p.usedE[j]) restE += p.wE[j]! * (people ? PERSON_UNPAIRED : 1);
  const inputCoverage = p.scoredWeight / (p.matchedWeight + restI || 1);
  const entityCoverage = p.scoredWeight / (p.matchedWeight + restE || 1);
  const score = inputCoverage + entityCoverage > 0 ? (2 * inputCoverage * entityCoverage) / (inputCoverage + entityCoverage) : 0;
  return { inputCoverage, entityCoverage, score };
}

/** The name score alone, without the pairs that explain it: what screening ranks candidates by. */
export function nameScore(input: readonly CompTok[], entity: readonly CompTok[], weigh: Weigh, people = false, runs?: Runs): number {
  return coverages(pairUp(input, entity, weigh, people, false, runs), people).score;
}

export function compareTokens(input: readonly CompTok[], entity: readonly CompTok[], weigh: Weigh, people = false, runs?: Runs): NameComparison {
  const p = pairUp(input, entity, weigh, people, true, runs);
  const { inputCoverage, entityCoverage, score } = coverages(p, people);
  // loops rather than map/flatMap closures: this runs for every reported candidate
  const pairs: TokenPair[] = [];
  for (const c of p.taken) {
    const is: Token[] = [];
    for (const i of c.is) is.push(plain(input[i]!));
    const js: Token[] = [];
    for (const j of c.js) js.push(plain(entity[j]!));
    pairs.push({ input: is, entity: js, how: c.how, similarity: c.similarity, weight: c.weight });
  }
  const unmatchedInput: { token: Token; weight: number }[] = [];
  for (let i = 0; i < input.length; i++) if (!p.usedI[i]) unmatchedInput.push({ token: plain(input[i]!), weight: p.wI[i]! });
  const unmatchedEntity: { token: Token; weight: number }[] = [];
  for (let j = 0; j < entity.length; j++) if (!p.usedE[j]) unmatchedEntity.push({ token: plain(entity[j]!), weight: p.wE[j]! * (people ? PERSON_UNPAIRED : 1) });
  pairs.sort((a, b) => b.weight - a.weight);
  return { score, pairs, unmatchedInput, unmatchedEntity, inputCoverage, entityCoverage };
}

/** The token as the normalizer gave it (comparison fields and absent ones left out, the rest in the normalizer's order). */
function plain(t: CompTok): Token {
  const out: Token = { text: t.text, from: t.from };
  if (t.via) out.via = t.via;
  if (t.dotted) out.dotted = true;
  if (t.qualifier) out.qualifier = true;
  return out;
}

function range(from: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(from + k);
  return out;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
