/**
 * A listing that names entities over time dates each inclusion for its own family: on the
 * bundled catalog, the FCC Covered List named Huawei, ZTE, Hytera, Hikvision and Dahua on
 * 2021-03-12 and AO Kaspersky Lab on 2022-03-25. Before, a Kaspersky finding or decision in
 * between said Kaspersky was on the list, with the listing's duties, from Huawei's date.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "../match/index.js";
import type { Catalog } from "../model/catalog.js";
import { createResolver } from "../report/document.js";
import { createScanner } from "../scan/scanner.js";
import { bundledCatalog } from "../testing/host.js";
import { createChecker, type Checker } from "./check.js";
import { createPolicy, type Policy } from "./judge.js";
import { phaseConcerns } from "./phase-scope.js";
import { parseAsOf } from "./time.js";

const FCC = "us-fcc-covered-list";
const SUBSIDY = /no FCC-administered federal subsidy/;
let catalog: Catalog;
let index: CatalogIndex;
let policy: Policy;
let checker: Checker;
before(async () => {
  catalog = await bundledCatalog();
  index = buildCatalogIndex(catalog);
  policy = createPolicy(index);
  checker = createChecker(catalog);
});

const fccDuties = (name: string, vendor: string, date: string): string[] => {
  const m = matchObservation({ kind: "software", name, vendor, source: { file: "t.csv" } }, index).matches[0]!;
  const rule = policy.judge(m, "business", parseAsOf(date)).rules.find((r) => r.id === FCC);
  assert.ok(rule, `the FCC Covered List names ${vendor}'s product`);
  return rule.obligations;
};

describe("phases that name their entities", () => {
  it("phaseConcerns: a phase with entities concerns their families only; one without concerns every family", () => {
    const fcc = catalog.rules.find((r) => r.id === FCC)!;
    const phase = (id: string) => fcc.phases.find((p) => p.id === id)!;
    assert.equal(phaseConcerns(phase("initial-list"), "huawei", index.groupOf), true);
    assert.equal(phaseConcerns(phase("initial-list"), "kaspersky", index.groupOf), false);
    // the phase names AO Kaspersky Lab, a member: it concerns the whole family
    assert.equal(phaseConcerns(phase("kaspersky-china-mobile-china-telecom-added"), "kaspersky", index.groupOf), true);
    assert.equal(phaseConcerns(phase("no-equipment-authorization"), "kaspersky", index.groupOf), true);
  });

  it("a Kaspersky finding carries the listing's subsidy duty from Kaspersky's own inclusion, once", () => {
    assert.deepEqual(fccDuties("Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "2021-06-01"), []);
    const after = fccDuties("Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "2025-01-01");
    assert.equal(after.filter((d) => SUBSIDY.test(d)).length, 1, "two inclusions of the family (2022, 2024) bring one duty");
    // Huawei's from the initial list
    assert.equal(fccDuties("Huawei PC Manager", "Huawei Device Co., Ltd.", "2021-06-01").filter((d) => SUBSIDY.test(d)).length, 1);
  });

  it("check says Kaspersky is named by the FCC Covered List from 2022-03-25 on, not before", () => {
    const on = (date: string) => checker.check({ role: "business", action: "use", product: "Kaspersky Endpoint Security", date }).explanation;
    assert.doesNotMatch(on("2022-03-24"), /FCC Covered List/);
    assert.match(on("2022-03-25"), /also named by .*FCC Covered List/);
  });

  it("a report shows the listing's duty for Kaspersky from Kaspersky's own inclusion, once, as the scan judged it", async () => {
    // the table and HTML report read duties from the report's rules table, not from the judgment
    const dutiesOn = async (asOf: string): Promise<string[]> => {
      const scanner = createScanner({ catalog, profile: "business", asOf });
      scanner.add({ kind: "software", name: "Kaspersky Threat Intelligence Portal", vendor: "AO Kaspersky Lab", host: "h1", source: { file: "t.csv", line: 2 } });
      const doc = await scanner.finish();
      const fcc = doc.rules.find((r) => r.id === FCC)!;
      assert.deepEqual(fcc.phases.find((p) => p.id === "initial-list")!.vendors, ["huawei", "zte", "hytera", "hikvision", "dahua"]);
      assert.equal(fcc.phases.find((p) => p.id === "no-equipment-authorization")!.vendors, undefined);
      return createResolver(doc)(doc.findings[0]!).rules.find((r) => r.id === FCC)!.obligations.filter((d) => SUBSIDY.test(d));
    };
    assert.deepEqual(await dutiesOn("2021-06-01"), [], "Huawei's 2021 inclusion is not Kaspersky's");
    assert.equal((await dutiesOn("2025-01-01")).length, 1, "three inclusions in force, one duty");
  });
});
