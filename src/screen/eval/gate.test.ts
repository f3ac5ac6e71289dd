/**
 * The screening quality gate (issue 12): the bundled evaluation set is screened at the default
 * threshold, as `ictsguard screen` decides, and the test fails when F1, precision or recall fall
 * below the figures recorded in recorded.json, or when the set shrinks under 1,000 pairs. Like
 * Grype's quality gate, it makes a regression in the matcher a failing build, not a surprise.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { packagePath } from "../../util/package-root.js";
import { DEFAULT_THRESHOLD } from "../run.js";
import { runEval } from "./run-eval.js";

type Recorded = { pairs: number; threshold: number; precision: number; recall: number; f1: number };
const recorded = JSON.parse(readFileSync(packagePath("src/screen/eval/recorded.json"), "utf8")) as Recorded;

describe("screening quality gate", () => {
  it("the recorded figures are for the default threshold, and meet the release target (F1 at least 0.97)", () => {
    assert.equal(recorded.threshold, DEFAULT_THRESHOLD);
    assert.ok(recorded.f1 >= 0.97, `recorded F1 ${recorded.f1}`);
  });

  it("F1, precision and recall at the default threshold are not below the recorded figures", async () => {
    const report = await runEval(await loadCatalogOrThrow(), { baselines: false });
    assert.ok(report.pairs >= 1000, `the set has ${report.pairs} pairs; at least 1,000 are required`);
    assert.ok(report.pairs >= recorded.pairs, `the set shrank from ${recorded.pairs} to ${report.pairs} pairs`);
    const at = report.systems[0]!.curve.find((p) => p.threshold === DEFAULT_THRESHOLD);
    assert.ok(at, `no point at the default threshold ${DEFAULT_THRESHOLD}`);
    const figures = `precision ${at.precision.toFixed(4)}, recall ${at.recall.toFixed(4)}, F1 ${at.f1.toFixed(4)} (TP ${at.tp}, FP ${at.fp}, FN ${at.fn})`;
    assert.ok(at.f1 >= recorded.f1, `screening F1 fell below the recorded ${recorded.f1}: ${figures}`);
    assert.ok(at.precision >= recorded.precision, `screening precision fell below the recorded ${recorded.precision}: ${figures}`);
    assert.ok(at.recall >= recorded.recall, `screening recall fell below the recorded ${recorded.recall}: ${figures}`);
  });
});
