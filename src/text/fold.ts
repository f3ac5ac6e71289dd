/**
 * @module
 * Name folding shared by the catalog index, the matchers, the party resolver and the screening
 * normalizer, so both sides of every comparison go through the same steps: Unicode NFKC, transliteration of non-Latin scripts
 * (Cyrillic, CJK ...) to Latin, lower case, punctuation to spaces, and for product names the
 * removal of version numbers and edition or architecture suffixes.
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

/** Lower-case Latin text with single spaces: the base every other form starts from. */
export function foldText(text: string): string {
  let s = text.normalize("NFKC");
  if (NON_ASCII.test(s)) s = transliterate(s);
  return s.toLowerCase().replace(SEPARATORS, " ").trim();
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
    if (VERSION_TOKEN.test(t) || EDITION_TOKENS.has(t)) continue;
    const anti = ANTI_WORD.exec(t);
    if (anti) out.push("anti", anti[1]!);
    else out.push(t);
  }
  return out;
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
