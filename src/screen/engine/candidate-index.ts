/**
 * @module
 * The candidate index: which name records share a key (keys.ts) with a query, ranked by the
 * score they would get if every shared key were an exact token, so that screening a name scores
 * a few dozen records instead of every name of every list.
 *
 * It is held in a few typed arrays rather than a map of key strings to arrays of records, which
 * took gigabytes for two million names:
 * - token keys (w:/d:/p: of one token) are filed by distinct text: each text lists the records
 *   holding it, and each key the skeletons or texts that have it (a few hundred thousand small
 *   entries, whatever the number of names);
 * - name keys (joined runs, initials) are filed by a 32-bit hash of their text in buckets; a
 *   record found in a bucket is checked against its own tokens before it counts, so a hash
 *   collision never adds a candidate.
 * A key is looked up as the union of what it is filed under, which is the set of records the
 * plain index (reference-index.ts, the test's yardstick) would list for it.
 */
import type { CompTok, JoinedRun } from "../score/tokens.js";
import { SIMILARITY } from "../score/tokens.js";
import { GrowableUint, type MonotoneColumn } from "./growable.js";
import { Int32Log } from "./int32-log.js";
import { skeleton } from "../normalize/phonetic.js";
import { COVERS_QUERY, COVERS_RECORD, equalSkipping, hashSkipping, initialsKey, JOINED_DELETE_LENGTH, keyHash, MIN_DELETE_LENGTH, PREFIX, runsHave } from "./keys.js";
import type { TokenVocab } from "./vocab.js";

/** Records expected past which a build keeps its name keys in a temporary file until `finish` (see Int32Log). */
export const SPILL_ABOVE = 1 << 20;

/** Keys on more records than this are not used to find candidates (they would find everything). */
export const MAX_POSTINGS = 50_000;

/**
 * A name key entry is one 32-bit number: the record (24 bits), the key's kinds (3 bits: a joined
 * run w:, a two-token run of 10+ letters d:, the initials a:) and 5 more bits of its hash, which
 * pass over most other keys of the bucket without checking them against their records.
 */
const NK_W = 1;
const NK_D = 2;
const NK_A = 4;
const NK_SHIFT = 24;
const NK_RECORD = (1 << NK_SHIFT) - 1;
const NK_FRAG_SHIFT = 27;

/** What the index reads of the records: their tokens and joined runs (to check a name key), their weight and kind (to rank). */
export interface RecordView {
  tokens(id: number): readonly CompTok[];
  runs(id: number): readonly JoinedRun[];
}

export type RankInput = {
  weigh: (t: CompTok) => number;
  /** A record's total token weight (qualifiers at half). */
  recordWeight: (id: number) => number;
  /** Whether the record names a person. */
  recordPerson: (id: number) => boolean;
};

/** The 5 bits of a name key's hash its entry keeps (the high ones: the bucket is the low ones). */
function fragOf(h: number): number {
  return h >>> 27;
}

/** Compressed lists: list i is values[start[i]] .. values[start[i + 1] - 1]. */
type Csr = { start: Int32Array; values: Int32Array };

function csr(lists: readonly (readonly number[])[]): Csr {
  const start = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) start[i + 1] = start[i]! + lists[i]!.length;
  const values = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => values.set(l, start[i]!));
  return { start, values };
}

/** Collects the records as they are read; `finish` turns them into the index. */
export class CandidateIndexBuilder {
  private records = 0;
  /**
   * Name keys as they come, one number each: the bucket their hash files them in, their kinds
   * and 5 bits of their hash (the record is implicit: `nkCount` says how many each record has).
   * The buckets are fixed at the start from the number of records expected (about one bucket a
   * record, which has about four keys), so that a key needs four bytes until `finish`.
   */
  private readonly nkCount: GrowableUint;
  private readonly nkPacked: Int32Log;
  private readonly bucketBits: number;
  private readonly recordHashes: number[] = [];
  private readonly recordPacked: number[] = [];

