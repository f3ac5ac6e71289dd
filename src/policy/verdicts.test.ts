/**
 * The right answers of issue 11, each against the legal texts (facts: regulatory-facts.md §10):
 * Kaspersky for every role × action on both sides of every boundary (support and consulting
 * included, 29 Sep 2024 00:00 US Eastern, instants given in UTC read in the rule's zone),
 * section 889 supply to the Government, grant-funded purchases, exports to unlisted affiliates,
 * penalties with their year, and primary citations first. Expectations are written from the
 * law, not read back from the engine.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Action, Catalog, Role } from "../model/catalog.js";
import { ACTIONS, ROLES } from "../model/vocabulary.js";
import type { CheckDecision } from "../model/decision.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "../match/index.js";
import { createChecker, type Checker } from "./check.js";
import { createPolicy, type Policy } from "./judge.js";
import { parseAsOf } from "./time.js";

let catalog: Catalog;
let index: CatalogIndex;
let checker: Checker;
let policy: Policy;
before(async () => {
  catalog = await loadCatalogOrThrow();
  index = buildCatalogIndex(catalog);
  checker = createChecker(index);
  policy = createPolicy(index);
});

const FD = "us-bis-icts-fd-kaspersky-2024";

/** Boundary moments, as a user may write them, and where they fall in US Eastern time. */
const MOMENTS: { date: string; phase1: boolean; phase2: boolean }[] = [
  { date: "2024-07-19", phase1: false, phase2: false },
  { date: "2024-07-20T03:59:00Z", phase1: false, phase2: false }, // 23:59 EDT on 19 Jul
  { date: "2024-07-20T04:00:00Z", phase1: true, phase2: false }, // 00:00 EDT on 20 Jul
  { date: "2024-07-20", phase1: true, phase2: false },
  { date: "2024-09-28", phase1: true, phase2: false },
  { date: "2024-09-28T23:59:59-04:00", phase1: true, phase2: false },
  { date: "2024-09-29T03:59:59Z", phase1: true, phase2: false },
  { date: "2024-09-29T00:00:00-04:00", phase1: true, phase2: true },
  { date: "2024-09-29T04:00:00Z", phase1: true, phase2: true },
  { date: "2024-09-29", phase1: true, phase2: true },
];

/** What the law says for Kaspersky anti-virus (maker Kaspersky), written out by hand. */
function expected(role: Role, action: Action, m: (typeof MOMENTS)[number]): CheckDecision {
  if (action === "export") return "allowed"; // an export concerns the consignee, not the product's maker
  if (role === "federal-agency") return "prohibited"; // BOD 17-01 (use, and what leads to it) and NDAA section 1634
  const fd = (m.phase1 && (action === "buy" || action === "renew")) || (m.phase2 && ["update", "resell", "license", "integrate", "support"].includes(action));
  if (fd) return "prohibited";
  // FAR 52.204-23 reaches a contractor only within contract performance: review unless stated
  if (role === "federal-contractor") return "review";
  return "allowed"; // use and install: users who keep what they have face no prohibition
}

