/**
 * The fuzz pool's time budget is the CPU time of the worker thread that runs the case, not wall
 * time and not the whole process's CPU time: on a machine shared with other work (or with the
 * pool's own parent busy) a quick case must not be called a hang. (Linux: /proc/thread-self.)
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CasePool, threadCpuMs } from "./pool.js";

function burn(ms: number): void {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  assert.ok(x > 0);
}

describe("fuzz pool: CPU time per worker thread", () => {
  it("threadCpuMs reads a thread's own CPU time from /proc", () => {
    const before = threadCpuMs("/proc/thread-self/stat");
    assert.ok(before !== undefined);
    const started = process.cpuUsage();
    burn(300);
    const used = process.cpuUsage(started);
    const after = threadCpuMs("/proc/thread-self/stat")!;
    // the thread's CPU time grew by about what the process used (clock ticks are 10 ms)
    assert.ok(Math.abs(after - before - (used.user + used.system) / 1000) < 100, `${after - before} ms by /proc, ${(used.user + used.system) / 1000} ms by cpuUsage`);
    assert.equal(threadCpuMs("/proc/no-such/stat"), undefined);
  });

  it("a quick case is not a hang while the parent thread burns CPU past the budget", async () => {
    const pool = new CasePool({ workers: 1, timeoutMs: 60_000, heapMb: 256 });
    try {
      const bytes = Buffer.from("hostname,name,publisher,version\nh1,Kaspersky Endpoint Security,AO Kaspersky Lab,11\n");
      const warm = await pool.run("reader:inventory/csv", bytes); // loads the catalog in the worker
      assert.equal(warm.outcome, "ok", warm.detail);
      const pending = pool.run("reader:inventory/csv", bytes, 1_500);
      burn(3_000); // the process uses 3 s of CPU; the case's own thread a few milliseconds
      const r = await pending;
      assert.equal(r.outcome, "ok", r.detail);
      assert.ok(r.cpuMs !== undefined && r.cpuMs < 1_500, `${r.cpuMs} ms of the worker's CPU`);
    } finally {
      await pool.close();
    }
  });
});
