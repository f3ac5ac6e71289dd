/**
 * @module
 * What opening an input gives: the sniffed text encoding and the probe of its first bytes that
 * format detection looks at (readers' `detect`, the batch and screen format choice).
 */

/** Encodings sniffed from bytes (never from a file name). */
export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

/** What a text stream can be decoded as: the sniffed encodings, and the legacy code page of older list files. */
export type DecodeEncoding = TextEncoding | "windows-1252";

/** What detection may look at: the path and up to the first 64 KiB, already decoded to text. */
export type Probe = {
  path: string;
  head: Uint8Array;
  /** The head decoded with the sniffed encoding, BOM removed. */
  text: string;
  encoding: TextEncoding;
};
