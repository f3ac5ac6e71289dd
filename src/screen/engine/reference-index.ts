/**
 * @module
 * The plain candidate index: a map from every key string (keys.ts `recordKeys`) to the records
 * holding it. It is what the candidate index (candidate-index.ts) computed before it was made
 * compact, kept as the yardstick the tests hold the compact one to: for any query both must
 * return the same candidates in the same order. Not used for screening (at two million names it
 * needs gigabytes).
 */
import type { CompTok } from "../score/tokens.js";
import { before, estimate, MAX_POSTINGS, type RankInput } from "./candidate-index.js";
import { keyString, queryKeys, recordKeys } from "./keys.js";

export class ReferenceIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly n: number;

  constructor(records: readonly (readonly CompTok[])[]) {
    this.n = records.length;
    records.forEach((tokens, id) => {
      for (const k of recordKeys(tokens)) {
        const list = this.postings.get(k);
        if (!list) this.postings.set(k, [id]);
        else if (list[list.length - 1] !== id) list.push(id);
      }
    });
  }

  candidates(forms: readonly CompTok[][], limit: number, rank: RankInput): number[] {
    let queryWeight = Infinity;
    for (const tokens of forms) {
      let w = 0;
      for (const t of tokens) w += (t.w ?? rank.weigh(t)) * (t.qualifier ? 0.5 : 1);
      if (w < queryWeight) queryWeight = w;
    }
    const weight = new Float64Array(this.n);
    const mask = new Int32Array(this.n);
    const flags = new Uint8Array(this.n);
    const touched: number[] = [];
    for (const tokens of forms) {
      const weights = tokens.map((t) => (t.w ?? rank.weigh(t)) * (t.qualifier ? 0.5 : 1));
      for (const key of queryKeys(tokens)) {
        const list = this.postings.get(keyString(key));
        if (!list || list.length > MAX_POSTINGS) continue;
        const bit = 1 << Math.min(key.token, 30);
        let w = 0;
        if (key.weight !== undefined) w = rank.weigh(key.weight);
        else for (let i = key.from; i < key.from + key.count; i++) w += weights[i]!;
        for (const id of list) {
          const m = mask[id]!;
          if (m === 0) {
            touched.push(id);
            mask[id] = bit;
            weight[id] = w;
          } else if (!(m & bit)) {
            mask[id] = m | bit;
            weight[id] = weight[id]! + w;
          }
          if (key.covers) flags[id] = flags[id]! | key.covers;
        }
      }
    }
    let top = 0;
    for (const id of touched) if (weight[id]! > top) top = weight[id]!;
    const ranked = touched
      .filter((id) => weight[id]! >= top * 0.25)
      .map((id) => ({ id, t: weight[id]!, e: estimate(rank, id, weight[id]!, queryWeight, flags[id]!) }))
      .sort((a, b) => (before(a.e, a.t, a.id, b.e, b.t, b.id) ? -1 : before(b.e, b.t, b.id, a.e, a.t, a.id) ? 1 : 0));
    return ranked.slice(0, limit).map((x) => x.id);
  }
}
