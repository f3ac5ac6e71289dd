/**
 * A list screened from its stored file (entities read back by offset, records kept as columns)
 * gives what the same list held in memory gives: the real OFAC SDN sample, imported as a user
 * imports it, screened with every input of the labelled set and with names of the list itself;
 * every candidate, score and explanation the same. And the file is the one the corpus was built
 * from, even when the list is imported again meanwhile.
 */
import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { repoPath } from "../../testing/index.js";
import { tempDir } from "../../testing/temp.js";
import { loadEvalSet } from "../eval/set.js";
import { catalogEntities } from "../lists/catalog.js";
import { importList } from "../lists/import.js";
import { listPath, openStoredList, readList, writeList } from "../lists/store.js";
import type { ListedEntity } from "../model.js";
import { ScreeningCorpus } from "./corpus.js";
import { screenName } from "./screen-name.js";

const OPTIONS = { threshold: 0.75, limit: 5, minScore: 0.3 };
let env: NodeJS.ProcessEnv;
let catalog: ListedEntity[];
let inMemory: ScreeningCorpus;
let fromFile: ScreeningCorpus;
/** The same, built as a list of millions is: name keys kept in a temporary file until the index is made. */
let spilled: ScreeningCorpus;
let names: string[];

before(async () => {
  env = { ICTSGUARD_HOME: tempDir("ictsguard-home-") };
  const { list } = await importList([repoPath("src/screen/lists/testdata/ofac-sdn")], { name: "sdn" });
  writeList(list, env);
  // OpenSanctions entities with Cyrillic names: records of several forms (one per transliteration)
  const { list: os } = await importList([repoPath("src/screen/lists/testdata/opensanctions/zala-entities.ftm.json")], { name: "zala" });
  writeList(os, env);
  catalog = catalogEntities(await loadCatalogOrThrow());
  const stored = readList("sdn", env).entities.map((e): ListedEntity => ({ ...e, list: "sdn" }));
  const zala = readList("zala", env).entities.map((e): ListedEntity => ({ ...e, list: "zala" }));
  inMemory = new ScreeningCorpus([...catalog, ...stored, ...zala]);
  fromFile = new ScreeningCorpus({
    sources: [{ entities: catalog }, { list: "sdn", file: openStoredList("sdn", env)! }, { list: "zala", file: openStoredList("zala", env)! }],
  });
  spilled = new ScreeningCorpus({
    sources: [{ entities: catalog }, { list: "sdn", file: openStoredList("sdn", env)! }, { list: "zala", file: openStoredList("zala", env)! }],
    spillKeysAbove: 0,
  });
  const sample = [...stored.filter((_, i) => i % 23 === 0), ...zala].flatMap((e) => [e.name, ...e.aliases.slice(0, 2).map((a) => a.name)]);
  names = [...(await loadEvalSet(repoPath("src/screen/eval/pairs.csv"))).map((p) => p.input), ...sample];
});

describe("screening a list from its stored file", () => {
  it("has the same entities, names and index as the list in memory", () => {
    assert.deepEqual(fromFile.size, inMemory.size);
    assert.deepEqual(spilled.size, inMemory.size);
    assert.ok(fromFile.size.entities > 9000);
  });

  it("gives every name the same candidates, scores and explanations", () => {
    let matched = 0;
    for (const name of names) {
      for (const query of [{ name }, { name, country: "RU" }]) {
        const a = screenName(inMemory, query, OPTIONS);
        const b = screenName(fromFile, query, OPTIONS);
        assert.deepEqual(b, a, name);
        assert.deepEqual(screenName(spilled, query, OPTIONS), a, name);
        if (a.some((c) => c.match && c.entity.list !== "catalog")) matched++;
      }
    }
    assert.ok(matched > names.length / 2, `only ${matched} of ${names.length * 2} queries matched a listed entry`);
  });

  it("reads the file it was built from after the list is imported again", () => {
    const corpus = new ScreeningCorpus({ sources: [{ list: "sdn", file: openStoredList("sdn", env)! }] });
    // an import writes a new file and renames it over the list; nothing was read back yet
    const path = listPath("sdn", env);
    const saved = `${path}.saved`;
    renameSync(path, saved);
    writeFileSync(path, "{}\n");
    try {
      const found = screenName(corpus, { name: "AEROCARIBBEAN AIRLINES" }, OPTIONS);
      assert.equal(found[0]?.entity.id, "36");
      assert.equal(found[0]?.entity.name, "AEROCARIBBEAN AIRLINES");
    } finally {
      renameSync(saved, path);
      corpus.close();
    }
  });
});
