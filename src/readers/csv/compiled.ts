/**
 * @module
 * The CSV reader's runs of lines it only counts, compiled: `asm/csv-line.ts`
 * (`dist/wasm/csv-line.wasm`). A batch of lines is copied into the module once, and one call
 * takes every line until one the reader must look at itself (a hit whose repeat key the scan
 * does not count for good, a row the full path reads, a line `tokenize` refuses); at a hit whose
 * key matched before, it names the key, and the reader merges the row by it. Where
 * WebAssembly cannot run, no run is made and the reader looks at every line itself, with the
 * same result.
 *
 * Why: in JavaScript each plain line cost a prefilter pass, a search for a quote and a CR, and a
 * split into cells, each a call of its own; most of a CSV inventory's time went there.
 */
import type { LiteralAutomaton } from "../../match/prefilter.js";
import type { RepeatCount } from "../types.js";
import { grow, installAutomaton, PADDING, wasmInstance, type AutomatonLayout, type CompiledEngine, type WasmGlobal, type WasmMemory } from "../_wasm.js";

/** The module's exports (see asm/csv-line.ts). */
type Exports = WasmMemory & {
  SCALARS: WasmGlobal;
  UPDATES: WasmGlobal;
  KIND_COLUMNS: WasmGlobal;
  KIND_INPUT: WasmGlobal;
  heapBase(): number;
  plan(delimiter: number, maxLine: number, name: number, kind: number, last: number, updates: number, kindColumns: number, count: number, host: number, version: number, registryKey: number): void;
  layout(text: number, classes: number, table: number, hitFrom: number, automaton: number): void;
  addKind(length: number, code: number): number;
  remember(start: number, end: number, kind: number): number;
  cleanRows(start: number, end: number): number;
  newText(): void;
};

const instance = wasmInstance<Exports>("csv-line");

/** Which engine CSV readers use in this thread: the compiled one unless it cannot be loaded. */
export function csvLineEngine(): CompiledEngine {
  return instance() ? "wasm" : "js";
}

/** The module's list lengths (asm/csv-line.ts MAX_LIST, MAX_KIND_BYTES). */
const MAX_LIST = 16;
const MAX_KIND_BYTES = 64;
/** What a remembered key stands for (its kind in asm/key-table.ts: COUNTED, LOOKALIKE, MATCHED). */
const KEY_KIND = { clean: 1, lookalike: 2, matched: 3 } as const;
/** Why a run stopped (SCALARS[3]): a kind text it does not know; a line whose key matched. */
const NEW_KIND = 1;
const MATCHED_LINE = 2;
/** A batch over this is left to the reader (the module's memory grows to hold it, and never shrinks). */
const MAX_COMPILED_TEXT = 8 * 1024 * 1024;

/** What decides whether a plain line is only counted: the reader's CountPlan and the cells a repeat key leaves out. */
export type CsvRowPlan = {
  delimiter: number;
  maxLine: number;
  name?: number;
  kind?: number;
  /** The highest cell the count looks at. */
  last: number;
  updates: readonly number[];
  kindColumns: readonly number[];
  /** False when lines that are no hit cannot be counted by their cells (a MAC column). */
  count: boolean;
  host?: number;
  version?: number;
  registryKey?: number;
  /** Whether `rememberCounted` may remember keys (the reader has a scan's `repeatCounted`, and a layout whose bytes stand for keys). */
  keys: boolean;
  /**
   * What the kind cell's text (bytes [start, end) of the loaded batch) means for counting: -2 it
   * names no kind, -1 it names a kind the file has no column for, else that kind's cell.
   */
  kindCode(bytes: Uint8Array, start: number, end: number): number;
};

export type CsvRows = {
  /** Makes `bytes` (whole lines) the text the following calls read. */
  load(bytes: Uint8Array): void;
  /**
   * Lines of the loaded bytes from `start` (a line's first byte) to `end` the reader only counts
   * (see asm/csv-line.ts): returns the first byte of the first line not taken, and `taken` says
   * how many lines it took, how many observations and look-alikes they give, and, when the line
   * it stopped at has the repeat key of a line `rememberMatched` was told of, that key. Takes
   * none of a batch over MAX_COMPILED_TEXT.
   */
  cleanRows(start: number, end: number): number;
  readonly taken: { lines: number; observations: number; lookalikes: number; matched: string | undefined };
  /**
   * The line [start, end) of the loaded bytes (its line break left out), no device row, gave a
   * repeat key the scan only counts (`ReadContext.repeatCounted`): later lines with its bytes
   * but in the host, version and registry-key cells are taken, counted the same way.
   */
  rememberCounted(start: number, end: number, count: RepeatCount): void;
  /**
   * The line [start, end), no device row, has repeat key `key`, and was merged by it into its
   * findings (`ReadContext.repeatHit`): a later line with its bytes but in the host, version and
   * registry-key cells ends a run, with `taken.matched` set to `key`.
   */
  rememberMatched(start: number, end: number, key: string): void;
};

