/**
 * @module
 * Zip archives as inputs: every entry is read with the reader detected for it (or the forced
 * one), named `archive.zip!inner/path.csv` in every source; a zip inside a zip is opened the same
 * way, down to the archive.maxDepth limit. The archive is a container, not a format: it is
 * recognised by its bytes (`PK\x03\x04`), whatever its name.
 *
 * Zip's table of contents is at the end of the file, so a zip needs random access: an archive on
 * disk is read in place with yauzl; one that arrives as a stream (standard input, gzip, an entry
 * of another zip) is first copied to a temporary file (within archive.maxTempBytes) and deleted
 * after. Entries are streamed one at a time; nothing is unpacked to disk.
 *
 * Every input has a budget (ArchiveLimits, `archive:` in the config file, defaults in
 * src/config/defaults.ts): nesting depth, entries, expanded bytes, expansion ratio and temporary
 * disk, all counted over the archive named and every zip inside it. Reaching one is a located
 * error (never a silent stop, since the rest was not read), and reading goes on with the next
 * input; a zip nested too deep is one error per input with the count, not one per zip.
 *
 * Problems are located and the rest goes on: an unreadable archive is one error at its path; an
 * encrypted entry, an unsupported compression method or a corrupt entry (bad deflate data,
 * CRC-32 mismatch) is an error at the entry's path and the other entries are still read. Entry
 * names are only used as labels (never as paths to write), so `../` or absolute names are kept as
 * they are. Directory entries, hidden files and macOS `__MACOSX/` resource forks are skipped;
 * entries of an unknown format are skipped with one warning per archive, since a zip often
 * carries a README or a manifest beside the inventories.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import type yauzl from "yauzl";
import { lazyRequire } from "../util/lazy-require.js";
import { DEFAULTS } from "../config/defaults.js";
import type { ReportableIssue } from "../readers/types.js";
import { openInput, type OpenedInput } from "../io/open.js";
import { SPILL_PREFIX } from "./spill.js";

/** The bounds on one input's archives (each counted over the archive and every zip inside it). */
export type ArchiveLimits = {
  /** Zips inside zips are opened down to this depth (the archive named on the command line is 1). */
  maxDepth: number;
  /** Entries, all nested archives counted. */
  maxEntries: number;
  /** Bytes read out of entries (decompressed), all nested archives counted. */
  maxExpandedBytes: number;
  /** Expanded bytes over the input's own size, checked once more than EXPANSION_RATIO_FLOOR was read. */
  maxExpansionRatio: number;
  /** Bytes written to temporary files to open zips that are not files on disk (all of them, over the input). */
  maxTempBytes: number;
};
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = DEFAULTS.archive;
/** Below this many expanded bytes a high ratio is harmless (a tiny zip of a repetitive file). */
export const EXPANSION_RATIO_FLOOR = 64 * 1024 ** 2;
/** How many names of skipped unknown-format entries the warning lists. */
const NAMES_LISTED = 5;

/** A zip's first bytes: a local file header, or the end record of an empty archive. */
export function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06));
}

/** What scanning one entry came to: read by a reader, or no reader knew its format. */
export type EntryOutcome = "read" | "unknown-format";

export type ArchiveContext = {
  report(issue: ReportableIssue): void;
  /** Compressed bytes of the archive dealt with, for the progress bar. */
  onBytes(n: number): void;
  /** Reads one entry that is not itself an archive; `path` is its display path (`a.zip!b.csv`). */
  scanEntry(path: string, opened: OpenedInput): Promise<EntryOutcome>;
  signal?: AbortSignal;
  /** The bounds (default DEFAULT_ARCHIVE_LIMITS). */
  limits?: ArchiveLimits;
  /** What this input has used of them so far: made by the outermost archive, shared by those inside it. */
  budget?: Budget;
};

/** One input's use of its ArchiveLimits. */
type Budget = {
  limits: ArchiveLimits;
  /** The input's own size (the archive on disk, or its copy), for the expansion ratio. */
  inputBytes: number;
  entries: number;
  expanded: number;
  tempWritten: number;
  /** A limit was reached: the entries left are not read (already reported). */
  stopped: boolean;
  /** Zips nested deeper than maxDepth: the first one's path and how many. */
  tooDeep: { first: string; count: number } | undefined;
};

