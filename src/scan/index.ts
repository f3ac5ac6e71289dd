/**
 * @module
 * The scan pipeline over files: inputs → reader → Observation → scanner (match → policy →
 * Finding, merged per host and product) → report document. Files are streamed one observation
 * at a time; the scanner (./scanner.ts) keeps only findings, so memory follows distinct
 * (host, product) pairs, not the size of the inputs.
 */
import { Readable } from "node:stream";
import type { ExceptionRule } from "../model/exception.js";
import type { Catalog, Profile } from "../model/catalog.js";
import type { CollectedSource, ReportCatalog, ReportDocument, Status } from "../model/finding.js";
import type { Issue } from "../model/issue.js";
import { IctsError } from "../model/errors.js";
import type { Observation, SourceRef } from "../model/observation.js";
import type { AsOf } from "../policy/time.js";
import { boundMessage, DEFAULT_LIMITS, type InputLimits } from "../io/limits.js";
import { inputDeadline } from "../io/deadline.js";
import { createChunkRing, fileChunks, type ChunkRing } from "../io/file-chunks.js";
import { detectReader } from "../readers/detect.js";
import { NETWORK_READERS } from "../readers/network-registry.js";
import { createIssueLog } from "../readers/_issues.js";
import { csvReader, headerLines } from "../readers/csv/index.js";
import { osqueryReader } from "../readers/osquery/index.js";
import { READERS, findReader } from "../readers/registry.js";
import type { ReadContext, ReadInput, Reader, RepeatCount, ReportableIssue } from "../readers/types.js";
import { DEFAULT_ARCHIVE_LIMITS, isZip, scanZipFile, scanZipStream, type ArchiveContext, type ArchiveLimits, type EntryOutcome } from "./archive.js";
import { expandInputs, openInput, type InputFile, type OpenedInput } from "./inputs.js";
import { stopIdlePartWorkers } from "./part-workers.js";
import { DEFAULT_PARALLEL, scanInParts, type ParallelSettings, type PartRequest, type PartStart } from "./parallel-read.js";
import { createScanner } from "./scanner.js";

export { createScanner, type Scanner, type ScannerOptions } from "./scanner.js";
export { findingId, hostKeyOf, NO_HOST } from "./finding-id.js";

export type ScanProgress = { file: string; fileIndex: number; files: number; bytesRead: number; totalBytes: number; observations: number };

export type ScanOptions = {
  inputs: readonly string[];
  catalog: Catalog;
  profile: Profile;
  asOf: AsOf;
  /** Force a reader by name instead of detecting the format. */
  inputFormat?: string;
  exceptions?: readonly ExceptionRule[];
  failOn?: Status | "none";
  /** The real date, for exception expiry; defaults to the machine's clock. */
  today?: string;
  stdin?: Readable;
  onProgress?: (p: ScanProgress) => void;
  /** Called once per issue as it happens (the CLI prints them to stderr). */
  onIssue?: (issue: Issue) => void;
  /** Where the catalog came from and how old it is, for the report (see catalog/active.ts). */
  catalogInfo?: Pick<ReportCatalog, "origin" | "ageDays" | "stale">;
  /** Issues known before the scan starts (a stale catalog, an unusable install), reported first. */
  notices?: readonly Issue[];
  /** Observations from elsewhere than files, scanned after them: the local host (`scan --host`). */
  observationInputs?: readonly ObservationInput[];
  /** Bounds on zip archives (depth, entries, expansion, temporary disk); DEFAULT_ARCHIVE_LIMITS unless given. */
  archiveLimits?: ArchiveLimits;
  /** Record size, nesting depth and time limits on every input (default: src/io/limits.ts). */
  limits?: InputLimits;
  /**
   * Large osqueryd results logs and CSVs are read by several threads (./parallel-read.ts; the report is
   * the same): when, and by how many. Default DEFAULT_PARALLEL; false reads every file in one.
   */
  parallel?: Partial<ParallelSettings> | false;
};

/** Observations that come from somewhere other than a file: the local host's collectors (`scan --host`). */
export type ObservationInput = {
  /** Listed in the report's `inputs`, e.g. `host:vm`. */
  name: string;
  /** The observations, one at a time; problems go to `report` (located, like a reader's). */
  observe(report: (issue: ReportableIssue) => void): AsyncIterable<Observation>;
  /** After observe() ended: what was collected, per source, for the report's `collected`. */
  collected?(): CollectedSource[];
};

