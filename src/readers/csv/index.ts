/**
 * @module
 * Reader for inventory CSV exports with a header row: PowerShell `Export-Csv` (with or without the
 * `#TYPE` line), Intune discovered apps, Defender vulnerability management, Lansweeper, Jamf, and
 * the hand-written generic form `host,kind,name,vendor,version,path,identifier`. Columns are
 * mapped by name (columns.ts). The text is decoded by the input's encoding (UTF-8, or UTF-16 by
 * BOM), CRLF is folded to LF so csv-parse counts lines right, and the delimiter (`,` `;` tab) is
 * sniffed from the header line. Records stream through csv-parse one at a time.
 */
import { Readable, pipeline } from "node:stream";
import type { CsvError } from "csv-parse";
import { decodeLine, nextByte, nextHit, plainUtf8, rawLineBatches, remainder } from "../_raw-lines.js";
import { createByteKeys, HASH_START, hashStep, MAX_RANGES, type ByteKeys } from "../_byte-keys.js";
import { decodeChunks } from "../_text.js";
import { createIssueLog } from "../_issues.js";
import type { ChunkRing } from "../../io/file-chunks.js";
import { guardCsvParser } from "../../io/csv-guard.js";
import { excerpt, listExcerpt } from "../../io/limits.js";
import { registryPathOf } from "../windows-reg/uninstall.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation, ObservationIds, ObservationKind, SourceRef } from "../../model/observation.js";
import {
  COLUMN_ALIASES,
  KIND_COLUMNS,
  echoProblem,
  hasNameColumn,
  headerProblem,
  mapColumns,
  namingColumns,
  parseKind,
  type ColumnMap,
  type CsvField,
  type KindColumn,
} from "./columns.js";
import { foldCrLf, trimTrailingCr } from "../../util/trailing.js";
import type { CompiledEngine } from "../_wasm.js";
import { createCsvRows, csvLineEngine, type CsvRows } from "./compiled.js";

export const csvReader = defineReader({
  name: "inventory/csv",
  version: 1,
  description: "inventory CSV with a header row: PowerShell Export-Csv, Intune, Defender, Lansweeper, generic host,kind,name,vendor,version,path,identifier",
  detect,
  read: (input, ctx) => readCsv(input, ctx),
});

const DELIMITERS = [",", ";", "\t"] as const;
/** A record longer than this never ended (an unclosed quote): stop instead of buffering the file. */
const MAX_RECORD_CHARS = 1 << 20;
/** How many line numbers a summary issue lists. */
const LINES_LISTED = 10;

