/**
 * The compact candidate index against the plain one it replaced (reference-index.ts): over the
 * catalog and the full OFAC SDN sample, every query of the labelled set and names written from
 * the list itself (as listed, with a typo, joined, as initials) must get the same candidates in
 * the same order. Also the corner cases the compact layout adds: a hash collision between name
 * keys, and a key too common to use.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { repoPath } from "../../testing/index.js";
import { loadEvalSet } from "../eval/set.js";
import { catalogEntities } from "../lists/catalog.js";
import { readOfacSdn } from "../lists/ofac-sdn.js";
import type { ListedEntity } from "../model.js";
import { MAX_POSTINGS } from "./candidate-index.js";
import { ScreeningCorpus } from "./corpus.js";
import { keyHash } from "./keys.js";
import { ReferenceIndex } from "./reference-index.js";
import { prepareQuery } from "./screen-name.js";

let corpus: ScreeningCorpus;
let reference: ReferenceIndex;
let evalInputs: string[];

before(async () => {
  const dir = repoPath("src/screen/lists/testdata/ofac-sdn");
  const sdn = await readOfacSdn({ sdn: `${dir}/sdn.csv`, alt: `${dir}/alt.csv`, add: `${dir}/add.csv` }, { issues: [] });
  corpus = new ScreeningCorpus([...catalogEntities(await loadCatalogOrThrow()), ...sdn.map((e): ListedEntity => ({ ...e, list: "ofac-sdn" }))]);
  reference = referenceOf(corpus);
  evalInputs = (await loadEvalSet(repoPath("src/screen/eval/pairs.csv"))).map((p) => p.input);
});

function referenceOf(c: ScreeningCorpus): ReferenceIndex {
  return new ReferenceIndex(Array.from({ length: c.recordCount }, (_, id) => c.tokens(id)));
}

/** Both indexes' candidates for a name, as screenName asks (weights set, the query's own runs), at two limits. */
function compare(c: ScreeningCorpus, ref: ReferenceIndex, name: string): { compact: number[]; plain: number[] } {
  const q = prepareQuery({ name });
  for (const tokens of q.tokens) for (const t of tokens) t.w = c.weigh(t);
  const compact = [...c.candidates(q.tokens, 24, q.runs), -1, ...c.candidates(q.tokens, 3)];
  const plain = [...ref.candidates(q.tokens, 24, c.rankInput), -1, ...ref.candidates(q.tokens, 3, c.rankInput)];
  return { compact, plain };
}

describe("candidate index: the same candidates as the plain index", () => {
  it("for every input of the labelled set", () => {
    let found = 0;
    for (const name of evalInputs) {
      const { compact, plain } = compare(corpus, reference, name);
      assert.deepEqual(compact, plain, name);
      if (plain.length > 2) found++;
    }
    assert.ok(found > evalInputs.length * 0.9, `only ${found} inputs had candidates`);
  });

  it("for names of the list as listed, with a typo, joined and as initials", () => {
    const typo = (s: string) => (s.length > 5 ? s.slice(0, 2) + s[3] + s[2] + s.slice(4) : s);
    for (let id = 0; id < corpus.recordCount; id += 37) {
      const words = corpus.tokens(id).map((t) => t.from);
      for (const name of [words.join(" "), words.map(typo).join(" "), words.join(""), words.map((w) => w[0]).join("")]) {
        if (!name.trim()) continue;
        const { compact, plain } = compare(corpus, reference, name);
        assert.deepEqual(compact, plain, name);
      }
    }
  });
});

describe("candidate index: what the compact layout must not change", () => {
  it("a name key that only shares another's hash is not a candidate", () => {
    // "fuoagrbaegom" and "uamvademrlra" have the same 32-bit hash, so their joined runs are filed
    // together; the second name shares no word, deletion or prefix with the query
    assert.equal(keyHash("fuoagrbaegom"), keyHash("uamvademrlra"));
    const entity = (id: string, name: string): ListedEntity => ({ id, list: "t", name, schema: "organization", aliases: [], countries: [], addresses: [], programs: [] });
    const c = new ScreeningCorpus([entity("a", "Fuoagr Baegom"), entity("b", "Uamvad Emrlra")]);
    const q = prepareQuery({ name: "Fuoagrbaegom" });
    assert.deepEqual(c.candidates(q.tokens, 24).map((id) => c.entity(c.recordEntity(id)).id), ["a"]);
    const { compact, plain } = compare(c, referenceOf(c), "Fuoagrbaegom");
    assert.deepEqual(compact, plain);
  });

  it("a key on more than MAX_POSTINGS names is left out, as the plain index leaves it out", () => {
    const entities: ListedEntity[] = [];
    for (let i = 0; i <= MAX_POSTINGS; i++) entities.push({ id: `n${i}`, list: "t", name: `Zorvex Holding ${i.toString(36)}`, schema: "organization", aliases: [], countries: [], addresses: [], programs: [] });
    entities.push({ id: "rare", list: "t", name: "Zorvex Quillbrand", schema: "organization", aliases: [], countries: [], addresses: [], programs: [] });
    const c = new ScreeningCorpus(entities);
    const ref = referenceOf(c);
    for (const name of ["Zorvex Quillbrand", "Zorvex", "Zorvexx Holding", "Quillbrand"]) {
      const { compact, plain } = compare(c, ref, name);
      assert.deepEqual(compact, plain, name);
    }
    // "zorvex" is on every name: only the rare word finds candidates, and it finds its name first
    const q = prepareQuery({ name: "Zorvex Quillbrand" });
    assert.equal(c.entity(c.recordEntity(c.candidates(q.tokens, 24)[0]!)).id, "rare");
    assert.deepEqual(c.candidates(prepareQuery({ name: "Zorvex" }).tokens, 24), []);
  });
});
