import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, it } from "node:test";
import type { Catalog, Citation, IdentifierValue } from "../model/catalog.js";
import { PROFILES } from "../model/vocabulary.js";
import type { Issue } from "../model/issue.js";
import { IctsError } from "../model/errors.js";
import { repoPath } from "../testing/index.js";
import { loadCatalog, loadCatalogOrThrow } from "./index.js";

async function bundled(): Promise<Catalog> {
  const r = await loadCatalog();
  if (!r.ok) assert.fail(r.issues.map((i) => `${i.source.file}:${i.source.line}: ${i.message}`).join("\n"));
  return r.catalog;
}

const testdata = (name: string) => repoPath("src", "catalog", "testdata", name);

/** 1-based line of the first line of a test file that contains `needle`. */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

async function issuesOf(name: string): Promise<Issue[]> {
  const r = await loadCatalog(testdata(name));
  assert.equal(r.ok, false, `${name} should not load`);
  return r.ok ? [] : r.issues;
}

describe("the bundled catalog", () => {
  it("loads with no issues and no warnings", async () => {
    const r = await loadCatalog();
    assert.ok(r.ok, r.ok ? "" : r.issues.map((i) => `${i.source.file}:${i.source.line}: ${i.message}`).join("\n"));
    assert.deepEqual(
      r.warnings.map((w) => `${w.source.file}:${w.source.line}: ${w.message}`),
      [],
    );
    assert.equal(r.catalog.version, "2026.12.07.1");
    assert.equal(r.catalog.date, "2026-12-07");
    assert.match(r.catalog.digest, /^[0-9a-f]{64}$/);
  });

  it("has a stable digest", async () => {
    const a = await bundled();
    const b = await bundled();
    assert.equal(a.digest, b.digest);
  });

  it("has exactly the rules the engine and docs name", async () => {
    const c = await bundled();
    assert.deepEqual(c.rules.map((r) => r.id).sort(), [
      "us-15cfr-791-4-foreign-adversaries",
      "us-2cfr-200-216",
      "us-bis-affiliates-rule-2025",
      "us-bis-entity-list-kaspersky-2024",
      "us-bis-icts-fd-kaspersky-2024",
      "us-dhs-bod-17-01",
      "us-fcc-covered-list",
      "us-ndaa18-1634-far-52-204-23",
      "us-ndaa19-889-far-52-204-25",
      "us-ofac-eo14024-kaspersky-execs-2024",
    ]);
  });

  it("cites every fact, with sources that exist", async () => {
    const c = await bundled();
    const sources = new Set(c.sources.map((s) => s.id));
    const check = (what: string, cites: Citation[] | undefined) => {
      assert.ok(cites && cites.length > 0, `${what} has no citation`);
      for (const x of cites) assert.ok(sources.has(x.source), `${what} cites unknown source ${x.source}`);
    };
    for (const e of c.entities) {
      check(`entity ${e.id}`, e.citations);
      for (const a of e.aliases) if (typeof a !== "string" && a.citations) check(`alias ${a.name}`, a.citations);
    }
    for (const p of c.products) check(`product ${p.id}`, p.citations);
    for (const l of c.lookalikes) check(`look-alike ${l.id}`, l.citations);
    for (const r of c.rules) {
      check(`rule ${r.id}`, r.citations);
      for (const ph of r.phases) check(`phase ${r.id}/${ph.id}`, ph.citations);
      for (const [i, pen] of r.penalties.entries()) check(`penalty ${r.id}[${i}]`, pen.citations);
    }
  });

  it("defines every scan profile, and holding means use (a reseller also resells and licenses)", async () => {
    const c = await bundled();
    const byId = new Map(c.profiles.map((p) => [p.id, p]));
    for (const p of PROFILES) assert.ok(byId.get(p)?.holdingActions.includes("use"), p);
    assert.deepEqual(byId.get("reseller")!.holdingActions, ["use", "resell", "license"]);
    assert.deepEqual(byId.get("exporter")!.holdingActions, ["export"]);
  });

  it("Final Determination: phase 1 from 20 Jul 2024 (time of day unconfirmed), phase 2 at midnight EDT on 29 Sep 2024", async () => {
    const c = await bundled();
    const fd = c.rules.find((r) => r.id === "us-bis-icts-fd-kaspersky-2024")!;
    assert.deepEqual(fd.entities, ["kaspersky-lab-inc"]);
    assert.equal(fd.coversIntegrations, true);
    assert.deepEqual(fd.excludedCategories, ["threat-intelligence", "security-training"]);
    const consulting = fd.conditions.find((k) => k.categories?.includes("consulting"));
    assert.ok(consulting?.text.includes("purely informational or educational"), "the consulting carve-out is conditional");
    const [p1, p2] = fd.phases;
    assert.equal(p1!.from, "2024-07-20");
    assert.equal(p1!.fromConfirmed, false);
    assert.deepEqual(p1!.prohibits.flatMap((p) => p.actions), ["buy", "renew"]);
    assert.equal(p2!.from, "2024-09-29T00:00:00-04:00");
    assert.equal(p2!.fromConfirmed, true);
    assert.deepEqual(p2!.prohibits.flatMap((p) => p.actions).sort(), ["integrate", "license", "resell", "support", "update"]);
    assert.ok(p2!.prohibits.every((p) => p.roles.includes("any")));
    // IEEPA figures confirmed; the FD's own penalty paragraph not
    assert.ok(fd.penalties.some((p) => p.confirmed && p.year === 2025 && p.text.includes("$377,700") && p.text.includes("$1,000,000")));
    assert.ok(fd.penalties.some((p) => p.year === 2024 && p.text.includes("$368,136")), "the 2024 figure is kept with its year");
    assert.ok(fd.penalties.some((p) => !p.confirmed));
  });

  it("Entity List: exactly AO Kaspersky Lab, OOO Kaspersky Group (RU) and Kaspersky Labs Limited (GB), licence required", async () => {
    const c = await bundled();
    const el = c.rules.find((r) => r.id === "us-bis-entity-list-kaspersky-2024")!;
    assert.deepEqual(el.entities, ["ao-kaspersky-lab", "ooo-kaspersky-group", "kaspersky-labs-limited"]);
    const countries = el.entities.map((id) => c.entities.find((e) => e.id === id)!.country);
    assert.deepEqual(countries, ["RU", "RU", "GB"]);
    const phase = el.phases[0]!;
    assert.equal(phase.from, "2024-06-24");
    assert.deepEqual(phase.prohibits[0], { roles: ["exporter"], actions: ["export"], decision: "license-required", note: "presumption of denial; all items subject to the EAR" });
  });

  it("OFAC: 12 designated people, outside the corporate family", async () => {
    const c = await bundled();
    const people = c.entities.filter((e) => e.type === "person");
    assert.equal(people.length, 12);
    assert.ok(people.every((p) => p.parent === undefined && p.citations.some((x) => x.source === "ofac")));
    const ofac = c.rules.find((r) => r.id === "us-ofac-eo14024-kaspersky-execs-2024")!;
    assert.equal(ofac.kind, "listing");
    assert.deepEqual([...ofac.entities].sort(), people.map((p) => p.id).sort());
  });

  it("FAR 52.204-23: agencies and contractors from 1 Oct 2018, report within 3 business days; supply to the Government reached from 16 Jul 2018", async () => {
    const c = await bundled();
    const far = c.rules.find((r) => r.id === "us-ndaa18-1634-far-52-204-23")!;
    assert.deepEqual(far.entities, ["kaspersky"]);
    assert.equal(far.categories, undefined);
    const clause = far.phases.find((p) => p.id === "clause-in-solicitations")!;
    assert.deepEqual([clause.from, clause.to], ["2018-07-16", "2018-10-01"]);
    assert.deepEqual(clause.prohibits[0]!.when, { counterparty: "government" });
    assert.deepEqual(far.conditions.find((k) => k.id === "far-52-204-23-before-1-oct-2018")?.phases, ["clause-in-solicitations"]);
    const phase = far.phases.find((p) => p.id === "in-force")!;
    assert.equal(phase.from, "2018-10-01");
    assert.deepEqual(phase.prohibits[0]!.roles, ["federal-agency", "federal-contractor"]);
    const duty = phase.obligations.find((o) => typeof o !== "string" && o.businessDays?.[0] === 3);
    assert.ok(duty && typeof duty !== "string", "the FAR 52.204-23 reporting duty is data: 3 business days");
    assert.ok(duty.text.includes("3 business days"));
    assert.ok(duty.citations.some((c) => c.locator?.includes("52.204-23")));
  });

  it("15 CFR 791.4 designates CN, CU, IR, KP, RU and VE; Macau is not asserted", async () => {
    const c = await bundled();
    const fa = c.rules.find((r) => r.id === "us-15cfr-791-4-foreign-adversaries")!;
    assert.equal(fa.kind, "designation");
    for (const cc of ["CN", "CU", "IR", "KP", "RU", "VE"]) assert.ok(fa.countries.includes(cc), cc);
    assert.ok(!fa.countries.includes("MO"));
    assert.ok(fa.citations.some((x) => !x.confirmed && x.note?.includes("Macau")));
  });

  it("the FCC listing of Kaspersky Lab, Inc. carries an unconfirmed date", async () => {
    const c = await bundled();
    const fcc = c.rules.find((r) => r.id === "us-fcc-covered-list")!;
    assert.ok(fcc.phases.every((p) => p.prohibits.length === 0), "a listing prohibits nothing for the scan profiles");
    const inc = fcc.phases.find((p) => p.from === "2024-07-23")!;
    assert.equal(inc.fromConfirmed, false);
  });

  it("never uses identifiers the research says not to use", async () => {
    const c = await bundled();
    const values = new Set<string>();
    for (const p of c.products)
      for (const list of Object.values(p.identifiers) as (IdentifierValue[] | undefined)[])
        for (const v of list ?? []) values.add((typeof v === "string" ? v : v.value).toLowerCase());
    for (const banned of [
      "uninstall.exe",
      "getsysteminfo.exe",
      "com.kaspersky.kes.android",
      "com.kaspersky.kasperskyinternetsecurity",
      "injhfeogoehjhhacaaahfbkjlomhpgnj",
      "microsoft windows hardware compatibility publisher",
    ]) {
      assert.ok(!values.has(banned), `${banned} must not be an identifier`);
    }
  });

  it("single-source identifiers carry a lower confidence", async () => {
    const c = await bundled();
    const find = (value: string) => {
      for (const p of c.products)
        for (const list of Object.values(p.identifiers) as (IdentifierValue[] | undefined)[])
          for (const v of list ?? []) if ((typeof v === "string" ? v : v.value) === value) return v;
      return undefined;
    };
    for (const m of ["kescli.exe", "com.kaspersky.browser", "2Y8XE5CQ94", "ds.kaspersky.com", "deb/kics"]) {
      const v = find(m);
      assert.ok(v && typeof v !== "string" && v.confidence !== undefined && v.confidence <= 0.6, m);
    }
    assert.equal(find("avp.exe"), "avp.exe");
  });

  it("browsing domains are informational, on a product of their own", async () => {
    const c = await bundled();
    for (const host of ["www.kaspersky.com", "usa.kaspersky.com", "support.kaspersky.com", "click.kaspersky.com", "securelist.com"]) {
      const owners = c.products.filter((p) => (p.identifiers.domains ?? []).some((v) => (typeof v === "string" ? v : v.value) === host));
      assert.deepEqual(owners.map((p) => p.id), ["kaspersky-corporate-web"], host);
      assert.equal(owners[0]!.category, "other-software");
    }
  });
});

