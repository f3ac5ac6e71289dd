/**
 * @module
 * What the compiled checks (`asm/*.ts`, built to `dist/wasm/` by `npm run build`) share: loading
 * a module once per thread, growing its memory, and laying the prefilter's automaton out in it
 * (asm/text.ts reads it there). A module that cannot be loaded (`node
 * --jitless` has no WebAssembly; a missing build) gives null, and its reader falls back to its
 * JavaScript path, which gives the same answers.
 */
import { readFileSync } from "node:fs";
import type { LiteralAutomaton } from "../match/prefilter.js";
import { packagePath } from "../util/package-root.js";

/** Which code a reader's compiled part runs on: the WebAssembly build, or the JavaScript it mirrors. */
export type CompiledEngine = "wasm" | "js";

/** The little of the WebAssembly API used here (this project's type libraries do not declare it). */
export type WasmGlobal = { readonly value: number };
type WasmApi = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
};
const WebAssemblyApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Every module's memory export. */
export type WasmMemory = { memory: { readonly buffer: ArrayBuffer; grow(pages: number): number } };

/** Bytes a module may read past its text (one SIMD load). */
export const PADDING = 16;
const PAGE = 65536;

/** The path of a compiled module: `dist/wasm/<name>.wasm`. */
export function wasmPath(name: string): string {
  return packagePath("dist", "wasm", `${name}.wasm`);
}

/**
 * A loader of one module for this thread: its exports, made on the first call; null from then
 * on when it cannot be loaded.
 */
export function wasmInstance<T extends WasmMemory>(name: string): () => T | null {
  let loaded: T | null | undefined;
  return () => {
    if (loaded !== undefined) return loaded;
    try {
      if (!WebAssemblyApi) throw new Error("no WebAssembly in this Node.js");
      const module = new WebAssemblyApi.Module(readFileSync(wasmPath(name)));
      const abort = (): never => {
        throw new Error(`the compiled module ${name} aborted`);
      };
      loaded = new WebAssemblyApi.Instance(module, { env: { abort } }).exports as T;
    } catch {
      loaded = null;
    }
    return loaded;
  };
}

export function align(n: number): number {
  return (n + 15) & ~15;
}

/** Grows a module's memory to hold `bytes` (views of it must be made again after). */
export function grow(w: WasmMemory, bytes: number): void {
  const have = w.memory.buffer.byteLength;
  if (bytes > have) w.memory.grow(Math.ceil((bytes - have) / PAGE));
}

/** Where a module holds the prefilter's automaton (`classes`, `table`) and, after it, its text. */
export type AutomatonLayout = { automaton: LiteralAutomaton | undefined; classes: number; table: number; text: number };

/**
 * Lays `automaton` out after the module's `__heap_base` (unless `installed` holds it already),
 * tells the module (its `layout`, asm/text.ts), and says where the text goes.
 */
export function installAutomaton(
  w: WasmMemory & { heapBase(): number; layout(text: number, classes: number, table: number, hitFrom: number, automaton: number): void },
  installed: AutomatonLayout | undefined,
  automaton: LiteralAutomaton | undefined,
): AutomatonLayout {
  let at = installed;
  if (!at || at.automaton !== automaton) {
    const classes = align(w.heapBase());
    const table = align(classes + 256);
    at = { automaton, classes, table, text: align(table + (automaton ? automaton.table.byteLength : 0)) };
    grow(w, at.text + PADDING);
    if (automaton) {
      new Uint8Array(w.memory.buffer, classes, 256).set(automaton.classes);
      new Int32Array(w.memory.buffer, table, automaton.table.length).set(automaton.table);
    }
  }
  w.layout(at.text, at.classes, at.table, automaton ? automaton.hitFrom : 0, automaton ? 1 : 0);
  return at;
}
