/**
 * @module
 * The screening corpus: every name of every entity, normalized once into forms, with token
 * statistics (how many entities use each skeleton: the inverse document frequency behind token
 * weights) and a candidate index, so that screening a name looks at a few dozen names instead of
 * every name of every list.
 *
 * Index keys, per token of a name form (on its skeleton, so transliteration variants share keys):
 *   w:<skeleton>          the token itself; also two or three adjacent tokens written together
 *   d:<skeleton minus 1>  every single-letter deletion (tokens of 5+ letters): typos within one
 *                          edit meet on a shared deletion, as in SymSpell
 *   p:<first 7 letters>   long tokens: case endings and long abbreviations meet on the stem
 *   a:<initials>          the initials of a multi-word name, for acronyms ("ZTE")
 */
import { normalizeName, type NameForm } from "../normalize/index.js";
import { COUNTRY_WORDS } from "../normalize/country.js";
import { CN_PLACE_WORDS } from "../../text/places.js";
import { skeleton } from "../normalize/phonetic.js";
import { GENERIC_WORDS } from "../normalize/words.js";
import type { EntityName, ListedEntity } from "../model.js";
import { compTokens, joinedRuns, SIMILARITY, type CompTok, type JoinedRun } from "../score/tokens.js";

/** One form of one name of one entity. */
export type NameRecord = {
  entity: number;
  name: EntityName;
  form: NameForm;
  tokens: CompTok[];
  /** The tokens' joined runs (score/tokens.ts joinedRuns), computed once: every query that meets the record compares them. */
  runs: JoinedRun[];
};

const MIN_DELETE_LENGTH = 5;
/** A key met by a query token that is the acronym of the whole name record, or by a record token that is the acronym of the whole query. */
const COVERS_RECORD = 1;
const COVERS_QUERY = 2;
const PREFIX = 7;
/** Keys on more records than this are not used to find candidates (they would find everything). */
const MAX_POSTINGS = 50_000;

export class ScreeningCorpus {
  readonly entities: readonly ListedEntity[];
  readonly records: NameRecord[] = [];
  /** Key → the records holding it, ascending; built as arrays, then frozen into typed arrays (a quarter of the memory, and faster to read). */
  private readonly postings = new Map<string, number[] | Int32Array>();
  private readonly df = new Map<string, number>();
  private readonly maxWeight: number;
  private readonly genericWeight: number;
  private readonly placeWeight: number;

  constructor(entities: readonly ListedEntity[]) {
    this.entities = entities;
    entities.forEach((entity, e) => {
      const seen = new Set<string>();
      const skeletons = new Set<string>();
      const names: EntityName[] = [{ name: entity.name, kind: "name" }, ...entity.aliases];
      const person = entity.schema === "person";
      for (const name of names) {
        for (const form of normalizeName(name.name, { person })) {
          const key = form.tokens.map((t) => t.text).join(" ");
          if (form.tokens.length === 0 || seen.has(key)) continue;
          seen.add(key);
          const tokens = compTokens(form.tokens);
          const id = this.records.length;
          this.records.push({ entity: e, name, form, tokens, runs: joinedRuns(tokens) });
          for (const k of recordKeys(tokens)) this.add(k, id);
          for (const t of tokens) skeletons.add(t.sk);
        }
      }
      for (const s of skeletons) this.df.set(s, (this.df.get(s) ?? 0) + 1);
    });
    for (const [key, list] of this.postings) this.postings.set(key, Int32Array.from(list));
    this.maxWeight = Math.log(1 + Math.max(entities.length, 1));
    this.genericWeight = 0.3 * this.maxWeight;
    this.placeWeight = 0.15 * this.maxWeight;
    this.recordWeight = new Float64Array(this.records.length);
    this.recordPerson = new Uint8Array(this.records.length);
    this.records.forEach((r, id) => {
      let w = 0;
      for (const t of r.tokens) {
        t.w = this.weigh(t);
        w += t.w * (t.qualifier ? 0.5 : 1);
      }
      this.recordWeight[id] = w;
      this.recordPerson[id] = this.entities[r.entity]!.schema === "person" ? 1 : 0;
    });
  }

  /** Each record's total token weight (qualifiers at half), and whether it names a person: what the ranking estimates coverage with. */
  private recordWeight: Float64Array;
  private recordPerson: Uint8Array;


  private add(key: string, id: number): void {
    const list = this.postings.get(key) as number[] | undefined;
    if (!list) this.postings.set(key, [id]);
    else if (list[list.length - 1] !== id) list.push(id);
  }

