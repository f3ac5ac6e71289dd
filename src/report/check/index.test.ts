import assert from "node:assert/strict";
import { PassThrough, Writable } from "node:stream";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import type { BatchSummary } from "../../check/index.js";
import type { CheckResult } from "../../model/decision.js";
import { createChecker } from "../../policy/check.js";
import { presenterFor } from "../presenter.js";
import { CHECK_FORMATS, CHECK_PRESENTERS, type CheckEvent, type CheckFormat, type CheckReport } from "./index.js";

let results: CheckResult[];
before(async () => {
  const checker = createChecker(await loadCatalogOrThrow());
  results = [
    { ...checker.check({ role: "business", action: "buy", vendor: "Kaspersky", category: "antivirus", date: "2025-01-01", ref: { po: "PO-\u001b[31m1" } }), source: { file: "o.csv", line: 2 } },
    { ...checker.check({ role: "exporter", action: "export", entity: "ao-kaspersky-lab", date: "2025-01-01" }), source: { file: "o.csv", line: 3 } },
  ];
});

const summary = (n: number): BatchSummary => ({
  rows: n + 1,
  decided: n,
  byDecision: { prohibited: n, "license-required": 0, review: 0, allowed: 0 },
  errors: 1,
  warnings: 0,
  failOn: "review",
  failed: n > 0,
});
const issue = { code: "batch/row", severity: "error" as const, message: "role: expected one of …", source: { file: "o.csv", line: 4 } };

async function render(format: CheckFormat, batch: boolean, list: CheckResult[]): Promise<string> {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d) => (text += d));
  const events = async function* (): AsyncGenerator<CheckEvent> {
    for (const r of list) yield { result: r };
    yield { issue };
  };
  const report: CheckReport = batch
    ? { kind: "batch", input: "o.csv", catalog: { version: "v", digest: "d".repeat(64) }, events: events(), summary: () => summary(list.length) }
    : { kind: "single", result: list[0]! };
  await presenterFor(CHECK_PRESENTERS, format, "check output").write(report, out, { color: false });
  return text;
}

describe("check presenters", () => {
  it("has a presenter for every format, and names them on an unknown one", () => {
    assert.deepEqual(Object.keys(CHECK_PRESENTERS), [...CHECK_FORMATS]);
    for (const f of CHECK_FORMATS) assert.equal(CHECK_PRESENTERS[f].format, f);
    assert.throws(() => presenterFor(CHECK_PRESENTERS, "xml" as CheckFormat, "check output"), /unknown check output format "xml"; known formats: table, json, jsonl/);
  });

  it("a batch pulls the next event only once the last one is written", async () => {
    let written = 0;
    const pulledAfter: number[] = [];
    const out = new Writable({
      highWaterMark: 1,
      write(_chunk, _e, done) {
        setImmediate(() => {
          written++;
          done();
        });
      },
    });
    const events = async function* (): AsyncGenerator<CheckEvent> {
      for (const r of results) {
        pulledAfter.push(written);
        yield { result: r };
      }
    };
    await CHECK_PRESENTERS.jsonl.write({ kind: "batch", input: "o.csv", catalog: { version: "v", digest: "d" }, events: events(), summary: () => summary(2) }, out, { color: false });
    assert.deepEqual(pulledAfter, [0, 1]);
    assert.equal(written, 2);
  });

  it("the streamed JSON document is valid JSON with decisions, errors and summary, for no rows and for many", async () => {
    for (const list of [[], results, [...results, ...results, ...results]]) {
      const doc = JSON.parse(await render("json", true, list)) as { decisions: CheckResult[]; errors: unknown[]; summary: BatchSummary; catalogDigest: string; input: string };
      assert.equal(doc.decisions.length, list.length);
      assert.deepEqual(doc.decisions, JSON.parse(JSON.stringify(list)));
      assert.deepEqual(doc.errors, [issue]);
      assert.equal(doc.summary.decided, list.length);
      assert.equal(doc.input, "o.csv");
    }
  });

  it("jsonl: one decision per line, errors as error lines", async () => {
    const lines = (await render("jsonl", true, results)).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[0].decision, "prohibited");
    assert.deepEqual(lines[2], { error: issue });
  });

  it("the batch table prints one line per row, with terminal escapes from the input dropped", async () => {
    const text = await render("table", true, results);
    assert.doesNotMatch(text, /\u001b/);
    assert.match(text, /^2\s+PO-1\s+prohibited\s+business\s+buy\s+Kaspersky · antivirus/m);
    assert.match(text, /^3\s+\S*\s+license-required\s+exporter\s+export\s+AO Kaspersky Lab/m);
    assert.match(text, /^4\s+error\s+o\.csv:4: role: expected one of/m);
    assert.match(text, /│ prohibited\s+│ 2\s+│/);
  });

  it("one decision as JSON is the decision object", async () => {
    const one = JSON.parse(await render("json", false, [results[1]!])) as CheckResult;
    assert.equal(one.decision, "license-required");
    assert.equal(one.rules[0]!.id, "us-bis-entity-list-kaspersky-2024");
  });
});
