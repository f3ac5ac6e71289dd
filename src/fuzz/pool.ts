/**
 * @module
 * Runs cases in worker threads with a heap limit (`resourceLimits`) and a time budget. A case
 * that overruns is a `hang` and its worker is terminated; a worker that dies (out of memory, a
 * native fault) is a `crash`. Either way a fresh worker takes the next case.
 */
import { Worker } from "node:worker_threads";
import type { CaseResult } from "./run-case.js";

export type PoolOptions = { workers: number; timeoutMs: number; heapMb: number };
export type Timed = CaseResult & { ms: number };

type Slot = { worker: Worker; ready: Promise<void>; busy: boolean };

const WORKER_URL = new URL("./worker.js", import.meta.url);
/** A case that has not finished after this many budgets of wall time is a hang even without using the CPU. */
const WALL_FACTOR = 6;

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
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }): void => {
        if (m.ready) {
          worker.off("message", onMessage);
          resolve();
        }
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
    ready.catch(() => {});
    return { worker, ready, busy: false };
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
        if (m.id === id && m.result) finish({ ...m.result, ms: m.ms ?? performance.now() - started }, false);
      };
      const onError = (err: Error): void =>
        finish({ outcome: "crash", detail: `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`.slice(0, 300), issues: 0, ms: performance.now() - started }, true);
      const onExit = (code: number): void => finish({ outcome: "crash", detail: `worker exited with ${code}`, issues: 0, ms: performance.now() - started }, true);
      // The budget is CPU time, not wall time: on a loaded machine (the campaign runs under nice 19)
      // a case can wait long for a core without being slow. The process's CPU time counts every
      // busy worker, so the budget grows with them; a case blocked without using the CPU is caught
      // by a wall-clock bound of WALL_FACTOR budgets.
      const cpuStart = process.cpuUsage();
      const timer = setInterval(() => {
        const used = process.cpuUsage(cpuStart);
        const cpuMs = (used.user + used.system) / 1000;
        const busy = this.slots.filter((s) => s.busy).length || 1;
        const wallMs = performance.now() - started;
        if (cpuMs > timeoutMs * busy || wallMs > timeoutMs * WALL_FACTOR) {
          finish({ outcome: "hang", detail: `no result within ${timeoutMs} ms of CPU time (${Math.round(wallMs)} ms wall)`, issues: 0, ms: wallMs }, true);
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
