/**
 * @module
 * A file's bytes in chunks, read synchronously. An asynchronous read goes through libuv's thread
 * pool: on the machines this was measured on, each 256 KiB read cost about 0.25 ms of hand-offs
 * between threads, so reading a 509 MiB results log took 520 ms where `readSync` took 200 ms
 * (and dd 70 ms). A scan works on every chunk as it comes, so a read ahead saves nothing: the
 * hand-offs are the cost. Each chunk is a fresh buffer (readers keep parts of chunks).
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
 * Bytes [start, end) of a file (to its end when `end` is undefined): a path, opened when the
 * first chunk is asked for and closed when the generator ends or is returned, or an open file
 * descriptor, which the caller closes.
 */
export async function* fileChunks(file: string | number, start = 0, end?: number, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Buffer> {
  if (typeof file === "number") return yield* chunksOf(file, start, end, chunkBytes);
  const fd = openSync(file, "r");
  try {
    yield* chunksOf(fd, start, end, chunkBytes);
  } finally {
    closeSync(fd);
  }
}

async function* chunksOf(fd: number, start: number, end: number | undefined, chunkBytes: number): AsyncGenerator<Buffer> {
  let at = start;
  for (;;) {
    const want = end === undefined ? chunkBytes : Math.min(chunkBytes, end - at);
    if (want <= 0) return;
    const chunk = Buffer.allocUnsafe(want);
    const n = readSync(fd, chunk, 0, want, at);
    if (n === 0) return;
    at += n;
    yield n < want ? chunk.subarray(0, n) : chunk;
    await nextTurn();
  }
}
