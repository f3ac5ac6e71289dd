/**
 * The device matcher over a fictional vendor's catalog (src/catalog/testdata/equipment): models
 * (exact and `*` prefixes, spacing and case folded) and MAC address blocks name the maker's
 * equipment; only device observations are looked at; and a rule's condition leaves covered
 * equipment for review while other categories are decided.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Observation } from "../model/observation.js";
import { createChecker, type Checker } from "../policy/check.js";
import { createPolicy } from "../policy/judge.js";
import { parseAsOf } from "../policy/time.js";
import { repoPath } from "../testing/index.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "./index.js";

let index: CatalogIndex;
let checker: Checker;
before(async () => {
  const catalog = await loadCatalogOrThrow(repoPath("src/catalog/testdata/equipment"));
  index = buildCatalogIndex(catalog);
  checker = createChecker(index);
});

const obs = (o: Partial<Observation>): Observation => ({ kind: "device", name: "x", source: { file: "t" }, ...o });

describe("device matcher", () => {
  it("models: a prefix, an exact model with other spacing and case; MAC blocks in any notation", () => {
    const byPrefix = matchObservation(obs({ name: "gate", ids: { model: "ACME-CAM-2000" } }), index).matches[0]!;
    assert.equal(byPrefix.product.id, "acme-camera");
    assert.deepEqual(byPrefix.evidence[0]!.found, { rule: "acme-camera.identifiers.deviceModels", value: "acme-cam-" });
    assert.equal(matchObservation(obs({ name: "acme-nvr   16" }), index).matches[0]?.product.id, "acme-camera");
    const byMac = matchObservation(obs({ ids: { mac: "00005e.005301" } }), index).matches[0]!;
    assert.equal(byMac.evidence[0]!.matcher, "device");
    assert.equal(byMac.product.form, "equipment");
    assert.equal(matchObservation(obs({ ids: { mac: "00:00:5F:00:53:01" } }), index).matches.length, 0);
    assert.equal(matchObservation(obs({ ids: { mac: "00:00:5E" } }), index).matches.length, 0, "not a whole MAC address");
  });

  it("looks only at devices: software named like a model is not equipment", () => {
    // the brand word may still name the vendor (weakly), but never its equipment
    const m = matchObservation({ kind: "software", name: "ACME-CAM-2000", source: { file: "t" } }, index).matches[0];
    assert.notEqual(m?.product.id, "acme-camera");
    assert.ok(!m?.evidence.some((e) => e.matcher === "device"));
  });

  it("a device known only by its maker is the maker's equipment, not its software", () => {
    const m = matchObservation(obs({ name: "lobby", vendor: "AO Acme" }), index).matches[0]!;
    assert.equal(m.product.id, "acme-camera");
    const sw = matchObservation({ kind: "software", name: "Acme Anti-Virus", vendor: "AO Acme", source: { file: "t" } }, index).matches[0]!;
    assert.equal(sw.product.id, "acme-av");
  });

  it("a condition of the rule leaves the equipment for review and names it; another category is decided", () => {
    const cam = checker.check({ role: "business", action: "buy", product: "acme-camera", date: "2024-07-20" });
    assert.equal(cam.decision, "review");
    assert.equal(cam.rules[0]!.condition?.id, "purpose");
    assert.equal(checker.check({ role: "business", action: "buy", product: "acme-av", date: "2024-07-20" }).decision, "prohibited");
    const j = createPolicy(index).judge(matchObservation(obs({ ids: { model: "ACME-CAM-1" } }), index).matches[0]!, "federal-contractor", parseAsOf("2024-07-20"));
    assert.equal(j.status, "review");
    assert.equal(j.rules[0]!.effect, "conditional");
    assert.match(j.reason, /^Review: federal contractors may not hold or use Acme video-surveillance equipment since 2024-07-20 under Rule A, but the law is narrower than that: Only for some purposes\./);
  });
});
