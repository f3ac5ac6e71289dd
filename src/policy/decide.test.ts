import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Action, Category, Role } from "../model/catalog.js";
import { ACTIONS, ROLES } from "../model/vocabulary.js";
import { buildCatalogIndex, type CatalogIndex } from "../match/catalog-index.js";
import { miniCatalog } from "../testing/mini-catalog.js";
import { createDecider, type Decider, type Subject } from "./decide.js";
import { parseAsOf } from "./time.js";

const FD = "us-bis-icts-fd-kaspersky-2024";
const FAR = "us-ndaa18-1634-far-52-204-23";
const EL = "us-bis-entity-list-kaspersky-2024";
const BOD = "us-dhs-bod-17-01";
const S889 = "us-ndaa19-889-far-52-204-25";
const OFAC = "us-ofac-eo14024-kaspersky-execs-2024";

let index: CatalogIndex;
let decider: Decider;
before(async () => {
  index = buildCatalogIndex(await loadCatalogOrThrow());
  decider = createDecider(index);
});

type Tx = { role: Role; action: Action; date: string; maker?: string; counterparty?: string; category?: Category; confidence?: number; relation?: "own" | "integration" };
const decide = (t: Tx) => {
  const subjects: Subject[] = [];
  if (t.counterparty) subjects.push({ entity: t.counterparty, as: "counterparty", confidence: t.confidence ?? 1 });
  if (t.maker) subjects.push({ entity: t.maker, as: "maker", confidence: t.confidence ?? 1 });
  return decider.decide({ role: t.role, action: t.action, subjects, category: t.category, relation: t.relation ?? "own", asOf: parseAsOf(t.date) });
};
const ids = (r: ReturnType<typeof decide>) => r.deciding.map((o) => `${o.rule.id}:${o.decision}`).sort();

