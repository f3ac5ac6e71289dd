/**
 * @module
 * Opening inputs, in one place: `openInput` (path, `-`, or a named stream → probe, gunzip,
 * encoding) and `readCsvRecords` (CSV records with their lines). See open.ts and csv.ts.
 */
export { openInput, isGzip, PROBE_BYTES, type InputSpec, type OpenOptions, type OpenedInput } from "./open.js";
export { readCsvRecords, type CsvDelimiter, type CsvInput, type CsvOptions, type CsvRecord } from "./csv.js";
export { decodeChunks, decodeHead, isValidUtf8Head, sniffEncoding, withLegacyFallback } from "./encoding.js";
export { peek } from "./peek.js";
export type { DecodeEncoding, Probe, TextEncoding } from "./types.js";
