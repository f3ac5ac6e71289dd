/**
 * @module
 * The Reader interface: one module per input format. Detection sees only the path and the first
 * bytes (cheap); reading streams; a bad record is reported as an issue and reading goes on.
 */
import type { Readable } from "node:stream";
import type { ChunkRing } from "../io/file-chunks.js";
import type { Probe, TextEncoding } from "../io/types.js";
import type { Issue } from "../model/issue.js";
import type { Observation, SourceRef } from "../model/observation.js";
import type { Prefilter } from "../match/prefilter.js";
import type { InputLimits } from "../io/limits.js";

/** Stable reader names; shown in evidence and accepted by `--input-format`. */
export type ReaderName = string;

// The probe and the encodings are made by the opener (src/io), shared by every command.
export type { Probe, TextEncoding } from "../io/types.js";

export type ReadInput = {
  /** The path as the user gave it (`-` for standard input); used in every SourceRef. */
  path: string;
  /** The whole byte stream, from the first byte (gzip already removed). Read it once. */
  stream: Readable;
  encoding: TextEncoding;
  /**
   * Given when the stream's chunks come straight from a file (no gzip): a reader may `start` it
   * while it keeps no byte of a chunk after asking for the next one, and must `stop` it before
   * it keeps any (handing the rest to a parser). See io/file-chunks.ts.
   */
  recycle?: ChunkRing;
};

export type ReportableIssue = Omit<Issue, "severity"> & { severity?: Issue["severity"] };

/** How a repeat key's rows are counted for the rest of a scan (see `ReadContext.repeatCounted`). */
export type RepeatCount = "clean" | "lookalike";

export type ReadContext = {
  signal?: AbortSignal;
  /** Report a located problem; the reader then goes on with the next record where that is safe. */
  report(issue: ReportableIssue): void;
  /**
   * The catalog's literal prefilter (match/prefilter.ts). A reader that supports it may skip a
   * raw record containing none of its literals without turning it into observations, after
   * checking that the record is well formed, and then calls {@link ReadContext.skipped} with the
   * number of observations the record would have given. Readers without support ignore it.
   */
  prefilter?: Prefilter;
  /**
   * Observations a reader skipped (see `prefilter`): counted by the scan, never matched; and how
   * many of them are look-alikes counted so (see `repeatCounted`).
   */
  skipped?(observations: number, lookalikes?: number): void;
  /**
   * Takes an observation at once, as if the reader had yielded it: a reader's fast path calls it
   * rather than yielding, so that each observation does not cost an asynchronous step through
   * its chain of generators. The scan sees emitted and yielded observations in the order the
   * reader produced them (a yield suspends the reader until the scan has taken it). Readers
   * without it, and callers that do not give it, use the yield.
   */
  emit?(observation: Observation, repeatKey?: string): void;
  /**
   * For records that repeat (the same program on thousands of hosts): `repeatKey` must determine
   * the record's one observation up to its host, version, time and source (a reader builds it
   * from the record's other fields and its own layout), and the reader must report no issue for
   * a record it gives a key. `repeat(key)` is true when the observation last emitted with that
   * key needs only a count (it matched nothing and was no look-alike, or it was only a look-alike
   * and the report keeps no more look-alikes): the scan has then counted the record, and the
   * reader must not build it. Only given with `emit`.
   */
  repeat?(repeatKey: string): boolean;
  /**
   * After `repeat(key)` was true: how the scan will count the key's rows for the rest of the scan
   * (a row with the key gives the same observation, up to host, version, time and source):
   * "clean", one observation (it matched nothing and was no look-alike), or "lookalike", one
   * observation and one look-alike (only a look-alike, and the report keeps no more of them,
   * which stays so); undefined when a later row may need more. A reader may then count later
   * rows with the key by `skipped`, without asking `repeat` again.
   */
  repeatCounted?(repeatKey: string): RepeatCount | undefined;
  /**
   * For a record whose `repeat(key)` was false: true when the observation last emitted with that
   * key matched, and its findings on `host` (the observation's `host` as the reader would set
   * it) exist already. The scan has then merged the record into them, with `source` (as the
   * observation's would be) as their last source, and the reader must not build it. Given with
   * `repeat`, except to a part of a file read in parallel (its matched observations are sent to
   * the scan that reports).
   */
  repeatHit?(repeatKey: string, host: string | undefined, source: SourceRef): boolean;
  /** Record size and nesting limits (src/io/limits.ts); the defaults when absent. */
  limits?: InputLimits;
  /**
   * Called once, at the end, by a reader that numbers lines and records (an osqueryd results
   * log; a CSV only when every line was one whole record), with how many of each it numbered: a
   * scan read in parts (src/scan/parallel-read.ts) numbers the parts of a file after the first
   * from these, and does not use a part whose reader did not call it.
   */
  numbered?(counts: { lines: number; records: number }): void;
};

export interface Reader {
  readonly name: ReaderName;
  readonly version: number;
  /** One line for `ictsguard formats`. */
  readonly description: string;
  /** 0 (not this format) to 1 (certainly this format). Must be cheap. */
  detect(probe: Probe): number;
  read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation>;
}

/** Identity helper for type inference, in the style of `defineCommand`. */
export function defineReader<R extends Reader>(reader: R): R {
  return reader;
}
