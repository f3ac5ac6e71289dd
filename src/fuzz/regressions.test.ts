/**
 * Every kept fuzz failure (test/fuzz-regressions/) runs through the real readers, `check --batch`
 * or the config parser in a worker thread, and must end ok or with located errors (no unlocated
 * error, exception, hang, crash or flood of output), each within 10 s of CPU time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoPath } from "../testing/index.js";
import { CasePool } from "./pool.js";

const DIR = repoPath("test", "fuzz-regressions");

test("every kept fuzz failure now ends ok or with located errors, within 10 s of CPU time each", { timeout: 600_000 }, async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".bin")).sort();
  assert.ok(files.length >= 40, `${files.length} regression fixtures`);
  const pool = new CasePool({ workers: 2, timeoutMs: 10_000, heapMb: 256 });
  try {
    const results = await Promise.all(
      files.map(async (f) => {
        const meta = JSON.parse(readFileSync(join(DIR, f.replace(/\.bin$/, ".json")), "utf8")) as { target: string };
        const r = await pool.run(meta.target, readFileSync(join(DIR, f)));
        return { f, target: meta.target, ...r };
      }),
    );
    const bad = results.filter((r) => r.outcome !== "ok" && r.outcome !== "located");
    assert.deepEqual(bad.map((r) => `${r.f} (${r.target}): ${r.outcome} ${r.detail ?? ""}`), []);
  } finally {
    await pool.close();
  }
});