  /**
   * `spillAbove`: with more records expected than this, the name keys wait for `finish` in a
   * temporary file rather than in memory (int32-log.ts).
   */
  constructor(expectedRecords = 0, spillAbove = SPILL_ABOVE) {
    let bits = 4;
    while (bits < 24 && 1 << bits < expectedRecords) bits++;
    this.bucketBits = bits;
    this.nkCount = new GrowableUint(expectedRecords);
    this.nkPacked = new Int32Log(expectedRecords > spillAbove);
  }

  /** One record (records are numbered in the order they are added): its tokens and joined runs. */
  add(tokens: readonly CompTok[], runs: readonly JoinedRun[]): void {
    if (this.records > NK_RECORD) throw new Error(`the screening index holds at most ${NK_RECORD + 1} names`);
    const hashes = this.recordHashes;
    const packed = this.recordPacked;
    hashes.length = 0;
    packed.length = 0;
    const mask = (1 << this.bucketBits) - 1;
    const put = (x: string, kind: number) => {
      const h = keyHash(x);
      // a record's runs may repeat a text (two runs joined alike): one entry, with both kinds
      const seen = hashes.indexOf(h);
      if (seen >= 0) {
        packed[seen] = packed[seen]! | (kind << 5);
        return;
      }
      hashes.push(h);
      packed.push(((h & mask) << 8) | (kind << 5) | fragOf(h));
    };
    for (const r of runs) put(r.sk, r.k === 2 && r.sk.length >= JOINED_DELETE_LENGTH ? NK_W | NK_D : NK_W);
    const initials = initialsKey(tokens);
    if (initials !== undefined) put(initials, NK_A);
    for (const v of packed) this.nkPacked.push(v);
    this.nkCount.push(packed.length);
    this.records++;
  }

  /** Forgets what was added (and removes the name keys' temporary file): for a build that stops. */
  discard(): void {
    this.nkPacked.close();
  }

