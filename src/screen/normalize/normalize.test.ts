import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { normalizeOrgName } from "../../text/fold.js";
import { pinyinToken, segmentHan } from "./cjk.js";
import { countryCode } from "./country.js";
import { CYRILLIC_SCHEMES, UKRAINIAN_SCHEME, transliterateCyrillic } from "./cyrillic.js";
import { nameKey, normalizeName, stem } from "./index.js";
import { skeleton } from "./phonetic.js";
import { foldLatin, foldUnicode, splitAsciiWords, splitUnicodeWords, splitWords } from "./tokens.js";

const tokens = (name: string, person = false) => normalizeName(name, { person })[0]!.tokens.map((t) => t.text);
const forms = (name: string) => normalizeName(name).map((f) => f.tokens.map((t) => t.text).join(" "));
const legal = (name: string) => normalizeName(name)[0]!.legalForms.map((l) => `${l.text}/${l.lang}`);

describe("screen normalize: legal forms in many languages", () => {
  const cases: [string, string[], string[]][] = [
    ["Kaspersky Lab AO", ["kaspersky", "laboratory"], ["AO/ru"]],
    ["AO Kaspersky Lab", ["kaspersky", "laboratory"], ["AO/ru"]],
    ["KASPERSKY LABS LTD.", ["kaspersky", "laboratory"], ["LTD/en"]],
    ["Kaspersky Lab ZAO", ["kaspersky", "laboratory"], ["ZAO/ru"]],
    ["Gazprom Neft PAO", ["gazprom", "neft"], ["PAO/ru"]],
    ["OOO Gazprom Burenie", ["gazprom", "burenie"], ["OOO/ru"]],
    ["Transneft, JSC", ["transneft"], ["JSC/en"]],
    ["Huawei Technologies Co., Ltd.", ["huawei", "technology"], ["Co Ltd/en"]],
    ["ZTE Corp (USA)", ["zte", "usa"], ["Corp/en"]],
    ["Siemens Aktiengesellschaft", ["siemen"], ["Aktiengesellschaft/de"]],
    ["Kaspersky Labs GmbH", ["kaspersky", "laboratory"], ["GmbH/de"]],
    ["Cazper Importaciones, S.A. de C.V.", ["cazper", "importacione"], ["S A de C V/es"]],
    ["Petroleos S.A.", ["petroleos"], ["S A/fr"]],
    ["Firma Sp. z o.o.", ["firma"], ["Sp z o o/pl"]],
    ["Alfa s.r.o.", ["alfa"], ["s r o/cs"]],
    ["Otkrytoe Aktsionernoe Obshchestvo Rosneft", ["rosneft"], ["Otkrytoe Aktsionernoe Obshchestvo/ru"]],
    ["Obshchestvo s Ogranichennoi Otvetstvennostyu Gazprom Burenie", ["gazprom", "burenie"], ["Obshchestvo s Ogranichennoi Otvetstvennostyu/ru"]],
    ["Limited Liability Company Gazprom Bureniye", ["gazprom", "bureniye"], ["Limited Liability Company/en"]],
    ["Sony Kabushiki Kaisha", ["sony"], ["Kabushiki Kaisha/ja"]],
    ["华为技术有限公司", ["huawei", "technology"], ["有限公司/zh"]],
    ["杭州海康威视数字技术股份有限公司", ["hangzhou", "haikangweishi", "digital", "technology"], ["股份有限公司/zh"]],
  ];
  for (const [name, expected, forms] of cases) {
    it(`${name} → ${expected.join(" ")}`, () => {
      assert.deepEqual(tokens(name), expected);
      assert.deepEqual(legal(name), forms);
    });
  }

  it("drops Cyrillic legal forms, whatever their spelling, and says what it dropped", () => {
    const f = normalizeName("Общество с ограниченной ответственностью «Газпром бурение»");
    for (const form of f) assert.deepEqual(form.legalForms.map((l) => l.lang), ["ru"]);
    assert.ok(f.every((form) => form.tokens[0]!.text === "gazprom"));
    assert.match(f[0]!.legalForms[0]!.meaning, /limited liability/);
  });

  it("drops short forms that are also words only at the edges of a name", () => {
    assert.deepEqual(tokens("AS Norsk Hydro"), ["norsk", "hydro"]); // Norwegian AS at the start
    assert.deepEqual(tokens("Banco AS Safa Trading"), ["banco", "as", "safa", "trading"]); // inside: a word
    assert.deepEqual(tokens("Co Op Bank Ltd"), ["op", "bank"]);
  });

  it("meets a short legal form by its text, not by a longer word's skeleton", () => {
    // skeleton("asia") is "asa" (Norwegian ASA), skeleton("zhao") "zao", skeleton("chio") "co"
    assert.deepEqual(tokens("Asia Energy General Trading"), ["asia", "energy", "general", "trading"]);
    assert.deepEqual(tokens("Pacific Asia"), ["pacific", "asia"]);
    assert.deepEqual(tokens("Zhao Yang Trading"), ["zhao", "yang", "trading"]);
    assert.deepEqual(tokens("Chio Foods"), ["chio", "food"]);
    assert.deepEqual(legal("Zhao Yang Trading"), []);
    // the forms themselves still go, in Latin and Cyrillic, and long forms by their skeleton
    assert.deepEqual(tokens("Norsk Hydro ASA"), ["norsk", "hydro"]);
    assert.deepEqual(tokens("ZAO Kaspersky Lab"), ["kaspersky", "laboratory"]);
    for (const form of normalizeName("ЗАО Лаборатория Касперского")) assert.deepEqual(form.legalForms.map((l) => l.text), ["ЗАО"]);
    assert.deepEqual(tokens("Obschestvo s Ogranichennoy Otvetstvennostyu Gazprom"), ["gazprom"]);
  });

  it("keeps a name that is nothing but a legal form", () => {
    assert.deepEqual(tokens("Company"), ["company"]);
    assert.deepEqual(tokens("AO"), ["ao"]);
  });

  it("leaves people's names alone", () => {
    assert.deepEqual(tokens("Ivan Co", true), ["ivan", "co"]);
    assert.deepEqual(tokens("TIKHONOV, Andrei Gennadyevich", true), ["tikhonov", "andrei", "gennadyevich"]);
  });

  it("shares one table with the scan's publisher matcher, which keeps its own word set", () => {
    assert.equal(normalizeOrgName("AO Kaspersky Lab"), "kaspersky lab");
    assert.equal(normalizeOrgName("Huawei Technologies Co., Ltd."), "huawei technologies");
    assert.equal(normalizeOrgName("ESET, spol. s r.o."), "eset spol r o"); // unchanged: the scan's set
  });
});

