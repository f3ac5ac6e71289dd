/**
 * @module
 * The fast path of `streamJson` (./_json.ts): the elements of a selected array (`$.components.*`)
 * are parsed by the native `JSON.parse`, one element at a time, instead of byte by byte by the
 * streaming tokenizer, which was most of a large SBOM's scan time.
 *
 * The streaming parser stays the one authority on the document: a splitter runs ahead of it over
 * each chunk, tracking only strings (`"`, `\`) and `{}`/`[]` nesting, and gives it every byte
 * except the objects it takes. It takes an object only when all of these hold, else the object's
 * bytes go to the parser, which then says what it says today (value, error, line):
 * - the parser has just read the `[` of a selected array (its own state is checked, so a splitter
 *   misled by broken JSON takes nothing) or the `,` after an element of it;
 * - the object ends in the same chunk (one spread over chunks is read the streaming way, so no
 *   element is held back and issues come when and where they came before), and is at most
 *   {@link MAX_FAST_ELEMENT} bytes;
 * - `JSON.parse` accepts it (JSON.parse and the streaming parser accept the same values and give
 *   equal ones: both keep a `"__proto__"` key as a property and lone surrogates as code units);
 * - its nesting stays within the depth limit (a deeper one is cut by the parser, as today).
 * A taken object is handed to the parser as one value where its bytes would have been, so which
 * values are emitted, their pointers, records and order stay the parser's own. Anything
 * unexpected between elements (a missing comma, an element that is not an object) turns the
 * splitter off for the rest of the document.
 */

/**
 * `enabled` off: every byte goes to the streaming parser, as before the fast path (tests compare
 * both ways). `taken` counts the elements the fast path took, so that a test can tell it ran.
 */
export const jsonFastPath = { enabled: true, taken: 0 };

/** Largest element handed to `JSON.parse`; a larger one is read the streaming way, whose memory is bounded. */
export const MAX_FAST_ELEMENT = 1 << 20;

/**
 * The literal keys of each selected path `$.k1.….kn.*` whose elements may be taken whole: paths
 * with a `*` before the last segment are left out, and so is any path that another selected path
 * reaches into or contains (`$`, `$.a` or `$.*` beside `$.a.*`). Taking elements there would give
 * the same values too (the parser stores a taken value where it would have built it); the fast
 * path is kept to the plain case no reader goes beyond.
 */
export function fastArrayPaths(paths: readonly string[]): string[][] {
  const all = [...new Set(paths)].map((p) => (p === "$" ? [] : p.startsWith("$.") ? p.slice(2).split(".") : undefined));
  if (all.some((s) => s === undefined)) return []; // `$*` and the like: the parser's own business
  const segs = all as string[][];
  return segs
    .filter((f) => f.length > 0 && f[f.length - 1] === "*" && !f.slice(0, -1).includes("*") && !f.includes(""))
    .filter((f) => segs.every((p) => p === f || diverge(p, f)))
    .map((f) => f.slice(0, -1));
}

/** Whether two paths name different keys at some level both spell out. */
function diverge(a: string[], b: string[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== "*" && b[i] !== "*" && a[i] !== b[i]) return true;
  }
  return false;
}

/** What the splitter needs of `streamJson`. Offsets are within the chunk being fed. */
export interface FastSink {
  /** Gives bytes to the streaming parser; false once it has failed (then nothing more is fed). */
  write(bytes: Buffer): boolean;
  /** Right after the `[` at `index` was written: whether the parser now stands at the start of a selected array. */
  opened(index: number): boolean;
  /** How many levels an element here may nest (an object of scalars: 1) within the depth limit; 0: none. */
  room(): number;
  /** Hands the parser a taken element in place of its bytes [start, end). */
  take(value: unknown, start: number, end: number): void;
}

const enum Mode {
  /** Outside selected arrays: watching for the `[` of one. */
  Scan,
  /** Inside a selected array, between elements. */
  Elements,
  /** Inside an element the parser is reading (it did not fit in its chunk). */
  SlowElement,
  /** Off for the rest of the document. */
  Off,
}

const enum After {
  Open,
  Comma,
  Element,
}

/** Nesting and string state of a byte scan, kept across chunks. */
type ScanState = { depth: number; deepest: number; inString: boolean; escaped: boolean };

/** Splits chunks of a JSON document (UTF-8) between the streaming parser and `JSON.parse`. */
export class ArraySplitter {
  private mode = Mode.Scan;
  private after = After.Open;
  /** Nesting outside selected arrays, from the document's start. */
  private readonly outer: ScanState = { depth: 0, deepest: 0, inString: false, escaped: false };
  /** Nesting within the element being scanned, from its `{`. */
  private readonly element: ScanState = { depth: 0, deepest: 0, inString: false, escaped: false };
  /** Nesting levels at which a selected array opens (`$.*`: 0, `$.a.*`: 1). */
  private readonly levels: ReadonlySet<number>;

  constructor(
    keys: readonly (readonly string[])[],
    private readonly sink: FastSink,
  ) {
    this.levels = new Set(keys.map((k) => k.length));
  }

