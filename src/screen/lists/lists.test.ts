import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { repoPath } from "../../testing/index.js";
import { catalogEntities } from "./catalog.js";
import { detectListFormat, guessListFormat, importList, importListTo } from "./import.js";
import { listEntities, listNames, listPath, readList, readListHeader, removeList, writeList } from "./store.js";
import { checkReplace } from "./replace.js";
import { tempDir } from "../../testing/temp.js";

const data = (...p: string[]) => repoPath("src/screen/lists/testdata", ...p);
const NOW = new Date("2026-01-15T10:00:00Z");

describe("screen lists: OFAC SDN", () => {
  it("reads the full list with its aliases and addresses, from the folder", async () => {
    const { list, issues } = await importList([data("ofac-sdn")], { now: NOW });
    assert.equal(list.format, "ofac-sdn");
    assert.equal(list.name, "ofac-sdn");
    assert.equal(list.counts.entries, 9043);
    assert.equal(list.counts.aliases, 12409);
    assert.ok(list.counts.addresses > 11_000);
    assert.deepEqual(list.source.files.map((f) => f.path.split("/").pop()), ["sdn.csv", "alt.csv", "add.csv"]);
    assert.ok(list.source.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.bytes > 0));
    const cuba = list.entities.find((e) => e.id === "306")!;
    assert.equal(cuba.name, "BANCO NACIONAL DE CUBA");
    assert.deepEqual(cuba.aliases, [{ name: "NATIONAL BANK OF CUBA", kind: "alias" }]);
    assert.ok(cuba.countries.includes("CH") && cuba.countries.includes("JP"));
    assert.deepEqual(cuba.programs, ["CUBA"]);
    const burenie = list.entities.find((e) => e.id === "24185")!;
    assert.ok(burenie.aliases.some((a) => a.kind === "former-name"));
    assert.equal(list.entities.find((e) => e.schema === "person")?.schema, "person");
    assert.ok(list.entities.some((e) => e.schema === "vessel"));
    // the sample repeats one ent_num and has one orphan address: both reported, located
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["list/ofac-duplicate", 9044], ["list/ofac-address", 13625]]);
  });

  it("takes the three files in any order and recognizes them by name", async () => {
    const { list } = await importList([data("ofac-sdn/add.csv"), data("ofac-sdn/sdn.csv"), data("ofac-sdn/alt.csv")]);
    assert.equal(list.counts.entries, 9043);
    assert.equal(list.counts.aliases, 12409);
  });

  it("reports bad records with their line and keeps the good ones", async () => {
    const { list, issues } = await importList([data("bad/sdn.csv"), data("bad/alt.csv")]);
    assert.deepEqual(list.entities.map((e) => e.id), ["36", "306"]);
    assert.equal(list.entities[0]!.aliases[0]!.name, "AERO-CARIBBEAN");
    const byCode = new Map(issues.map((i) => [i.code, i]));
    assert.equal(byCode.get("list/ofac-record")?.source.line, 2);
    assert.match(byCode.get("list/ofac-record")!.message, /ent_num "abc" is not a number/);
    assert.ok(byCode.get("list/csv-malformed")?.message.includes("skipped"));
    assert.equal(byCode.get("list/ofac-alias")?.source.line, 2);
    assert.equal(list.counts.skipped, issues.filter((i) => i.severity === "error").length);
  });
});