describe("screen normalize: punctuation, quotes, word boundaries", () => {
  it("treats punctuation and quotes as separators and keeps word order", () => {
    assert.deepEqual(tokens('АО «Лаборатория Касперского»').length, 2);
    assert.deepEqual(tokens('"Kaspersky"  Lab;'), ["kaspersky", "laboratory"]);
    assert.deepEqual(tokens("Hikvision-Digital/Tech"), ["hikvision", "digital", "technology"]);
  });

  it("drops apostrophes and transliteration marks inside a word instead of splitting it", () => {
    assert.deepEqual(tokens("Ob'edinennaya Aviastroitel'naya Korporatsiya"), ["obedinennaya", "aviastroitelnaya", "korporatsiya"]);
    assert.deepEqual(tokens("Obʺedinennaya"), ["obedinennaya"]);
  });

  it("folds diacritics, special letters and full-width forms", () => {
    assert.deepEqual(tokens("Société Générale Straße Øresund ＫＡＳＰＥＲＳＫＹ"), ["societe", "generale", "strasse", "oresund", "kaspersky"]);
  });

  it("marks abbreviations written with a dot and qualifiers in parentheses", () => {
    const words = splitWords("Hangzhou Dig. Tech. (Americas)");
    assert.deepEqual(words.map((w) => [w.text, w.dotted, w.qualifier]), [["Hangzhou", false, false], ["Dig", true, false], ["Tech", true, false], ["Americas", false, true]]);
    const t = normalizeName("ZTE Corp (USA)")[0]!.tokens;
    assert.equal(t.find((x) => x.text === "usa")?.qualifier, true);
  });

  it("drops stop words", () => {
    assert.deepEqual(tokens("The Bank of New York and Trust"), ["bank", "new", "york", "trust"]);
  });
});

