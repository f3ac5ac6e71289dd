/**
 * @module
 * `npm run bench`: generates inventories of 100k and 1M rows, scans each with the real CLI, and
 * prints wall time, rows/s and peak RSS beside GNU `LC_ALL=C grep -ciF kaspersky` reading the same file in
 * the same run (the floor for "read every byte once and look for the brand").
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, mkdirSync, rmSync, statSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { streamJson } from "../src/readers/_json.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";
import { RESTRICTED_EVERY, writeCsvInventory, writeCycloneDxJson, writeDpkgStatus, writeOsqueryPrograms, writeOsqueryResultLog, writeRegExport, writeZeekDnsLog } from "./generate.js";
import { catalogBench } from "./catalog-load.js";
import { benchHost } from "./host.js";
import { timeGrep } from "./grep.js";

const OUT = join(PACKAGE_ROOT, "bench", "out");
const CHILD = join(PACKAGE_ROOT, "dist", "bench", "cli-child.js");
const FLOOR = join(PACKAGE_ROOT, "dist", "bench", "floor-child.js");
/** The scan every case times: the real CLI (in CHILD, which adds its peak RSS), a JSON report to `report`, no exit code for findings. */
const scanArgs = (input: string, report: string): string[] => [CHILD, "scan", input, "-o", "json", "--output-file", report, "--quiet", "--fail-on", "none"];

type Case = {
  label: string;
  file: string;
  rows: number;
  every?: number;
  /** Written, scanned and deleted (a file too large to keep in bench/out). */
  temporary?: boolean;
  write: (path: string, rows: number, every?: number) => Promise<unknown>;
};

/** 100,000 hosts, one row in 1,000 restricted: the fleet, at 1M and 10M rows. */
const FLEET_HOSTS = 100_000;
const writeFleetLog = (path: string, rows: number, every?: number) => writeOsqueryResultLog(path, rows, every, FLEET_HOSTS);
const TEN_MILLION = Number(process.env.ICTSGUARD_BENCH_BIG_ROWS ?? 10_000_000);
/**
 * `ICTSGUARD_BENCH_ONLY=<regex>` runs only the stages whose name it matches: a scan case by its
 * file name (`inventory-1m.csv`, `osqueryd-results-10m.log`, `cyclonedx-100mb.cdx.json`), and
 * `mixed`, `host`, `startup`, `check`, `catalog`, `screen`, `table`. Unset, everything runs.
 */
const ONLY = process.env.ICTSGUARD_BENCH_ONLY ? new RegExp(process.env.ICTSGUARD_BENCH_ONLY) : undefined;
const runs = (stage: string): boolean => !ONLY || ONLY.test(stage);

const cases: Case[] = [
  { label: "CSV inventory", file: "inventory-100k.csv", rows: 100_000, write: writeCsvInventory },
  { label: "CSV inventory", file: "inventory-1m.csv", rows: 1_000_000, write: writeCsvInventory },
  { label: "osqueryd results log (100k hosts, 1 in 1,000)", file: "osqueryd-results-1m.log", rows: 1_000_000, every: 1000, write: writeFleetLog },
  { label: "osqueryd results log (100k hosts, 1 in 1,000)", file: "osqueryd-results-10m.log", rows: TEN_MILLION, every: 1000, temporary: true, write: writeFleetLog },
  { label: "osquery programs JSON", file: "osquery-programs-1m.json", rows: 1_000_000, write: writeOsqueryPrograms },
  // a fleet where Kaspersky is everywhere: one row in four is a finding, beside the same size with none
  { label: "CSV, 1 row in 4 restricted", file: "inventory-kaspersky-fleet-200k.csv", rows: 200_000, every: 4, write: writeCsvInventory },
  { label: "CSV, none restricted (same size)", file: "inventory-clean-200k.csv", rows: 200_000, every: Number.MAX_SAFE_INTEGER, write: writeCsvInventory },
  { label: "Zeek dns.log, 4 Kaspersky clients", file: "zeek-dns-1m.log", rows: 1_000_000, every: 250_000, write: writeZeekDnsLog },
  // OS inventories: a reg export of a whole fleet's Uninstall keys (UTF-16LE), a huge dpkg database
  { label: ".reg UTF-16LE Uninstall keys", file: "uninstall-200k.reg", rows: 200_000, write: writeRegExport },
  { label: "dpkg status stanzas", file: "dpkg-status-500k", rows: 500_000, write: writeDpkgStatus },
];

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/**
 * The report's `summary`, streamed: a fleet full of findings writes a report larger than the
 * biggest string Node can hold, so the bench reads it the way the scan writes it.
 */