describe("decide: the boundary dates of every phase", () => {
  it("Final Determination phase 1: buying is allowed on 2024-07-19 and prohibited from 2024-07-20 (time of day unconfirmed)", () => {
    const before = decide({ role: "business", action: "buy", maker: "kaspersky", category: "antivirus", date: "2024-07-19" });
    assert.equal(before.decision, "allowed");
    assert.equal(before.next?.from, "2024-07-20");
    assert.equal(before.next?.decision, "prohibited");
    const on = decide({ role: "business", action: "buy", maker: "kaspersky", category: "antivirus", date: "2024-07-20" });
    assert.equal(on.decision, "prohibited");
    assert.deepEqual(ids(on), [`${FD}:prohibited`]);
    assert.equal(on.deciding[0]!.phase!.id, "no-new-agreements");
    assert.equal(on.deciding[0]!.phase!.fromConfirmed, false);
  });

  it("phase 2 starts at 00:00 US Eastern on 2024-09-29: instants compare as instants, a bare date is that day in the rule's zone", () => {
    const update = (date: string) => decide({ role: "business", action: "update", maker: "kaspersky", category: "endpoint-security", date }).decision;
    assert.equal(update("2024-09-28"), "allowed");
    assert.equal(update("2024-09-28T23:59:00-04:00"), "allowed");
    assert.equal(update("2024-09-28T23:59:59-04:00"), "allowed");
    assert.equal(update("2024-09-29T00:00:00-04:00"), "prohibited");
    assert.equal(update("2024-09-29"), "prohibited");
    assert.equal(update("2024-09-29T03:59:00Z"), "allowed", "03:59 UTC is 23:59 EDT on the 28th");
    assert.equal(update("2024-09-29T04:00:00Z"), "prohibited");
    assert.equal(update("2024-09-29T09:30:00+05:30"), "prohibited", "00:00 EDT in India");
    assert.equal(update("2024-09-29T09:29:00+05:30"), "allowed");
    const r = decide({ role: "reseller", action: "resell", maker: "kaspersky", category: "antivirus", date: "2024-09-29T00:00:00-04:00" });
    assert.equal(r.deciding[0]!.phase!.from, "2024-09-29T00:00:00-04:00");
  });

  it("FAR 52.204-23: agencies from 2018-10-01; contractors within the clause's scope (supply to the Government, contract performance)", () => {
    const agency = decide({ role: "federal-agency", action: "buy", maker: "kaspersky", category: "antivirus", date: "2018-10-01" });
    // before FAR 52.204-23, an agency's purchase is already barred: BOD 17-01 ended its use, and buying leads to use
    const early = decide({ role: "federal-agency", action: "buy", maker: "kaspersky", category: "antivirus", date: "2018-09-30" });
    assert.deepEqual(ids(early), [`${BOD}:prohibited`]);
    assert.equal(early.deciding[0]!.via, "use");
    assert.equal(agency.decision, "prohibited");
    assert.ok(ids(agency).includes(`${FAR}:prohibited`));
    assert.equal(decide({ role: "federal-contractor", action: "use", maker: "kaspersky", category: "antivirus", date: "2018-09-30" }).decision, "allowed");
    // a contractor's own use or purchase is covered only as part of contract performance: review, naming the scope
    const use = decide({ role: "federal-contractor", action: "use", maker: "kaspersky", category: "antivirus", date: "2018-10-01" });
    assert.deepEqual(ids(use), [`${FAR}:review`]);
    assert.equal(use.deciding[0]!.condition?.id, "far-52-204-23-scope");
    assert.equal(use.deciding[0]!.wouldBe, "prohibited");
    // supplying the Government is inside the scope: prohibited
    const supply = decider.decide({ role: "federal-contractor", action: "resell", subjects: [{ entity: "kaspersky", as: "maker", confidence: 1 }], category: "antivirus", context: { counterparty: "government" }, asOf: parseAsOf("2018-10-01") });
    assert.deepEqual(ids(supply), [`${FAR}:prohibited`]);
  });

  it("BOD 17-01: agencies begin removal on 2017-12-12", () => {
    assert.equal(decide({ role: "federal-agency", action: "use", maker: "kaspersky", category: "antivirus", date: "2017-12-11" }).decision, "allowed");
    const on = decide({ role: "federal-agency", action: "use", maker: "kaspersky", category: "antivirus", date: "2017-12-12" });
    assert.deepEqual(ids(on), [`${BOD}:prohibited`]);
    assert.equal(decide({ role: "business", action: "use", maker: "kaspersky", category: "antivirus", date: "2017-12-12" }).decision, "allowed");
  });

  it("Section 889: part A (agencies buying) from 2019-08-13, part B (contractors using) from 2020-08-13", () => {
    const buy = (date: string) => decide({ role: "federal-agency", action: "buy", counterparty: "huawei", category: "telecom-equipment", date });
    assert.equal(buy("2019-08-12").decision, "allowed");
    // Huawei: the section 889(a)(2) exceptions are a condition the tool cannot see
    assert.deepEqual(ids(buy("2019-08-13")), [`${S889}:review`]);
    assert.equal(buy("2019-08-13").deciding[0]!.condition?.id, "section-889-a-2-exceptions");
    assert.equal(buy("2019-08-13").ifConfirmed, "prohibited");
    const use = (date: string) => decide({ role: "federal-contractor", action: "use", maker: "hikvision", category: "video-surveillance", date });
    assert.equal(use("2020-08-12").decision, "allowed");
    assert.equal(use("2020-08-12").next?.from, "2020-08-13");
    // Hikvision is covered only for the purposes section 889 names: review with the purpose limit
    assert.deepEqual(ids(use("2020-08-13")), [`${S889}:review`]);
    assert.equal(use("2020-08-13").deciding[0]!.condition?.id, "purpose-limit");
    // out of section 889's categories: not covered
    assert.equal(decide({ role: "federal-agency", action: "buy", maker: "huawei", category: "other-software", date: "2025-01-01" }).decision, "allowed");
  });

  it("Entity List: an export license from 2024-06-24", () => {
    const exp = (date: string) => decide({ role: "exporter", action: "export", counterparty: "ao-kaspersky-lab", date });
    assert.equal(exp("2024-06-23").decision, "allowed");
    assert.equal(exp("2024-06-24").decision, "license-required");
    assert.deepEqual(ids(exp("2024-06-24")), [`${EL}:license-required`]);
  });
});