export async function runScan(options: ScanOptions): Promise<ReportDocument> {
  const forced = options.inputFormat ? findReader(options.inputFormat) : undefined;
  if (options.inputFormat && !forced) {
    throw new UsageError(`unknown input format "${options.inputFormat}"; known formats: ${READERS.map((r) => r.name).join(", ")}`);
  }
  const scanner = createScanner({
    catalog: options.catalog,
    profile: options.profile,
    asOf: options.asOf,
    ...(options.exceptions ? { exceptions: options.exceptions } : {}),
    ...(options.failOn ? { failOn: options.failOn } : {}),
    ...(options.today ? { today: options.today } : {}),
    ...(options.catalogInfo ? { catalogInfo: options.catalogInfo } : {}),
    ...(options.onIssue ? { onIssue: options.onIssue } : {}),
  });
  // errors are counted so that an input that yielded nothing and said nothing is found (tallyOf)
  let errorsReported = 0;
  // a backstop: no issue message quotes more than a bounded piece of its input
  const report = (issue: ReportableIssue): void => {
    if ((issue.severity ?? "error") === "error") errorsReported++;
    scanner.issue(boundMessage(issue));
  };
  for (const notice of options.notices ?? []) report(notice);
  let inputsRead = 0;
  const tally: Tally = { records: () => scanner.observations, errors: () => errorsReported, inputsRead: () => inputsRead, inputRead: () => void inputsRead++ };

  const { files, problems } = await expandInputs(options.inputs);
  for (const p of problems) {
    report({
      code: p.code,
      ...(p.severity ? { severity: p.severity } : {}),
      message: p.code === "input/not-found" ? `cannot read input: ${p.message}` : p.message,
      source: { file: p.path },
    });
  }
  for (const f of files) scanner.input(f.path);
  const totalBytes = files.reduce((n, f) => n + (f.size ?? 0), 0);
  let bytesRead = 0;

  let progress: () => void = () => {};
  let seen = 0;
  const onObservation = (o: Observation, repeatKey?: string): void => {
    scanner.add(o, repeatKey);
    if ((++seen & 0x3ff) === 0) progress();
  };

  // Records a reader skipped (ReadContext.prefilter: no catalog literal in them) are counted, never matched.
  const prefilter = scanner.prefilter();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const skipped = (n: number, lookalikes?: number): void => {
    const before = scanner.observations;
    scanner.skip(n, lookalikes);
    if (before >>> 16 !== scanner.observations >>> 16) progress();
  };
  const repeat = (key: string): boolean => {
    if (!scanner.repeat(key)) return false;
    if ((++seen & 0x3ff) === 0) progress();
    return true;
  };
  const repeatCounted = (key: string): RepeatCount | undefined => scanner.repeatCounted(key);
  const repeatHit = (key: string, host: string | undefined, source: SourceRef): boolean => {
    if (!scanner.repeatHit(key, host, source)) return false;
    if ((++seen & 0x3ff) === 0) progress();
    return true;
  };
  const parallel: Parallel | undefined =
    options.parallel === false
      ? undefined
      : {
          settings: { ...DEFAULT_PARALLEL, ...options.parallel },
          request: { catalog: options.catalog, profile: options.profile, asOf: options.asOf.date, ...(options.limits ? { limits: options.limits } : {}) },
          skip: (n, lookalikes) => {
            scanner.skip(n, lookalikes);
            progress();
          },
          tick: () => progress(),
        };
  try {
    for (const [fileIndex, file] of files.entries()) {
      progress = (): void =>
        options.onProgress?.({ file: file.path, fileIndex, files: files.length, bytesRead, totalBytes, observations: scanner.observations });
      progress();
      await scanFile(file, forced, { stdin: options.stdin ?? process.stdin, archiveLimits: options.archiveLimits }, report, (n) => {
        bytesRead += n;
      }, onObservation, { prefilter, skipped, limits, repeat, repeatCounted, repeatHit }, tally, parallel);
    }
  } finally {
    // workers `scan` started ahead for a file that was not read in parts after all
    stopIdlePartWorkers();
  }
  // A scan that read none of the inputs it was given is not a clean scan (docs/cli.md); when
  // errors were reported, they already say why (and the exit code is 2)
  if (options.inputs.length > 0 && inputsRead === 0 && errorsReported === 0) {
    report({
      code: "scan/nothing-read",
      message: `none of the ${files.length} input${files.length === 1 ? "" : "s"} found (${options.inputs.length} named) could be read as an inventory: nothing was scanned, so this is no clean result`,
      source: { file: options.inputs.length === 1 ? options.inputs[0]! : `${options.inputs[0]} (and ${options.inputs.length - 1} more)` },
    });
  }
  // Observations collected from elsewhere than files (scan --host), one more input each.
  for (const input of options.observationInputs ?? []) {
    scanner.input(input.name);
    progress = (): void =>
      options.onProgress?.({ file: input.name, fileIndex: files.length, files: files.length, bytesRead, totalBytes, observations: scanner.observations });
    progress();
    try {
      for await (const o of input.observe(report)) onObservation(o);
    } catch (err) {
      report({ code: "input/read", message: `collecting failed: ${(err as Error).message}; observations collected before this point were kept`, source: { file: input.name } });
    }
    scanner.collected(input.collected?.() ?? []);
  }
  bytesRead = Math.max(bytesRead, totalBytes);
  options.onProgress?.({ file: "", fileIndex: files.length, files: files.length, bytesRead, totalBytes, observations: scanner.observations });
  return scanner.finish();
}

