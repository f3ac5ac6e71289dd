/**
 * @module
 * The JSON line check as readers use it: the WebAssembly build of `asm/json-line.ts`
 * (`dist/wasm/json-line.wasm`, made by `npm run build`), or the JavaScript check of
 * `_json-line.ts` where WebAssembly cannot run (`node --jitless`, a missing build). Both give
 * the same answers and notes; `_json-line-wasm.test.ts` holds them to that.
 *
 * Why compiled: a results log is mostly the bytes of short strings, and the JavaScript check
 * steps through them one byte at a time (about 2 ns a byte). The compiled one looks at 16 bytes a
 * step for the end of a string (SIMD) and checks a 1M-row log in about a third of the time.
 *
 * The module works on its own memory, so the text to check is copied in first (`load`, once per
 * batch of lines). One instance serves every check of a thread; a check that finds another one
 * was used since its own `load` lays its text and keys out again, so readers may interleave. A
 * batch over {@link MAX_COMPILED_TEXT} (a line of many megabytes) is checked in JavaScript, so
 * that the module's memory, which never shrinks, stays small.
 */
import type { LiteralAutomaton } from "../match/prefilter.js";
import type { RepeatCount } from "./types.js";
import { grow, installAutomaton, PADDING, wasmInstance, wasmPath, type AutomatonLayout, type CompiledEngine, type WasmGlobal, type WasmMemory } from "./_wasm.js";
import { checkJsonLine, checkJsonObject, createJsonLineShape, MAX_KEYS, type JsonLineShape } from "./_json-line.js";

export type JsonLineCheck = {
  /**
   * What the last check noted, as offsets into the loaded bytes. With the compiled check its
   * arrays are views of the module's memory: read them before any other check of this thread.
   */
  readonly shape: JsonLineShape;
  /** Makes `bytes` the text the following checks read. */
  load(bytes: Uint8Array): void;
  /** {@link checkJsonLine} of the loaded bytes [start, end), with the keys given at creation. */
  line(start: number, end: number): boolean;
  /** {@link checkJsonObject} of the loaded bytes [start, end). */
  object(start: number, end: number): boolean;
  /**
   * After a check that said true: whether the nested object's keys are, byte for byte and in
   * order, those of the last {@link JsonLineCheck.rememberKeys} (a results log repeats one
   * query's column set on every line, and its reader looks the table up once).
   */
  readonly sameKeys: boolean;
  /** Remembers the keys of the nested object the last check noted. */
  rememberKeys(): void;
  /**
   * The repeat key of the row the last check noted (call it right after that check): what
   * `make` makes of the nested object without the values of the members `leftOut` names (their
   * slots, in line order). `make` must be a function of those bytes alone. The compiled check
   * remembers the key for the bytes, and a row with the same bytes gets the same string back,
   * its hash already computed, without `make` (see `_byte-keys.ts`, the same for CSV rows).
   */
  repeatKey(leftOut: readonly number[], make: () => string): string;
  /**
   * The key the last {@link JsonLineCheck.repeatKey} gave (call it right after) is one the scan
   * counts for good (`ReadContext.repeatCounted`): {@link JsonLineCheck.cleanLines} then takes
   * the lines of the remembered keys that have its bytes, and counts them as the scan would.
   * The JavaScript check takes none.
   */
  countKey(count: RepeatCount): void;
  /**
   * What {@link JsonLineCheck.cleanLines} counts as a row of the remembered keys: the slots of
   * their table's name columns (undefined: no table, take no line), the asked key whose string
   * value `removed` marks a removed row (-1 for none), and the slots of the table's version-only
   * columns, in line order, left out of a row's repeat key (undefined: take no line by its key).
   * Set after each `rememberKeys`.
   */
  setNames(nameSlots: readonly number[] | undefined, action: number, versionSlots?: readonly number[]): void;
  /**
   * Lines of the loaded bytes from `start` (a line's first byte) to `end`, taken while each is
   * one a results-log reader only counts: not blank, one JSON object with the remembered keys, a
   * non-blank name (see `setNames`), and no literal hit or a repeat key the scan counts (see
   * `countKey`; not a removed row, valid UTF-8 without U+FFFD). Returns the first byte of the
   * first line not taken (`end` or past it when it took them all); `taken` says how many lines it
   * took, how many of them were removed rows, and how many look-alikes counted by their key. The
   * next `line` of the line it stopped at takes the check this call made of it. One call a batch,
   * where calling `line` for each of them cost more than the check. The JavaScript check takes
   * none.
   */
  cleanLines(start: number, end: number): number;
  readonly taken: { lines: number; removed: number; lookalikes: number };
};

export type JsonLineEngine = CompiledEngine;

