/**
 * @module
 * `node dist/src/fuzz/replay.js FILE.bin...`: runs kept cases again (each `.bin` with its `.json`
 * naming the target) in the worker pool, and prints how each ends now and how long it took.
 */
import { readFileSync } from "node:fs";
import { CasePool } from "./pool.js";

const files = process.argv.slice(2);
const pool = new CasePool({ workers: 1, timeoutMs: Number(process.env.FUZZ_TIMEOUT ?? 20_000), heapMb: 512 });
for (const file of files) {
  const meta = JSON.parse(readFileSync(file.replace(/\.bin$/, ".json"), "utf8")) as { target: string; outcome: string };
  const bytes = readFileSync(file);
  const r = await pool.run(meta.target, bytes);
  process.stdout.write(`${r.outcome.padEnd(9)} ${String(Math.round(r.ms)).padStart(6)} ms  was ${meta.outcome.padEnd(9)} ${meta.target} ${bytes.length} B ${file.split("/").pop()}  ${(r.detail ?? "").split("\n")[0]!.slice(0, 200)}\n`);
}
await pool.close();
