/**
 * Hostile inputs from issue 13, through the real CLI: each finishes within a stated bound with
 * bounded output, and either the restricted row after the fault is found or the scan exits 2.
 * Bounds are wall-clock and generous (the machine may be loaded); the cases took minutes before.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";
import { detectReader } from "../src/readers/detect.js";
import { textProbe } from "../src/testing/index.js";
import { unexpectedErrorMessage } from "../src/cli/main.js";

const BIN = repoPath("bin", "ictsguard.js");
const KASPERSKY_ROW = "h2,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,11.0";
const HEADER = "hostname,name,publisher,version";

type Run = { code: number; stdout: string; stderr: string; ms: number };
function run(args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function products(stdout: string): string[] {
  return (JSON.parse(stdout) as { findings: { product: string }[] }).findings.map((f) => f.product);
}

const dir = tempDir();
const file = (name: string, data: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

describe("resource bounds (issue 13)", () => {
  it("a quote-dense CSV row: one located error, the Kaspersky row after it found, exit 2 (bound: 20 s, stderr < 2 kB)", async () => {
    const p = file("storm.csv", `${HEADER}\nh1,x${'"a'.repeat(100_000)},x,1\n${KASPERSKY_ROW}\n`);
    const r = await run(["scan", p, "-o", "json"]);
    assert.ok(r.ms < 20_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    assert.ok(r.stderr.length < 2_000, `${r.stderr.length} bytes of stderr`);
    assert.match(r.stderr, /storm\.csv:2: malformed CSV row/);
  });

  it("an unquoted CSV field over the record limit (3 MB): located error, the Kaspersky row after it found, exit 2 (bound: 20 s)", async () => {
    const p = file("bigfield.csv", `${HEADER}\nh1,${"A".repeat(3 * 1024 * 1024)},x,1\n${KASPERSKY_ROW}\n`);
    const r = await run(["scan", p, "-o", "json"]);
    assert.ok(r.ms < 20_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    assert.match(r.stderr, /bigfield\.csv:2: a record over the limit of 1048576 characters/);
  });

  it("CycloneDX XML nested 20,000 deep: the subtree past the depth limit skipped with a located error, the Kaspersky component after it found (bound: 20 s)", async () => {
    const n = 20_000;
    const p = file(
      "deep.cdx.xml",
      `<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>${'<component type="library"><name>x</name><components>'.repeat(n)}${"</components></component>".repeat(n)}<component type="application"><name>Kaspersky Endpoint Security</name><publisher>AO Kaspersky Lab</publisher></component></components></bom>\n`,
    );
    const r = await run(["scan", p, "-o", "json"]);
    assert.ok(r.ms < 20_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    assert.match(r.stderr, /deep\.cdx\.xml:2: elements nested deeper than the limit of 512 levels/);
    assert.ok(r.stderr.length < 2_000);
  });

  it("check --batch: a JSONL value nested 10,000 deep is a located row error and the next row is decided (bound: 15 s)", async () => {
    const deep = `{"role":"business","action":"buy","vendor":"x","ref":{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}}`;
    const p = file("deep.jsonl", `${deep}\n{"role":"business","action":"buy","vendor":"AO Kaspersky Lab","date":"2025-01-01"}\n`);
    const r = await run(["check", "--batch", p, "-o", "jsonl"]);
    assert.ok(r.ms < 15_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { error?: { code: string; source: { line: number } }; decision?: string });
    assert.equal(lines[0]!.error?.code, "batch/json");
    assert.equal(lines[0]!.error?.source.line, 1);
    assert.ok(lines.some((l) => l.decision !== undefined), r.stdout.slice(0, 500));
    assert.doesNotMatch(r.stderr, /RangeError|unexpected error|\n\s+at /);
  });

  it("an exception host glob made to backtrack (*a*a*a*a*a*a*a*a*a*b) against long host names finishes (bound: 15 s)", async () => {
    const host = "a".repeat(42);
    const csv = file("hosts.csv", `${HEADER}\n${Array.from({ length: 200 }, (_, i) => `${host}${i % 10},Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,11.0`).join("\n")}\n`);
    const config = file(
      "glob.yaml",
      `exceptions:\n  - host: "*a*a*a*a*a*a*a*a*a*b"\n    reason: test\n    author: test@example.com\n    expires: 2999-01-01\n`,
    );
    const r = await run(["scan", csv, "--config", config, "-o", "json"]);
    assert.ok(r.ms < 15_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 1);
    assert.equal(products(r.stdout).length, 10); // one finding per host, none excepted: no host ends in b
  });

  it("Windows DNS log detection on 64 KiB runs of white space is fast (bound: 10 s for 60 probes through every reader's detection; one took 5.9 s before)", () => {
    const probes = [" ".repeat(65_536), `a${" \t".repeat(32_000)}x`, `6/14/2023 10:12:45 AM${" ".repeat(60_000)}0D28 PACKET`];
    const started = performance.now();
    for (let i = 0; i < 20; i++) for (const p of probes) assert.equal(detectReader(textProbe(p))?.name === "network/windows-dns", false);
    assert.ok(performance.now() - started < 10_000, `${Math.round(performance.now() - started)} ms`);
  });

  it("a YAML alias bomb in the config is a located config error, exit 2, no stack trace (bound: 10 s)", async () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const config = file("bomb.yaml", `${levels.join("\n")}\n`);
    const r = await run(["scan", file("x.csv", `${HEADER}\n${KASPERSKY_ROW}\n`), "--config", config]);
    assert.ok(r.ms < 10_000, `${Math.round(r.ms)} ms`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bomb\.yaml:1: invalid YAML: Excessive alias count/);
    assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
  });

  it("a cut-off gzip input is a coded input/gzip error, the rows before the cut are kept, exit 2", async () => {
    const rows = [HEADER, KASPERSKY_ROW, ...Array.from({ length: 20_000 }, (_, i) => `h${i},Program ${i},Vendor,1.0`)].join("\n");
    const gz = gzipSync(Buffer.from(rows));
    const p = file("cut.csv.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await run(["scan", p, "-o", "json"]);
    assert.equal(r.code, 2);
    assert.ok(products(r.stdout).includes("kaspersky-endpoint-security"));
    const errors = (JSON.parse(r.stdout) as { errors: { code: string }[] }).errors;
    assert.ok(errors.some((e) => e.code === "input/gzip"), JSON.stringify(errors));
    assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
  });

  it("the catch-all names a bug and shows the stack only under --debug", () => {
    const err = new TypeError("boom\nsecond line");
    const plain = unexpectedErrorMessage(err, false);
    assert.match(plain, /internal error \(internal\/unexpected\): TypeError: boom\n/);
    assert.match(plain, /this is a bug in ictsguard.*--debug/);
    assert.doesNotMatch(plain, /\n\s+at /);
    assert.match(unexpectedErrorMessage(err, true), /\n\s+at /);
  });
});
