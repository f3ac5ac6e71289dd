/**
 * @module
 * Cyrillic → Latin transliteration under the schemes that lists, registries, passports and
 * papers actually use, as data. Screening renders a Cyrillic name under every scheme and
 * compares each rendering, so "Касперский" meets "Kasperskij" (ISO 9, scholarly), "Kasperskiy"
 * (BGN/PCGN, the US and UK government scheme OFAC and the CSL use), "Kasperskii" (ICAO Doc 9303,
 * Russian passports since 2013) and "Kaspersky" (the conventional English spelling, which drops
 * the -ий ending to -y). Which rendering matched is part of the explanation.
 *
 * Tables work on lower-case text. A letter missing from a scheme falls back to ISO 9.
 */

export type CyrillicScheme = {
  id: string;
  /** Shown in explanations. */
  label: string;
  letters: Readonly<Record<string, string>>;
  /** Context-dependent letters: return the rendering, or undefined for the table's. */
  context?: (letter: string, prev: string, next: string) => string | undefined;
  /** Applies to a whole rendered word, after the letters (conventional endings). */
  word?: (cyrillicWord: string, latin: string) => string;
};

const VOWELS = new Set([..."аеёиоуыэюяіїєў"]);
const SOFTENING = new Set(["ъ", "ь", "й"]);
const isWordStart = (prev: string) => prev === "" || !/\p{L}/u.test(prev);

/** ISO 9:1995 (= GOST 7.79-2000 system A): one Latin letter, with diacritics, per Cyrillic letter. */
const ISO9: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "ë", ж: "ž", з: "z", и: "i", й: "j", к: "k", л: "l",
  м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "c", ч: "č", ш: "š",
  щ: "ŝ", ъ: "ʺ", ы: "y", ь: "ʹ", э: "è", ю: "û", я: "â",
  // Ukrainian, Belarusian, South Slavic
  ґ: "g̀", є: "ê", і: "ì", ї: "ï", ў: "ŭ", ј: "ǰ", љ: "l̂", њ: "n̂", ђ: "đ", ћ: "ć", џ: "d̂", ѓ: "ǵ", ќ: "ḱ", ѕ: "ẑ",
};

/** GOST 7.79-2000 system B: ASCII only, with digraphs and marks. */
const GOST_B: Record<string, string> = {
  ...ISO9,
  ё: "yo", ж: "zh", й: "j", х: "x", ц: "c", ч: "ch", ш: "sh", щ: "shh", ъ: "``", ы: "y'", ь: "`", э: "e`", ю: "yu", я: "ya",
  ґ: "g`", є: "ye", і: "i", ї: "yi", ў: "u`",
};

/** BGN/PCGN 1947 for Russian: the scheme of US and UK government lists (OFAC, the CSL). */
const BGN_PCGN: Record<string, string> = {
  ...ISO9,
  ё: "ë", ж: "zh", й: "y", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "ʺ", ы: "y", ь: "ʹ", э: "e", ю: "yu", я: "ya",
  ґ: "g", є: "ye", і: "i", ї: "yi", ў: "w",
};

/** ICAO Doc 9303 (machine-readable passports; Russian passports since 2013). */
const ICAO: Record<string, string> = {
  ...ISO9,
  ё: "e", ж: "zh", й: "i", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "ie", ы: "y", ь: "", э: "e", ю: "iu", я: "ia",
  ґ: "g", є: "ie", і: "i", ї: "i", ў: "u",
};

/** Scholarly (scientific) transliteration, as in linguistics and library catalogues of Slavic studies. */
const SCHOLARLY: Record<string, string> = {
  ...ISO9,
  ё: "ë", х: "x", щ: "šč", э: "è", ю: "ju", я: "ja", є: "je", ї: "ji", і: "i", ґ: "g",
};

/** Ukrainian national transliteration (Cabinet of Ministers resolution 55 of 2010), for Ukrainian text. */
const UKRAINIAN: Record<string, string> = {
  ...ISO9,
  г: "h", ґ: "g", е: "e", є: "ie", ж: "zh", и: "y", і: "i", ї: "i", й: "i", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch",
  ь: "", ю: "iu", я: "ia", ъ: "", ы: "y", э: "e", ё: "io",
};

