/**
 * @module
 * `npm run bench`: generates inventories of 100k and 1M rows, scans each with the real CLI, and
 * prints wall time, rows/s and peak RSS beside GNU `grep -ciF kaspersky` reading the same file in
 * the same run (the floor for "read every byte once and look for the brand").
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { streamJson } from "../src/readers/_json.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";
import { RESTRICTED_EVERY, writeCsvInventory, writeDpkgStatus, writeOsqueryPrograms, writeRegExport, writeZeekDnsLog } from "./generate.js";
import { catalogBench } from "./catalog-load.js";
import { benchHost } from "./host.js";

const OUT = join(PACKAGE_ROOT, "bench", "out");
const CHILD = join(PACKAGE_ROOT, "dist", "bench", "cli-child.js");

type Case = { label: string; file: string; rows: number; every?: number; write: (path: string, rows: number, every?: number) => Promise<void> };

const cases: Case[] = [
  { label: "CSV inventory", file: "inventory-100k.csv", rows: 100_000, write: writeCsvInventory },
  { label: "CSV inventory", file: "inventory-1m.csv", rows: 1_000_000, write: writeCsvInventory },
  { label: "osquery programs JSON", file: "osquery-programs-1m.json", rows: 1_000_000, write: writeOsqueryPrograms },
  // a fleet where Kaspersky is everywhere: one row in four is a finding (memory follows findings)
  { label: "CSV, 1 row in 4 restricted", file: "inventory-kaspersky-fleet-200k.csv", rows: 200_000, every: 4, write: writeCsvInventory },
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

mkdirSync(OUT, { recursive: true });
const results: string[][] = [];
for (const c of cases) {
  const path = join(OUT, c.file);
  process.stderr.write(`generating ${c.file} (${c.rows.toLocaleString("en-US")} rows)...\n`);
  await c.write(path, c.rows, c.every);
  const size = statSync(path).size;

  // Baseline: grep reading the same file (run twice; the second run has a warm page cache, as the scan will).
  spawnSync("grep", ["-ciF", "kaspersky", path]);
  const grep = timed(() => spawnSync("grep", ["-ciF", "kaspersky", path], { encoding: "utf8" }));
  const report = join(OUT, `${c.file}.report.json`);
  const scan = timed(() =>
    spawnSync(process.execPath, [CHILD, "scan", path, "-o", "json", "--output-file", report, "--quiet", "--fail-on", "none"], {
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
  if (doc.summary.observations !== c.rows) throw new Error(`expected ${c.rows} observations, the scan read ${doc.summary.observations}`);
  const expected = Math.floor(c.rows / (c.every ?? RESTRICTED_EVERY));
  results.push([
    `${c.label}, ${c.rows.toLocaleString("en-US")} rows`,
    `${(size / 1024 / 1024).toFixed(0)} MiB`,
    `${grep.ms.toFixed(0)} ms`,
    `${scan.ms.toFixed(0)} ms`,
    `${(scan.ms / grep.ms).toFixed(1)}x`,
    `${Math.round(c.rows / (scan.ms / 1000)).toLocaleString("en-US")}`,
    `${maxRssMiB.toFixed(0)} MiB`,
    `${doc.summary.findings} (${expected} planted)`,
  ]);
}

results.push(await (await import("./mixed.js")).benchMixedEstate(OUT, CHILD)); // 500 MB of every format in a directory tree (grep -r)
// scan --host: collecting from a large fake root (grep -r over the same tree) and from this machine
results.push(...benchHost(CHILD));

const head = ["input", "size", "grep -ciF", "ictsguard scan", "ratio", "rows/s", "peak RSS", "findings"];
const widths = head.map((h, i) => Math.max(h.length, ...results.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
process.stdout.write(`\n${line(head)}\n${line(widths.map((w) => "-".repeat(w)))}\n${results.map(line).join("\n")}\n`);
process.stdout.write(`\nratio = ictsguard wall time / grep wall time on the same file, same run (node ${process.version}).\n`);
await (await import("./check.js")).runCheckBench(); // check: 100k transactions, ictsguard vs Cedar
process.stdout.write(await catalogBench());
await (await import("./screen.bench.js")).runScreenBench(); // ictsguard screen vs fuse.js, names/s and peak RSS
