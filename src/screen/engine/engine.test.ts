import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { repoPath } from "../../testing/index.js";
import { catalogEntities } from "../lists/catalog.js";
import { readOfacSdn } from "../lists/ofac-sdn.js";
import type { ListedEntity } from "../model.js";
import { ScreeningCorpus } from "./corpus.js";
import { ADJUST, prepareQuery, screenName, type ScreenQuery } from "./screen-name.js";

const OPTIONS = { threshold: 0.8, limit: 5, minScore: 0.3 };
let catalog: ScreeningCorpus;
let full: ScreeningCorpus;

before(async () => {
  const entities = catalogEntities(await loadCatalogOrThrow());
  catalog = new ScreeningCorpus(entities);
  const dir = repoPath("src/screen/lists/testdata/ofac-sdn");
  const sdn = await readOfacSdn({ sdn: `${dir}/sdn.csv`, alt: `${dir}/alt.csv`, add: `${dir}/add.csv` }, { issues: [] });
  full = new ScreeningCorpus([...entities, ...sdn.map((e): ListedEntity => ({ ...e, list: "ofac-sdn" }))]);
});

const top = (corpus: ScreeningCorpus, q: ScreenQuery) => screenName(corpus, q, OPTIONS)[0];
/** The first form's comparison tokens of a query, as screenName gives them to the candidate index. */
const screenQueryTokens = (name: string) => prepareQuery({ name }).tokens[0]!;

describe("screen engine: the issue's names", () => {
  for (const [name, entity] of [
    ["Kaspersky Lab AO", "ao-kaspersky-lab"],
    ["Лаборатория Касперского", "ao-kaspersky-lab"],
    ["KASPERSKY LABS LTD.", "kaspersky"],
    ["Hangzhou Hikvision Digital Tech. Co.", "hikvision"],
    ["ZTE Corp (USA)", "zte"],
    ["华为技术有限公司", "huawei"],
    ["卡巴斯基", "kaspersky"],
  ] as const) {
    it(`${name} matches ${entity}`, () => {
      const hits = screenName(full, { name }, OPTIONS).filter((c) => c.match);
      assert.ok(hits.some((c) => c.entity.id === entity), JSON.stringify(hits.map((c) => [c.entity.id, c.score])));
    });
  }

  for (const name of ["Casper Sleep Inc", "Hikari Vision", "Huawen Foods", "Kasperski Bakery"]) {
    it(`${name} is not a match`, () => {
      const hits = screenName(full, { name }, OPTIONS).filter((c) => c.match);
      assert.deepEqual(hits.map((c) => `${c.entity.list}:${c.entity.id} ${c.score}`), []);
    });
  }
});

