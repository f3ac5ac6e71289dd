/**
 * @module
 * The fast path of the dpkg status reader: stanzas read as UTF-8 bytes. A stanza of plain ASCII
 * lines (below) is judged here without a string per line or a Map: a removed package is passed
 * over, an installed one whose observation could match nothing is counted
 * (`ReadContext.skipped`), and any other installed one is built here from its values with the
 * reader's own `packageObservation`. Every other stanza, and the blank line after it, goes
 * through the same `DpkgStatusReader` the full path uses, line by line with its line numbers
 * (`createLineSplitter`, the line splitting of `readLines`), so its observations and issues are
 * the full path's.
 *
 * A plain stanza is exactly what the reader reads as one stanza with no issue: it follows a blank
 * line (or starts the input) and ends at one (or at the end); it is ASCII; every line is a
 * `Field: value` line of FIELD_LINE's shape or a continuation line after one, with no carriage
 * return but those ending it (the reader drops those), no `#` comment, no line over the record
 * limit; it has a non-empty Package and a Status of three words that `isInstalled` judges; an
 * installed one has no opkg mark (`Installed-Time`, the flag `user`; opkg files by path never
 * take the fast path). Its values are then the bytes after the colon, trimmed, as the reader's.
 *
 * Why a counted stanza could match nothing. The scanner matches an observation only when its
 * fields hold a catalog literal (`cannotMatch` in scan/scanner.ts, the prefilter's test): a
 * stanza's observation is its Package, Version and Maintainer values (trimmed, the e-mail cut
 * off: substrings of the values) and the purl `pkg:deb/<name>@<version>?arch=<arch>`. A stanza is
 * counted only when the prefilter's automaton finds nothing in those four values (nor anything it
 * cannot judge: non-ASCII, `%`, `\u`), when name, version and arch are plain (DEB_PLAIN in
 * _purl.ts: the purl holds them as they are, no `%XX`), and only while the purl's own text
 * (`pkg`, `deb`, `arch`) holds no literal (`fastPathSound`). Each literal is a run of `[a-z0-9]`,
 * and the purl's punctuation sends the automaton back to its root, so the observation's text then
 * holds no literal either: the scanner would only have counted it.
 */
import { isAscii } from "node:buffer";
import { decodeLine, nextByte, rawLineBatches, remainder } from "../_raw-lines.js";
import { createLineSplitter, noLineMessage, type Line, type LineSplitter } from "../_text.js";
import { DEB_PLAIN } from "../_purl.js";
import { runAutomaton, type LiteralAutomaton, type Prefilter } from "../../match/prefilter.js";
import { DEFAULT_LIMITS } from "../../io/limits.js";
import type { ReadContext, ReadInput } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";
import type { DpkgStatusReader, PackageFields } from "./index.js";

/** The text a dpkg observation holds beside the stanza's own: the purl's constant parts. */
const PURL_CONSTANTS = "pkg:deb/@?arch=";

/** Whether counting cleared stanzas is sound for this prefilter: the purl's own words hold no literal. */
export function fastPathSound(prefilter: Prefilter): boolean {
  return prefilter.enabled && !prefilter.mayMatchText(PURL_CONSTANTS);
}

const CR = 13;
const SPACE = 32;
const TAB = 9;
const COLON = 58;

/** Bytes `String.prototype.trim` removes in ASCII text: a line of only these is blank to the reader. */
const BLANK = byteSet("\t\n\v\f\r ");
/** FIELD_LINE's field name: its first byte, and the ones after it. */
const NAME_FIRST = byteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
const NAME_REST = byteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
const PLAIN_NAME = byteSet(DEB_PLAIN.name);
const PLAIN_VERSION = byteSet(DEB_PLAIN.version);
const PLAIN_ARCH = byteSet(DEB_PLAIN.arch);

function byteSet(chars: string): Uint8Array {
  const set = new Uint8Array(256);
  for (const c of chars) set[c.charCodeAt(0)] = 1;
  return set;
}

