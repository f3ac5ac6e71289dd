/**
 * @module
 * English plural folding, shared by the normalizer and the country-name words (country.ts), in a
 * module of its own so that the list readers, which load country.ts for `countryCode`, do not
 * load the whole normalizer.
 */

/** Folds English plurals so "Labs" meets "Lab" and "Technologies" meets "Technology". */
export function stem(token: string): string {
  if (token.length >= 5 && token.endsWith("ies")) return token.slice(0, -3) + "y";
  if (token.length >= 4 && token.endsWith("s") && !/(ss|us|is|os)$/.test(token)) return token.slice(0, -1);
  return token;
}
