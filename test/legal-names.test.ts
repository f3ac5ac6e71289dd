/**
 * Code-signing and publisher legal names of every catalog entity (issue 12, class 3), through
 * the real readers: osquery's authenticode table (signer observations) and programs table
 * (publisher), then the matchers, and the same names through `screen`'s counterparty reader and
 * engine. Each form names its group; real companies with a Chinese city or a similar word do not.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "../src/match/index.js";
import { osqueryReader } from "../src/readers/osquery/index.js";
import { openInput } from "../src/io/open.js";
import { readCounterparties } from "../src/screen/inputs.js";
import { catalogEntities } from "../src/screen/lists/catalog.js";
import { ScreeningCorpus } from "../src/screen/engine/corpus.js";
import { screenName } from "../src/screen/engine/screen-name.js";
import { DEFAULT_THRESHOLD } from "../src/screen/run.js";
import { readAll, repoPath } from "../src/testing/index.js";

const fixture = (name: string) => repoPath("test/fixtures/legal-names", name);

type Expected = { name: string; group?: string; what: string };
function expected(): Expected[] {
  const [, ...lines] = readFileSync(fixture("expected.csv"), "utf8").trim().split("\n");
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"'));
    return { name: cells[0]!, ...(cells[1] ? { group: cells[1] } : {}), what: cells[2]! };
  });
}

let index: CatalogIndex;
before(async () => {
  index = buildCatalogIndex(await loadCatalogOrThrow());
});

describe("legal names: the fixture covers every entity group of the catalog", () => {
  it("each catalog group except people has a Chinese or Russian legal name where the issue asks, and at least one row", async () => {
    const catalog = await loadCatalogOrThrow();
    const groups = new Set(expected().map((e) => e.group).filter(Boolean));
    for (const e of catalog.entities.filter((x) => x.type === "group")) assert.ok(groups.has(e.id), `no row for ${e.id}`);
    for (const [id, script] of [["huawei", /\p{Script=Han}/u], ["zte", /\p{Script=Han}/u], ["hikvision", /\p{Script=Han}/u], ["dahua", /\p{Script=Han}/u], ["hytera", /\p{Script=Han}/u], ["kaspersky", /\p{Script=Cyrillic}/u]] as const) {
      assert.ok(expected().some((x) => x.group === id && script.test(x.name)), `no native-script row for ${id}`);
      const entity = catalog.entities.find((x) => x.id === id)!;
      const names = [...entity.aliases.map((a) => (typeof a === "string" ? a : a.name)), ...entity.publishers];
      const inFamily = catalog.entities.filter((x) => x.parent === id).flatMap((x) => x.aliases.map((a) => (typeof a === "string" ? a : a.name)));
      assert.ok([...names, ...inFamily].some((n) => script.test(n)), `the catalog has no native-script alias for ${id}`);
    }
  });
});

describe("legal names: scan, signer (osquery authenticode)", () => {
  it("every form names its group by the signer matcher; the negatives name none", async () => {
    const { observations, issues } = await readAll(osqueryReader, fixture("authenticode.json"));
    assert.deepEqual(issues, []);
    const rows = expected();
    assert.equal(observations.length, rows.length);
    observations.forEach((o, i) => {
      assert.equal(o.kind, "signer");
      const { matches } = matchObservation(o, index);
      const want = rows[i]!;
      if (!want.group) return assert.deepEqual(matches.map((m) => m.vendor.id), [], `${want.name} (${want.what}) must not match`);
      assert.deepEqual(matches.map((m) => m.vendor.id), [want.group], `${want.name} (${want.what})`);
      assert.ok(matches[0]!.evidence.some((e) => e.matcher === "signer"), `${want.name}: found by the signer matcher`);
    });
  });
});

describe("legal names: scan, publisher (osquery programs)", () => {
  it("every form names its group by the publisher matcher; the negatives name none", async () => {
    const { observations, issues } = await readAll(osqueryReader, fixture("programs.json"));
    assert.deepEqual(issues, []);
    const rows = expected();
    assert.equal(observations.length, rows.length);
    observations.forEach((o, i) => {
      const { matches } = matchObservation(o, index);
      const want = rows[i]!;
      assert.equal(o.vendor, want.name);
      if (!want.group) return assert.deepEqual(matches.map((m) => m.vendor.id), [], `${want.name} (${want.what}) must not match`);
      assert.deepEqual(matches.map((m) => m.vendor.id), [want.group], `${want.name} (${want.what})`);
      const publisher = matches[0]!.evidence.find((e) => e.matcher === "publisher");
      assert.ok(publisher && publisher.type === "alias" && publisher.confidence >= 0.85, `${want.name}: an exact publisher alias, not a brand word`);
    });
  });
});

describe("legal names: screen (counterparty file, catalog list)", () => {
  it("every form is a match for an entity of its group at the default threshold; the negatives are clear", async () => {
    const catalog = await loadCatalogOrThrow();
    const corpus = new ScreeningCorpus(catalogEntities(catalog));
    const byId = new Map(catalog.entities.map((e) => [e.id, e]));
    const groupOf = (id: string): string => { let e = byId.get(id)!; while (e.parent) e = byId.get(e.parent)!; return e.id; };
    const rows = expected();
    let n = 0;
    for await (const c of readCounterparties(await openInput(fixture("expected.csv")), { issues: [] })) {
      const want = rows[n++]!;
      assert.equal(c.name, want.name);
      const found = screenName(corpus, { name: c.name }, { threshold: DEFAULT_THRESHOLD, limit: 3, minScore: 0.5 }).filter((x) => x.match);
      if (!want.group) assert.deepEqual(found.map((x) => x.entity.id), [], `${want.name} (${want.what}) must be clear`);
      else assert.ok(found.length > 0 && groupOf(found[0]!.entity.id) === want.group, `${want.name} (${want.what}): got ${found.map((x) => `${x.entity.id} ${x.score}`).join(", ") || "nothing"}`);
    }
    assert.equal(n, rows.length);
  });
});