describe("Kaspersky: every role × action × boundary moment", () => {
  it("anti-virus: the Final Determination's two phases, in US Eastern time, for every role and action", () => {
    let n = 0;
    for (const m of MOMENTS) {
      for (const role of ROLES) {
        for (const action of ACTIONS) {
          const r = checker.check({ role, action, product: "kaspersky-anti-virus", date: m.date });
          assert.equal(r.decision, expected(role, action, m), `${role} ${action} ${m.date}: ${r.explanation}`);
          n++;
        }
      }
    }
    assert.equal(n, MOMENTS.length * ROLES.length * ACTIONS.length);
  });

  it("support and other services: allowed on 28 Sep 2024 at 23:59 EDT, prohibited from 00:00 EDT on 29 Sep (a service that runs Kaspersky software is covered)", () => {
    const support = (date: string) => checker.check({ role: "business", action: "support", vendor: "Kaspersky", category: "endpoint-security", date });
    assert.equal(support("2024-09-29T03:59:00Z").decision, "allowed");
    const after = support("2024-09-29T04:00:00Z");
    assert.equal(after.decision, "prohibited");
    assert.equal(after.rules[0]!.id, FD);
    assert.match(after.rules[0]!.note!, /services \(support, KSN and managed services included\)/);
  });

  it("consulting: allowed before 20 Jul 2024; after it, review conditioned on 'purely informational or educational', never a flat carve-out", () => {
    const consult = (action: Action, date: string) => checker.check({ role: "business", action, vendor: "Kaspersky", category: "consulting", date });
    assert.equal(consult("buy", "2024-07-19").decision, "allowed");
    for (const [action, date] of [["buy", "2024-07-20"], ["support", "2024-09-28T23:59:00-04:00"], ["support", "2024-09-29T00:00:00-04:00"]] as const) {
      const r = consult(action, date);
      const stillAllowed = action === "support" && date.startsWith("2024-09-28");
      assert.equal(r.decision, stillAllowed ? "allowed" : "review", `${action} ${date}`);
      if (!stillAllowed) {
        assert.equal(r.rules[0]!.wouldBe, "prohibited");
        assert.match(r.explanation.split(/(?<=\.) /)[0]!, /^Review: /);
        assert.match(r.explanation, /purely informational or educational/);
        assert.match(r.explanation, /deploys, runs or manages Kaspersky software is covered/);
      }
    }
    // threat intelligence and training stay carved out without condition
    assert.equal(checker.check({ role: "business", action: "buy", vendor: "Kaspersky", category: "threat-intelligence", date: "2025-01-01" }).decision, "allowed");
  });

  it("a federal contractor supplying Kaspersky to the Government is prohibited (FAR 52.204-23 in scope), with the 3-business-day reporting duty", () => {
    const r = checker.check({ role: "federal-contractor", action: "resell", product: "kaspersky-endpoint-security", counterparty: "government", date: "2019-01-01" });
    assert.equal(r.decision, "prohibited");
    const far = r.rules.find((x) => x.id === "us-ndaa18-1634-far-52-204-23")!;
    assert.equal(far.decision, "prohibited");
    assert.deepEqual(far.obligations?.map((o) => o.businessDays), [[3], undefined]);
    assert.ok(far.obligations![0]!.citations.some((c) => c.locator?.includes("52.204-23")));
  });
});

describe("Section 889 supply to the Government by a contractor (FAR 52.204-25(b)(1), Part A from 13 Aug 2019)", () => {
  it("is never allowed once stated: review where the law's exceptions may apply, with the 1- and 10-business-day reporting duty and the reasonable-inquiry standard", () => {
    for (const [vendor, category] of [["Huawei", "telecom-equipment"], ["ZTE", "telecom-equipment"], ["Hikvision", "video-surveillance"], ["Dahua", "video-surveillance"], ["Hytera", "telecom-equipment"]] as const) {
      for (const action of ["resell", "integrate", "support", "license", "install"] as const) {
        const r = checker.check({ role: "federal-contractor", action, vendor, category, counterparty: "government", date: "2019-08-13" });
        assert.equal(r.decision, "review", `${vendor} ${action}`);
        const rule = r.rules[0]!;
        assert.equal(rule.id, "us-ndaa19-889-far-52-204-25");
        assert.equal(rule.phase?.id, "part-a");
        assert.equal(rule.wouldBe, "prohibited");
        assert.ok(rule.obligations?.some((o) => o.businessDays?.join() === "1,10"), "52.204-25(d): 1 then 10 business days");
        assert.ok(rule.obligations?.some((o) => /reasonable inquiry/.test(o.text) && /not an audit/.test(o.text)));
        // before Part A, allowed; the day before says when it changes
        const before = checker.check({ role: "federal-contractor", action, vendor, category, counterparty: "government", date: "2019-08-12" });
        assert.equal(before.decision, "allowed");
        assert.equal(before.next?.from, "2019-08-13");
      }
    }
  });

  it("without --counterparty government the resale is not a supply to the Government, and the explanation says what to state", () => {
    const r = checker.check({ role: "federal-contractor", action: "resell", vendor: "Huawei", category: "telecom-equipment", date: "2019-08-13" });
    assert.equal(r.decision, "allowed");
    assert.match(r.explanation, /only for a supply to the Government \(--counterparty government\)/);
  });
});

