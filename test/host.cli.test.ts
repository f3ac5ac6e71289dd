/**
 * End-to-end tests of `ictsguard scan --host`: the real command, run as a child process, collecting
 * from the machine the tests run on (the CI machine: a Linux box without Kaspersky), and from a
 * fake root built in a temporary folder that holds Kaspersky's Linux install paths and package
 * database; an unreadable source is a warning and the rest is still collected.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { buildFakeLinuxRoot } from "../src/testing/fake-linux-root.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");

type Run = { code: number; stdout: string; stderr: string };
function run(args: string[], options: { uid?: number } = {}): Run {
  const cwd = tempDir("ictsguard-cwd-"); // no stray config file
  if (options.uid !== undefined) chmodSync(cwd, 0o755);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    input: "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", HOME: cwd },
    maxBuffer: 64 * 1024 * 1024,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function scanJson(args: string[], options: { uid?: number } = {}): { code: number; doc: ReportDocument; stderr: string } {
  const r = run(["scan", "-o", "json", "--quiet", "--as-of", "2025-01-01", ...args], options);
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as ReportDocument, stderr: r.stderr };
}
const entry = (doc: ReportDocument, source: string) => {
  const e = doc.collected?.find((c) => c.source === source);
  assert.ok(e, `no ${source} in ${JSON.stringify(doc.collected)}`);
  return e;
};

describe("scan --host on this machine", () => {
  it("exits 0 with no findings and lists what it collected, source by source", () => {
    const { code, doc } = scanJson(["--host"]);
    assert.equal(code, 0, JSON.stringify(doc.errors));
    assert.deepEqual(doc.findings, []);
    assert.equal(doc.summary.errors, 0, JSON.stringify(doc.errors));
    assert.ok(doc.collected && doc.collected.length > 0);
    assert.equal(doc.inputs.length, 1);
    assert.match(doc.inputs[0]!, /^host:/);
    for (const c of doc.collected) {
      assert.ok(Number.isInteger(c.items) && c.items >= 0, c.source);
      if (c.skipped) assert.equal(c.items, 0, c.source);
      if (c.skipped) assert.ok(c.reason && c.reason.length > 10, `${c.source} skipped without a reason`);
      assert.ok(c.description && c.reads, c.source);
    }
    assert.equal(doc.summary.observations, doc.collected.reduce((n, c) => n + c.items, 0));
    // warnings (an unreadable /proc/<pid>/exe ...) name what could not be read
    for (const w of doc.errors) assert.equal(w.severity, "warning");

    if (process.platform === "linux") {
      assert.deepEqual(doc.collected.map((c) => c.source), [
        "linux/dpkg",
        "linux/rpm",
        "linux/install-paths",
        "linux/systemd-units",
        "linux/processes",
        "linux/kernel-modules",
        "linux/browser-extensions",
      ]);
      // what this machine has is counted; what it lacks is stated as skipped
      const has = (path: string) => existsSync(path);
      const packages = entry(doc, "linux/dpkg").items + entry(doc, "linux/rpm").items;
      if (has("/var/lib/dpkg/status") || has("/var/lib/rpm")) assert.ok(packages > 0, "installed packages counted");
      assert.equal(entry(doc, "linux/dpkg").skipped === true, !has("/var/lib/dpkg/status"));
      const pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
      assert.ok(pids.length === 0 || entry(doc, "linux/processes").items > 0, "running processes counted");
      assert.equal(entry(doc, "linux/kernel-modules").skipped === true, !has("/proc/modules"));
      if (has("/proc/modules")) assert.ok(entry(doc, "linux/kernel-modules").items > 0);
      const unitDirs = ["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"].filter(has);
      if (unitDirs.length > 0) assert.ok(entry(doc, "linux/systemd-units").items > 0, "systemd units counted");
      assert.ok(!entry(doc, "linux/install-paths").skipped);
    }
  });

  it("shows the collected sources in the table", () => {
    const r = run(["scan", "--host", "-o", "table", "--quiet"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No restricted software found in \d+ observations from 1 input\./);
    assert.match(r.stdout, /Collected from .+ \(\d+ items? from \d+ sources\):/);
    if (process.platform === "linux") {
      assert.match(r.stdout, /\n {2}linux\/dpkg +(\d+|skipped) {2}installed Debian packages/);
      assert.match(r.stdout, /\n {2}linux\/processes +\d+ {2}running processes/);
    }
  });
});

describe("scan --host-root: a fake root with Kaspersky for Linux", () => {
  it("finds the package database entries, install folders, units, processes and extension", () => {
    const root = buildFakeLinuxRoot();
    const { code, doc } = scanJson(["--host-root", root]);
    assert.equal(code, 1);
    assert.deepEqual(doc.inputs, ["host:kesl-box"]);
    // one finding per product on the host: the package, its folder, its unit and its process merge
    const found = new Set(doc.findings.map((f) => `${f.source.reader} ${f.observation.name} ${f.product} ×${f.count}`));
    for (const expected of [
      "host/linux/dpkg kesl kaspersky-endpoint-security ×4",
      "host/linux/dpkg klnagent64 kaspersky-security-center ×4",
      "host/linux/browser-extensions Kaspersky Protection kaspersky-protection-extension ×2",
    ]) {
      assert.ok(found.has(expected), `${expected} not in\n${[...found].join("\n")}`);
    }
    const matched = (product: string) => new Set(doc.findings.find((f) => f.product === product)!.evidence.map((e) => e.matcher));
    for (const m of ["purl", "path", "service"]) assert.ok(matched("kaspersky-endpoint-security").has(m as never), m);
    for (const f of doc.findings) {
      assert.equal(f.vendor, "kaspersky");
      assert.equal(f.status, "unsupported");
      assert.equal(f.observation.host, "kesl-box");
    }
    const kesl = doc.findings.find((f) => f.product === "kaspersky-endpoint-security")!;
    assert.deepEqual(kesl.source, { file: `host:${root}/var/lib/dpkg/status`, line: 11, reader: "host/linux/dpkg" });
    assert.equal(entry(doc, "linux/dpkg").items, 5);
    assert.equal(entry(doc, "linux/systemd-units").items, 6);
    assert.equal(entry(doc, "linux/rpm").skipped, true);
  });

  it("the table shows the findings and what was collected", () => {
    const r = run(["scan", "--host-root", buildFakeLinuxRoot(), "-o", "table", "--quiet", "--as-of", "2025-01-01"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /unsupported +Kaspersky +Kaspersky Endpoint Security +kesl 12\.1\.0-1145 +…\S*\/var\/lib\/dpkg\/status:11 /);
    assert.match(r.stdout, /Collected from kesl-box \(\d+ items from 7 sources\):/);
    assert.match(r.stdout, /linux\/rpm +skipped {2}installed RPM packages \(rpm\): no rpm database/);
  });

  it("an unreadable source is a warning naming the path; the rest is still collected", () => {
    const root = buildFakeLinuxRoot();
    const asRoot = process.getuid?.() === 0;
    // root reads anything: run as nobody then, over a root nobody may walk
    chmodSync(root, 0o755);
    chmodSync(join(root, "var/lib/dpkg/status"), 0o000);
    chmodSync(join(root, "home/alex"), 0o000);
    const { code, doc } = scanJson(["--host-root", root], asRoot ? { uid: 65534 } : {});
    assert.equal(code, 1, JSON.stringify(doc.errors));
    assert.equal(doc.summary.errors, 0);
    const warnings = doc.errors.map((e) => `${e.code} ${e.severity} ${e.source.file}`);
    assert.ok(warnings.includes(`host/permission-denied warning host:${root}/var/lib/dpkg/status`), warnings.join("\n"));
    assert.ok(warnings.includes(`host/permission-denied warning host:${root}/home/alex`), warnings.join("\n"));
    const denied = doc.errors.find((e) => e.source.file.endsWith("/var/lib/dpkg/status"))!;
    assert.match(denied.message, /^permission denied: cannot read dpkg status database .*var\/lib\/dpkg\/status; run as root/);
    assert.equal(entry(doc, "linux/dpkg").items, 0);
    assert.equal(entry(doc, "linux/dpkg").skipped, undefined, "unreadable is not absent");
    assert.equal(entry(doc, "linux/dpkg").warnings, 1);
    // everything else was still read
    assert.equal(entry(doc, "linux/systemd-units").items, 6);
    assert.ok(doc.findings.some((f) => f.source.reader === "host/linux/install-paths" && f.observation.name === "/opt/kaspersky/kesl/"));
    assert.ok(doc.findings.some((f) => f.observation.name === "Kaspersky Protection"), "/root's profile still read");
  });
});

describe("scan: usage", () => {
  it("nothing to scan without inputs or --host is a usage error", () => {
    const r = run(["scan"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing to scan: name files, directories or - for standard input, or use --host/);
  });

  it("--host-root must be a folder", () => {
    const r = run(["scan", "--host-root", join(tmpdir(), "ictsguard-no-such-root")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--host-root .*not a folder/);
  });

  it("--host with files scans both, the files first", () => {
    const root = buildFakeLinuxRoot();
    const { doc } = scanJson(["--host-root", root, repoPath("examples/fleet/windows-software.csv")]);
    assert.deepEqual(doc.inputs, [repoPath("examples/fleet/windows-software.csv"), "host:kesl-box"]);
    assert.ok(doc.findings.some((f) => f.source.reader === "inventory/csv"));
    assert.ok(doc.findings.some((f) => f.source.reader === "host/linux/dpkg"));
  });
});