  /** Feeds one chunk: its bytes go to the parser in order, except the elements taken. */
  feed(bytes: Buffer): void {
    const n = bytes.length;
    this.lineBreak = this.failedLine = -1;
    let pos = 0; // bytes before pos were given to the parser or taken
    let i = 0;
    while (i < n) {
      if (this.mode === Mode.Off) break;
      if (this.mode === Mode.Scan) {
        const open = this.scanOuter(bytes, i);
        if (open === -1) break;
        // the `[` of an array at a selected level: the parser reads up to it and says whether it is one
        if (!this.sink.write(bytes.subarray(pos, open + 1))) return;
        pos = i = open + 1;
        if (this.sink.opened(open)) {
          this.mode = Mode.Elements;
          this.after = After.Open;
        } else this.outer.depth++;
      } else if (this.mode === Mode.SlowElement) {
        const end = scanValue(bytes, i, this.element);
        if (end === -1) break;
        this.mode = Mode.Elements;
        this.after = After.Element;
        i = end;
      } else {
        const c = bytes[i]!;
        if (c === 32 || c === 10 || c === 13 || c === 9) i++;
        else if (c === 44 && this.after === After.Element) {
          this.after = After.Comma;
          i++;
        } else if (c === 93 && this.after !== After.Comma) {
          this.mode = Mode.Scan; // the array's end; its `]` goes to the parser with what follows
          i++;
        } else if (c === 123 && this.after !== After.Element) {
          let end = -1;
          let value = this.lineElement(bytes, i);
          if (value !== undefined) end = this.lineEnd;
          else {
            const e = this.element;
            e.depth = e.deepest = 0;
            e.inString = e.escaped = false;
            end = scanValue(bytes, i, e);
            if (end === -1) {
              this.mode = Mode.SlowElement;
              break;
            }
            if (end - i <= MAX_FAST_ELEMENT && e.deepest <= this.sink.room()) value = parseOrUndefined(bytes, i, end);
          }
          if (value !== undefined) {
            if (!this.sink.write(bytes.subarray(pos, i))) return;
            this.sink.take(value, i, end);
            jsonFastPath.taken++;
            pos = end;
          }
          this.after = After.Element;
          i = end;
        } else this.mode = Mode.Off; // not the shape of an array of objects: the parser reads on alone
      }
    }
    if (pos < n) this.sink.write(bytes.subarray(pos));
  }

  /** End of the element {@link lineElement} took. */
  private lineEnd = 0;
  /** The line break (in this chunk; its length: none) after the last element looked at, found once per line. */
  private lineBreak = -1;
  /** The line break ending a line that was no element: not parsed again for the next elements on it. */
  private failedLine = -1;

  /**
   * The element at `start` if it is the rest of its line (`{...},` one per line, as most writers
   * put them), else undefined. The line is parsed as it is, without scanning its strings first:
   * when `JSON.parse` accepts bytes from a `{` on, they are that one object, so the streaming
   * parser would have ended the element at the same byte. Its nesting cannot exceed its length,
   * and is measured only when that is over the depth left.
   */
  private lineElement(b: Buffer, start: number): unknown {
    if (start > this.lineBreak) {
      const found = b.indexOf(10, start);
      this.lineBreak = found === -1 ? b.length : found;
    }
    const nl = this.lineBreak;
    // the chunk ends first, or a line of many elements (a document on one line): scanned instead
    if (nl === b.length || nl === this.failedLine) return undefined;
    this.failedLine = nl;
    let end = nl;
    while (end > start && (b[end - 1] === 13 || b[end - 1] === 32 || b[end - 1] === 9)) end--;
    if (b[end - 1] === 44) end--; // the comma is the array's: the parser is given it
    if (end - start > MAX_FAST_ELEMENT || b[end - 1] !== 125) return undefined;
    const room = this.sink.room();
    if (room === 0) return undefined;
    const value = parseOrUndefined(b, start, end);
    if (value === undefined || (end - start > room && nesting(value, room) > room)) return undefined;
    this.failedLine = -1;
    this.lineEnd = end;
    return value;
  }

  /** The index of the next `[` at a selected level from `i`, or -1 at the chunk's end. */
  private scanOuter(b: Buffer, i: number): number {
    const s = this.outer;
    let depth = s.depth;
    let inString = s.inString;
    let escaped = s.escaped;
    let found = -1;
    for (const n = b.length; i < n; i++) {
      const c = b[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 91 && this.levels.has(depth)) {
        found = i; // depth is raised by the caller unless the array is taken apart
        break;
      } else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
    }
    s.depth = depth;
    s.inString = inString;
    s.escaped = escaped;
    return found;
  }
}

/** Scans a value from `i` on (state in `s`); the index after its last byte, or -1 if the chunk ends first. */
function scanValue(b: Buffer, i: number, s: ScanState): number {
  let depth = s.depth;
  let deepest = s.deepest;
  let inString = s.inString;
  let escaped = s.escaped;
  let end = -1;
  for (const n = b.length; i < n; i++) {
    const c = b[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 92) escaped = true;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 125 || c === 93) {
      if (--depth === 0) {
        end = i + 1;
        break;
      }
    }
  }
  s.depth = depth;
  s.deepest = deepest;
  s.inString = inString;
  s.escaped = escaped;
  return end;
}

/** How deeply `value` nests (a scalar: 0, `{}`: 1), counted up to `limit` + 1 at most. */
function nesting(value: unknown, limit: number): number {
  if (value === null || typeof value !== "object") return 0;
  if (limit <= 0) return 1;
  let inner = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    inner = Math.max(inner, nesting(v, limit - 1));
    if (inner >= limit) break;
  }
  return 1 + inner;
}

/** The value of bytes [start, end) (valid UTF-8: they are re-encoded text), or undefined if not JSON. */
function parseOrUndefined(b: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(b.toString("utf8", start, end)) as unknown;
  } catch {
    return undefined;
  }
}
