/**
 * @module
 * Text encodings sniffed from bytes: a BOM (UTF-8, UTF-16LE, UTF-16BE), or the NUL pattern of
 * BOM-less UTF-16 holding mostly ASCII; else UTF-8. Never from the file name.
 */
import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import type { DecodeEncoding, TextEncoding } from "./types.js";

export function sniffEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  // UTF-16 without BOM: ASCII text then has NUL in every other byte.
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 8) {
    let oddNul = 0;
    let evenNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    if (oddNul > n / 4 && evenNul === 0) return "utf-16le";
    if (evenNul > n / 4 && oddNul === 0) return "utf-16be";
  }
  return "utf-8";
}

/** Decodes a head buffer for detection (BOM removed, a cut-off last character tolerated). */
export function decodeHead(head: Uint8Array, encoding: TextEncoding): string {
  return new TextDecoder(encoding, { fatal: false, ignoreBOM: false }).decode(head, { stream: true });
}

/** Decoded text chunks of a byte stream; the BOM is dropped. */
export async function* decodeChunks(stream: Readable | AsyncIterable<Uint8Array>, encoding: DecodeEncoding): AsyncIterable<string> {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for await (const chunk of stream) {
    const text = decoder.decode(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array), { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * The chunks of {@link decodeChunks} encoded as UTF-8, byte for byte and chunk for chunk (the BOM
 * dropped, invalid bytes replaced by U+FFFD, a character cut by a chunk's end moved to the next
 * chunk). UTF-8 input is passed through while it is valid UTF-8, without being decoded and encoded
 * again; from the first chunk that is not, it is decoded as decodeChunks decodes it.
 */
export async function* utf8Chunks(stream: Readable | AsyncIterable<Uint8Array>, encoding: DecodeEncoding): AsyncIterable<Buffer> {
  if (encoding !== "utf-8") {
    for await (const text of decodeChunks(stream, encoding)) yield Buffer.from(text, "utf8");
    return;
  }
  let carry: Buffer | undefined; // the start of a character the last chunk ended in, or of the BOM
  let started = false; // past the stream's first bytes, where a BOM is dropped
  let decoder: InstanceType<typeof TextDecoder> | undefined; // from the first bytes that are not UTF-8 on
  for await (const chunk of stream) {
    let data = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from((chunk as Uint8Array).buffer, (chunk as Uint8Array).byteOffset, (chunk as Uint8Array).byteLength);
    if (carry) {
      data = Buffer.concat([carry, data]);
      carry = undefined;
    }
    if (!decoder) {
      if (!started) {
        // the decoder waits for three bytes to tell a BOM
        if (data.length < 3 && BOM.subarray(0, data.length).equals(data)) {
          carry = data.length > 0 ? data : undefined;
          continue;
        }
        started = true;
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
      }
      const end = completeEnd(data);
      if (isUtf8(data.subarray(0, end)) && isUtf8Start(data.subarray(end))) {
        if (end < data.length) carry = Buffer.from(data.subarray(end));
        if (end > 0) yield data.subarray(0, end);
        continue;
      }
      decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }); // a BOM was dropped above
    }
    const text = decoder.decode(data, { stream: true });
    if (text) yield Buffer.from(text, "utf8");
  }
  const rest = (decoder ?? new TextDecoder("utf-8", { fatal: false, ignoreBOM: true })).decode(carry ?? new Uint8Array(0));
  if (rest) yield Buffer.from(rest, "utf8");
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Where the last character of `data` starts if it is cut off (its lead byte asks for more bytes than follow), else the length. */
function completeEnd(data: Buffer): number {
  for (let back = 1; back <= 3 && back <= data.length; back++) {
    const b = data[data.length - back]!;
    if (b < 0x80) return data.length;
    if (b >= 0xc0) {
      const needs = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return needs > back ? data.length - back : data.length;
    }
  }
  return data.length;
}

/** Whether `bytes` can begin a UTF-8 character (the decoder then waits for the rest, not replacing them yet). */
function isUtf8Start(bytes: Buffer): boolean {
  if (bytes.length === 0) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding of a file that may predate UTF-8: the sniffed one, except Windows-1252 when the
 * sniffed UTF-8 is not valid UTF-8 (older OFAC and CSL files are written in that code page).
 */
export function withLegacyFallback(head: Uint8Array, sniffed: TextEncoding): DecodeEncoding {
  return sniffed === "utf-8" && !isValidUtf8Head(head) ? "windows-1252" : sniffed;
}

/** Whether a head is valid UTF-8, a multi-byte character cut at its end allowed. */
export function isValidUtf8Head(head: Uint8Array): boolean {
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
