/**
 * The fuzz smoke: a fixed seed, 1,000 mutated cases over every reader, `check --batch` and the
 * config file, each in a worker thread with a 256 MB heap and a CPU-time budget, through the real
 * code. Every case must end ok or with located errors: no unlocated error, exception, hang, crash
 * or flood of output. (The long campaign is `npm run fuzz`; see src/fuzz/cli.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTable, runCampaign } from "./campaign.js";

test("fuzz smoke: 1,000 mutated inputs, every one ok or a located error (bound: 120 s of CPU)", { timeout: 300_000 }, async () => {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = await runCampaign({
    seed: 20261205,
    cases: 1000,
    workers: 2,
    timeoutMs: 15_000,
    heapMb: 256,
    // small runs keep the smoke short; the campaign goes to megabytes
    size: { maxRun: 64 * 1024, maxBytes: 512 * 1024, wrappers: true },
    minimiseMs: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${formatTable(result.counts)}\n${Math.round(seconds)} s`);
  assert.deepEqual(
    result.failures.map((f) => `${f.target} ${f.outcome} (${f.kinds.join("+")}, case ${f.caseNumber}, ${f.size} B): ${(f.detail ?? "").split("\n")[0]}`),
    [],
  );
  let cases = 0;
  for (const c of result.counts.values()) cases += c.cases;
  assert.equal(cases, 1000);
  // CPU time of the whole process (every worker thread): the wall time depends on how loaded the machine is
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  assert.ok(cpuSeconds < 120, `took ${Math.round(cpuSeconds)} s of CPU (${Math.round(seconds)} s wall)`);
});
