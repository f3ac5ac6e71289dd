/**
 * @module
 * `npm run eval`: the detection evaluation on `eval/detection/corpus/` (ictsguard beside a grep
 * baseline), then the screening evaluation (`ictsguard screen eval`), both printed.
 * `--record` writes the detection figures the quality gate (gate.test.ts) holds the matcher to;
 * `--json FILE` writes the whole detection report; `--detection-only` skips screening, and
 * `--no-baselines` is passed to `screen eval` (its fuse.js baseline takes minutes).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { packagePath } from "../util/package-root.js";
import { buildCatalogIndex } from "../match/index.js";
import { loadCorpus } from "./corpus.js";
import { evaluateDetection } from "./evaluate.js";
import { formatDetectionReport } from "./format.js";
import { FIGURES_PATH, recordFigures } from "./figures.js";

const args = process.argv.slice(2);
const catalog = await loadCatalogOrThrow();
const index = buildCatalogIndex(catalog);
const groups = new Set(catalog.entities.filter((e) => e.type === "group").map((e) => e.id));
const report = evaluateDetection(loadCorpus(undefined, groups), index);
console.log("== Detection ==");
console.log(formatDetectionReport(report));
const jsonAt = args.indexOf("--json");
if (jsonAt >= 0 && args[jsonAt + 1]) {
  const { outcomes: _o, grepOutcomes: _g, ...figures } = report;
  writeFileSync(args[jsonAt + 1]!, JSON.stringify(figures, null, 2) + "\n");
}
if (args.includes("--record")) {
  recordFigures(report);
  console.log(`\nrecorded the detection figures in ${FIGURES_PATH}`);
}
if (!args.includes("--detection-only")) {
  console.log("\n== Screening (ictsguard screen eval) ==");
  const screenArgs = ["screen", "eval", ...(args.includes("--no-baselines") ? ["--no-baselines"] : [])];
  const screen = spawnSync(process.execPath, [packagePath("bin/ictsguard.js"), ...screenArgs], { stdio: "inherit" });
  process.exitCode = screen.status ?? 1;
}
