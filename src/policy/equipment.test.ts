/**
 * Equipment judged as equipment (issue 11): devices read from a CycloneDX HBOM, an SPDX document
 * with hardware purposes, a CSV with `kind` = `device` and an asset list (manufacturer, MAC
 * address) become `device` observations, match their maker's covered equipment, and are judged
 * by its category through the same engine as `check`, for every covered vendor and every profile.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog, Category, Profile } from "../model/catalog.js";
import { PROFILES } from "../model/vocabulary.js";
import type { Observation } from "../model/observation.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "../match/index.js";
import { ouiOf } from "../match/device.js";
import { csvReader } from "../readers/csv/index.js";
import { cyclonedxJsonReader } from "../readers/cyclonedx-json/index.js";
import { spdxJsonReader } from "../readers/spdx-json/index.js";
import { nmapXmlReader } from "../readers/nmap-xml/index.js";
import { readAll, repoPath } from "../testing/index.js";
import { createChecker, type Checker } from "./check.js";
import { createPolicy, type Policy } from "./judge.js";
import { parseAsOf } from "./time.js";

let catalog: Catalog;
let index: CatalogIndex;
let policy: Policy;
let checker: Checker;
before(async () => {
  catalog = await loadCatalogOrThrow();
  index = buildCatalogIndex(catalog);
  policy = createPolicy(index);
  checker = createChecker(index);
});

const S889 = "us-ndaa19-889-far-52-204-25";

/** Every covered vendor of section 889, its equipment category, and the condition that narrows the rule for it. */
const COVERED: { vendor: string; manufacturer: string; category: Category; condition: string }[] = [
  { vendor: "huawei", manufacturer: "Huawei Technologies Co., Ltd.", category: "telecom-equipment", condition: "section-889-a-2-exceptions" },
  { vendor: "zte", manufacturer: "ZTE Corporation", category: "telecom-equipment", condition: "section-889-a-2-exceptions" },
  { vendor: "hytera", manufacturer: "Hytera Communications Corporation", category: "telecom-equipment", condition: "purpose-limit" },
  { vendor: "hikvision", manufacturer: "Hangzhou Hikvision Digital Technology Co.,Ltd.", category: "video-surveillance", condition: "purpose-limit" },
  { vendor: "dahua", manufacturer: "Dahua Technology Co.,Ltd", category: "video-surveillance", condition: "purpose-limit" },
];

const device = (manufacturer: string, extra: Partial<Observation> = {}): Observation => ({
  kind: "device",
  name: "site equipment",
  vendor: manufacturer,
  source: { file: "equipment" },
  ...extra,
});

const matchOne = (o: Observation) => {
  const r = matchObservation(o, index);
  assert.equal(r.matches.length, 1, JSON.stringify(r));
  return r.matches[0]!;
};

