/**
 * @module
 * Zip archives as inputs: every entry is read with the reader detected for it (or the forced
 * one), named `archive.zip!inner/path.csv` in every source; a zip inside a zip is opened the same
 * way, down to MAX_ARCHIVE_DEPTH levels. The archive is a container, not a format: it is
 * recognised by its bytes (`PK\x03\x04`), whatever its name.
 *
 * Zip's table of contents is at the end of the file, so a zip needs random access: an archive on
 * disk is read in place with yauzl; one that arrives as a stream (standard input, gzip, an entry
 * of another zip) is first copied to a temporary file (at most MAX_SPILL_BYTES) and deleted
 * after. Entries are streamed one at a time; nothing is unpacked to disk.
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
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import yauzl from "yauzl";
import type { ReportableIssue } from "../readers/types.js";
import { openInput, type OpenedInput } from "../io/open.js";

/** Zips inside zips are opened down to this depth (the archive named on the command line is 1). */
export const MAX_ARCHIVE_DEPTH = 4;
/** Largest archive copied to a temporary file to be opened (a stream, or a zip inside a zip). */
export const MAX_SPILL_BYTES = 4 * 1024 ** 3;
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
};

/** A zip that is a file on disk. `display` names it in sources; `depth` is 1 for a top-level archive. */
export async function scanZipFile(file: string, display: string, depth: number, ctx: ArchiveContext): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { decodeStrings: false, validateEntrySizes: true, autoClose: true });
  } catch (err) {
    ctx.report({ code: "archive/invalid", message: `not a readable zip archive: ${reason(err)}; nothing in it was read`, source: { file: display } });
    return;
  }
  const unknown: string[] = [];
  let entries = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      ctx.signal?.throwIfAborted();
      entries++;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
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
}

/**
 * A zip that arrives as a stream (standard input, gunzipped, or an entry of another zip): copied
 * to a temporary file, scanned, and the copy deleted.
 */
export async function scanZipStream(stream: Readable, display: string, depth: number, ctx: ArchiveContext): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "ictsguard-zip-"));
  try {
    const file = join(dir, "archive.zip");
    try {
      await pipeline(stream, limitBytes(MAX_SPILL_BYTES), createWriteStream(file));
    } catch (err) {
      ctx.report({ code: "archive/invalid", message: `cannot read the zip archive: ${reason(err)}; nothing in it was read`, source: { file: display } });
      return;
    }
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
  const checked = checkCrc(entry.crc32);
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
    if (depth >= MAX_ARCHIVE_DEPTH) {
      opened.stream.destroy();
      ctx.report({
        code: "archive/depth",
        severity: "warning",
        message: `a zip nested ${depth + 1} levels deep; archives are opened down to ${MAX_ARCHIVE_DEPTH} levels, so this one was skipped`,
        source: { file: path },
      });
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
 * reported instead of read as if it were whole.
 */
function checkCrc(expected: number): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      done(crc >>> 0 === expected >>> 0 ? null : new Error(`CRC-32 mismatch (the entry is corrupt: expected ${hex(expected)}, got ${hex(crc)})`));
    },
  });
}

function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > max) done(new Error(`larger than ${Math.round(max / 1024 ** 3)} GiB, the most ictsguard copies to open a zip that is not a file`));
      else done(null, chunk);
    },
  });
}

const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");

function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // yauzl looks for the table of contents from the end: a cut-off zip fails there, in one of these ways
  return /end of central directory|invalid comment length|central directory/i.test(message) ? `${message.replace(/\.$/, "")} (truncated, or not a zip?)` : message;
}