  /**
   * A token's weight: ln(1 + N / df) over the N entities (a token no entity uses weighs as the
   * rarest), capped at 30% of the rarest for generic words and country names, and at 15% for
   * Chinese province and city names, which registered names carry in front and people leave out.
   */
  weigh = (token: CompTok): number => {
    const df = this.df.get(token.sk) ?? 0;
    const idf = Math.log(1 + this.entities.length / Math.max(df, 1));
    if (CN_PLACE_WORDS.has(token.text)) return Math.min(idf, this.placeWeight);
    return GENERIC_WORDS.has(token.text) || COUNTRY_WORDS.has(token.text) ? Math.min(idf, this.genericWeight) : idf;
  };

  /** Per-record scratch of `candidates` (the weight a query shares with each record, and which query tokens), reset after use. */
  private hitWeight = new Float64Array(0);
  private hitMask = new Int32Array(0);
  private touched = new Int32Array(0);
  private hitFlags = new Uint8Array(0);
  private hitEstimate = new Float64Array(0);

  /**
   * What a record would score if every key it shares with the query were an exact token: the
   * harmonic mean of the shares of the query's weight and of the record's weight that the keys
   * cover (the scorer's two coverages, src/screen/score/compare.ts). A query token that is the
   * acronym of the whole record (or a record token that is the acronym of the whole query)
   * covers that side at the acronym's similarity. Ranking by this rather than by the shared
   * weight alone puts "Hurras al-Din" before the hundred names that share only "al Din".
   */
  private estimate(id: number, shared: number, queryWeight: number, flags: number): number {
    const we = this.recordWeight[id]!;
    let ic = Math.min(1, shared / (queryWeight || 1));
    // a person's name parts the query leaves out count half, as the scorer counts them
    let ec = Math.min(1, this.recordPerson[id] ? shared / (shared + 0.5 * Math.max(0, we - shared) || 1) : shared / (we || 1));
    if (flags & COVERS_QUERY) ic = Math.max(ic, SIMILARITY.acronym);
    if (flags & COVERS_RECORD) ec = Math.max(ec, SIMILARITY.acronym);
    return ic + ec > 0 ? (2 * ic * ec) / (ic + ec) : 0;
  }

  /**
   * Entities' name records that share a key with the query, best first by their estimated score
   * (`estimate`), at most `limit` of them. Posting lists of common words are long (thousands of
   * records), so the tally is kept in typed arrays indexed by record rather than a map of
   * objects, and only the best `limit` are kept in order as the tally is read.
   */
  candidates(forms: readonly CompTok[][], limit: number): number[] {
    let queryWeight = Infinity;
    for (const tokens of forms) {
      let w = 0;
      for (const t of tokens) w += (t.w ?? this.weigh(t)) * (t.qualifier ? 0.5 : 1);
      if (w < queryWeight) queryWeight = w;
    }
    const n = this.records.length;
    if (this.hitWeight.length !== n) {
      this.hitWeight = new Float64Array(n);
      this.hitMask = new Int32Array(n);
      this.touched = new Int32Array(n);
      this.hitFlags = new Uint8Array(n);
      this.hitEstimate = new Float64Array(n);
    }
    const weight = this.hitWeight;
    const mask = this.hitMask;
    const touched = this.touched;
    let nTouched = 0;
    const flags = this.hitFlags;
    for (const tokens of forms) {
      const weights = tokens.map((t) => (t.w ?? this.weigh(t)) * (t.qualifier ? 0.5 : 1));
      for (const { key, token, span, covers, weight: keyWeight } of queryKeys(tokens)) {
        const list = this.postings.get(key);
        if (!list || list.length > MAX_POSTINGS) continue;
        const bit = 1 << Math.min(token, 30);
        let w = 0;
        if (keyWeight !== undefined) w = this.weigh(keyWeight);
        else for (const i of span) w += weights[i]!;
        for (let k = 0; k < list.length; k++) {
          const id = list[k]!;
          const m = mask[id]!;
          if (m === 0) {
            touched[nTouched++] = id;
            mask[id] = bit;
            weight[id] = w;
          } else if (!(m & bit)) {
            mask[id] = m | bit;
            weight[id] = weight[id]! + w;
          }
          if (covers) flags[id] = flags[id]! | covers;
        }
      }
    }
    let top = 0;
    for (let k = 0; k < nTouched; k++) if (weight[touched[k]!]! > top) top = weight[touched[k]!]!;
    // names that share far less weight with the query than the best one cannot outscore it
    const floor = top * 0.25;
    // the best `limit` by estimated score, kept sorted as they come (limit is a few dozen)
    const kept: number[] = [];
    const est = this.hitEstimate;
    for (let k = 0; k < nTouched; k++) {
      const id = touched[k]!;
      const t = weight[id]!;
      if (t < floor) continue;
      const e = this.estimate(id, t, queryWeight, flags[id]!);
      est[id] = e;
      if (kept.length === limit) {
        const last = kept[limit - 1]!;
        if (!before(e, t, id, est[last]!, weight[last]!, last)) continue;
        kept.pop();
      }
      let at = kept.length;
      while (at > 0 && before(e, t, id, est[kept[at - 1]!]!, weight[kept[at - 1]!]!, kept[at - 1]!)) at--;
      kept.splice(at, 0, id);
    }
    for (let k = 0; k < nTouched; k++) {
      const id = touched[k]!;
      mask[id] = 0;
      weight[id] = 0;
      flags[id] = 0;
    }
    return kept;
  }

