/**
 * @module
 * A literal prefilter compiled from the match index: the short lower-case strings that any
 * record a matcher (or a look-alike rule) could fire on must contain, so that a reader can skip a
 * raw record (a CSV line, a JSON line of a results log) that contains none of them without
 * parsing it into an Observation. It is built from the same index the matchers use, so every
 * identifier, alias, publisher, brand word, domain, path, signer, package and look-alike key of
 * the catalog is covered with no code change.
 *
 * Why a literal is enough. Every matcher compares a *folded* field of the observation with a
 * folded catalog key: `foldText` (NFKC, transliteration when non-ASCII, lower case, every run of
 * characters other than `[a-z0-9]` to one space), `identifierKey` (lower case; paths with `/`),
 * and equality, prefix or contiguous-token comparison on the result. For a record made only of
 * ASCII characters, with no JSON `\u` escape and no `%XX` percent-escape, NFKC and
 * transliteration do nothing and every other decoding step (CSV quotes, JSON escapes such as
 * `\\` or `\/`, URL host names) only turns punctuation into punctuation. So every `[a-z0-9]` run of
 * a folded field is a substring of the lower-cased raw record, and a positive match of a catalog
 * key implies that each of the key's alphanumeric runs occurs in the record. One run per key is
 * then a sound literal; the longest one is taken (the rarest, in practice), and a literal that
 * contains another literal is dropped (the shorter one already finds it).
 *
 * Cutting an observed name at its CamelCase boundaries (fold.ts `productParts`) only splits, so
 * it keeps this true; a catalog token the matchers read across glued parts ("hisuite" in
 * "HuaweiHiSuite") is a substring of the record too, glued parts having nothing between them.
 *
 * What the literal test cannot judge is sent down the full path: any byte outside ASCII (UTF-8
 * Cyrillic, a BOM-less legacy code page), a `\u` escape, a `%XX` escape. Those alternatives are
 * part of {@link Prefilter.pattern}, so one regular-expression scan of a chunk finds both the
 * literals and the records that need the full path. Among them are the invisible code points
 * folding takes out (fold.ts `IGNORABLE`: a soft hyphen, a zero-width space ...), the one step
 * of folding that joins letters, so that "Ka<ZWSP>spersky" holds no literal yet folds to
 * "kaspersky": all of them are outside ASCII (prefilter.test.ts checks each).
 */
import type { CatalogIndex } from "./catalog-index.js";

export type Prefilter = {
  /**
   * The literals (lower-case ASCII, `[a-z0-9]` only), shortest first. A record that contains
   * none of them (case-insensitively) and passes {@link Prefilter.safe} cannot match.
   */
  readonly literals: readonly string[];
  /**
   * Global, case-insensitive: a literal, a byte or character outside ASCII, a `\u` escape or a
   * `%XX` escape. Run it over a chunk of text (or of bytes as latin1) to find the records that
   * need the full path; every other record can be counted and skipped.
   */
  readonly pattern: RegExp;
  /** The alternatives of `pattern` as a source string, to combine with a reader's own alternatives. */
  readonly source: string;
  /** False when some catalog key has no literal (then every record takes the full path). */
  readonly enabled: boolean;
  /** Whether one record (as text) may match: the test above on a single string. */
  mayMatch(record: string): boolean;
  /**
   * The same test on UTF-8 bytes, for a reader's fast path: the offset of the first byte, at or
   * after `from` and before `to`, where a literal ends or a byte the literals cannot judge
   * (non-ASCII, the `u` of `\u`, `%`, or one of `extra`'s) stands; -1 when there is none. A
   * multi-literal automaton (Aho–Corasick, case-folded), one table step per byte.
   */
  scan(bytes: Uint8Array, from: number, to: number, extra?: string): number;
  /**
   * {@link Prefilter.mayMatch} by the automaton of `scan`, over the string's UTF-16 code units
   * (anything outside ASCII stops it): a little wider (any `%` counts, and `\u`), and much
   * cheaper on short strings such as an observation's fields.
   */
  mayMatchText(text: string): boolean;
  /**
   * The automaton of `scan` (with `extra`, as there) for a reader that steps it inside its own
   * byte loop (the JSON line check, the compiled CSV run); undefined when the prefilter is off
   * (every record may match).
   */
  automaton(extra?: string): LiteralAutomaton | undefined;
};

/** What the literal test cannot judge: non-ASCII, JSON `\u` escapes, percent-escapes. */
export const UNSAFE_SOURCE = String.raw`[^\x00-\x7f]|\\u|%[0-9a-f]{2}`;

const ALNUM_RUN = /[a-z0-9]+/g;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Words that occur in most inventories (publishers, paths, URLs, generic product words): any run
 * of a key is a sound literal, so a rarer run is preferred when a key has one. Only speed
 * depends on this list, never recall.
 */