describe("decide: every role and every action", () => {
  it("Kaspersky anti-virus on 2025-01-01: agencies may do nothing with it; contractors are review within FAR 52.204-23's scope; everyone may use it but not buy, renew, update, resell, license, integrate or have it supported", () => {
    const barredForAll = new Set<Action>(["buy", "renew", "update", "resell", "license", "integrate", "support"]);
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        const r = decide({ role, action, maker: "kaspersky", category: "antivirus", date: "2025-01-01" });
        // export concerns the consignee, never the product's maker
        const expected =
          action === "export" ? "allowed" : role === "federal-agency" || barredForAll.has(action) ? "prohibited" : role === "federal-contractor" ? "review" : "allowed";
        assert.equal(r.decision, expected, `${role} ${action}: ${ids(r).join(", ")}`);
        if (role === "federal-agency" && action !== "export") assert.ok(ids(r).includes(`${FAR}:prohibited`), `${role} ${action}`);
        if (role === "federal-contractor" && action !== "export") assert.ok(ids(r).includes(`${FAR}:review`), `${role} ${action}`);
        if (barredForAll.has(action)) assert.ok(ids(r).includes(`${FD}:prohibited`), `${role} ${action}`);
      }
    }
  });

  it("exporting to a listed entity needs a license whoever exports; other actions with it follow the Final Determination", () => {
    for (const role of ROLES) {
      const r = decide({ role, action: "export", counterparty: "kaspersky-labs-limited", date: "2025-01-01" });
      assert.equal(r.decision, "license-required", role);
      assert.deepEqual(ids(r), [`${EL}:license-required`]);
    }
    const buy = decide({ role: "business", action: "buy", counterparty: "ao-kaspersky-lab", category: "antivirus", date: "2025-01-01" });
    assert.deepEqual(ids(buy), [`${FD}:prohibited`]);
  });

  it("where several rules apply the strictest wins and all deciding rules are listed", () => {
    const r = decide({ role: "federal-contractor", action: "buy", maker: "kaspersky", category: "endpoint-security", date: "2025-01-01" });
    assert.equal(r.decision, "prohibited");
    assert.deepEqual(ids(r), [`${FD}:prohibited`, `${FAR}:review`]);
    const agency = decide({ role: "federal-agency", action: "use", maker: "kaspersky", category: "endpoint-security", date: "2025-01-01" });
    assert.deepEqual(ids(agency), [`${BOD}:prohibited`, `${FAR}:prohibited`]);
  });
});

