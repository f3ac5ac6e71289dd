import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { buildCatalogIndex } from "../match/index.js";
import { REVIEW_BELOW } from "../policy/confidence.js";
import { createPartyResolver, type PartyResolver } from "../policy/party.js";
import { createScreeningScorer } from "./party-scorer.js";

let plain: PartyResolver;
let screened: PartyResolver;
before(async () => {
  const catalog = await loadCatalogOrThrow();
  const index = buildCatalogIndex(catalog);
  plain = createPartyResolver(index);
  screened = createPartyResolver(index, { fuzzy: createScreeningScorer(catalog) });
});

const entityOf = (r: ReturnType<PartyResolver["resolveParty"]>) => (r.how === "none" ? undefined : r.entity.id);

describe("the screener as check's fuzzy step", () => {
  it("finds what the conservative fallback misses (another transliteration, a Chinese name with another legal form), below the review line", () => {
    for (const [name, id] of [
      ["Kasperskiy Laboratoriya", "ao-kaspersky-lab"],
      ["华为技术公司", "huawei"],
    ] as const) {
      assert.equal(plain.resolveParty(name).how, "none", `${name}: the fallback alone does not know it`);
      const r = screened.resolveParty(name);
      assert.equal(r.how, "fuzzy", `${name}: ${r.explanation}`);
      assert.equal(entityOf(r), id, name);
      assert.ok(r.score > 0 && r.score < REVIEW_BELOW, `${name}: ${r.score}`);
      assert.match(r.explanation, /only resembles .*screening: /);
    }
  });

  it("keeps the fallback where the screener has nothing: a restricted brand inside a name is still reviewed", () => {
    const r = screened.resolveParty("Kaspersky Security Services LLC");
    assert.equal(r.how, "fuzzy");
    assert.equal(entityOf(r), "kaspersky");
    assert.match(r.explanation, /brand word/);
  });

  it("the hard negatives stay unmatched, and exact tiers still come first", () => {
    for (const name of ["Casper Sleep Inc", "Hikari Vision", "Huawen Foods", "Microsoft Corporation"]) {
      assert.equal(screened.resolveParty(name).how, "none", name);
    }
    // Huawei's Chinese legal name is a cited catalog alias: an exact tier finds it
    const chinese = plain.resolveParty("华为技术有限公司");
    assert.equal(chinese.how, "alias");
    assert.equal(entityOf(chinese), "huawei");
    const exact = screened.resolveParty("KASPERSKY LABS LTD.");
    assert.equal(exact.how, "alias");
    assert.equal(entityOf(exact), "kaspersky-labs-limited");
  });
});
