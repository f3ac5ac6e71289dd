/**
 * @module
 * Text encodings sniffed from bytes: a BOM (UTF-8, UTF-16LE, UTF-16BE), or the NUL pattern of
 * BOM-less UTF-16 holding mostly ASCII; else UTF-8. Never from the file name.
 */
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