  get size(): { entities: number; names: number; keys: number } {
    return { entities: this.entities.length, names: this.records.length, keys: this.postings.size };
  }
}

function deletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

function recordKeys(tokens: readonly CompTok[]): Set<string> {
  const keys = new Set<string>();
  tokens.forEach((t, i) => {
    keys.add("w:" + t.sk);
    if (t.sk.length >= MIN_DELETE_LENGTH - 1) {
      // a 4-letter skeleton is also a deletion of the 5-letter ones a query may hold (Hurras / Hueras)
      keys.add("d:" + t.sk);
      if (t.sk.length >= MIN_DELETE_LENGTH) for (const d of deletions(t.sk)) keys.add("d:" + d);
    }
    if (t.text.length >= PREFIX) keys.add("p:" + t.text.slice(0, PREFIX));
    for (let k = 2; k <= 3 && i + k <= tokens.length; k++) {
      const joined = skeleton(tokens.slice(i, i + k).map((x) => x.text).join(""));
      keys.add("w:" + joined);
      // a query word that is the joined form with one letter more (a plural kept inside) meets it on a deletion
      if (k === 2 && joined.length >= 10) keys.add("d:" + joined);
    }
  });
  if (tokens.length >= 2 && tokens.length <= 6) keys.add("a:" + tokens.map((t) => t.text[0]).join(""));
  return keys;
}

/** The keys a query looks up, each with the query token (bit) it stands for and the tokens it covers. */
type QueryKey = { key: string; token: number; span: number[]; covers?: number; weight?: CompTok };

function queryKeys(tokens: readonly CompTok[]): QueryKey[] {
  const out: QueryKey[] = [];
  tokens.forEach((t, i) => {
    const span = [i];
    out.push({ key: "w:" + t.sk, token: i, span });
    if (t.sk.length >= MIN_DELETE_LENGTH - 1) {
      out.push({ key: "d:" + t.sk, token: i, span });
      if (t.sk.length >= MIN_DELETE_LENGTH) for (const d of deletions(t.sk)) out.push({ key: "d:" + d, token: i, span });
    }
    if (t.text.length >= PREFIX) out.push({ key: "p:" + t.text.slice(0, PREFIX), token: i, span });
    if (t.text.length >= 2 && t.text.length <= 6) out.push({ key: "a:" + t.text, token: i, span, covers: COVERS_RECORD });
    for (let k = 2; k <= 3 && i + k <= tokens.length; k++) {
      const run = Array.from({ length: k }, (_, x) => i + x);
      out.push({ key: "w:" + skeleton(run.map((x) => tokens[x]!.text).join("")), token: i, span: run });
    }
  });
  if (tokens.length >= 2 && tokens.length <= 6) {
    const initials = tokens.map((t) => t.text[0]).join("");
    // the record's token weighs what the acronym does, not the words it stands for
    const sk = skeleton(initials);
    out.push({ key: "w:" + sk, token: 0, span: tokens.map((_, i) => i), covers: COVERS_QUERY, weight: { text: initials, from: initials, sk } });
  }
  return out;
}

/** Ranking order of candidates: higher estimate, then more shared weight, then the earlier record. */
function before(e: number, w: number, id: number, e2: number, w2: number, id2: number): boolean {
  return e > e2 || (e === e2 && (w > w2 || (w === w2 && id < id2)));
}