  /**
   * The index, from the records added and their tokens (record id → shape ids in `recTokStart`
   * / `recToks`, shapes → texts in `vocab`).
   */
  finish(vocab: TokenVocab, recTokStart: MonotoneColumn, recToks: Uint8Array | Uint16Array | Int32Array): CandidateIndex {
    const nRecords = this.records;
    const nTexts = vocab.texts.length;
    // records of each text, ascending and once each (a name may repeat a word): a counting sort
    const count = new Int32Array(nTexts + 1);
    const last = new Int32Array(nTexts).fill(-1);
    for (let r = 0; r < nRecords; r++) {
      for (let k = recTokStart.get(r), end = recTokStart.get(r + 1); k < end; k++) {
        const t = vocab.shapeText[recToks[k]!]!;
        if (last[t] !== r) {
          last[t] = r;
          count[t + 1]!++;
        }
      }
    }
    for (let t = 0; t < nTexts; t++) count[t + 1]! += count[t]!;
    const textPost = new Int32Array(count[nTexts]!);
    const fill = count.slice(0, nTexts);
    last.fill(-1);
    for (let r = 0; r < nRecords; r++) {
      for (let k = recTokStart.get(r), end = recTokStart.get(r + 1); k < end; k++) {
        const t = vocab.shapeText[recToks[k]!]!;
        if (last[t] !== r) {
          last[t] = r;
          textPost[fill[t]!++] = r;
        }
      }
    }
    const textPostStart = count;

    // skeleton → its texts; deletion key → the skeletons that have it; prefix → its texts
    const skTexts: number[][] = vocab.sks.map(() => []);
    vocab.textSk.forEach((sk, t) => skTexts[sk]!.push(t));
    // deletion keys: an entry per skeleton of 4+ letters (the skeleton itself) and per letter of
    // one of 5+ (the skeleton without it), filed by the hash of that text; a query's deletions
    // are hashed the same way and compared letter by letter, so no deletion string is built
    let nDel = 0;
    for (const sk of vocab.sks) if (sk.length >= MIN_DELETE_LENGTH - 1) nDel += sk.length >= MIN_DELETE_LENGTH ? sk.length + 1 : 1;
    let delBuckets = 16;
    while (delBuckets < nDel) delBuckets *= 2;
    const delMask = delBuckets - 1;
    const delHash = new Int32Array(nDel);
    const delEntSk = new Int32Array(nDel);
    const delEntPos = new Int16Array(nDel);
    let d = 0;
    vocab.sks.forEach((sk, s) => {
      if (sk.length < MIN_DELETE_LENGTH - 1) return;
      for (let pos = -1; pos < (sk.length >= MIN_DELETE_LENGTH ? sk.length : 0); pos++) {
        delHash[d] = hashSkipping(sk, pos);
        delEntSk[d] = s;
        delEntPos[d++] = pos;
      }
    });
    const delStart = new Int32Array(delBuckets + 1);
    for (let e = 0; e < nDel; e++) delStart[(delHash[e]! & delMask) + 1]!++;
    for (let b = 0; b < delBuckets; b++) delStart[b + 1]! += delStart[b]!;
    const delAt = delStart.slice(0, delBuckets);
    const delSk = new Int32Array(nDel);
    const delPos = new Int16Array(nDel);
    const delFrag = new Uint16Array(nDel);
    for (let e = 0; e < nDel; e++) {
      const i = delAt[delHash[e]! & delMask]!++;
      delSk[i] = delEntSk[e]!;
      delPos[i] = delEntPos[e]!;
      delFrag[i] = delHash[e]! >>> 16;
    }
    const prefIds = new Map<string, number>();
    const prefTexts: number[][] = [];
    vocab.texts.forEach((text, t) => {
      if (text.length < PREFIX) return;
      const p = text.slice(0, PREFIX);
      let id = prefIds.get(p);
      if (id === undefined) {
        id = prefTexts.length;
        prefIds.set(p, id);
        prefTexts.push([]);
      }
      prefTexts[id]!.push(t);
    });

    // name keys, in buckets by the low bits of their hash: counted, then placed from the last
    // (so each bucket's count, read down, ends at its start: no second array of positions)
    const nEntries = this.nkPacked.length;
    const buckets = 1 << this.bucketBits;
    const mask = buckets - 1;
    const bucketStart = new Int32Array(buckets + 1);
    this.nkPacked.forEachChunkReverse((values, count) => {
      for (let k = 0; k < count; k++) bucketStart[(values[k]! >>> 8) & mask]!++;
    });
    for (let b = 1; b < buckets; b++) bucketStart[b]! += bucketStart[b - 1]!;
    bucketStart[buckets] = nEntries;
    const entry = new Int32Array(nEntries);
    // the records' keys from the last: record r has nkCount(r) keys, the last ones first
    let r = nRecords - 1;
    let left = r >= 0 ? this.nkCount.get(r) : 0;
    this.nkPacked.forEachChunkReverse((values, count) => {
      for (let k = count - 1; k >= 0; k--) {
        while (left === 0) left = this.nkCount.get(--r);
        const v = values[k]!;
        entry[--bucketStart[(v >>> 8) & mask]!] = r | (((v >>> 5) & 7) << NK_SHIFT) | ((v & 31) << NK_FRAG_SHIFT);
        left--;
      }
    });
    this.nkPacked.close();
    return new CandidateIndex({
      nRecords,
      vocab,
      textPost: { start: textPostStart, values: textPost },
      skTexts: csr(skTexts),
      deletions: { mask: delMask, bucketStart: delStart, sk: delSk, pos: delPos, frag: delFrag },
      prefIds,
      prefTexts: csr(prefTexts),
      nameKeys: { mask, bucketStart, entry },
    });
  }
}

