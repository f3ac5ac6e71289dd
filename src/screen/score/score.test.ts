import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { normalizeName } from "../normalize/index.js";
import { compareTokens } from "./compare.js";
import { allowedEdits, editDistance, jaroWinkler } from "./distance.js";
import { compTokens, letterMask, lettersApart, tokenSimilarity } from "./tokens.js";

const tok = (name: string, person = false) => compTokens(normalizeName(name, { person })[0]!.tokens);
const one = (t: string) => tok(t)[0]!;
const flat = () => 1;
const compare = (a: string, b: string, people = false) => compareTokens(tok(a, people), tok(b, people), flat, people);

describe("screen score: distances", () => {
  it("Jaro-Winkler gives the textbook values", () => {
    assert.equal(jaroWinkler("martha", "marhta").toFixed(3), "0.961");
    assert.equal(jaroWinkler("dwayne", "duane").toFixed(3), "0.840");
    assert.equal(jaroWinkler("dixon", "dicksonx").toFixed(3), "0.813");
    assert.equal(jaroWinkler("same", "same"), 1);
    assert.equal(jaroWinkler("abc", ""), 0);
  });

  it("edit distance counts an adjacent transposition as one edit and stops at its bound", () => {
    assert.equal(editDistance("kaspresky", "kaspersky"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("ca", "abc"), 3);
    assert.equal(editDistance("kaspersky", "bakery", 2), 3);
    assert.equal(editDistance("", "abc"), 3);
  });

  it("letters alone never put two words further apart than their edit distance", () => {
    // the scorer skips the edit distance when lettersApart says yes: a wrong yes would lose a typo
    const word = fc.string({ unit: fc.constantFrom(..."abcdehikrsvz019é"), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        if (lettersApart(letterMask(a), letterMask(b), max)) assert.ok(editDistance(a, b) > max, `${a} / ${b}: ${editDistance(a, b)} edits`);
      }),
      { numRuns: 5000 },
    );
    assert.equal(lettersApart(letterMask("kaspersky"), letterMask("kaspresky"), 1), false); // a transposition: same letters
    assert.equal(lettersApart(letterMask("casper"), letterMask("bakery"), 1), true);
  });

  it("allows fewer edits in shorter words", () => {
    assert.deepEqual([3, 4, 7, 8, 12].map(allowedEdits), [0, 1, 1, 2, 2]);
  });
});

describe("screen score: how tokens meet", () => {
  it("exact, spelling variant, typo, inflection, abbreviation", () => {
    assert.equal(tokenSimilarity(one("kaspersky"), one("kaspersky"))?.how, "exact");
    assert.equal(tokenSimilarity(one("kasperskiy"), one("kaspersky"))?.how, "spelling");
    assert.equal(tokenSimilarity(one("kaspresky"), one("kaspersky"))?.how, "typo");
    assert.equal(tokenSimilarity(one("kasperskogo"), one("kaspersky"))?.how, "inflection");
    const hikv = tok("Hikv.")[0]!;
    assert.equal(tokenSimilarity(hikv, one("hikvision"))?.how, "abbreviation");
    assert.equal(tokenSimilarity(one("hikv"), one("hikvision")), undefined); // without the dot, a different word
  });

  it("does not take a different word for a typo", () => {
    assert.equal(tokenSimilarity(one("casper"), one("kaspersky")), undefined);
    assert.equal(tokenSimilarity(one("hikari"), one("hikvision")), undefined);
    assert.equal(tokenSimilarity(one("zte"), one("zta")), undefined); // three letters: exact only
    assert.equal(tokenSimilarity(one("kasper"), one("kaspersky")), undefined);
    assert.equal(tokenSimilarity(one("a1"), one("a2")), undefined); // digits: exact only
  });

  it("reads initials only in people's names", () => {
    const a = tok("A. Tikhonov", true)[0]!;
    assert.equal(tokenSimilarity(a, one("andrei"), true)?.how, "initial");
    assert.equal(tokenSimilarity(a, one("andrei"), false), undefined);
  });
});

describe("screen score: names", () => {
  it("ignores word order", () => {
    assert.equal(compare("Lab Kaspersky", "Kaspersky Lab").score, 1);
    assert.equal(compare("Tikhonov Andrei", "Andrei Tikhonov", true).score, 1);
  });

  it("joins and splits words", () => {
    const split = compare("Gazprom Bank", "Gazprombank");
    assert.equal(split.pairs[0]!.how, "split");
    assert.ok(split.score > 0.9);
    const joined = compare("Gazprombank", "Gazprom Bank");
    assert.equal(joined.pairs[0]!.how, "joined");
    assert.ok(joined.score > 0.9);
    assert.equal(compare("Hua Wei", "Huawei").pairs[0]!.how, "split");
  });

  it("reads acronyms of three letters or more", () => {
    const c = compare("IRISL", "Islamic Republic Iran Shipping Lines");
    assert.equal(c.pairs[0]!.how, "acronym");
    assert.ok(c.score > 0.8);
    assert.equal(compare("KB", "Kasperski Bakery").pairs.length, 0);
  });

  it("scores extra and missing words down, by their weight", () => {
    const bakery = compare("Kasperski Bakery", "Kaspersky");
    assert.ok(bakery.score < 0.7, `${bakery.score}`);
    assert.equal(bakery.unmatchedInput[0]!.token.text, "bakery");
    const heavy = compareTokens(tok("Kaspersky Lab"), tok("Kaspersky"), (t) => (t.text === "laboratory" ? 0.1 : 1));
    const light = compareTokens(tok("Kaspersky Lab"), tok("Kaspersky"), (t) => (t.text === "laboratory" ? 1 : 1));
    assert.ok(heavy.score > light.score);
    assert.ok(heavy.score > 0.9);
  });

  it("counts a person's missing middle name or patronymic half", () => {
    const c = compare("Andrey Tikhonov", "Andrei Gennadyevich Tikhonov", true);
    assert.ok(c.score > 0.85, `${c.score}`);
    assert.ok(c.score < 1);
  });

  it("weighs qualifiers in parentheses half", () => {
    const q = compare("ZTE (USA)", "ZTE");
    const plain = compare("ZTE USA", "ZTE");
    assert.ok(q.score > plain.score);
  });

  it("keeps hard negatives apart", () => {
    for (const [a, b] of [
      ["Casper Sleep Inc", "Kaspersky"],
      ["Hikari Vision", "Hikvision"],
      ["Huawen Foods", "Huawei"],
    ]) {
      assert.ok(compare(a!, b!).score < 0.7, `${a} ~ ${b}: ${compare(a!, b!).score}`);
    }
  });
});
