/**
 * @module
 * Repeat keys by their bytes, for readers' fast paths (see `ReadContext.repeat`). A reader's
 * repeat key is a string made from parts of a raw record (a CSV row's cells but its host and
 * version, a results-log row's `columns` but its version). Making that string, and hashing it
 * for the scanner's set, cost more than the rest of a repeated row's work: about 1.5 µs a row on
 * the bench CSV, where one row in three is a program the catalog knows a word of.
 *
 * This table remembers, for the bytes a key was made from, the key itself. A record whose bytes
 * (in the same ranges) are equal to a remembered record's gets the same string object back,
 * whose hash the engine has already computed, without decoding or splitting the record. Equal
 * is checked byte by byte, never by the hash alone: a collision must not give one program
 * another's key. The reader promises that its key is a function of those bytes, the range
 * lengths and what it holds constant while the table lives (the file's column layout): it
 * remembers a key only when that holds.
 */

/** Entries kept before the table is cleared (like the scanner's own sets of repeat keys). */
export const MAX_ENTRIES = 8192;
/** Bytes kept before the table is cleared: bounds memory however long the records are. */
const MAX_BYTES = 4 * 1024 * 1024;
/** Ranges of one record at most (a CSV row skips at most three cells: four ranges). */
export const MAX_RANGES = 16;

type Entry = {
  /** The ranges' bytes, one after another. */
  bytes: Uint8Array;
  /** Each range's length, in order. */
  lengths: Int32Array;
  key: string;
  /** The next entry with the same hash. */
  next: Entry | undefined;
};

export type ByteKeys = {
  /**
   * The key remembered for the bytes of `ranges` (`count` start/end pairs into `bytes`), or
   * undefined. `hash` is the caller's hash of the same bytes (with {@link hashStep}), computed
   * the same way for every record: the reader hashes them in the pass it makes over the record
   * anyway. Equal bytes must have equal hashes; equal hashes need not mean anything.
   */
  find(hash: number, bytes: Uint8Array, ranges: Int32Array, count: number): string | undefined;
  /** Remembers `key` for the bytes of `ranges` (a record {@link ByteKeys.find} did not know), under the same `hash`. */
  remember(hash: number, bytes: Uint8Array, ranges: Int32Array, count: number, key: string): void;
};

/** One step of FNV-1a (32 bits): the hash of the bytes so far, `h`, and one more byte or number. */
export const hashStep = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193);
export const HASH_START = 0x811c9dc5;

export function createByteKeys(): ByteKeys {
  let buckets = new Map<number, Entry>();
  let entries = 0;
  let kept = 0;

  const equal = (entry: Entry, bytes: Uint8Array, ranges: Int32Array, count: number): boolean => {
    if (entry.lengths.length !== count) return false;
    let at = 0;
    for (let r = 0; r < count; r++) {
      const start = ranges[2 * r]!;
      const end = ranges[2 * r + 1]!;
      if (entry.lengths[r] !== end - start) return false;
      const stored = entry.bytes;
      for (let i = start; i < end; i++, at++) if (stored[at] !== bytes[i]) return false;
    }
    return true;
  };

  return {
    find(hash, bytes, ranges, count) {
      for (let e = buckets.get(hash); e !== undefined; e = e.next) if (equal(e, bytes, ranges, count)) return e.key;
      return undefined;
    },
    remember(hash, bytes, ranges, count, key) {
      const lengths = new Int32Array(count);
      let total = 0;
      for (let r = 0; r < count; r++) total += lengths[r] = ranges[2 * r + 1]! - ranges[2 * r]!;
      if (entries >= MAX_ENTRIES || kept + total > MAX_BYTES) {
        buckets = new Map();
        entries = 0;
        kept = 0;
      }
      const copy = new Uint8Array(total);
      let at = 0;
      for (let r = 0; r < count; r++) {
        copy.set(bytes.subarray(ranges[2 * r]!, ranges[2 * r + 1]!), at);
        at += lengths[r]!;
      }
      buckets.set(hash, { bytes: copy, lengths, key, next: buckets.get(hash) });
      entries++;
      kept += total;
    },
  };
}