type IndexParts = {
  nRecords: number;
  vocab: TokenVocab;
  textPost: Csr;
  skTexts: Csr;
  deletions: { mask: number; bucketStart: Int32Array; sk: Int32Array; pos: Int16Array; frag: Uint16Array };
  prefIds: Map<string, number>;
  prefTexts: Csr;
  nameKeys: { mask: number; bucketStart: Int32Array; entry: Int32Array };
};

export class CandidateIndex {
  readonly size: { texts: number; tokenKeys: number; nameKeys: number; postings: number };
  private readonly p: IndexParts;

  /**
   * The tally of `candidates`: per record, its slot (0: not met yet; else its place in the
   * slot arrays plus one), made at the first query, not while the index is built, so that a
   * large list's build and its scratch never take memory at once; per slot, the record, the
   * weight it shares with the query, which query tokens (bits) and acronym flags. Slots grow
   * with the records a query meets, which are far fewer than a large list's: four bytes a
   * record instead of the seventeen of a weight, mask and flags per record. Reset after use.
   */
  private slotOf = new Int32Array(0);
  private touched = new Int32Array(0);
  private hitWeight = new Float64Array(0);
  private hitMask = new Int32Array(0);
  private hitFlags = new Uint8Array(0);
  /** A stamp per record for counting the distinct records of a key too common to use (`tooCommon`). */
  private seen: Int32Array | undefined;
  private stamp = 0;
  /** Per key looked up: the ranges of textPost it is filed under, and the records its name keys gave. */
  private rangeFrom = new Int32Array(64);
  private rangeTo = new Int32Array(64);
  private nRanges = 0;
  private hits = new Int32Array(64);
  private nHits = 0;

  constructor(parts: IndexParts) {
    this.p = parts;
    this.size = {
      texts: parts.vocab.texts.length,
      tokenKeys: parts.vocab.sks.length + parts.deletions.sk.length + parts.prefIds.size,
      nameKeys: parts.nameKeys.entry.length,
      postings: parts.textPost.values.length,
    };
  }

  private addRange(from: number, to: number): void {
    if (from === to) return;
    if (this.nRanges === this.rangeFrom.length) {
      const f = new Int32Array(this.nRanges * 2);
      f.set(this.rangeFrom);
      this.rangeFrom = f;
      const t = new Int32Array(this.nRanges * 2);
      t.set(this.rangeTo);
      this.rangeTo = t;
    }
    this.rangeFrom[this.nRanges] = from;
    this.rangeTo[this.nRanges++] = to;
  }

  private addText(t: number): void {
    const s = this.p.textPost.start;
    this.addRange(s[t]!, s[t + 1]!);
  }

  private addHit(r: number): void {
    if (this.nHits === this.hits.length) {
      const h = new Int32Array(this.nHits * 2);
      h.set(this.hits);
      this.hits = h;
    }
    this.hits[this.nHits++] = r;
  }

  private clear(): void {
    this.nRanges = 0;
    this.nHits = 0;
  }

  /** How many entries the ranges and hits of the key just looked up hold (records, some perhaps twice). */
  private total(): number {
    let total = this.nHits;
    for (let k = 0; k < this.nRanges; k++) total += this.rangeTo[k]! - this.rangeFrom[k]!;
    return total;
  }

  private addSkeleton(sk: number): void {
    const p = this.p;
    for (let k = p.skTexts.start[sk]!; k < p.skTexts.start[sk + 1]!; k++) this.addText(p.skTexts.values[k]!);
  }

  /** w:x — the texts whose skeleton is x, and the records with a joined run x. */
  private lookupWord(x: string, records: RecordView): void {
    const sk = this.p.vocab.skIds.get(x);
    if (sk !== undefined) this.addSkeleton(sk);
    this.nameKeys(x, NK_W, records);
  }

