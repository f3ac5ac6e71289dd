/**
 * @module
 * A look at the start of an input from inside `read()`: readers that handle several layouts of
 * one format (a JSON array or JSON lines, wmic's table, CSV or list output) decide from the first
 * text, then read the whole stream, which replays the bytes already looked at.
 */
import { Readable } from "node:stream";
import type { ReadInput } from "./types.js";

export const HEAD_BYTES = 64 * 1024;

/**
 * The first `bytes` (or fewer, at the end of the input) decoded as text without a BOM, and an
 * input that yields every byte again from the first. Reads at most one chunk past `bytes`.
 */
export async function peekHead(input: ReadInput, bytes = HEAD_BYTES): Promise<{ head: string; input: ReadInput }> {
  const chunks = input.stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const decoder = new TextDecoder(input.encoding, { fatal: false, ignoreBOM: false });
  const seen: Uint8Array[] = [];
  let length = 0;
  let head = "";
  let ended = false;
  while (length < bytes) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    seen.push(chunk);
    length += chunk.length;
    head += decoder.decode(chunk, { stream: true });
  }
  if (ended) head += decoder.decode();
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      yield* seen;
      if (ended) return;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await chunks.return?.();
    }
  }
  return { head: head.replace(/^\uFEFF/, ""), input: { ...input, stream: Readable.from(replay(), { objectMode: false }) } };
}

/**
 * The first lines of a head text, without line terminators and trailing CRs. The last one may be
 * cut off by the head's size limit: detection that uses it must tolerate a partial line.
 */
export function headLines(head: string, max = 200): string[] {
  return head.split("\n", max).map((l) => l.replace(/\r+$/, ""));
}
