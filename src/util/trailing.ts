/**
 * @module
 * Trimming the end of input text in linear time. Patterns anchored at the end and starting with
 * a run (`/\s*<[^>]*>\s*$/`, `/\r+$/`) are tried by V8 from every position of a long run of that
 * character that is not at the end, which is quadratic: a field of a few hundred kilobytes of
 * spaces or carriage returns took seconds to minutes. These helpers look at the end only.
 */

/** The text without the carriage returns at its end. */
export function trimTrailingCr(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Removes a trailing group in `<…>` or `(…)` (the kinds listed in `opens`), with the white space
 * before and after it, when `accept` approves what is inside it (from the last opening bracket);
 * otherwise returns the text unchanged.
 */
export function stripTrailingGroup(text: string, opens: "<" | "(" | "<(", accept: (inside: string) => boolean): string {
  const t = text.trimEnd();
  const close = t.charCodeAt(t.length - 1);
  const open = close === 62 ? "<" : close === 41 ? "(" : undefined; // > )
  if (!open || !opens.includes(open)) return text;
  const at = t.lastIndexOf(open);
  if (at === -1 || !accept(t.slice(at + 1, -1))) return text;
  return t.slice(0, at).trimEnd();
}

/** CR+LF (and CR CR LF) to LF, in linear time (`/\r+\n/g` is quadratic on a long run of CRs). */
export function foldCrLf(text: string): string {
  if (!text.includes("\r")) return text;
  return text.split("\n").map(trimTrailingCr).join("\n");
}

/** The text without the characters of `chars` at its start and end, in linear time (`/^[x]+|[x]+$/g` is quadratic on a long run inside). */
export function trimChars(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The same, removing only from the end. */
export function trimEndChars(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** White space as `\s` matches it, for {@link trimChars}. */
export const WHITE_SPACE = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
