/**
 * @module
 * Name folding shared by the catalog index, the matchers, the party resolver and the screening
 * normalizer, so both sides of every comparison go through the same steps: invisible (default
 * ignorable) code points out, Unicode NFKC, transliteration of non-Latin scripts (Cyrillic,
 * CJK ...) to Latin, lower case, punctuation to spaces, and for product names the removal of
 * version numbers and edition or architecture suffixes. Observed names are also cut at their
 * CamelCase boundaries ({@link productParts}), which the matchers may read as spaces.
 */
import { PUBLISHER_LEGAL_FORMS } from "./legal-forms.js";
import { lazyRequire } from "../util/lazy-require.js";
import { stripTrailingGroup } from "../util/trailing.js";

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The transliteration library, loaded on the first text no table below holds: loading it (its
 * character tables) took about 40 ms of every command's start-up, while the catalog's own
 * non-ASCII names are few and known at build time (see {@link addTransliterations}).
 */
const library = lazyRequire<{ transliterate(text: string): string }>("transliteration");

/** NFKC text → its transliteration, as the library gives it (see {@link addTransliterations}). */
const known = new Map<string, string>();

/** What {@link recordTransliterations} is collecting, while it runs. */
let recording: Map<string, string> | undefined;

/** The library's transliteration of NFKC-normalised `text`, from the table when it holds it. */
function transliterate(text: string): string {
  const latin = known.get(text) ?? library().transliterate(text);
  recording?.set(text, latin);
  return latin;
}

/**
 * Runs `work` and returns every transliteration it needed (NFKC text → Latin, as the library
 * gives it): the catalog's build step stores the ones building the match index needs.
 */
export function recordTransliterations(work: () => void): Record<string, string> {
  recording = new Map();
  try {
    work();
    return Object.fromEntries(recording);
  } finally {
    recording = undefined;
  }
}

/**
 * Remembers transliterations the library made earlier (a table from {@link recordTransliterations},
 * read with the compiled catalog), so that folding the catalog's names at start-up does not load
 * the library. Only speed depends on it: a text not in the table is transliterated by the library.
 */
export function addTransliterations(table: Readonly<Record<string, string>>): void {
  for (const [text, latin] of Object.entries(table)) known.set(text, latin);
}

/** The table {@link addTransliterations} filled: handed to a worker thread, whose module state starts empty. */
export function knownTransliterations(): Record<string, string> {
  return Object.fromEntries(known);
}

const SEPARATORS = /[^a-z0-9]+/g;

/** Tokens that describe a build, not a product: dropped from product names. */
const EDITION_TOKENS = new Set([
  "x64", "x86", "x32", "amd64", "arm64", "aarch64", "i386", "i686", "win32", "win64",
  "bit", "bits", "64bit", "32bit",
]);
/** A version-like token: 12, 6.0 (already split), v12, sp2, mr1, 21h2, 2010 ... */
const VERSION_TOKEN = /^(v?\d+[a-z]?|sp\d+|mr\d+|r\d+|build\d*|\d+h\d)$/;

/** Legal-form words dropped from publisher and entity names (AO, OOO, Inc, Ltd ...): one table, shared with screening. */
const LEGAL_FORMS = PUBLISHER_LEGAL_FORMS;

/**
 * Unicode's default-ignorable code points: the soft hyphen, zero-width space, joiners and
 * non-joiner, word joiner, BOM, Mongolian vowel separator, variation selectors, bidi marks, Hangul
 * fillers, tag characters ... They are invisible, so a name reads as if they were not there:
 * "Kas\u00ADpersky" is "Kaspersky". Taking them out joins the letters around them, the one step
 * here that joins. An observed name's parts ({@link productParts}) read one as a CamelCase
 * boundary instead, either way: "kaspersky\u200Btotal security" is "kaspersky total security"
 * too, as a zero-width space stands between words. Every one of them is outside ASCII, and the literal prefilter sends any record
 * with a byte outside ASCII (or a JSON `\u` escape) down the full path (match/prefilter.ts).
 */
