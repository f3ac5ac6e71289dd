/**
 * @module
 * Looking at the first bytes of a stream without losing them: standard input can be read only
 * once, so the head is kept and replayed before the rest.
 */
import { Readable } from "node:stream";

/** Reads up to `size` bytes; the returned stream yields them again, then the rest. */
export async function peek(stream: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    chunks.push(chunk);
    length += chunk.length;
  }
  const buffered = Buffer.concat(chunks);
  let finished = done;
  async function* replay(): AsyncIterable<Buffer> {
    if (buffered.length > 0) yield buffered;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    }
  }
  const out = Readable.from(replay(), { objectMode: false });
  // Destroyed before its end (a reader gave up, or the format is unknown): close the source
  // too, or the file (or the zip archive holding this entry) would stay open. Readable.from
  // cannot do it when the replay never started.
  out.once("close", () => {
    if (!finished) it.return?.().catch(() => {});
  });
  return { head: buffered.subarray(0, size), stream: out };
}