describe("screen normalize: the ASCII fast paths give what the Unicode paths give", () => {
  it("splits ASCII names into the same words, marks, dots and parentheses included", () => {
    const name = fc.string({ unit: fc.constantFrom(..."aZk09 .,'`()[]{}-&/\"\t"), maxLength: 40 });
    fc.assert(
      fc.property(name, (s) => {
        assert.deepEqual(splitAsciiWords(s), splitUnicodeWords(s), JSON.stringify(s));
      }),
      { numRuns: 3000 },
    );
    assert.deepEqual(splitWords("O'Neil (USA) Co."), splitUnicodeWords("O'Neil (USA) Co."));
    assert.equal(splitWords("O'Neil").length, 1);
  });

  it("folds an ASCII word as the Unicode fold does", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."aZkQ09"), minLength: 1, maxLength: 12 }), (w) => {
        assert.deepEqual(foldLatin(w), foldUnicode(w));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("screen normalize: abbreviations and plurals", () => {
  it("reads a word that is also a property of every object (constructor) as a word, not as an abbreviation", () => {
    // "constructor" once looked up Object.prototype.constructor in the abbreviation table and became a function
    assert.deepEqual(tokens("Toronto Constructor Group"), ["toronto", "constructor", "group"]);
  });

  it("expands the abbreviations clerks type", () => {
    assert.deepEqual(tokens("Hangzhou Hikvision Digital Tech. Co."), ["hangzhou", "hikvision", "digital", "technology"]);
    assert.deepEqual(tokens("China Natl Intl Trdg Grp"), ["china", "national", "international", "trading", "group"]);
    const t = normalizeName("Tech")[0]!.tokens[0]!;
    assert.equal(t.via, "abbreviation");
    assert.equal(t.from, "Tech");
  });

  it("folds English plurals", () => {
    assert.equal(stem("technologies"), "technology");
    assert.equal(stem("labs"), "lab");
    assert.equal(stem("systems"), "system");
    assert.equal(stem("business"), "business");
    assert.equal(stem("gas"), "gas");
    assert.deepEqual(tokens("Kaspersky Labs"), tokens("Kaspersky Laboratory"));
  });
});

describe("screen normalize: Cyrillic transliteration schemes", () => {
  const under = (id: string, text: string) => transliterateCyrillic(text, [...CYRILLIC_SCHEMES, UKRAINIAN_SCHEME].find((s) => s.id === id)!);

  it("renders Касперский under every scheme, so every spelling meets", () => {
    assert.equal(under("iso-9", "касперский"), "kasperskij");
    assert.equal(under("gost-7.79-b", "касперский"), "kasperskij");
    assert.equal(under("bgn-pcgn", "касперский"), "kasperskiy");
    assert.equal(under("icao-9303", "касперский"), "kasperskii");
    assert.equal(under("scholarly", "касперский"), "kasperskij");
    assert.equal(under("conventional", "касперский"), "kaspersky");
    assert.deepEqual(forms("Касперский").sort(), ["kasperskii", "kasperskij", "kasperskiy", "kaspersky"]);
  });

  it("follows each scheme's own letters and context rules", () => {
    assert.equal(under("iso-9", "щукин"), "ŝukin");
    assert.equal(under("gost-7.79-b", "щукин"), "shhukin");
    assert.equal(under("bgn-pcgn", "щукин"), "shchukin");
    assert.equal(under("scholarly", "щукин"), "ščukin");
    assert.equal(under("gost-7.79-b", "цирк центр"), "czirk czentr");
    assert.equal(under("gost-7.79-b", "цокол"), "cokol");
    assert.equal(under("bgn-pcgn", "елена"), "yelena");
    assert.equal(under("bgn-pcgn", "алексеев"), "alekseyev");
    assert.equal(under("icao-9303", "юлия"), "iuliia");
    assert.equal(under("bgn-pcgn", "юлия"), "yuliya");
    assert.equal(under("scholarly", "юлия"), "julija");
    assert.equal(under("icao-9303", "объединённая"), "obieedinennaia");
  });

  it("names the schemes of each form, merging identical renderings", () => {
    const f = normalizeName("Газпромбанк");
    assert.equal(f.length, 1);
    assert.equal(f[0]!.tokens[0]!.text, "gazprombank");
    assert.equal(f[0]!.schemes!.length, 6);
    assert.equal(f[0]!.tokens[0]!.via, "transliteration");
    assert.equal(f[0]!.tokens[0]!.from, "Газпромбанк");
  });

  it("uses the Ukrainian national scheme for Ukrainian text", () => {
    assert.equal(under("uk-national", "київстар"), "kyivstar");
    assert.ok(forms("Київстар").includes("kyivstar"));
    assert.ok(!forms("Касперский").includes("kyivstar"));
  });
});

describe("screen normalize: Chinese", () => {
  it("reads names in pinyin, in context", () => {
    assert.equal(pinyinToken("卡巴斯基"), "kabasiji"); // 卡 is ka here, not qia
    assert.equal(pinyinToken("华为"), "huawei");
    assert.equal(pinyinToken("重庆"), "chongqing");
  });

  it("segments a company name on its words and legal forms, and translates the words", () => {
    const pieces = segmentHan("中兴通讯股份有限公司");
    assert.deepEqual(pieces.map((p) => (p.kind === "word" ? `${p.from}:${p.text}:${p.via}` : `${p.from}:legal`)), [
      "中兴:zhongxing:pinyin",
      "通讯:communications:translation",
      "股份有限公司:legal",
    ]);
  });

  it("treats traditional and simplified spellings alike", () => {
    assert.deepEqual(tokens("華為技術有限公司"), tokens("华为技术有限公司"));
  });

  it("splits Han from the Latin around it", () => {
    assert.deepEqual(tokens("ZTE中兴"), ["zte", "zhongxing"]);
  });
});

describe("screen normalize: spelling skeletons", () => {
  it("gives transliteration variants one skeleton", () => {
    for (const group of [
      ["kasperskiy", "kasperskij", "kasperskii", "kaspersky"],
      ["shchukin", "schukin", "shhukin"],
      ["tsentr", "centr", "czentr"],
      ["aleksandr", "alexandr"],
      ["yevgeny", "evgenii", "evgeniy"],
      ["mohammed", "mohamed"],
    ]) {
      assert.equal(new Set(group.map(skeleton)).size, 1, group.join(", "));
    }
  });

  it("keeps different names apart", () => {
    assert.notEqual(skeleton("casper"), skeleton("kasper"));
    assert.notEqual(skeleton("huawen"), skeleton("huawei"));
    assert.equal(skeleton("zte"), "zte"); // short tokens as they are
  });
});

describe("screen normalize: countries and keys", () => {
  it("reads codes, names and the lists' own spellings", () => {
    assert.equal(countryCode("RU"), "RU");
    assert.equal(countryCode("rus"), "RU");
    assert.equal(countryCode("Russian Federation"), "RU");
    assert.equal(countryCode("Russia"), "RU");
    assert.equal(countryCode("Korea, North"), "KP");
    assert.equal(countryCode("Burma"), "MM");
    assert.equal(countryCode("Region: Crimea"), "UA");
    assert.equal(countryCode("-0-"), undefined);
    assert.equal(countryCode("Atlantis"), undefined);
  });

  it("gives one key to names that differ only in case, punctuation and legal form", () => {
    assert.equal(nameKey("KASPERSKY LAB, AO"), nameKey("Kaspersky Lab Ltd."));
    assert.notEqual(nameKey("Kaspersky Lab"), nameKey("Kaspersky"));
  });
});
