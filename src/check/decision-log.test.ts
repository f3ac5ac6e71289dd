import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { CheckResult } from "../model/decision.js";
import { createChecker } from "../policy/check.js";
import { openDecisionLog, type DecisionLogEntry } from "./decision-log.js";
import { tempDir } from "../testing/temp.js";

let result: CheckResult;
before(async () => {
  const checker = createChecker(await loadCatalogOrThrow());
  result = checker.check({ role: "business", action: "renew", vendor: "АО «Лаборатория Касперского»", category: "antivirus", date: "2024-07-20", ref: { po: "PO-1" } });
});

const here = fileURLToPath(new URL(".", import.meta.url));

describe("decision log", () => {
  it("appends one JSON line per decision with input, decision, rules, catalog version and digest, and time", () => {
    const path = join(tempDir("ictsguard-log-"), "sub", "decisions.jsonl");
    for (let i = 0; i < 2; i++) {
      const log = openDecisionLog(path);
      log.append(result);
      log.close();
    }
    const lines = readFileSync(path, "utf8").split("\n");
    assert.equal(lines.pop(), "", "ends with a newline");
    assert.equal(lines.length, 2, "a second run appends");
    const e = JSON.parse(lines[0]!) as DecisionLogEntry;
    assert.deepEqual(e.input, result.input);
    assert.equal(e.decision, "prohibited");
    assert.equal(e.catalogVersion, result.catalogVersion);
    assert.match(e.catalogDigest, /^[0-9a-f]{64}$/);
    assert.deepEqual(e.rules[0]!.phase, { id: "no-new-agreements", from: "2024-07-20", fromConfirmed: false });
    assert.equal(e.party.entity, "ao-kaspersky-lab");
    assert.ok(Math.abs(Date.parse(e.time) - Date.now()) < 60_000);
    assert.match(e.explanation, /^Prohibited/);
  });

  it("processes appending to the same log at once never interleave their lines", async () => {
    const path = join(tempDir("ictsguard-log-"), "decisions.jsonl");
    const writers = 4;
    const each = 300;
    // each writer logs a big entry (the explanation padded to ~8 KiB) many times
    const script = `
      const { openDecisionLog } = await import(${JSON.stringify(pathToFileURL(join(here, "decision-log.js")).href)});
      const result = JSON.parse(process.argv[1]);
      const log = openDecisionLog(process.argv[2]);
      for (let i = 0; i < ${each}; i++) log.append({ ...result, input: { ...result.input, ref: { writer: process.argv[3], n: String(i) } } });
      log.close();`;
    const big = { ...result, explanation: result.explanation + " x".repeat(4000) };
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(big), path, String(w)], { stdio: ["ignore", "ignore", "pipe"] });
          let err = "";
          child.stderr.on("data", (d) => (err += d));
          child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer ${w} exited ${code}: ${err}`))));
        }),
      ),
    );
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, writers * each);
    const seen = new Set<string>();
    for (const line of lines) {
      const e = JSON.parse(line) as DecisionLogEntry; // throws on an interleaved line
      seen.add(`${e.input.ref!.writer}/${e.input.ref!.n}`);
    }
    assert.equal(seen.size, writers * each, "every entry once");
  });
});