/** The compiled runs for one CSV input, or undefined when the JavaScript engine is asked for (or the only one). */
export function createCsvRows(plan: CsvRowPlan, automaton: LiteralAutomaton | undefined, engine: CompiledEngine = csvLineEngine()): CsvRows | undefined {
  if (engine === "js") return undefined;
  const w = instance();
  if (!w) throw new Error("the compiled CSV line check could not be loaded");
  if (plan.updates.length > MAX_LIST || plan.kindColumns.length > MAX_LIST) return undefined;
  return compiledRows(w, plan, automaton);
}

/** The runs whose plan, kinds, counted keys and text the module holds now. */
let owner: object | undefined;
/** Where the automaton was written, for which automaton. */
let installed: AutomatonLayout | undefined;

function compiledRows(w: Exports, plan: CsvRowPlan, automaton: LiteralAutomaton | undefined): CsvRows {
  const self = {};
  let text: Uint8Array = new Uint8Array(0);
  let usable = false;
  let scalars = new Int32Array(0);
  /**
   * The repeat keys of the module's MATCHED entries, by entry number: set each time an entry is
   * marked MATCHED, so an entry number the module gives back names its own key (a cleared set
   * numbers its entries anew, and each is set here again when marked).
   */
  const matchedKeys: string[] = [];

  /** Plan, automaton and text into the module, when other runs (or none) were there: their kinds and counted keys are dropped. */
  const own = (): void => {
    if (owner === self) return;
    installed = installAutomaton(w, installed, automaton);
    new Int32Array(w.memory.buffer, w.UPDATES.value, MAX_LIST).set(plan.updates);
    new Int32Array(w.memory.buffer, w.KIND_COLUMNS.value, MAX_LIST).set(plan.kindColumns);
    const cell = (i: number | undefined): number => i ?? -1;
    w.plan(
      plan.delimiter,
      plan.maxLine,
      cell(plan.name),
      cell(plan.kind),
      plan.last,
      plan.updates.length,
      plan.kindColumns.length,
      plan.count ? 1 : 0,
      cell(plan.host),
      cell(plan.version),
      cell(plan.registryKey),
    );
    owner = self;
    copyText();
  };

  const copyText = (): void => {
    grow(w, installed!.text + text.length + PADDING);
    new Uint8Array(w.memory.buffer, installed!.text, text.length).set(text);
    w.newText();
    scalars = new Int32Array(w.memory.buffer, w.SCALARS.value, 6);
  };

  const rows: CsvRows = {
    load(bytes) {
      text = bytes;
      usable = bytes.length <= MAX_COMPILED_TEXT;
      if (!usable) return;
      if (owner === self) copyText();
      else own();
    },
    cleanRows(start, end) {
      rows.taken.lines = 0;
      rows.taken.observations = 0;
      rows.taken.lookalikes = 0;
      rows.taken.matched = undefined;
      if (!usable) return start;
      own();
      let pos = start;
      for (;;) {
        pos = w.cleanRows(pos, end);
        rows.taken.lines += scalars[0]!;
        rows.taken.observations += scalars[1]!;
        rows.taken.lookalikes += scalars[2]!;
        if (scalars[3] === MATCHED_LINE) rows.taken.matched = matchedKeys[scalars[4]!];
        if (scalars[3] !== NEW_KIND) return pos;
        // a kind text the module has not met: learn what it means, and go on from that line
        const from = scalars[4]!;
        const to = scalars[5]!;
        if (to - from > MAX_KIND_BYTES) return pos;
        const code = plan.kindCode(text, from, to);
        new Uint8Array(w.memory.buffer, w.KIND_INPUT.value, to - from).set(text.subarray(from, to));
        if (w.addKind(to - from, code) !== 1) return pos;
      }
    },
    taken: { lines: 0, observations: 0, lookalikes: 0, matched: undefined },
    rememberCounted(start, end, count) {
      if (!usable || !plan.keys) return;
      own();
      w.remember(start, end, KEY_KIND[count]);
    },
    rememberMatched(start, end, key) {
      if (!usable || !plan.keys) return;
      own();
      const entry = w.remember(start, end, KEY_KIND.matched);
      if (entry >= 0) matchedKeys[entry] = key;
    },
  };
  return rows;
}
