/**
 * @module
 * The one way ictsguard opens an input (`scan`, `check --batch`, `screen`, `lists import`): a
 * path, `-` for standard input, or a stream that already has a name (an entry of a zip archive).
 * The first bytes are read into a probe and replayed, gzip is recognised by its magic bytes (not
 * by a `.gz` name) and removed, and the text encoding is sniffed from the uncompressed bytes.
 * Raw bytes read are counted for progress bars.
 */
import type { FileHandle } from "node:fs/promises";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { PassThrough, pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { IctsError } from "../model/errors.js";
import { decodeHead, sniffEncoding } from "./encoding.js";
import { createChunkRing, fileChunks, type ChunkRing } from "./file-chunks.js";
import { peek } from "./peek.js";
import { DEFAULT_LIMITS, GUNZIP_CHUNK_BYTES, GZIP_RATIO_AFTER_BYTES } from "./limits.js";
import type { Probe, TextEncoding } from "./types.js";

/** How much of an input detection looks at. */
export const PROBE_BYTES = 64 * 1024;

/** What to open: a path (`-` is standard input), or a byte stream with the name to report it by. */
export type InputSpec = string | { path: string; stream: Readable };

export type OpenOptions = {
  /** Read for `-` (default: process.stdin). */
  stdin?: Readable;
  /** Called with the size of every raw (still compressed) chunk read, for progress. */
  onBytes?: (n: number) => void;
  /** The gzip expansion limit (limits.maxGzipRatio; default: DEFAULT_LIMITS); 0: none. */
  maxGzipRatio?: number;
  /** Uncompressed bytes before the ratio is judged (default: GZIP_RATIO_AFTER_BYTES; tests lower it). */
  gzipRatioAfterBytes?: number;
};

export type OpenedInput = {
  /** As the user gave it (`-` for standard input), for every location reported. */
  path: string;
  probe: Probe;
  /** Every byte from the first, gzip removed. Read it once; destroy it to stop early. */
  stream: Readable;
  encoding: TextEncoding;
  /** The input was gzip (found by its magic bytes 1f 8b). */
  gzipped: boolean;
  /** A regular file's size in bytes (raw), for progress; unknown for streams and pipes. */
  size?: number;
  /** Raw bytes read so far. */
  bytesRead(): number;
  /** A file's read buffers, for its reader to use again (`ReadInput.recycle`); not for gzip, standard input or a stream. */
  recycle?: ChunkRing;
};

/**
 * Opens an input and probes it. A path that does not exist or is a directory fails with an
 * IctsError (`input/not-found`, `input/not-a-file`, `input/read`) whose message says what was
 * wrong without repeating the path, so each command can put it in its own sentence.
 */
export async function openInput(spec: InputSpec, options: OpenOptions = {}): Promise<OpenedInput> {
  let path: string;
  let raw: Readable;
  let size: number | undefined;
  let ring: ChunkRing | undefined;
  if (typeof spec === "string") {
    path = spec;
    if (spec === "-") raw = options.stdin ?? process.stdin;
    else ({ stream: raw, size, ring } = await openFile(spec));
  } else {
    ({ path, stream: raw } = spec);
  }
  let read = 0;
  const counted = Readable.from(countBytes(raw, (n) => {
    read += n;
    options.onBytes?.(n);
  }), { objectMode: false });
  let { head, stream } = await peek(counted, PROBE_BYTES);
  let gzipped = false;
  if (isGzip(head)) {
    gzipped = true;
    // pipeline, not pipe: a reader that stops early then closes the compressed source too; zlib's
    // own 16 KiB pieces would each go through the reader's chunk handling (see GUNZIP_CHUNK_BYTES)
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    // a cut-off or damaged gzip stream is a coded input error with how far it got, not zlib's bare message
    const out = new PassThrough();
    let inflated = 0;
    // a gzip bomb costs no memory (it is streamed) but unbounded time: past a minimum size, an
    // expansion over the ratio ends the input with a located error (what was read before is kept)
    const ratio = options.maxGzipRatio ?? DEFAULT_LIMITS.maxGzipRatio;
    const after = options.gzipRatioAfterBytes ?? GZIP_RATIO_AFTER_BYTES;
    gunzip.on("data", (c: Buffer) => {
      inflated += c.length;
      if (ratio > 0 && inflated > after && inflated > ratio * read && !out.destroyed) {
        out.destroy(
          new IctsError(
            "limit/gzip-ratio",
            `the gzip data expanded ${Math.round(inflated / Math.max(1, read))} times (${inflated} bytes from ${read}), over the limit of ${ratio} (limits.maxGzipRatio): a gzip bomb? What was read before this point was kept; the rest was not read`,
            { source: { file: path } },
          ),
        );
      }
    });
    // zlib reports a cut-off stream after pipeline() has already called back: listen on gunzip itself
    gunzip.on("error", (err) => {
      if (!out.destroyed) out.destroy(gzipError(path, err, inflated));
    });
    pipeline(stream, gunzip, (err) => {
      if (err && !out.destroyed) out.destroy(gzipError(path, err, inflated));
    });
    gunzip.pipe(out);
    out.on("close", () => gunzip.destroy());
    ({ head, stream } = await peek(out, PROBE_BYTES));
  }
  const encoding = sniffEncoding(head);
  return {
    path,
    probe: { path, head, encoding, text: decodeHead(head, encoding) },
    stream,
    encoding,
    gzipped,
    ...(size !== undefined ? { size } : {}),
    bytesRead: () => read,
    // gunzip's output is its own buffers: the file's chunks go to zlib, which may hold them
    ...(ring && !gzipped ? { recycle: ring } : {}),
  };
}

function gzipError(path: string, err: Error, inflated: number): IctsError {
  return new IctsError(
    "input/gzip",
    `the gzip data is cut short or damaged (${err.message}) after ${inflated} bytes of uncompressed text; what was read before that point was kept`,
    { cause: err, source: { file: path } },
  );
}

/** gzip's magic bytes (RFC 1952): 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function openFile(path: string): Promise<{ stream: Readable; size?: number; ring: ChunkRing }> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below); regular files ignore it
    handle = await open(path, constants.O_NONBLOCK === undefined ? "r" : constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw openError(path, err);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new IctsError("input/not-a-file", "is a directory, expected a file", { source: { file: path } });
    if (!st.isFile()) {
      // a FIFO would block forever, a device never ends: standard input is named `-`
      throw new IctsError("input/special-file", `${st.isFIFO() ? "a FIFO (named pipe)" : st.isSocket() ? "a socket" : "a device or special file"}, not a regular file: refused (read a pipe as standard input, -)`, { source: { file: path } });
    }
    // read synchronously, a chunk at a time (see file-chunks.ts); the file closes with the stream
    const ring = createChunkRing();
    const stream = Readable.from(fileChunks(handle.fd, 0, undefined, undefined, ring), { objectMode: false });
    stream.once("close", () => void handle.close().catch(() => {}));
    return { stream, size: st.size, ring };
  } catch (err) {
    await handle.close().catch(() => {});
    throw err instanceof IctsError ? err : openError(path, err);
  }
}

function openError(path: string, err: unknown): IctsError {
  const code = (err as NodeJS.ErrnoException).code;
  const [kind, message] =
    code === "ENOENT"
      ? ["input/not-found", "no such file or directory"]
      : code === "EISDIR"
        ? ["input/not-a-file", "is a directory, expected a file"]
        : code === "EACCES" || code === "EPERM"
          ? ["input/read", "permission denied"]
          : ["input/read", (err as Error).message];
  return new IctsError(kind, message, { cause: err, source: { file: path } });
}

async function* countBytes(stream: Readable, onBytes: (n: number) => void): AsyncIterable<Buffer> {
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    onBytes(buf.length);
    yield buf;
  }
}
