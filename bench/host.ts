/**
 * @module
 * Benchmark of `scan --host-root` over a large fake Linux root: a dpkg database of 20,000
 * packages, 4,000 processes in /proc, 2,000 systemd units, 500 browser extensions, the Kaspersky
 * install of src/testing/fake-linux-root.ts among them. The baseline is GNU `LC_ALL=C grep -rciF kaspersky`
 * reading the same tree in the same run (every file once, no parsing), and `scan --host` on this
 * machine is timed too. Rows have the columns of bench/run.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, symlinkSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { timeGrep } from "./grep.js";
import { buildFakeLinuxRoot } from "../src/testing/fake-linux-root.js";

const PACKAGES = 20_000;
const PROCESSES = 4_000;
const UNITS = 2_000;
const EXTENSIONS = 500;

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The fake root of the tests, grown to a large server's size. */
export function buildLargeRoot(): string {
  const root = buildFakeLinuxRoot();
  const stanzas: string[] = [];
  for (let i = 0; i < PACKAGES; i++) {
    stanzas.push(
      `Package: pkg-${i}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: ${100 + (i % 900)}\n` +
        `Maintainer: Debian Maintainers <maint-${i % 97}@lists.debian.org>\nArchitecture: amd64\nVersion: ${1 + (i % 9)}.${i % 31}.${i % 7}-1\n` +
        `Description: package number ${i}\n long description line one\n .\n long description line two\n`,
    );
  }
  appendFileSync(join(root, "var/lib/dpkg/status"), "\n" + stanzas.join("\n"));
  for (let pid = 10_000; pid < 10_000 + PROCESSES; pid++) {
    const dir = join(root, "proc", String(pid));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "comm"), `worker-${pid % 300}\n`);
    writeFileSync(join(dir, "stat"), `${pid} (worker-${pid % 300}) S 1 ${pid} ${pid} 0 -1\n`);
    symlinkSync(`/usr/lib/app-${pid % 300}/bin/worker`, join(dir, "exe"));
  }
  for (let i = 0; i < UNITS; i++) {
    writeFileSync(join(root, "usr/lib/systemd/system", `svc-${i}.service`), `[Unit]\nDescription=Service ${i}\n\n[Service]\nExecStart=/usr/sbin/svc-${i} --serve\n`);
  }
  for (let i = 0; i < EXTENSIONS; i++) {
    const id = i.toString(16).padStart(32, "a").replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)]!).replace(/[q-z]/g, "p");
    const dir = join(root, "home/alex/.config/google-chrome/Default/Extensions", id, "1.0.0_0");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ name: `Extension ${i}`, version: "1.0.0", manifest_version: 3 }));
  }
  return root;
}

export function benchHost(child: string): string[][] {
  process.stderr.write(`building a fake root (${PACKAGES} packages, ${PROCESSES} processes, ${UNITS} units, ${EXTENSIONS} extensions)...\n`);
  const root = buildLargeRoot();
  const grep = timeGrep(["-r", root]);
  const rows: string[][] = [];
  for (const [label, args] of [
    ["scan --host-root (large fake root)", ["--host-root", root]],
    ["scan --host (this machine)", ["--host"]],
  ] as const) {
    const scan = timed(() =>
      spawnSync(process.execPath, [child, "scan", ...args, "-o", "json", "--quiet", "--fail-on", "none"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }),
    );
    if (scan.value.status !== 0) throw new Error(`${label} exited ${scan.value.status}: ${scan.value.stderr}`);
    const doc = JSON.parse(scan.value.stdout) as { summary: { observations: number; findings: number } };
    const rss = /__bench__ (\{.*\})/.exec(scan.value.stderr);
    const maxRssMiB = rss ? JSON.parse(rss[1]!).maxRssKiB / 1024 : NaN;
    const isRoot = args[0] === "--host-root";
    rows.push([
      `${label}, ${doc.summary.observations.toLocaleString("en-US")} observations`,
      "-",
      isRoot ? `${grep.ms.toFixed(0)} ms` : "-",
      `${scan.ms.toFixed(0)} ms`,
      isRoot ? `${(scan.ms / grep.ms).toFixed(1)}x` : "-",
      `${Math.round(doc.summary.observations / (scan.ms / 1000)).toLocaleString("en-US")}`,
      `${maxRssMiB.toFixed(0)} MiB`,
      `${doc.summary.findings}`,
    ]);
  }
  return rows;
}
