/**
 * docs/decision-table.md is generated from the engine: this fails when it was edited by hand or
 * the catalog or the engine changed without regenerating it (`npm run docs:decision-table`).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { repoPath } from "../testing/index.js";
import { createChecker } from "./check.js";
import { renderDecisionTable } from "./decision-table.js";

describe("the decision table in docs", () => {
  it("matches what the engine decides, cell for cell", async () => {
    const catalog = await loadCatalogOrThrow();
    const generated = renderDecisionTable(createChecker(catalog), catalog);
    const written = readFileSync(repoPath("docs", "decision-table.md"), "utf8");
    const a = written.split("\n");
    const b = generated.split("\n");
    const first = b.findIndex((line, i) => line !== a[i]);
    assert.equal(first === -1 && a.length === b.length, true, `docs/decision-table.md differs from the engine at line ${first + 1}:\n  docs:   ${a[first]}\n  engine: ${b[first]}\nrun npm run docs:decision-table`);
  });

  it("shows the answers of issue 11 (a check of the generator itself)", async () => {
    const written = readFileSync(repoPath("docs", "decision-table.md"), "utf8");
    // a federal contractor buying covered equipment is never allowed once Part B is in force
    assert.match(written, /\| federal-contractor \| buy \| allowed \| allowed \| review → prohibited R\d+ \|/);
    // Kaspersky support is prohibited from 00:00 EDT on 29 Sep 2024, not the minute before
    assert.match(written, /\| business \| support \| allowed \| allowed \| allowed \| allowed \| allowed \| allowed \| prohibited R\d+ \|/);
  });
});
