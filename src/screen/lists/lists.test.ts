import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { repoPath } from "../../testing/index.js";
import { catalogEntities } from "./catalog.js";
import { detectListFormat, importList } from "./import.js";
import { listNames, readList, removeList, writeList } from "./store.js";
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

  it("stores a list as JSON under ICTSGUARD_HOME/lists and reads it back", async () => {
    const env = { ICTSGUARD_HOME: tempDir("ictsguard-home-") };
    const { list } = await importList([data("csl/uvl.csv")], { now: NOW });
    const path = writeList(list, env);
    assert.equal(path, join(env.ICTSGUARD_HOME, "lists", "csl.json"));
    assert.deepEqual(listNames(env), ["csl"]);
    const back = readList("csl", env);
    assert.deepEqual(back, list);
    assert.equal(back.importedAt, "2026-01-15T10:00:00.000Z");
    writeFileSync(path, readFileSync(path, "utf8").replace('"version":1', '"version":7'));
    assert.throws(() => readList("csl", env), /csl\.json: version: .*import the list again/);
    assert.throws(() => readList("nope", env), /no imported list named "nope" \(imported: csl/);
    assert.equal(removeList("csl", env), true);
    assert.deepEqual(listNames(env), []);
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
