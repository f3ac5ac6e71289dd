/**
 * @module
 * `npm run fuzz [-- --reader NAME --cases N --seconds S --seed N --workers N --fresh]`: runs a
 * campaign and prints its table (this run's cases and the totals kept in `.fuzz/state.json`).
 * Failures are minimised into `.fuzz/failures/`; a fixed one becomes a regression fixture in
 * `test/fuzz-regressions/` (see its README).
 */
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { packagePath } from "../util/package-root.js";
import { formatTable, runCampaign } from "./campaign.js";

const { values } = parseArgs({
  options: {
    reader: { type: "string" },
    cases: { type: "string" },
    seconds: { type: "string" },
    seed: { type: "string", default: "1" },
    workers: { type: "string", default: "1" },
    timeout: { type: "string", default: "10000" },
    heap: { type: "string", default: "512" },
    "max-run": { type: "string", default: String(2 * 1024 * 1024) },
    "minimise-seconds": { type: "string", default: "60" },
    state: { type: "string", default: packagePath(".fuzz", "state.json") },
    fresh: { type: "boolean", default: false },
  },
});
const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
if (values.fresh) rmSync(values.state!, { force: true });
// SIGTERM/SIGINT end the campaign after the cases under way, so its state and table are kept
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => (stopping = true));
const result = await runCampaign({
  seed: num(values.seed)!,
  ...(values.reader ? { only: values.reader } : {}),
  ...(values.cases ? { cases: num(values.cases)! } : {}),
  ...(values.seconds ? { seconds: num(values.seconds)! } : {}),
  workers: num(values.workers)!,
  timeoutMs: num(values.timeout)!,
  heapMb: num(values.heap)!,
  size: { maxRun: num(values["max-run"])!, maxBytes: 4 * 1024 * 1024, wrappers: true },
  stateFile: values.state!,
  failuresDir: packagePath(".fuzz", "failures"),
  minimiseMs: num(values["minimise-seconds"])! * 1000,
  shouldStop: () => stopping,
  onFailure: (f) => process.stderr.write(`FAIL ${f.target} ${f.outcome} (${f.kinds.join("+")}, ${f.size} B, ${f.ms} ms): ${(f.detail ?? "").split("\n")[0]}${f.file ? ` -> ${f.file}` : ""}\n`),
  onProgress: (counts, ms) => {
    let n = 0;
    for (const c of counts.values()) n += c.cases;
    process.stderr.write(`… ${n} cases in ${Math.round(ms / 1000)} s\n`);
  },
});
process.stdout.write(`This run: ${Math.round(result.elapsedMs / 1000)} s wall, ${Math.round(result.cpuMs / 1000)} s CPU\n${formatTable(result.counts)}\n\nAll runs of seed ${values.seed} (state ${values.state}; ${result.totalSeconds} s wall, ${result.totalCpuSeconds} s CPU):\n${formatTable(result.totals)}\n`);
process.exitCode = result.failures.length > 0 ? 1 : 0;