export type StreamInputOptions = {
  /** Force a reader by name instead of detecting the format (an unknown name is a UsageError). */
  inputFormat?: string;
  /** Located problems with the input, as a scan reports them. */
  report(issue: ReportableIssue): void;
  /** Each observation, stamped with its reader, as it is read; reading waits for a promise it returns (backpressure). */
  onObservation(observation: Observation): void | Promise<void>;
  /** Raw bytes read, for progress. */
  onBytes?(n: number): void;
};

/**
 * Reads one byte stream that is not a file (an upload's body) exactly as `scan` reads a file:
 * gzip removed, a zip archive read entry by entry, the format detected (or forced), observations
 * streamed one at a time. Every source is located at `name`.
 */
export async function readStreamInput(name: string, stream: Readable, options: StreamInputOptions): Promise<void> {
  const forced = options.inputFormat ? findReader(options.inputFormat) : undefined;
  if (options.inputFormat && !forced) {
    throw new UsageError(`unknown input format "${options.inputFormat}"; known formats: ${READERS.map((r) => r.name).join(", ")}`);
  }
  // the same tally as a scan's, so that an upload that yields nothing is reported as a scan's file is
  let records = 0;
  let errors = 0;
  let inputsRead = 0;
  const tally: Tally = { records: () => records, errors: () => errors, inputsRead: () => inputsRead, inputRead: () => void inputsRead++ };
  const report = (issue: ReportableIssue): void => {
    if ((issue.severity ?? "error") === "error") errors++;
    options.report(issue);
  };
  const onObservation = (o: Observation): void | Promise<void> => {
    records++;
    return options.onObservation(o);
  };
  await scanFile({ path: name, discovered: false, stream }, forced, { stdin: stream }, report, options.onBytes ?? (() => {}), onObservation, {}, tally);
}