describe("readers: equipment is a device observation", () => {
  it("CycloneDX device, hardware and (nested) firmware components are devices; an application stays software", async () => {
    const { observations, issues } = await readAll(cyclonedxJsonReader, repoPath("src/readers/cyclonedx-json/testdata/hbom-devices.cdx.json"));
    assert.deepEqual(issues, []);
    const kinds = Object.fromEntries(observations.map((o) => [o.name, o.kind]));
    assert.equal(kinds["lobby camera"], "device");
    assert.equal(kinds["camera firmware"], "device");
    assert.equal(kinds["network video recorder"], "device");
    assert.equal(kinds["uplink router"], "device");
    assert.equal(kinds["SmartPSS Lite"], "component");
    assert.equal(observations.find((o) => o.name === "lobby camera")!.vendor, "Hangzhou Hikvision Digital Technology Co.,Ltd.");
  });

  it("SPDX packages with purpose DEVICE or FIRMWARE are devices", async () => {
    const { observations } = await readAll(spdxJsonReader, repoPath("src/readers/spdx-json/testdata/hardware-purpose.spdx.json"));
    const kinds = Object.fromEntries(observations.map((o) => [o.name, o.kind]));
    assert.deepEqual(kinds, { "parking camera": "device", "base station firmware": "device", "iVMS-4200 Site": "component" });
  });

  it("a CSV kind column of device is a device, not software; asset lists with a MAC column are devices with their MAC", async () => {
    const generic = await readAll(csvReader, repoPath("src/readers/csv/testdata/kind-device.csv"));
    assert.deepEqual(
      generic.observations.map((o) => [o.source.line, o.kind, o.name]),
      [
        [2, "device", "front-door camera"],
        [3, "device", "uplink router"],
        [4, "software", "SmartPSS Lite"],
      ],
    );
    const assets = await readAll(csvReader, repoPath("src/readers/csv/testdata/asset-list.csv"));
    assert.deepEqual(assets.issues, []);
    assert.equal(assets.observations.length, 7);
    assert.ok(assets.observations.every((o) => o.kind === "device"));
    const cam = assets.observations.find((o) => o.source.line === 2)!;
    assert.equal(cam.vendor, "Hangzhou Hikvision Digital Technology Co.,Ltd.");
    assert.equal(cam.ids?.mac, "0C:75:D2:11:22:33");
    assert.equal(cam.host, "lobby-cam-01");
  });
});

describe("a network inventory (nmap -oX) gives equipment judged like any device", () => {
  it("the Hikvision camera and the Dahua recorder are found by MAC vendor and block; the unrelated host is not", async () => {
    const { observations } = await readAll(nmapXmlReader, repoPath("src/readers/nmap-xml/testdata/arp-scan.xml"));
    const found = observations.flatMap((o) => matchObservation(o, index).matches).map((m) => [m.observation.host, m.product.id, policy.judge(m, "federal-contractor", parseAsOf("2025-01-01")).status]);
    assert.deepEqual(found, [
      ["lobby-cam-01.corp.example", "hikvision-video-surveillance-equipment", "review"],
      ["10.0.5.30", "dahua-video-surveillance-equipment", "review"],
    ]);
  });
});

describe("matching: a device is its maker's covered equipment", () => {
  it("by manufacturer, for every covered vendor, with the equipment category", () => {
    for (const c of COVERED) {
      const m = matchOne(device(c.manufacturer));
      assert.equal(m.vendor.id, c.vendor);
      assert.equal(m.product.form, "equipment", c.vendor);
      assert.equal(m.product.category, c.category, c.vendor);
      assert.ok(m.confidence >= 0.7, `${c.vendor} ${m.confidence}`);
    }
  });

  it("by MAC address block in any notation; a block alone rests on a single source and is left for review", () => {
    assert.equal(ouiOf("0c-75-d2-aa-bb-cc"), "0C75D2");
    assert.equal(ouiOf("0c75.d2aa.bbcc"), "0C75D2");
    assert.equal(ouiOf("not a mac"), undefined);
    const byMac = matchOne(device("", { vendor: undefined, name: "car park camera", ids: { mac: "bc:5e:33:b0:02:04" } }) as Observation);
    assert.equal(byMac.product.id, "hikvision-video-surveillance-equipment");
    assert.equal(byMac.evidence[0]!.matcher, "device");
    assert.equal(byMac.evidence[0]!.found.rule, "hikvision-video-surveillance-equipment.identifiers.macOuis");
    assert.equal(policy.judge(byMac, "federal-contractor", parseAsOf("2025-01-01")).status, "review");
    // manufacturer and MAC block agree: more confident than either
    const both = matchOne(device("Zhejiang Dahua Technology Co., Ltd.", { ids: { mac: "74:C9:29:AA:BB:CC" } }));
    assert.equal(both.product.id, "dahua-video-surveillance-equipment");
    assert.ok(both.confidence > 0.85);
    // an unrelated maker's MAC block (RFC 7042 documentation block) matches nothing
    assert.equal(matchObservation(device("Example Networks Inc.", { ids: { mac: "00:00:5E:00:53:01" } }), index).matches.length, 0);
  });

  it("software of the same vendor is still software (not equipment)", () => {
    const m = matchOne({ kind: "software", name: "SmartPSS Lite", vendor: "Dahua Technology Co.,Ltd", source: { file: "t" } });
    assert.equal(m.product.id, "dahua-smartpss");
    assert.equal(m.product.form, undefined);
  });
});

