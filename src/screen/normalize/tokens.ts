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

/** The words of a name, in order. */
export function splitWords(name: string): Word[] {
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

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ħ: "h", ı: "i", þ: "th", ð: "d", ŋ: "ng", ĸ: "k", ſ: "s",
};

/**
 * A word (already Latin, or in a script without a scheme of its own) folded to a-z0-9 pieces:
 * diacritics dropped (Kasperskij for Kasperskij, ž → z), special letters spelled out, other
 * scripts (Greek, Arabic, Hangul, kana ...) romanized the way the scan folds them.
 */
export function foldLatin(text: string): string[] {
  let s = text.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
  s = s.replace(/[ßæœøłđħıþðŋĸſ]/g, (c) => SPECIAL_LETTERS[c] ?? c);
  s = s.replace(/['’ʼʹʺ`´]/g, "");
  if (/[^\x00-\x7f]/.test(s)) s = foldText(s);
  return s.split(/[^a-z0-9]+/).filter(Boolean);
}
