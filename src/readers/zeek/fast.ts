/**
 * @module
 * The fast path of the Zeek reader: the lines of a UTF-8 input as `readLineRuns` gives them, less
 * the records that cannot match, which are only counted (`ReadContext.skipped`). Lines are read
 * as bytes, a batch of whole lines at a time (`rawLineBatches`); a line is counted here, without
 * a string, when
 *
 * - the TSV reader holds a header it reads records with (`SharedHeader`: the reader's own, up to
 *   date with every line it has taken, since each run is read one line at a time) and the line
 *   is a plain record under it (plain-record.ts: ASCII, no header line, one observation and no
 *   issue, a host field of `[A-Za-z0-9_.-]` only, so no `\xNN` escape, `%` or `\u` in it);
 * - the line is within the line limit;
 * - the prefilter's automaton finds no catalog literal in the host field, and no `xn--` (IDNA).
 *
 * Why a counted record could match nothing. Its observation is a `domain` whose name is the host
 * field or that field lower-cased without its trailing dots, and the scanner matches an
 * observation only when its fields hold a literal (`cannotMatch` in scan/scanner.ts: for a
 * domain, its name, since it has no vendor, path or identifiers): a substring of a field the
 * automaton found nothing in holds none either. The client and time are not compared with the
 * catalog, and a literal in another field (an answer, a uid) changes nothing.
 *
 * A blank line is passed over (the reader does the same). Every other line goes, decoded, through
 * the line splitting of `readLines` (`createLineSplitter`, numbered by `skipTo`), so the reader
 * gets it with its number, its encoding and line-limit checks and their issues, as it did. Before
 * the reader has columns (the header, a JSON log, a log it does not read) lines are handed over
 * up to the next header line at once. A line longer in bytes than the limit ends the batches
 * (`rawLineBatches`): the rest of the input is then decoded and handed over whole.
 */
import { isAscii } from "node:buffer";
import { DEFAULT_LIMITS } from "../../io/limits.js";
import { decodeLine, rawLineBatches, remainder } from "../_raw-lines.js";
import { createLineSplitter, type Line } from "../_text.js";
import type { ReadContext, ReadInput } from "../types.js";
import { planCache, RecordScan } from "./plain-record.js";
import type { SharedHeader } from "./tsv.js";

/** Off for tests that compare the fast path with the full path; `counted` counts the records it counted. */
export const zeekFastPath = { enabled: true, counted: 0 };

/**
 * IDNA. A catalog domain in Unicode is compared as punycode (`normalizeDomain`), and its literal
 * is then a run of that punycode: a line holding it is a hit like any other. A line with `xn--`
 * is read the full way all the same, so that no spelling of an internationalized name (upper
 * case, a form the normalization might one day turn into Unicode) is ever counted on the
 * strength of its ASCII bytes alone.
 */
const IDNA = "xn--";

const LF = 10;
const HASH = 35;
const LF_HASH = Buffer.from("\n#");

/** Whether an input is read by {@link fastLineRuns}: UTF-8, with a prefilter that can clear records and a scan that takes their count. */
export function fastPathFor(input: ReadInput, ctx: ReadContext): boolean {
  return zeekFastPath.enabled && input.encoding === "utf-8" && ctx.prefilter?.enabled === true && ctx.skipped !== undefined;
}

/** {@link readLineRuns}'s runs of `input` less the counted records (see the module comment); `shared` is the TSV reader's header, if it reads one. */
export async function* fastLineRuns(input: ReadInput, ctx: ReadContext, shared: SharedHeader): AsyncGenerator<Iterable<Line>> {
  const prefilter = ctx.prefilter!;
  const skipped = ctx.skipped!;
  const max = ctx.limits?.maxRecordChars ?? DEFAULT_LIMITS.maxRecordChars;
  const splitter = createLineSplitter(input, ctx);
  const chunks = (input.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const tooLong: { bytes?: Buffer } = {};
  const batches = rawLineBatches(chunks, max, tooLong);
  let line = 0; // lines read (counted, passed over or handed over)
  let atStart = true; // no byte read yet: a BOM is dropped from the first bytes handed over
  const record = new RecordScan();
  const planOf = planCache();

  /** Hands lines [from, to) (whole, or the input's unterminated last) to the splitter. */
  function* handOver(bytes: Buffer, from: number, to: number): Generator<Line> {
    splitter.skipTo(line);
    for (let i = bytes.indexOf(LF, from); i !== -1 && i < to; i = bytes.indexOf(LF, i + 1)) line++;
    if (to > from && bytes[to - 1] !== LF) line++;
    const text = decodeLine(bytes, from, to, atStart);
    atStart = false;
    yield* splitter.lines(text);
  }

  function* linesOf(bytes: Buffer): Generator<Line> {
    const length = bytes.length;
    let plan = planOf(shared.header);
    const ascii = isAscii(bytes); // one check of the batch spares one per line (most logs are ASCII throughout)
    let pos = 0;
    while (pos < length) {
      if (!plan) {
        // nothing is counted: hand over up to the next header line, the one that may give columns
        const header = bytes[pos] === HASH ? pos : nextHeaderLine(bytes, pos);
        const to = header === -1 ? length : lineAfter(bytes, header);
        yield* handOver(bytes, pos, to);
        pos = to;
        plan = planOf(shared.header);
        continue;
      }
      record.read(bytes, pos, length, plan, ascii);
      const end = record.end;
      const after = end === length ? length : end + 1;
      if (end - pos <= max) {
        if (record.blank) {
          line++; // the reader passes over it
          atStart = false;
          pos = after;
          continue;
        }
        if (record.plain && prefilter.scan(bytes, record.hostStart, record.hostEnd, IDNA) === -1) {
          line++;
          atStart = false;
          zeekFastPath.counted++;
          skipped(1);
          pos = after;
          continue;
        }
      }
      yield* handOver(bytes, pos, after);
      pos = after;
      plan = planOf(shared.header); // a header line may have changed it
    }
  }

  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) break;
      ctx.signal?.throwIfAborted();
      yield linesOf(next.value.bytes);
    }
    if (tooLong.bytes) {
      // a line longer in bytes than the limit: the splitter reads the rest (and judges that line in characters)
      splitter.skipTo(line);
      const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: !atStart });
      for await (const chunk of remainder(Buffer.alloc(0), batches, tooLong, chunks)) {
        ctx.signal?.throwIfAborted();
        yield splitter.lines(decoder.decode(chunk, { stream: true }));
      }
      yield splitter.lines(decoder.decode());
    }
    yield splitter.last();
  } finally {
    await chunks.return?.();
  }
}

/** The start of the first line after `pos` that begins with `#`, -1 when none does. */
function nextHeaderLine(bytes: Buffer, pos: number): number {
  const i = bytes.indexOf(LF_HASH, pos);
  return i === -1 ? -1 : i + 1;
}

/** The offset after the line at `pos` (after its line break, or the end). */
function lineAfter(bytes: Buffer, pos: number): number {
  const nl = bytes.indexOf(LF, pos);
  return nl === -1 ? bytes.length : nl + 1;
}