/** A zip that is a file on disk. `display` names it in sources; `depth` is 1 for a top-level archive. */
export async function scanZipFile(file: string, display: string, depth: number, ctx: ArchiveContext): Promise<void> {
  // yauzl's own file reader crashes the process ("Cannot read properties of null (reading 'fd')")
  // when an entry's stream is destroyed while a read is pending, as a reader that stops early
  // does; our reader over a FileHandle we close ourselves does not.
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    ctx.report({ code: "archive/invalid", message: `cannot open the zip archive: ${reason(err)}; nothing in it was read`, source: { file: display } });
    return;
  }
  try {
    const size = (await handle.stat()).size;
    await scanZip({ handle, size }, display, depth, ctx);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** yauzl loads on first use: every `scan` loads this module, few read a zip. */
const zipLibrary = lazyRequire<typeof yauzl>("yauzl");

/** Zips up to this size that are not files on disk are read in memory, not copied to a temporary file. */
const IN_MEMORY_ZIP_BYTES = 8 * 1024 * 1024;

/** Reads every entry of a zip, open on disk or in memory. */
async function scanZip(source: { handle: FileHandle; size: number } | Buffer, display: string, depth: number, ctx: ArchiveContext): Promise<void> {
  const size = Buffer.isBuffer(source) ? source.length : source.size;
  let zip: yauzl.ZipFile;
  try {
    const options = { decodeStrings: false, validateEntrySizes: true, autoClose: false } as const;
    zip = Buffer.isBuffer(source)
      ? await zipLibrary().fromBufferPromise(source, options)
      : await zipLibrary().fromRandomAccessReaderPromise(fileRangeReader(source.handle), size, options);
  } catch (err) {
    ctx.report({ code: "archive/invalid", message: `not a readable zip archive: ${reason(err)}; nothing in it was read`, source: { file: display } });
    return;
  }
  const outermost = ctx.budget === undefined;
  const budget: Budget = ctx.budget ?? {
    limits: ctx.limits ?? DEFAULT_ARCHIVE_LIMITS,
    inputBytes: size,
    entries: 0,
    expanded: 0,
    tempWritten: 0,
    stopped: false,
    tooDeep: undefined,
  };
  ctx = { ...ctx, budget };
  const unknown: string[] = [];
  let entries = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      ctx.signal?.throwIfAborted();
      if (budget.stopped) break;
      entries++;
      if (++budget.entries > budget.limits.maxEntries) {
        stop(budget, ctx, "archive/entries", `more than ${budget.limits.maxEntries} zip entries in this input (nested archives counted; the archive.maxEntries limit): the entries from here on were not read`, display);
        break;
      }
      const name = zipLibrary().getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      if (skipped(name)) continue;
      const path = `${display}!${name}`;
      try {
        if ((await scanEntry(zip, entry, path, depth, ctx)) === "unknown-format") unknown.push(name);
      } finally {
        ctx.onBytes(entry.compressedSize);
      }
    }
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    ctx.report({
      code: "archive/invalid",
      message: `the zip archive's table of contents is damaged after ${entries} entr${entries === 1 ? "y" : "ies"}: ${reason(err)}; the entries before it were read`,
      source: { file: display },
    });
  } finally {
    zip.close();
  }
  if (unknown.length > 0) {
    const listed = unknown.slice(0, NAMES_LISTED).join(", ") + (unknown.length > NAMES_LISTED ? ", ..." : "");
    ctx.report({
      code: "input/unknown-format",
      severity: "warning",
      message: `${unknown.length} entr${unknown.length === 1 ? "y" : "ies"} of an unknown format skipped (${listed}); name one with --input-format`,
      source: { file: display },
    });
  }
  if (outermost && budget.tooDeep) {
    const { first, count } = budget.tooDeep;
    ctx.report({
      code: "archive/depth",
      message: `${count} zip${count === 1 ? "" : "s"} nested more than ${budget.limits.maxDepth} levels deep (the archive.maxDepth limit) not opened, the first at this path; what they hold was not read`,
      source: { file: first },
    });
  }
}

/** A limit was reached: reported once, at the path where it happened, and the input's remaining entries are skipped. */
function stop(budget: Budget, ctx: ArchiveContext, code: string, message: string, path: string): void {
  if (budget.stopped) return;
  budget.stopped = true;
  ctx.report({ code, message, source: { file: path } });
}

