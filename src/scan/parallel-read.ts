/**
 * @module
 * A large file read by several threads: an osqueryd results log or an inventory CSV is cut at
 * line breaks into one part per thread. Each part is read by the format's reader and a scanner of
 * its own (./read-part.ts): the first in this thread, each further one in a worker thread
 * (./parallel-read-worker.ts), and a CSV part after the first after the file's header lines. A
 * part gives back, in file order, the observations the report needs (those that matched, the
 * first 1,000 look-alikes, none once a part before it has sent 1,000: see `lookalikesFull`) and
 * counts of the rest. The scan then takes the parts in file order:
 * it numbers each part's lines and records on from the parts before, adds its observations to
 * its own scanner (which judges, merges and keeps findings as for any input) and counts the rest.
 * The report is the one a single thread gives (`parallel-read.test.ts` compares the whole
 * document).
 *
 * A part that could differ from a single-threaded read is not used: one that reports any issue
 * (a bad line, text that is not UTF-8), whose reader did not number its lines (a CSV record over
 * several lines, which a cut could split), or that has more observations to send than the scan
 * should hold. This thread then reads the file from that part's first byte to its end, as any
 * file, so issues and their counts are a single thread's too. Every part before it ended at a
 * whole record, so reading on from there is what a single thread does.
 */
import { open } from "node:fs/promises";
import type { Worker } from "node:worker_threads";
import type { InputLimits } from "../io/limits.js";
import type { Catalog, Profile } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { knownTransliterations } from "../text/fold.js";
import { PARTS_MIN_BYTES, PARTS_THREADS, partWorker } from "./part-workers.js";
import { readPart } from "./read-part.js";

/** What a part's reader is asked to read: bytes [start, end) of the file. */
export type PartRequest = {
  path: string;
  start: number;
  end: number;
  format: "osquery-log" | "csv";
  /**
   * CSV: the file's header lines (a `#TYPE` line, the header), bytes [0, end), read before a part
   * that starts after them so that the part's reader knows the columns, and how many lines they are.
   */
  prefix?: { end: number; lines: number };
  catalog: Catalog;
  profile: Profile;
  asOf: string;
  limits?: InputLimits;
  /** A part with more observations to send than this is not used (the scan reads it itself). */
  maxForwarded: number;
  /** Which part this is: 0 for the file's first. */
  part: number;
  /**
   * One Int32 a part, shared by the threads: 1 once that part has sent the report's whole list
   * of look-alikes (MAX_LOOKALIKES_KEPT of them that matched nothing). The parts after it then
   * keep and send none: the report's list is full before their results are taken. Their
   * look-alikes are only counted, as the scan's first 1,000 are the only ones it lists.
   */
  lookalikesFull?: SharedArrayBuffer;
  /**
   * The transliterations the compiled catalog brought (text/fold.ts): with them a worker builds
   * the catalog's match index without loading the transliteration library (80 ms of a worker's
   * start, in which this thread read alone).
   */
  transliterations?: Record<string, string>;
};

/** What a worker sends back when it is done with its part. */
export type PartResult =
  | {
      clean: true;
      /** In file order, numbered from the part's own first line and record. */
      forwarded: Observation[];
      /** Every observation of the part, the forwarded ones included. */
      observations: number;
      /** Look-alikes among the observations that were not forwarded. */
      lookalikesNotSent: number;
      lines: number;
      records: number;
      /** Bytes read since the last progress message. */
      progress: number;
      /** Stopped by the input's time limit: the observations up to there (the rest was not read). */
      stopped?: true;
    }
  | { clean: false; why: string };

export type ParallelSettings = {
  /** Files smaller than this are read in one thread. */
  minBytes: number;
  /** Threads to read a file with, this one included; 1 turns parallel reading off. */
  workers: number;
  /**
   * Bytes this thread reads beyond an equal share, by format: a worker first spends about 0.1 s
   * loading the code and the catalog, in which this thread, already loaded, reads about this
   * much. Without it this thread finished its part first and waited for the workers. A CSV costs
   * more a byte than a results log (shorter lines), so its head start is shorter. Measured on
   * the bench's 1M-row CSV (medians of 15 runs): 8 MiB 493 ms, 16 MiB 521 ms, 4 MiB 491 ms,
   * once workers stopped reading look-alikes the first part had already filled the report with.
   */
  headStart: Record<PartRequest["format"], number>;
  /** Told how each file was read: in how many parts, and how many of them were used. */
  onSplit?: (info: { file: string; parts: number; used: number }) => void;
};

export const DEFAULT_PARALLEL: ParallelSettings = {
  minBytes: PARTS_MIN_BYTES,
  workers: PARTS_THREADS,
  headStart: { "osquery-log": 32 * 1024 * 1024, csv: 8 * 1024 * 1024 },
};

/** Observations one part may send (matches and look-alikes); a findings-heavy log is read in one thread. */
const MAX_FORWARDED = 20_000;

/** Where a part's numbering starts: lines and records of the parts before it, and its first byte. */
export type PartStart = { offset: number; lines: number; records: number };

/**
 * Byte offsets of the parts' first bytes: 0, then for each further part the first line at or
 * after an equal share of the file that `startsPart` accepts (its first byte; a results log's
 * parts start with `{`, so that every part begins as a results log does; a line it refuses is
 * left to the part before). The first part gets `headStart` bytes more (at most half the file),
 * the others share the rest equally.
 */