/** Reads one input (a zip: each of its entries) with its reader; a failure is reported and ends only this input. */
async function scanFile(
  file: InputFile,
  forced: Reader | undefined,
  io: { stdin: Readable; archiveLimits?: ArchiveLimits | undefined },
  report: (issue: ReportableIssue) => void,
  onBytes: (n: number) => void,
  onObservation: (o: Observation, repeatKey?: string) => void | Promise<void>,
  fast: Pick<ReadContext, "prefilter" | "skipped" | "limits" | "repeat" | "repeatCounted" | "repeatHit">,
  tally: Tally,
  parallel?: Parallel,
): Promise<void> {
  let opened;
  try {
    opened = await openInput(file, io.stdin, onBytes, fast.limits?.maxGzipRatio);
  } catch (err) {
    report(
      err instanceof IctsError
        ? { code: err.code, message: err.code === "input/gzip" ? err.message : `cannot read input: ${err.message}`, source: err.source ?? { file: file.path } }
        : { code: "input/read", message: `cannot read input: ${(err as Error).message}`, source: { file: file.path } },
    );
    return;
  }
  if (opened.probe.head.length === 0) {
    opened.stream.destroy();
    // an empty file is never an inventory: an export that failed (in a folder as well as named)
    report({ code: "input/empty", message: "empty input: nothing to scan", source: { file: file.path } });
    return;
  }
  if (isZip(opened.probe.head)) {
    // a container, not a format: its entries are detected (or forced) one by one
    const before = { read: tally.inputsRead(), errors: tally.errors() };
    const ctx: ArchiveContext = {
      report,
      onBytes,
      limits: io.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS,
      scanEntry: (path, entry) => readOpened(path, entry, { discovered: true, inArchive: true }, forced, report, onObservation, fast, tally),
    };
    if (file.path !== "-" && !file.stream && !opened.gzipped) {
      opened.stream.destroy();
      await scanZipFile(file.path, file.path, 1, ctx);
    } else {
      await scanZipStream(opened.stream, file.path, 1, ctx);
    }
    if (tally.inputsRead() === before.read && tally.errors() === before.errors) {
      // a .jar or .whl named on the command line with nothing readable in it is no clean answer;
      // a zip found in a folder (a .docx, a bundle of documents) is skipped like any unknown file
      report({
        code: "archive/nothing-read",
        ...(file.discovered ? { severity: "warning" as const } : {}),
        message: `no entry of this zip archive could be read as an inventory${file.discovered ? " (skipped)" : ""}`,
        source: { file: file.path },
      });
    }
    return;
  }
  const parts = parallel ? partsPlan(file, opened, forced, parallel.settings) : undefined;
  if (parts) {
    opened.stream.destroy();
    await readInParts(file.path, opened.size!, parts, parallel!, report, onBytes, onObservation, fast, tally);
    return;
  }
  await readOpened(file.path, opened, { discovered: file.discovered, inArchive: false }, forced, report, onObservation, fast, tally);
}

/** How a scan reads large files in parts: the settings, what the parts need, and the count of what they did not send. */
type Parallel = {
  settings: ParallelSettings;
  request: { catalog: Catalog; profile: Profile; asOf: string; limits?: InputLimits };
  skip(n: number, lookalikes: number): void;
  /** Shows progress: the parts' bytes count before their observations reach the scan. */
  tick(): void;
};

/** How a file is read in parts (./parallel-read.ts): its format, its reader, where a CSV's header lines end. */
type PartsPlan = { format: PartRequest["format"]; reader: Reader; prefix?: PartRequest["prefix"] };

/**
 * A plain UTF-8 file on disk large enough to be read in parts: an osqueryd results log, or a
 * CSV whose header lines end in its first 64 KiB.
 */
function partsPlan(file: InputFile, opened: OpenedInput, forced: Reader | undefined, settings: ParallelSettings): PartsPlan | undefined {
  if (settings.workers < 2 || file.stream || file.path === "-" || opened.gzipped || opened.encoding !== "utf-8") return undefined;
  if (opened.size === undefined || opened.size < settings.minBytes || opened.size === 0) return undefined;
  const reader = forced ?? detectReader(opened.probe);
  if (reader === osqueryReader) return opened.probe.text.trimStart().startsWith("{") ? { format: "osquery-log", reader } : undefined;
  if (reader !== csvReader) return undefined;
  const prefix = headerLines(opened.probe.head);
  return prefix === undefined ? undefined : { format: "csv", reader, prefix };
}

/**
 * A file read in parts (./parallel-read.ts): observations and counts as one thread gives them.
 * From a part that could not be used, this thread reads the rest of the file through readOpened
 * as any file (a CSV's header lines first), its lines and records numbered on from the parts before.
 */