/**
 * yauzl's random access over one open file: each range is a stream of positioned reads that
 * never closes the file (scanZipFile closes it once every entry is done, and FileHandle.close
 * waits for a pending read), so an entry's stream can be destroyed in the middle of a read.
 */
function fileRangeReader(handle: FileHandle): yauzl.RandomAccessReader {
  RangeReader ??= defineFileRangeReader();
  return new RangeReader(handle);
}
let RangeReader: ReturnType<typeof defineFileRangeReader> | undefined;

/** Defined on first use: its base class is yauzl's, loaded then. */
function defineFileRangeReader() {
  return class FileRangeReader extends zipLibrary().RandomAccessReader {
    constructor(private readonly handle: FileHandle) {
      super();
    }
    override _readStreamForRange(start: number, end: number): Readable {
      const handle = this.handle;
      let position = start;
      return new Readable({
        highWaterMark: 64 * 1024,
        read(size) {
          const length = Math.min(size, end - position);
          if (length <= 0) {
            this.push(null);
            return;
          }
          handle.read(Buffer.allocUnsafe(length), 0, length, position).then(
            ({ bytesRead, buffer }) => {
              if (this.destroyed) return;
              if (bytesRead === 0) return void this.destroy(new Error("unexpected end of the file"));
              position += bytesRead;
              this.push(buffer.subarray(0, bytesRead));
            },
            (err: Error) => this.destroy(err),
          );
        },
      });
    }
    override close(callback: (err: Error | null) => void): void {
      setImmediate(() => callback(null));
    }
  };
}

/**
 * A zip that arrives as a stream (standard input, gunzipped, or an entry of another zip): copied
 * to a temporary file (counted against the input's archive.maxTempBytes), scanned, and the copy
 * deleted. The folder's name carries our process id, so a later run can tell a leftover of a
 * killed run from a folder in use (./spill.ts).
 */
