/**
 * Writes docs/decision-table.md from the engine (`npm run docs:decision-table`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { PACKAGE_ROOT } from "../util/package-root.js";
import { createChecker } from "./check.js";
import { renderDecisionTable } from "./decision-table.js";

const catalog = await loadCatalogOrThrow();
const path = join(PACKAGE_ROOT, "docs", "decision-table.md");
writeFileSync(path, renderDecisionTable(createChecker(catalog), catalog));
process.stdout.write(`wrote ${path}\n`);