  /** d:x for x = `q` without its letter at `skip` (-1: q itself) — the skeletons with that deletion, and the records with a long two-token run x. */
  private lookupDeletion(q: string, skip: number, records: RecordView): void {
    const del = this.p.deletions;
    const h = hashSkipping(q, skip);
    const b = h & del.mask;
    const frag = h >>> 16;
    const sks = this.p.vocab.sks;
    for (let e = del.bucketStart[b]!; e < del.bucketStart[b + 1]!; e++) {
      if (del.frag[e] !== frag) continue;
      const sk = del.sk[e]!;
      if (equalSkipping(sks[sk]!, del.pos[e]!, q, skip)) this.addSkeleton(sk);
    }
    // only two-token runs of JOINED_DELETE_LENGTH letters or more have a name key d:
    if (q.length - (skip >= 0 ? 1 : 0) >= JOINED_DELETE_LENGTH) this.nameKeys(skip >= 0 ? q.slice(0, skip) + q.slice(skip + 1) : q, NK_D, records);
  }

  /** p:x — the texts that start with x. */
  private lookupPrefix(x: string): void {
    const p = this.p;
    const pr = p.prefIds.get(x);
    if (pr !== undefined) for (let k = p.prefTexts.start[pr]!; k < p.prefTexts.start[pr + 1]!; k++) this.addText(p.prefTexts.values[k]!);
  }

  /** The records with name key x of this kind, each checked against its own tokens (the hash only says where to look). */
  private nameKeys(x: string, kind: number, records: RecordView): void {
    const nk = this.p.nameKeys;
    const h = keyHash(x);
    const b = h & nk.mask;
    const frag = fragOf(h);
    for (let e = nk.bucketStart[b]!; e < nk.bucketStart[b + 1]!; e++) {
      const v = nk.entry[e]!;
      if (v >>> NK_FRAG_SHIFT !== frag || ((v >>> NK_SHIFT) & kind) === 0) continue;
      const r = v & NK_RECORD;
      if (kind === NK_A ? initialsKey(records.tokens(r)) === x : runsHave(records.runs(r), x, kind === NK_D)) this.addHit(r);
    }
  }

  /** Whether the key just looked up is on more than MAX_POSTINGS distinct records. */
  private tooCommon(): boolean {
    if (!this.seen) this.seen = new Int32Array(this.p.nRecords);
    const seen = this.seen;
    const stamp = ++this.stamp;
    const post = this.p.textPost.values;
    let distinct = 0;
    for (let k = 0; k <= this.nRanges; k++) {
      const list = k < this.nRanges ? post : this.hits;
      const to = k < this.nRanges ? this.rangeTo[k]! : this.nHits;
      for (let i = k < this.nRanges ? this.rangeFrom[k]! : 0; i < to; i++) {
        const r = list[i]!;
        if (seen[r] !== stamp) {
          seen[r] = stamp;
          distinct++;
        }
      }
    }
    return distinct > MAX_POSTINGS;
  }

  /** Records counted by the tally so far (their ids are touched[0 .. nTouched - 1]). */
  private nTouched = 0;

  /** Twice as many slots. */
  private moreSlots(): void {
    const n = this.touched.length * 2;
    this.touched = widened(this.touched, new Int32Array(n));
    this.hitWeight = widened(this.hitWeight, new Float64Array(n));
    this.hitMask = widened(this.hitMask, new Int32Array(n));
    this.hitFlags = widened(this.hitFlags, new Uint8Array(n));
  }