const COMMON_WORDS = new Set(
  (
    "com org net www http https exe dll sys app apps application applications support library program programs files " +
    "windows microsoft system system32 software security service services agent client server manager update updates " +
    "mobile data web core free link blue suite connect control daemon writer remover converter assistant technology " +
    "technologies international americas operations identified product products not development certification " +
    "certificate authority protection intelligence administration virtualization cybersecurity foundations download " +
    "downloads android defender consumer treatment personal network networks internet digital cloud pypi npm deb rpm " +
    "winget maven var log usr lib opt bin inc corp corporation ltd llc gmbh group lab labs the for and edition tools tool " +
    // in publishers such as "Zoom Video Communications, Inc.": the FCC list's "Hytera Communications" keys on "hytera"
    "communications telecommunications equipment"
  ).split(" "),
);

/** Words in nearly every Windows inventory row: the last resort. */
const EVERYWHERE = new Set(["microsoft", "windows", "program", "files", "corporation", "inc", "com", "software", "system32"]);

/** How good a run is as a literal: rare words first, then length. */
function rank(run: string): number {
  const tier = EVERYWHERE.has(run) ? 0 : COMMON_WORDS.has(run) || run.length < 3 ? 1 : 2;
  return tier * 1000 + run.length;
}

/** A key's literal: its best `[a-z0-9]` run (see {@link COMMON_WORDS}); undefined when it has none. */
export function literalOf(key: string): string | undefined {
  let best: string | undefined;
  for (const m of key.toLowerCase().matchAll(ALNUM_RUN)) if (!best || rank(m[0]) > rank(best)) best = m[0];
  return best;
}

/**
 * Every folded key any matcher or look-alike rule compares an observation field with, as the
 * index holds it. A record that can match one of them contains each of its alphanumeric runs.
 */
export function matchKeys(index: CatalogIndex): string[] {
  const keys: string[] = [];
  for (const map of index.exact.values()) keys.push(...map.keys());
  keys.push(...index.packageNames.keys());
  for (const list of index.prefixes.values()) for (const e of list) keys.push(e.value);
  for (const list of index.aliasesByFirstToken.values()) for (const a of list) keys.push(a.tokens.join(" "));
  keys.push(...index.publishers.keys());
  for (const b of index.brands) keys.push(b.tokens.join(" "));
  const l = index.lookalikes;
  keys.push(...l.names.keys(), ...l.namePrefixes.map((p) => p.prefix), ...l.publishers.keys());
  for (const k of l.identifiers.keys()) keys.push(k.slice(k.indexOf(":") + 1));
  return keys;
}

export function buildPrefilter(index: CatalogIndex): Prefilter {
  const found = new Set<string>();
  let enabled = true;
  for (const key of matchKeys(index)) {
    const literal = literalOf(key);
    if (literal) found.add(literal);
    // a key no ASCII record can equal (a Cyrillic identifier compared without folding) needs no
    // literal: such a record is non-ASCII and takes the full path anyway
    else if (!NON_ASCII.test(key)) enabled = false;
  }
  // shortest first; a literal containing a shorter one adds nothing
  const sorted = [...found].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const literals: string[] = [];
  for (const l of sorted) if (!literals.some((s) => l.includes(s))) literals.push(l);
  // longest first in the alternation, so the engine tries the specific ones first at a position
  const alternatives = [...literals].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const source = enabled ? [...alternatives, UNSAFE_SOURCE].join("|") : String.raw`[\s\S]`;
  const single = new RegExp(source, "i");
  const automata = new Map<string, LiteralAutomaton>();
  /** The automaton of `scan`, one per `extra` (built on first use). */
  const automatonWith = (extra: string): LiteralAutomaton => {
    let a = automata.get(extra);
    if (!a) automata.set(extra, (a = buildAutomaton(extra ? [...literals, "\\u", extra] : [...literals, "\\u"])));
    return a;
  };
  return {
    literals,
    pattern: new RegExp(source, "gi"),
    source,
    enabled,
    mayMatch: (record) => single.test(record),
    scan(bytes, from, to, extra = "") {
      if (!enabled) return from < to ? from : -1;
      return runAutomaton(automatonWith(extra), bytes, from, to);
    },
    mayMatchText(text) {
      if (!enabled) return true;
      return runOnText(automatonWith(""), text);
    },
    automaton(extra = "") {
      return enabled ? automatonWith(extra) : undefined;
    },
  };
}

/**
 * A byte automaton: the next state is `table[state + classes[byte]]`, states premultiplied by the
 * table's width; a literal ends (or a STOP byte stands) in every state at or above `hitFrom`.
 * State 0 is the root, and every byte of class 0 (one that is in no literal and is no STOP byte:
 * white space, quotes, JSON's structural characters ...) leads back to it.
 */
export type LiteralAutomaton = { classes: Uint8Array; table: Int32Array; hitFrom: number; width: number };

/** The class of bytes that are a hit by themselves: anything outside ASCII, and `%` (of `%XX`). */
const STOP = 1;