/** The fields the fast path looks at (their index in StanzaBytes); any other field is passed over. */
const enum Field {
  Other = -1,
  Package = 0,
  Status = 1,
  Version = 2,
  Architecture = 3,
  Maintainer = 4,
  Opkg = 5,
}
const PACKAGE = Buffer.from("package");
const STATUS = Buffer.from("status");
const VERSION = Buffer.from("version");
const ARCHITECTURE = Buffer.from("architecture");
const MAINTAINER = Buffer.from("maintainer");
const INSTALLED_TIME = Buffer.from("installed-time");

/** The field named by bytes [start, end), case-insensitively. */
function fieldOf(bytes: Buffer, start: number, end: number): Field {
  switch (end - start) {
    case 7:
      return sameWord(bytes, start, PACKAGE) ? Field.Package : sameWord(bytes, start, VERSION) ? Field.Version : Field.Other;
    case 6:
      return sameWord(bytes, start, STATUS) ? Field.Status : Field.Other;
    case 12:
      return sameWord(bytes, start, ARCHITECTURE) ? Field.Architecture : Field.Other;
    case 10:
      return sameWord(bytes, start, MAINTAINER) ? Field.Maintainer : Field.Other;
    case 14:
      return sameWord(bytes, start, INSTALLED_TIME) ? Field.Opkg : Field.Other;
    default:
      return Field.Other;
  }
}

/** Bytes from `start` equal lower-case `word` with ASCII letters in either case (`| 0x20` leaves `-` and digits alone, and a field name holds no byte it would turn into a letter). */
function sameWord(bytes: Buffer, start: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) if ((bytes[start + i]! | 0x20) !== word[i]) return false;
  return true;
}

/** What the fast path has seen of the open stanza: value ranges (trimmed) in the bytes read, -1 when absent. */
class StanzaBytes {
  fields = 0;
  readonly start = new Int32Array(5);
  readonly end = new Int32Array(5);

  reset(): void {
    this.fields = 0;
    this.start.fill(-1);
    this.end.fill(-1);
  }

  has(field: Field): boolean {
    return this.start[field]! >= 0;
  }

  /** The field's value as the reader reads it (the bytes are ASCII). */
  text(bytes: Buffer, field: Field): string | undefined {
    return this.has(field) ? bytes.toString("latin1", this.start[field], this.end[field]) : undefined;
  }
}

/**
 * Whether line [pos, e) keeps the stanza on the fast path (a plain field or continuation line;
 * the line is known to hold no CR and not to be blank), recording the values of the fields it
 * looks at. False sends the stanza down the full path.
 */
function plainLine(bytes: Buffer, pos: number, e: number, st: StanzaBytes): boolean {
  const first = bytes[pos]!;
  // a continuation line extends a field the reader skips; before any field it is an issue
  if (first === SPACE || first === TAB) return st.fields > 0;
  if (NAME_FIRST[first] !== 1) return false; // a comment (`#`) or a bad line
  let colon = pos + 1;
  while (colon < e && NAME_REST[bytes[colon]!] === 1) colon++;
  if (colon >= e || bytes[colon] !== COLON) return false;
  if (colon + 1 < e && bytes[colon + 1] !== SPACE && bytes[colon + 1] !== TAB) return false;
  st.fields++;
  const field = fieldOf(bytes, pos, colon);
  if (field === Field.Other) return true;
  if (field === Field.Opkg) return false;
  let s = colon + 1;
  let t = e;
  while (s < t && BLANK[bytes[s]!] === 1) s++;
  while (t > s && BLANK[bytes[t - 1]!] === 1) t--;
  st.start[field] = s; // a field given twice: the last one counts, as in the reader's Map
  st.end[field] = t;
  return true;
}

const INSTALLED = Buffer.from("install ok installed");

/** Bytes [start, end) are `install ok installed`, the common Status. */
function installedOk(bytes: Buffer, start: number, end: number): boolean {
  if (end - start !== INSTALLED.length) return false;
  for (let i = 0; i < INSTALLED.length; i++) if (bytes[start + i] !== INSTALLED[i]) return false;
  return true;
}