describe("screen lists: Consolidated Screening List", () => {
  it("reads the current bulk CSV by column name, with ;-joined aliases and addresses", async () => {
    const { list, issues } = await importList([data("csl/consolidated-sample.csv")]);
    assert.equal(list.format, "csl-csv");
    assert.equal(list.name, "csl");
    assert.equal(list.entities.length, 4);
    const ao = list.entities.find((e) => e.name === "AO Kaspersky Lab")!;
    assert.deepEqual(ao.programs, ["EL"]);
    assert.deepEqual(ao.countries, ["RU"]);
    assert.deepEqual(ao.aliases.map((a) => a.name), ["Kaspersky Lab ZAO", "АО «Лаборатория Касперского»"]);
    const t = list.entities.find((e) => e.id === "csl-ssi-17254")!;
    assert.deepEqual(t.programs, ["SSI", "UKRAINE-EO13662", "RUSSIA-EO14024"]);
    assert.equal(t.aliases.length, 4);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["list/csl-record", 6]]);
  });

  it("folds the legacy per-list CSV's rows (one per alias and address) into entries", async () => {
    const { list } = await importList([data("csl/el.csv")]);
    assert.equal(list.entities.length, 5);
    const farid = list.entities.find((e) => e.name === "Fazal Rahim Farid")!;
    assert.deepEqual(farid.aliases.map((a) => a.name), ["Fazel Rahim Farid", "Farid", "Engineer Idris"]);
    assert.equal(farid.addresses.length, 2);
    assert.deepEqual(farid.countries, ["AF"]);
    const uvl = await importList([data("csl/uvl.csv")]);
    assert.equal(uvl.list.entities.find((e) => e.name === "Brilliance Technology Ltd")?.addresses.length, 2);
    assert.deepEqual(uvl.list.entities[0]!.programs, ["UVL"]);
  });

  it("reads the JSON of the bulk file and of the API (a bare array)", async () => {
    const bulk = await importList([data("csl/consolidated-sample.json")]);
    assert.equal(bulk.list.format, "csl-json");
    assert.equal(bulk.list.entities.length, 4);
    assert.deepEqual(bulk.list.entities[0]!.countries, ["RU"]);
    const api = await importList([data("csl/ssi-expected_results.json")]);
    const transneft = api.list.entities.find((e) => e.name === "AK TRANSNEFT OAO")!;
    assert.equal(transneft.id, "17254");
    assert.ok(transneft.aliases.some((a) => a.name === "TRANSNEFT"));
    assert.deepEqual(transneft.countries, ["RU"]);
    assert.deepEqual(transneft.programs.slice(0, 1), ["SSI"]);
  });

  it("reads gzipped CSL JSON (found by its bytes) and UTF-16 CSL JSON like the plain file", async () => {
    const dir = tempDir("ictsguard-list-");
    try {
      const plain = readFileSync(data("csl/consolidated-sample.json"));
      const expected = (await importList([data("csl/consolidated-sample.json")])).list.entities;
      writeFileSync(join(dir, "consolidated.json.gz"), gzipSync(plain));
      writeFileSync(join(dir, "consolidated-utf16.json"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plain.toString("utf8"), "utf16le")]));
      for (const name of ["consolidated.json.gz", "consolidated-utf16.json"]) {
        const { list, issues } = await importList([join(dir, name)]);
        assert.equal(list.format, "csl-json", name);
        assert.deepEqual(issues, [], name);
        assert.deepEqual(list.entities, expected, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("merges several files of one format into one list", async () => {
    const { list } = await importList([data("csl/el.csv"), data("csl/uvl.csv")], { name: "csl-legacy" });
    assert.equal(list.name, "csl-legacy");
    assert.equal(list.entities.length, 18);
    assert.equal(new Set(list.entities.map((e) => e.id)).size, 18);
  });
});

describe("screen lists: OpenSanctions FollowTheMoney", () => {
  it("keeps parties with their names, weak aliases and countries, and passes over the rest", async () => {
    const { list, issues } = await importList([data("opensanctions/zala-entities.ftm.json")]);
    assert.equal(list.format, "ftm");
    assert.equal(issues.length, 0);
    const maria = list.entities.find((e) => e.name === "Maria Aleksandrovna Osetrova")!;
    assert.equal(maria.schema, "person");
    assert.ok(maria.aliases.some((a) => a.name === "Мария Александровна Осетрова"));
    assert.deepEqual(maria.countries, ["RU"]);
    assert.ok(list.entities.every((e) => ["person", "organization", "vessel", "aircraft"].includes(e.schema)));
  });

  it("reports a broken line and reads on", async () => {
    const { list, issues } = await importList([data("bad/entities.ftm.json")], { format: "ftm" });
    assert.deepEqual(list.entities.map((e) => e.name), ["Good Company", "Ivan Petrov"]);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["list/ftm-json", 2]]);
  });
});