async function readInParts(
  path: string,
  size: number,
  plan: PartsPlan,
  parallel: Parallel,
  report: (issue: ReportableIssue) => void,
  onBytes: (n: number) => void,
  onObservation: (o: Observation, repeatKey?: string) => void | Promise<void>,
  fast: Pick<ReadContext, "prefilter" | "skipped" | "limits" | "repeat" | "repeatCounted" | "repeatHit">,
  tally: Tally,
): Promise<void> {
  const seconds = fast.limits?.maxSecondsPerInput ?? DEFAULT_LIMITS.maxSecondsPerInput;
  const started = Date.now();
  const before = { records: tally.records(), errors: tally.errors() };
  /** Seconds left of the input's time limit; 0 when it has none (as limits.maxSecondsPerInput says it). */
  const secondsLeft = (): number => (seconds > 0 ? Math.max(0.001, seconds - (Date.now() - started) / 1000) : 0);
  const fileBytes = (start: number, end?: number, ring?: ChunkRing): AsyncIterable<Buffer> => fileChunks(path, start, end, undefined, ring);

  /** readOpened from byte `at.offset` to the end (after a CSV's header lines), every line and record numbered on from `at`. */
  const readRest = async (at: PartStart): Promise<void> => {
    const prefix = at.offset > 0 ? plan.prefix : undefined;
    // A CSV's rest comes after its header lines and as many blank lines (which a CSV reader
    // skips) as the parts before held after them: the reader then numbers every line as the
    // file does, in its messages too ("lines 5002-5012 were skipped"). A results log's lines are
    // moved down instead (its messages name no line).
    const blankLines = prefix ? at.lines - prefix.lines : 0;
    const shift = prefix ? 0 : at.lines;
    const ring = createChunkRing();
    async function* counted(): AsyncGenerator<Buffer> {
      if (prefix) yield* fileBytes(0, prefix.end);
      for (let left = blankLines; left > 0; left -= BLANK_LINES.length) yield left >= BLANK_LINES.length ? BLANK_LINES : BLANK_LINES.subarray(0, left);
      for await (const chunk of fileBytes(at.offset, undefined, ring)) {
        onBytes(chunk.length);
        yield chunk;
      }
    }
    const stream = Readable.from(counted(), { objectMode: false });
    const opened: OpenedInput = { path, probe: { head: Buffer.alloc(0), text: "", path, encoding: "utf-8" }, stream, encoding: "utf-8", gzipped: false, size, bytesRead: () => 0, recycle: ring };
    await readOpened(
      path,
      opened,
      { discovered: false, inArchive: false, continuation: { secondsLeft: secondsLeft(), recordsBefore: tally.records() - before.records } },
      plan.reader,
      (issue) => {
        if (issue.source?.line !== undefined && shift !== 0) issue = { ...issue, source: { ...issue.source, line: issue.source.line + shift } };
        report(issue);
      },
      (o, key) => {
        if (o.source.line !== undefined) o.source.line += shift;
        if (o.source.record !== undefined) o.source.record += at.records;
        return onObservation(o, key);
      },
      fast,
      tally,
    );
  };

  await scanInParts({
    path,
    size,
    settings: parallel.settings,
    request: { ...parallel.request, format: plan.format, ...(plan.prefix ? { prefix: plan.prefix } : {}) },
    onObservation: (o) => void onObservation(o),
    skip: parallel.skip,
    onBytes: (n) => {
      onBytes(n);
      parallel.tick();
    },
    readRest,
    secondsLeft,
    timedOut: () => report({ code: "limit/time", message: timeLimitMessage(seconds, tally.records() - before.records), source: { file: path } }),
  });
  noteRead(path, plan.reader, tally.records() !== before.records, true, tally.errors() !== before.errors, tally, report);
}

/** Line breaks that stand for the lines of a CSV's parts before the one read on from (readInParts). */
const BLANK_LINES = Buffer.alloc(64 * 1024, 10);

/** The located error of an input read past `limits.maxSecondsPerInput`. */
function timeLimitMessage(seconds: number, records: number): string {
  return `reading took longer than the limit of ${seconds} s (limits.maxSecondsPerInput) after ${records} record${records === 1 ? "" : "s"}: the rest of this input was not read`;
}

/**
 * A part of a file read in parts (readLogInParts): the time left of the input's limit (0: none),
 * and the records its parts before gave, for the limit's message.
 */
type Continuation = { secondsLeft: number; recordsBefore: number };

/** Running counts of the scan (records read or skipped, errors reported), to see what one input added. */
type Tally = { records(): number; errors(): number; inputsRead(): number; inputRead(): void };

/**
 * Detects (or takes the forced) reader of an opened input and streams its observations. An
 * entry of an archive whose format is unknown is left for the archive's one summary warning.
 */