/**
 * Whether a stanza of plain ASCII lines gives an observation (true) or none (false) with no
 * issue; undefined when the full path must read it: no Package, no Status, a Status
 * `isInstalled` cannot judge, or opkg's `user` flag.
 */
function installedPackage(bytes: Buffer, st: StanzaBytes, isInstalled: (status: string) => boolean | undefined): boolean | undefined {
  const { start, end } = st;
  if (!st.has(Field.Package) || start[Field.Package] === end[Field.Package] || !st.has(Field.Status)) return undefined;
  if (installedOk(bytes, start[Field.Status]!, end[Field.Status]!)) return true;
  const status = st.text(bytes, Field.Status)!;
  const installed = isInstalled(status);
  if (installed === true && status.split(/\s+/)[1] === "user") return undefined; // opkg
  return installed;
}

/** Whether bytes [start, end) (a value, or nothing when start is -1) are all in `set`. */
function allIn(bytes: Buffer, start: number, end: number, set: Uint8Array): boolean {
  if (start < 0) return true;
  for (let i = start; i < end; i++) if (set[bytes[i]!] !== 1) return false;
  return true;
}

/** Whether the prefilter's automaton finds nothing in bytes [start, end) (nothing when start is -1). */
function clear(a: LiteralAutomaton, bytes: Buffer, start: number, end: number): boolean {
  return start < 0 || runAutomaton(a, bytes, start, end) === -1;
}

/**
 * Whether the observation of an installed package's stanza could match nothing (see the module
 * comment): its name, version, maintainer and arch hold no literal (nor `%`, `\u`, non-ASCII),
 * and the purl holds name, version and arch as they are.
 */
function cannotMatch(bytes: Buffer, st: StanzaBytes, a: LiteralAutomaton): boolean {
  const { start, end } = st;
  return (
    clear(a, bytes, start[Field.Package]!, end[Field.Package]!) &&
    clear(a, bytes, start[Field.Version]!, end[Field.Version]!) &&
    clear(a, bytes, start[Field.Architecture]!, end[Field.Architecture]!) &&
    clear(a, bytes, start[Field.Maintainer]!, end[Field.Maintainer]!) &&
    allIn(bytes, start[Field.Package]!, end[Field.Package]!, PLAIN_NAME) &&
    allIn(bytes, start[Field.Version]!, end[Field.Version]!, PLAIN_VERSION) &&
    allIn(bytes, start[Field.Architecture]!, end[Field.Architecture]!, PLAIN_ARCH)
  );
}

/** Bytes [pos, end) are all white space (see BLANK). */
function isBlank(bytes: Buffer, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) if (BLANK[bytes[i]!] !== 1) return false;
  return true;
}

/** The offset of the line break ending the line at `pos`, or `length` when the line has none. */
function lineEnd(bytes: Buffer, pos: number, length: number): number {
  const i = bytes.indexOf(10, pos);
  return i === -1 || i > length ? length : i;
}

/** The offset after the first blank line of `bytes` (see BLANK), or its length when it has none. */
function endOfFirstBlank(bytes: Buffer, max: number): number {
  let pos = 0;
  while (pos < bytes.length) {
    const end = lineEnd(bytes, pos, bytes.length);
    if (end - pos <= max && isBlank(bytes, pos, end)) return Math.min(end + 1, bytes.length);
    pos = end + 1;
  }
  return bytes.length;
}

/** The open stanza's bytes kept from one batch to be read again with the next; past this size it takes the full path instead. */
const MAX_CARRIED = 1 << 20;

/** What the fast path needs of the reader besides its line parser. */
export type DpkgRules = {
  isInstalled(status: string): boolean | undefined;
  packageObservation(fields: PackageFields, opkg: boolean, source: SourceRef): Observation | undefined;
};

/**
 * The stanzas of one input, a batch of whole lines at a time: each one counted, built here, or
 * fed line by line to the reader's full path. What is built or read goes to `out`.
 */