/** The conventional English spelling (news, company names, Wikipedia): BGN/PCGN without marks, -ий/-ый → -y. */
const CONVENTIONAL: Record<string, string> = {
  ...BGN_PCGN,
  ё: "yo", ъ: "", ь: "", ў: "u",
};

export const CYRILLIC_SCHEMES: readonly CyrillicScheme[] = [
  { id: "iso-9", label: "ISO 9:1995 / GOST 7.79 A", letters: ISO9 },
  {
    id: "gost-7.79-b",
    label: "GOST 7.79-2000 B",
    letters: GOST_B,
    // ц is "cz" before e, i, y, j and "c" elsewhere
    context: (letter, _prev, next) => (letter === "ц" ? (/[еиыйієї]/.test(next) ? "cz" : "c") : undefined),
  },
  {
    id: "bgn-pcgn",
    label: "BGN/PCGN",
    letters: BGN_PCGN,
    // е and ё are "ye", "yë" at the start of a word and after a vowel, й, ъ or ь
    context: (letter, prev) =>
      (letter === "е" || letter === "ё") && (isWordStart(prev) || VOWELS.has(prev) || SOFTENING.has(prev)) ? (letter === "е" ? "ye" : "yë") : undefined,
  },
  { id: "icao-9303", label: "ICAO Doc 9303 (passport)", letters: ICAO },
  { id: "scholarly", label: "scholarly", letters: SCHOLARLY },
  {
    id: "conventional",
    label: "conventional English",
    letters: CONVENTIONAL,
    context: (letter, prev) =>
      letter === "е" && (isWordStart(prev) || VOWELS.has(prev) || prev === "ь" || prev === "ъ") ? "ye" : undefined,
    // Касперский → Kaspersky, Достоевский → Dostoevsky, Новый → Novy
    word: (cyr, latin) => (/(ий|ый)$/.test(cyr) ? latin.replace(/(iy|yy)$/, "y") : latin),
  },
];

export const UKRAINIAN_SCHEME: CyrillicScheme = {
  id: "uk-national",
  label: "Ukrainian national (2010)",
  letters: UKRAINIAN,
  // at the start of a word є ї й ю я are ye yi y yu ya
  context: (letter, prev) => {
    if (!isWordStart(prev)) return undefined;
    return ({ є: "ye", ї: "yi", й: "y", ю: "yu", я: "ya" } as Record<string, string>)[letter];
  },
};

const CYRILLIC = /\p{Script=Cyrillic}/u;
const UKRAINIAN_LETTERS = /[ґєії]/i;

export function hasCyrillic(text: string): boolean {
  return CYRILLIC.test(text);
}

/** Renders lower-case text under one scheme; non-Cyrillic characters pass through. */
export function transliterateCyrillic(text: string, scheme: CyrillicScheme): string {
  const chars = [...text];
  let out = "";
  let word = "";
  let wordCyr = "";
  const flush = () => {
    out += scheme.word && wordCyr ? scheme.word(wordCyr, word) : word;
    word = "";
    wordCyr = "";
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!CYRILLIC.test(c)) {
      if (/\p{L}/u.test(c)) {
        word += c;
      } else {
        flush();
        out += c;
      }
      continue;
    }
    const prev = chars[i - 1] ?? "";
    const next = chars[i + 1] ?? "";
    word += scheme.context?.(c, prev, next) ?? scheme.letters[c] ?? ISO9[c] ?? c;
    wordCyr += c;
  }
  flush();
  return out;
}

/** The schemes that apply to a text: the Russian ones, plus the Ukrainian one when it has Ukrainian letters. */
export function schemesFor(text: string): readonly CyrillicScheme[] {
  return UKRAINIAN_LETTERS.test(text) ? [...CYRILLIC_SCHEMES, UKRAINIAN_SCHEME] : CYRILLIC_SCHEMES;
}
