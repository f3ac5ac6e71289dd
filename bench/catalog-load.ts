/**
 * @module
 * What the signed channel costs every scan and every update: loading the installed bundle
 * (hash, signed-metadata check, every catalog check, digest) and a whole verified update from a
 * local repository, as ratios to loading the bundled catalog folder in the same run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInstalledCatalog } from "../src/catalog/installed.js";
import { defaultCatalogDir, loadCatalog } from "../src/catalog/load.js";
import { publishRepository } from "../src/catalog/tuf/publish.js";
import { updateCatalog } from "../src/catalog/tuf/update.js";

const RUNS = 10;

async function mean(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / RUNS;
}

export async function catalogBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ictsguard-bench-catalog-"));
  const repo = join(dir, "repo");
  const home = join(dir, "home");
  await publishRepository({ catalogDir: defaultCatalogDir(), keysDir: join(dir, "keys"), outDir: repo });
  const update = () => updateCatalog({ from: repo, trustedRoot: join(repo, "metadata", "1.root.json"), home });
  await update();

  const folder = await mean(() => loadCatalog());
  const installed = await mean(() => loadInstalledCatalog(home));
  const updated = await mean(update);
  const rows = [
    ["load the bundled catalog folder (baseline)", folder],
    ["load the installed bundle (re-checked)", installed],
    ["catalog update from a local repository", updated],
  ] as const;
  const width = Math.max(...rows.map((r) => r[0].length));
  return (
    `\n${"catalog".padEnd(width)}  mean of ${RUNS}  ratio\n` +
    rows.map(([label, ms]) => `${label.padEnd(width)}  ${ms.toFixed(1).padStart(7)} ms  ${(ms / folder).toFixed(2)}x`).join("\n") +
    "\n"
  );
}
