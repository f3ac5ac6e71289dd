/**
 * @module
 * Runs cases in worker threads with a heap limit (`resourceLimits`) and a time budget. A case
 * that overruns is a `hang` and its worker is terminated; a worker that dies (out of memory, a
 * native fault) is a `crash`. Either way a fresh worker takes the next case.
 *
 * The budget is the CPU time of the worker's own thread, not wall time: the machine may be shared
 * and the campaign runs under `nice`, so a case can wait long for a core without being slow. On
 * Linux each worker tells its thread's /proc entry when it starts (`/proc/thread-self`), and the
 * pool reads that thread's utime and stime from `/proc/<pid>/task/<tid>/stat`. Elsewhere it falls
 * back to the process's CPU time divided among the busy workers. A case that uses no CPU and
 * does not finish (waiting on something that never comes) is caught by a generous wall-clock
 * backstop of {@link WALL_FACTOR} budgets.
 */
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { CaseResult } from "./run-case.js";

export type PoolOptions = { workers: number; timeoutMs: number; heapMb: number };
/** A case's result with its wall time and the CPU time of the thread that ran it. */
export type Timed = CaseResult & { ms: number; cpuMs?: number };

type Slot = { worker: Worker; ready: Promise<void>; busy: boolean; stat?: string };

const WORKER_URL = new URL("./worker.js", import.meta.url);
/** A case that has not finished after this many budgets of wall time is a hang even without using the CPU. */
const WALL_FACTOR = 30;

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux nearly everywhere). */
let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU time (user + system) of one thread, in ms, from its /proc stat file; undefined when it cannot be read. */
export function threadCpuMs(stat: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(stat, "latin1");
  } catch {
    return undefined;
  }
  // fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / clockTicks() : undefined;
}

export class CasePool {
  private slots: Slot[] = [];
  private waiting: ((slot: Slot) => void)[] = [];
  private nextId = 1;
  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: 64 },
      stdout: true,
      stderr: true,
    });
    // a worker's own output (a reader logging) is not the harness's
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    const slot: Slot = { worker, ready: Promise.resolve(), busy: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean; thread?: string }): void => {
        if (m.ready) {
          worker.off("message", onMessage);
          if (m.thread && threadCpuMs(`${m.thread}/stat`) !== undefined) slot.stat = `${m.thread}/stat`;
          resolve();
        }
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
    slot.ready.catch(() => {});
    return slot;
  }

  private async acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot, replace: boolean): void {
    let s = slot;
    if (replace) {
      void slot.worker.terminate();
      s = this.spawn();
      this.slots[this.slots.indexOf(slot)] = s;
    }
    const next = this.waiting.shift();
    if (next) {
      s.busy = true;
      next(s);
    } else s.busy = false;
  }

  /** Runs one case; never throws. */
  async run(target: string, bytes: Buffer, timeoutMs = this.options.timeoutMs): Promise<Timed> {
    const slot = await this.acquire();
    try {
      await slot.ready;
    } catch (err) {
      this.release(slot, true);
      return { outcome: "crash", detail: `worker failed to start: ${(err as Error).message}`, issues: 0, ms: 0 };
    }
    const id = this.nextId++;
    const started = performance.now();
    return new Promise<Timed>((resolve) => {
      let done = false;
      const finish = (r: Timed, replace: boolean): void => {
        if (done) return;
        done = true;
        clearInterval(timer);
        slot.worker.off("message", onMessage);
        slot.worker.off("error", onError);
        slot.worker.off("exit", onExit);
        this.release(slot, replace);
        resolve(r);
      };
      const onMessage = (m: { id?: number; result?: CaseResult; ms?: number }): void => {
        if (m.id === id && m.result) finish({ ...m.result, ms: m.ms ?? performance.now() - started, cpuMs: cpuUsed() }, false);
      };
      const onError = (err: Error): void =>
        finish({ outcome: "crash", detail: `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`.slice(0, 300), issues: 0, ms: performance.now() - started }, true);
      const onExit = (code: number): void => finish({ outcome: "crash", detail: `worker exited with ${code}`, issues: 0, ms: performance.now() - started }, true);
      // The budget is the CPU time of the worker's thread (see the module comment); without /proc,
      // the process's CPU time, which counts every busy worker, so the budget grows with them.
      const stat = slot.stat;
      const cpuNow = (): number => {
        if (stat) {
          const ms = threadCpuMs(stat);
          if (ms !== undefined) return ms;
        }
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      };
      const cpuStart = cpuNow();
      const cpuUsed = (): number => cpuNow() - cpuStart;
      const timer = setInterval(() => {
        const cpuMs = cpuUsed();
        const budget = stat ? timeoutMs : timeoutMs * (this.slots.filter((s) => s.busy).length || 1);
        const wallMs = performance.now() - started;
        if (cpuMs > budget || wallMs > timeoutMs * WALL_FACTOR) {
          const why = cpuMs > budget ? `more than ${timeoutMs} ms of CPU time${stat ? "" : " (process-wide)"}` : `no result within ${timeoutMs * WALL_FACTOR} ms of wall time`;
          finish({ outcome: "hang", detail: `${why} (${Math.round(cpuMs)} ms CPU, ${Math.round(wallMs)} ms wall)`, issues: 0, ms: wallMs, cpuMs }, true);
        }
      }, 250);
      slot.worker.on("message", onMessage);
      slot.worker.on("error", onError);
      slot.worker.on("exit", onExit);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      slot.worker.postMessage({ id, target, bytes: copy }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