  /**
   * Credits every record the key just looked up is filed under: the weight `w` of the query
   * tokens it stands for, once per query token (`bit`); the acronym flags always.
   */
  private tally(bit: number, w: number, covers: number): void {
    const total = this.total();
    if (total === 0 || (total > MAX_POSTINGS && this.tooCommon())) return;
    const slotOf = this.slotOf;
    for (let k = 0; k <= this.nRanges; k++) {
      // the ranges of textPost, then the name keys' records
      const list = k < this.nRanges ? this.p.textPost.values : this.hits;
      const from = k < this.nRanges ? this.rangeFrom[k]! : 0;
      const to = k < this.nRanges ? this.rangeTo[k]! : this.nHits;
      for (let i = from; i < to; i++) {
        const id = list[i]!;
        const slot = slotOf[id]! - 1;
        if (slot < 0) {
          if (this.nTouched === this.touched.length) this.moreSlots();
          const s = this.nTouched++;
          slotOf[id] = s + 1;
          this.touched[s] = id;
          this.hitMask[s] = bit;
          this.hitWeight[s] = w;
          this.hitFlags[s] = covers;
        } else {
          const m = this.hitMask[slot]!;
          if (!(m & bit)) {
            this.hitMask[slot] = m | bit;
            this.hitWeight[slot] = this.hitWeight[slot]! + w;
          }
          if (covers) this.hitFlags[slot] = this.hitFlags[slot]! | covers;
        }
      }
    }
  }

  /**
   * Tallies the keys of one query form, in the order of keys.ts queryKeys (the order decides
   * which weight a record is credited with first), each as the union of what it is filed under.
   * `runs` are the form's joined runs when the caller has them.
   */
  private tallyForm(tokens: readonly CompTok[], weigh: (t: CompTok) => number, records: RecordView, runs: readonly JoinedRun[] | undefined): void {
    const n = tokens.length;
    const weights: number[] = [];
    for (const t of tokens) weights.push((t.w ?? weigh(t)) * (t.qualifier ? 0.5 : 1));
    for (let i = 0; i < n; i++) {
      const t = tokens[i]!;
      const bit = 1 << Math.min(i, 30);
      const w = weights[i]!;
      this.clear();
      this.lookupWord(t.sk, records);
      this.tally(bit, w, 0);
      if (t.sk.length >= MIN_DELETE_LENGTH - 1) {
        for (let skip = -1; skip < (t.sk.length >= MIN_DELETE_LENGTH ? t.sk.length : 0); skip++) {
          this.clear();
          this.lookupDeletion(t.sk, skip, records);
          this.tally(bit, w, 0);
        }
      }
      if (t.text.length >= PREFIX) {
        this.clear();
        this.lookupPrefix(t.text.slice(0, PREFIX));
        this.tally(bit, w, 0);
      }
      if (t.text.length >= 2 && t.text.length <= 6) {
        this.clear();
        this.nameKeys(t.text, NK_A, records);
        this.tally(bit, w, COVERS_RECORD);
      }
      for (let k = 2; k <= 3 && i + k <= n; k++) {
        // joined runs as joinedRuns lists them: k = 2 from 0, then k = 3 from n - 1
        let sk = runs?.[k === 2 ? i : n - 1 + i]?.sk;
        if (sk === undefined) {
          let joined = "";
          for (let x = i; x < i + k; x++) joined += tokens[x]!.text;
          sk = skeleton(joined);
        }
        let jw = 0;
        for (let x = i; x < i + k; x++) jw += weights[x]!;
        this.clear();
        this.lookupWord(sk, records);
        this.tally(bit, jw, 0);
      }
    }
    const initials = initialsKey(tokens);
    if (initials !== undefined) {
      // the record's token weighs what the acronym does, not the words it stands for
      const sk = skeleton(initials);
      this.clear();
      this.lookupWord(sk, records);
      this.tally(1, weigh({ text: initials, from: initials, sk }), COVERS_QUERY);
    }
  }