class StanzaScan {
  out: Observation[] = [];
  /** A line that is not blank was seen (the `dpkg/empty` issue). */
  any = false;
  /** Lines read. */
  line = 0;
  /** The open stanza's bytes from batches before, to be read again whole. */
  carry: Buffer | undefined;
  /** The open stanza takes the full path: its lines are fed as they come. */
  feeding = false;
  private open = false;
  private ascii = false; // the range being read is ASCII
  private inputStart = false; // see feed
  private firstLine = 0; // the open stanza's
  private readonly st = new StanzaBytes();
  private readonly splitter: LineSplitter;

  constructor(
    private readonly file: string,
    private readonly parser: DpkgStatusReader,
    private readonly automaton: LiteralAutomaton,
    private readonly rules: DpkgRules,
    private readonly skipped: (n: number) => void,
    private readonly max: number,
    input: ReadInput,
    ctx: ReadContext,
  ) {
    this.splitter = createLineSplitter(input, ctx);
  }

  /** A batch of whole lines (the last may have no line break when `last`). */
  batch(bytes: Buffer, last: boolean): void {
    let from = 0;
    if (this.carry) {
      // the open stanza is read again from its first line, whole: its bytes so far and those up
      // to the end of its blank line here (or the whole batch)
      const upTo = endOfFirstBlank(bytes, this.max);
      const whole = Buffer.concat([this.carry, bytes.subarray(0, upTo)]);
      this.carry = undefined;
      this.line = this.firstLine - 1;
      this.open = false;
      this.range(whole, 0, whole.length, last && upTo === bytes.length);
      if (upTo === bytes.length) return;
      from = upTo;
    }
    this.range(bytes, from, bytes.length, last);
  }

  /** Text through the full path: the reader's line splitting, then the reader. */
  take(text: string): void {
    for (const l of this.splitter.lines(text)) this.push(l);
  }

  /** The end of the input (after {@link take} of any rest). */
  end(): void {
    for (const l of this.splitter.last()) this.push(l);
    this.out.push(...this.parser.end());
  }

  /** Before text is taken that the batches did not read (the line after `line` on). */
  handOver(): void {
    if (this.carry) this.feed(this.carry, 0, this.carry.length, this.firstLine);
    else if (!this.feeding) this.splitter.skipTo(this.line);
    this.carry = undefined;
  }

  private push(l: Line): void {
    if (!this.any && l.text.trim() !== "") this.any = true;
    const done = this.parser.push(l);
    if (done.length > 0) this.out.push(...done);
  }

  /** Feeds bytes [from, to) (whole lines) to the full path; `firstLine` numbers the first of them when it starts a run. */
  private feed(bytes: Buffer, from: number, to: number, firstLine?: number): void {
    if (firstLine !== undefined) {
      this.splitter.skipTo(firstLine - 1);
      this.inputStart = firstLine === 1; // the bytes fed next begin the input: a BOM there is dropped
    }
    if (to > from) {
      this.take(decodeLine(bytes, from, to, this.inputStart));
      this.inputStart = false;
    }
  }

  private range(bytes: Buffer, pos: number, length: number, last: boolean): void {
    const { max, st } = this;
    // one check of the whole range spares one per stanza (most inputs are ASCII throughout)
    this.ascii = isAscii(bytes.subarray(pos, length));
    let start = pos; // where the open stanza's undecided (or unfed) bytes start
    let cr = -1;
    while (pos < length) {
      const end = lineEnd(bytes, pos, length);
      const after = end === length ? length : end + 1;
      this.line++;
      if (BLANK[end === pos ? 10 : bytes[pos]!] === 1 && end - pos <= max && isBlank(bytes, pos, end)) {
        if (this.open && this.feeding) this.feed(bytes, start, after);
        else if (this.open) this.decide(bytes, start, end, after);
        this.open = false;
        this.feeding = false;
        pos = after;
        continue;
      }
      if (!this.open) {
        this.open = true;
        this.firstLine = this.line;
        start = pos;
        st.reset();
      }
      if (!this.feeding) {
        // the reader's lines end before their last CRs (CRLF files); a CR before those is read the full way
        let e = end;
        while (e > pos && bytes[e - 1] === CR) e--;
        if (cr < pos) cr = nextByte(bytes, CR, pos);
        if (cr < e || end - pos > max || !plainLine(bytes, pos, e, st)) {
          // from this line on the stanza is read by the full path, with its lines before this one
          this.feeding = true;
          this.feed(bytes, start, start, this.firstLine);
        }
      }
      pos = after;
    }
    if (!this.open) return;
    if (this.feeding) this.feed(bytes, start, length);
    else if (last) {
      // the input's last stanza, with no blank line after it
      this.decide(bytes, start, length, length);
      this.open = false;
    } else {
      this.carry = Buffer.from(bytes.subarray(start, length));
      if (this.carry.length > MAX_CARRIED) {
        // a stanza this long is read by the full path, whatever its lines
        this.feed(this.carry, 0, this.carry.length, this.firstLine);
        this.carry = undefined;
        this.feeding = true;
      }
    }
  }

