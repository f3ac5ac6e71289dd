/**
 * @module
 * A fuzz campaign: mutated cases for each target in turn (every reader, `batch`, `config`), run
 * in the worker pool, counted per target and outcome. Time-boxed (`seconds`) or counted (`cases`),
 * and resumable: the seed and each target's position are kept in a state file, with the totals.
 * Failures are minimised and kept (a few per kind) as fixtures with their metadata.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { caseSeed, createRng } from "./rng.js";
import { mutate, type SizeLimits } from "./mutate.js";
import { loadSeeds, type Seed, type Target } from "./seeds.js";
import { CasePool } from "./pool.js";
import { FAILURES, type Outcome } from "./run-case.js";
import { failureSignature, minimise } from "./minimise.js";

export const OUTCOMES: readonly Outcome[] = ["ok", "located", "unlocated", "exception", "hang", "crash", "noisy"];
export type Counts = Record<Outcome, number> & { cases: number };
const zero = (): Counts => ({ cases: 0, ok: 0, located: 0, unlocated: 0, exception: 0, hang: 0, crash: 0, noisy: 0 });

export type CampaignOptions = {
  seed: number;
  /** Only targets whose name contains this (`csv`, `reader:osquery`, `batch`, `config`). */
  only?: string;
  cases?: number;
  seconds?: number;
  workers: number;
  timeoutMs: number;
  heapMb: number;
  size: SizeLimits & { maxBytes: number; wrappers: boolean };
  /** Where the state (seed, positions, totals) is kept; none: not resumable. */
  stateFile?: string;
  /** Where failures are written (minimised); none: only counted. */
  failuresDir?: string;
  minimiseMs: number;
  /** Checked before each case: true ends the campaign (a signal), keeping its state. */
  shouldStop?(): boolean;
  onFailure?(f: FailureRecord): void;
  onProgress?(counts: Map<Target, Counts>, elapsedMs: number): void;
};

export type FailureRecord = { target: Target; outcome: Outcome; detail?: string; kinds: string[]; seedFile: string; caseNumber: number; size: number; file?: string; ms: number };

/** `seconds` and `cpuSeconds`: wall and CPU time (the whole process, every worker thread) of all runs so far. */
type State = { seed: number; positions: Record<Target, number>; totals: Record<Target, Counts>; seconds: number; cpuSeconds?: number };

function loadState(file: string | undefined, seed: number): State {
  if (file && existsSync(file)) {
    const s = JSON.parse(readFileSync(file, "utf8")) as State;
    if (s.seed === seed) return s;
  }
  return { seed, positions: {}, totals: {}, seconds: 0 };
}