describe("2 CFR 200.216: grant-funded and non-funded purchases by a state or local government", () => {
  it("with federal grant or loan funds, covered equipment is not allowed; without them it is", () => {
    for (const [vendor, category] of [["Huawei", "telecom-equipment"], ["Hikvision", "video-surveillance"]] as const) {
      const funded = checker.check({ role: "state-local-government", action: "buy", vendor, category, funding: "federal", date: "2021-01-01" });
      assert.equal(funded.decision, "review", vendor);
      assert.equal(funded.rules[0]!.id, "us-2cfr-200-216");
      assert.equal(funded.rules[0]!.wouldBe, "prohibited");
      assert.match(funded.rules[0]!.citation, /^2 CFR 200\.216/, "the CFR first");
      const own = checker.check({ role: "state-local-government", action: "buy", vendor, category, date: "2021-01-01" });
      assert.equal(own.decision, "allowed", vendor);
      assert.match(own.explanation, /--funding federal/);
      assert.equal(checker.check({ role: "state-local-government", action: "buy", vendor, category, funding: "federal", date: "2020-08-12" }).decision, "allowed");
    }
  });
});

describe("the Affiliates Rule: an export to an unlisted Kaspersky affiliate", () => {
  it("review while the rule is or may be in force, allowed before it and during its suspension; a listed entity still needs a license", () => {
    const exp = (entity: string, date: string) => checker.check({ role: "exporter", action: "export", entity, date });
    assert.equal(exp("kaspersky-lab-inc", "2025-09-28").decision, "allowed");
    assert.equal(exp("kaspersky-lab-inc", "2025-09-29").decision, "review");
    assert.equal(exp("kaspersky-labs-gmbh", "2025-11-09").decision, "review");
    assert.equal(exp("kaspersky-lab-inc", "2025-11-10").decision, "allowed", "suspended from 10 Nov 2025");
    assert.equal(exp("kaspersky-lab-inc", "2026-11-09").decision, "allowed", "suspended to 9 Nov 2026");
    const now = exp("kaspersky-lab-inc", "2026-12-05");
    assert.equal(now.decision, "review", "its status after 9 Nov 2026 is unconfirmed: review, never allowed");
    assert.equal(now.rules[0]!.id, "us-bis-affiliates-rule-2025");
    assert.equal(now.rules[0]!.wouldBe, "license-required");
    assert.equal(now.rules[0]!.phase?.fromConfirmed, false);
    assert.match(now.explanation, /50%/);
    assert.equal(exp("ao-kaspersky-lab", "2026-12-05").decision, "license-required");
  });
});

describe("penalties: the current figure with its year, only on transactions prohibited to the user", () => {
  it("a prohibited purchase carries the 2025 IEEPA figure ($377,700, 90 FR 8429) and not the 2024 one; using, reviews and allowed answers carry none", () => {
    const buy = checker.check({ role: "business", action: "buy", product: "kaspersky-anti-virus", date: "2025-06-01" });
    const pen = buy.rules.find((r) => r.id === FD)!.penalties!;
    assert.deepEqual(pen.filter((p) => p.year !== undefined).map((p) => p.year), [2025]);
    assert.ok(pen.some((p) => p.year === 2025 && p.text.includes("$377,700")));
    assert.ok(!pen.some((p) => p.text.includes("$368,136")));
    assert.ok(pen.some((p) => !p.confirmed && /face no penalty/.test(p.text)));
    const use = checker.check({ role: "business", action: "use", product: "kaspersky-anti-virus", date: "2025-06-01" });
    assert.equal(use.decision, "allowed");
    assert.ok(use.rules.every((r) => r.penalties === undefined));
    const consult = checker.check({ role: "business", action: "buy", vendor: "Kaspersky", category: "consulting", date: "2025-06-01" });
    assert.ok(consult.rules.every((r) => r.penalties === undefined), "no penalty on a review");
  });
});

