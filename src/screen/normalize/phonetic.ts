/**
 * @module
 * The spelling skeleton of a folded Latin token: what stays the same when the same Cyrillic (or
 * Arabic, or Chinese) name is written under different transliteration habits. Kasperskiy,
 * Kasperskij, Kasperskii and Kaspersky share the skeleton "kasperski"; Shchukin and Schukin,
 * Tsentr and Centr, Yuri and Iurii, Aleksandr and Alexandr share theirs. Comparisons score a
 * skeleton match just below an exact one and say which spellings met; the candidate index
 * looks names up by skeleton.
 */

const RULES: readonly [RegExp, string][] = [
  [/shch|shh|sch/g, "s"],
  [/sh/g, "s"],
  [/ch/g, "c"],
  [/zh/g, "z"],
  [/kh/g, "h"],
  [/ks/g, "x"],
  [/tz|ts|cz/g, "c"],
  [/ph/g, "f"],
  [/w/g, "v"],
  [/q/g, "k"],
  // iotated vowels: ya ia ja → a (after a consonant or at the start), yu iu ju → u, yo jo → o, ye je → e
  [/(?:[yij])([aueo])/g, "$1"],
  // -iy -ij -ii -yi -yy endings and every other y, j → i
  [/[yj]/g, "i"],
  [/ii+/g, "i"],
  // doubled letters: Mohammed / Mohamed, Hassan / Hasan
  [/([a-z])\1+/g, "$1"],
];

const cache = new Map<string, string>();
const CACHE_SIZE = 200_000;

/** The skeleton of a folded a-z0-9 token. Digits and short tokens are left as they are. */
export function skeleton(token: string): string {
  if (token.length < 4 || /\d/.test(token)) return token;
  const known = cache.get(token);
  if (known !== undefined) return known;
  const s = skeletonOf(token);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(token, s);
  return s;
}

/**
 * The skeleton without the cache: for text seldom seen twice, such as the words of a name
 * written together (every name of a list of millions has its own), which would only push the
 * words out of the cache and fill the heap with entries that die old.
 */
export function uncachedSkeleton(token: string): string {
  if (token.length < 4 || /\d/.test(token)) return token;
  return cache.get(token) ?? skeletonOf(token);
}

function skeletonOf(token: string): string {
  let s = token;
  for (const [pattern, to] of RULES) s = s.replace(pattern, to);
  return s;
}