describe("screen lists: plain CSV", () => {
  it("reads name, aliases, country and type by header, and warns about what it cannot read", async () => {
    const { list, issues } = await importList([data("bad/own-list.csv")]);
    assert.equal(list.format, "csv");
    assert.equal(list.name, "own-list");
    assert.deepEqual(list.entities.map((e) => [e.name, e.countries, e.aliases.map((a) => a.name), e.schema]), [
      ["Kaspersky Lab Switzerland GmbH", ["CH"], ["Kaspersky Schweiz"], "organization"],
      ["Acme Widgets", [], [], "organization"],
    ]);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["list/csv-record", 3], ["list/csv-type", 4], ["list/csv-country", 4]]);
  });

  it("reads a file without a header as name, aliases, country", async () => {
    const dir = tempDir("ictsguard-list-");
    writeFileSync(join(dir, "mine.csv"), "Hikvision Europe BV,Hikvision EU|Hikvision Benelux,NL\nDahua Iberia,,ES\n");
    const { list } = await importList([join(dir, "mine.csv")], { format: "csv" });
    assert.deepEqual(list.entities.map((e) => [e.name, e.aliases.map((a) => a.name), e.countries]), [
      ["Hikvision Europe BV", ["Hikvision EU", "Hikvision Benelux"], ["NL"]],
      ["Dahua Iberia", [], ["ES"]],
    ]);
  });

  it("keeps the first five issues of a code with their lines, sums up the rest, and still counts every record skipped", async () => {
    const dir = tempDir("ictsguard-list-");
    const rows = ["name,aliases,country", "Acme Widgets,,US", ...Array.from({ length: 40 }, () => ",no name here,US"), "Hikvision Europe BV,;;  ;  |Hikvision EU,NL"];
    writeFileSync(join(dir, "mine.csv"), rows.join("\n") + "\n");
    const { list, issues } = await importList([join(dir, "mine.csv")]);
    assert.deepEqual(list.entities.map((e) => [e.name, e.aliases.map((a) => a.name)]), [
      ["Acme Widgets", []],
      ["Hikvision Europe BV", ["Hikvision EU"]],
    ]);
    assert.equal(list.counts.skipped, 40);
    assert.deepEqual(issues.map((i) => i.source.line ?? "summary"), [3, 4, 5, 6, 7, "summary"]);
    assert.match(issues.at(-1)!.message, /^35 more list\/csv-record issue\(s\) of the same kind at 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, \.\.\.$/);
  });

  it("splits a cell of a long run of spaces in linear time, and escapes and cuts what a message quotes from the file", async () => {
    const dir = tempDir("ictsguard-list-");
    writeFileSync(join(dir, "mine.csv"), `name,aliases,country,type\nKaspersky Lab Switzerland GmbH,A${" ".repeat(400_000)}B,CH,\u001b[31m${"x".repeat(5000)}\n`);
    const started = process.cpuUsage();
    const { list, issues } = await importList([join(dir, "mine.csv")]);
    const cpu = process.cpuUsage(started);
    assert.ok((cpu.user + cpu.system) / 1e6 < 2, `took ${(cpu.user + cpu.system) / 1e6} s of CPU`);
    assert.deepEqual(list.entities[0]!.aliases.map((a) => a.name.length), [400_002]);
    const type = issues.find((i) => i.code === "list/csv-type")!;
    assert.ok(type.message.length <= 900 && !type.message.includes("\u001b"), type.message.slice(0, 100));
    assert.match(type.message, /\\u001b\[31m/);
  });

  it("reports a gzip file cut short with the file, keeps what came before, and counts it as an error", async () => {
    const dir = tempDir("ictsguard-list-");
    const text = ["name,country", ...Array.from({ length: 20_000 }, (_, i) => `Company ${i} ${Math.sin(i)},US`)].join("\n");
    const gz = gzipSync(text);
    writeFileSync(join(dir, "mine.csv.gz"), gz.subarray(0, Math.floor(gz.length / 2)));
    const { list, issues } = await importList([join(dir, "mine.csv.gz")], { format: "csv" });
    assert.ok(list.counts.entries > 1000 && list.counts.entries < 20_000, `${list.counts.entries} entries`);
    assert.equal(list.counts.skipped, 1);
    assert.deepEqual(issues.map((i) => [i.code, i.source.file]), [["input/gzip", join(dir, "mine.csv.gz")]]);
  });
});

