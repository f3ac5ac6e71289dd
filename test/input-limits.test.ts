/**
 * The input limits of issue 13 that the last fuzz campaign found missing or not honoured, through
 * the real CLI and scan: JSON nesting depth in the streaming JSON readers, the per-input time
 * limit during synchronous work, the configured record limit on the CSV fast path and in
 * `check --batch`, the gzip expansion ratio, and bounded config errors. Each case states its
 * bound (wall clock, generous: the machine may be loaded) and shows that the restricted row after
 * the fault is found, or that the run exits 2.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";
import { runScan } from "../src/scan/index.js";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import { parseAsOf } from "../src/policy/time.js";
import { DEFAULT_LIMITS } from "../src/io/limits.js";
import { MAX_CONFIG_CHARS, parseConfig } from "../src/config/file.js";
import type { Issue } from "../src/model/issue.js";
import { IctsError } from "../src/model/errors.js";

const BIN = repoPath("bin", "ictsguard.js");
const HEADER = "hostname,name,publisher,version";
const KASPERSKY_ROW = "h2,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,11.0";

type Run = { code: number; stdout: string; stderr: string; ms: number };
function run(args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });
}
const products = (stdout: string): string[] => (JSON.parse(stdout) as { findings: { product: string }[] }).findings.map((f) => f.product);
const errorsOf = (stdout: string): { code: string; message: string; source: { file: string; line?: number } }[] => (JSON.parse(stdout) as { errors: { code: string; message: string; source: { file: string; line?: number } }[] }).errors;

const dir = tempDir();
const file = (name: string, data: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const config = (name: string, limits: Record<string, number>): string => file(name, `limits:\n${Object.entries(limits).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n`);

describe("input limits (issue 13)", () => {
  it("CycloneDX JSON nested 300,000 deep (600 kB): one located json/too-deep error, the Kaspersky component after it found, exit 2 (bound: 20 s; 7.5 s before, unbounded)", async () => {
    const n = 300_000;
    const deep = `${"[".repeat(n)}${"]".repeat(n)}`;
    const p = file(
      "deep.cdx.json",
      `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[\n{"type":"library","name":"x","properties":${deep}},\n{"type":"application","name":"Kaspersky Endpoint Security","publisher":"AO Kaspersky Lab","version":"11.0"}\n]}\n`,
    );
    const r = await run(["scan", p, "-o", "json"]);
    assert.ok(r.ms < 20_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"), r.stdout.slice(0, 400));
    const deepErrors = errorsOf(r.stdout).filter((e) => e.code === "json/too-deep");
    assert.equal(deepErrors.length, 1, JSON.stringify(errorsOf(r.stdout)));
    assert.equal(deepErrors[0]!.source.line, 2);
    assert.match(deepErrors[0]!.message, /nested deeper than 512 levels/);
  });

  it("the nesting limit is the config's limits.maxDepth: a value 40 deep is cut at 20, and reading goes on", async () => {
    const p = file("d40.cdx.json", `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"x","properties":${"[".repeat(40)}${"]".repeat(40)}},{"type":"application","name":"Kaspersky Endpoint Security","publisher":"AO Kaspersky Lab"}]}\n`);
    const shallow = await run(["scan", p, "-o", "json"]);
    assert.equal(shallow.code, 1, shallow.stderr); // within the default 512: no error
    const r = await run(["scan", p, "-o", "json", "--config", config("depth.yaml", { maxDepth: 20 })]);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    assert.ok(errorsOf(r.stdout).some((e) => e.code === "json/too-deep" && /deeper than 20 levels/.test(e.message)));
  });

  it("the per-input time limit fires during synchronous work: a CSV handed over in one chunk stops with a located limit/time error", async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `h${i},Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,11.${i % 7}`);
    const bytes = Buffer.from(`${HEADER}\n${rows.join("\n")}\n`);
    const issues: Issue[] = [];
    const started = performance.now();
    const report = await runScan({
      inputs: ["-"],
      // one chunk: the reader never waits for input, so a timer alone never gets a turn
      stdin: Readable.from([bytes]),
      inputFormat: "inventory/csv",
      catalog: await loadCatalogOrThrow(),
      profile: "business",
      asOf: parseAsOf("2025-01-01"),
      today: "2025-01-01",
      limits: { ...DEFAULT_LIMITS, maxSecondsPerInput: 0.05 },
      onIssue: (i) => issues.push(i),
    });
    const ms = performance.now() - started;
    const time = issues.filter((i) => i.code === "limit/time");
    assert.equal(time.length, 1, `${Math.round(ms)} ms; ${JSON.stringify(issues.slice(0, 3))}`);
    assert.equal(time[0]!.source.file, "-");
    assert.match(time[0]!.message, /longer than the limit of 0\.05 s \(limits\.maxSecondsPerInput\) after \d+ records/);
    assert.ok(report.summary.observations < rows.length, `${report.summary.observations} observations: the rest was not read`);
  });

  it("the CSV fast path keeps the configured record limit: a 2,000-character row over limits.maxRecordChars 1024 is located, the Kaspersky row after it found, exit 2", async () => {
    const p = file("long.csv", `${HEADER}\nh1,${"A".repeat(2_000)},Vendor,1\n${KASPERSKY_ROW}\n`);
    const plain = await run(["scan", p, "-o", "json"]);
    assert.equal(plain.code, 1, plain.stderr); // within the default limit
    const r = await run(["scan", p, "-o", "json", "--config", config("rec.yaml", { maxRecordChars: 1024 })]);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    const e = errorsOf(r.stdout).find((x) => x.code === "csv/record-too-long");
    assert.ok(e, JSON.stringify(errorsOf(r.stdout)));
    assert.equal(e.source.line, 2);
    assert.match(e.message, /over the limit of 1024 characters/);
  });

  it("check --batch honours the config's limits: a row over limits.maxRecordChars is a located error and the next row is decided", async () => {
    const batch = file("po.csv", `role,action,vendor,date,po\nbusiness,buy,Acme ${"x".repeat(2_000)},2025-01-01,1\nbusiness,buy,AO Kaspersky Lab,2025-01-01,2\n`);
    const plain = await run(["check", "--batch", batch, "-o", "jsonl"]);
    assert.notEqual(plain.code, 2, plain.stderr); // within the default limit: every row decided
    const r = await run(["check", "--batch", batch, "-o", "jsonl", "--config", config("batch.yaml", { maxRecordChars: 1024 })]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { error?: { code: string; message: string; source: { line: number } }; decision?: string; input?: { vendor?: string } });
    const error = lines.find((l) => l.error);
    assert.ok(error?.error, r.stdout.slice(0, 500));
    assert.equal(error.error.source.line, 2);
    assert.match(error.error.message, /limit of 1024 characters/);
    assert.equal(lines.filter((l) => l.decision !== undefined).length, 1);
  });

  it("check --batch honours limits.maxSecondsPerInput: a long batch stops with a located limit/time error, exit 2", async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `business,buy,Vendor ${i},2025-01-01,${i}`);
    const batch = file("many.csv", `role,action,vendor,date,po\n${rows.join("\n")}\n`);
    const r = await run(["check", "--batch", batch, "-o", "jsonl", "--config", config("time.yaml", { maxSecondsPerInput: 0.2 })]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /many\.csv:\d+: .*longer than the limit of 0\.2 s \(limits\.maxSecondsPerInput\)/);
    assert.ok(r.stdout.trim().split("\n").length < rows.length);
  });

  it("a gzip input expanding past limits.maxGzipRatio (after 64 MiB) ends with a located limit/gzip-ratio error, the rows before kept, exit 2 (bound: 30 s)", async () => {
    const filler = Buffer.from("h,Program,Vendor,1.0\n".repeat(3_400_000)); // 68 MiB of one row: about 1,000:1
    const p = file("bomb.csv.gz", gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n${KASPERSKY_ROW}\n`), filler])));
    const r = await run(["scan", p, "-o", "json", "--config", config("gz.yaml", { maxGzipRatio: 100 })]);
    assert.ok(r.ms < 30_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    const e = errorsOf(r.stdout).find((x) => x.code === "limit/gzip-ratio");
    assert.ok(e, JSON.stringify(errorsOf(r.stdout)));
    assert.match(e.message, /over the limit of 100 \(limits\.maxGzipRatio\)/);
  });

  it("a header line of 2 MB of NULs is an error that quotes a short escaped excerpt, never the raw bytes (scan and check --batch; stderr < 4 kB)", async () => {
    const nuls = "\0".repeat(2 * 1024 * 1024);
    const inventory = file("nul-header.csv", `${nuls},name\n${KASPERSKY_ROW}\n`);
    const scan = await run(["scan", inventory, "--input-format", "inventory/csv", "-o", "json"]);
    const batch = await run(["check", "--batch", file("nul-header-po.csv", `${nuls},role\nbusiness,buy\n`), "-o", "jsonl"]);
    for (const [what, r] of [["scan", scan], ["check --batch", batch]] as const) {
      assert.equal(r.code, 2, `${what}: ${r.stderr.slice(0, 300)}`);
      assert.ok(r.stderr.length < 4_000, `${what}: ${r.stderr.length} characters of stderr`);
      assert.ok(!r.stderr.includes("\0") && !r.stdout.includes("\0"), `${what}: a raw NUL reached the output`);
      assert.match(r.stderr, /nul-header(-po)?\.csv:1: /);
    }
  });

  it("config files: a 1 MB quote storm, a 4 MB file and 10,000 invalid entries each end in a located, bounded, escaped error (bound: 10 s of CPU each; the storm took minutes before)", () => {
    const cases: [string, string, RegExp][] = [
      ["storm", `profile: business\nexceptions:\n  - reason: ${'"'.repeat(1_000_000)}a\n`, /^config\/yaml$/],
      ["large", `# ${"x".repeat(4 * 1024 * 1024)}\nprofile: business\n`, /^config\/too-large$/],
      ["invalid", `exceptions:\n${"  - product: x\n    host\u001b[31mx: 1\n".repeat(10_000)}`, /^config\/invalid$/],
    ];
    for (const [name, text, code] of cases) {
      // CPU time, not wall time: the parse is synchronous, and the machine running the tests may be loaded
      const started = process.cpuUsage();
      const err = (() => {
        try {
          parseConfig(text, `${name}.yaml`);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      const used = process.cpuUsage(started);
      const ms = (used.user + used.system) / 1000;
      assert.ok(ms < 10_000, `${name}: ${Math.round(ms)} ms of CPU`);
      assert.ok(err instanceof IctsError, `${name}: ${String(err)}`);
      assert.match(err.code, code);
      assert.match(err.message, new RegExp(`${name}\\.yaml:\\d+`));
      assert.ok(err.message.length < 5_000, `${name}: message of ${err.message.length} characters`);
      assert.doesNotMatch(err.message, /\u001b/);
    }
    assert.equal(MAX_CONFIG_CHARS, 1 << 20);
  });
});
