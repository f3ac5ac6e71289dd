/**
 * @module
 * Where a catalog name's tokens stand in an observed name's parts (text/fold.ts `NameParts`):
 * each token is one part, or parts of one CamelCase word glued back together, and the run may
 * start and end at any part. So "KasperskyTotalSecurity" and "Kaspersky.TotalSecurity" hold
 * "kaspersky total security", while "Kaspersky EndPoint Security" still holds "kaspersky
 * endpoint security" and "HuaweiHiSuite" "huawei hisuite". A token never spans a space or a
 * punctuation mark: "App Gallery" does not hold "appgallery", as before CamelCase was read.
 */
import type { NameParts } from "../text/fold.js";

/**
 * The part after the run of `tokens` that starts at part `start` of `name`; -1 when `tokens`
 * do not stand there.
 */
export function runEnd(name: NameParts, start: number, tokens: readonly string[]): number {
  const { parts, glued } = name;
  let i = start;
  for (const token of tokens) {
    // the token is parts[i], or parts[i] and the parts glued after it
    for (let at = 0; ; i++) {
      const part = parts[i];
      if (part === undefined || !token.startsWith(part, at)) return -1;
      at += part.length;
      if (at === token.length) break;
      if (!glued[i]) return -1;
    }
    i++;
  }
  return i;
}

/** Whether `tokens` stand in `name` as a run (see {@link runEnd}). */
export function hasRun(name: NameParts, tokens: readonly string[]): boolean {
  for (let i = 0; i + tokens.length <= name.parts.length; i++) if (runEnd(name, i, tokens) >= 0) return true;
  return false;
}
