/**
 * @module
 * Splitting a name into words, and folding Latin words to the plain a-z0-9 form comparisons use.
 * A word remembers how it was written: followed by a dot (an abbreviation: "Tech.", "S.A."),
 * inside parentheses (a qualifier: "ZTE Corp (USA)"), and its script. Apostrophes and
 * transliteration marks inside a word (ʹ ʺ ' ’) are dropped rather than splitting it, so
 * "Ob'edinennaya" stays one word. Han characters always form words of their own, apart from the
 * Latin or Cyrillic around them.
 */
import { foldText } from "../../text/fold.js";

export type Script = "latin" | "cyrillic" | "han" | "other";

export type Word = {
  /** As written (NFKC), without the marks dropped inside it. */
  text: string;
  script: Script;
  /** Followed directly by a dot. */
  dotted: boolean;
  /** Inside parentheses or brackets. */
  qualifier: boolean;
};

const HAN = /\p{Script=Han}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /[\p{Script=Latin}0-9]/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
/** Marks inside a word that are not separators: apostrophes, primes, transliteration signs. */
const INNER_MARK = /['’ʼʹʺ`´]/u;

const ASCII = /^[\x00-\x7f]*$/;

/** The words of a name, in order. */
export function splitWords(name: string): Word[] {
  return ASCII.test(name) ? splitAsciiWords(name) : splitUnicodeWords(name);
}

/**
 * splitWords for a name in ASCII, the most common case, by character codes: NFKC leaves ASCII
 * as it is, its word characters are the letters and digits (all of the Latin script), its inner
 * marks the apostrophe and the backquote. The same words as splitUnicodeWords (a test holds them
 * to it), without a Unicode regular expression per character.
 */
export function splitAsciiWords(name: string): Word[] {
  const words: Word[] = [];
  // the word under way: `current` (pieces before inner marks) and the piece from `start`
  let current = "";
  let start = -1;
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isAsciiWordChar(c)) {
      if (start < 0) start = i;
      continue;
    }
    // an apostrophe or backquote inside a word is dropped and the word goes on
    if ((c === 39 || c === 96) && start >= 0 && i + 1 < name.length && isAsciiWordChar(name.charCodeAt(i + 1))) {
      current += name.slice(start, i);
      start = i + 1;
      continue;
    }
    if (start >= 0) words.push({ text: current + name.slice(start, i), script: "latin", dotted: c === 46, qualifier: depth > 0 });
    start = -1;
    current = "";
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  if (start >= 0) words.push({ text: current + name.slice(start), script: "latin", dotted: false, qualifier: depth > 0 });
  return words;
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** splitWords for any name. */
export function splitUnicodeWords(name: string): Word[] {
  const chars = [...name.normalize("NFKC")];
  const words: Word[] = [];
  let current = "";
  let depth = 0;
  const end = (dotted: boolean) => {
    if (current) words.push({ text: current, script: wordScript(current), dotted, qualifier: depth > 0 });
    current = "";
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (WORD_CHAR.test(c)) {
      // a change between Han and anything else starts a new word; Latin and Cyrillic may mix in one
      if (current && !/\p{M}/u.test(c) && HAN.test(c) !== HAN.test(current)) end(false);
      current += c;
      continue;
    }
    if (INNER_MARK.test(c) && current && WORD_CHAR.test(chars[i + 1] ?? "")) continue;
    end(c === ".");
    if (c === "(" || c === "[" || c === "{") depth++;
    else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
  }
  end(false);
  return words;
}

function wordScript(word: string): Script {
  if (HAN.test(word)) return "han";
  if (CYRILLIC.test(word)) return "cyrillic";
  return [...word].every((c) => LATIN.test(c) || /\p{M}/u.test(c)) ? "latin" : "other";
}

const ASCII_WORD = /^[A-Za-z0-9]+$/;

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ħ: "h", ı: "i", þ: "th", ð: "d", ŋ: "ng", ĸ: "k", ſ: "s",
};

/**
 * A word (already Latin, or in a script without a scheme of its own) folded to a-z0-9 pieces:
 * diacritics dropped (Kasperskij for Kasperskij, ž → z), special letters spelled out, other
 * scripts (Greek, Arabic, Hangul, kana ...) romanized the way the scan folds them.
 */
export function foldLatin(text: string): string[] {
  // a word of ASCII letters and digits (as splitWords gives them) folds to itself in lower case
  return ASCII_WORD.test(text) ? [text.toLowerCase()] : foldUnicode(text);
}

/** foldLatin for any word. */
export function foldUnicode(text: string): string[] {
  let s = text.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
  s = s.replace(/[ßæœøłđħıþðŋĸſ]/g, (c) => SPECIAL_LETTERS[c] ?? c);
  s = s.replace(/['’ʼʹʺ`´]/g, "");
  if (/[^\x00-\x7f]/.test(s)) s = foldText(s);
  return s.split(/[^a-z0-9]+/).filter(Boolean);
}
