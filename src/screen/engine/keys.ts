/**
 * @module
 * The keys on which a query meets the names of the screening lists (the candidate index,
 * candidate-index.ts, stores them; reference-index.ts is the plain version it is tested against).
 *
 * Keys, per token of a name form (on its skeleton, so transliteration variants share keys):
 *   w:<skeleton>          the token itself; also two or three adjacent tokens written together
 *   d:<skeleton minus 1>  every single-letter deletion (tokens of 5+ letters): typos within one
 *                          edit meet on a shared deletion, as in SymSpell; a 4-letter skeleton is
 *                          also its own deletion key (Hurras / Hueras)
 *   p:<first 7 letters>   long tokens: case endings and long abbreviations meet on the stem
 *   a:<initials>          the initials of a multi-word name, for acronyms ("ZTE")
 *
 * The keys of one token depend on its text alone (token keys); the joined runs and the initials
 * depend on the whole name (name keys). The index stores token keys once per distinct text and
 * name keys once per name, which is what lets a list of millions of names fit.
 */
import { skeleton } from "../normalize/phonetic.js";
import type { CompTok, JoinedRun } from "../score/tokens.js";

export const MIN_DELETE_LENGTH = 5;
export const PREFIX = 7;
/** A key met by a query token that is the acronym of the whole name record, or by a record token that is the acronym of the whole query. */
export const COVERS_RECORD = 1;
export const COVERS_QUERY = 2;
/** Joined runs this long (two tokens) also have a deletion key: a query word with one letter more (a plural kept inside) meets it. */
export const JOINED_DELETE_LENGTH = 10;

export function deletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

/** The deletion keys of a skeleton (without the "d:"): itself from 4 letters, each one-letter deletion from 5. */
export function deletionKeys(sk: string): string[] {
  if (sk.length < MIN_DELETE_LENGTH - 1) return [];
  return sk.length >= MIN_DELETE_LENGTH ? [sk, ...deletions(sk)] : [sk];
}

/** The initials of a name, when it has 2 to 6 tokens (its acronym key, without the "a:"). */
export function initialsKey(tokens: readonly CompTok[]): string | undefined {
  if (tokens.length < 2 || tokens.length > 6) return undefined;
  let s = "";
  for (const t of tokens) s += t.text.charAt(0);
  return s;
}

/** Every key of a name record, as one set of strings (the reference index stores exactly these). */
export function recordKeys(tokens: readonly CompTok[]): Set<string> {
  const keys = new Set<string>();
  tokens.forEach((t, i) => {
    keys.add("w:" + t.sk);
    for (const d of deletionKeys(t.sk)) keys.add("d:" + d);
    if (t.text.length >= PREFIX) keys.add("p:" + t.text.slice(0, PREFIX));
    for (let k = 2; k <= 3 && i + k <= tokens.length; k++) {
      const joined = skeleton(tokens.slice(i, i + k).map((x) => x.text).join(""));
      keys.add("w:" + joined);
      if (k === 2 && joined.length >= JOINED_DELETE_LENGTH) keys.add("d:" + joined);
    }
  });
  const initials = initialsKey(tokens);
  if (initials !== undefined) keys.add("a:" + initials);
  return keys;
}

/** Whether a record's joined runs give it the name key `w:x` (any run) or `d:x` (a two-token run of 10+ letters). */
export function runsHave(runs: readonly JoinedRun[], x: string, deletion: boolean): boolean {
  for (const r of runs) if (r.sk === x && (!deletion || (r.k === 2 && r.sk.length >= JOINED_DELETE_LENGTH))) return true;
  return false;
}

export const KEY_W = 0;
export const KEY_D = 1;
export const KEY_P = 2;
export const KEY_A = 3;
export type KeyKind = typeof KEY_W | typeof KEY_D | typeof KEY_P | typeof KEY_A;
const PREFIXES = ["w:", "d:", "p:", "a:"] as const;

/**
 * A key a query looks up: its kind and text, the query token (bit) it stands for, the tokens it
 * covers (first and count; or, for the acronym of the whole query, a token of its own to weigh),
 * and whether it meets a whole side as an acronym.
 */
export type QueryKey = { kind: KeyKind; x: string; token: number; from: number; count: number; covers: number; weight?: CompTok };

export function keyString(k: QueryKey): string {
  return PREFIXES[k.kind] + k.x;
}

/** The keys a query form looks up, in the order the tally reads them (which decides the weight a record is credited first). */
export function queryKeys(tokens: readonly CompTok[]): QueryKey[] {
  const out: QueryKey[] = [];
  tokens.forEach((t, i) => {
    out.push({ kind: KEY_W, x: t.sk, token: i, from: i, count: 1, covers: 0 });
    for (const d of deletionKeys(t.sk)) out.push({ kind: KEY_D, x: d, token: i, from: i, count: 1, covers: 0 });
    if (t.text.length >= PREFIX) out.push({ kind: KEY_P, x: t.text.slice(0, PREFIX), token: i, from: i, count: 1, covers: 0 });
    if (t.text.length >= 2 && t.text.length <= 6) out.push({ kind: KEY_A, x: t.text, token: i, from: i, count: 1, covers: COVERS_RECORD });
    for (let k = 2; k <= 3 && i + k <= tokens.length; k++) {
      let joined = "";
      for (let x = i; x < i + k; x++) joined += tokens[x]!.text;
      out.push({ kind: KEY_W, x: skeleton(joined), token: i, from: i, count: k, covers: 0 });
    }
  });
  const initials = initialsKey(tokens);
  if (initials !== undefined) {
    // the record's token weighs what the acronym does, not the words it stands for
    const sk = skeleton(initials);
    out.push({ kind: KEY_W, x: sk, token: 0, from: 0, count: tokens.length, covers: COVERS_QUERY, weight: { text: initials, from: initials, sk } });
  }
  return out;
}

/** FNV-1a over the UTF-16 code units of a key's text: where the index files a name key or a deletion. */
export function keyHash(x: string): number {
  return hashSkipping(x, -1);
}

/** keyHash of `x` with its character at `skip` left out (none when -1), without building that string. */
export function hashSkipping(x: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < x.length; i++) if (i !== skip) h = Math.imul(h ^ x.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Whether `a` without its character at `skipA` is `b` without its character at `skipB` (-1: none left out). */
export function equalSkipping(a: string, skipA: number, b: string, skipB: number): boolean {
  const la = a.length - (skipA >= 0 ? 1 : 0);
  if (la !== b.length - (skipB >= 0 ? 1 : 0)) return false;
  for (let i = 0, ia = 0, ib = 0; i < la; i++, ia++, ib++) {
    if (ia === skipA) ia++;
    if (ib === skipB) ib++;
    if (a.charCodeAt(ia) !== b.charCodeAt(ib)) return false;
  }
  return true;
}
