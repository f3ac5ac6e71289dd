/**
 * Screening inputs at scale (issue 12, class 8): a name of hundreds of kilobytes is cut at
 * MAX_NAME_LENGTH with a located warning, and screening it stays fast whatever its shape
 * (plain words, legal forms one after another, Cyrillic, Chinese), because no step sees more
 * than the cap.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Issue } from "../model/issue.js";
import { ScreeningCorpus } from "./engine/corpus.js";
import { screenName } from "./engine/screen-name.js";
import { openInput } from "../io/open.js";
import { readCounterparties } from "./inputs.js";
import { catalogEntities } from "./lists/catalog.js";
import { capName, MAX_NAME_LENGTH } from "./name-length.js";
import { normalizeName } from "./normalize/index.js";

const KB300 = 300 * 1024;
const repeat = (unit: string) => unit.repeat(Math.ceil(KB300 / unit.length)).slice(0, KB300);

let corpus: ScreeningCorpus;
let dir: string;
before(async () => {
  corpus = new ScreeningCorpus(catalogEntities(await loadCatalogOrThrow()));
  dir = mkdtempSync(join(tmpdir(), "ictsguard-name-length-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("name length: the cap", () => {
  it("cuts at MAX_NAME_LENGTH characters and never inside a surrogate pair", () => {
    assert.equal(capName("Kaspersky Lab"), "Kaspersky Lab");
    assert.equal(capName("x".repeat(MAX_NAME_LENGTH + 5)).length, MAX_NAME_LENGTH);
    const emoji = "a".repeat(MAX_NAME_LENGTH - 1) + "😀tail";
    const cut = capName(emoji);
    assert.equal(cut, "a".repeat(MAX_NAME_LENGTH - 1));
    assert.doesNotThrow(() => encodeURIComponent(cut)); // a lone surrogate would throw
  });

  it("the normalizer reads no more than the cap", () => {
    const forms = normalizeName(repeat("Alpha Beta "));
    const tokens = forms[0]!.tokens.length;
    assert.ok(tokens <= MAX_NAME_LENGTH / 2, `${tokens} tokens`);
  });
});

describe("name length: screening a 300 KB name takes well under a few seconds, whatever its shape", () => {
  for (const [shape, unit] of [
    ["plain words", "Kaspersky Lab Huawei Technologies Alpha "],
    ["legal forms one after another", "Co., Ltd. Hangzhou Hikvision "],
    ["Cyrillic", "Лаборатория Касперского АО "],
    ["Chinese", "华为技术有限公司"],
    ["one long word", "k"],
  ] as const) {
    it(shape, () => {
      const name = repeat(unit);
      assert.equal(name.length, KB300);
      const start = process.hrtime.bigint();
      screenName(corpus, { name }, { threshold: 0.75, limit: 3, minScore: 0.5 });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      assert.ok(seconds < 3, `${shape}: ${seconds.toFixed(2)} s`);
    });
  }
});

describe("name length: counterparty files", () => {
  it("a 300 KB name cell is screened on its first MAX_NAME_LENGTH characters, with a warning at its line", async () => {
    const file = join(dir, "vendors.csv");
    writeFileSync(file, `vendor_id,vendor_name\nV1,Kaspersky Lab\nV2,"${repeat("Acme Trading ")}"\nV3,Huawei Technologies Co. Ltd.\n`);
    const issues: Issue[] = [];
    const rows = [];
    for await (const c of readCounterparties(await openInput(file), { issues })) rows.push(c);
    assert.deepEqual(rows.map((r) => [r.line, r.name.length]), [[2, 13], [3, MAX_NAME_LENGTH], [4, 28]]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.code, "screen/name-too-long");
    assert.equal(issues[0]!.severity, "warning");
    assert.deepEqual(issues[0]!.source, { file, line: 3 });
    assert.match(issues[0]!.message, /307,200 characters long; only its first 1,000 were screened/);
  });

  it("the same in JSON Lines", async () => {
    const file = join(dir, "vendors.jsonl");
    writeFileSync(file, `${JSON.stringify({ name: "ZTE Corporation" })}\n${JSON.stringify({ name: repeat("Лаборатория ") })}\n`);
    const issues: Issue[] = [];
    const rows = [];
    for await (const c of readCounterparties(await openInput(file), { issues })) rows.push(c);
    assert.deepEqual(rows.map((r) => r.name.length), [15, MAX_NAME_LENGTH]);
    assert.deepEqual(issues.map((i) => [i.code, i.source?.line]), [["screen/name-too-long", 2]]);
  });
});