async function readSummary(path: string): Promise<{ observations: number; findings: number }> {
  const problems: string[] = [];
  const ctx = { report: (i: { message: string }) => void problems.push(i.message) };
  for await (const hit of streamJson({ path, stream: createReadStream(path), encoding: "utf-8" }, ctx, ["$.summary"], "an ictsguard report")) {
    return hit.value as { observations: number; findings: number };
  }
  throw new Error(`no summary in ${path}: ${problems.join("; ") || "none found"}`);
}

/** The median wall time of scanning each file, the files scanned in turn `runs` times (so a slow spell of the machine falls on all of them). */
function alternatingMedians(files: readonly string[], runs: number): number[] {
  const times = files.map((): number[] => []);
  for (let r = 0; r < runs; r++) {
    files.forEach((file, i) => {
      const t = timed(() => spawnSync(process.execPath, scanArgs(file, `${file}.again.json`)));
      if (t.value.status !== 0) throw new Error(`scan of ${file} exited ${t.value.status}`);
      times[i]!.push(t.ms);
    });
  }
  for (const file of files) rmSync(`${file}.again.json`, { force: true });
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

/** `uptime`: how busy the machine was (others may share it). */
const uptime = (): string => {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return "uptime: not available";
  }
};

/** Free bytes on the file system of `dir`. */
const freeBytes = (dir: string): number => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

