import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { CheckInput } from "../model/decision.js";
import { createChecker, type Checker } from "./check.js";

let catalog: Catalog;
let checker: Checker;
before(async () => {
  catalog = await loadCatalogOrThrow();
  checker = createChecker(catalog);
});
const check = (input: CheckInput) => checker.check(input);

describe("check: the decision object", () => {
  it("has decision, rules with citation and the phase that applied, explanation, catalog version and digest, input and party", () => {
    const r = check({ role: "reseller", action: "resell", vendor: "AO Kaspersky Lab", category: "antivirus", date: "2024-10-01" });
    assert.equal(r.decision, "prohibited");
    assert.equal(r.catalogVersion, catalog.version);
    assert.equal(r.catalogDigest, catalog.digest);
    assert.deepEqual(r.input, { role: "reseller", action: "resell", vendor: "AO Kaspersky Lab", category: "antivirus", date: "2024-10-01" });
    const fd = r.rules.find((x) => x.id === "us-bis-icts-fd-kaspersky-2024")!;
    assert.equal(fd.decision, "prohibited");
    assert.deepEqual(fd.phase, {
      id: "updates-resale-integration-end",
      label: "Updates, KSN, resale, integration and licensing prohibited",
      from: "2024-09-29T00:00:00-04:00",
      fromConfirmed: true,
    });
    assert.match(fd.citation, /^Final Determination: Case No\. ICTS-2021-002.*89 FR 52434/, "the Federal Register first");
    assert.ok(fd.citations.length > 1 && fd.citations.every((c) => c.text.length > 0));
    assert.ok(fd.penalties?.some((p) => p.confirmed && p.year === 2025 && p.text.includes("$377,700")), "penalties of a prohibiting rule are given, this year's");
    assert.ok(!fd.penalties?.some((p) => p.text.includes("$368,136")), "the 2024 figure is out of date");
    assert.deepEqual(fd.subject, { entity: "ao-kaspersky-lab", name: "AO Kaspersky Lab", as: "counterparty" });
    assert.equal(r.party.how, "alias");
    assert.equal(r.party.how === "alias" && r.party.entity.id, "ao-kaspersky-lab");
    assert.match(r.explanation, /^Prohibited: a reseller or integrator may not resell antivirus products of AO Kaspersky Lab on 2024-10-01\./);
    assert.match(r.explanation, /reselling Kaspersky software/i);
  });

  it("on 2024-07-20 the decision says the phase's time of day is not confirmed; the day after it only marks the phase", () => {
    const on = check({ role: "business", action: "buy", product: "Kaspersky Total Security", date: "2024-07-20" });
    assert.equal(on.decision, "prohibited");
    assert.equal(on.rules[0]!.phase?.fromConfirmed, false);
    assert.match(on.explanation, /do not confirm at what time on 2024-07-20 this phase begins/);
    const after = check({ role: "business", action: "buy", product: "Kaspersky Total Security", date: "2024-07-21" });
    assert.doesNotMatch(after.explanation, /do not confirm at what time/);
    assert.match(after.explanation, /the time of day is not confirmed/);
    const dayBefore = check({ role: "business", action: "buy", product: "Kaspersky Total Security", date: "2024-07-19" });
    assert.equal(dayBefore.decision, "allowed");
    assert.deepEqual(dayBefore.next, {
      from: "2024-07-20",
      fromConfirmed: false,
      decision: "prohibited",
      rule: "us-bis-icts-fd-kaspersky-2024",
      phase: "no-new-agreements",
      label: "No new agreements with U.S. persons",
    });
    assert.match(dayBefore.explanation, /From 2024-07-20 \(time of day not confirmed\) this becomes prohibited/);
  });

  it("an instant is reported as UTC beside the calendar date it was given in", () => {
    const r = check({ role: "individual", action: "update", product: "Kaspersky Internet Security", date: "2024-09-28T23:59:00-04:00" });
    assert.equal(r.decision, "allowed");
    assert.deepEqual(r.asOf, { date: "2024-09-28", instant: "2024-09-29T03:59:00.000Z" });
    assert.equal(r.next?.from, "2024-09-29T00:00:00-04:00");
    assert.match(r.explanation, /From 2024-09-29 00:00 UTC-04:00 this becomes prohibited/);
  });
});