async function readOpened(
  path: string,
  opened: OpenedInput,
  how: { discovered: boolean; inArchive: boolean; continuation?: Continuation },
  forced: Reader | undefined,
  report: (issue: ReportableIssue) => void,
  onObservation: (o: Observation, repeatKey?: string) => void | Promise<void>,
  fast: Pick<ReadContext, "prefilter" | "skipped" | "limits" | "repeat" | "repeatCounted" | "repeatHit" | "numbered">,
  tally: Tally,
): Promise<EntryOutcome> {
  const reader = forced ?? detectReader(opened.probe);
  if (!reader) {
    opened.stream.destroy();
    if (how.inArchive) return "unknown-format";
    report({
      code: "input/unknown-format",
      severity: how.discovered ? "warning" : "error",
      message: `unknown input format${how.discovered ? " (skipped)" : ""}: expected one of ${READERS.map((r) => r.name).join(", ")}; name one with --input-format`,
      source: { file: path },
    });
    return "unknown-format";
  }
  const before = { records: tally.records(), errors: tally.errors() };
  let completed = false;
  // every reader is throttled per code in this input (src/readers/_issues.ts), whatever its own throttle
  const issues = createIssueLog({ report }, path, MAX_ISSUES_PER_CODE);
  // The per-input time limit, a located limit/time error that ends the reader: readers check the
  // signal between records, and it also fails the input's stream when the reader waits for bytes.
  const seconds = fast.limits?.maxSecondsPerInput ?? DEFAULT_LIMITS.maxSecondsPerInput;
  const deadline = inputDeadline(how.continuation ? how.continuation.secondsLeft : seconds, () => {
    const records = tally.records() - before.records + (how.continuation?.recordsBefore ?? 0);
    return new IctsError("limit/time", timeLimitMessage(seconds, records), { source: { file: path } });
  });
  const { signal } = deadline;
  signal.addEventListener("abort", () => opened.stream.destroy(signal.reason as Error), { once: true });
  const emit = (o: Observation, repeatKey?: string): void => {
    signal.throwIfAborted();
    o.source.reader = reader.name;
    onObservation(o, repeatKey);
  };
  try {
    // A consumer that pulls (an upload's ingest) sets the pace: it gets no `emit` (a reader's fast
    // path would hand it observations without waiting), and each yielded observation is awaited.
    const repeatHit = fast.repeatHit;
    const named = repeatHit && {
      repeatHit: (key: string, host: string | undefined, source: SourceRef): boolean => {
        source.reader = reader.name;
        return repeatHit(key, host, source);
      },
    };
    const ctx = fast.prefilter ? { report: issues.report, emit, signal, ...fast, ...named } : { report: issues.report, signal, ...fast };
    const input: ReadInput = { path, stream: opened.stream, encoding: opened.encoding, ...(opened.recycle ? { recycle: opened.recycle } : {}) };
    for await (const o of reader.read(input, ctx)) {
      signal.throwIfAborted();
      o.source.reader = reader.name;
      const taken = onObservation(o);
      if (taken) await taken;
    }
    completed = true;
  } catch (err) {
    // a coded error (a cut-off gzip stream, a limit) keeps its code and location
    report(
      err instanceof IctsError
        ? { code: err.code, message: err.message, source: { ...err.source, file: path } }
        : {
            code: "input/read",
            message: `reading as ${reader.name} failed: ${(err as Error).message}; observations read before this point were kept`,
            source: { file: path },
          },
    );
  } finally {
    deadline.clear();
    issues.finish();
    opened.stream.destroy();
  }
  // the rest of a file read in parts: readLogInParts tells what the whole file gave
  if (!how.continuation) noteRead(path, reader, tally.records() !== before.records, completed, tally.errors() !== before.errors, tally, report);
  return "read";
}

/** An input read to its end (or not), counted as read, or reported when it held no record and said nothing. */
function noteRead(path: string, reader: Reader, yielded: boolean, completed: boolean, erred: boolean, tally: Tally, report: (issue: ReportableIssue) => void): void {
  if (yielded || (completed && NETWORK_READERS.includes(reader))) tally.inputRead();
  else if (!erred) {
    // read to its end as this format, yet not one record and no error: a header with no rows,
    // an SBOM with no components. An inventory that lists nothing cannot show the estate is clean.
    // (A network log read to its end is an answer: its lines may hold no lookup at all. One that
    // holds no record of its format at all is an error its reader reports: windns/empty ...)
    report({
      code: "input/nothing-read",
      message: `read as ${reader.name}, but it holds no records (no software, device or host listed): an empty inventory is no clean result; remove it from the scan if it is meant to be empty`,
      source: { file: path },
    });
  }
}

/** Located issues of one code reported per input before the rest are counted (readers may have tighter limits). */
export const MAX_ISSUES_PER_CODE = 100;

/** A problem with how the command was called (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}
