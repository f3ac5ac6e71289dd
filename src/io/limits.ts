/**
 * @module
 * The resource limits every input is read under, and the helpers that enforce them, shared by
 * the readers, `check --batch` and the scan. Each limit is a located error after which reading
 * goes on (the record or value over it is skipped), so a hostile or broken file can neither
 * stall a scan nor silently end it early. The defaults are in src/config/defaults.ts (`LIMITS`);
 * the config file's `limits:` overrides them; docs/cli.md lists them.
 */

export type InputLimits = {
  /** Characters one record (a CSV row, a line of a line format, a JSON Lines value) may hold. */
  maxRecordChars: number;
  /** Nesting depth of one JSON or XML value (arrays, objects, elements). */
  maxDepth: number;
  /** Seconds one input may take to read; 0: no limit. */
  maxSecondsPerInput: number;
  /**
   * Uncompressed bytes per compressed byte a gzip input may expand to, judged once it has expanded
   * past {@link GZIP_RATIO_AFTER_BYTES}; 0: no limit. Deflate cannot pass about 1,032:1, which only
   * long runs of one byte reach (a gzip bomb); real inventories compress 5:1 to 100:1.
   */
  maxGzipRatio: number;
};

export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxRecordChars: 1 << 20,
  maxDepth: 512,
  maxSecondsPerInput: 3600,
  maxGzipRatio: 500,
});

/**
 * Bytes per read of a file. Node's default (64 KiB) made a scan wait on the disk thread between
 * reads: 256 KiB took 9-11% off a 1M-row CSV, a 1M-row results log and a dpkg database (one
 * thread). 512 KiB was no faster with two threads and raised the 10M-row log's peak RSS from
 * about 182 to 193 MiB: each thread holds more read buffers until the garbage collector runs.
 */
export const READ_CHUNK_BYTES = 256 * 1024;

/** Bytes per piece of gunzipped output: zlib's default is 16 KiB, and each piece costs a reader a turn. */
export const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** The gzip ratio is judged only past this many uncompressed bytes (as the zip ratio rule is, src/scan/archive.ts). */
export const GZIP_RATIO_AFTER_BYTES = 64 * 1024 * 1024;

/** Characters of input text an issue message may quote. */
export const EXCERPT_CHARS = 80;

/**
 * A short, escaped excerpt of input text for an issue message: control characters (NUL, escape
 * sequences), bidi overrides and other invisible format characters are shown as `\uXXXX`, and
 * text over `max` characters is cut with a count of what was left out.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const safe = cut.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > max ? `${safe}… (${text.length - max} more characters)` : safe;
}

/**
 * The nesting depth of a JSON text, found in one pass without parsing it (brackets inside
 * strings do not count), stopping as soon as it passes `max`: undefined when it stays within.
 * JSON.parse and JSON.stringify recurse, so a value nested deeper than the stack throws a
 * RangeError; checking first turns that into a located error.
 */
export function jsonTooDeep(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}

/** Quoted excerpts of the first few of a list of input strings (a header row's names), with a count of the rest. */
export function listExcerpt(items: readonly string[], max = 12, chars = 40): string {
  const shown = items.slice(0, max).map((h) => `"${excerpt(h, chars)}"`);
  return items.length > max ? `${shown.join(", ")} and ${items.length - max} more` : shown.join(", ");
}

/** Longest issue message kept: a backstop for messages that quote input. */
export const MAX_MESSAGE_CHARS = 1000;

/** The issue with its message cut to {@link MAX_MESSAGE_CHARS}. */
export function boundMessage<T extends { message: string }>(issue: T): T {
  if (issue.message.length <= MAX_MESSAGE_CHARS) return issue;
  return { ...issue, message: `${issue.message.slice(0, MAX_MESSAGE_CHARS)}… (${issue.message.length - MAX_MESSAGE_CHARS} more characters)` };
}
