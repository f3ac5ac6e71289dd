/**
 * @module
 * A large osqueryd results log read by several threads: the file is cut at line breaks into one
 * part per thread. This thread reads the first part as it reads any file, while a worker per
 * further part (./parallel-log-worker.ts) reads its part with the osquery reader and a scanner of
 * its own, and sends back, in file order, the observations the report needs (those that
 * matched, the first 1,000 look-alikes) and counts of the rest. The scan then takes the parts in
 * file order: it numbers each part's lines and records on from the parts before, adds its
 * observations to its own scanner (which judges, merges and keeps findings as for any input)
 * and counts the rest. The report is the one a single thread gives (`parallel-log.test.ts`
 * compares the whole document).
 *
 * Why only results logs: their lines are independent records by format, so a cut at a line
 * break is a cut between records, and the reader keeps no state from one line to the next that
 * a part without issues can change. When the first part reports an issue, this thread reads on
 * to the end of the file and the workers' parts are not used; a later part that reports any
 * issue (a bad line, text that is not UTF-8), or has more observations to send than the scan
 * should hold, is not used either: this thread reads that part and the rest of the file. Issues
 * and their counts are then exactly those of a single-threaded read.
 */
import { availableParallelism } from "node:os";
import { open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { InputLimits } from "../io/limits.js";
import type { Catalog, Profile } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";

/** What a worker is asked to read: bytes [start, end) of the file. */
export type PartRequest = {
  path: string;
  start: number;
  end: number;
  catalog: Catalog;
  profile: Profile;
  asOf: string;
  limits?: InputLimits;
  /** A part with more observations to send than this is not used (the scan reads it itself). */
  maxForwarded: number;
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
    }
  | { clean: false; why: string };

export type ParallelSettings = {
  /** Logs smaller than this are read in one thread. */
  minBytes: number;
  /** Threads to read a log with, this one included; 1 turns parallel reading off. */
  workers: number;
  /**
   * Bytes this thread reads beyond an equal share: a worker first spends about 0.3 s loading the
   * code and the catalog, in which this thread, already loaded, reads about this much of a log.
   * Without it this thread finished its part first and waited for the workers.
   */
  headStart: number;
  /** Told how each log was read: in how many parts, and how many of them the workers' results were used for. */
  onSplit?: (info: { file: string; parts: number; used: number }) => void;
};

export const DEFAULT_PARALLEL: ParallelSettings = {
  minBytes: 64 * 1024 * 1024,
  workers: Math.min(4, availableParallelism()),
  headStart: 32 * 1024 * 1024,
};

/** Observations one part may send (matches and look-alikes); a findings-heavy log is read in one thread. */
const MAX_FORWARDED = 20_000;

/** Where a part's numbering starts: lines and records of the parts before it, and its first byte. */
export type PartStart = { offset: number; lines: number; records: number };

/**
 * Byte offsets of the parts' first bytes: 0, then for each further part the first line that
 * starts with `{` at or after an equal share of the file (a line that does not is left to the
 * part before, so that every part begins as a results log does). The first part gets
 * `headStart` bytes more (at most half the file), the others share the rest equally.
 */
export async function splitAtLines(path: string, size: number, parts: number, headStart = 0): Promise<number[]> {
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
        if (one === 1 && window[0] === 0x7b && lineStart > starts[starts.length - 1]!) {
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
  request: Omit<PartRequest, "path" | "start" | "end" | "maxForwarded">;
  /** The reporting scan's observation sink (its scanner, with progress). */
  onObservation(o: Observation): void;
  /** Counts observations the workers counted but did not send. */
  skip(observations: number, lookalikes: number): void;
  onBytes(n: number): void;
  /**
   * Reads bytes [0, end) in this thread, as any file is read, telling `numbered` how many lines
   * and records it numbered; "whole" when an issue made it read on to the end of the file.
   */
  readFirst(end: number, numbered: (counts: { lines: number; records: number }) => void): Promise<"part" | "whole">;
  /** Reads the file from `start` to its end in this thread, numbering on from it. */
  readRest(start: PartStart): Promise<void>;
  /** Seconds left of the input's time limit when the first part is read (0: no limit). */
  secondsLeft(): number;
  /** The time limit passed while the workers read: report it (nothing more of the file is read). */
  timedOut(): void;
};

/**
 * Reads a results log in parts (see the module comment). Returns when the whole file is read:
 * by this thread and the workers or, from the first part that could not be used, by `readRest`.
 */
export async function scanLogInParts(scan: PartsScan): Promise<void> {
  const starts = await splitAtLines(scan.path, scan.size, scan.settings.workers, scan.settings.headStart);
  const parts = starts.map((start, k) => ({ start, end: starts[k + 1] ?? scan.size }));
  const workers: Worker[] = [];
  // the workers start first: they load the code and build the catalog index while this thread reads
  const results = parts.slice(1).map((part) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./parallel-log-worker.js", import.meta.url), {
        // a smaller young generation than V8's default: 10 MiB less peak RSS a worker, no slower (1M-row log)
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
        workerData: { ...scan.request, path: scan.path, start: part.start, end: part.end, maxForwarded: MAX_FORWARDED } satisfies PartRequest,
      });
    } catch (err) {
      return Promise.resolve<PartResult>({ clean: false, why: `no worker thread: ${(err as Error).message}` });
    }
    workers.push(worker);
    return new Promise<PartResult>((resolve) => {
      worker.on("message", (m: { progress?: number; result?: PartResult }) => {
        if (m.progress) scan.onBytes(m.progress);
        if (m.result) resolve(m.result);
      });
      worker.on("error", (err) => resolve({ clean: false, why: err.message }));
      worker.on("exit", () => resolve({ clean: false, why: "the worker ended without a result" }));
    });
  });
  const at: PartStart = { offset: 0, lines: 0, records: 0 };
  let used = 0;
  try {
    const first = await scan.readFirst(parts[0]!.end, (c) => {
      at.lines = c.lines;
      at.records = c.records;
    });
    if (first === "whole") return;
    used++;
    const seconds = scan.secondsLeft();
    const timer = seconds > 0 ? new Promise<"late">((resolve) => setTimeout(() => resolve("late"), seconds * 1000).unref()) : undefined;
    for (const [k, pending] of results.entries()) {
      at.offset = parts[k + 1]!.start;
      const result = await (timer ? Promise.race([pending, timer]) : pending);
      if (result === "late") {
        scan.timedOut();
        return;
      }
      if (!result.clean) {
        for (const w of workers) void w.terminate();
        await scan.readRest({ ...at });
        return;
      }
      for (const o of result.forwarded) {
        if (o.source.line !== undefined) o.source.line += at.lines;
        if (o.source.record !== undefined) o.source.record += at.records;
        scan.onObservation(o);
      }
      scan.skip(result.observations - result.forwarded.length, result.lookalikesNotSent);
      scan.onBytes(result.progress);
      at.lines += result.lines;
      at.records += result.records;
      used++;
    }
  } finally {
    for (const w of workers) void w.terminate();
    scan.settings.onSplit?.({ file: scan.path, parts: parts.length, used });
  }
}