describe("the primary legal instrument is cited first", () => {
  const kes = () => {
    const r = matchObservation({ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", source: { file: "t" } }, index);
    return r.matches[0]!;
  };

  it("a Kaspersky finding for a business opens with the Final Determination in the Federal Register", () => {
    for (const date of ["2024-08-01", "2025-01-01"]) {
      const j = policy.judge(kes(), "business", parseAsOf(date));
      const first = j.rules[0]!.citations[0]!;
      assert.equal(j.rules[0]!.id, FD, date);
      assert.equal(first.source, "fr-fd", date);
      assert.equal(first.locator, "89 FR 52434");
      assert.equal(j.rules[0]!.citation, first.text);
    }
  });

  it("for a federal contractor, NDAA section 1634 / FAR 52.204-23", () => {
    const j = policy.judge(kes(), "federal-contractor", parseAsOf("2025-01-01"));
    assert.equal(j.rules[0]!.id, "us-ndaa18-1634-far-52-204-23");
    assert.equal(j.rules[0]!.citations[0]!.source, "ndaa18");
  });

  it("an Entity List decision cites 89 FR 52362 before any summary", () => {
    const r = checker.check({ role: "exporter", action: "export", entity: "ao-kaspersky-lab", date: "2025-01-01" });
    const el = r.rules.find((x) => x.id === "us-bis-entity-list-kaspersky-2024")!;
    assert.equal(el.citations[0]!.source, "fr-el");
  });

  it("every rule's first rendered citation, in every phase, is a primary source", () => {
    const primary = new Set(catalog.sources.filter((s) => s.primary).map((s) => s.id));
    for (const rule of catalog.rules) {
      if (rule.kind === "listing") continue; // the FCC and OFAC listings were read only in summaries
      const r = checker.check({ role: "business", action: "buy", entity: rule.entities[0] ?? "kaspersky", date: "2030-01-01" });
      for (const x of r.rules) assert.ok(primary.has(x.citations[0]!.source), `${x.id}: ${x.citations[0]!.source}`);
    }
  });
});

describe("the vendor's removal tool and removal advice", () => {
  it("kavremover found on a host is removal under way, with advice to run it and then verify, cited; not a product to replace", () => {
    const m = matchObservation({ kind: "process", name: "kavremover.exe", host: "ws-9", source: { file: "t" } }, index).matches[0]!;
    assert.equal(m.product.id, "kaspersky-products-remover");
    assert.equal(m.product.removalTool, true);
    const j = policy.judge(m, "business", parseAsOf("2025-01-01"));
    assert.equal(j.status, "review");
    assert.match(j.reason, /^Removal under way: .*not a product to replace\. Run it to the end, then verify/);
    assert.equal(j.removal?.underWay, true);
    assert.match(j.remediation, /restart/);
    assert.ok(!/Replace Kaspersky software/.test(j.remediation), "no advice to replace the removal tool");
    assert.ok(j.removal!.guides[0]!.citations.some((c) => c.source === "kaspersky-av-guide-removal"));
  });

  it("a product with removal guides carries them per platform, from the vendor's documentation", () => {
    const m = matchObservation({ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", source: { file: "t" } }, index).matches[0]!;
    const j = policy.judge(m, "business", parseAsOf("2025-01-01"));
    assert.equal(j.removal?.underWay, false);
    const guide = j.removal!.guides[0]!;
    assert.deepEqual(guide.platforms, ["windows", "linux", "macos"]);
    assert.match(guide.remove, /remote uninstallation task/);
    assert.match(guide.licence!, /Do not renew/);
    assert.equal(guide.citations[0]!.url, "https://support.kaspersky.com/KSC/15.1/en-US/6389.htm");
  });
});
