/**
 * @module
 * Screening benchmark (`npm run bench`, or `node dist/bench/screen.bench.js` alone): names
 * screened per second against the full OFAC SDN sample plus the catalog, by ictsguard (a cold
 * first pass, then warm passes) and, on the same names in the same run, by fuse.js over the same
 * names and aliases; the ratio of the two; peak RSS of each (each runs in a child process of its
 * own, bench/screen-child.ts); F1 on the labelled set at the default threshold; the real
 * `ictsguard screen FILE` command over a 20,000-row vendor file, list import included; and a
 * generated list of ICTSGUARD_BENCH_LIST_ENTRIES entries (default 2 million, written as a stream
 * and deleted after): import, streamed load, and the screening corpus built from the stored
 * list as `ictsguard screen` builds it (time, peak RSS, names of the list screened against it;
 * bench/screen-list-child.ts).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import { loadEvalSet } from "../src/screen/eval/set.js";
import { DEFAULT_SET, runEval } from "../src/screen/eval/run-eval.js";
import { DEFAULT_THRESHOLD } from "../src/screen/run.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const CHILD = join(PACKAGE_ROOT, "dist", "bench", "screen-child.js");
const CLI = join(PACKAGE_ROOT, "dist", "bench", "cli-child.js");
const LIST_CHILD = join(PACKAGE_ROOT, "dist", "bench", "screen-list-child.js");
const OUT = join(PACKAGE_ROOT, "bench", "out");
const SDN = join(PACKAGE_ROOT, "src", "screen", "lists", "testdata", "ofac-sdn");
/** Heap cap of the large list's index build (ICTSGUARD_BENCH_INDEX_HEAP_MIB). */
const INDEX_HEAP_MIB = Number(process.env.ICTSGUARD_BENCH_INDEX_HEAP_MIB ?? 1024);

export type ChildReport = { system: string; names: number; seconds: number; warmSeconds?: number; cpuSeconds?: number; warmCpuSeconds?: number; buildSeconds: number; matched: number; maxRssKiB: number };