function detect(probe: Probe): number {
  const { header } = findHeader(probe.text);
  if (header === undefined || /^\s*[[{<]/.test(header)) return 0; // JSON and XML are others' formats
  const cells = splitHeader(header, sniffDelimiter(header));
  if (cells.length < 2) return 0;
  const map = mapColumns(cells);
  if (!hasNameColumn(map)) return 0;
  // below the JSON readers (0.9): a header row is weaker evidence than a format marker
  const recognized = Object.keys(map).length;
  return recognized >= 4 ? 0.8 : recognized >= 2 ? 0.7 : 0.6;
}

type ParsedRecord = { record: string[]; info: { lines: number }; raw?: string };

/** What reading one CSV input keeps between records, whichever path read them. */
type CsvRun = {
  file: string;
  encoding: ReadInput["encoding"];
  ctx: ReadContext;
  columns?: ColumnMap; // set from the first record, the header
  /** The header's cells and line, and its naming columns, while the first data row is still to be compared with them (see echoProblem). */
  echo?: { headers: string[]; line: number; columns: number[] };
  emptyNameLines: number[];
  emptyNames: number;
  badTextRows: number;
  asciiWarned: boolean;
  /** What a repeat key starts with (see repeatKey): this file's column layout. */
  keyPrefix?: string;
  /** Repeat keys of plain lines by their bytes (see keyRanges), made once the header is read. */
  byteKeys?: ByteKeys;
  /** The file's read buffers (`ReadInput.recycle`): used again from the header on, until the rest goes to csv-parse. */
  recycle?: ChunkRing;
};

/**
 * Reads UTF-8 input line by line with a small RFC 4180 tokenizer, and skips the lines the
 * catalog prefilter proves cannot match (counted, see `ReadContext.prefilter`). Any line the
 * tokenizer cannot prove to be one whole, well-formed record (a quote left open at the line's end,
 * a stray quote, a carriage return inside a line, a header that is not the plain first line)
 * hands the rest of the input, from that line, to csv-parse: errors are then reported exactly
 * as before, at the same lines. UTF-16 input goes to csv-parse from its start. With the compiled
 * engine (`engine`, ./compiled.ts), runs of lines it would only count are taken in one call
 * each; the JavaScript engine looks at every line here, with the same result.
 */
export async function* readCsv(input: ReadInput, ctx: ReadContext, engine: CompiledEngine = csvLineEngine()): AsyncIterable<Observation> {
  const run: CsvRun = { file: input.path, encoding: input.encoding, ctx, emptyNameLines: [], emptyNames: 0, badTextRows: 0, asciiWarned: false, ...(input.recycle ? { recycle: input.recycle } : {}) };
  const chunks = (input.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  if (input.encoding === "utf-8") {
    try {
      yield* readLines(run, chunks, engine);
    } finally {
      input.recycle?.stop();
    }
  } else {
    yield* readParsed(run, lfText(decodeChunks(iterable(chunks), input.encoding)), { lineOffset: 0 });
  }
  finish(run);
}

function iterable<T>(it: AsyncIterator<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => it };
}

const QUOTE = 34;
const CR = 13;
/** Lines the tokenizer proves cannot hold a warning's trigger: `???` (an ASCII export) always takes the full path. */
const ALWAYS_SEEN = "???";

async function* readLines(run: CsvRun, chunks: AsyncIterator<Uint8Array>, engine: CompiledEngine): AsyncIterable<Observation> {
  const { ctx } = run;
  const tooLong: { bytes?: Buffer } = {};
  // the configured record limit: a line over it in bytes (never fewer than its characters) goes to csv-parse, whose guard reports it
  const maxLine = ctx.limits?.maxRecordChars ?? MAX_RECORD_CHARS;
  const batches = rawLineBatches(chunks, maxLine, tooLong);
  const skipped = ctx.skipped ?? (() => {});
  const emit = ctx.emit;

  let line = 0;
  let delimiter = ",";
  let delimiterCode = 44;
  let typeLine = false;
  let headerText: string | undefined; // the header line as findHeader sees it; undefined until known
  let headBytes: Buffer[] = []; // bytes before the header is read, for csv-parse from the start
  let plan: CountPlan | undefined;
  /** The compiled runs of lines only counted (./compiled.ts); undefined with the JavaScript engine. */
  let rows: CsvRows | undefined;
  /**
   * Lines to read here before the compiled run is called again, and how many after its next
   * miss: a call that takes no line costs a look at that line twice, and in a file of restricted
   * rows (every row merged into its findings here) every call would miss. Doubles up to 64 with
   * each miss in a row, back to 1 when a call takes a line.
   */
  let pause = 0;
  let backoff = 1;

  /**
   * After `repeat(key)` said a plain line [start, end) of this batch only counts: if the scan
   * counts the key so for good, the compiled run takes later lines with its bytes itself.
   */
  const rememberCounted = (key: string, start: number, end: number): void => {
    if (!rows) return;
    const count = ctx.repeatCounted?.(key);
    if (count !== undefined) rows.rememberCounted(start, end, count);
  };
  /** After `repeatHit(key)` merged a line [start, end) of this batch (no device row): the compiled run stops at later lines with its bytes, naming the key. */
  const rememberMatched = (key: string, start: number, end: number): void => rows?.rememberMatched(start, end, key);

  /** Hands the rest of the input, from byte `from` of this batch (line `fromLine`), to csv-parse. */
  const slow = (bytes: Buffer, from: number, fromLine: number): AsyncIterable<Observation> => {
    // csv-parse may keep bytes of a chunk while it reads the next: no chunk is read into a buffer used before
    run.recycle?.stop();
    const rest = remainder(Buffer.from(bytes.subarray(from)), batches, tooLong, chunks);
    if (run.columns === undefined) {
      // the header was not read here: csv-parse reads the input from its first byte, as always
      const all = (async function* () {
        yield* headBytes;
        yield* rest;
      })();
      return readParsed(run, lfText(decodeChunks(all, "utf-8")), { lineOffset: 0 });
    }
    return readParsed(run, lfText(decodeChunks(rest, "utf-8")), { lineOffset: fromLine - 1, delimiter });
  };

  for (;;) {
    const next = await batches.next();
    if (next.done) {
      if (tooLong.bytes) {
        // a line longer than any record: csv-parse reports it (an open quote) as before
        yield* slow(Buffer.alloc(0), 0, line + 1);
      } else if (run.columns === undefined && headBytes.length > 0) {
        yield* slow(Buffer.alloc(0), 0, 1);
      } else {
        // every line was one whole record, read here: a part of a file read in parts (src/scan/parallel-read.ts) can be numbered on
        ctx.numbered?.({ lines: line, records: 0 });
      }
      return;
    }
    const { bytes, last } = next.value;
    if (run.columns === undefined) {
      // Header phase: csv-parse's header is the first non-empty line (after a #TYPE line); it must
      // be the line findHeader (detection, delimiter) calls the header, and a plain one.
      headBytes.push(bytes);
      const seen = Buffer.concat(headBytes);
      const head = findHeader(decodeLine(seen, 0, seen.length, true));
      if (!head.complete && !last) continue;
      headBytes = [seen];
      typeLine = head.typeLine;
      headerText = head.header;
      delimiter = sniffDelimiter(headerText ?? "");
      delimiterCode = delimiter.charCodeAt(0);
      const all = seen.toString("latin1", 0, seen.length);
      let pos = 0;
      let n = 0;
      let header: string[] | undefined;
      let bad = false;
      while (pos < all.length) {
        const nl = all.indexOf("\n", pos);
        const end = nl === -1 ? all.length : nl;
        let e = end;
        while (e > pos && all.charCodeAt(e - 1) === CR) e--;
        n++;
        const raw = decodeLine(seen, pos, e);
        if (n === 1 && typeLine) {
          if (raw.includes('"') || raw.includes("\r")) bad = true;
        } else if (raw.length > 0) {
          // the header line: one whole record, no stray CR, the same line findHeader found
          if (raw.includes("\r") || raw.replace(/^\uFEFF/, "") !== headerText?.replace(/^\uFEFF/, "")) bad = true;
          else header = tokenize(raw.replace(/^\uFEFF/, ""), 0, raw.length - (raw.startsWith("\uFEFF") ? 1 : 0), delimiterCode);
          pos = end + 1;
          break;
        }
        if (bad) break;
        pos = end + 1;
      }
      if (bad || header === undefined) {
        yield* slow(Buffer.alloc(0), 0, 1);
        return;
      }
      line = n;
      const stop = handleRecord(run, header, line, []);
      if (stop) return;
      plan = countPlan(run.columns!);
      rows = compiledRows(run.columns!, plan, delimiterCode, maxLine, ctx, engine);
      headBytes = [];
      // from here a batch's bytes are used only until the next is asked for (decoded to strings,
      // copied by the compiled run and the byte keys), or go to csv-parse, which stops the ring
      run.recycle?.start();
      // the lines after the header in this batch
      const restBytes = seen.subarray(pos);
      const outcome = yield* fastLines(restBytes, last);
      if (outcome !== undefined) return;
      continue;
    }
    const outcome = yield* fastLines(bytes, last);
    if (outcome !== undefined) return;
  }

  /**
   * The lines of one batch. Returns "slow" after handing the rest to csv-parse, "stop" when the
   * reader must end, undefined to go on with the next batch.
   */
  async function* fastLines(bytes: Buffer, last: boolean): AsyncGenerator<Observation, "slow" | "stop" | undefined> {
    let pos = 0;
    let hit = -1;
    let quote = -1;
    let cr = -1;
    const length = bytes.length;
    const record: string[] = [];
    /** The repeat key the compiled run found this line to have, a key merged by before. */
    let matched: string | undefined;
    rows?.load(bytes);
    while (pos < length) {
      ctx.signal?.throwIfAborted();
      // the first data row is compared with the header before any shortcut may count it unread
      if (run.echo !== undefined && echoLine(bytes, pos, length)) return "stop";
      if (rows && run.echo === undefined) {
        if (pause > 0) pause--;
        else {
          // the lines it only counts, in one call of the compiled run
          pos = rows.cleanRows(pos, length);
          line += rows.taken.lines;
          if (rows.taken.observations > 0) skipped(rows.taken.observations, rows.taken.lookalikes);
          if (pos >= length) break;
          matched = rows.taken.matched;
          // a line it stopped at to have it merged is no miss
          if (rows.taken.lines > 0 || matched !== undefined) backoff = 1;
          else {
            pause = backoff;
            backoff = Math.min(64, backoff * 2);
          }
        }
      }
      const nl = bytes.indexOf(10, pos);
      const end = nl === -1 ? length : nl;
      let e = end;
      while (e > pos && bytes[e - 1] === CR) e--;
      line++;
      if (cr < pos) cr = nextByte(bytes, CR, pos);
      if (cr < e || (nl === -1 && cr < end) || e - pos > maxLine) {
        // a carriage return inside a line (or ending the input's last line), or a line over the record limit: csv-parse decides
        yield* slow(bytes, pos, line);
        return "slow";
      }
      if (e === pos) {
        pos = end + 1; // an empty line: csv-parse skips it
        continue;
      }
      if (quote < pos) quote = nextByte(bytes, QUOTE, pos);
      /** The line's repeat key, when known from its bytes (by the compiled run, or by keyRanges below). */
      let known: string | undefined;
      if (matched !== undefined) {
        // a row of a program already found on some host: merged by its key when found on this one
        known = matched;
        matched = undefined;
        if (repeatHitLine(run, known, bytes, pos, e, delimiterCode, line, quote < e)) {
          pos = end + 1;
          continue;
        }
        // not found on this host yet: the row is read and added with that key (a hit, and no device row)
      }
      // with the compiled run, the prefilter looks at this line only (the run reads the lines after it)
      if (known === undefined && hit < pos) hit = rows ? Math.min(nextHit(ctx.prefilter, bytes, pos, ALWAYS_SEEN, e), end) : nextHit(ctx.prefilter, bytes, pos, ALWAYS_SEEN);
      const isHit = known !== undefined || hit < e;
      if (!isHit && quote >= e) {
        // the common line: no quote, nothing the catalog could match
        const n = countPlain(bytes, pos, e, delimiterCode, plan!);
        if (n > 0) {
          skipped(n);
          pos = end + 1;
          continue;
        }
      }
      // a hit line of plain cells like one before (the same program on another host): its
      // repeat key by its bytes, without decoding or splitting it (see _byte-keys.ts)
      let ranges = 0;
      if (known === undefined && isHit && quote >= e && ctx.repeat) {
        ranges = keyRanges(bytes, pos, e, delimiterCode, run.columns!, keyRangeBuffer);
        if (ranges > 0) {
          known = (run.byteKeys ??= createByteKeys()).find(keyRangesHash, bytes, keyRangeBuffer, ranges);
          if (known !== undefined && ctx.repeat(known)) {
            rememberCounted(known, pos, e);
            pos = end + 1;
            continue;
          }
          if (known !== undefined && repeatHitPlain(run, known, bytes, pos, e, delimiterCode, line)) {
            rememberMatched(known, pos, e);
            pos = end + 1;
            continue;
          }
        }
      }
      const lineText = isHit ? decodeLine(bytes, pos, e) : bytes.toString("latin1", pos, e);
      record.length = 0;
      if (tokenize(lineText, 0, lineText.length, delimiterCode, record) === undefined) {
        line--;
        yield* slow(bytes, pos, line + 1);
        return "slow";
      }
      if (!isHit) {
        const n = countRecord(record, plan!);
        if (n > 0) {
          skipped(n);
          pos = end + 1;
          continue;
        }
      }
      // a look-alike row like one before (the same program on another host): counted by the scan
      // once the report keeps no more look-alikes; rows that warn (bad text, `???`) are read, and
      // rows with a NUL, which the key's separator could not tell from a cell boundary
      let key = known;
      if (key === undefined && isHit && ctx.repeat && !lineText.includes("\uFFFD") && !lineText.includes(ALWAYS_SEEN) && !lineText.includes("\u0000")) {
        const device = isDeviceRow(run.columns!, kindOfCell(plan!.kind === undefined ? undefined : record[plan!.kind], plan!));
        key = repeatKey(run, record, device);
        // a device row's key holds its host, which keyRanges leaves out
        if (ranges > 0 && !device) run.byteKeys!.remember(keyRangesHash, bytes, keyRangeBuffer, ranges, key);
        if (ctx.repeat(key)) {
          // the line's bytes stand for its key (not a device's: its key holds its host)
          if (!device) rememberCounted(key, pos, e);
          pos = end + 1;
          continue;
        }
        if (repeatHitRecord(run, key, record, line)) {
          if (!device) rememberMatched(key, pos, e);
          pos = end + 1;
          continue;
        }
      }
      const observations: Observation[] = [];
      if (handleRecord(run, record.slice(), line, observations)) return "stop";
      if (emit) {
        if (key !== undefined && observations.length === 1) emit(observations[0]!, key);
        else for (const o of observations) emit(o);
      } else yield* observations;
      pos = end + 1;
    }
    void last;
    return undefined;
  }

  /**
   * The header check on the first data row (checkEcho), for the line at `pos` when it is one whole
   * record of non-empty cells; true when reading must stop. A blank line leaves the check to the
   * next; a line the tokenizer cannot read goes to csv-parse, whose first record is checked there.
   */
  function echoLine(bytes: Buffer, pos: number, length: number): boolean {
    const nl = bytes.indexOf(10, pos);
    let e = nl === -1 ? length : nl;
    while (e > pos && bytes[e - 1] === CR) e--;
    if (e === pos || e - pos > maxLine || nextByte(bytes, CR, pos) < e) return false;
    const text = decodeLine(bytes, pos, e);
    const record = tokenize(text, 0, text.length, delimiterCode);
    if (record === undefined || record.every((cell) => cell.trim() === "")) return false;
    return checkEcho(run, record);
  }
}

/**
 * One record as csv-parse reads a well-formed one (RFC 4180: `"` quotes a field, `""` is a quote
 * inside it), from `start` to `end` of one line; undefined when the line is not one whole
 * well-formed record (a quote left open, text after a closing quote, a quote inside an unquoted
 * field): csv-parse then reads it, and reports what is wrong.
 */
export function tokenize(text: string, start: number, end: number, delimiter: number, out: string[] = []): string[] | undefined {
  let i = start;
  for (;;) {
    if (i < end && text.charCodeAt(i) === QUOTE) {
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1 || q >= end) return undefined; // open at the line's end: a multi-line value, or never closed
        value += text.slice(j, q);
        if (q + 1 < end && text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === end) return out;
      if (text.charCodeAt(i) !== delimiter) return undefined;
      i++;
      continue;
    }
    let d = text.indexOf(String.fromCharCode(delimiter), i);
    if (d === -1 || d > end) d = end;
    const q = text.indexOf('"', i);
    if (q !== -1 && q < d) return undefined;
    out.push(text.slice(i, d));
    if (d === end) return out;
    i = d + 1;
  }
}

/** Short stand-ins for the column layouts seen, see {@link layoutId}. */
const layoutIds = new Map<string, string>();
const MAX_LAYOUTS = 10_000;

/**
 * A short name for a column layout, to start repeat keys with: a key is hashed in full on every
 * lookup, and the layout's JSON (about 100 characters) was most of it. Layouts are few (one per
 * header seen); past {@link MAX_LAYOUTS} the JSON itself is the name (it starts with `{`, so it
 * can never equal a short one).
 */
function layoutId(columns: ColumnMap): string {
  const json = JSON.stringify(columns);
  let id = layoutIds.get(json);
  if (id === undefined) {
    if (layoutIds.size >= MAX_LAYOUTS) return `csv${json}`;
    layoutIds.set(json, (id = `csv#${layoutIds.size}`));
  }
  return id;
}

/**
 * A key that determines a data row's observations up to host, version and source (see
 * `ReadContext.repeat`): the file's column layout and every cell but those three columns'
 * (toObservations reads nothing else). A device may be named by its host cell (toObservations),
 * so a device row keeps its host in the key.
 */
function repeatKey(run: CsvRun, record: readonly string[], device: boolean): string {
  const columns = run.columns!;
  run.keyPrefix ??= layoutId(columns);
  let key = run.keyPrefix;
  for (let i = 0; i < record.length; i++) {
    key += "\u0000";
    if ((device || i !== columns.host) && i !== columns.version && i !== columns.registryKey) key += record[i];
  }
  return key;
}

/** Whether a row is a device's (its key then keeps its host): its kind cell says so, or the layout has a model or MAC column. */
function isDeviceRow(columns: ColumnMap, explicit: ObservationKind | undefined): boolean {
  return explicit === "device" || (explicit === undefined && (columns.model !== undefined || columns.mac !== undefined));
}

const keyRangeBuffer = new Int32Array(2 * MAX_RANGES);
/** The hash of the last line keyRanges walked: its bytes, a mark for each cell left out. */
let keyRangesHash = 0;

/**
 * The byte ranges of a plain line (no quote, no CR) that {@link repeatKey} is made of: the line
 * without the content of its host, version and registry-key cells, delimiters kept, as
 * start/end pairs into `out`. Two lines with equal bytes in equal ranges have equal cells but
 * those three, so equal keys (for rows that are not a device's). 0 when the line's bytes cannot
 * stand for its key: bytes that are not valid UTF-8 or hold U+FFFD (decoded, they warn, and
 * unequal bytes could decode to equal text), a NUL or a `???` (the key is not made for those).
 * Hashes the ranges' bytes as it goes (keyRangesHash), a mark standing for each cell left out:
 * one pass over the line.
 */
function keyRanges(bytes: Uint8Array, start: number, end: number, delimiter: number, columns: ColumnMap, out: Int32Array): number {
  const a = columns.host ?? -1;
  const b = columns.version ?? -1;
  const c = columns.registryKey ?? -1;
  let count = 0;
  let rangeStart = start;
  let cell = 0;
  let cellStart = start;
  let questions = 0;
  let h = HASH_START;
  let skipping = a === 0 || b === 0 || c === 0;
  let ascii = true;
  for (let i = start; i <= end; i++) {
    if (i < end) {
      const byte = bytes[i]!;
      if (byte === 0) return 0;
      if (byte >= 0x80) ascii = false;
      if (byte === 63) {
        if (++questions === 3) return 0;
      } else questions = 0;
      if (byte !== delimiter) {
        if (!skipping) h = hashStep(h, byte);
        continue;
      }
    }
    // cell `cell` spans cellStart..i
    if (skipping) {
      if (count === MAX_RANGES - 1) return 0;
      out[2 * count] = rangeStart;
      out[2 * count + 1] = cellStart;
      count++;
      rangeStart = i;
      h = hashStep(h, 0x100);
    }
    if (i < end) h = hashStep(h, delimiter);
    cell++;
    cellStart = i + 1;
    skipping = cell === a || cell === b || cell === c;
  }
  // Cyrillic names: valid UTF-8 decodes one way only, so equal bytes are equal text
  if (!ascii && !plainUtf8(bytes, start, end)) return 0;
  out[2 * count] = rangeStart;
  out[2 * count + 1] = end;
  keyRangesHash = h;
  return count + 1;
}

/**
 * `ReadContext.repeatHit` for the line [start, end) (no CR; one the compiled run gave a key,
 * so valid UTF-8 and one record `tokenize` reads), by its host and registry-key cells: a plain
 * line's read from its bytes, a quoted line's as the full path reads them.
 */
function repeatHitLine(run: CsvRun, key: string, bytes: Buffer, start: number, end: number, delimiter: number, line: number, quoted: boolean): boolean {
  if (!quoted) return repeatHitPlain(run, key, bytes, start, end, delimiter, line);
  if (!run.ctx.repeatHit) return false;
  const text = decodeLine(bytes, start, end);
  const record = tokenize(text, 0, text.length, delimiter);
  return record !== undefined && repeatHitRecord(run, key, record, line);
}

/** `ReadContext.repeatHit` for a row split into its cells, by its host and registry-key cells as toObservations reads them. */
function repeatHitRecord(run: CsvRun, key: string, record: readonly string[], line: number): boolean {
  return run.ctx.repeatHit?.(key, cellOf(record, run.columns!, "host"), rowSource(run.file, line, cellOf(record, run.columns!, "registryKey"))) ?? false;
}

/**
 * {@link ReadContext.repeatHit} for a plain line whose key was found by its bytes: its host and
 * registry-key cells are read from the bytes (valid UTF-8, as keyRanges checked), trimmed as
 * toObservations trims them.
 */
function repeatHitPlain(run: CsvRun, key: string, bytes: Buffer, start: number, end: number, delimiter: number, line: number): boolean {
  const { repeatHit } = run.ctx;
  if (!repeatHit) return false;
  const { host, registryKey } = run.columns!;
  return repeatHit(key, plainCell(bytes, start, end, delimiter, host), rowSource(run.file, line, plainCell(bytes, start, end, delimiter, registryKey)));
}

/** Cell `index` of a plain line (no quote, valid UTF-8), trimmed; undefined when empty or absent. */
function plainCell(bytes: Buffer, start: number, end: number, delimiter: number, index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  let from = start;
  for (let cell = 0; cell < index; cell++) {
    const next = bytes.indexOf(delimiter, from);
    if (next === -1 || next >= end) return undefined;
    from = next + 1;
  }
  const next = bytes.indexOf(delimiter, from);
  const value = bytes.toString("utf8", from, next === -1 || next > end ? end : next).trim();
  return value ? value : undefined;
}

/** Where a data row is: its line, and the registry key it was exported from (a PowerShell export of Uninstall keys). */
function rowSource(file: string, line: number, registryKey: string | undefined): SourceRef {
  return registryKey ? { file, line, pointer: registryPathOf(registryKey) } : { file, line };
}

/** Which cells decide how many observations a row gives (see toObservations): indexes into the record. */
type CountPlan = {
  name?: number;
  kind?: number;
  updates: number[];
  kindColumns: { kind: KindColumn; index: number }[];
  /** The highest index a plain line must be split up to. */
  last: number;
  kinds: Map<string, ObservationKind | undefined>;
  /** The kind cell of the last plain line, as text, and its kind: most rows repeat the one before. */
  lastKindText: string;
  lastKind: ObservationKind | undefined;
  /**
   * A MAC address column: the prefilter cannot judge these rows. The device matcher reads a MAC
   * in any notation (`0c:75:d2:…`, `0c75.d2ab.…`), so the catalog's OUI (`0c75d2`) need not be a
   * substring of the row: every row takes the full path.
   */
  mac: boolean;
};

/**
 * The compiled runs of lines only counted (./compiled.ts) for this file's columns; undefined with
 * the JavaScript engine, or when the run could take no line: none by its cells (no prefilter, or
 * a MAC column) and none by its repeat key (no `repeatCounted` given).
 */
function compiledRows(columns: ColumnMap, plan: CountPlan, delimiter: number, maxLine: number, ctx: ReadContext, engine: CompiledEngine): CsvRows | undefined {
  const automaton = ctx.prefilter?.automaton(ALWAYS_SEEN);
  const count = automaton !== undefined && !plan.mac && plan.last < 512;
  // a kind cell that is also left out of the repeat key would let a device row's bytes stand for another row's key
  const leftOut = [columns.host, columns.version, columns.registryKey];
  const keys = ctx.repeat !== undefined && ctx.repeatCounted !== undefined && (columns.kind === undefined || !leftOut.includes(columns.kind));
  if (!count && !keys) return undefined;
  return createCsvRows(
    {
      delimiter,
      maxLine,
      ...(plan.name !== undefined ? { name: plan.name } : {}),
      ...(plan.kind !== undefined ? { kind: plan.kind } : {}),
      last: plan.last,
      updates: plan.updates,
      kindColumns: plan.kindColumns.map((k) => k.index),
      count,
      ...(columns.host !== undefined ? { host: columns.host } : {}),
      ...(columns.version !== undefined ? { version: columns.version } : {}),
      ...(columns.registryKey !== undefined ? { registryKey: columns.registryKey } : {}),
      keys,
      kindCode(bytes, start, end) {
        const kind = kindOfBytes(bytes as Buffer, start, end, plan);
        if (kind === undefined) return -2;
        return kindColumnOf(plan, kind)?.index ?? -1;
      },
    },
    automaton,
    engine,
  );
}

function countPlan(columns: ColumnMap): CountPlan {
  const updates = [columns.parentKeyName, columns.releaseType].filter((i): i is number => i !== undefined);
  const kindColumns = KIND_COLUMNS.flatMap((kind) => (columns[kind] === undefined ? [] : [{ kind, index: columns[kind]! }]));
  const all = [columns.name, columns.kind, ...updates, ...kindColumns.map((k) => k.index)].filter((i): i is number => i !== undefined);
  return {
    ...(columns.name !== undefined ? { name: columns.name } : {}),
    ...(columns.kind !== undefined ? { kind: columns.kind } : {}),
    updates,
    kindColumns,
    last: Math.max(-1, ...all),
    kinds: new Map(),
    lastKindText: "",
    lastKind: undefined,
    mac: columns.mac !== undefined,
  };
}

/**
 * How many observations a row gives, as the full path would count them: 0 for an update row
 * (skipped silently), -1 when the full path must see the row (no name: it reports or skips it).
 */
function countCells(cell: (index: number | undefined) => boolean, kindOf: () => ObservationKind | undefined, plan: CountPlan): number {
  if (plan.mac) return -1;
  for (const u of plan.updates) if (cell(u)) return 0;
  const explicit = kindOf();
  const named = cell(plan.name);
  let n: number;
  if (explicit) {
    const column = kindColumnOf(plan, explicit);
    n = named || (column !== undefined && cell(column.index)) ? 1 : 0;
  } else if (named) {
    n = 1;
  } else {
    n = 0;
    for (const k of plan.kindColumns) if (cell(k.index)) n++;
  }
  return n === 0 ? -1 : n;
}

/** The column of a row's explicit kind (a `service` row's service column), if the file has one. */
function kindColumnOf(plan: CountPlan, kind: ObservationKind): { kind: KindColumn; index: number } | undefined {
  return plan.kindColumns.find((k) => k.kind === kind);
}

function countRecord(record: readonly string[], plan: CountPlan): number {
  const cell = (i: number | undefined): boolean => i !== undefined && (record[i]?.trim() ?? "") !== "";
  return countCells(cell, () => kindOfCell(plan.kind === undefined ? undefined : record[plan.kind], plan), plan);
}

function kindOfCell(value: string | undefined, plan: CountPlan): ObservationKind | undefined {
  if (value === undefined) return undefined;
  if (plan.kinds.has(value)) return plan.kinds.get(value);
  const kind = parseKind(value.trim() || undefined);
  if (plan.kinds.size < 256) plan.kinds.set(value, kind);
  return kind;
}

/** kindOfCell of an ASCII cell's bytes, without making a string when it is the last one's text again. */
function kindOfBytes(bytes: Buffer, start: number, end: number, plan: CountPlan): ObservationKind | undefined {
  const last = plan.lastKindText;
  if (end - start === last.length) {
    let same = true;
    for (let i = 0; same && i < last.length; i++) same = bytes[start + i] === last.charCodeAt(i);
    if (same) return plan.lastKind;
  }
  plan.lastKindText = bytes.toString("latin1", start, end);
  plan.lastKind = kindOfCell(plan.lastKindText, plan);
  return plan.lastKind;
}

const bounds = new Int32Array(2 * 512);

/** countRecord for a line with no quote (ASCII bytes), without splitting it into strings. */
function countPlain(bytes: Buffer, start: number, end: number, delimiter: number, plan: CountPlan): number {
  if (plan.last >= 512) return -1;
  // cell k spans bounds[2k]..bounds[2k+1]; cells past the line's end are missing
  let cellStart = start;
  let k = 0;
  for (let i = start; i <= end && k <= plan.last; i++) {
    if (i === end || bytes[i] === delimiter) {
      bounds[2 * k] = cellStart;
      bounds[2 * k + 1] = i;
      k++;
      cellStart = i + 1;
    }
  }
  const cells = k;
  const cell = (index: number | undefined): boolean => {
    if (index === undefined || index >= cells) return false;
    for (let i = bounds[2 * index]!, e = bounds[2 * index + 1]!; i < e; i++) {
      const c = bytes[i]!;
      if (c !== 32 && (c < 9 || c > 13)) return true;
    }
    return false;
  };
  return countCells(
    cell,
    () => (plan.kind === undefined || plan.kind >= cells ? undefined : kindOfBytes(bytes, bounds[2 * plan.kind]!, bounds[2 * plan.kind + 1]!, plan)),
    plan,
  );
}

/**
 * One record, whichever path read it: the header sets the columns; a data row gives its
 * observations (pushed to `out`). True when reading must stop (no name column).
 */
function handleRecord(run: CsvRun, record: string[], line: number, out: Observation[]): boolean {
  const { ctx, file } = run;
  if (record.some((cell) => cell.includes("\uFFFD")) && ++run.badTextRows === 1) {
    ctx.report({
      code: "input/encoding",
      severity: "warning",
      message: `not valid ${run.encoding.toUpperCase()} text (expected UTF-8, or UTF-16 with a BOM; a legacy code page such as Windows-1252?); unreadable characters were replaced and the row was still read`,
      source: { file, line },
    });
  }
  if (!run.columns) {
    const headers = record.map((h) => h.trim());
    run.columns = mapColumns(headers);
    const problem = headerProblem(headers);
    if (problem) {
      reportNoHeader(run, line, problem);
      return true;
    }
    if (!hasNameColumn(run.columns)) {
      ctx.report({
        code: "csv/no-name-column",
        message: `no column names the software: found ${listExcerpt(headers)}; expected a name column such as ${COLUMN_ALIASES.name.join(", ")} (case, spaces and punctuation ignored), or one of ${KIND_COLUMNS.join(", ")}`,
        source: { file, line },
      });
      return true;
    }
    const naming = namingColumns(headers);
    if (naming.length > 0) run.echo = { headers, line, columns: naming };
    return false;
  }
  const columns = run.columns;
  if (record.every((cell) => cell.trim() === "")) return false; // a row of empty cells is a blank line
  if (run.echo !== undefined && checkEcho(run, record)) return true;
  // an Uninstall key that is an update of another program (a patch, a hotfix) is not a program
  if (isUpdate(record, columns)) return false;
  if (!run.asciiWarned && record.some((cell) => cell.includes(ALWAYS_SEEN))) {
    run.asciiWarned = true;
    ctx.report({
      code: "csv/ascii",
      severity: "warning",
      message:
        "letters written as ? (Windows PowerShell 5.1 Export-Csv writes ASCII unless told otherwise): names in other scripts, such as Russian ones, cannot be matched; export again with -Encoding UTF8 (or Unicode)",
      source: { file, line },
    });
  }
  const source = rowSource(file, line, cellOf(record, columns, "registryKey"));
  const observations = toObservations(record, columns, source);
  if (observations.length > 0) {
    out.push(...observations);
    return false;
  }
  // Uninstall-key exports hold many nameless keys (updates, components): one located issue, then a count
  if (++run.emptyNames <= LINES_LISTED) run.emptyNameLines.push(line);
  if (run.emptyNames === 1) {
    ctx.report({ code: "csv/empty-name", severity: "warning", message: "row has an empty name; it was skipped", source });
  }
  return false;
}

/**
 * Compares the first data row with the header (echoProblem), once: true when the header proves
 * to be a data row, reported; reading must then stop.
 */
function checkEcho(run: CsvRun, record: readonly string[]): boolean {
  const { headers, line, columns } = run.echo!;
  run.echo = undefined;
  const problem = echoProblem(headers, record, columns);
  if (problem === undefined) return false;
  reportNoHeader(run, line, problem);
  return true;
}

/** A first row that is data, not a header (a CSV exported without its header line): nothing of the file can be read by column. */
function reportNoHeader(run: CsvRun, line: number, why: string): void {
  run.ctx.report({
    code: "csv/no-header",
    message: `no header row: line ${line} is a data row, not a header (${why}); expected a header naming the columns, such as host,kind,name,vendor,version,path,identifier, as the first line; the file was not read`,
    source: { file: run.file, line },
  });
}

/** The closing issues of an input. */
function finish(run: CsvRun): void {
  const { ctx, file } = run;
  if (!run.columns) {
    ctx.report({ code: "csv/no-header", message: "no header row: expected a CSV header naming the columns", source: { file, line: 1 } });
  }
  if (run.emptyNames > 1) {
    const more = run.emptyNames > LINES_LISTED ? ", ..." : "";
    ctx.report({
      code: "csv/empty-name",
      severity: "warning",
      message: `${run.emptyNames} rows in all had an empty name and were skipped (lines ${run.emptyNameLines.join(", ")}${more})`,
      source: { file },
    });
  }
  if (run.badTextRows > 1) {
    ctx.report({
      code: "input/encoding",
      severity: "warning",
      message: `${run.badTextRows} rows in all were not valid ${run.encoding.toUpperCase()} text`,
      source: { file },
    });
  }
}

/**
 * csv-parse over decoded text: from the input's start (`lineOffset` 0: it finds the header, the
 * delimiter and a #TYPE line itself), or from a line after the header (`delimiter` given), with
 * every line it reports moved down by `lineOffset`.
 */
async function* readParsed(run: CsvRun, textChunks: AsyncGenerator<string>, at: { lineOffset: number; delimiter?: string }): AsyncIterable<Observation> {
  const { ctx, file } = run;
  const text = textChunks;
  const offset = at.lineOffset;
  // bad rows are reported a few per code, then counted (one quote storm must not flood the output)
  const issues = createIssueLog(ctx, file);

  let head = "";
  let typeLine = false;
  let delimiter: string;
  if (at.delimiter === undefined) {
    // Read up to the header line to learn the delimiter and whether a #TYPE line comes first.
    while (findHeader(head).complete === false && head.length < (ctx.limits?.maxRecordChars ?? MAX_RECORD_CHARS)) {
      const next = await text.next();
      if (next.done) break;
      head += next.value;
    }
    const found = findHeader(head);
    typeLine = found.typeLine;
    delimiter = sniffDelimiter(found.header ?? "");
  } else {
    delimiter = at.delimiter;
  }

  async function* replay(): AsyncGenerator<string> {
    try {
      if (head) yield head;
      for (;;) {
        const next = await text.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await text.return(undefined);
    }
  }

  // imported here, not at start-up: a well-formed UTF-8 CSV never needs it (see readLines)
  const { parse } = await import("csv-parse");
  const parser = parse({
    delimiter,
    bom: true,
    from_line: typeLine ? 2 : 1,
    // from a line after the header, the record delimiter the header line already fixed
    ...(at.delimiter !== undefined ? { record_delimiter: "\n" } : {}),
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    // csv-parse resumes after a bad record (it skips to the next record delimiter after the error)
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (!err) return undefined;
      reportMalformed(err, raw);
      guard.skipRecord(); // one error per bad record, and linear time (src/io/csv-guard.ts)
      return undefined;
    },
  });
  // a record over the limit is skipped up to the next line break, and reading goes on
  const maxRecordChars = ctx.limits?.maxRecordChars ?? MAX_RECORD_CHARS;
  const guard = guardCsvParser(parser, {
    maxRecordChars,
    onOversize: ({ line, startLine, chars }) =>
      issues.report({
        code: "csv/record-too-long",
        message: `a record over the limit of ${maxRecordChars} characters (${chars} read by then): lines ${startLine + offset}-${line + offset} were skipped up to the next line break; reading went on after them`,
        source: { file, line: startLine + offset },
      }),
  });
  const reportMalformed = (err: CsvError, raw: string | undefined): void => {
    const end = typeof err.lines === "number" ? err.lines + offset : undefined;
    const line = end === undefined ? undefined : startLine(end, raw);
    // csv-parse quotes the whole field in some messages: a short, escaped excerpt only
    const reason = excerpt(err.message.replace(/\s*at line \d+/, ""), 160);
    const lost =
      err.code === "CSV_QUOTE_NOT_CLOSED"
        ? "the rest of the file was not read"
        : end !== undefined && line !== undefined && end > line
          ? `lines ${line}-${end} were skipped; reading went on after them`
          : "the row was skipped; reading went on after it";
    issues.report({
      code: "csv/malformed",
      message: `malformed CSV row (${reason}): ${lost}`,
      source: { file, ...(line !== undefined ? { line } : {}) },
    });
  };

  const records = pipeline(Readable.from(replay(), { objectMode: false }), parser, () => {}) as AsyncIterable<ParsedRecord>;
  try {
    for await (const { record, info, raw } of records) {
      ctx.signal?.throwIfAborted();
      const line = startLine(info.lines + offset, raw);
      const out: Observation[] = [];
      if (handleRecord(run, record, line, out)) return; // leaving the loop closes the parser and the input
      yield* out;
    }
  } finally {
    issues.finish();
  }
}

/**
 * The observations of one data row; none when the row has no name. A row names one thing by its
 * name column (or by its kind column plus that kind's column); a row with neither, such as a
 * Sysmon DNS export (`Image`, `QueryName`), gives one observation per filled kind column.
 */
function toObservations(record: readonly string[], columns: ColumnMap, source: SourceRef): Observation[] {
  const cell = (field: CsvField): string | undefined => {
    const index = columns[field];
    const value = index === undefined ? undefined : record[index]?.trim();
    return value ? value : undefined;
  };
  const kindColumn = (kind: ObservationKind): KindColumn | undefined => KIND_COLUMNS.find((k) => k === kind);

  const explicit = parseKind(cell("kind"));
  const name = cell("name");
  const model = cell("model");
  const mac = cell("mac");
  let named: [ObservationKind, string][];
  if (explicit === "device" || (explicit === undefined && (columns.model !== undefined || columns.mac !== undefined))) {
    // an asset list or network inventory: the row is a piece of equipment, named by its name, model or MAC address
    const value = name ?? model ?? mac ?? cell("host") ?? cell("vendor");
    named = value ? [["device", value]] : [];
  } else if (explicit) {
    const column = kindColumn(explicit);
    const value = name ?? (column ? cell(column) : undefined);
    named = value ? [[explicit, value]] : [];
  } else if (name) {
    named = [[cell("extensionId") ? "extension" : cell("packageId") ? "mobile-app" : "software", name]];
  } else {
    named = KIND_COLUMNS.flatMap((k): [ObservationKind, string][] => {
      const value = cell(k);
      return value ? [[k, value]] : [];
    });
  }

  const vendor = cell("vendor");
  const version = cell("version");
  const host = cell("host");
  return named.map(([kind, value]) => {
    let thing = value;
    let path = firstPath(cell("path"));
    if (kind === "domain") thing = hostOf(thing);
    if ((kind === "process" || kind === "driver") && /[\\/]/.test(thing)) {
      // Sysmon-style `Image` holds the full path: keep it as the path, match on the file name
      path ??= thing;
      thing = thing.slice(Math.max(thing.lastIndexOf("\\"), thing.lastIndexOf("/")) + 1);
    }
    const ids = idsOf(kind, cell);
    // by assignment, not conditional spreads, which once per row kept old-generation memory
    // growing (see osquery's `hostAndSeenAt`); the same keys in the same order
    const o: Observation = { kind, name: thing } as Observation;
    if (vendor) o.vendor = vendor;
    if (version) o.version = version;
    if (path) o.path = path;
    if (ids) o.ids = ids;
    if (host) o.host = host;
    o.source = Object.assign({}, source);
    return o;
  });
}

/** Identifier columns, plus a generic `identifier` cell put where its shape and the kind say. */
function idsOf(kind: ObservationKind, cell: (field: CsvField) => string | undefined): ObservationIds | undefined {
  const ids: ObservationIds = {};
  for (const field of ["bundleId", "packageId", "extensionId", "purl", "cpe", "sha256", ...(kind === "device" ? (["model", "mac"] as const) : [])] as const) {
    const value = cell(field);
    if (value) ids[field] = value;
  }
  const identifier = cell("identifier");
  const slot = identifier ? identifierSlot(kind, identifier) : undefined;
  if (slot && ids[slot] === undefined) ids[slot] = identifier;
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/** Which ids field a generic `identifier` cell belongs in, by its shape and the row's kind. */
function identifierSlot(kind: ObservationKind, value: string): keyof ObservationIds | undefined {
  if (/^pkg:/i.test(value)) return "purl";
  if (/^cpe:/i.test(value)) return "cpe";
  if (/^[0-9a-f]{64}$/i.test(value)) return "sha256";
  if (kind === "extension") return "extensionId";
  if (kind === "mobile-app") return "packageId";
  // reverse-DNS (`com.kaspersky.kav`) on an installed program is a macOS/iOS bundle id
  if ((kind === "software" || kind === "component" || kind === "file") && /^[a-z][\w-]*(\.[\w-]+){2,}$/i.test(value)) {
    return "bundleId";
  }
  return undefined;
}

/** Defender `DiskPaths` may hold a JSON array of paths; the first one is kept. */
function firstPath(value: string | undefined): string | undefined {
  if (!value?.startsWith("[")) return value;
  try {
    const paths: unknown = JSON.parse(value);
    if (Array.isArray(paths)) return paths.find((p): p is string => typeof p === "string" && p.trim() !== "");
  } catch {
    // not JSON after all: keep the cell as it is
  }
  return value;
}

/** A URL in a domain column (`https://host/path`) → its host name. */
function hostOf(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    return new URL(value).hostname || value;
  } catch {
    return value;
  }
}

/**
 * The first line of a record: csv-parse reports the line a record ends on, and `raw` (the record's
 * text, after any skipped blank lines) says how many line breaks the record spans.
 */
function startLine(endLine: number, raw: string | undefined): number {
  if (!raw) return endLine;
  const body = raw.replace(/^\n+/, "").replace(/\n$/, "");
  let breaks = 0;
  for (let i = body.indexOf("\n"); i !== -1; i = body.indexOf("\n", i + 1)) breaks++;
  return Math.max(1, endLine - breaks);
}

/** Decoded text with CRLF (and wmic's CRCRLF) folded to LF; a CR at a chunk end waits for the next chunk. */
async function* lfText(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let carry = "";
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let cut = text.length;
    while (cut > 0 && text.charCodeAt(cut - 1) === 13) cut--;
    carry = text.slice(cut);
    if (cut > 0) yield foldCrLf(text.slice(0, cut));
  }
  if (carry) yield carry;
}

