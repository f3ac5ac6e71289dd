import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addTransliterations, foldText, knownTransliterations, recordTransliterations } from "./fold.js";

describe("transliteration tables", () => {
  it("folds a text the table holds from the table, and hands the table on (to a worker thread)", () => {
    // a mapping the library would never make: proof that the table, not the library, answered
    addTransliterations({ "Жёлтый тест": "table answer" });
    assert.equal(foldText("Жёлтый тест"), "table answer");
    assert.equal(knownTransliterations()["Жёлтый тест"], "table answer");
  });

  it("records the transliterations a piece of work needed, from the library for texts the table lacks", () => {
    const table = recordTransliterations(() => void foldText("Лаборатория Касперского"));
    assert.deepEqual(Object.keys(table), ["Лаборатория Касперского"]);
    assert.equal(foldText("Лаборатория Касперского"), "laboratoriya kasperskogo");
  });
});