function child(system: string, namesFile: string, passes = 0): ChildReport {
  const r = spawnSync(process.execPath, [CHILD, system, namesFile, String(passes)], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${system} bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildReport;
}

export async function runScreenBench(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  // the names: every other input of the labelled set (real names under realistic treatments);
  // fuse.js scans every name of the lists for each query, so more would only take longer
  const pairs = await loadEvalSet(DEFAULT_SET);
  const names = pairs.filter((_, i) => i % 4 === 0).map((p) => p.input);
  const namesFile = join(OUT, "screen-names.json");
  writeFileSync(namesFile, JSON.stringify(names));
  process.stderr.write(`screening ${names.length} names against the catalog + the OFAC SDN sample (ictsguard, then fuse.js)...\n`);
  const ours = child("ictsguard", namesFile, 5);
  const fuse = child("fuse", namesFile);
  // screening quality on the labelled set, at the default threshold, beside the speed
  const evalReport = await runEval(await loadCatalogOrThrow(), { baselines: false });
  const atDefault = evalReport.systems[0]!.curve.find((p) => p.threshold === DEFAULT_THRESHOLD)!;

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
  const perCpu = (names: number, cpu: number | undefined) => (cpu ? Math.round(names / cpu).toLocaleString("en-US") : "");
  const table = [
    ["system", "names", "index build", "screening", "names/s", "names/CPU-s", "peak RSS", "matches"],
    ...[ours, fuse].map((r) => [r.system, String(r.names), `${r.buildSeconds.toFixed(2)} s`, `${r.seconds.toFixed(2)} s`, Math.round(rate(r)).toLocaleString("en-US"), perCpu(r.names, r.cpuSeconds), `${(r.maxRssKiB / 1024).toFixed(0)} MiB`, String(r.matched)]),
    ["ictsguard, warm (5 more passes)", String(ours.names), "", `${ours.warmSeconds!.toFixed(2)} s`, Math.round(ours.names / ours.warmSeconds!).toLocaleString("en-US"), perCpu(ours.names, ours.warmCpuSeconds), "", ""],
    ["ictsguard screen FILE (CLI)", String(rows), "(included)", `${cliSeconds.toFixed(2)} s`, Math.round(rows / cliSeconds).toLocaleString("en-US"), "", `${cliRss.toFixed(0)} MiB`, ""],
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(`\n${line(table[0]!)}\n${line(widths.map((w) => "-".repeat(w)))}\n${table.slice(1).map(line).join("\n")}\n`);
  process.stdout.write(
    `\nratio = ictsguard names/s / fuse.js names/s on the same ${names.length} names, same lists, same run: ${(rate(ours) / rate(fuse)).toFixed(1)}x ` +
      `(node ${process.version}; matches = names with a candidate at or above 0.75 for ictsguard, a fuse.js score at or above 0.75 for fuse.js).\n` +
      `The CLI row is the real command over a 20,000-row vendor file: start-up, loading the catalog and the imported SDN list, building the index, screening, writing JSON.\n` +
      `The first ictsguard row is one pass over the names with the code still cold; the warm row is the mean of five more passes (names/s of a long vendor file). One core: screening is synchronous.\n` +
      `names/s is by wall time, names/CPU-s by the screening process's own CPU time (user + system); they differ when the machine is loaded (load average now ${loadavg().map((x) => x.toFixed(1)).join(", ")} on ${availableParallelism()} cores).\n` +
      `screening quality on the same run (${evalReport.pairs} labelled pairs, threshold ${DEFAULT_THRESHOLD}): precision ${atDefault.precision.toFixed(4)}, recall ${atDefault.recall.toFixed(4)}, F1 ${atDefault.f1.toFixed(4)}\n`,
  );
  listBench();
}

/**
 * A list of ICTSGUARD_BENCH_LIST_ENTRIES entries (default 2,000,000) generated from the SDN
 * sample's words (two to four words and "LLC"), imported with the real `lists import`, then
 * loaded, and indexed, each in a process of its own: import time and peak RSS, load time and
 * peak RSS, index (load included) time and peak RSS and screening speed against it.
 */
export function listBench(): void {
  const entries = Number(process.env.ICTSGUARD_BENCH_LIST_ENTRIES ?? 2_000_000);
  const words = [...new Set(readFileSync(join(SDN, "sdn.csv"), "utf8").toUpperCase().match(/[A-Z]{3,}/g) ?? [])];
  // a 32-bit LCG in integer arithmetic (the float product of the old one lost its low bits, and
  // its names repeated every 2,623 entries: two million entries were 2,623 names)
  let seed = 12;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 0x7fffffff) / 2147483648;
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `list-${entries}.csv`);
  rmSync(file, { force: true });
  const out: string[] = ["name,country"];
  for (let i = 0; i < entries; i++) {
    const n = 2 + Math.floor(next() * 3);
    out.push(`${Array.from({ length: n }, () => words[Math.floor(next() * words.length)]).join(" ")} LLC,RU`);
    if (out.length >= 100_000) {
      appendFileSync(file, out.join("\n") + "\n");
      out.length = 0;
    }
  }
  if (out.length) appendFileSync(file, out.join("\n") + "\n");
  const home = mkdtempSync(join(tmpdir(), "ictsguard-bench-list-"));
  const env = { ...process.env, ICTSGUARD_HOME: home };
  let t = process.hrtime.bigint();
  const imp = spawnSync(process.execPath, [CLI, "lists", "import", file, "--name", "big", "--quiet"], { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  const importSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  rmSync(file, { force: true });
  if (imp.status !== 0) {
    process.stdout.write(`\nlist of ${entries.toLocaleString("en-US")} entries: lists import failed (${imp.status}): ${imp.stderr.trim().split("\n").pop()}\n`);
    rmSync(home, { recursive: true, force: true });
    return;
  }
  const importRss = JSON.parse(/__bench__ (\{.*\})/.exec(imp.stderr)![1]!).maxRssKiB / 1024;
  const load = spawnSync(process.execPath, [LIST_CHILD, home, "big", "load"], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  // the screening corpus as `ictsguard screen` builds it for a list this large, with a heap cap so that a build past the budget fails quickly instead of swapping
  const index = spawnSync(process.execPath, [`--max-old-space-size=${INDEX_HEAP_MIB}`, LIST_CHILD, home, "big", "index"], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  rmSync(home, { recursive: true, force: true });
  const head = `\nlist of ${entries.toLocaleString("en-US")} entries (generated from the SDN sample's words): lists import ${importSeconds.toFixed(1)} s, peak RSS ${importRss.toFixed(0)} MiB`;
  if (load.status !== 0) {
    process.stdout.write(`${head}; loading failed: ${load.stderr.trim().split("\n").pop()}\n`);
    return;
  }
  const l = JSON.parse(load.stdout.trim().split("\n").pop()!) as { entries: number; names: number; loadSeconds: number; maxRssKiB: number };
  process.stdout.write(`${head}; load (streamed) ${l.loadSeconds.toFixed(1)} s, ${l.names.toLocaleString("en-US")} names, peak RSS ${(l.maxRssKiB / 1024).toFixed(0)} MiB\n`);
  if (index.status !== 0) {
    process.stdout.write(`screening index of the same list: not built within a ${INDEX_HEAP_MIB} MiB heap (exit ${index.status}): ${index.stderr.trim().split("\n").pop()}\n`);
    return;
  }
  const r = JSON.parse(index.stdout.trim().split("\n").pop()!) as { entries: number; names: number; buildSeconds: number; screened: number; found: number; namesPerCpuSecond: number; maxRssKiB: number };
  process.stdout.write(
    `screening index of the same list, as \`ictsguard screen\` builds it (names indexed, entries left in the list file): load + index ${r.buildSeconds.toFixed(1)} s ` +
      `(${r.names.toLocaleString("en-US")} name forms), peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB (target: under 300 MiB, load and index); ` +
      `${r.screened} of its names screened (as listed and with two letters swapped): ${r.found} found their entry, ${Math.round(r.namesPerCpuSecond).toLocaleString("en-US")} names/CPU-s ` +
      `(load average ${loadavg().map((x) => x.toFixed(1)).join(", ")})\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runScreenBench();
