/**
 * @module
 * Screening benchmark (`npm run bench`, or `node dist/bench/screen.bench.js` alone): names
 * screened per second against the full OFAC SDN sample plus the catalog, by ictsguard and, on
 * the same names in the same run, by fuse.js over the same names and aliases; the ratio of the
 * two; peak RSS of each (each runs in a child process of its own, bench/screen-child.ts); and
 * the real `ictsguard screen FILE` command over a 20,000-row vendor file, list import included.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEvalSet } from "../src/screen/eval/set.js";
import { DEFAULT_SET } from "../src/screen/eval/run-eval.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const CHILD = join(PACKAGE_ROOT, "dist", "bench", "screen-child.js");
const CLI = join(PACKAGE_ROOT, "dist", "bench", "cli-child.js");
const OUT = join(PACKAGE_ROOT, "bench", "out");
const SDN = join(PACKAGE_ROOT, "src", "screen", "lists", "testdata", "ofac-sdn");

export type ChildReport = { system: string; names: number; seconds: number; buildSeconds: number; matched: number; maxRssKiB: number };

function child(system: string, namesFile: string): ChildReport {
  const r = spawnSync(process.execPath, [CHILD, system, namesFile], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${system} bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildReport;
}

export async function runScreenBench(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  // the names: every other input of the labelled set (real names under realistic treatments);
  // fuse.js scans every name of the lists for each query, so more would only take longer
  const pairs = await loadEvalSet(DEFAULT_SET);
  const names = pairs.filter((_, i) => i % 2 === 0).map((p) => p.input);
  const namesFile = join(OUT, "screen-names.json");
  writeFileSync(namesFile, JSON.stringify(names));
  process.stderr.write(`screening ${names.length} names against the catalog + the OFAC SDN sample (ictsguard, then fuse.js)...\n`);
  const ours = child("ictsguard", namesFile);
  const fuse = child("fuse", namesFile);

  // the real command: import the list, then screen a vendor file of 20,000 rows
  const home = mkdtempSync(join(tmpdir(), "ictsguard-bench-home-"));
  const env = { ...process.env, ICTSGUARD_HOME: home };
  const imp = spawnSync(process.execPath, [CLI, "lists", "import", SDN, "--quiet"], { encoding: "utf8", env });
  if (imp.status !== 0) throw new Error(`lists import failed: ${imp.stderr}`);
  const rows = 20_000;
  const vendorFile = join(OUT, "vendors-20k.csv");
  const lines = ["vendor_id,vendor_name,country"];
  for (let i = 0; i < rows; i++) lines.push(`V${i},"${pairs[i % pairs.length]!.input.replace(/"/g, '""')}",`);
  writeFileSync(vendorFile, lines.join("\n") + "\n");
  const start = process.hrtime.bigint();
  const cli = spawnSync(process.execPath, [CLI, "screen", vendorFile, "-o", "json", "--output-file", join(OUT, "vendors-20k.report.json"), "--quiet"], { encoding: "utf8", env });
  const cliSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (cli.status !== 0 && cli.status !== 1) throw new Error(`screen exited ${cli.status}: ${cli.stderr}`);
  const cliRss = JSON.parse(/__bench__ (\{.*\})/.exec(cli.stderr)![1]!).maxRssKiB / 1024;

  const rate = (r: ChildReport) => r.names / r.seconds;
  const table = [
    ["system", "names", "index build", "screening", "names/s", "peak RSS", "matches"],
    ...[ours, fuse].map((r) => [r.system, String(r.names), `${r.buildSeconds.toFixed(2)} s`, `${r.seconds.toFixed(2)} s`, Math.round(rate(r)).toLocaleString("en-US"), `${(r.maxRssKiB / 1024).toFixed(0)} MiB`, String(r.matched)]),
    ["ictsguard screen FILE (CLI)", String(rows), "(included)", `${cliSeconds.toFixed(2)} s`, Math.round(rows / cliSeconds).toLocaleString("en-US"), `${cliRss.toFixed(0)} MiB`, ""],
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(`\n${line(table[0]!)}\n${line(widths.map((w) => "-".repeat(w)))}\n${table.slice(1).map(line).join("\n")}\n`);
  process.stdout.write(
    `\nratio = ictsguard names/s / fuse.js names/s on the same ${names.length} names, same lists, same run: ${(rate(ours) / rate(fuse)).toFixed(1)}x ` +
      `(node ${process.version}; matches = names with a candidate at or above 0.75 for ictsguard, a fuse.js score at or above 0.75 for fuse.js).\n` +
      `The CLI row is the real command over a 20,000-row vendor file: start-up, loading the catalog and the imported SDN list, building the index, screening, writing JSON.\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runScreenBench();
