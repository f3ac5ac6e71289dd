/**
 * @module
 * Baseline: the fuzzy name search of the Consolidated Screening List API as trade.gov documents
 * it. Each term of the query is expanded to the list's terms within a Damerau-Levenshtein
 * distance (substitution, insertion, deletion, transposition), the distance allowed growing with
 * the term's length as Elasticsearch's AUTO fuzziness does (0 edits up to 2 letters, 1 up to 5,
 * 2 beyond); names are split on spaces and punctuation and lower-cased, nothing else (no legal
 * forms dropped, no transliteration, no joined or split words). A name scores the share of terms
 * matched, each exact term counting 1 and a fuzzy one 1 - edits / length, over the longer of
 * the two names' term counts.
 */
import { editDistance } from "../../score/distance.js";

const terms = (name: string): string[] =>
  name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

const fuzziness = (term: string) => (term.length <= 2 ? 0 : term.length <= 5 ? 1 : 2);

export function cslTermScore(query: string, name: string): number {
  const q = terms(query);
  const n = terms(name);
  if (q.length === 0 || n.length === 0) return 0;
  let sum = 0;
  for (const t of q) {
    let bestTerm = 0;
    for (const u of n) {
      if (t === u) {
        bestTerm = 1;
        break;
      }
      const max = fuzziness(t);
      if (max === 0) continue;
      const d = editDistance(t, u, max);
      if (d <= max) bestTerm = Math.max(bestTerm, 1 - d / Math.max(t.length, u.length));
    }
    sum += bestTerm;
  }
  return sum / Math.max(q.length, n.length);
}