describe("check: products and categories", () => {
  it("a product name gives the category and the maker through the scan's matchers", () => {
    const r = check({ role: "business", action: "renew", product: "Kaspersky Endpoint Security 12 for Windows", date: "2025-01-01" });
    assert.equal(r.product?.how, "catalog");
    assert.equal(r.product?.how === "catalog" && r.product.id, "kaspersky-endpoint-security");
    assert.deepEqual(r.category, { value: "endpoint-security", from: "product" });
    assert.equal(r.decision, "prohibited");
    assert.equal(r.rules[0]!.subject.as, "maker");
  });

  it("--category overrides the product's; a carved-out category is allowed, and the explanation says it is carved out", () => {
    const r = check({ role: "business", action: "buy", product: "Kaspersky Threat Intelligence Portal", date: "2025-01-01" });
    assert.equal(r.product?.how === "catalog" && r.product.category, "threat-intelligence");
    assert.equal(r.decision, "allowed");
    assert.match(r.explanation, /carves this category out of its scope/);
    const training = check({ role: "business", action: "buy", vendor: "Kaspersky", category: "security-training", date: "2025-01-01" });
    assert.equal(training.decision, "allowed");
    assert.deepEqual(training.category, { value: "security-training", from: "input" });
  });

  it("a restricted vendor with no known category is review, with the reason", () => {
    const r = check({ role: "business", action: "buy", vendor: "Kaspersky Lab", date: "2025-01-01" });
    assert.equal(r.decision, "review");
    assert.deepEqual(r.category, { from: "unknown" });
    assert.equal(r.rules[0]!.wouldBe, "prohibited");
    assert.match(r.rules[0]!.review!, /category is not known/);
    assert.match(r.explanation, /cannot place the category of this transaction/);
    const unknownProduct = check({ role: "business", action: "buy", vendor: "Kaspersky Lab", product: "Widget Suite 9", date: "2025-01-01" });
    assert.equal(unknownProduct.decision, "review");
    assert.match(unknownProduct.explanation, /"Widget Suite 9" is not a product the catalog knows/);
  });

  it("a product the catalog only weakly recognizes is review: its category cannot be placed", () => {
    const r = check({ role: "business", action: "buy", product: "Kaspersky Mystery Box", date: "2025-01-01" });
    assert.equal(r.product?.how, "catalog");
    assert.ok(r.product?.how === "catalog" && r.product.confidence < 0.7);
    assert.equal(r.decision, "review");
    assert.match(r.explanation, /cannot place its product or category/);
  });

  it("a known look-alike is not restricted software, and says what it is", () => {
    const r = check({ role: "business", action: "buy", product: "UltraAV", date: "2025-01-01" });
    assert.equal(r.product?.how, "lookalike");
    assert.equal(r.decision, "allowed");
    assert.match(r.explanation, /known look-alike/);
  });

  it("an identifier names its product as a scan reads it: a package, an agent, an Android app, an extension id, a purl", () => {
    // each was "allowed" as a product the catalog does not know: only names were looked up
    const cases: [string, string][] = [
      ["kesl", "kaspersky-endpoint-security"],
      ["klnagent64", "kaspersky-security-center"],
      ["com.kms.free", "kaspersky-security-vpn-android"],
      ["ahkjpbeeocnddjkakilopmfdlnjdpcdm", "kaspersky-protection-extension"],
      ["pkg:deb/debian/kesl@12.1.0", "kaspersky-endpoint-security"],
      ["avp.exe", "kaspersky-unidentified"],
    ];
    for (const [product, id] of cases) {
      const r = check({ role: "federal-agency", action: "buy", product, date: "2025-01-01" });
      assert.equal(r.product?.how === "catalog" && r.product.id, id, product);
      assert.equal(r.decision, "prohibited", product);
    }
    // the look-alikes of identifiers stay look-alikes, and a one-word name nothing knows stays unknown
    for (const product of ["ksnip", "avpmapp.exe", "nlbejmccbhkncgokjcmghpfloaajcffj"]) {
      const r = check({ role: "federal-agency", action: "buy", product, date: "2025-01-01" });
      assert.equal(r.product?.how, "lookalike", product);
      assert.equal(r.decision, "allowed", product);
    }
    assert.equal(check({ role: "federal-agency", action: "buy", product: "chrome.exe", date: "2025-01-01" }).product?.how, "unknown");
  });
});

describe("check: parties", () => {
  it("a vendor that matches nothing is allowed, saying plainly that the catalog's coverage is the limit", () => {
    const r = check({ role: "federal-agency", action: "buy", vendor: "Acme Security GmbH", category: "antivirus", date: "2025-01-01" });
    assert.equal(r.decision, "allowed");
    assert.equal(r.party.how, "none");
    assert.deepEqual(r.rules, []);
    assert.match(r.explanation, /matches no restricted entity in the catalog/);
    assert.match(r.explanation, /not a full sanctions or export screening/);
  });

  it("a vendor that only resembles an entity is review, with what it resembles", () => {
    const r = check({ role: "business", action: "buy", vendor: "Kasperski Lab", category: "antivirus", date: "2025-01-01" });
    assert.equal(r.decision, "review");
    assert.equal(r.party.how, "fuzzy");
    assert.match(r.explanation, /only resembles Kaspersky/);
    assert.equal(r.rules[0]!.wouldBe, "prohibited");
  });

  it("the counterparty and the product's maker are both parties: buying Kaspersky from a distributor is still prohibited", () => {
    const r = check({ role: "business", action: "buy", vendor: "Example Distribution LLC", product: "Kaspersky Small Office Security", date: "2025-01-01" });
    assert.equal(r.decision, "prohibited");
    assert.equal(r.party.how, "none");
    assert.equal(r.rules[0]!.subject.as, "maker");
  });

  it("exports: to a listed entity a license, to the family review, to an unlisted member allowed", () => {
    assert.equal(check({ role: "exporter", action: "export", vendor: "OOO Kaspersky Group", date: "2025-01-01" }).decision, "license-required");
    assert.equal(check({ role: "exporter", action: "export", vendor: "Kaspersky Labs Ltd", date: "2025-01-01" }).decision, "license-required");
    const group = check({ role: "exporter", action: "export", vendor: "Kaspersky", date: "2025-01-01" });
    assert.equal(group.decision, "review");
    assert.match(group.explanation, /names only AO Kaspersky Lab, OOO Kaspersky Group and Kaspersky Labs Limited/);
    const inc = check({ role: "exporter", action: "export", vendor: "Kaspersky Lab, Inc.", date: "2025-01-01" });
    assert.equal(inc.decision, "allowed");
    assert.match(inc.explanation, /but not Kaspersky Lab, Inc\./);
  });

  it("an unknown entity id is an input error", () => {
    assert.throws(() => check({ role: "business", action: "buy", entity: "kaspersky-labz", date: "2025-01-01" }), /unknown entity "kaspersky-labz"/);
  });
});
