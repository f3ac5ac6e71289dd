/**
 * End-to-end tests of `ictsguard screen` and `ictsguard lists`: the real command run as a child
 * process over real list files (the full OFAC SDN sample, CSL, OpenSanctions), with its own
 * ICTSGUARD_HOME, as a user runs it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { ScreenResult, ScreenSummary } from "../src/screen/run.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const lists = (...p: string[]) => repoPath("src/screen/lists/testdata", ...p);

type Run = { code: number; stdout: string; stderr: string };
function run(args: string[], options: { home: string; cwd?: string; input?: string }): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir("ictsguard-cwd-"),
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ICTSGUARD_HOME: options.home },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
type Report = { tool: { name: string }; threshold: number; lists: { name: string; entries: number }[]; results: ScreenResult[]; summary: ScreenSummary; errors: { code: string; message: string; source: { file: string; line?: number } }[] };
function json(r: Run): Report {
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}
const newHome = () => tempDir("ictsguard-home-");
const write = (name: string, text: string) => {
  const path = join(tempDir("ictsguard-in-"), name);
  writeFileSync(path, text);
  return path;
};

describe("screen --name against the catalog", () => {
  const home = newHome();

  it("reports the JSON shape the issue asks for, and exits 1 on a match", () => {
    const r = run(["screen", "--name", "Kaspersky Lab AO", "--country", "RU", "-o", "json"], { home });
    assert.equal(r.code, 1, r.stderr);
    const doc = json(r);
    assert.equal(doc.tool.name, "ictsguard");
    assert.deepEqual(doc.lists.map((l) => l.name), ["catalog"]);
    assert.equal(doc.results.length, 1);
    const result = doc.results[0]!;
    assert.equal(result.record, 1);
    assert.equal(result.input.name, "Kaspersky Lab AO");
    assert.equal(result.status, "match");
    const best = result.candidates[0]!;
    assert.deepEqual(Object.keys(best.entity).slice(0, 3), ["id", "name", "list"]);
    assert.equal(best.entity.list, "catalog");
    assert.ok(["ao-kaspersky-lab", "kaspersky"].includes(best.entity.id));
    assert.equal(best.score, 1);
    assert.equal(best.match, true);
    assert.equal(typeof best.explanation.summary, "string");
    assert.ok(best.explanation.tokens.length >= 2);
    assert.equal(best.explanation.country.effect, "agrees");
    for (let i = 1; i < result.candidates.length; i++) assert.ok(result.candidates[i - 1]!.score >= result.candidates[i]!.score);
    assert.deepEqual(doc.summary, { inputs: 1, matched: 1, allowed: 0, clear: 0, errors: 0, threshold: doc.threshold });
  });

  it("exits 0 for a false alarm the issue names", () => {
    for (const name of ["Casper Sleep Inc", "Hikari Vision", "Huawen Foods"]) {
      const r = run(["screen", "--name", name, "-o", "json"], { home });
      assert.equal(r.code, 0, `${name}: ${r.stdout}`);
      assert.equal(json(r).results[0]!.status, "clear");
    }
  });

  it("matches a subsidiary named for its country in its own language or its region, as it does one named in English", () => {
    // a country name weighs little in a name; only English names did, so "Deutschland" weighed as a rare word
    const cases: [string, string][] = [
      ["Huawei Technologies Deutschland GmbH", "huawei"],
      ["ZTE Deutschland GmbH", "zte"],
      ["Kaspersky Lab Italia", "kaspersky"],
      ["Kaspersky Lab Polska Sp. z o.o.", "kaspersky"],
      ["Kaspersky Lab Nordic", "kaspersky"],
    ];
    for (const [name, group] of cases) {
      const r = run(["screen", "--name", name, "-o", "json"], { home });
      assert.equal(r.code, 1, `${name}: ${r.stdout.slice(0, 400)}`);
      const result = json(r).results[0]!;
      assert.equal(result.status, "match", name);
      assert.ok(result.candidates.some((c) => c.match && (c.entity.id === group || c.entity.group === group)), `${name}: ${JSON.stringify(result.candidates.map((c) => [c.entity.id, c.score]))}`);
    }
    for (const name of ["Kasper Deutschland GmbH", "Casper Italia", "Deutschland Trading GmbH"]) {
      const r = run(["screen", "--name", name, "-o", "json"], { home });
      assert.equal(r.code, 0, `${name}: ${r.stdout.slice(0, 400)}`);
    }
  });

  it("prints a table with the best candidate and why", () => {
    const r = run(["screen", "--name", "Лаборатория Касперского", "-o", "table"], { home });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /MATCH/);
    assert.match(r.stdout, /Kaspersky/);
    assert.match(r.stdout, /1 input\(s\): 1 match, 0 allowed, 0 clear/);
  });

  it("exits 2 on usage errors, with a message", () => {
    assert.equal(run(["screen", "-o", "json"], { home }).code, 2);
    const t = run(["screen", "--name", "x", "--threshold", "1.5"], { home });
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--threshold must be a number from 0 to 1/);
    const l = run(["screen", "--name", "x", "--list", "nope"], { home });
    assert.equal(l.code, 2);
    assert.match(l.stderr, /no imported list named "nope"/);
  });
});

describe("lists import and screening a file against the full OFAC SDN sample", () => {
  const home = newHome();
  before(() => {
    const r = run(["lists", "import", lists("ofac-sdn"), "--quiet"], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported ofac-sdn \(ofac-sdn\): 9043 entries, 12409 aliases/);
  });

  it("lists what is imported", () => {
    const r = run(["lists", "-o", "json"], { home });
    const out = JSON.parse(r.stdout) as { lists: { name: string; format: string; entries: number; aliases: number; importedAt: string; source: string[] }[] };
    assert.deepEqual(out.lists.map((l) => [l.name, l.format, l.entries, l.aliases]), [["ofac-sdn", "ofac-sdn", 9043, 12409]]);
    assert.equal(out.lists[0]!.source.length, 3);
    assert.match(run(["lists"], { home }).stdout, /ofac-sdn[\s\S]*9043[\s\S]*12409/);
  });

  it("screens a vendor CSV in input order, against the catalog and the list, and reports a bad row", () => {
    const file = write(
      "vendors.csv",
      "vendor_id,vendor_name,country\n" +
        "V1,Acme Office Supplies,US\n" +
        "V2,Banco Nacional de Cuba,\n" +
        "V3,,RU\n" +
        "V4,Hangzhou Hikvision Digital Tech. Co.,CN\n" +
        "V5,Islamic Republic of Iran Shiping Lines,IR\n",
    );
    const r = run(["screen", file, "-o", "json", "--quiet"], { home });
    assert.equal(r.code, 2, "a bad row is an input error, and it wins over the matches");
    const doc = json(r);
    assert.deepEqual(doc.lists.map((l) => l.name), ["catalog", "ofac-sdn"]);
    assert.deepEqual(doc.results.map((x) => [x.record, x.input.name, x.status]), [
      [1, "Acme Office Supplies", "clear"],
      [2, "Banco Nacional de Cuba", "match"],
      [3, "Hangzhou Hikvision Digital Tech. Co.", "match"],
      [4, "Islamic Republic of Iran Shiping Lines", "match"],
    ]);
    assert.deepEqual(doc.results.map((x) => x.source?.line), [2, 3, 5, 6]);
    assert.equal(doc.results[1]!.candidates[0]!.entity.id, "306");
    assert.equal(doc.results[1]!.candidates[0]!.entity.list, "ofac-sdn");
    assert.equal(doc.results[2]!.candidates[0]!.entity.id, "hikvision");
    assert.equal(doc.results[3]!.candidates[0]!.explanation.tokens.find((t) => t.how === "spelling")?.entity, "SHIPPING");
    assert.deepEqual(doc.errors.map((e) => [e.code, e.source.line]), [["screen/no-name", 4]]);
    assert.deepEqual(doc.summary, { inputs: 4, matched: 3, allowed: 0, clear: 1, errors: 1, threshold: doc.threshold });
  });

  it("writes CSV, one row per candidate, and --list chooses the lists", () => {
    const file = write("names.csv", "name\nBanco Nacional de Cuba\nKaspersky Lab\n");
    const r = run(["screen", file, "-o", "csv", "--list", "catalog"], { home });
    assert.equal(r.code, 1);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    assert.ok(rows.every((row) => row.list === "catalog" || row.list === ""));
    assert.equal(rows.find((row) => row.record === "1")?.status, "clear");
    const k = rows.filter((row) => row.record === "2");
    assert.ok(k.length >= 1 && k[0]!.match === "true" && k[0]!.explanation!.length > 10);
  });

  it("keeps a word whose spelling skeleton is a short legal form (Asia is not Norwegian ASA): no match on generic words alone", () => {
    // "ASIA ENERGY GENERAL TRADING (LLC)" (ent_num 15696) was screened as "energy general trading",
    // so "General Trading Company" covered two of its three words and matched at 0.80
    const generic = json(run(["screen", "--name", "General Trading Company", "-o", "json", "--list", "ofac-sdn"], { home }));
    assert.equal(generic.results[0]!.status, "clear", JSON.stringify(generic.results[0]!.candidates[0]));
    const real = json(run(["screen", "--name", "Asia Energy General Trading LLC", "-o", "json", "--list", "ofac-sdn"], { home }));
    const best = real.results[0]!.candidates[0]!;
    assert.equal(best.entity.id, "15696");
    assert.equal(best.match, true);
    assert.ok(best.explanation.tokens.some((t) => t.input === "Asia" && t.entity === "ASIA"), JSON.stringify(best.explanation.tokens));
    assert.deepEqual(best.explanation.legalForms.entity, ["LLC (en: limited liability company)"]);
  });

  it("reads JSON Lines from standard input", () => {
    const r = run(["screen", "-", "-o", "json", "--list", "ofac-sdn"], { home, input: '{"name":"NATIONAL BANK OF CUBA"}\n{"name":"Casper Sleep Inc","country":"US"}\n' });
    assert.equal(r.code, 1);
    const doc = json(r);
    assert.equal(doc.results[0]!.candidates[0]!.explanation.matchedName.kind, "alias");
    assert.equal(doc.results[1]!.status, "clear");
  });
});

describe("screen: decided false positives", () => {
  const home = newHome();

  it("shows an allowed pair with its entry, exits 0, and calls out an expired entry", () => {
    const cwd = tempDir("ictsguard-cwd-");
    writeFileSync(
      join(cwd, "ictsguard.yaml"),
      [
        "screen:",
        "  allow:",
        "    - name: Kaspersky Lab AO",
        "      entity: catalog:*kaspersky*",
        "      reason: Our own test account, ticket COMP-7",
        "      author: compliance@example.org",
        "      expires: 2999-12-31",
        "",
      ].join("\n"),
    );
    const allowed = run(["screen", "--name", "KASPERSKY LAB, AO", "-o", "json"], { home, cwd });
    assert.equal(allowed.code, 0, allowed.stdout);
    const doc = json(allowed);
    assert.equal(doc.results[0]!.status, "allowed");
    const c = doc.results[0]!.candidates.find((x) => x.status === "allowed")!;
    assert.equal(c.match, true);
    assert.equal(c.allowedBy?.reason, "Our own test account, ticket COMP-7");
    assert.equal(c.allowedBy?.author, "compliance@example.org");
    assert.match(c.allowedBy?.file ?? "", /ictsguard\.yaml$/);
    assert.deepEqual(doc.summary.allowed, 1);

    const allowFile = write("allow.yaml", "- name: Kaspersky Lab AO\n  entity: catalog:*\n  reason: expired decision\n  author: old@example.org\n  expires: 2000-01-01\n");
    const expired = run(["screen", "--name", "Kaspersky Lab AO", "--allow", allowFile, "-o", "json"], { home });
    assert.equal(expired.code, 1);
    const e = json(expired).results[0]!;
    assert.equal(e.status, "match");
    assert.equal(e.candidates[0]!.expiredAllows?.[0]?.expires, "2000-01-01");
    const table = run(["screen", "--name", "Kaspersky Lab AO", "--allow", allowFile, "-o", "table"], { home });
    assert.match(table.stdout, /allow-list entry #1 \(old@example\.org: expired decision\) expired on 2000-01-01 and no longer applies/);
  });
});

describe("screen: other lists and the FCC Covered List's names", () => {
  const home = newHome();

  it("imports CSL and OpenSanctions lists and screens against them", () => {
    assert.equal(run(["lists", "import", lists("csl/consolidated-sample.csv"), "-q"], { home }).code, 2, "its last row has no name: reported, exit 2");
    assert.equal(run(["lists", "import", lists("opensanctions/zala-entities.ftm.json"), "--name", "opensanctions", "-q"], { home }).code, 0);
    const r = run(["screen", "--name", "Мария Захарова", "-o", "json", "--list", "opensanctions"], { home });
    const best = json(r).results[0]!.candidates[0]!;
    assert.equal(best.entity.list, "opensanctions");
    assert.match(best.entity.name, /Osetrova/);
    const t = run(["screen", "--name", "Transneft OJSC", "-o", "json", "--list", "csl"], { home });
    assert.equal(t.code, 1);
    assert.equal(json(t).results[0]!.candidates[0]!.entity.id, "csl-ssi-17254");
    assert.equal(run(["lists", "remove", "csl"], { home }).code, 0);
    assert.equal(run(["lists", "remove", "csl"], { home }).code, 2);
  });

  it("every company the FCC Covered List names is a match in the catalog, except one the catalog does not hold yet", () => {
    const table = parse(readFileSync(lists("fcc-covered-list/table.csv")), { columns: true }) as { covered_equipment_or_services: string }[];
    const names = new Set<string>();
    for (const row of table) {
      for (const m of row.covered_equipment_or_services.matchAll(/(?:produced|provided|supplied)(?:, directly or indirectly,)? by ([A-Z][\w.,() ]+?)(?:,| or | and | subject | including|$)/g)) names.add(m[1]!.trim());
    }
    assert.ok(names.size >= 8, [...names].join(" | "));
    const file = write("fcc.csv", "name\n" + [...names].map((n) => `"${n}"`).join("\n") + "\n");
    const doc = json(run(["screen", file, "-o", "json", "--list", "catalog"], { home }));
    // added to the Covered List on 7 Jul 2026 (per this snapshot); the catalog has no entity for it
    const notInCatalog = new Set(["Digitalsystem Technology Inc."]);
    for (const r of doc.results) {
      assert.equal(r.status, notInCatalog.has(r.input.name) ? "clear" : "match", `${r.input.name}: ${JSON.stringify(r.candidates[0]?.explanation.summary)}`);
    }
  });
});

describe("screen eval", () => {
  it("prints precision, recall and F1 for ictsguard and both baselines on the same set", () => {
    const set = write(
      "pairs.csv",
      "input,country,entity,label,treatment,note\n" +
        "Kaspersky Lab AO,RU,catalog:ao-kaspersky-lab|catalog:kaspersky,1,legal-form,\n" +
        "Касперский Лаб,,catalog:kaspersky,1,cyrillic,\n" +
        "Banco Nacional Cuba,,ofac-sdn:306,1,word-order,\n" +
        "Casper Sleep Inc,US,catalog:kaspersky,0,hard-negative,\n" +
        "Huawen Foods,,catalog:huawei,0,hard-negative,\n",
    );
    const r = run(["screen", "eval", "--set", set], { home: newHome() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /5 pairs \(3 true, 2 hard negatives\)/);
    for (const system of ["ictsguard", "fuse.js", "csl-terms"]) assert.match(r.stdout, new RegExp(`\\n${system.replace(".", "\\.")}: `));
    assert.match(r.stdout, /threshold {2}precision {2}recall {5}F1/);
    assert.match(r.stdout, /best F1 of each system/);
    const j = JSON.parse(run(["screen", "eval", "--set", set, "-o", "json"], { home: newHome() }).stdout) as { systems: { name: string; best: { f1: number; recall: number } }[] };
    const ours = j.systems.find((s) => s.name === "ictsguard")!;
    assert.equal(ours.best.f1, 1);
    assert.ok(j.systems.find((s) => s.name === "csl-terms")!.best.recall < 1, "the per-term baseline cannot read Cyrillic");
  });

  it("names the line of a bad row", () => {
    const set = write("bad.csv", "input,country,entity,label\nKaspersky,,catalog:kaspersky,yes\n");
    const r = run(["screen", "eval", "--set", set, "--no-baselines"], { home: newHome() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.csv:2: expected an input, an entity \(list:id\) and a label 0 or 1/);
  });
});