describe("screen lists: detection and storage", () => {
  it("recognizes each format from its first bytes", async () => {
    assert.equal(await detectListFormat(data("csl/consolidated-sample.csv")), "csl-csv");
    assert.equal(await detectListFormat(data("csl/el.csv")), "csl-csv");
    assert.equal(await detectListFormat(data("csl/el-expected_results.json")), "csl-json");
    assert.equal(await detectListFormat(data("csl/consolidated-sample.json")), "csl-json");
    assert.equal(await detectListFormat(data("opensanctions/t1-entities.ftm.json")), "ftm");
    assert.equal(await detectListFormat(data("ofac-sdn/sdn.csv")), "ofac-sdn");
    assert.equal(await detectListFormat(data("bad/own-list.csv")), "csv");
  });

  it("stores a list as JSON lines (header, then one entity a line) under ICTSGUARD_HOME/lists and reads it back", async () => {
    const env = { ICTSGUARD_HOME: tempDir("ictsguard-home-") };
    const { list } = await importList([data("csl/uvl.csv")], { now: NOW });
    const path = writeList(list, env);
    assert.equal(path, join(env.ICTSGUARD_HOME, "lists", "csl.jsonl"));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 1 + list.entities.length);
    assert.equal(JSON.parse(lines[0]!).counts.entries, list.entities.length);
    assert.deepEqual(listNames(env), ["csl"]);
    const back = readList("csl", env);
    assert.deepEqual(back, list);
    assert.equal(back.importedAt, "2026-01-15T10:00:00.000Z");
    assert.equal(readListHeader("csl", env).counts.entries, list.entities.length);
    // a cut-off file is an error naming it, not a shorter list
    writeFileSync(path, lines.slice(0, -1).join("\n") + "\n");
    assert.throws(() => readList("csl", env), /csl\.jsonl: \d+ entries where the header says \d+ \(cut off\?\)/);
    writeFileSync(path, lines.join("\n").replace('"version":2', '"version":7'));
    assert.throws(() => readList("csl", env), /csl\.jsonl: line 1: version: .*import the list again/);
    assert.throws(() => readList("nope", env), /no imported list named "nope" \(imported: csl/);
    assert.equal(removeList("csl", env), true);
    assert.deepEqual(listNames(env), []);
    // a list stored by an earlier version (one JSON document) is still read
    writeFileSync(join(env.ICTSGUARD_HOME, "lists", "old.json"), JSON.stringify({ ...list, name: "old", version: 1 }));
    assert.deepEqual(listNames(env), ["old"]);
    assert.equal(readList("old", env).entities.length, list.entities.length);
    assert.equal(removeList("old", env), true);
  });

  it("turns the catalog's entities into a list with typed aliases, publishers and groups", async () => {
    const entities = catalogEntities(await loadCatalogOrThrow());
    const ao = entities.find((e) => e.id === "ao-kaspersky-lab")!;
    assert.equal(ao.list, "catalog");
    assert.equal(ao.group, "Kaspersky");
    assert.deepEqual(ao.countries, ["RU"]);
    assert.ok(ao.aliases.some((a) => a.kind === "former-name" && a.name === "Kaspersky Lab ZAO"));
    assert.ok(ao.aliases.some((a) => a.kind === "translation" && a.lang === "ru"));
    const group = entities.find((e) => e.id === "kaspersky")!;
    assert.ok(group.aliases.some((a) => a.kind === "publisher" && a.name === "kaspersky lab"));
    assert.equal(entities.find((e) => e.id === "anton-mikhaylovich-ivanov")?.schema, "person");
  });
});

