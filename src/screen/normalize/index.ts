/**
 * @module
 * The screening normalizer: a name as written ("АО «Лаборатория Касперского»", "KASPERSKY LABS
 * LTD.", "杭州海康威视数字技术股份有限公司") becomes one or more *forms*, each a list of comparable
 * tokens with what they came from. A Cyrillic name gives one form per transliteration scheme
 * (identical renderings are merged); other names give one. Along the way legal forms are dropped
 * and remembered, stop words dropped, abbreviations expanded ("Tech." → technology), plurals
 * folded ("Labs" → laboratory), Chinese segmented and read in pinyin or translated.
 *
 * Both sides of every comparison go through this, so an entity's names and a counterparty's
 * name are always compared in the same terms.
 */
import { capName } from "../name-length.js";
import { segmentHan } from "./cjk.js";
import { schemesFor, transliterateCyrillic, type CyrillicScheme } from "./cyrillic.js";
import { LEGAL_FORMS, type LegalForm, type LegalFormClass } from "../../text/legal-forms.js";
import { skeleton } from "./phonetic.js";
import { stem } from "./stem.js";
import { foldLatin, splitWords, type Word } from "./tokens.js";
import { ABBREVIATIONS, PINYIN_WORDS, STOPWORDS } from "./words.js";

export { stem } from "./stem.js";

export type TokenVia = "pinyin" | "translation" | "abbreviation" | "transliteration";

export type Token = {
  /** The comparison text: folded, abbreviation expanded, plural folded. */
  text: string;
  /** What it was written as. */
  from: string;
  /** How `text` was derived from `from`, when not by plain folding. */
  via?: TokenVia;
  /** Written with a dot after it (an abbreviation or an initial). */
  dotted?: boolean;
  /** Inside parentheses ("(USA)"): weighs less. */
  qualifier?: boolean;
};

export type LegalFormHit = { text: string; lang: string; class: LegalFormClass; meaning: string };

export type NameForm = {
  tokens: Token[];
  /** The transliteration schemes that give this form (Cyrillic names). */
  schemes?: { id: string; label: string }[];
  /** The Latin rendering of the whole name in this form, for explanations. */
  rendered: string;
  legalForms: LegalFormHit[];
};

export type NormalizeOptions = {
  /** People's names keep initials and lose no "legal forms" (a person called "Co" stays Co). */
  person?: boolean;
};

/** Stop words that are also syllables of names written apart (Da Hua, De Beers): kept in a second form. */
const SYLLABLE_STOPWORDS: ReadonlySet<string> = new Set(["da", "de", "di", "du"]);

/** A piece of a name before legal forms are taken out. */
type Piece = Token & { form?: LegalForm };