  /** The open stanza of plain lines [from, to), ended: counted, built here, or fed to the full path with its blank line (to `after`). */
  private decide(bytes: Buffer, from: number, to: number, after: number): void {
    const { st } = this;
    const installed = this.ascii || isAscii(bytes.subarray(from, to)) ? installedPackage(bytes, st, this.rules.isInstalled) : undefined;
    if (installed === undefined) {
      this.feed(bytes, from, after, this.firstLine);
      return;
    }
    this.any = true;
    if (!installed) return;
    if (cannotMatch(bytes, st, this.automaton)) {
      this.skipped(1);
      return;
    }
    const fields = {
      name: st.text(bytes, Field.Package)!,
      version: st.text(bytes, Field.Version),
      arch: st.text(bytes, Field.Architecture),
      maintainer: st.text(bytes, Field.Maintainer),
    };
    // not opkg's: no Installed-Time, no `user` flag (installedPackage), no opkg path (fastPathSound's caller)
    const o = this.rules.packageObservation(fields, false, { file: this.file, line: this.firstLine });
    if (o) this.out.push(o);
  }
}

/**
 * Reads a UTF-8 dpkg status input with `parser` (the reader's full path) for the stanzas it must
 * read, counting or building the others (see the module comment). `prefilter` must pass
 * {@link fastPathSound}.
 */
export async function* readDpkgFast(
  input: ReadInput,
  ctx: ReadContext,
  parser: DpkgStatusReader,
  prefilter: Prefilter,
  rules: DpkgRules,
  empty: { code: string; expected: string },
): AsyncGenerator<Observation> {
  const max = ctx.limits?.maxRecordChars ?? DEFAULT_LIMITS.maxRecordChars;
  const scan = new StanzaScan(input.path, parser, prefilter.automaton()!, rules, ctx.skipped ?? (() => {}), max, input, ctx);
  const emit = ctx.emit;
  function* flush(): Generator<Observation> {
    if (scan.out.length === 0) return;
    const done = scan.out;
    scan.out = [];
    if (emit) for (const o of done) emit(o);
    else yield* done;
  }
  const chunks = (input.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const tooLong: { bytes?: Buffer } = {};
  // a line over the limit in bytes may be one over it in characters: from there on, the full path
  const batches = rawLineBatches(chunks, max, tooLong);
  for (;;) {
    const next = await batches.next();
    if (next.done) break;
    ctx.signal?.throwIfAborted();
    scan.batch(next.value.bytes, next.value.last);
    yield* flush();
  }
  if (tooLong.bytes) {
    scan.handOver();
    const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: scan.line > 0 });
    for await (const chunk of remainder(Buffer.alloc(0), batches, tooLong, chunks)) {
      ctx.signal?.throwIfAborted();
      scan.take(decoder.decode(chunk, { stream: true }));
      yield* flush();
    }
    scan.take(decoder.decode());
  }
  scan.end();
  yield* flush();
  if (!scan.any) ctx.report({ code: empty.code, message: noLineMessage(input, empty.expected), source: { file: input.path, line: 1 } });
}