describe("screen lists: the UN Security Council Consolidated List (XML)", () => {
  it("reads individuals (names in order, original script, weak aliases) and entities with their regime and reference number", async () => {
    const { list, issues } = await importList([data("un/consolidated-excerpt.xml")]);
    assert.equal(list.format, "un-xml");
    assert.equal(list.name, "un-sc");
    assert.deepEqual(issues, []);
    assert.equal(list.entities.filter((e) => e.schema === "person").length, 12);
    assert.equal(list.entities.filter((e) => e.schema === "organization").length, 6);
    const ri = list.entities.find((e) => e.id === "KPi.033")!;
    assert.equal(ri.name, "RI WON HO");
    assert.deepEqual(ri.programs, ["DPRK"]);
    assert.deepEqual(ri.countries, ["KP"]);
    const huthi = list.entities.find((e) => e.id === "YEi.001")!;
    assert.equal(huthi.name, "ABD AL-KHALIQ AL-HOUTHI");
    assert.ok(huthi.aliases.some((a) => a.name === "عبدالخالق الحوثي" && a.kind === "alias"));
    assert.ok(huthi.aliases.some((a) => a.name === "Abu-Yunus" && a.kind === "weak-alias"), "QUALITY Low is a weak alias");
    const aab = list.entities.find((e) => e.id === "QDe.144")!;
    assert.equal(aab.name, "ABDALLAH AZZAM BRIGADES (AAB)");
    assert.deepEqual(aab.aliases.map((a) => a.name), ["Abdullah Azzam Brigades", "Ziyad al-Jarrah Battalions of the Abdallah Azzam Brigades", "Yusuf al-'Uyayri Battalions of the Abdallah Azzam Brigades"]);
  });

  it("refuses XML that is not the UN list, and reports where a cut-off UN file ends", async () => {
    const dir = tempDir("ictsguard-list-");
    writeFileSync(join(dir, "sbom.xml"), '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>\n');
    assert.match((await guessListFormat(join(dir, "sbom.xml"))).reason ?? "", /root element is <bom>/);
    await assert.rejects(importList([join(dir, "sbom.xml")]), /sbom\.xml: not a list this importer can read: XML whose root element is <bom>/);
    const full = readFileSync(data("un/consolidated-excerpt.xml"), "utf8");
    writeFileSync(join(dir, "cut.xml"), full.slice(0, full.indexOf("<ENTITIES>") + 200));
    const { list, issues } = await importList([join(dir, "cut.xml")]);
    assert.equal(list.entities.length, 12, "the individuals before the cut are kept");
    assert.equal(issues[0]?.code, "list/un-xml");
    assert.ok(issues[0]!.source.line! > 1);
  });
});

describe("screen lists: OpenSanctions delta files", () => {
  it("applies ADD, MOD and DEL to the list imported before, in place, and refuses a delta without its list", async () => {
    const env = { ICTSGUARD_HOME: tempDir("ictsguard-home-") };
    const base = await importList([data("opensanctions/zala-entities.ftm.json")], { name: "os" });
    writeList(base.list, env);
    const [first, second] = base.list.entities;
    const raw = readFileSync(data("opensanctions/zala-entities.ftm.json"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; schema: string; caption?: string; properties: Record<string, string[]> });
    const firstRaw = raw.find((r) => r.id === first!.id)!;
    const delta = [
      { op: "MOD", entity: { ...firstRaw, caption: "Renamed Entity", properties: { ...firstRaw.properties, name: ["Renamed Entity"] } } },
      { op: "DEL", entity: { id: second!.id } },
      { op: "ADD", entity: { id: "new-1", schema: "Company", caption: "Newly Listed LLC", properties: { name: ["Newly Listed LLC"], country: ["ru"] } } },
    ];
    const dir = tempDir("ictsguard-list-");
    const file = join(dir, "entities.delta.json");
    writeFileSync(file, delta.map((d) => JSON.stringify(d)).join("\n") + "\n");
    assert.equal(await detectListFormat(file), "ftm-delta");
    await assert.rejects(importList([file], { env }), /applies to a list imported before: name it with --name/);
    await assert.rejects(importList([file], { name: "nope", env }), /no imported list named "nope"/);
    const { list, issues } = await importList([file], { name: "os", env });
    assert.deepEqual(issues, []);
    assert.equal(list.format, "ftm");
    assert.equal(list.entities.length, base.list.entities.length);
    assert.equal(list.entities[0]!.id, first!.id);
    assert.equal(list.entities[0]!.name, "Renamed Entity");
    assert.ok(!list.entities.some((e) => e.id === second!.id));
    assert.deepEqual(list.entities.at(-1), { id: "new-1", name: "Newly Listed LLC", schema: "organization", aliases: [], countries: ["RU"], addresses: [], programs: [] });
  });
});