export function normalizeName(name: string, options: NormalizeOptions = {}): NameForm[] {
  // a name past the cap is cut, so no input can make screening slow (src/screen/name-length.ts)
  const words = splitWords(capName(name).replace(/[«»“”„‟"]/g, " "));
  const cyrillic = words.some((w) => w.script === "cyrillic");
  const schemes: (CyrillicScheme | undefined)[] = cyrillic ? [...schemesFor(name.toLowerCase())] : [undefined];
  const byKey = new Map<string, NameForm>();
  for (const scheme of schemes) {
    const pieces = words.flatMap((w) => wordPieces(w, scheme));
    const forms = [finish(pieces, options)];
    // a stop word may be half of a word written apart ("Zhejiang Da Hua" for Dahua): the name
    // is also compared with its stop words kept, so the halves can meet the joined word
    if (!options.person && pieces.some((p) => SYLLABLE_STOPWORDS.has(p.text))) forms.push(finish(pieces, options, true));
    for (const form of forms) {
      const key = form.tokens.map((t) => t.text).join(" ");
      const seen = byKey.get(key);
      if (seen) {
        if (scheme && !seen.schemes!.some((x) => x.id === scheme.id)) seen.schemes!.push({ id: scheme.id, label: scheme.label });
        continue;
      }
      if (scheme) form.schemes = [{ id: scheme.id, label: scheme.label }];
      byKey.set(key, form);
    }
  }
  return [...byKey.values()];
}

/** The single comparison key of a name (its first form's tokens), e.g. for allow-list entries. */
export function nameKey(name: string, options: NormalizeOptions = {}): string {
  return (normalizeName(name, options)[0]?.tokens ?? []).map((t) => t.text).join(" ");
}

function wordPieces(word: Word, scheme: CyrillicScheme | undefined): Piece[] {
  const base = { ...(word.dotted ? { dotted: true } : {}), ...(word.qualifier ? { qualifier: true } : {}) };
  if (word.script === "han") {
    return segmentHan(word.text).flatMap((p): Piece[] =>
      p.kind === "legal-form"
        ? [{ text: "", from: p.from, form: p.form, ...base }]
        : p.text.split(" ").map((text) => ({ text, from: p.from, via: p.via, ...base })),
    );
  }
  const latin = word.script === "cyrillic" && scheme ? transliterateCyrillic(word.text.toLowerCase(), scheme) : word.text;
  const parts = foldLatin(latin);
  return parts.map((text, i) => ({
    text,
    from: word.text,
    ...(word.script === "cyrillic" ? { via: "transliteration" as const } : {}),
    ...(word.qualifier ? { qualifier: true } : {}),
    ...(word.dotted && i === parts.length - 1 ? { dotted: true } : {}),
  }));
}

function finish(pieces: Piece[], options: NormalizeOptions, keepStopwords = false): NameForm {
  const rendered = pieces.map((p) => p.text).filter(Boolean).join(" ");
  const legalForms: LegalFormHit[] = [];
  let kept: Piece[] = pieces;
  if (!options.person) {
    kept = [];
    for (const p of pieces) {
      if (p.form) legalForms.push(hit(p.from, p.form));
      else kept.push(p);
    }
    kept = stripLegalForms(kept, legalForms);
    if (!keepStopwords) kept = kept.filter((p) => !STOPWORDS.has(p.text) || kept.length === 1);
  }
  const tokens = kept.map((p) => finalToken(p, options));
  return { tokens, rendered, legalForms };
}

function finalToken(p: Piece, options: NormalizeOptions): Token {
  // the piece's fields but its legal form, copied by hand: object rest (`{ form, ...token }`)
  // is a slow path in V8, and every name screened goes through here
  const token: Token = { text: p.text, from: p.from };
  if ("via" in p) token.via = p.via;
  if ("dotted" in p) token.dotted = p.dotted;
  if ("qualifier" in p) token.qualifier = p.qualifier;
  if (options.person) return token;
  const expanded = Object.hasOwn(ABBREVIATIONS, token.text) ? ABBREVIATIONS[token.text] : undefined;
  if (expanded) {
    token.text = stem(expanded);
    token.via = token.via ?? "abbreviation";
    return token;
  }
  const meaning = Object.hasOwn(PINYIN_WORDS, token.text) ? PINYIN_WORDS[token.text] : undefined;
  if (meaning) {
    token.text = stem(meaning);
    token.via = "translation";
    return token;
  }
  token.text = stem(token.text);
  return token;
}


function hit(text: string, form: LegalForm): LegalFormHit {
  return { text, lang: form.lang, class: form.class, meaning: form.meaning };
}

// --- legal forms -------------------------------------------------------------------------

/**
 * A legal form's spelling as the pieces of a name: `keys` are their skeletons, `texts` their
 * folded text. A piece of under four letters has no skeleton of its own (skeleton() leaves it
 * as it is), so it is met by its text alone: else a longer word whose skeleton shrinks to it
 * ("Asia" to Norwegian "ASA", "Zhao" to "ZAO", "Chio" to "Co") was taken out of the name as a
 * legal form, and "ASIA ENERGY GENERAL TRADING" was screened as "energy general trading".
 */
type CompiledForm = { keys: string[]; texts: string[]; form: LegalForm };

/** Every spelling of every legal form, as skeleton sequences under every scheme; longest first. */
const COMPILED: CompiledForm[] = (() => {
  const out = new Map<string, CompiledForm>();
  for (const form of LEGAL_FORMS) {
    for (const spelling of form.forms) {
      if (/\p{Script=Han}/u.test(spelling)) continue; // taken out by the Chinese segmenter
      const words = splitWords(spelling);
      const schemes: (CyrillicScheme | undefined)[] = words.some((w) => w.script === "cyrillic") ? [...schemesFor(spelling.toLowerCase())] : [undefined];
      for (const scheme of schemes) {
        const texts = words.flatMap((w) => wordPieces(w, scheme)).map((p) => p.text);
        const keys = texts.map((t) => skeleton(t));
        const id = texts.join(" ");
        if (keys.length > 0 && !out.has(id)) out.set(id, { keys, texts, form });
      }
    }
  }
  return [...out.values()].sort((a, b) => b.keys.length - a.keys.length);
})();

/** The compiled forms by their first skeleton, so a position is tried only against forms that can start there. */
const BY_FIRST: ReadonlyMap<string, CompiledForm[]> = (() => {
  const out = new Map<string, CompiledForm[]>();
  for (const c of COMPILED) {
    const list = out.get(c.keys[0]!);
    if (list) list.push(c);
    else out.set(c.keys[0]!, [c]);
  }
  return out;
})();

function matchAt(pieces: Piece[], at: number, skeletons: string[]): CompiledForm | undefined {
  // longest first, as COMPILED is ordered
  for (const c of BY_FIRST.get(skeletons[at]!) ?? []) {
    if (at + c.keys.length > pieces.length) continue;
    let ok = true;
    for (let k = 0; k < c.keys.length && ok; k++) {
      const text = c.texts[k]!;
      ok = text.length < 4 ? pieces[at + k]!.text === text : skeletons[at + k] === c.keys[k];
    }
    if (ok) return c;
  }
  return undefined;
}

/**
 * Takes legal forms out: forms marked `edge` only at the start or the end of the name (peeled
 * repeatedly, so "Co., Ltd." and "GmbH & Co. KG" go), the others anywhere. A name that would be
 * left with nothing keeps its words.
 */
function stripLegalForms(pieces: Piece[], hits: LegalFormHit[]): Piece[] {
  let rest = pieces;
  const found: LegalFormHit[] = [];
  for (let changed = true; changed && rest.length > 0; ) {
    changed = false;
    const sk = rest.map((p) => skeleton(p.text));
    for (let at = 0; at < rest.length; at++) {
      const c = matchAt(rest, at, sk);
      if (!c) continue;
      const atEdge = at === 0 || at + c.keys.length === rest.length;
      if (c.form.edge && !atEdge) continue;
      if (rest.length === c.keys.length && found.length === 0 && hits.length === 0) break; // the whole name
      found.push(hit(rest.slice(at, at + c.keys.length).map((p) => p.from).join(" "), c.form));
      rest = [...rest.slice(0, at), ...rest.slice(at + c.keys.length)];
      changed = true;
      break;
    }
  }
  if (rest.length === 0) return pieces;
  hits.push(...found);
  return rest;
}
