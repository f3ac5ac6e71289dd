/**
 * @module
 * Issue 13's out-of-memory case: a zip of a few MB holding 1 GiB of CSV rows that are all
 * Kaspersky (every row a finding before merging). The zip is generated as a stream (yazl), then
 * the real CLI scans it under `node --max-old-space-size=256`; the findings merge into one per
 * host and product, so memory follows the hosts, not the rows. Baseline in the same run:
 * `unzip -p | grep -ciF kaspersky` over the same zip. Size: ICTSGUARD_BENCH_ZIP_BYTES (default
 * 1 GiB). Run alone: `node dist/bench/kaspersky-zip.js`.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import yazl from "yazl";
import { PACKAGE_ROOT } from "../src/util/package-root.js";
import { GREP_ENV } from "./grep.js";

const HEADER = "host,kind,name,vendor,version,path,identifier\n";
const HOSTS = 1000;

/** Writes the zip; returns the rows written. */
export async function writeKasperskyZip(path: string, bytes: number): Promise<number> {
  let rows = 0;
  async function* csv(): AsyncGenerator<Buffer> {
    yield Buffer.from(HEADER);
    let written = HEADER.length;
    while (written < bytes) {
      let chunk = "";
      for (let i = 0; i < 10_000; i++, rows++) {
        chunk += `ws-${String(rows % HOSTS).padStart(4, "0")},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.${rows % 7},,\n`;
      }
      written += chunk.length;
      yield Buffer.from(chunk);
    }
  }
  const zip = new yazl.ZipFile();
  zip.addReadStream(Readable.from(csv()), "all-kaspersky.csv");
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, "close");
  return rows;
}

/** One row of the bench table: the zip scanned under a 256 MB heap, time and peak RSS beside unzip | grep. */
export async function benchKasperskyZip(outDir: string, child: string, bytes = Number(process.env.ICTSGUARD_BENCH_ZIP_BYTES ?? 1024 ** 3)): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const zip = join(outDir, "all-kaspersky.zip");
  process.stderr.write(`generating all-kaspersky.zip (${(bytes / 1024 ** 3).toFixed(2)} GiB of Kaspersky rows, streamed)...\n`);
  const rows = await writeKasperskyZip(zip, bytes);
  const size = statSync(zip).size;
  const t0 = process.hrtime.bigint();
  const grep = spawnSync("/bin/sh", ["-c", `unzip -p '${zip}' | grep -ciF kaspersky`], { encoding: "utf8", env: GREP_ENV });
  const grepMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = join(outDir, "all-kaspersky.report.json");
  const t1 = process.hrtime.bigint();
  const scan = spawnSync(process.execPath, ["--max-old-space-size=256", child, "scan", zip, "-o", "json", "--output-file", report, "--quiet", "--fail-on", "none"], { encoding: "utf8" });
  const scanMs = Number(process.hrtime.bigint() - t1) / 1e6;
  if (scan.status !== 0) throw new Error(`scan of all-kaspersky.zip exited ${scan.status ?? scan.signal}: ${scan.stderr.slice(0, 2000)}`);
  const rss = /__bench__ (\{.*\})/.exec(scan.stderr);
  const maxRssMiB = rss ? JSON.parse(rss[1]!).maxRssKiB / 1024 : NaN;
  const doc = JSON.parse((await import("node:fs")).readFileSync(report, "utf8")) as { summary: { observations: number }; findings: { count: number }[] };
  rmSync(zip, { force: true });
  rmSync(report, { force: true });
  if (doc.summary.observations !== rows) throw new Error(`expected ${rows} observations, the scan read ${doc.summary.observations}`);
  if (doc.findings.length !== HOSTS) throw new Error(`expected ${HOSTS} findings (one per host), got ${doc.findings.length}`);
  return [
    `zip of all-Kaspersky rows, ${rows.toLocaleString("en-US")} rows (--max-old-space-size=256)`,
    `${(size / 1024 / 1024).toFixed(1)} MiB zip, ${(bytes / 1024 ** 3).toFixed(2)} GiB CSV`,
    `${grepMs.toFixed(0)} ms (unzip -p | grep: ${grep.stdout.trim()})`,
    `${scanMs.toFixed(0)} ms`,
    `${(scanMs / grepMs).toFixed(1)}x`,
    `${Math.round(rows / (scanMs / 1000)).toLocaleString("en-US")}`,
    `${maxRssMiB.toFixed(0)} MiB`,
    `${doc.findings.length} (one per host)`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const row = await benchKasperskyZip(join(PACKAGE_ROOT, "bench", "out"), join(PACKAGE_ROOT, "dist", "bench", "cli-child.js"));
  process.stdout.write(["input", "size", "baseline", "ictsguard scan", "ratio", "rows/s", "peak RSS", "findings"].map((h, i) => `${h}: ${row[i]}`).join("\n") + "\n");
}