function saveState(file: string | undefined, state: State): void {
  if (!file) return;
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${file}.tmp`, file);
}

function targetSalt(target: string): number {
  return createHash("sha256").update(target).digest().readUInt32LE(0);
}

export type CampaignResult = { counts: Map<Target, Counts>; totals: Map<Target, Counts>; failures: FailureRecord[]; elapsedMs: number; cpuMs: number; totalSeconds: number; totalCpuSeconds: number };

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const seeds = await loadSeeds();
  const targets = [...seeds.keys()].filter((t) => !options.only || t.includes(options.only)).sort();
  if (targets.length === 0) throw new Error(`no fuzz target matches "${options.only}"; targets: ${[...seeds.keys()].sort().join(", ")}`);
  const state = loadState(options.stateFile, options.seed);
  const counts = new Map<Target, Counts>(targets.map((t) => [t, zero()]));
  const failures: FailureRecord[] = [];
  const kept = new Map<string, number>();
  const pool = new CasePool({ workers: options.workers, timeoutMs: options.timeoutMs, heapMb: options.heapMb });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const cpuMs = (): number => {
    const u = process.cpuUsage(cpuStarted);
    return (u.user + u.system) / 1000;
  };
  const deadline = options.seconds !== undefined ? started + options.seconds * 1000 : Infinity;
  let dispatched = 0;
  let turn = 0;
  let lastSave = started;

  const nextCase = (): { target: Target; n: number } | undefined => {
    if (performance.now() > deadline || options.shouldStop?.()) return undefined;
    if (options.cases !== undefined && dispatched >= options.cases) return undefined;
    dispatched++;
    const target = targets[turn++ % targets.length]!;
    const n = state.positions[target] ?? 0;
    state.positions[target] = n + 1;
    return { target, n };
  };

  const runOne = async (target: Target, n: number): Promise<void> => {
    const rng = createRng(caseSeed(options.seed ^ targetSalt(target), n));
    const list = seeds.get(target)!;
    const seed: Seed = rng.pick(list);
    const { bytes, kinds } = await mutate(seed.bytes, rng, options.size);
    let result = await pool.run(target, bytes);
    // a loaded machine can make a slow case look hung: a hang is confirmed with twice the budget
    if (result.outcome === "hang") result = await pool.run(target, bytes, options.timeoutMs * 2);
    const c = counts.get(target)!;
    c.cases++;
    c[result.outcome]++;
    const total = (state.totals[target] ??= zero());
    total.cases++;
    total[result.outcome]++;
    if (!FAILURES.includes(result.outcome)) return;
    const record: FailureRecord = { target, outcome: result.outcome, ...(result.detail ? { detail: result.detail } : {}), kinds, seedFile: seed.file, caseNumber: n, size: bytes.length, ms: Math.round(result.ms) };
    const signature = failureSignature(target, result.outcome, result.detail);
    const seen = kept.get(signature) ?? 0;
    kept.set(signature, seen + 1);
    if (options.failuresDir && seen < 3) {
      const outcome = result.outcome;
      const small = options.minimiseMs > 0
        ? await minimise(bytes, async (b) => (await pool.run(target, b)).outcome === outcome, options.minimiseMs, outcome === "hang" ? 12 : 400)
        : bytes;
      mkdirSync(options.failuresDir, { recursive: true });
      const name = `${target.replace(/[^a-z0-9]+/gi, "-")}-${result.outcome}-${createHash("sha256").update(small).digest("hex").slice(0, 10)}`;
      writeFileSync(join(options.failuresDir, `${name}.bin`), small);
      record.file = join(options.failuresDir, `${name}.bin`);
      writeFileSync(join(options.failuresDir, `${name}.json`), JSON.stringify({ ...record, minimisedSize: small.length }, null, 1));
    }
    failures.push(record);
    options.onFailure?.(record);
  };

  const loop = async (): Promise<void> => {
    for (let c = nextCase(); c; c = nextCase()) {
      await runOne(c.target, c.n);
      if (performance.now() - lastSave > 10_000) {
        lastSave = performance.now();
        saveState(options.stateFile, state);
        options.onProgress?.(counts, performance.now() - started);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.workers }, loop));
  } finally {
    await pool.close();
    const elapsedMs = performance.now() - started;
    state.seconds += Math.round(elapsedMs / 1000);
    state.cpuSeconds = (state.cpuSeconds ?? 0) + Math.round(cpuMs() / 1000);
    saveState(options.stateFile, state);
  }
  const totals = new Map<Target, Counts>(targets.map((t) => [t, state.totals[t] ?? zero()]));
  return { counts, totals, failures, elapsedMs: performance.now() - started, cpuMs: cpuMs(), totalSeconds: state.seconds, totalCpuSeconds: state.cpuSeconds ?? 0 };
}

/** The table the campaign prints: one row per target and a total. */
export function formatTable(counts: Map<Target, Counts>): string {
  const head = ["target", "cases", ...OUTCOMES];
  const rows = [...counts].map(([t, c]) => [t, String(c.cases), ...OUTCOMES.map((o) => String(c[o]))]);
  const sum = zero();
  for (const c of counts.values()) for (const k of Object.keys(sum) as (keyof Counts)[]) sum[k] += c[k];
  rows.push(["total", String(sum.cases), ...OUTCOMES.map((o) => String(sum[o]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(" | ")} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...rows.map(line)].join("\n");
}
