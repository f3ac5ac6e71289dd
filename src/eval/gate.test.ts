/**
 * The detection quality gate (issue 12), run by `npm test`: the matcher on the labelled corpus
 * (eval/detection/corpus/) must keep the F1 recorded in eval/detection/figures.json, overall, per
 * observation kind and per vendor, and precision at 0.99 or more overall and for every kind with
 * at least 30 labelled rows. Re-record with `node dist/src/eval/cli.js --record` only when
 * the figures improve.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { buildCatalogIndex } from "../match/index.js";
import { loadCorpus } from "./corpus.js";
import { evaluateDetection, type DetectionReport } from "./evaluate.js";
import { readFigures } from "./figures.js";

const PRECISION_FLOOR = 0.99;
const KIND_ROWS_FOR_PRECISION = 30;

describe("detection quality gate", () => {
  let report: DetectionReport;
  before(async () => {
    const catalog = await loadCatalogOrThrow();
    const groups = new Set(catalog.entities.filter((e) => e.type === "group").map((e) => e.id));
    report = evaluateDetection(loadCorpus(undefined, groups), buildCatalogIndex(catalog));
  });

  test("the corpus holds at least 1,000 labelled rows, restricted and clean", () => {
    assert.ok(report.rows >= 1000, `${report.rows} rows`);
    assert.ok(report.ictsguard.overall.positives >= 300 && report.rows - report.ictsguard.overall.positives >= 1000);
  });

  test("precision is at least 0.99 overall and for every kind with 30 or more rows", () => {
    const low: string[] = [];
    if (report.ictsguard.overall.precision < PRECISION_FLOOR) low.push(`overall ${report.ictsguard.overall.precision.toFixed(4)}`);
    for (const [kind, s] of Object.entries(report.ictsguard.byKind)) {
      if (s.rows >= KIND_ROWS_FOR_PRECISION && s.precision < PRECISION_FLOOR) low.push(`${kind} ${s.precision.toFixed(4)}`);
    }
    const wrong = report.outcomes.filter((o) => o.detected !== undefined && o.detected !== o.row.expect).slice(0, 10);
    assert.deepEqual(low, [], `precision below ${PRECISION_FLOOR}: ${low.join(", ")}; e.g. ${wrong.map((o) => `${o.row.file.split("/").pop()}:${o.row.line} "${o.row.observation.name}" → ${o.detected}`).join("; ")}`);
  });

  test("F1 does not fall below the recorded figures, overall, per kind and per vendor", () => {
    const recorded = readFigures();
    const fell: string[] = [];
    const check = (label: string, now: number | undefined, then: number) => {
      if ((now ?? 0) < then) fell.push(`${label}: ${(now ?? 0).toFixed(4)} < recorded ${then}`);
    };
    check("overall", report.ictsguard.overall.f1, recorded.overall.f1);
    for (const [k, f] of Object.entries(recorded.byKind)) check(`kind ${k}`, report.ictsguard.byKind[k]?.f1, f.f1);
    for (const [v, f] of Object.entries(recorded.byVendor)) check(`vendor ${v}`, report.ictsguard.byVendor[v]?.f1, f.f1);
    const missed = report.outcomes.filter((o) => o.row.expect !== "clean" && o.detected !== o.row.expect).slice(0, 10);
    assert.deepEqual(fell, [], `${fell.join("; ")}; misses e.g. ${missed.map((o) => `${o.row.file.split("/").pop()}:${o.row.line} "${o.row.observation.name}"`).join("; ")}`);
  });

  test("ictsguard beats the grep -i baseline on precision and F1", () => {
    assert.ok(report.ictsguard.overall.precision > report.grep.overall.precision);
    assert.ok(report.ictsguard.overall.f1 > report.grep.overall.f1);
  });
});