export async function splitAtLines(path: string, size: number, parts: number, headStart = 0, startsPart: (firstByte: number) => boolean = (b) => b === 0x7b): Promise<number[]> {
  const extra = Math.min(headStart, Math.floor(size / 2));
  const starts = [0];
  const handle = await open(path, "r");
  try {
    const window = Buffer.alloc(64 * 1024);
    for (let k = 1; k < parts; k++) {
      let at = extra + Math.floor(((size - extra) * k) / parts);
      for (let tries = 0; at < size && tries < 64; tries++) {
        const { bytesRead } = await handle.read(window, 0, window.length, at);
        const nl = window.subarray(0, bytesRead).indexOf(10);
        if (nl === -1) {
          at += bytesRead;
          if (bytesRead === 0) break;
          continue;
        }
        const lineStart = at + nl + 1;
        if (lineStart >= size) break;
        const { bytesRead: one } = await handle.read(window, 0, 1, lineStart);
        if (one === 1 && startsPart(window[0]!) && lineStart > starts[starts.length - 1]!) {
          starts.push(lineStart);
          break;
        }
        at = lineStart;
      }
    }
  } finally {
    await handle.close();
  }
  return starts;
}

export type PartsScan = {
  path: string;
  size: number;
  settings: ParallelSettings;
  request: Omit<PartRequest, "path" | "start" | "end" | "maxForwarded" | "part" | "lookalikesFull">;
  /** The reporting scan's observation sink (its scanner, with progress). */
  onObservation(o: Observation): void;
  /** Counts observations the parts counted but did not send. */
  skip(observations: number, lookalikes: number): void;
  /** Bytes read (negative: bytes of parts not used, read again by readRest). */
  onBytes(n: number): void;
  /** Reads the file from `start` to its end in this thread, as any file, numbering on from it. */
  readRest(start: PartStart): Promise<void>;
  /** Seconds left of the input's time limit (0: no limit). */
  secondsLeft(): number;
  /** The time limit passed while the parts were read: report it (nothing more of the file is read). */
  timedOut(): void;
};

/**
 * Reads a file in parts (see the module comment). Returns when the whole file is read: by the
 * parts or, from the first part that could not be used, by `readRest`.
 */
export async function scanInParts(scan: PartsScan): Promise<void> {
  const startsPart = scan.request.format === "csv" ? () => true : undefined;
  const starts = await splitAtLines(scan.path, scan.size, scan.settings.workers, scan.settings.headStart[scan.request.format], startsPart);
  const parts = starts.map((start, k) => ({ start, end: starts[k + 1] ?? scan.size }));
  const transliterations = knownTransliterations();
  const lookalikesFull = new SharedArrayBuffer(4 * parts.length);
  const request = (part: { start: number; end: number }, k: number): PartRequest => ({
    ...scan.request,
    path: scan.path,
    ...part,
    maxForwarded: MAX_FORWARDED,
    transliterations,
    part: k,
    lookalikesFull,
  });
  const stop = new AbortController();
  const workers: Worker[] = [];
  /** Bytes each part reported read before its result (taken back if the part is not used). */
  const progressed = parts.map(() => 0);
  const progress = (k: number, bytes: number): void => {
    progressed[k]! += bytes;
    scan.onBytes(bytes);
  };
  // the workers start first: they load the code and build the catalog index while this thread reads
  const later = parts.slice(1).map((part, i) => {
    let worker: Worker;
    try {
      worker = partWorker();
      worker.postMessage(request(part, i + 1));
    } catch (err) {
      return Promise.resolve<PartResult>({ clean: false, why: `no worker thread: ${(err as Error).message}` });
    }
    workers.push(worker);
    return new Promise<PartResult>((resolve) => {
      worker.on("message", (m: { progress?: number; result?: PartResult }) => {
        if (m.progress) progress(i + 1, m.progress);
        if (m.result) resolve(m.result);
      });
      worker.on("error", (err) => resolve({ clean: false, why: err.message }));
      worker.on("exit", () => resolve({ clean: false, why: "the worker ended without a result" }));
    });
  });
  const first = readPart(request(parts[0]!, 0), { onProgress: (n) => progress(0, n), signal: stop.signal });
  const stopAll = (): void => {
    stop.abort();
    for (const w of workers) void w.terminate();
  };
  const at: PartStart = { offset: 0, lines: 0, records: 0 };
  let used = 0;
  /** A part's observations and counts, numbered on from the parts before. */
  const take = (result: Extract<PartResult, { clean: true }>, k: number): void => {
    for (const o of result.forwarded) {
      if (o.source.line !== undefined) o.source.line += at.lines;
      if (o.source.record !== undefined) o.source.record += at.records;
      scan.onObservation(o);
    }
    // a sent `removed` row (a differential log's) was no observation: the scan does not count it either
    let sentObservations = 0;
    for (const o of result.forwarded) if (o.change?.action !== "removed") sentObservations++;
    scan.skip(result.observations - sentObservations, result.lookalikesNotSent);
    progress(k, result.progress);
    at.lines += result.lines;
    at.records += result.records;
  };
  try {
    const seconds = scan.secondsLeft();
    const timer = seconds > 0 ? new Promise<"late">((resolve) => setTimeout(() => resolve("late"), seconds * 1000).unref()) : undefined;
    for (const [k, pending] of [first, ...later].entries()) {
      at.offset = parts[k]!.start;
      const result = await (timer ? Promise.race([pending, timer]) : pending);
      if (result === "late") {
        stopAll();
        // what this thread's part read by then is kept, as a single thread keeps what it read
        if (k === 0) {
          const partial = await first;
          if (partial.clean) take(partial, 0);
        }
        scan.timedOut();
        return;
      }
      if (!result.clean) {
        stopAll();
        // this part and the ones after it are read again, from here, by this thread
        scan.onBytes(-progressed.slice(k).reduce((a, b) => a + b, 0));
        await scan.readRest({ ...at });
        return;
      }
      take(result, k);
      used++;
    }
  } finally {
    stopAll();
    scan.settings.onSplit?.({ file: scan.path, parts: parts.length, used });
  }
}