describe("decide: exclusions, unknown categories, listed members, confidence", () => {
  it("threat intelligence and security training are carved out of the Final Determination, not out of FAR 52.204-23; consulting only if purely informational", () => {
    for (const category of ["threat-intelligence", "security-training"] as const) {
      const b = decide({ role: "business", action: "buy", counterparty: "kaspersky", category, date: "2025-01-01" });
      assert.equal(b.decision, "allowed", category);
      assert.equal(b.outcomes.find((o) => o.rule.id === FD)?.coverage, "excluded");
      const c = decide({ role: "federal-agency", action: "buy", counterparty: "kaspersky", category, date: "2025-01-01" });
      assert.deepEqual(ids(c), [`${BOD}:prohibited`, `${FAR}:prohibited`], category);
    }
    const consulting = decide({ role: "business", action: "buy", counterparty: "kaspersky", category: "consulting", date: "2025-01-01" });
    assert.deepEqual(ids(consulting), [`${FD}:review`]);
    assert.equal(consulting.deciding[0]!.condition?.id, "consulting-purely-informational");
  });

  it("a restricted vendor with no known category is review where the category matters, and decided where it does not", () => {
    const b = decide({ role: "business", action: "buy", counterparty: "kaspersky", date: "2025-01-01" });
    assert.equal(b.decision, "review");
    assert.equal(b.deciding[0]!.review, "category-unknown");
    assert.equal(b.deciding[0]!.wouldBe, "prohibited");
    assert.equal(b.ifConfirmed, "prohibited");
    assert.equal(decide({ role: "federal-agency", action: "buy", counterparty: "kaspersky", date: "2025-01-01" }).decision, "prohibited");
    assert.equal(decide({ role: "business", action: "use", counterparty: "kaspersky", date: "2025-01-01" }).decision, "allowed", "no rule restricts using it");
  });

  it("the Entity List names three Kaspersky companies: the group is review, an unlisted member is allowed", () => {
    const group = decide({ role: "exporter", action: "export", counterparty: "kaspersky", date: "2025-01-01" });
    assert.equal(group.decision, "review");
    assert.equal(group.deciding[0]!.review, "partial");
    assert.equal(group.deciding[0]!.wouldBe, "license-required");
    for (const unlisted of ["kaspersky-lab-inc", "kaspersky-labs-gmbh"]) {
      const r = decide({ role: "exporter", action: "export", counterparty: unlisted, date: "2025-01-01" });
      assert.equal(r.decision, "allowed", unlisted);
      assert.equal(r.outcomes.find((o) => o.rule.id === EL)?.coverage, "not-listed");
    }
  });

  it("a low-confidence subject turns a restriction into review and says what it would be", () => {
    const r = decide({ role: "business", action: "buy", counterparty: "kaspersky", category: "antivirus", confidence: 0.6, date: "2025-01-01" });
    assert.equal(r.decision, "review");
    assert.equal(r.ifConfirmed, "prohibited");
    assert.equal(r.deciding[0]!.review, "low-confidence");
    // allowed stays allowed whoever it is
    assert.equal(decide({ role: "business", action: "use", counterparty: "kaspersky", category: "antivirus", confidence: 0.6, date: "2025-01-01" }).decision, "allowed");
  });

  it("a person named by a listing is review: the catalog records the designation, not what it forbids", () => {
    const r = decide({ role: "business", action: "buy", counterparty: "anton-mikhaylovich-ivanov", date: "2025-01-01" });
    assert.equal(r.decision, "review");
    assert.equal(r.deciding[0]!.rule.id, OFAC);
    assert.equal(r.deciding[0]!.review, "designated-person");
    assert.equal(decide({ role: "business", action: "buy", counterparty: "anton-mikhaylovich-ivanov", date: "2024-06-20" }).decision, "allowed", "before the designation");
  });

  it("no subject: nothing to decide", () => {
    const r = decide({ role: "business", action: "buy", category: "antivirus", date: "2025-01-01" });
    assert.equal(r.decision, "allowed");
    assert.equal(r.outcomes.length, 0);
  });
});

describe("decide: engine semantics on a made-up catalog", () => {
  it("integrations are reached only by rules that cover integrations; rules are data", () => {
    const mini = createDecider(buildCatalogIndex(miniCatalog()));
    const r = (relation: "own" | "integration") =>
      mini.decide({ role: "federal-contractor", action: "use", subjects: [{ entity: "acme", as: "maker", confidence: 1 }], category: "antivirus", relation, asOf: parseAsOf("2025-01-01") });
    assert.equal(r("own").decision, "prohibited");
    assert.equal(r("integration").decision, "allowed", "far-acme does not cover integrations");
    assert.ok(r("integration").outcomes.some((o) => o.rule.id === "fd-acme"), "fd-acme covers integrations");
  });
});