/** The module's exports (see asm/json-line.ts). */
type Exports = WasmMemory & {
  KINDS: WasmGlobal;
  STARTS: WasmGlobal;
  ENDS: WasmGlobal;
  KEY_STARTS: WasmGlobal;
  KEY_ENDS: WasmGlobal;
  NON_BLANK: WasmGlobal;
  VALUE_STARTS: WasmGlobal;
  VALUE_ENDS: WasmGlobal;
  SCALARS: WasmGlobal;
  ASKED_BYTES: WasmGlobal;
  ASKED_LENGTHS: WasmGlobal;
  REMEMBERED_BYTES: WasmGlobal;
  REMEMBERED_LENGTHS: WasmGlobal;
  LEFT_OUT: WasmGlobal;
  NAME_SLOTS: WasmGlobal;
  CLEAN_LEFT_OUT: WasmGlobal;
  heapBase(): number;
  setNames(count: number, action: number, versions: number): void;
  countKey(entry: number, kind: number): void;
  forgetCounted(): void;
  cleanLines(start: number, end: number): number;
  keyEntry(count: number): number;
  rememberKeys(): number;
  setRemembered(count: number): void;
  ask(count: number, nested: number): void;
  layout(text: number, classes: number, table: number, hitFrom: number, automaton: number): void;
  checkLine(start: number, end: number): number;
  checkObject(start: number, end: number): number;
};

export const JSON_LINE_WASM = wasmPath("json-line");
/** Asked top-level keys the module holds (asm/json-line.ts MAX_ASKED), and their bytes. */
const MAX_ASKED = 8;
const ASKED_BYTES = 256;
/**
 * A batch longer than this (a line of many megabytes) is checked by the JavaScript check: the
 * module's memory grows to hold its text and never shrinks, and one such line must not keep a
 * long-lived process (the fleet server) that much larger.
 */
export const MAX_COMPILED_TEXT = 8 * 1024 * 1024;
/** This thread's instance; null once loading failed (the JavaScript check is used then). */
const instance = wasmInstance<Exports>("json-line");

/** Which check readers get in this thread: the compiled one unless it cannot be loaded. */
export function jsonLineEngine(): JsonLineEngine {
  return instance() ? "wasm" : "js";
}

/**
 * A check for one reader: `asked` top-level keys (at most 8, ASCII), `nested` the one whose
 * object's members are noted, `automaton` the prefilter's (undefined: every line is a hit).
 */
export function createJsonLineCheck(
  asked: readonly string[],
  nested: string | undefined,
  automaton: LiteralAutomaton | undefined,
  engine: JsonLineEngine = jsonLineEngine(),
): JsonLineCheck {
  const wasm = engine === "wasm" ? instance() : null;
  if (engine === "wasm" && !wasm) throw new Error(`the compiled JSON line check could not be loaded from ${JSON_LINE_WASM}`);
  return wasm ? compiledCheck(wasm, asked, nested, automaton) : scriptCheck(asked, nested, automaton);
}

function scriptCheck(asked: readonly string[], nested: string | undefined, automaton: LiteralAutomaton | undefined, shape = createJsonLineShape(asked.length)): JsonLineCheck {
  const nestedSlot = nested === undefined ? -1 : asked.indexOf(nested);
  let text: Uint8Array = new Uint8Array(0);
  let remembered: Buffer[] | undefined;
  const keysAre = (keys: Buffer[]): boolean => {
    if (keys.length !== shape.keyCount) return false;
    for (let k = 0; k < keys.length; k++) {
      const start = shape.keyStarts[k]!;
      if (shape.keyEnds[k]! - start !== keys[k]!.length || Buffer.compare(keys[k]!, text.subarray(start, shape.keyEnds[k]!)) !== 0) return false;
    }
    return true;
  };
  const check: JsonLineCheck = {
    shape,
    sameKeys: false,
    load(bytes) {
      text = bytes;
    },
    line(start, end) {
      const ok = checkJsonLine(text, start, end, asked, nested ?? "", shape, automaton);
      (check as { sameKeys: boolean }).sameKeys = ok && nestedSlot >= 0 && shape.kinds[nestedSlot] === 1 && remembered !== undefined && keysAre(remembered);
      return ok;
    },
    object(start, end) {
      const ok = checkJsonObject(text, start, end, shape, automaton);
      (check as { sameKeys: boolean }).sameKeys = ok && remembered !== undefined && keysAre(remembered);
      return ok;
    },
    repeatKey: (_leftOut, make) => make(),
    countKey() {},
    rememberKeys() {
      remembered = Array.from({ length: shape.keyCount }, (_, k) => Buffer.from(text.subarray(shape.keyStarts[k]!, shape.keyEnds[k]!)));
    },
    // each line is checked by its reader, one at a time
    setNames() {},
    cleanLines(start) {
      check.taken.lines = check.taken.removed = check.taken.lookalikes = 0;
      return start;
    },
    taken: { lines: 0, removed: 0, lookalikes: 0 },
  };
  return check;
}

