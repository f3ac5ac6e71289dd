/**
 * @module
 * One part of a file read in parts (./parallel-read.ts): bytes [start, end) of the file, a part
 * that begins and ends at line breaks, read by the format's reader into a scanner of its own. It
 * gives back, in file order, every observation that matched a product and the first 1,000
 * look-alikes (what the scan that reports must see), numbered from the part's own first line,
 * and counts of the rest. Run in a worker thread (./parallel-read-worker.ts) for the parts after
 * the first, and in the scan's own thread for the first.
 *
 * A part is usable only when reading it alone is the same as reading it on from the parts
 * before: any issue, a reader that did not number its lines (the CSV reader numbers them only
 * when every line was a whole record on its own line, see `ReadContext.numbered`), or more
 * observations to send than the scan should hold, make it come back `clean: false` at once.
 */
import { Readable } from "node:stream";
import { createChunkRing, fileChunks } from "../io/file-chunks.js";
import { addTransliterations } from "../text/fold.js";
import type { Observation } from "../model/observation.js";
import { csvReader } from "../readers/csv/index.js";
import { osqueryReader } from "../readers/osquery/index.js";
import type { ReadContext, Reader } from "../readers/types.js";
import { createScanner, MAX_LOOKALIKES_KEPT } from "./scanner.js";
import type { PartRequest, PartResult } from "./parallel-read.js";

/** The readers a file may be read in parts with (PartRequest.format). */
const PART_READERS: Record<PartRequest["format"], Reader> = { "osquery-log": osqueryReader, csv: csvReader };

/** Bytes between progress reports. */
const PROGRESS_BYTES = 8 * 1024 * 1024;

export type PartHooks = {
  /** Bytes read since the last call (about every 8 MiB); the rest come with the result. */
  onProgress(bytes: number): void;
  /**
   * Ends the read early (the input's time limit): the part comes back with what was read by
   * then, `stopped`, unless it was unclean already.
   */
  signal?: AbortSignal;
};

export async function readPart(request: PartRequest, hooks: PartHooks): Promise<PartResult> {
  const reader = PART_READERS[request.format];
  const forwarded: Observation[] = [];
  /** Look-alike-only observations sent, and sent ones that were look-alikes (matched or not). */
  let lookalikesSent = 0;
  let sentThatWereLookalikes = 0;
  let unclean: string | undefined;
  const stop = new AbortController();
  const giveUp = (why: string): void => {
    unclean ??= why;
    stop.abort(new Error(why));
  };
  // stopped from outside (the input's time limit): what was read so far is still a whole result
  let stopped = false;
  const onAbort = (): void => {
    stopped = true;
    stop.abort(new Error("stopped"));
  };
  if (hooks.signal?.aborted) onAbort();
  hooks.signal?.addEventListener("abort", onAbort, { once: true });

  if (request.transliterations) addTransliterations(request.transliterations);
  const full = request.lookalikesFull ? new Int32Array(request.lookalikesFull) : undefined;
  /** Whether a part before this one has sent the report's whole list of look-alikes (it only ever becomes true). */
  let earlierFull = false;
  const keepsLookalikes = (): boolean => {
    if (!earlierFull && full !== undefined) for (let k = 0; k < request.part; k++) if (Atomics.load(full, k) === 1) earlierFull = true;
    return !earlierFull;
  };
  const scanner = createScanner({
    catalog: request.catalog,
    profile: request.profile,
    asOf: request.asOf,
    keepsLookalikes,
    onMatched(o, { matched, lookalike }) {
      if (!matched && !(lookalike && lookalikesSent < MAX_LOOKALIKES_KEPT && keepsLookalikes())) return;
      if (!matched && ++lookalikesSent === MAX_LOOKALIKES_KEPT && full !== undefined) Atomics.store(full, request.part, 1);
      if (lookalike) sentThatWereLookalikes++;
      forwarded.push(o);
      if (forwarded.length > request.maxForwarded) giveUp(`more than ${request.maxForwarded} observations to send`);
    },
  });

  // a CSV part after the first is read after the file's header lines
  const prefix = request.start > 0 ? request.prefix : undefined;
  const prefixLines = prefix?.lines ?? 0;
  let sinceProgress = 0;
  const ring = createChunkRing();
  async function* bytes(): AsyncGenerator<Buffer> {
    if (prefix) yield* fileChunks(request.path, 0, prefix.end);
    for await (const chunk of fileChunks(request.path, request.start, request.end, undefined, ring)) {
      sinceProgress += chunk.length;
      if (sinceProgress >= PROGRESS_BYTES) {
        hooks.onProgress(sinceProgress);
        sinceProgress = 0;
      }
      yield chunk;
    }
  }

  let counts: { lines: number; records: number } | undefined;
  try {
    const add = (o: Observation, key?: string): void => {
      o.source.reader = reader.name;
      scanner.add(o, key);
    };
    const ctx: ReadContext = {
      report: (issue) => giveUp(`an issue (${issue.code})`),
      emit: add,
      prefilter: scanner.prefilter(),
      skipped: (n, lookalikes) => scanner.skip(n, lookalikes),
      repeat: (key) => scanner.repeat(key),
      repeatCounted: (key) => scanner.repeatCounted(key),
      numbered: (c) => void (counts = c),
      signal: stop.signal,
      ...(request.limits ? { limits: request.limits } : {}),
    };
    const input = { path: request.path, stream: Readable.from(bytes(), { objectMode: false }), encoding: "utf-8" as const, recycle: ring };
    for await (const o of reader.read(input, ctx)) add(o);
  } catch (err) {
    if (!stopped) giveUp((err as Error).message);
  } finally {
    hooks.signal?.removeEventListener("abort", onAbort);
  }
  if (unclean === undefined && counts === undefined && !stopped) unclean = "the reader did not number its lines";
  if (unclean !== undefined) return { clean: false, why: unclean };

  // lines from the part's own first line: the header lines read before it are not the part's
  if (prefixLines > 0) for (const o of forwarded) if (o.source.line !== undefined) o.source.line -= prefixLines;
  const summary = (await scanner.finish()).summary;
  return {
    clean: true,
    forwarded,
    observations: summary.observations,
    // the scan that reports counts a sent look-alike again when it adds it
    lookalikesNotSent: summary.lookalikes - sentThatWereLookalikes,
    lines: (counts?.lines ?? 0) - prefixLines,
    records: counts?.records ?? 0,
    progress: sinceProgress,
    ...(stopped ? { stopped: true as const } : {}),
  };
}
