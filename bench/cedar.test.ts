/**
 * The benchmark's baseline must be the same rules: the Cedar policies generated from the catalog
 * (cedar-policies.ts) decide as the engine does, on a grid of every role and action over
 * representative parties and every phase boundary, and on random transactions.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import type { Category } from "../src/model/catalog.js";
import { ACTIONS, ROLES } from "../src/model/vocabulary.js";
import { buildCatalogIndex, type CatalogIndex } from "../src/match/catalog-index.js";
import { createDecider, type Subject, type Transaction } from "../src/policy/decide.js";
import { parseAsOf } from "../src/policy/time.js";
import { createCedarEngine, fromDecide, verdictKey } from "./check.js";
import { dateSamples, randomTransactions } from "./transactions.js";

let index: CatalogIndex;
before(async () => {
  index = buildCatalogIndex(await loadCatalogOrThrow());
});

describe("Cedar baseline", () => {
  it("decides like the engine: same decision and same deciding rules", () => {
    const decider = createDecider(index);
    const cedar = createCedarEngine(index);
    const parties: [Subject[], Category | undefined][] = [
      [[{ entity: "kaspersky", as: "maker", confidence: 1 }], "antivirus"],
      [[{ entity: "kaspersky", as: "counterparty", confidence: 1 }], undefined],
      [[{ entity: "ao-kaspersky-lab", as: "counterparty", confidence: 1 }], "threat-intelligence"],
      [[{ entity: "kaspersky-lab-inc", as: "counterparty", confidence: 0.6 }], "endpoint-security"],
      [[{ entity: "huawei", as: "counterparty", confidence: 1 }], "telecom-equipment"],
      [[{ entity: "anton-mikhaylovich-ivanov", as: "counterparty", confidence: 1 }], undefined],
      // issue 11: conditions (purpose limit, consulting, affiliates), stated facts, actions leading to use
      [[{ entity: "hikvision", as: "maker", confidence: 1 }], "video-surveillance"],
      [[{ entity: "kaspersky", as: "counterparty", confidence: 1 }], "consulting"],
      [[{ entity: "kaspersky-labs-gmbh", as: "counterparty", confidence: 1 }], undefined],
    ];
    const contexts: Transaction["context"][] = [undefined, { counterparty: "government" }, { funding: "federal" }];
    const dates = dateSamples(index.catalog).filter((_, i) => i % 4 === 0);
    const grid: Transaction[] = [];
    for (const [subjects, category] of parties)
      for (const role of ROLES)
        for (const action of ACTIONS)
          for (const d of dates.filter((_, i) => (i + role.length + action.length) % 7 === 0))
            for (const context of category === "telecom-equipment" || category === "video-surveillance" || category === "antivirus" ? contexts : [undefined]) grid.push({ role, action, subjects, category, relation: "own", context, asOf: parseAsOf(d) });
    const txs = [...grid, ...randomTransactions(index, 1500, 99)];
    const seen = new Set<string>();
    for (const tx of txs) {
      const ours = fromDecide(decider.decide(tx));
      assert.equal(verdictKey(cedar.decide(tx)), verdictKey(ours), JSON.stringify(tx));
      seen.add(ours.decision);
    }
    assert.deepEqual([...seen].sort(), ["allowed", "license-required", "prohibited", "review"]);
    assert.ok(txs.length > 2000, `${txs.length} transactions`);
  });
});