/**
 * The header line of a CSV text: the first non-blank line, or the one after a PowerShell
 * `#TYPE ...` line. `complete` is false while the text may still end inside it.
 */
function findHeader(text: string): { header?: string; typeLine: boolean; complete: boolean; end?: number } {
  let typeLine = false;
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const line = trimTrailingCr(nl === -1 ? text.slice(start) : text.slice(start, nl));
    if (nl === -1) return line.trim() === "" ? { typeLine, complete: false } : { header: line, typeLine, complete: false };
    if (start === 0 && /^\uFEFF?#TYPE\b/i.test(line)) typeLine = true;
    else if (line.trim() !== "") return { header: line, typeLine, complete: true, end: nl + 1 };
    start = nl + 1;
  }
}

/**
 * A UTF-8 CSV's header lines (a `#TYPE` line, then the header) in its first bytes: where they end
 * (the offset after the header line's line break) and how many lines they are; undefined when
 * the header does not end there or those bytes are not plain UTF-8. A part of a file read in
 * parts is read after these bytes.
 */
export function headerLines(head: Uint8Array): { end: number; lines: number } | undefined {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(head);
  const found = findHeader(text);
  if (found.end === undefined) return undefined;
  const prefix = text.slice(0, found.end);
  const bytes = Buffer.from(prefix, "utf8");
  // the decoded text must be the bytes themselves (no replaced bytes), so that its length is a byte offset of the file
  if (!bytes.equals(head.subarray(0, bytes.length))) return undefined;
  return { end: bytes.length, lines: prefix.split("\n").length - 1 };
}

/** The delimiter that splits the header line most often (outside quotes); `,` when none does. */
function sniffDelimiter(header: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Header cells for detection only (reading uses csv-parse): split, then unquote. */
function splitHeader(header: string, delimiter: string): string[] {
  return header.split(delimiter).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1").replace(/""/g, '"'));
}

/** A trimmed, non-empty cell of a field, if the header has that field. */
function cellOf(record: readonly string[], columns: ColumnMap, field: CsvField): string | undefined {
  const index = columns[field];
  const value = index === undefined ? undefined : record[index]?.trim();
  return value ? value : undefined;
}

/** An Uninstall-key row of an update (ParentKeyName or ReleaseType set): skipped, as in `.reg` exports. */
function isUpdate(record: readonly string[], columns: ColumnMap): boolean {
  return cellOf(record, columns, "parentKeyName") !== undefined || cellOf(record, columns, "releaseType") !== undefined;
}
