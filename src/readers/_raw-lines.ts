/**
 * @module
 * Raw lines for the fast path of line-oriented readers (CSV, JSON lines): UTF-8 bytes in batches
 * of whole lines. A reader scans a batch with the catalog prefilter's automaton, skips the lines
 * it proves cannot match without making strings of them, and decodes only the others as UTF-8. The last line of the input comes in the last batch, with or
 * without its line break.
 */
import { isUtf8 } from "node:buffer";
import type { Prefilter } from "../match/prefilter.js";

/** Bytes read between two full garbage collections (see {@link keepMemoryFlat}). */
const COLLECT_EVERY = 32 * 1024 * 1024;

/**
 * Keeps peak memory flat on inputs of any size where the process allows it: V8 collects its old
 * generation only when it has grown, so short-lived objects of the slow path that survived a
 * young collection pile up. With `node --expose-gc` a full collection every COLLECT_EVERY bytes
 * keeps the heap near its live size. The flag is never switched on at run time: V8 documents
 * changing flags after start-up as unsafe, and doing so crashed a benchmark process here.
 */
function keepMemoryFlat(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export type RawBatch = {
  /** Whole lines, each ending with `\n` except maybe the input's last. */
  bytes: Buffer;
  /** The input's last batch. */
  last: boolean;
};

/** Batches of whole lines; a line longer than `maxLine` bytes ends the batches (`tooLong` then holds what was read of it). */
export async function* rawLineBatches(chunks: AsyncIterator<Uint8Array>, maxLine: number, tooLong: { bytes?: Buffer }): AsyncGenerator<RawBatch> {
  let carry: Buffer = Buffer.alloc(0);
  let sinceCollect = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = next.value;
    sinceCollect += chunk.length;
    if (sinceCollect > COLLECT_EVERY) {
      sinceCollect = 0;
      keepMemoryFlat();
    }
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (carry.length > 0) {
      // only the line that straddles two chunks is copied: carry plus the chunk up to its first
      // line break is a batch of its own, and the chunk's whole lines after it are used in place
      const first = buf.indexOf(10);
      if (first === -1) {
        buf = Buffer.concat([carry, buf]);
      } else {
        const joined = Buffer.concat([carry, buf.subarray(0, first + 1)]);
        carry = Buffer.alloc(0);
        yield { bytes: joined, last: false };
        buf = buf.subarray(first + 1);
      }
    }
    const nl = buf.lastIndexOf(10);
    if (nl === -1) {
      const joinedAll = carry.length > 0; // buf is carry and the whole chunk, with no line break
      carry = joinedAll ? buf : Buffer.from(buf);
      // as long as this chunk ended a line, the line after it is judged with the next chunk
      if ((joinedAll || buf.length === chunk.byteLength) && carry.length > maxLine) {
        tooLong.bytes = carry;
        return;
      }
      continue;
    }
    carry = nl + 1 === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(nl + 1));
    const bytes = buf.subarray(0, nl + 1);
    yield { bytes, last: false };
  }
  yield { bytes: carry, last: true };
}

/**
 * What a reader's slow path reads on from a line: the rest of the current batch (`first`), the
 * batches still to come, the too-long line that ended them if any, then the chunks the batches
 * did not read.
 */
export async function* remainder(first: Buffer, batches: AsyncIterator<RawBatch>, tooLong: { bytes?: Buffer }, chunks: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  for (;;) {
    const next = await batches.next();
    if (next.done) break;
    if (next.value.bytes.length > 0) yield next.value.bytes;
  }
  if (tooLong.bytes) yield tooLong.bytes;
  for (;;) {
    const next = await chunks.next();
    if (next.done) return;
    yield next.value;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const utf8AtStart = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/**
 * Bytes of whole lines as text, as the streaming decoder gives them: `atStart` for bytes that
 * begin the input (a BOM there is dropped); a BOM anywhere else stays, as U+FEFF.
 */
export function decodeLine(bytes: Buffer, start: number, end: number, atStart = false): string {
  return (atStart ? utf8AtStart : utf8).decode(bytes.subarray(start, end));
}

const REPLACEMENT_CHARACTER = Buffer.from("\uFFFD");

/**
 * Whether bytes [start, end) are valid UTF-8 with no U+FFFD: text that decodes one way only, with
 * nothing for a reader's full path to warn about (equal bytes then stand for equal text).
 */
export function plainUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  return isUtf8(text) && text.indexOf(REPLACEMENT_CHARACTER) === -1;
}

/**
 * The offset of the first byte at or after `from` (and before `to`) that makes its line a
 * prefilter hit (see `Prefilter.scan`; `extra` is a literal the reader must always see);
 * `Infinity` when none. Without a prefilter every line is a hit.
 */
export function nextHit(prefilter: Prefilter | undefined, bytes: Uint8Array, from: number, extra?: string, to = bytes.length): number {
  if (!prefilter) return from;
  const i = prefilter.scan(bytes, from, to, extra);
  return i === -1 ? Infinity : i;
}

/** `bytes.indexOf(byte, from)`, `Infinity` when absent. */
export function nextByte(bytes: Buffer, byte: number, from: number): number {
  const i = bytes.indexOf(byte, from);
  return i === -1 ? Infinity : i;
}