/** Median wall time of `runs` runs of the CLI with `args`, in ms (start-up: nothing is scanned). */
function startup(args: string[], runs = 7, bare = false): number {
  const argv = bare ? args : [join(PACKAGE_ROOT, "bin", "ictsguard.js"), ...args];
  spawnSync(process.execPath, argv);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timed(() => spawnSync(process.execPath, argv, { encoding: "utf8" }));
    if (t.value.status !== 0) throw new Error(`ictsguard ${args.join(" ")} exited ${t.value.status}`);
    times.push(t.ms);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

mkdirSync(OUT, { recursive: true });
const loadBefore = uptime();
const results: string[][] = [];
const scanMs = new Map<string, number>();
for (const c of cases) {
  if (!runs(c.file)) continue;
  const path = join(OUT, c.file);
  if (c.temporary) {
    // about 540 bytes a row; leave room for the report
    const need = c.rows * 600;
    if (freeBytes(OUT) < need * 1.2) {
      process.stderr.write(`skipping ${c.file}: needs ${(need / 2 ** 30).toFixed(1)} GiB free in ${OUT}\n`);
      continue;
    }
  }
  process.stderr.write(`generating ${c.file} (${c.rows.toLocaleString("en-US")} rows)...\n`);
  await c.write(path, c.rows, c.every);
  const size = statSync(path).size;

  // Baseline: `LC_ALL=C grep -ciF kaspersky` reading the same file, with a warm page cache as the scan will have.
  const grep = timeGrep([path]);
  // the design's floor in Node.js: catalog loaded and the literal prefilter run over every byte, nothing else (floor-child.ts)
  const floor = timed(() => spawnSync(process.execPath, [FLOOR, path], { encoding: "utf8" }));
  if (floor.value.status !== 0) throw new Error(`floor-child on ${c.file} exited ${floor.value.status}: ${floor.value.stderr}`);
  const report = join(OUT, `${c.file}.report.json`);
  const scan = timed(() =>
    spawnSync(process.execPath, scanArgs(path, report), {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  if (scan.value.status !== 0) {
    process.stderr.write(scan.value.stderr);
    throw new Error(`scan of ${c.file} exited ${scan.value.status}`);
  }
  const rss = /__bench__ (\{.*\})/.exec(scan.value.stderr);
  const maxRssMiB = rss ? JSON.parse(rss[1]!).maxRssKiB / 1024 : NaN;
  const doc = { summary: await readSummary(report) };
  if (c.temporary) {
    rmSync(path, { force: true });
    rmSync(report, { force: true });
  }
  if (doc.summary.observations !== c.rows) throw new Error(`expected ${c.rows} observations, the scan read ${doc.summary.observations}`);
  scanMs.set(c.file, scan.ms);
  const expected = Math.floor(c.rows / (c.every ?? RESTRICTED_EVERY));
  results.push([
    `${c.label}, ${c.rows.toLocaleString("en-US")} rows`,
    `${(size / 1024 / 1024).toFixed(0)} MiB`,
    `${grep.ms.toFixed(0)} ms`,
    `${floor.ms.toFixed(0)} ms (${(floor.ms / grep.ms).toFixed(1)}x)`,
    `${scan.ms.toFixed(0)} ms`,
    `${(scan.ms / grep.ms).toFixed(1)}x`,
    `${Math.round(c.rows / (scan.ms / 1000)).toLocaleString("en-US")}`,
    `${maxRssMiB.toFixed(0)} MiB`,
    `${doc.summary.findings} (${expected} planted)`,
  ]);
}

// a 100 MB CycloneDX JSON SBOM (its components counted after it is written)
if (runs("cyclonedx-100mb.cdx.json")) {
  const path = join(OUT, "cyclonedx-100mb.cdx.json");
  process.stderr.write("generating cyclonedx-100mb.cdx.json (100 MB)...\n");
  const components = await writeCycloneDxJson(path, 100);
  const size = statSync(path).size;
  const grep = timeGrep([path]);
  const report = join(OUT, "cyclonedx-100mb.report.json");
  const scan = timed(() => spawnSync(process.execPath, scanArgs(path, report), { encoding: "utf8" }));
  if (scan.value.status !== 0) throw new Error(`scan of the SBOM exited ${scan.value.status}: ${scan.value.stderr}`);
  const rss = /__bench__ (\{.*\})/.exec(scan.value.stderr);
  const summary = await readSummary(report);
  // metadata.component is one observation more
  if (summary.observations !== components + 1) throw new Error(`expected ${components + 1} observations, the scan read ${summary.observations}`);
  results.push([
    `CycloneDX JSON SBOM, ${components.toLocaleString("en-US")} components`,
    `${(size / 1024 / 1024).toFixed(0)} MiB`,
    `${grep.ms.toFixed(0)} ms`,
    "",
    `${scan.ms.toFixed(0)} ms`,
    `${(scan.ms / grep.ms).toFixed(1)}x`,
    `${Math.round(summary.observations / (scan.ms / 1000)).toLocaleString("en-US")}`,
    `${(rss ? JSON.parse(rss[1]!).maxRssKiB / 1024 : NaN).toFixed(0)} MiB`,
    `${summary.findings} (${Math.floor(components / RESTRICTED_EVERY)} planted)`,
  ]);
}

/** A row of another stage (mixed.ts, kaspersky-zip.ts, host.ts), which measures no JS floor. */
const noFloor = (row: string[]): string[] => [...row.slice(0, 3), "", ...row.slice(3)];
if (runs("mixed")) results.push(noFloor(await (await import("./mixed.js")).benchMixedEstate(OUT, CHILD))); // 500 MB of every format in a directory tree (grep -r)
// issue 13: a few MB of zip holding 1 GiB of Kaspersky rows, under a 256 MB heap (unzip -p | grep)
if (runs("kaspersky-zip")) results.push(noFloor(await (await import("./kaspersky-zip.js")).benchKasperskyZip(OUT, CHILD)));
// scan --host: collecting from a large fake root (grep -r over the same tree) and from this machine
if (runs("host")) results.push(...benchHost(CHILD).map(noFloor));

const head = ["input", "size", "LC_ALL=C grep -ciF", "JS floor (ratio)", "ictsguard scan", "ratio", "rows/s", "peak RSS", "findings"];
const widths = head.map((h, i) => Math.max(h.length, ...results.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
process.stdout.write(`\n${line(head)}\n${line(widths.map((w) => "-".repeat(w)))}\n${results.map(line).join("\n")}\n`);
process.stdout.write(`\nratio = ictsguard wall time / LC_ALL=C grep wall time on the same file, same run (node ${process.version}).\n`);
process.stdout.write(
  "JS floor = a Node.js process that loads the catalog and runs the literal prefilter over every byte of the file once, and nothing else (bench/floor-child.ts): the least a single-threaded scan in JavaScript that looks at every byte can reach. An osqueryd results log or a CSV of 64 MiB or more is scanned by one thread per core (up to 4; scan --threads), and a results log's lines are checked by compiled code (asm/json-line.ts) that looks for literals in the `columns` values only, so a ratio can be below the floor: the ratios are wall time, and grep uses one core.\n",
);
const heavy = scanMs.get("inventory-kaspersky-fleet-200k.csv");
const clean = scanMs.get("inventory-clean-200k.csv");
if (heavy !== undefined && clean !== undefined) {
  process.stdout.write(`findings-heavy vs clean, 200k rows each: ${(heavy / clean).toFixed(2)}x (${heavy.toFixed(0)} ms / ${clean.toFixed(0)} ms)\n`);
  // one run of each swings with the machine (±15% here): the pair again, alternating, by medians
  const pair = alternatingMedians([join(OUT, "inventory-kaspersky-fleet-200k.csv"), join(OUT, "inventory-clean-200k.csv")], 5);
  process.stdout.write(`findings-heavy vs clean, medians of 5 alternating runs: ${(pair[0]! / pair[1]!).toFixed(2)}x (${pair[0]!.toFixed(0)} ms / ${pair[1]!.toFixed(0)} ms)\n`);
}
const rowOf = (file: string) => results.find((r) => r[0]!.includes(file === "1m" ? "1,000,000 rows" : `${TEN_MILLION.toLocaleString("en-US")} rows`) && r[0]!.startsWith("osqueryd"));
const [m1, m10] = [rowOf("1m"), rowOf("10m")];
if (m1 && m10) {
  process.stdout.write(`osqueryd results log, 1M vs ${TEN_MILLION.toLocaleString("en-US")} rows: ratio ${m1[5]} vs ${m10[5]}, peak RSS ${m1[7]} vs ${m10[7]}\n`);
}
if (runs("startup")) process.stdout.write(`start-up (median of 7): ictsguard --version ${startup(["--version"]).toFixed(0)} ms, ictsguard scan --help ${startup(["scan", "--help"]).toFixed(0)} ms; node -e 0 ${startup(["-e", "0"], 7, true).toFixed(0)} ms\n`);
process.stdout.write(`load: before ${loadBefore}\n      after  ${uptime()}\n`);
// The check and screen benches run in processes of their own: after the scan stages, this
// long-lived process once hit a V8 deoptimizer fatal error in the check bench (Node 20.20). Its
// cause, found later: V8's inlining of the calls into Cedar's WebAssembly, which check.ts turns
// off (the error came and went with what else a process had loaded).
const benchChild = (file: string): void => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, "dist", "bench", file)], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`bench/${file} exited ${r.status ?? r.signal}`);
};
if (runs("check")) benchChild("check.js"); // check: 100k transactions, ictsguard vs Cedar
if (runs("catalog")) process.stdout.write(await catalogBench());
if (runs("screen")) benchChild("screen.bench.js"); // ictsguard screen vs fuse.js, names/s and peak RSS
// the table report (scan's default on a terminal) against JSON, 5k and 20k findings (it was quadratic)
if (runs("table")) process.stdout.write(await (await import("./table.js")).benchTable(OUT, CHILD));