describe("screen lists: content detection, scale and replacing a stored list", () => {
  it("refuses binary data, an empty file and JSON of another shape, by their content", async () => {
    const dir = tempDir("ictsguard-list-");
    let seed = 7;
    const bytes = Buffer.alloc(3072, 0).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    writeFileSync(join(dir, "garbage.csv"), bytes);
    writeFileSync(join(dir, "empty.csv"), "");
    writeFileSync(join(dir, "other.json"), '{"hello": "world"}\n');
    assert.match((await guessListFormat(join(dir, "garbage.csv"))).reason ?? "", /binary data/);
    assert.match((await guessListFormat(join(dir, "empty.csv"))).reason ?? "", /empty/);
    assert.match((await guessListFormat(join(dir, "other.json"))).reason ?? "", /neither FollowTheMoney/);
    assert.equal(await detectListFormat(data("un/consolidated-excerpt.xml")), "un-xml");
  });

  it("imports a list of 150,000 entries (past the old spread-push limit) as a stream into the store", async () => {
    const env = { ICTSGUARD_HOME: tempDir("ictsguard-home-") };
    const dir = tempDir("ictsguard-list-");
    const n = 150_000;
    const rows: string[] = ["id,name,country"];
    for (let i = 0; i < n; i++) rows.push(`E${i},Company Number ${i} Trading LLC,DE`);
    writeFileSync(join(dir, "big.csv"), rows.join("\n") + "\n");
    mkdirSync(join(env.ICTSGUARD_HOME, "lists"), { recursive: true });
    const { openListWriter } = await import("./store.js");
    let writer: ReturnType<typeof openListWriter> | undefined;
    const { header, issues } = await importListTo([join(dir, "big.csv")], { env }, (name) => (writer = openListWriter(name, env)));
    assert.deepEqual(issues, []);
    assert.equal(header.counts.entries, n);
    writer!.commit(header);
    assert.equal(readListHeader("big", env).counts.entries, n);
    let count = 0;
    let last;
    for (const e of listEntities("big", env)) {
      count++;
      last = e;
    }
    assert.equal(count, n);
    assert.equal(last!.name, `Company Number ${n - 1} Trading LLC`);
    assert.ok(listPath("big", env).endsWith("big.jsonl"));
  });

  it("allows replacing a stored list only with a complete, non-empty import that keeps at least half of it", () => {
    const stored = { counts: { entries: 9043, aliases: 0, addresses: 0, skipped: 0 } };
    const next = (entries: number) => ({ counts: { entries, aliases: 0, addresses: 0, skipped: 0 } });
    assert.deepEqual(checkReplace(stored, next(9100), 0), { ok: true });
    assert.deepEqual(checkReplace(stored, next(4522), 0), { ok: true });
    assert.match((checkReplace(stored, next(0), 0) as { reason: string }).reason, /no entries, and the stored list has 9043/);
    assert.match((checkReplace(stored, next(4521), 0) as { reason: string }).reason, /under half of the 9043/);
    assert.match((checkReplace(stored, next(9043), 1) as { reason: string }).reason, /1 record\(s\) could not be read/);
    assert.deepEqual(checkReplace(undefined, next(3), 2), { ok: true }, "a new list with errors is stored (the command exits 2)");
    assert.equal(checkReplace(undefined, next(0), 0).ok, false);
  });
});

describe("screen lists: the import's id set", () => {
  it("tells repeated ids from new ones across growth, in typed arrays", async () => {
    const { IdSet } = await import("./id-set.js");
    const set = new IdSet();
    for (let i = 0; i < 300_000; i++) assert.equal(set.add(`NK-${i}`), true);
    for (let i = 0; i < 300_000; i += 997) assert.equal(set.add(`NK-${i}`), false, `NK-${i} was added before`);
    assert.equal(set.add("NK-300000"), true);
    assert.equal(set.size, 300_001);
  });
});