export async function scanZipStream(stream: Readable, display: string, depth: number, ctx: ArchiveContext): Promise<void> {
  const limits = ctx.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const budget = ctx.budget;
  // a small zip (most zips inside zips) is read in memory: no temporary file at all
  const head: Buffer[] = [];
  let held = 0;
  const iterator = stream[Symbol.asyncIterator]();
  let rest = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = next.value as Buffer;
      head.push(chunk);
      held += chunk.length;
      if (held > IN_MEMORY_ZIP_BYTES) {
        rest = true;
        break;
      }
    }
  } catch (err) {
    ctx.report({ code: "archive/invalid", message: `cannot read the zip archive: ${reason(err)}; nothing in it was read`, source: { file: display } });
    return;
  }
  if (!rest) {
    await scanZip(Buffer.concat(head), display, depth, { ...ctx, onBytes: () => {} });
    return;
  }
  const left = limits.maxTempBytes - (budget?.tempWritten ?? 0);
  const dir = await mkdtemp(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
  try {
    const file = join(dir, "archive.zip");
    let written = 0;
    try {
      const all = Readable.from(
        (async function* () {
          yield* head;
          for (;;) {
            const next = await iterator.next();
            if (next.done) return;
            yield next.value as Buffer;
          }
        })(),
      );
      await pipeline(all, limitBytes(left, (n) => (written = n)), createWriteStream(file, { mode: 0o600 }));
    } catch (err) {
      stream.destroy();
      if (err instanceof TempLimitError) {
        if (budget) budget.tempWritten += written;
        ctx.report({
          code: "archive/temp-space",
          message: `this zip is not a file on disk, so it must be copied to a temporary file to be opened, and that would take the input past ${limits.maxTempBytes} bytes of temporary disk (the archive.maxTempBytes limit); nothing in it was read`,
          source: { file: display },
        });
        return;
      }
      ctx.report({ code: "archive/invalid", message: `cannot read the zip archive: ${reason(err)}; nothing in it was read`, source: { file: display } });
      return;
    }
    if (budget) budget.tempWritten += written;
    // its bytes were counted as they arrived (as the input, or as the outer archive's entry)
    await scanZipFile(file, display, depth, { ...ctx, onBytes: () => {} });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Directories, hidden files and macOS resource forks say nothing about the inventory. */
function skipped(name: string): boolean {
  if (name.endsWith("/")) return true;
  const parts = name.split("/");
  return parts.includes("__MACOSX") || parts[parts.length - 1]!.startsWith(".");
}

async function scanEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string, depth: number, ctx: ArchiveContext): Promise<EntryOutcome | undefined> {
  if (entry.uncompressedSize === 0) return undefined; // an empty file: nothing to scan
  if (entry.isEncrypted()) {
    ctx.report({ code: "archive/encrypted", message: "encrypted zip entry: it cannot be read without the password; skipped", source: { file: path } });
    return undefined;
  }
  if (!entry.canDecodeFileData()) {
    ctx.report({
      code: "archive/compression",
      message: `zip entry compressed with method ${entry.compressionMethod}, expected 0 (stored) or 8 (deflate); skipped (re-create the archive with deflate)`,
      source: { file: path },
    });
    return undefined;
  }
  let raw: Readable;
  try {
    raw = await zip.openReadStreamPromise(entry);
  } catch (err) {
    ctx.report({ code: "archive/entry", message: `cannot read this zip entry: ${reason(err)}; skipped`, source: { file: path } });
    return undefined;
  }
  // pipeline, not pipe: an error of either stream reaches the reader, and a reader that stops
  // early destroys yauzl's stream too (else the archive could never be closed)
  const budget = ctx.budget!;
  const checked = checkCrc(entry.crc32, (n) => {
    budget.expanded += n;
    const { maxExpandedBytes, maxExpansionRatio } = budget.limits;
    if (budget.expanded > maxExpandedBytes) {
      stop(budget, ctx, "archive/expanded", `this input expands to more than ${maxExpandedBytes} bytes (nested archives counted; the archive.maxExpandedBytes limit): reading stopped in this entry and the entries after it were not read`, path);
      return false;
    }
    if (budget.expanded > EXPANSION_RATIO_FLOOR && budget.expanded > maxExpansionRatio * Math.max(1, budget.inputBytes)) {
      stop(budget, ctx, "archive/ratio", `this input expands more than ${maxExpansionRatio} times its size of ${budget.inputBytes} bytes (nested archives counted; the archive.maxExpansionRatio limit, a zip bomb's mark): reading stopped in this entry and the entries after it were not read`, path);
      return false;
    }
    return true;
  });
  pipeline(raw, checked).catch(() => {}); // the reader sees the error on `checked`
  let opened: OpenedInput;
  try {
    opened = await openInput({ path, stream: checked });
  } catch (err) {
    checked.destroy();
    ctx.report({ code: "archive/entry", message: `cannot read this zip entry: ${reason(err)}; skipped`, source: { file: path } });
    return undefined;
  }
  if (isZip(opened.probe.head)) {
    if (depth >= budget.limits.maxDepth) {
      opened.stream.destroy();
      if (budget.tooDeep) budget.tooDeep.count++;
      else budget.tooDeep = { first: path, count: 1 };
      return undefined;
    }
    await scanZipStream(opened.stream, path, depth + 1, ctx);
    return "read";
  }
  return ctx.scanEntry(path, opened);
}

/** CRC-32 (IEEE) as zip uses it: zlib's from Node 20.15 / 22.2, else the table method. */
const crc32: (data: Buffer, value: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? zlib.crc32 : tableCrc32;

let crcTable: Uint32Array | undefined;
/** The table method (exported for its test: it runs only where zlib has no crc32). */
export function tableCrc32(data: Buffer, value: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * Passes the entry's bytes through and fails the stream at its end when their CRC-32 is not
 * the one the archive recorded (yauzl does not check it): a corrupt stored entry is then
 * reported instead of read as if it were whole. `count` sees each chunk's size first and
 * fails the stream by returning false (a limit of the input was reached, and reported).
 */
function checkCrc(expected: number, count: (n: number) => boolean): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (!count(chunk.length)) return done(new Error("an archive limit was reached (reported at this entry)"));
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      done(crc >>> 0 === expected >>> 0 ? null : new Error(`CRC-32 mismatch (the entry is corrupt: expected ${hex(expected)}, got ${hex(crc)})`));
    },
  });
}

class TempLimitError extends Error {}

function limitBytes(max: number, seen: (n: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (total + chunk.length > max) return done(new TempLimitError(`over ${max} bytes`));
      total += chunk.length;
      seen(total);
      done(null, chunk);
    },
  });
}

const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");

function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // yauzl looks for the table of contents from the end: a cut-off zip fails there, in one of these ways
  return /end of central directory|invalid comment length|central directory/i.test(message) ? `${message.replace(/\.$/, "")} (truncated, or not a zip?)` : message;
}
