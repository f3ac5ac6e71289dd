import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { buildCatalogIndex, type CatalogIndex } from "../match/catalog-index.js";
import { REVIEW_BELOW } from "./confidence.js";
import { createPartyResolver, similarity, type PartyResolution, type PartyResolver } from "./party.js";

let index: CatalogIndex;
let parties: PartyResolver;
before(async () => {
  index = buildCatalogIndex(await loadCatalogOrThrow());
  parties = createPartyResolver(index);
});

const entityOf = (r: PartyResolution): string | undefined => (r.how === "none" ? undefined : r.entity.id);

describe("resolveParty: exact names and aliases, Latin and Cyrillic", () => {
  it("legal entities by their own names, whatever the case and punctuation", () => {
    const cases: [string, string][] = [
      ["AO Kaspersky Lab", "ao-kaspersky-lab"],
      ["ao kaspersky lab", "ao-kaspersky-lab"],
      ["OOO Kaspersky Group", "ooo-kaspersky-group"],
      ["Kaspersky Labs Limited", "kaspersky-labs-limited"],
      ["Kaspersky Lab, Inc.", "kaspersky-lab-inc"],
      ["KASPERSKY LAB INC", "kaspersky-lab-inc"],
      ["Kaspersky Lab ZAO", "ao-kaspersky-lab"],
      ["Kaspersky", "kaspersky"],
      ["Kaspersky Lab", "kaspersky"],
      ["Huawei Technologies Co., Ltd.", "huawei"],
      ["Hangzhou Hikvision Digital Technology Company", "hikvision"],
    ];
    for (const [name, id] of cases) {
      const r = parties.resolveParty(name);
      assert.equal(entityOf(r), id, `${name}: ${r.explanation}`);
      assert.equal(r.how, "alias", name);
      assert.ok(r.score >= REVIEW_BELOW, `${name}: ${r.score}`);
    }
  });

  it("Cyrillic aliases, transliterated on both sides", () => {
    const brand = parties.resolveParty("Лаборатория Касперского");
    assert.equal(entityOf(brand), "kaspersky");
    assert.equal(brand.score, 1);
    assert.equal(entityOf(parties.resolveParty("ЛАБОРАТОРИЯ КАСПЕРСКОГО")), "kaspersky");
    assert.equal(entityOf(parties.resolveParty('"Лаборатория Касперского"')), "kaspersky");
    const ao = parties.resolveParty("АО «Лаборатория Касперского»");
    assert.equal(entityOf(ao), "ao-kaspersky-lab");
    assert.ok(ao.score >= REVIEW_BELOW && ao.score < 1, "an unconfirmed alias resolves, a little less sure");
    assert.match(ao.explanation, /not confirmed/);
    // a legal form the catalog does not list: the family both names belong to
    const ooo = parties.resolveParty("ООО «Лаборатория Касперского»");
    assert.equal(entityOf(ooo), "kaspersky");
    assert.match(ooo.explanation, /several entities/);
  });

  it("legal forms spelt another way meet the entity; without a legal form several entities meet in their family", () => {
    assert.equal(entityOf(parties.resolveParty("Kaspersky Labs Ltd")), "kaspersky-labs-limited");
    assert.equal(entityOf(parties.resolveParty("Kaspersky Labs Ltd.")), "kaspersky-labs-limited");
    assert.equal(entityOf(parties.resolveParty("JSC Kaspersky Lab")), "ao-kaspersky-lab");
    assert.equal(entityOf(parties.resolveParty("Kaspersky Lab Incorporated")), "kaspersky-lab-inc");
    const llc = parties.resolveParty("Kaspersky Lab LLC");
    assert.equal(entityOf(llc), "kaspersky");
    assert.match(llc.explanation, /AO Kaspersky Lab/);
    assert.match(llc.explanation, /Kaspersky Lab, Inc\./);
  });

  it("a stated country picks among same-named entities, and a name found only elsewhere is not trusted", () => {
    assert.equal(entityOf(parties.resolveParty("Kaspersky Lab", "US")), "kaspersky-lab-inc");
    assert.equal(entityOf(parties.resolveParty("Kaspersky Lab", "ru")), "kaspersky");
    // the same name without its legal form, in Germany: the German company
    assert.equal(entityOf(parties.resolveParty("Kaspersky Labs Limited", "DE")), "kaspersky-labs-gmbh");
    const fr = parties.resolveParty("Kaspersky Labs Limited", "FR");
    assert.equal(fr.how, "fuzzy");
    assert.equal(entityOf(fr), "kaspersky-labs-limited");
    assert.ok(fr.score < REVIEW_BELOW);
    assert.match(fr.explanation, /in GB, not FR/);
  });

  it("people by their names", () => {
    const p = parties.resolveParty("Anton Mikhaylovich Ivanov");
    assert.equal(entityOf(p), "anton-mikhaylovich-ivanov");
    assert.equal(p.how, "alias");
  });
});

describe("resolveParty: the conservative fuzzy fallback, and no match", () => {
  it("close spellings, a brand word inside a name and a person's names in another order are fuzzy, below the review line", () => {
    const cases: [string, string][] = [
      ["Kasperski Lab", "kaspersky"],
      ["Касперский", "kaspersky"],
      ["Kaspersky Security Services LLC", "kaspersky"],
      ["Ivanov Anton", "anton-mikhaylovich-ivanov"],
      ["Антон Михайлович Иванов", "anton-mikhaylovich-ivanov"],
    ];
    for (const [name, id] of cases) {
      const r = parties.resolveParty(name);
      assert.equal(r.how, "fuzzy", `${name}: ${r.explanation}`);
      assert.equal(entityOf(r), id, name);
      assert.ok(r.score > 0 && r.score < REVIEW_BELOW, `${name}: ${r.score}`);
      assert.match(r.explanation, /only resembles/);
    }
  });

  it("a name matching nothing says so, and says the catalog's coverage is the limit", () => {
    for (const name of ["Acme Corp", "ESET, spol. s r.o.", "Microsoft Corporation", "Kas"]) {
      const r = parties.resolveParty(name);
      assert.equal(r.how, "none", `${name}: ${r.how === "none" ? "" : r.entity.id}`);
      assert.match(r.explanation, /matches no restricted entity/);
      assert.match(r.explanation, /not a full sanctions or export screening/);
    }
  });

  it("entity ids are exact; an unknown id is a usage error naming close ids", () => {
    assert.equal(parties.byId("ao-kaspersky-lab").how, "id");
    assert.throws(() => parties.byId("ao-kasperksy-lab"), /unknown entity "ao-kasperksy-lab".*did you mean ao-kaspersky-lab/);
  });

  it("a full screener can be plugged in for the fuzzy step; its matches stay below the review line", () => {
    const plugged = createPartyResolver(index, { fuzzy: () => [{ entityId: "zte", similarity: 0.97, matched: "ZTE Corporation", why: "a test scorer" }] });
    const r = plugged.resolveParty("Zhongxing Telecommunication Equipment");
    assert.equal(entityOf(r), "zte");
    assert.equal(r.how, "fuzzy");
    assert.ok(r.score < REVIEW_BELOW);
    assert.equal(entityOf(plugged.resolveParty("ZTE Corporation")), "zte", "exact tiers come first");
  });

  it("similarity is an edit-distance ratio", () => {
    assert.equal(similarity("kaspersky", "kaspersky"), 1);
    assert.equal(similarity("kaspersky", "kasperski"), 1 - 1 / 9);
    assert.equal(similarity("", "x"), 0);
  });
});