describe("judging equipment: every covered vendor × category × profile, the same as check", () => {
  it("a federal contractor holding covered equipment is review naming the condition (purpose limit or 889(a)(2) exceptions); no profile is told it is plain other-software", () => {
    const date = "2025-01-01";
    for (const c of COVERED) {
      const m = matchOne(device(c.manufacturer));
      for (const profile of PROFILES) {
        const j = policy.judge(m, profile, parseAsOf(date));
        const use = checker.check({ role: profile, action: "use", product: m.product.id, date });
        const s889 = j.rules.find((r) => r.id === S889)!;
        assert.ok(s889, `${c.vendor} ${profile}: section 889 reaches the equipment`);
        if (profile === "federal-contractor") {
          assert.equal(j.status, "review", `${c.vendor} ${profile}`);
          assert.equal(s889.effect, "conditional", `${c.vendor} ${profile}`);
          assert.equal(s889.condition?.id, c.condition, `${c.vendor} ${profile}`);
          assert.match(j.reason, new RegExp(`^Review: federal contractors may not hold or use ${m.vendor.name} `));
          // check says the same: review, prohibited if the condition does not hold
          assert.equal(use.decision, "review");
          assert.equal(use.rules[0]!.wouldBe, "prohibited");
          assert.equal(use.rules[0]!.condition?.id, c.condition);
        } else {
          // section 889 bars contractors' use and agencies' purchases; holding alone is listed for these profiles
          assert.equal(j.status, "review", `${c.vendor} ${profile}`);
          assert.notEqual(s889.effect, "conditional", `${c.vendor} ${profile}`);
          assert.equal(use.decision, "allowed", `${c.vendor} ${profile}`);
        }
        assert.equal(use.category.value, c.category);
      }
    }
  });

  it("buying, renewing, installing or integrating covered equipment leads to its use: never allowed for a federal contractor", () => {
    for (const c of COVERED) {
      for (const action of ["buy", "renew", "install", "integrate"] as const) {
        const r = checker.check({ role: "federal-contractor", action, vendor: c.manufacturer, category: c.category, date: "2025-01-01" });
        assert.equal(r.decision, "review", `${c.vendor} ${action}`);
        const rule = r.rules.find((x) => x.id === S889)!;
        assert.equal(rule.wouldBe, "prohibited");
        assert.equal(rule.via, "use");
        // the first line says what the rule would decide, and why
        const first = r.explanation.split(/(?<=\.) /)[0]!;
        assert.match(first, new RegExp(`^Review: FY2019 NDAA section 889 .* would make this prohibited for a federal contractor to ${action} .*\\(to ${action} it leads to using it\\)`));
      }
      // before part B nothing bars the contractor's purchase
      assert.equal(checker.check({ role: "federal-contractor", action: "buy", vendor: c.manufacturer, category: c.category, date: "2020-08-12" }).decision, "allowed");
    }
  });

  it("a federal agency buying Kaspersky before FAR 52.204-23 is prohibited because BOD 17-01 ended its use, and the first line says so", () => {
    const r = checker.check({ role: "federal-agency", action: "install", product: "kaspersky-endpoint-security", date: "2018-01-15" });
    assert.equal(r.decision, "prohibited");
    assert.match(r.explanation, /^Prohibited: a federal agency may not install Kaspersky Endpoint Security on 2018-01-15: to install it leads to using it, and DHS Binding Operational Directive BOD 17-01/);
  });
});