export const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** NFKC text without ignorable code points, transliterated to Latin, case kept. */
function latinText(text: string): string {
  if (!NON_ASCII.test(text)) return text; // NFKC leaves ASCII as it is
  const s = text.replace(IGNORABLE, "").normalize("NFKC");
  return NON_ASCII.test(s) ? transliterate(s) : s;
}

/** Lower-case Latin text with single spaces: the base every other form starts from. */
export function foldText(text: string): string {
  return latinText(text).toLowerCase().replace(SEPARATORS, " ").trim();
}

export function tokens(folded: string): string[] {
  return folded === "" ? [] : folded.split(" ");
}

/**
 * "Anti-" words that product names write both as one word and as two: "Kaspersky Antivirus" is
 * "Kaspersky Anti-Virus". Split, so the two spellings meet; splitting (never joining) keeps every
 * token a substring of the raw name, which the literal prefilter relies on (match/prefilter.ts).
 */
const ANTI_WORD = /^anti(virus|malware|spyware|spam|ransomware|phishing|theft|banner|rootkit)$/;

/** A product or program name as tokens, without versions and edition suffixes, "anti-" words split. */
export function productTokens(name: string): string[] {
  const out: string[] = [];
  for (const t of tokens(foldText(name))) {
    const rewritten = productWord(t);
    if (rewritten) out.push(...rewritten);
    else out.push(t);
  }
  return out;
}

/** Marks a CamelCase boundary while a name is cut into parts: a control character, a separator wherever the input has it. */
const MARK = "\u0001";
/** A lower-case letter before an upper-case one ("TotalSecurity"), or an acronym's last letter before a word ("KESForWindows"). */
const CAMEL = /([a-z])(?=[A-Z])|([A-Z])(?=[A-Z][a-z])/g;
const HAS_CAMEL = /[a-z][A-Z]|[A-Z][A-Z][a-z]/;
const SEPARATORS_BUT_MARK = /[^a-z0-9\u0001]+/;

/**
 * A name's words, each cut at its CamelCase boundaries: `parts` in order, and `glued[i]` true
 * when parts i and i + 1 were one word ("KasperskyTotalSecurity" is kaspersky+total+security,
 * all glued). A matcher may read glued parts as one token or as several, so the CamelCase id
 * `KasperskyTotalSecurity` holds the catalog's "kaspersky total security", while "Kaspersky
 * EndPoint Security" still holds "kaspersky endpoint security" and "HuaweiHiSuite" "huawei
 * hisuite" (match/name-run.ts). Glued back together, the parts are the tokens the matching
 * `...Tokens` function gives; cutting never joins, so every part is still a substring of the raw
 * text (the literal prefilter's premise).
 */
export type NameParts = { readonly parts: readonly string[]; readonly glued: readonly boolean[] };

/**
 * {@link NameParts} of `text` folded as {@link foldText} folds it. `rewrite` sees each whole word
 * and may replace it with tokens of its own (not glued; [] drops the word), or keep its parts.
 */
function nameParts(text: string, rewrite: (word: string) => readonly string[] | undefined): NameParts {
  let s = text.includes(MARK) ? text.replaceAll(MARK, " ") : text;
  // an invisible code point may stand between two words ("kaspersky\u200Btotal security") or
  // inside one ("Kas\u00ADpersky"): as a CamelCase boundary, it is read either way
  if (NON_ASCII.test(s)) s = s.replace(IGNORABLE, MARK);
  s = latinText(s);
  if (HAS_CAMEL.test(s)) s = s.replace(CAMEL, `$1$2${MARK}`);
  const parts: string[] = [];
  const glued: boolean[] = [];
  for (const word of s.toLowerCase().split(SEPARATORS_BUT_MARK)) {
    if (word === "") continue;
    // marks side by side, or at a word's edge, leave empty pieces: they are no part
    const pieces = word.includes(MARK) ? word.split(MARK).filter((p) => p !== "") : undefined;
    if (pieces?.length === 0) continue;
    const replaced = rewrite(pieces ? pieces.join("") : word);
    if (replaced) {
      for (const t of replaced) parts.push(t), glued.push(false);
    } else if (pieces) {
      for (const p of pieces) parts.push(p), glued.push(true);
      glued[glued.length - 1] = false;
    } else {
      parts.push(word), glued.push(false);
    }
  }
  return { parts, glued };
}

