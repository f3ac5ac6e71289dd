/**
 * The results log's JSON line check is compiled to WebAssembly (asm/json-line.ts); where
 * WebAssembly cannot run (`node --jitless` has none) readers fall back to the JavaScript check of
 * src/readers/_json-line.ts. The command line must then give the same report, exit code and
 * errors: this runs the bundled command line both ways over one results log.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, it } from "node:test";
import { tempDir } from "../src/testing/temp.js";
import { packagePath } from "../src/util/package-root.js";

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** A results log of many hosts: the same programs again and again, some restricted, two column sets, a look-alike, a broken line. */
function writeLog(path: string): void {
  const programs = [
    { name: "Kaspersky Endpoint Security for Windows", publisher: "AO Kaspersky Lab", install_location: "C:\\Program Files\\Kaspersky\\" },
    { name: "Mozilla Firefox (x64 en-US)", publisher: "Mozilla", install_location: "C:\\Program Files\\Mozilla\\" },
    { name: "Telegram Desktop", publisher: "Telegram FZ-LLC", install_location: "C:\\Program Files\\Telegram\\" },
    { name: "Kasperski Antivirus", publisher: "Kasperski", install_location: "" },
    { name: "Google Chrome", publisher: "Google LLC", install_location: "C:\\Program Files\\Google\\" },
  ];
  const lines: string[] = [];
  for (let n = 0; n < 3000; n++) {
    const p = programs[n % programs.length]!;
    const host = `ws-${String(n % 700).padStart(6, "0")}`;
    const columns = n % 11 === 0 ? { name: p.name, version: `1.${n % 7}`, source: "programs" } : { ...p, version: `${n % 9}.0.${n}`, install_date: "20240115" };
    lines.push(JSON.stringify({ name: "pack_inventory_programs", hostIdentifier: host, unixTime: 1727942400 + n, columns, action: n % 13 === 0 ? "removed" : "added" }));
    if (n === 1500) lines.push(`{"name":"pack_inventory_programs","hostIdentifier":"ws-1","columns":{"name":"broken`);
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

it("the scan of a results log gives the same report without WebAssembly (node --jitless)", () => {
  const log = join(dir, "osqueryd.results.log");
  writeLog(log);
  const run = (flags: string[]) => {
    const out = join(dir, `report${flags.length}.json`);
    const r = spawnSync(process.execPath, [...flags, packagePath("bin", "ictsguard.js"), "scan", log, "-o", "json", "--output-file", out, "--threads", "1"], { encoding: "utf8" });
    const report = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown> & { summary: { findings: number; lookalikes: number; errors: number } };
    delete report.generatedAt;
    return { status: r.status, report, errors: r.stderr.split("\n").filter((l) => l.startsWith("ictsguard:")) };
  };
  const jitless = spawnSync(process.execPath, ["--jitless", "-e", "process.stdout.write(typeof WebAssembly)"], { encoding: "utf8" });
  assert.equal(jitless.stdout, "undefined", "node --jitless has no WebAssembly, so the fallback runs");
  const compiled = run([]);
  const script = run(["--jitless"]);
  assert.ok(compiled.report.summary.findings > 0 && compiled.report.summary.lookalikes > 0 && compiled.report.summary.errors === 1, JSON.stringify(compiled.report.summary));
  assert.deepEqual(script, compiled);
});