/**
 * Automata built in this thread, by their words: every scanner of a thread (a scan's own, and
 * the one reading the first part of a file read in parts) builds the same prefilter, and a
 * thread builds each automaton once. They are never written after they are built.
 */
const built = new Map<string, LiteralAutomaton>();
/** Distinct word lists kept (a catalog, a few readers' `extra`s; a test builds many). */
const BUILT_KEPT = 32;

/**
 * Aho–Corasick over bytes, case-insensitive for ASCII letters. Bytes that occur in no literal
 * share class 0 (they send the automaton back to its root), so the table stays small.
 */
export function buildAutomaton(words: readonly string[]): LiteralAutomaton {
  const key = words.join("\u0000");
  let a = built.get(key);
  if (!a) {
    if (built.size >= BUILT_KEPT) built.clear();
    built.set(key, (a = buildAutomatonOf(words)));
  }
  return a;
}

/**
 * The construction. A scan builds it at start-up, in code not yet compiled by the JIT, so the
 * JavaScript loops run over the literals' bytes only (a few thousand steps) and the table, some
 * 90,000 entries, is filled by copying rows natively: a state's row is its failure state's row
 * (complete already, the failure state being shallower) with the state's own edges written over.
 */
function buildAutomatonOf(words: readonly string[]): LiteralAutomaton {
  const classes = new Uint8Array(256);
  let count = 2; // 0: bytes in no literal, 1: STOP
  for (let b = 0x80; b < 256; b++) classes[b] = STOP;
  classes[0x25] = STOP; // %
  let capacity = 1;
  for (const w of words) {
    capacity += w.length;
    for (const ch of w.toLowerCase()) {
      const b = ch.charCodeAt(0);
      if (classes[b] === 0) {
        classes[b] = count;
        if (b >= 0x61 && b <= 0x7a) classes[b - 32] = count; // the upper-case letter too
        count++;
      }
    }
  }
  let shift = 0;
  while (1 << shift < count) shift++;
  const width = 1 << shift;
  // the trie, its states numbered as made (the root 0); child[s * width + c], 0 for none (the root is no state's child)
  const child = new Int32Array(capacity * width);
  const hit = new Uint8Array(capacity + 1);
  /** Each state's edges, by class. */
  const edges: number[][] = [[]];
  let n = 1;
  for (const w of words) {
    let s = 0;
    for (const ch of w.toLowerCase()) {
      const c = classes[ch.charCodeAt(0)]!;
      const at = s * width + c;
      if (child[at] === 0) {
        child[at] = n++;
        edges[s]!.push(c);
        edges.push([]);
      }
      s = child[at]!;
    }
    hit[s] = 1;
  }
  // breadth first: each state's failure state, and its hit (a literal ends here or at its failure state)
  const fail = new Int32Array(n);
  const order = [0];
  for (let q = 0; q < order.length; q++) {
    const r = order[q]!;
    for (const c of edges[r]!) {
      const t = child[r * width + c]!;
      if (r !== 0) {
        let f = fail[r]!;
        while (f !== 0 && child[f * width + c] === 0) f = fail[f]!;
        fail[t] = child[f * width + c]!;
        if (hit[fail[t]!] === 1) hit[t] = 1;
      }
      order.push(t);
    }
  }
  // STOP bytes lead to a state of their own that is a hit, and it is left as the root is
  const stop = n;
  hit[stop] = 1;
  // Numbered for the scanning loop: states that are not hits first (the root stays 0), hits
  // after, and every entry premultiplied by the width, so one step is one load and one compare.
  const id = new Int32Array(n + 1);
  let firstHit = 0;
  for (let s = 0; s <= n; s++) if (hit[s] === 0) id[s] = firstHit++;
  let k = firstHit;
  for (let s = 0; s <= n; s++) if (hit[s] === 1) id[s] = k++;
  const table = new Int32Array((n + 1) * width);
  for (const r of order) {
    const row = id[r]! * width;
    if (r !== 0) table.copyWithin(row, id[fail[r]!]! * width, id[fail[r]!]! * width + width);
    for (const c of edges[r]!) table[row + c] = id[child[r * width + c]!]! * width;
    table[row + STOP] = id[stop]! * width;
  }
  table.copyWithin(id[stop]! * width, 0, width);
  return { classes, table, hitFrom: firstHit * width, width };
}

/** The offset of the first byte in `bytes[from, to)` where `a` hits, from its root; -1 when none does. */
export function runAutomaton(a: LiteralAutomaton, bytes: Uint8Array, from: number, to: number): number {
  const { classes, table, hitFrom } = a;
  let s = 0;
  for (let i = from; i < to; i++) {
    s = table[s + classes[bytes[i]!]!]!;
    if (s >= hitFrom) return i;
  }
  return -1;
}

function runOnText(a: LiteralAutomaton, text: string): boolean {
  const { classes, table, hitFrom } = a;
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    s = table[s + classes[c < 0x80 ? c : 0x80]!]!;
    if (s >= hitFrom) return true;
  }
  return false;
}
