/**
 * Issue 12, classes 4, 5 and 7: things named after a vendor that are not its software, white-label
 * brands, and one verdict for siblings of one publisher namespace.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Catalog } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { REVIEW_BELOW } from "../policy/confidence.js";
import { bundledCatalog } from "../testing/host.js";
import { aliasName, identifierValue } from "./catalog-index.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "./index.js";

const at = { file: "vendor-namespaces" };
const pkg = (purl: string, name = purl.split("/").pop()!): Observation => ({ kind: "package", name: decodeURIComponent(name), ids: { purl }, source: at });
const purlOf = (id: string) => {
  const [type, ...rest] = id.split("/");
  return `pkg:${type}/${rest.map((p) => p.replace(/^@/, "%40")).join("/")}`;
};

describe("vendor names, brands and namespaces", () => {
  let catalog: Catalog;
  let index: CatalogIndex;
  before(async () => {
    catalog = await bundledCatalog();
    index = buildCatalogIndex(catalog);
  });

  test("every third-party client of a vendor's devices or cloud is its cited look-alike, never a finding", () => {
    const l = catalog.lookalikes.find((x) => x.id === "vendor-device-and-cloud-clients")!;
    assert.ok(l.citations.length >= 2 && /does not ship the vendor's software/.test(l.description));
    const packages = (l.identifiers.packages ?? []).map((v) => identifierValue(v).value);
    assert.ok(packages.length >= 30);
    for (const id of packages) {
      const r = matchObservation(pkg(purlOf(id)), index);
      assert.equal(r.lookalike?.lookalike.id, l.id, id);
      assert.deepEqual(r.matches, [], id);
    }
  });

  test("a bare brand word in a package name is never more than a review, for every vendor's brands", () => {
    const groups = catalog.entities.filter((e) => e.type === "group");
    let checked = 0;
    for (const g of groups) {
      for (const brand of [g.name, ...g.aliases.filter((a) => typeof a === "string" || a.kind === "brand").map(aliasName)]) {
        const word = brand.toLowerCase().replace(/[^a-z0-9]+/g, "-");
        for (const o of [pkg(`pkg:pypi/${word}-client`), { kind: "package" as const, name: `${word}-tools`, source: at }]) {
          const strong = matchObservation(o, index).matches.filter((m) => m.confidence >= REVIEW_BELOW);
          assert.deepEqual(strong.map((m) => m.vendor.id), [], `${o.name}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 20);
  });

  test("white-label brands tied by a single source are unconfirmed and only ever a review", () => {
    const hik = catalog.entities.find((e) => e.id === "hikvision")!;
    for (const name of ["HiLook", "HiWatch", "Hiksemi"]) {
      const alias = hik.aliases.find((a) => typeof a !== "string" && a.name === name);
      assert.ok(alias && typeof alias !== "string" && alias.confirmed === false && alias.kind === "brand", name);
      const [m] = matchObservation({ kind: "software", name: `${name} Client`, source: at }, index).matches;
      assert.equal(m?.vendor.id, "hikvision", name);
      assert.ok(m!.confidence < REVIEW_BELOW, `${name}: ${m!.confidence}`);
    }
  });

  test("siblings of one publisher namespace get one verdict: Huawei Cloud's npm scope", () => {
    const verdicts = ["huaweicloud-sdk-core", "huaweicloud-sdk-ecs", "huaweicloud-sdk-vpc"].map((n) => {
      const [m] = matchObservation(pkg(`pkg:npm/%40huaweicloud/${n}@3.1.0`), index).matches;
      return [m?.vendor.id, m?.product.id, m?.confidence];
    });
    assert.deepEqual(verdicts[0], ["huawei", "huawei-unidentified", 0.95]);
    assert.deepEqual(new Set(verdicts.map((v) => JSON.stringify(v))).size, 1);
    // another scope, or the scope's name as a bare package, is not Huawei Cloud's
    assert.deepEqual(matchObservation(pkg("pkg:npm/huaweicloud-sdk-core@3.1.0"), index).matches.filter((m) => m.confidence >= REVIEW_BELOW), []);
  });

  test("siblings of one publisher namespace get one verdict: Kaspersky's design-system packages are one look-alike", () => {
    const ids = ["hexa-ui", "hexa-ui-core", "hexa-ui-icons"].map((n) => matchObservation(pkg(`pkg:npm/%40kaspersky/${n}@1.0.0`), index).lookalike?.lookalike.id);
    assert.deepEqual(ids, ["kaspersky-hexa-ui", "kaspersky-hexa-ui", "kaspersky-hexa-ui"]);
  });

  test("a look-alike may name a whole package namespace (type/namespace/*): every package under it, and nothing else", () => {
    const copy: Catalog = structuredClone(catalog);
    copy.lookalikes.push({ id: "namespace-test", description: "test", names: [], publishers: [], identifiers: { packages: ["npm/@example-org/*"] }, citations: catalog.lookalikes[0]!.citations });
    const idx = buildCatalogIndex(copy);
    assert.equal(matchObservation(pkg("pkg:npm/%40example-org/kaspersky-tools@1.0.0"), idx).lookalike?.lookalike.id, "namespace-test");
    assert.equal(matchObservation(pkg("pkg:npm/%40example-org-2/kaspersky-tools@1.0.0"), idx).lookalike, undefined);
  });
});