describe("broken catalogs give located issues", () => {
  it("a bad category, at its line, with the allowed values and what was given", async () => {
    const [i, ...rest] = await issuesOf("bad-category");
    assert.equal(rest.length, 0);
    assert.equal(i!.code, "catalog/schema");
    assert.equal(basename(i!.source.file), "catalog.yaml");
    assert.equal(i!.source.line, lineOf(testdata("bad-category/catalog.yaml"), "category: antivirs"));
    assert.match(i!.message, /^products\[0\]\.category: expected one of antivirus, endpoint-security, .* \(got "antivirs"\)$/);
  });

  it("a missing citation", async () => {
    const [i] = await issuesOf("missing-citation");
    assert.equal(i!.code, "catalog/schema");
    assert.equal(i!.source.line, lineOf(testdata("missing-citation/catalog.yaml"), "citations: []"));
    assert.match(i!.message, /^entities\[1\]\.citations: every fact needs at least one citation/);
  });

  it("an unknown source id", async () => {
    const [i, ...rest] = await issuesOf("unknown-source");
    assert.equal(rest.length, 0);
    assert.equal(i!.code, "catalog/unknown-source");
    assert.equal(i!.source.line, lineOf(testdata("unknown-source/catalog.yaml"), "source: src-b"));
    assert.match(i!.message, /unknown source "src-b"/);
  });

  it("issue 11's fields: unconfirmed removal advice without a note, an unknown time zone, a condition citing an unknown source", async () => {
    const file = testdata("issue11-faults/catalog.yaml");
    const issues = await issuesOf("issue11-faults");
    const by = (code: string, re: RegExp) => issues.find((i) => i.code === code && re.test(i.message));
    assert.equal(by("catalog/unconfirmed", /removal/)?.source.line, lineOf(file, "- platforms: [any]"));
    assert.equal(by("catalog/time-zone", /Mars\/Olympus_Mons/)?.source.line, lineOf(file, "timeZone:"));
    assert.equal(by("catalog/unknown-source", /src-z/)?.source.line, lineOf(file, "source: src-z"));
    assert.equal(issues.length, 3, JSON.stringify(issues.map((i) => i.message)));
  });

  it("a MAC address block that is not 24 bits", async () => {
    const [i, ...rest] = await issuesOf("bad-mac-block");
    assert.equal(rest.length, 0);
    assert.equal(i!.code, "catalog/identifier");
    assert.match(i!.message, /"0C:75": expected a 24-bit OUI, e\.g\. 0C:75:D2/);
    assert.equal(i!.source.line, lineOf(testdata("bad-mac-block/catalog.yaml"), "macOuis"));
  });

  it("a duplicate id, naming both places", async () => {
    const [i, ...rest] = await issuesOf("duplicate-id");
    assert.equal(rest.length, 0);
    assert.equal(i!.code, "catalog/duplicate-id");
    assert.equal(basename(i!.source.file), "b.yaml");
    assert.equal(i!.source.line, lineOf(testdata("duplicate-id/b.yaml"), "id: acme-av"));
    const firstLine = lineOf(testdata("duplicate-id/a.yaml"), "id: acme-av");
    assert.match(i!.message, new RegExp(`duplicate product id "acme-av" \\(also at .*a\\.yaml:${firstLine}\\)`));
  });

  it("an unknown vendor", async () => {
    const [i, ...rest] = await issuesOf("unknown-vendor");
    assert.equal(rest.length, 0);
    assert.equal(i!.code, "catalog/unknown-entity");
    assert.equal(i!.source.line, lineOf(testdata("unknown-vendor/catalog.yaml"), "vendor: acme-labs"));
    assert.match(i!.message, /^products\[0\]\.vendor: unknown vendor "acme-labs"/);
  });

  it("a phase that names an entity its rule does not", async () => {
    const [i, ...rest] = await issuesOf("phase-entity-outside-rule");
    assert.equal(rest.length, 0);
    assert.equal(i!.code, "catalog/rule");
    assert.equal(i!.source.line, lineOf(testdata("phase-entity-outside-rule/catalog.yaml"), "entities: [ao-acme, acme]"));
    assert.match(i!.message, /^rules\[0\]\.phases\[0\]\.entities\[1\]: "acme" is not one of the rule's entities \(ao-acme\)$/);
  });

  it("a condition scoped to a phase its rule does not have", async () => {
    const [i, ...rest] = await issuesOf("condition-phase-outside-rule");
    assert.equal(rest.length, 0, JSON.stringify(rest.map((x) => x.message)));
    assert.equal(i!.code, "catalog/rule");
    assert.equal(i!.source.line, lineOf(testdata("condition-phase-outside-rule/catalog.yaml"), "phases: [p1, p2]"));
    assert.match(i!.message, /^rules\[0\]\.conditions\[0\]\.phases\[1\]: "p2" is not one of the rule's phases \(p1\)$/);
  });

  it("an unknown (misspelt) field below the top level", async () => {
    const [i] = await issuesOf("unknown-field");
    assert.equal(i!.source.line, lineOf(testdata("unknown-field/catalog.yaml"), "titel:"));
    assert.match(i!.message, /^sources\[0\]\.titel: unknown field "titel"$/);
  });

  it("YAML syntax errors", async () => {
    const [i] = await issuesOf("yaml-syntax");
    assert.equal(i!.code, "catalog/yaml");
    assert.ok(i!.source.line !== undefined && i!.source.line >= lineOf(testdata("yaml-syntax/catalog.yaml"), "Acmeville"));
  });

  it("a parent cycle", async () => {
    const issues = await issuesOf("parent-cycle");
    assert.deepEqual(issues.map((i) => i.code), ["catalog/parent-cycle"]);
    assert.match(issues[0]!.message, /acme → ao-acme → acme/);
  });

  it("an unconfirmed start without a note", async () => {
    const [i] = await issuesOf("unconfirmed-without-note");
    assert.equal(i!.code, "catalog/unconfirmed");
    assert.equal(i!.source.line, lineOf(testdata("unconfirmed-without-note/catalog.yaml"), "fromConfirmed: false"));
  });

  it("a look-alike that would hide a product", async () => {
    const [i] = await issuesOf("lookalike-hides-product");
    assert.equal(i!.code, "catalog/lookalike-conflict");
    assert.match(i!.message, /"Acme\*" would hide product "acme-av"/);
  });

  it("a date that does not exist", async () => {
    const [i] = await issuesOf("bad-date");
    assert.equal(i!.code, "catalog/date");
    assert.equal(i!.source.line, lineOf(testdata("bad-date/catalog.yaml"), "2024-02-30"));
  });

  it("a folder that does not exist", async () => {
    const [i] = await issuesOf("no-such-folder");
    assert.equal(i!.code, "catalog/io");
  });

  it("the valid test catalog loads", async () => {
    const r = await loadCatalog(testdata("valid"));
    assert.ok(r.ok);
    assert.equal(r.catalog.products[0]!.id, "acme-av");
  });

  it("loadCatalogOrThrow throws catalog/invalid listing the problems", async () => {
    await assert.rejects(loadCatalogOrThrow(testdata("unknown-vendor")), (e: unknown) => {
      assert.ok(e instanceof IctsError);
      assert.equal(e.code, "catalog/invalid");
      assert.match(e.message, /unknown vendor "acme-labs"/);
      assert.equal(e.source?.line, lineOf(testdata("unknown-vendor/catalog.yaml"), "vendor: acme-labs"));
      return true;
    });
  });
});

describe("the bundled catalog encodes the time-phased semantics (through the engine)", async () => {
  const { buildCatalogIndex, matchObservation } = await import("../match/index.js");
  const { createPolicy } = await import("../policy/judge.js");
  const { parseAsOf } = await import("../policy/time.js");
  const catalog = await bundled();
  const index = buildCatalogIndex(catalog);
  const policy = createPolicy(index);
  type Obs = Parameters<typeof matchObservation>[0];
  const matchOne = (o: Omit<Obs, "source">) => {
    const r = matchObservation({ source: { file: "t" }, ...o } as Obs, index);
    assert.equal(r.matches.length, 1, JSON.stringify(r));
    return r.matches[0]!;
  };
  const kes = matchOne({ kind: "software", name: "Kaspersky Endpoint Security 12.1.0.506 для Windows", vendor: "АО «Лаборатория Касперского»" });
  const status = (m: typeof kes, profile: (typeof PROFILES)[number], date: string) => policy.judge(m, profile, parseAsOf(date)).status;

  it("names the product and the vendor group", () => {
    assert.equal(kes.product.id, "kaspersky-endpoint-security");
    assert.equal(kes.vendor.id, "kaspersky");
  });

  it("business: deadline before 29 Sep 2024, unsupported after", () => {
    assert.equal(status(kes, "business", "2024-08-01"), "deadline");
    assert.equal(policy.judge(kes, "business", parseAsOf("2024-08-01")).deadline, "2024-09-29");
    assert.equal(status(kes, "business", "2024-09-29"), "unsupported");
    assert.equal(status(kes, "individual", "2026-11-22"), "unsupported");
  });

  it("reseller: prohibited from 29 Sep 2024; agency: prohibited since 2017; contractor: FAR 52.204-23 left for review within its scope", () => {
    assert.equal(status(kes, "reseller", "2024-09-29"), "prohibited");
    assert.equal(status(kes, "federal-agency", "2017-12-12"), "prohibited");
    // FAR 52.204-23 reaches contract performance only: what is certain is the Final Determination's coming date
    const j = policy.judge(kes, "federal-contractor", parseAsOf("2018-10-01"));
    assert.equal(j.status, "deadline");
    assert.equal(j.rules[0]!.id, "us-ndaa18-1634-far-52-204-23");
    assert.equal(j.rules[0]!.effect, "conditional");
    assert.match(j.reason, /Review: .*contract/);
    assert.equal(status(kes, "federal-contractor", "2024-09-29"), "unsupported");
  });

  it("threat intelligence is carved out of the Final Determination", () => {
    const ti = matchOne({ kind: "domain", name: "opentip.kaspersky.com" });
    assert.equal(ti.product.id, "kaspersky-threat-intelligence");
    const j = policy.judge(ti, "business", parseAsOf("2026-11-22"));
    assert.equal(j.status, "review");
    assert.ok(j.rules.some((r) => r.id === "us-bis-icts-fd-kaspersky-2024" && r.effect === "excluded"));
  });

  it("Section 889 binds a contractor that uses Hikvision video-surveillance software", () => {
    const ivms = matchOne({ kind: "software", name: "iVMS-4200 Site", vendor: "Hangzhou Hikvision Digital Technology Co., Ltd." });
    assert.equal(ivms.product.id, "hikvision-ivms-4200");
    // covered only for the purposes section 889 names: review, and the reason names the purpose limit
    const j = policy.judge(ivms, "federal-contractor", parseAsOf("2020-08-13"));
    assert.equal(j.status, "review");
    assert.equal(j.rules[0]!.effect, "conditional");
    assert.match(j.reason.split(". ")[0]!, /^Review: federal contractors may not hold or use Hikvision/);
    assert.match(j.reason, /public safety/);
    assert.equal(policy.judge(ivms, "federal-contractor", parseAsOf("2020-08-12")).rules[0]!.effect, "upcoming");
    assert.equal(status(ivms, "business", "2026-11-22"), "review");
  });

  it("look-alikes stop the known traps", () => {
    const r1 = matchObservation({ kind: "software", name: "UltraAV", source: { file: "t" } }, index);
    assert.equal(r1.lookalike?.lookalike.id, "pango-ultraav");
    const r2 = matchObservation({ kind: "driver", name: "kldbgdrv.sys", source: { file: "t" } }, index);
    assert.equal(r2.lookalike?.lookalike.id, "microsoft-kl-ks-names");
    const r3 = matchObservation({ kind: "component", name: "hexa-ui", ids: { purl: "pkg:npm/%40kaspersky/hexa-ui@1.0.0" }, source: { file: "t" } }, index);
    assert.equal(r3.lookalike?.lookalike.id, "kaspersky-hexa-ui");
  });
});
