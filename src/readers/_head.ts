/**
 * @module
 * A look at the start of an input from inside `read()`: readers that handle several layouts of
 * one format (a JSON array or JSON lines, wmic's table, CSV or list output) decide from the first
 * text, then read the whole stream, which replays the bytes already looked at.
 */
import { peek } from "../io/peek.js";
import type { ReadInput } from "./types.js";
import { trimTrailingCr } from "../util/trailing.js";

export const HEAD_BYTES = 64 * 1024;

/**
 * The first `bytes` (or fewer, at the end of the input) decoded as text without a BOM, and an
 * input that yields every byte again from the first (the shared `peek` of src/io keeps and
 * replays them, and closes the source when the replay is dropped early).
 */
export async function peekHead(input: ReadInput, bytes = HEAD_BYTES): Promise<{ head: string; input: ReadInput }> {
  const { head, stream } = await peek(input.stream, bytes);
  // a head cut at `bytes` may end inside a character: keep it pending rather than mangle it
  const text = new TextDecoder(input.encoding, { fatal: false, ignoreBOM: false }).decode(head, { stream: head.length >= bytes });
  return { head: text.replace(/^\uFEFF/, ""), input: { ...input, stream } };
}

/**
 * The first lines of a head text, without line terminators and trailing CRs. The last one may be
 * cut off by the head's size limit: detection that uses it must tolerate a partial line.
 */
export function headLines(head: string, max = 200): string[] {
  return head.split("\n", max).map(trimTrailingCr);
}