/** A product token's rewrite: versions and editions dropped, "anti-" words split (as {@link productTokens}). */
function productWord(word: string): readonly string[] | undefined {
  if (VERSION_TOKEN.test(word) || EDITION_TOKENS.has(word)) return [];
  const anti = ANTI_WORD.exec(word);
  return anti ? ["anti", anti[1]!] : undefined;
}

/**
 * A product or program name as {@link NameParts}: glued back, its parts are its
 * {@link productTokens}. An "anti-" part of a CamelCase word is split as a word is
 * ("KasperskyAntivirus" holds "kaspersky anti virus"), its halves glued.
 */
export function productParts(name: string): NameParts {
  // the look-alike check and two matchers ask in turn for the same observation's name
  if (name !== lastProductName) {
    lastProductParts = splitAntiParts(nameParts(name, productWord));
    lastProductName = name;
  }
  return lastProductParts;
}
let lastProductName: string | undefined;
let lastProductParts: NameParts = { parts: [], glued: [] };

/** The parts glued back into words, spaced: `normalizeProductName` of the name {@link productParts} cut. */
export function joinedParts(name: NameParts): string {
  let out = "";
  name.parts.forEach((part, i) => (out += i > 0 && !name.glued[i - 1] ? ` ${part}` : part));
  return out;
}

/** An "anti-" part of a CamelCase word split in two glued parts. */
function splitAntiParts(words: NameParts): NameParts {
  if (!words.parts.some((p) => ANTI_WORD.test(p))) return words;
  const parts: string[] = [];
  const glued: boolean[] = [];
  words.parts.forEach((p, i) => {
    const anti = ANTI_WORD.exec(p);
    if (anti) parts.push("anti", anti[1]!), glued.push(true);
    else parts.push(p);
    glued.push(words.glued[i]!);
  });
  return { parts, glued };
}

/** An organization name (a publisher, an install folder) as {@link NameParts}: glued back, the tokens of {@link normalizeOrgName}. */
export function orgParts(name: string): NameParts {
  return nameParts(name, (word) => (LEGAL_FORMS.has(word) ? [] : undefined));
}

export function normalizeProductName(name: string): string {
  return productTokens(name).join(" ");
}

/** A publisher or organization name without legal forms: "AO Kaspersky Lab" → "kaspersky lab". */
export function normalizeOrgName(name: string): string {
  const kept = tokens(foldText(name)).filter((t) => !LEGAL_FORMS.has(t));
  return kept.join(" ");
}

/** Strips a trailing `<email>` or `(email)` from maintainer-style strings. */
export function stripContact(value: string): string {
  // linear time on long runs of spaces (src/text/trailing.ts)
  return stripTrailingGroup(value, "<(", (inside) => inside.includes("@") && !/[<>()]/.test(inside)).trim();
}

/** The file name part of a Windows or POSIX path, lower-cased. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return (parts[parts.length - 1] ?? "").toLowerCase();
}

/** A path compared case-insensitively with forward slashes, for prefix tests. */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, "/").toLowerCase();
}

/** DNS names: lower-case ASCII (punycode), no trailing dot (shared with the network readers). */
export { normalizeDomain } from "./domain-name.js";

/** systemd unit suffixes: `kesl.service`, `name.socket`, `name.timer` name the service `kesl`, `name`. */
const SYSTEMD_SUFFIX = /\.(service|socket|timer|path|target|mount|scope|slice)$/;

/**
 * A service name in the catalog's spelling, whatever platform wrote it: a systemd unit without its
 * type suffix and instance (`klnagent64@1.service` → `klnagent64`), a launchd plist file name
 * without `.plist` (`com.kaspersky.kav.plist` → `com.kaspersky.kav`), lower case. Windows service
 * names are taken as they are; their display names are product names, matched as such.
 */
export function normalizeServiceName(name: string): string {
  let s = baseName(name.trim());
  if (s.endsWith(".plist")) s = s.slice(0, -".plist".length);
  if (SYSTEMD_SUFFIX.test(s)) {
    s = s.replace(SYSTEMD_SUFFIX, "");
    const at = s.indexOf("@");
    if (at > 0) s = s.slice(0, at);
  }
  return s;
}
