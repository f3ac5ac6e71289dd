/**
 * @module
 * How two tokens (or a few adjacent ones) can be the same word, and how much: exactly, as a
 * transliteration or spelling variant (same skeleton), with a typo (a few edits, fewer for short
 * words), with a Russian case ending ("Kasperskogo" / "Kaspersky"), as an abbreviation written
 * with a dot ("Dig." / "Digital"), an initial ("A." / "Andrei", people only), joined or split
 * ("Gazprombank" / "Gazprom Bank"), or as an acronym ("ZTE" / "Zhongxing Telecom Equipment").
 * Each way has a fixed similarity, so scores stay explainable.
 */
import type { Token } from "../normalize/index.js";
import { skeleton, uncachedSkeleton } from "../normalize/phonetic.js";
import { allowedEdits, editDistance, jaroWinkler } from "./distance.js";

export type TokenMatchHow = "exact" | "spelling" | "typo" | "inflection" | "abbreviation" | "initial" | "joined" | "split" | "acronym";

export const SIMILARITY = {
  exact: 1,
  spelling: 0.95,
  joined: 0.95,
  split: 0.95,
  inflection: 0.9,
  acronym: 0.85,
  abbreviation: 0.85,
  initial: 0.75,
  /** Typos score their Jaro-Winkler similarity, within these bounds. */
  typoMax: 0.94,
  typoMin: 0.75,
} as const;

/** A token ready for comparison: its text, its skeleton and (once known) its weight. */
export type CompTok = Token & { sk: string; w?: number; /** holds a digit */ dg?: boolean; /** the letters of the skeleton, one bit each (letterMask) */ m?: number };

/**
 * Every comparison token has the same fields in the same order (absent ones undefined): the
 * scorer reads them millions of times, and tokens of one shape keep those reads monomorphic
 * (tokens of a dozen shapes made them several times slower).
 */
export function compTokens(tokens: readonly Token[]): CompTok[] {
  return tokens.map((t) => compTok(t));
}

/** One comparison token (see compTokens). */
export function compTok(t: Token): CompTok {
  const sk = skeleton(t.text);
  return { text: t.text, from: t.from, via: t.via, dotted: t.dotted, qualifier: t.qualifier, sk, w: undefined, dg: /\d/.test(t.text), m: letterMask(sk) };
}

/**
 * The letters of a word as bits (a-z on bits 0-25; any other character shares a bit with one of
 * them, which only weakens the bound below). Every edit removes at most one letter of one word
 * and adds at most one of the other, so two words whose masks differ in more than `max` letters
 * either way are more than `max` edits apart: the edit distance is not computed for them.
 */
export function letterMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << ((s.charCodeAt(i) - 97) & 31);
  return m;
}

function bits(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Whether two words' letters alone already put them more than `max` edits apart (see letterMask). */
export function lettersApart(ma: number, mb: number, max: number): boolean {
  return bits(ma & ~mb) > max || bits(mb & ~ma) > max;
}

export type Sim = { how: TokenMatchHow; similarity: number };

const EXACT: Sim = { how: "exact", similarity: SIMILARITY.exact };

/** Whether a token holds a digit (known once compTokens made it). */
function hasDigit(t: CompTok): boolean {
  return t.dg ?? /\d/.test(t.text);
}

/** One token against one token, or undefined when they are not the same word. */
export function tokenSimilarity(a: CompTok, b: CompTok, people = false): Sim | undefined {
  if (a.text === b.text) return EXACT;
  if (hasDigit(a) || hasDigit(b)) return undefined;
  const short = Math.min(a.text.length, b.text.length);
  if (a.sk === b.sk && short >= 4) return { how: "spelling", similarity: SIMILARITY.spelling };
  if (short >= 4) {
    const max = allowedEdits(short);
    if (max > 0 && !lettersApart(a.m ?? letterMask(a.sk), b.m ?? letterMask(b.sk), max) && editDistance(a.sk, b.sk, max) <= max) {
      const jw = jaroWinkler(a.text, b.text);
      return { how: "typo", similarity: Math.max(SIMILARITY.typoMin, Math.min(SIMILARITY.typoMax, jw)) };
    }
  }
  if (isInflection(a.text, b.text)) return { how: "inflection", similarity: SIMILARITY.inflection };
  const abbr = abbreviationOf(a, b) ?? abbreviationOf(b, a);
  if (abbr === "abbreviation") return { how: "abbreviation", similarity: SIMILARITY.abbreviation };
  if (abbr === "initial" && people) return { how: "initial", similarity: SIMILARITY.initial };
  return undefined;
}

/** Same stem, different endings of at most three letters (Russian and other inflected names). */
function isInflection(a: string, b: string): boolean {
  let p = 0;
  while (p < a.length && p < b.length && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p >= 7 && a.length - p <= 3 && b.length - p <= 3;
}

function abbreviationOf(short: CompTok, long: CompTok): "abbreviation" | "initial" | undefined {
  if (short.text.length >= long.text.length || !long.text.startsWith(short.text)) return undefined;
  if (short.text.length === 1) return "initial";
  return short.dotted && short.text.length >= 2 ? "abbreviation" : undefined;
}

/** Whether a token spells the initials of the tokens from `at` on (as many as it has letters), without copying them. */
export function isAcronymAt(token: CompTok, tokens: readonly CompTok[], at: number): boolean {
  const n = token.text.length;
  if (n < 2 || n > 6 || at + n > tokens.length) return false;
  for (let i = 0; i < n; i++) if (tokens[at + i]!.text.charCodeAt(0) !== token.text.charCodeAt(i)) return false;
  return true;
}

/** Whether a token spells the initials of a run of other tokens. */
export function isAcronym(token: CompTok, run: readonly CompTok[]): boolean {
  if (token.text.length < 2 || token.text.length > 6 || run.length !== token.text.length) return false;
  for (let i = 0; i < run.length; i++) if (run[i]!.text[0] !== token.text[i]) return false;
  return true;
}

/** A run of two or three adjacent tokens written together: where it starts, how many, its text, skeleton and letters. */
export type JoinedRun = { at: number; k: number; text: string; sk: string; m: number };

/** Whether a run of tokens written apart (given joined, as text and skeleton) is one word of the other side. */
export function isJoined(word: CompTok, joined: { text: string; sk: string; m?: number }): boolean {
  if (joined.text === word.text || (joined.text.length >= 8 && joined.sk === word.sk)) return true;
  // a long word written apart keeps a plural or case ending inside that the joined form folds
  // differently ("Vinales Tours" / "VinalesTours" after stemming): one edit, ten letters or more
  return (
    joined.sk.length >= 10 &&
    Math.abs(joined.sk.length - word.sk.length) <= 1 &&
    !lettersApart(joined.m ?? letterMask(joined.sk), word.m ?? letterMask(word.sk), 1) &&
    editDistance(joined.sk, word.sk, 1) <= 1
  );
}

/** The runs of two and three adjacent tokens, written together (`cached`: their skeletons kept in the skeleton cache; not for a list's names, each of which has its own). */
export function joinedRuns(tokens: readonly CompTok[], cached = true): JoinedRun[] {
  const out: JoinedRun[] = [];
  for (let k = 2; k <= 3; k++) {
    for (let i = 0; i + k <= tokens.length; i++) {
      let text = "";
      for (let x = i; x < i + k; x++) text += tokens[x]!.text;
      const sk = cached ? skeleton(text) : uncachedSkeleton(text);
      out.push({ at: i, k, text, sk, m: letterMask(sk) });
    }
  }
  return out;
}
