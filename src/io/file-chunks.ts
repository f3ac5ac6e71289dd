/**
 * @module
 * A file's bytes in chunks, read synchronously. An asynchronous read goes through libuv's thread
 * pool: on the machines this was measured on, each 256 KiB read cost about 0.25 ms of hand-offs
 * between threads, so reading a 509 MiB results log took 520 ms where `readSync` took 200 ms
 * (and dd 70 ms). A scan works on every chunk as it comes, so a read ahead saves nothing: the
 * hand-offs are the cost. Each chunk is a fresh buffer (readers keep parts of chunks), unless a
 * reader that keeps none says so ({@link ChunkRing}).
 *
 * The loop lets the event loop turn after each chunk: a generator that only ever awaits settled
 * promises would otherwise run to the file's end without letting timers (the per-input time
 * limit), signals or a worker thread's messages in, nor V8's garbage collection tasks, which free
 * the read buffers already used (turning only every 4 MiB, peak RSS of the 1M-row log scan was
 * 10 MiB higher).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { setImmediate as nextTurn } from "node:timers/promises";
import { READ_CHUNK_BYTES } from "./limits.js";

/**
 * Buffers a file's chunks are read into again and again, while its reader allows it. A fresh
 * buffer a chunk costs memory until V8 collects it, and a reader that makes little garbage
 * (the results log's compiled check) makes V8 collect seldom: 35 MiB of used read buffers a
 * thread waited there, and the 1M-row log scan's peak RSS was 60 MiB higher, and its time 12%
 * longer, than with these buffers.
 *
 * A chunk read while the ring is on shares one of RING_BUFFERS buffers, in turn: its bytes are
 * overwritten RING_BUFFERS chunks later. Between the file and a reader stand streams that each
 * hold a chunk ahead of it (up to four: `Readable.from` layers, the probe's and a reader's
 * peek), so a reader that keeps no byte of a chunk once it has asked for the next one has its
 * bytes for as long as it uses them. Stopped, the ring is off for good: no buffer of it is written again, and every
 * chunk read keeps its bytes for as long as anything holds it.
 */
export type ChunkRing = {
  /** Chunks read from now on share the ring's buffers (unless it was stopped). */
  start(): void;
  /** For good: from now on every chunk is a fresh buffer, and no chunk read before is overwritten. */
  stop(): void;
  /** A buffer of `bytes` for the next chunk while on; undefined when off. */
  buffer(bytes: number): Buffer | undefined;
};

/** Buffers in a ring: four times the chunks the streams of a scan hold ahead of its reader (at most four, one a stream). */
export const RING_BUFFERS = 16;

export function createChunkRing(): ChunkRing {
  let on = false;
  let stopped = false;
  let buffers: Buffer[] = [];
  let next = 0;
  return {
    start() {
      if (!stopped) on = true;
    },
    stop() {
      on = false;
      stopped = true;
      buffers = [];
    },
    buffer(bytes) {
      if (!on) return undefined;
      const k = next;
      next = (next + 1) % RING_BUFFERS;
      if (buffers[k] === undefined || buffers[k]!.length < bytes) buffers[k] = Buffer.allocUnsafeSlow(bytes);
      return buffers[k]!.subarray(0, bytes);
    },
  };
}

/**
 * Bytes [start, end) of a file (to its end when `end` is undefined): a path, opened when the
 * first chunk is asked for and closed when the generator ends or is returned, or an open file
 * descriptor, which the caller closes. With `ring`, chunks are read into its buffers while it is on.
 */
export async function* fileChunks(file: string | number, start = 0, end?: number, chunkBytes = READ_CHUNK_BYTES, ring?: ChunkRing): AsyncGenerator<Buffer> {
  if (typeof file === "number") return yield* chunksOf(file, start, end, chunkBytes, ring);
  const fd = openSync(file, "r");
  try {
    yield* chunksOf(fd, start, end, chunkBytes, ring);
  } finally {
    closeSync(fd);
  }
}

async function* chunksOf(fd: number, start: number, end: number | undefined, chunkBytes: number, ring: ChunkRing | undefined): AsyncGenerator<Buffer> {
  let at = start;
  for (;;) {
    const want = end === undefined ? chunkBytes : Math.min(chunkBytes, end - at);
    if (want <= 0) return;
    const chunk = ring?.buffer(want) ?? Buffer.allocUnsafe(want);
    const n = readSync(fd, chunk, 0, want, at);
    if (n === 0) return;
    at += n;
    yield n < want ? chunk.subarray(0, n) : chunk;
    await nextTurn();
  }
}
