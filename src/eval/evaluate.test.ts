import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCorpusFile, type CorpusRow } from "./corpus.js";
import { score, type RowOutcome } from "./evaluate.js";

const HEADER = "kind,name,vendor,path,purl,bundle_id,package_id,extension_id,signer,expect,set,source,label_reason\n";

test("a corpus row becomes an observation with its ids, label and source", () => {
  const [row] = parseCorpusFile("c.csv", HEADER + "mobile-app,com.kms.free,,,,,com.kms.free,,,kaspersky,play,https://play.google.com/x,app\n");
  assert.equal(row!.observation.kind, "mobile-app");
  assert.deepEqual(row!.observation.ids, { packageId: "com.kms.free" });
  assert.equal(row!.expect, "kaspersky");
  assert.equal(row!.line, 2);
});

test("a corpus row without a source URL, or with an unknown kind or vendor, is an error naming file and line", () => {
  assert.throws(() => parseCorpusFile("c.csv", HEADER + "driver,klif.sys,,,,,,,,kaspersky,x,public code,r\n"), /c\.csv:2: source must be the URL/);
  assert.throws(() => parseCorpusFile("c.csv", HEADER + "widget,x,,,,,,,,clean,x,https://a,r\n"), /c\.csv:2: kind "widget"/);
  assert.throws(() => parseCorpusFile("c.csv", HEADER + "driver,x.sys,,,,,,,,acme,x,https://a,r\n", new Set(["kaspersky"])), /c\.csv:2: expect "acme"/);
});

test("scores: a wrong vendor is both a false positive and a miss; review-only rows are counted apart", () => {
  const row = (expect: string, kind = "driver"): CorpusRow => ({ file: "f", line: 1, expect, set: "", source: "https://a", reason: "", observation: { kind: kind as never, name: "n", source: { file: "f" } } });
  const outcomes: RowOutcome[] = [
    { row: row("kaspersky"), detected: "kaspersky", review: false },
    { row: row("kaspersky"), detected: "huawei", review: false },
    { row: row("kaspersky"), review: true },
    { row: row("clean"), detected: "kaspersky", review: false },
    { row: row("clean", "domain"), review: false },
  ];
  const s = score(outcomes);
  assert.equal(s.overall.tp, 1);
  assert.equal(s.overall.fp, 2);
  assert.equal(s.overall.fn, 2);
  assert.equal(s.overall.review, 1);
  assert.equal(s.overall.precision, 1 / 3);
  assert.equal(s.overall.recall, 1 / 3);
  assert.equal(s.byVendor.huawei!.fp, 1);
  assert.equal(s.byVendor.kaspersky!.fn, 2);
  assert.equal(s.byKind.domain!.rows, 1);
});
