/**
 * @module
 * Countries as ISO 3166-1 alpha-2 codes, from what lists and users write: codes (RU, RUS, ru),
 * English names ("Russian Federation", "Russia"), and the list spellings that no standard has
 * ("Korea, North", "Burma", "Region: Crimea", "Congo, Democratic Republic of the"). Names come
 * from i18n-iso-countries; the quirks of OFAC and the CSL are the table below. Country words
 * also weigh little in names ("Kaspersky Lab Switzerland" is still Kaspersky Lab).
 */
import { createRequire } from "node:module";
import countries from "i18n-iso-countries";
import { stem } from "./stem.js";
import { foldUnicode } from "./tokens.js";

const require = createRequire(import.meta.url);
countries.registerLocale(require("i18n-iso-countries/langs/en.json") as Parameters<typeof countries.registerLocale>[0]);

/** Spellings on OFAC, CSL and OpenSanctions data that are not country names of the standard. */
const QUIRKS: Readonly<Record<string, string>> = {
  "bahamas, the": "BS", brunei: "BN", burma: "MM", "congo, democratic republic of the": "CD", "congo, republic of the": "CG",
  "cote d ivoire": "CI", "cote d'ivoire": "CI", "korea, north": "KP", "north korea": "KP", "korea, south": "KR", "south korea": "KR",
  laos: "LA", macau: "MO", moldova: "MD", "netherlands antilles": "AN", palestinian: "PS", "west bank": "PS", "region: gaza": "PS",
  "region: crimea": "UA", crimea: "UA", syria: "SY", russia: "RU", iran: "IR", "united states": "US", usa: "US", "u.s.a.": "US",
  "united kingdom": "GB", uk: "GB", "great britain": "GB", england: "GB", "hong kong": "HK", taiwan: "TW", vietnam: "VN",
  "czech republic": "CZ", turkey: "TR", "soviet union": "SU", ussr: "SU", suhh: "SU", "kosovo": "XK", "xk": "XK",
  "democratic people's republic of korea": "KP", "republic of korea": "KR", "lao people's democratic republic": "LA",
  "region: kafia kingi": "SS", "region: northern mali": "ML", "the gambia": "GM", "micronesia": "FM", "vatican city": "VA",
};

const known = new Map<string, string | undefined>();

/** The ISO alpha-2 code for what was written, or undefined when it is no country we know. */
export function countryCode(value: string | undefined | null): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (known.has(v)) return known.get(v);
  const code = lookUp(v);
  if (known.size < 10_000) known.set(v, code);
  return code;
}

function lookUp(v: string): string | undefined {
  if (v === "-0-") return undefined;
  const lower = v.toLowerCase();
  if (QUIRKS[lower]) return QUIRKS[lower];
  if (/^[a-z]{2}$/i.test(v) && (countries.isValid(v.toUpperCase()) || v.toUpperCase() === "XK")) return v.toUpperCase();
  if (/^[a-z]{3}$/i.test(v)) return countries.alpha3ToAlpha2(v.toUpperCase());
  return countries.getAlpha2Code(v, "en") ?? countries.getSimpleAlpha2Code(v, "en");
}

/** The English name of a code, for explanations. */
export function countryName(code: string): string {
  return countries.getName(code, "en", { select: "official" }) ?? code;
}

/**
 * Languages whose country names subsidiaries carry in their registered names ("Huawei
 * Technologies Deutschland GmbH", "ZTE Deutschland GmbH", "Kaspersky Lab Italia", "... Polska
 * Sp. z o.o.", "... do Brasil Ltda."): Latin-script languages of company registers. With English
 * names only, "Deutschland" weighed as a rare word and the subsidiary was not matched.
 */
const NAME_LANGS = ["de", "fr", "it", "es", "pt", "nl", "pl", "sv", "da", "nb", "fi", "cs", "sk", "hu", "ro", "tr", "hr", "sl", "id", "ms"] as const;

/**
 * Folded words of country names in English and NAME_LANGS ("switzerland", "schweiz"; "russian" is
 * not one: only names), as the normalizer folds and stems them. Made on first use: the list
 * readers load this module for {@link countryCode} only.
 */
export function countryWords(): ReadonlySet<string> {
  return (countryWordSet ??= makeCountryWords());
}
let countryWordSet: ReadonlySet<string> | undefined;

function makeCountryWords(): ReadonlySet<string> {
  const words = new Set<string>();
  const add = (lang: string, oneWordOnly: boolean) => {
    for (const list of Object.values(countries.getNames(lang, { select: "all" }))) {
      for (const name of list) {
        const folded = foldUnicode(name);
        // the other languages' names of one word only ("Deutschland", "Polska"): the words of their
        // long forms ("Centro", "Santa", "Popular", "Nueva") are everyday words of company names
        if (oneWordOnly && folded.length !== 1) continue;
        for (const w of folded) {
          if (w.length < 4 || /\d/.test(w)) continue;
          words.add(w);
          words.add(stem(w));
        }
      }
    }
  };
  add("en", false);
  for (const lang of NAME_LANGS) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as Parameters<typeof countries.registerLocale>[0]);
    add(lang, true);
  }
  // words of long-form names that are no country's name, in English and in the other languages
  for (const w of ["republic", "islands", "island", "saint", "united", "states", "kingdom", "federation", "democratic", "people"]) words.delete(w);
  return words;
}
