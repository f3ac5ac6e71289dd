/**
 * @module
 * The mixed-estate benchmark: a 500 MB directory of every format (bench/generate-mixed.ts) in
 * nested folders and a zip, scanned with the real CLI; wall time, rows/s and peak RSS, beside
 * `LC_ALL=C grep -ciF kaspersky -r` over the same directory in the same run (grep does not look inside
 * the zip, so the ratio slightly favours grep). The scan must find exactly the planted items.
 *
 * Run with `npm run bench` (one row of its table), or alone: `npm run build && node
 * dist/bench/mixed.js`. `ICTSGUARD_BENCH_MIXED_MB` changes the size (default 500). The estate is
 * kept in bench/out/mixed/ and reused while its size and generator version are the same.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { streamJson } from "../src/readers/_json.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";
import { writeMixedEstate, type Expected } from "./generate-mixed.js";
import { timeGrep } from "./grep.js";

/** Bump when generate-mixed.ts changes what it writes, so a kept estate is regenerated. */
const GENERATOR_VERSION = 1;

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The report's summary, streamed (a report full of findings can be larger than a string). */
async function readSummary(path: string): Promise<{ observations: number; findings: number; errors: number }> {
  const ctx = { report: () => {} };
  for await (const hit of streamJson({ path, stream: createReadStream(path), encoding: "utf-8" }, ctx, ["$.summary"], "an ictsguard report")) {
    return hit.value as { observations: number; findings: number; errors: number };
  }
  throw new Error(`no summary in ${path}`);
}

/**
 * Observations merged into the report's findings (report version 2: one finding per host and
 * product, each with the `count` of observations it holds), streamed like the summary.
 */
async function mergedObservations(path: string): Promise<number> {
  const ctx = { report: () => {} };
  let total = 0;
  for await (const hit of streamJson({ path, stream: createReadStream(path), encoding: "utf-8" }, ctx, ["$.findings.*"], "an ictsguard report")) {
    total += (hit.value as { count: number }).count;
  }
  return total;
}

/** Generates (or reuses) the estate, scans it, and returns one row of run.ts's table. */
export async function benchMixedEstate(out: string, child: string): Promise<string[]> {
  const megabytes = Number(process.env.ICTSGUARD_BENCH_MIXED_MB ?? 500);
  const dir = join(out, "mixed");
  const stamp = join(dir, ".expected.json");
  let expected: Expected | undefined;
  if (existsSync(stamp)) {
    const kept = JSON.parse(readFileSync(stamp, "utf8")) as { megabytes: number; version: number; expected: Expected };
    if (kept.megabytes === megabytes && kept.version === GENERATOR_VERSION) expected = kept.expected;
  }
  if (!expected) {
    process.stderr.write(`generating a mixed estate of ${megabytes} MB in ${dir}...\n`);
    expected = await writeMixedEstate(dir, megabytes * 1024 * 1024);
    writeFileSync(stamp, JSON.stringify({ megabytes, version: GENERATOR_VERSION, expected }));
  }

  // Baseline: `LC_ALL=C grep -rciF kaspersky` over the same tree, with a warm page cache as the scan will have.
  const grep = timeGrep(["-r", dir]);
  const report = join(out, "mixed.report.json");
  const scan = timed(() =>
    spawnSync(process.execPath, [child, "scan", dir, "-o", "json", "--output-file", report, "--quiet", "--fail-on", "none"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
  );
  if (scan.value.status !== 0) {
    process.stderr.write(scan.value.stderr);
    throw new Error(`scan of ${dir} exited ${scan.value.status}`);
  }
  const rss = /__bench__ (\{.*\})/.exec(scan.value.stderr);
  const maxRssMiB = rss ? JSON.parse(rss[1]!).maxRssKiB / 1024 : NaN;
  const summary = await readSummary(report);
  if (summary.observations !== expected.observations) throw new Error(`expected ${expected.observations} observations, the scan read ${summary.observations}`);
  // every planted item is an observation merged into a finding (several per host and product)
  const merged = await mergedObservations(report);
  if (merged !== expected.planted) throw new Error(`expected the ${expected.planted} planted items in the findings, the findings hold ${merged} observations`);
  if (summary.errors !== 0) throw new Error(`the scan reported ${summary.errors} input errors on generated files`);
  return [
    `mixed estate, ${expected.files} files in 9 formats + zip`,
    `${(expected.bytes / 1024 / 1024).toFixed(0)} MiB`,
    `${grep.ms.toFixed(0)} ms`,
    `${scan.ms.toFixed(0)} ms`,
    `${(scan.ms / grep.ms).toFixed(1)}x`,
    `${Math.round(summary.observations / (scan.ms / 1000)).toLocaleString("en-US")}`,
    `${maxRssMiB.toFixed(0)} MiB`,
    `${summary.findings} holding ${merged} (${expected.planted} planted)`,
  ];
}

// Alone: print the row with run.ts's headings.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const row = await benchMixedEstate(join(PACKAGE_ROOT, "bench", "out"), join(PACKAGE_ROOT, "dist", "bench", "cli-child.js"));
  const head = ["input", "size", "LC_ALL=C grep -ciF -r", "ictsguard scan", "ratio", "rows/s", "peak RSS", "findings"];
  const widths = head.map((h, i) => Math.max(h.length, row[i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(`\n${line(head)}\n${line(widths.map((w) => "-".repeat(w)))}\n${line(row)}\n`);
  process.stdout.write(`\nratio = ictsguard wall time / LC_ALL=C grep wall time on the same directory, same run (node ${process.version}).\n`);
}
