import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addTransliterations, foldText, joinedParts, knownTransliterations, normalizeOrgName, orgParts, productParts, productTokens, recordTransliterations, tokens, type NameParts } from "./fold.js";

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

/** Parts shown with their glue: "kaspersky+total+security kes". */
const show = (p: NameParts): string => p.parts.map((part, i) => part + (i === p.parts.length - 1 ? "" : p.glued[i] ? "+" : " ")).join("");

describe("invisible code points", () => {
  it("are taken out: a soft hyphen, zero-width space, joiners, word joiner, BOM, variation selector, bidi mark, Mongolian vowel separator", () => {
    for (const c of ["\u00AD", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\uFE0F", "\u200E", "\u180E", "\u034F", "\u{E0041}"]) {
      assert.equal(foldText(`Kas${c}persky`), "kaspersky", JSON.stringify(c));
    }
  });

  it("join what they stood between, and CamelCase parts it again", () => {
    assert.equal(foldText("Kaspersky\u00ADTotal Security"), "kasperskytotal security");
    assert.equal(show(productParts("Kaspersky\u00ADTotal Security")), "kaspersky+total security");
    assert.equal(show(productParts("Kaspersky\u200BInternet\u2060Security")), "kaspersky+internet+security");
  });

  it("spaces and dashes outside ASCII stay separators (NFKC makes NBSP and thin spaces spaces; a non-breaking hyphen is punctuation)", () => {
    for (const c of ["\u00A0", "\u2009", "\u202F", "\u3000", "\u2011", "\u2013", "\u2028"]) assert.equal(foldText(`Kaspersky${c}Total`), "kaspersky total", JSON.stringify(c));
  });
});

describe("CamelCase parts", () => {
  it("cuts a word where a lower-case letter meets an upper-case one, and before the last letter of an acronym that starts a word", () => {
    assert.equal(show(productParts("KasperskyTotalSecurity")), "kaspersky+total+security");
    assert.equal(show(productParts("Kaspersky.TotalSecurity 21.3")), "kaspersky total+security");
    assert.equal(show(productParts("Kaspersky_Total_Security")), "kaspersky total security");
    assert.equal(show(productParts("KESForWindows")), "kes+for+windows");
    assert.equal(show(productParts("Kaspersky.KasperskyVPNSecureConnection")), "kaspersky kaspersky+vpn+secure+connection");
    assert.equal(show(productParts("iVMS-4200")), "i+vms");
    assert.equal(show(productParts("McAfee")), "mc+afee");
    // all capitals, all lower case, digits: no boundary
    assert.equal(show(productParts("KASPERSKY kaspersky kes11 X64")), "kaspersky kaspersky kes11");
  });

  it("splits an anti- part as it splits an anti- word", () => {
    assert.equal(show(productParts("KasperskyAntivirus")), "kaspersky+anti+virus");
    assert.equal(show(productParts("Kaspersky Antivirus")), "kaspersky anti virus");
  });

  it("reads Latin transliterations of other scripts the same way", () => {
    assert.equal(show(productParts("КасперскийАнтивирус")), "kasperskiy+anti+virus");
  });

  it("glued back (joinedParts), are the tokens of productTokens and normalizeOrgName, for any text", () => {
    const glue = joinedParts;
    const samples = [
      "KasperskyTotalSecurity", "Kaspersky Anti-Virus 2012 x64", "KESForWindows 11.0", "AO Kaspersky Lab", "KasperskyLab ZAO", "iPhone",
      "Kas\u00ADpersky\u200B", "Лаборатория Касперского", "卡巴斯基安全软件", "a\u0001b", "\u0001", "", "  --  ", "PowerShell 7-x64", "Kaspersky AntiVirusPro",
    ];
    for (const s of samples) {
      assert.equal(glue(productParts(s)), productTokens(s).join(" "), JSON.stringify(s));
      assert.equal(glue(orgParts(s)), tokens(normalizeOrgName(s)).join(" "), JSON.stringify(s));
    }
  });
});