  /**
   * Name records that share a key with the query, best first by their estimated score
   * (`estimate`), at most `limit` of them. Posting lists of common words are long (thousands of
   * records), so the tally is kept in typed arrays indexed by record rather than a map of
   * objects, and only the best `limit` are kept in order as the tally is read.
   */
  candidates(forms: readonly CompTok[][], limit: number, rank: RankInput, records: RecordView, runs?: readonly (readonly JoinedRun[])[]): number[] {
    let queryWeight = Infinity;
    for (const tokens of forms) {
      let w = 0;
      for (const t of tokens) w += (t.w ?? rank.weigh(t)) * (t.qualifier ? 0.5 : 1);
      if (w < queryWeight) queryWeight = w;
    }
    if (this.slotOf.length !== this.p.nRecords) {
      this.slotOf = new Int32Array(this.p.nRecords);
      const n = 4096;
      this.touched = new Int32Array(n);
      this.hitWeight = new Float64Array(n);
      this.hitMask = new Int32Array(n);
      this.hitFlags = new Uint8Array(n);
    }
    this.nTouched = 0;
    for (let f = 0; f < forms.length; f++) this.tallyForm(forms[f]!, rank.weigh, records, runs?.[f]);
    const kept = this.best(limit, rank, queryWeight);
    for (let k = 0; k < this.nTouched; k++) this.slotOf[this.touched[k]!] = 0;
    return kept;
  }

  /** The best `limit` records of the tally by estimated score, kept sorted as they come (limit is a few dozen). */
  private best(limit: number, rank: RankInput, queryWeight: number): number[] {
    const weight = this.hitWeight;
    const touched = this.touched;
    const nTouched = this.nTouched;
    let top = 0;
    for (let k = 0; k < nTouched; k++) if (weight[k]! > top) top = weight[k]!;
    // names that share far less weight with the query than the best one cannot outscore it
    const floor = top * 0.25;
    // kept in order: record, estimate, shared weight
    const kept: number[] = [];
    const keptEst: number[] = [];
    const keptWeight: number[] = [];
    for (let k = 0; k < nTouched; k++) {
      const id = touched[k]!;
      const t = weight[k]!;
      if (t < floor) continue;
      const e = estimate(rank, id, t, queryWeight, this.hitFlags[k]!);
      if (kept.length === limit) {
        if (!before(e, t, id, keptEst[limit - 1]!, keptWeight[limit - 1]!, kept[limit - 1]!)) continue;
        kept.pop();
        keptEst.pop();
        keptWeight.pop();
      }
      let at = kept.length;
      while (at > 0 && before(e, t, id, keptEst[at - 1]!, keptWeight[at - 1]!, kept[at - 1]!)) at--;
      kept.splice(at, 0, id);
      keptEst.splice(at, 0, e);
      keptWeight.splice(at, 0, t);
    }
    return kept;
  }
}

/**
 * What a record would score if every key it shares with the query were an exact token: the
 * harmonic mean of the shares of the query's weight and of the record's weight that the keys
 * cover (the scorer's two coverages, src/screen/score/compare.ts). A query token that is the
 * acronym of the whole record (or a record token that is the acronym of the whole query)
 * covers that side at the acronym's similarity. Ranking by this rather than by the shared
 * weight alone puts "Hurras al-Din" before the hundred names that share only "al Din".
 */
export function estimate(rank: RankInput, id: number, shared: number, queryWeight: number, flags: number): number {
  const we = rank.recordWeight(id);
  let ic = Math.min(1, shared / (queryWeight || 1));
  // a person's name parts the query leaves out count half, as the scorer counts them
  let ec = Math.min(1, rank.recordPerson(id) ? shared / (shared + 0.5 * Math.max(0, we - shared) || 1) : shared / (we || 1));
  if (flags & COVERS_QUERY) ic = Math.max(ic, SIMILARITY.acronym);
  if (flags & COVERS_RECORD) ec = Math.max(ec, SIMILARITY.acronym);
  return ic + ec > 0 ? (2 * ic * ec) / (ic + ec) : 0;
}

/** Ranking order of candidates: higher estimate, then more shared weight, then the earlier record. */
export function before(e: number, w: number, id: number, e2: number, w2: number, id2: number): boolean {
  return e > e2 || (e === e2 && (w > w2 || (w === w2 && id < id2)));
}

/** `into` (a larger typed array of the same kind) with `from` copied to its start. */
function widened<T extends Int32Array | Float64Array | Uint8Array>(from: T, into: T): T {
  into.set(from);
  return into;
}