describe("screen engine: explanations", () => {
  it("names the tokens, the alias, the legal forms and the country's effect", () => {
    const c = top(full, { name: "Kaspersky Lab AO", country: "RU" })!;
    assert.equal(c.entity.id, "ao-kaspersky-lab");
    const e = c.explanation;
    assert.equal(e.matchedName.name, "AO Kaspersky Lab");
    assert.equal(e.matchedName.kind, "name");
    assert.deepEqual(e.tokens.map((t) => t.how), ["exact", "exact"]);
    assert.ok(e.tokens.some((t) => t.input.startsWith("Lab → laboratory")));
    assert.deepEqual(e.legalForms.input, ["AO (ru: joint-stock company (AO))"]);
    assert.deepEqual(e.country, { input: "RU", entity: ["RU"], effect: "agrees", adjustment: ADJUST.countryAgrees });
    assert.match(e.summary, /country RU agrees \(\+0\.05\)/);
    assert.match(e.summary, /legal forms dropped: AO/);
  });

  it("says which transliteration of which alias matched", () => {
    const c = screenName(full, { name: "Kasperskiy Laboratoriya" }, OPTIONS).find((x) => x.entity.id === "ao-kaspersky-lab")!;
    const e = c.explanation;
    assert.equal(e.matchedName.kind, "translation");
    assert.equal(e.matchedName.lang, "ru");
    assert.ok(e.transliteration?.entity?.schemes.includes("BGN/PCGN"), JSON.stringify(e.transliteration));
    assert.ok(e.tokens.some((t) => t.how === "inflection" && t.entity.startsWith("Касперского")));
  });

  it("lowers the score when the country differs, and says so", () => {
    // ent_num 36, AEROCARIBBEAN AIRLINES, has its address in Havana
    const same = top(full, { name: "Aerocaribbean Airlines", country: "Cuba" })!;
    const other = top(full, { name: "Aerocaribbean Airlines", country: "DE" })!;
    assert.equal(same.entity.id, "36");
    assert.equal(other.entity.id, "36");
    const name = same.explanation.nameScore;
    assert.equal(same.score, Math.min(1, name + ADJUST.countryAgrees));
    assert.equal(other.score, Math.round((name + ADJUST.countryDiffers) * 1000) / 1000);
    assert.equal(other.explanation.country.effect, "differs");
    assert.match(other.explanation.summary, /country DE is not the entity's CU \(-0\.1\)/);
    assert.equal(same.explanation.country.input, "CU"); // "Cuba" read as its code
  });

  it("lowers an organization against a person", () => {
    const asPerson = screenName(catalog, { name: "Anton Ivanov" }, OPTIONS)[0]!;
    const asCompany = screenName(catalog, { name: "Anton Ivanov LLC" }, OPTIONS)[0]!;
    assert.equal(asCompany.explanation.partyType.factor, ADJUST.partyTypeFactor);
    assert.ok(asCompany.score < asPerson.score);
  });

  it("leaves vessels and aircraft out unless asked", () => {
    const vessel = [...Array(full.entityCount).keys()].map((e) => full.entity(e)).find((e) => e.schema === "vessel")!;
    assert.ok(!screenName(full, { name: vessel.name }, OPTIONS).some((c) => c.entity.id === vessel.id));
    assert.ok(screenName(full, { name: vessel.name }, { ...OPTIONS, schemas: ["vessel"] }).some((c) => c.entity.id === vessel.id));
  });
});

describe("screen engine: the candidate index", () => {
  it("scores a few dozen names, not the whole list, and still finds the right one", () => {
    const q = [[...full.record(0).tokens]];
    assert.ok(full.recordCount > 20_000);
    const ids = full.candidates(q, 64);
    assert.ok(ids.length <= 64);
    assert.ok(ids.includes(0));
  });

  it("ranks a name that shares every word (one with a typo) before the hundreds that share only its common words", () => {
    // "Hueras al-Din" for TANZIM HURRAS AL-DIN (ent_num 27318): hundreds of SDN names hold "al Din",
    // and a ranking by shared weight alone put the right one at 33rd of them
    const q = [screenQueryTokens("HUERAS AL-DIN")];
    const first = full.candidates(q, 8).map((id) => full.entity(full.recordEntity(id)).id);
    assert.ok(first.includes("27318"), JSON.stringify(first));
    assert.equal(top(full, { name: "HUERAS AL-DIN" })?.entity.id, "27318");
  });

  it("ranks an acronym of the whole name, and a name spelt out for an acronym, among the first", () => {
    // LANDMETICS OFF SHORE's (34486) initials are "los": the query's spelled-out words meet every
    // "Los ..." name on that acronym key, and must not crowd out the name itself
    const first = full.candidates([screenQueryTokens("LANDMETICSSAL OFF-SHORE")], 8).map((id) => full.entity(full.recordEntity(id)).id);
    assert.ok(first.includes("34486"), JSON.stringify(first));
    const zte = catalog.candidates([screenQueryTokens("ZTE")], 4).map((id) => catalog.entity(catalog.recordEntity(id)).id);
    assert.ok(zte.includes("zte"), JSON.stringify(zte));
  });

  it("finds typos, joined words and acronyms through their keys", () => {
    assert.equal(top(full, { name: "Islamic Republic of Iran Shiping Lines" })?.entity.id, "25396");
    assert.equal(top(full, { name: "IRISL" })?.entity.id, "25396");
    assert.equal(top(full, { name: "BANCONACIONAL DE CUBA" })?.entity.id, "306");
  });
});
