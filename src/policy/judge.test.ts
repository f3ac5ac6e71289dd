import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCatalogIndex, matchObservation } from "../match/index.js";
import type { Profile } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { miniCatalog } from "../testing/mini-catalog.js";
import { createPolicy } from "./judge.js";
import { parseAsOf } from "./time.js";

const index = buildCatalogIndex(miniCatalog());
const policy = createPolicy(index);
const matchOf = (o: Partial<Observation> & { name: string }) => {
  const r = matchObservation({ kind: "software", source: { file: "t" }, ...o }, index);
  assert.equal(r.matches.length, 1);
  return r.matches[0]!;
};
const av = matchOf({ name: "Acme Anti-Virus", vendor: "AO Acme Labs" });
const judge = (profile: Profile, date: string, m = av) => policy.judge(m, profile, parseAsOf(date));

describe("judge: time-phased statuses", () => {
  it("federal contractor: prohibited from the contractor rule's date on, deadline before", () => {
    assert.equal(judge("federal-contractor", "2018-09-30").status, "deadline");
    assert.equal(judge("federal-contractor", "2018-09-30").deadline, "2018-10-01");
    const j = judge("federal-contractor", "2018-10-01");
    assert.equal(j.status, "prohibited");
    assert.equal(j.rules[0]!.id, "far-acme");
    assert.deepEqual(j.rules[0]!.obligations, ["Report within 3 business days."]);
    assert.equal(j.rules[0]!.citation, "Test Source, p. 1");
  });

  it("business: deadline before phase 2 (midnight US Eastern), unsupported from that date", () => {
    const before = judge("business", "2024-08-01");
    assert.equal(before.status, "deadline");
    assert.equal(before.deadline, "2024-09-29");
    assert.equal(judge("business", "2024-09-28").status, "deadline");
    assert.equal(judge("business", "2024-09-29").status, "unsupported");
    assert.equal(judge("business", "2025-01-01").status, "unsupported");
  });

  it("an instant as-of is compared with the phase's instant", () => {
    assert.equal(judge("business", "2024-09-28T23:59:00-04:00").status, "deadline");
    assert.equal(judge("business", "2024-09-29T00:00:00-04:00").status, "unsupported");
    assert.equal(judge("business", "2024-09-29T03:59:00Z").status, "deadline");
  });

  it("business before any phase lists both coming dates, the earliest first", () => {
    const j = judge("business", "2024-07-01");
    assert.equal(j.status, "deadline");
    assert.deepEqual(j.deadlines.map((d) => d.date.slice(0, 10)), ["2024-07-20", "2024-09-29"]);
    assert.equal(j.deadline, "2024-07-20");
  });

  it("reseller: holding for resale is prohibited once resale is", () => {
    assert.equal(judge("reseller", "2024-09-29").status, "prohibited");
    assert.equal(judge("reseller", "2024-09-28").status, "deadline");
  });

  it("excluded categories are not restricted by the rule that excludes them", () => {
    const ti = matchOf({ name: "Acme Threat Intelligence Portal" });
    const j = judge("business", "2025-01-01", ti);
    assert.equal(j.status, "review");
    assert.ok(j.rules.some((r) => r.id === "fd-acme" && r.effect === "excluded"));
    assert.match(j.reason, /^Its category \(threat-intelligence\) is carved out of Final Determination: Acme\. Acme is named by rule far-acme/);
    assert.equal(judge("federal-contractor", "2025-01-01", ti).status, "prohibited");
  });

  it("integrations are covered only by rules that cover integrations", () => {
    const p = matchOf({ name: "Partner Shield (Acme engine inside)" });
    assert.equal(p.product.relation, "integration");
    assert.equal(judge("business", "2025-01-01", p).status, "unsupported");
    assert.equal(judge("federal-contractor", "2025-01-01", p).status, "unsupported", "far-acme does not cover integrations");
  });

  it("a vendor that is only listed is left for review, with the listing named", () => {
    const z = matchOf({ name: "Zeta Router Manager" });
    const j = judge("business", "2025-01-01", z);
    assert.equal(j.status, "review");
    assert.match(j.reason, /named by rule list-zeta, which does not restrict businesses holding telecom-equipment products/);
  });

  it("a low-confidence match is review whatever the rules say, and says what it would be", () => {
    const weak = matchOf({ kind: "component", name: "acme-log-parser" });
    const j = judge("federal-contractor", "2025-01-01", weak);
    assert.equal(j.status, "review");
    assert.match(j.reason, /If it is: prohibited/);
  });

  it("remediation joins the product's advice and the deciding rules'", () => {
    const j = judge("business", "2025-01-01");
    assert.match(j.remediation, /Uninstall Acme Anti-Virus\./);
    assert.match(j.remediation, /Replace before updates stop\./);
  });
});