/** The check whose keys, automaton and text the module holds now. */
let owner: object | undefined;
/** A counted key's kind in the module's table (asm/key-table.ts COUNTED, LOOKALIKE). */
const KEY_KIND: Record<RepeatCount, number> = { clean: 1, lookalike: 2 };
/** How many times the module's table of repeat keys was cleared (the entry numbers before are void). */
let keyTableCleared = 0;
/** Where the automaton's classes and table were written, for which automaton. */
let installed: AutomatonLayout | undefined;

function compiledCheck(w: Exports, asked: readonly string[], nested: string | undefined, automaton: LiteralAutomaton | undefined): JsonLineCheck {
  if (asked.length > MAX_ASKED) throw new Error(`at most ${MAX_ASKED} top-level keys can be asked, not ${asked.length}`);
  const askedBytes = asked.map((k) => Buffer.from(k, "latin1"));
  if (askedBytes.reduce((n, b) => n + b.length, 0) > ASKED_BYTES) throw new Error("the asked keys are too long");
  const nestedSlot = nested === undefined ? -1 : asked.indexOf(nested);
  const shape = createJsonLineShape(asked.length);
  const scalars = { view: new Int32Array(0) };
  let text: Uint8Array = new Uint8Array(0);
  /** This check's remembered keys (bytes and lengths), to write back when it lays itself out again. */
  let remembered: { bytes: Uint8Array; lengths: Int32Array } | undefined;
  /** The key string this check made for each entry of the module's table, while it is not cleared. */
  let keys: string[] = [];
  let keysCleared = keyTableCleared;
  let leftOutView = new Int32Array(0);
  /** The JavaScript check, filling the same shape, while the loaded batch is over MAX_COMPILED_TEXT. */
  let large: JsonLineCheck | undefined;
  /** This check's name slots, action slot and version slots (`setNames`), to write back when it lays itself out again. */
  let names: { slots: readonly number[]; action: number; versions: readonly number[] | undefined } | undefined;
  /** The entry the last `repeatKey` found or made in the module's table (-1: none), while the table is not cleared. */
  let lastEntry = -1;
  /** The line the last `cleanLines` stopped at and checked (its notes are in the module), until another call. */
  let stopped: { start: number; end: number; ok: number } | undefined;
  const self = {};

  /** Views of the module's memory for the shape (again after the memory grew). */
  const view = (): void => {
    const buffer = w.memory.buffer;
    if (scalars.view.buffer === buffer) return;
    const at = (g: WasmGlobal): number => g.value;
    shape.kinds = new Int8Array(buffer, at(w.KINDS), MAX_ASKED);
    shape.starts = new Int32Array(buffer, at(w.STARTS), MAX_ASKED);
    shape.ends = new Int32Array(buffer, at(w.ENDS), MAX_ASKED);
    shape.keyStarts = new Int32Array(buffer, at(w.KEY_STARTS), MAX_KEYS);
    shape.keyEnds = new Int32Array(buffer, at(w.KEY_ENDS), MAX_KEYS);
    shape.nonBlank = new Uint8Array(buffer, at(w.NON_BLANK), MAX_KEYS);
    shape.valueStarts = new Int32Array(buffer, at(w.VALUE_STARTS), MAX_KEYS);
    shape.valueEnds = new Int32Array(buffer, at(w.VALUE_ENDS), MAX_KEYS);
    scalars.view = new Int32Array(buffer, at(w.SCALARS), 10);
    leftOutView = new Int32Array(buffer, at(w.LEFT_OUT), MAX_KEYS);
  };

  /** Keys, automaton and text into the module, when another check (or none) was there. */
  const own = (): void => {
    if (owner === self) return;
    // what this check's scan counts is not another's: kinds told while another check had the module are dropped
    w.forgetCounted();
    lastEntry = -1;
    installed = installAutomaton(w, installed, automaton);
    const memory = new Uint8Array(w.memory.buffer);
    let at = w.ASKED_BYTES.value;
    const lengths = new Int32Array(w.memory.buffer, w.ASKED_LENGTHS.value, MAX_ASKED);
    askedBytes.forEach((b, k) => {
      memory.set(b, at);
      at += b.length;
      lengths[k] = b.length;
    });
    w.ask(asked.length, nestedSlot);
    if (remembered) {
      memory.set(remembered.bytes, w.REMEMBERED_BYTES.value);
      new Int32Array(w.memory.buffer, w.REMEMBERED_LENGTHS.value, remembered.lengths.length).set(remembered.lengths);
    }
    w.setRemembered(remembered ? remembered.lengths.length : -1);
    installNames();
    owner = self;
    copyText();
  };

  const installNames = (): void => {
    if (names) new Int32Array(w.memory.buffer, w.NAME_SLOTS.value, names.slots.length).set(names.slots);
    if (names?.versions) new Int32Array(w.memory.buffer, w.CLEAN_LEFT_OUT.value, names.versions.length).set(names.versions);
    w.setNames(names ? names.slots.length : -1, names ? names.action : -1, names?.versions ? names.versions.length : -1);
  };

  const copyText = (): void => {
    grow(w, installed!.text + text.length + PADDING);
    new Uint8Array(w.memory.buffer, installed!.text, text.length).set(text);
    view();
  };

  const after = (ok: number): boolean => {
    const s = scalars.view;
    shape.keyCount = s[0]!;
    shape.nestedStart = s[1]!;
    shape.nestedEnd = s[2]!;
    shape.literalHit = s[3] === 1;
    check.sameKeys = s[4] === 1;
    return ok === 1;
  };

  const script = (ok: boolean): boolean => {
    check.sameKeys = large!.sameKeys;
    return ok;
  };

  const check = {
    shape,
    sameKeys: false,
    load(bytes: Uint8Array) {
      stopped = undefined;
      const over = bytes.length > MAX_COMPILED_TEXT;
      if (over !== (large !== undefined)) {
        // each check remembers its own keys, and a line cannot tell whose it was compared with:
        // both forget when the batches change hands
        remembered = undefined;
        if (owner === self) w.setRemembered(-1);
        large = over ? scriptCheck(asked, nested, automaton, shape) : undefined;
      }
      if (large) return large.load(bytes);
      text = bytes;
      if (owner === self) copyText();
      else own();
    },
    line(start: number, end: number) {
      if (large) return script(large.line(start, end));
      const known = stopped;
      stopped = undefined;
      if (known && known.start === start && known.end === end && owner === self) return after(known.ok);
      own();
      return after(w.checkLine(start, end));
    },
    object(start: number, end: number) {
      stopped = undefined;
      if (large) return script(large.object(start, end));
      own();
      return after(w.checkObject(start, end));
    },
    repeatKey(leftOut: readonly number[], make: () => string): string {
      if (large) return make();
      // the notes, and so `make`'s key, would be another check's
      if (owner !== self) throw new Error("repeatKey must follow its own check");
      leftOutView.set(leftOut);
      const entry = w.keyEntry(leftOut.length);
      if (entry === -1) keyTableCleared++;
      if (keysCleared !== keyTableCleared) {
        keys = [];
        keysCleared = keyTableCleared;
      }
      lastEntry = entry === -1 ? -1 : entry >= 0 ? entry : -2 - entry;
      if (entry === -1) return make();
      return (keys[lastEntry] ??= make());
    },
    countKey(count: RepeatCount) {
      // the entry is this check's, of the last repeatKey, and the table was not cleared since
      if (large || owner !== self || lastEntry < 0 || keysCleared !== keyTableCleared) return;
      w.countKey(lastEntry, KEY_KIND[count]);
    },
    setNames(slots: readonly number[] | undefined, action: number, versions?: readonly number[]) {
      if (slots && slots.length > MAX_KEYS) throw new Error(`at most ${MAX_KEYS} name slots, not ${slots.length}`);
      names = slots ? { slots: [...slots], action, versions: versions && [...versions] } : undefined;
      if (owner === self) installNames();
    },
    cleanLines(start: number, end: number): number {
      stopped = undefined;
      if (large) {
        check.taken.lines = check.taken.removed = check.taken.lookalikes = 0;
        return start;
      }
      own();
      const next = w.cleanLines(start, end);
      const v = scalars.view;
      check.taken.lines = v[5]!;
      check.taken.removed = v[6]!;
      check.taken.lookalikes = v[9]!;
      // the line it stopped at was checked: the reader's `line` of it takes that check's notes
      if (v[8]! >= 0) stopped = { start: next, end: v[7]!, ok: v[8]! };
      return next;
    },
    taken: { lines: 0, removed: 0, lookalikes: 0 },
    rememberKeys() {
      if (large) return large.rememberKeys();
      // the notes are another check's once it has run: remember nothing rather than its keys
      if (owner !== self || w.rememberKeys() !== 1) {
        remembered = undefined;
        return;
      }
      const count = scalars.view[0]!;
      const lengths = new Int32Array(w.memory.buffer, w.REMEMBERED_LENGTHS.value, count).slice();
      const total = lengths.reduce((n, l) => n + l, 0);
      remembered = { bytes: new Uint8Array(w.memory.buffer, w.REMEMBERED_BYTES.value, total).slice(), lengths };
    },
  };
  return check;
}
