import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Observation } from "../model/observation.js";
import { miniCatalog } from "../testing/mini-catalog.js";
import { buildCatalogIndex, matchObservation } from "./index.js";

const index = buildCatalogIndex(miniCatalog());
const obs = (o: Partial<Observation> & { name: string }): Observation => ({ kind: "software", source: { file: "t.csv", line: 2 }, ...o });
const one = (o: Observation) => {
  const r = matchObservation(o, index);
  assert.equal(r.matches.length, 1, `expected one match for ${o.name}, got ${r.matches.length}`);
  return r.matches[0]!;
};

describe("matchObservation: identifiers", () => {
  const cases: [string, Observation, string][] = [
    ["process by file name, any case and path", obs({ kind: "process", name: "C:\\Program Files\\Acme\\ACMEAV.EXE" }), "process"],
    ["service prefix", obs({ kind: "service", name: "ACMEAV21.3" }), "service"],
    ["driver with or without .sys", obs({ kind: "driver", name: "acmeflt" }), "driver"],
    ["bundle id", obs({ name: "Acme.app", ids: { bundleId: "com.acme.av" } }), "bundle-id"],
    ["bundle id prefix", obs({ name: "Something", ids: { bundleId: "com.acme.other" } }), "bundle-id"],
    ["android package", obs({ kind: "mobile-app", name: "com.acme.mobile" }), "android-package"],
    ["extension id", obs({ kind: "extension", name: "Protection", ids: { extensionId: "abcdefghijklmnopabcdefghijklmnop" } }), "extension-id"],
    ["deb purl", obs({ kind: "package", name: "acme-av", ids: { purl: "pkg:deb/debian/acme-av@1.0?arch=amd64" } }), "purl"],
    ["cpe 2.3", obs({ kind: "component", name: "x", ids: { cpe: "cpe:2.3:a:acme:acme_anti-virus:6.0:*:*:*:*:*:*:*" } }), "cpe"],
    ["signer subject RDN", obs({ kind: "signer", name: "CN=AO Acme Labs, O=AO Acme Labs, C=RU" }), "signer"],
    ["subdomain of a catalog domain", obs({ kind: "domain", name: "s01.upd.acme.test" }), "domain"],
    ["install path prefix", obs({ name: "Tool", path: "c:/program files/acme labs/bin/tool.exe" }), "path"],
  ];
  for (const [title, o, matcher] of cases) {
    it(title, () => {
      const m = one(o);
      assert.equal(m.vendor.id, "acme");
      assert.ok(m.evidence.some((e) => e.matcher === matcher && e.type === "exact-id"), JSON.stringify(m.evidence));
      assert.ok(m.confidence >= 0.8);
    });
  }

  it("does not match a domain by substring or as a suffix of another name", () => {
    assert.equal(matchObservation(obs({ kind: "domain", name: "notupd.acme.test.example.net" }), index).matches.length, 0);
    assert.equal(matchObservation(obs({ kind: "domain", name: "xupd.acme.test" }), index).matches.length, 0);
  });

  it("does not match process names on observations that are not processes", () => {
    assert.equal(matchObservation(obs({ kind: "package", name: "acmeav.exe-docs" }), index).matches.length, 0);
  });

  it("a process known by its file name alone, run from another program's folder, is left for review", () => {
    // another program's file of the same name (the game "Aliens vs. Predator" runs an AvP.exe)
    const elsewhere = one(obs({ kind: "process", name: "acmeav.exe", path: "D:\\Games\\Space Race\\acmeav.exe" }));
    assert.ok(elsewhere.confidence < 0.7, String(elsewhere.confidence));
    // in a folder that names the vendor, or with no folder at all, it keeps its confidence
    for (const path of ["D:\\Tools\\Acme Labs\\acmeav.exe", "/opt/acme/bin/acmeav.exe", undefined]) {
      const m = one(obs({ kind: "process", name: "acmeav.exe", ...(path ? { path } : {}) }));
      assert.ok(m.confidence >= 0.8, `${path}: ${m.confidence}`);
    }
  });

  it("a cpe of the vendor with an unknown product goes to the catch-all product", () => {
    const m = one(obs({ kind: "component", name: "x", ids: { cpe: "cpe:/a:acme:something_else:1" } }));
    assert.equal(m.product.id, "acme-unidentified");
  });
});

describe("matchObservation: names and publishers", () => {
  it("matches a display name with version and edition suffixes", () => {
    const m = one(obs({ name: "Acme Anti-Virus 21.3.10.391 (x64)", vendor: "AO Acme Labs" }));
    assert.equal(m.product.id, "acme-antivirus");
    assert.ok(m.evidence.some((e) => e.matcher === "product-name" && e.type === "alias"));
    assert.ok(m.evidence.some((e) => e.matcher === "publisher"));
    assert.ok(m.confidence > 0.95, "agreeing publisher raises confidence");
  });

  it("matches a Cyrillic product name and a Cyrillic publisher in quotes", () => {
    const m = one(obs({ name: "Антивирус Акме", vendor: '"Лаборатория Акме"' }));
    assert.equal(m.product.id, "acme-antivirus");
    assert.ok(m.confidence >= 0.95);
  });

  it("matches a transliterated Latin spelling of a Cyrillic alias", () => {
    const m = one(obs({ name: "Antivirus Akme" }));
    assert.equal(m.product.id, "acme-antivirus");
  });

  it("matches anti-virus written as one word or two, whichever the catalog has", () => {
    for (const name of ["Acme Antivirus", "Acme AntiVirus 2024", "Acme Anti Virus"]) assert.equal(one(obs({ name })).product.id, "acme-antivirus", name);
    assert.ok(one(obs({ name: "Acme Antivirus" })).confidence >= 0.9);
  });

  it("a publisher alone names the vendor's catch-all product", () => {
    const m = one(obs({ name: "Acme Helper Tool", vendor: "Acme Labs" }));
    assert.equal(m.product.id, "acme-unidentified");
    assert.equal(m.evidence[0]!.matcher, "publisher");
  });

  it("a brand word alone is a weak, reviewable match", () => {
    const m = one(obs({ kind: "component", name: "acme-log-parser" }));
    assert.ok(m.confidence < 0.7);
    assert.equal(m.evidence[0]!.type, "fuzzy-name");
  });

  it("a product name published by someone else loses confidence", () => {
    const m = one(obs({ name: "Acme Anti-Virus", vendor: "Someone Else Inc." }));
    assert.ok(m.confidence < 0.7, String(m.confidence));
  });

  it("vendors without a catch-all product get a synthetic one", () => {
    const m = one(obs({ name: "Unknown Tool", vendor: "ZETA TELECOM CO., LTD." }));
    assert.equal(m.vendor.id, "zeta");
    assert.equal(m.product.id, "zeta-unidentified");
    assert.equal(m.product.category, "other-software");
  });

  it("ordinary software does not match", () => {
    for (const name of ["7-Zip 23.01 (x64)", "Google Chrome", "Microsoft Visual C++ 2015 Redistributable", "Acmeville"]) {
      assert.equal(matchObservation(obs({ name, vendor: "Igor Pavlov" }), index).matches.length, 0, name);
    }
  });
});

describe("matchObservation: look-alikes", () => {
  it("stops a match on a look-alike name prefix and reports why", () => {
    const r = matchObservation(obs({ name: "Acmeville Anti-Virus", vendor: "Acme Labs" }), index);
    assert.equal(r.matches.length, 0);
    assert.equal(r.lookalike?.lookalike.id, "acmeville-av");
  });
  it("stops a match on a look-alike identifier", () => {
    const r = matchObservation(obs({ kind: "extension", name: "Acme Protection", ids: { extensionId: "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" } }), index);
    assert.equal(r.matches.length, 0);
    assert.equal(r.lookalike?.lookalike.id, "acme-replacement");
  });
});

describe("createCachedMatcher", () => {
  it("gives the same result as matching afresh, bound to each observation", async () => {
    const { createCachedMatcher } = await import("./index.js");
    const cached = createCachedMatcher(index, 2);
    const a = obs({ name: "Acme Anti-Virus 21.3", vendor: "AO Acme Labs", source: { file: "a.csv", line: 2 } });
    const b = obs({ name: "Acme Anti-Virus 21.3", vendor: "AO Acme Labs", source: { file: "b.csv", line: 9 } });
    const first = cached(a);
    const second = cached(b);
    assert.deepEqual(second.matches.map((m) => ({ ...m, observation: undefined })), matchObservation(b, index).matches.map((m) => ({ ...m, observation: undefined })));
    assert.equal(first.matches[0]!.observation, a);
    assert.equal(second.matches[0]!.observation, b);
    const look = obs({ name: "Acmeville Anti-Virus" });
    assert.equal(cached(look).lookalike?.observation, look);
    assert.equal(cached({ ...look }).lookalike?.lookalike.id, "acmeville-av");
    for (let i = 0; i < 5; i++) cached(obs({ name: `Tool ${i}` })); // past capacity: starts again
    assert.equal(cached(a).matches[0]!.product.id, "acme-antivirus");
  });
});

describe("matchObservation: signers of observed things", () => {
  it("matches what signed an app (ids.signer), not only signer observations", () => {
    const m = one(obs({ name: "Helper", ids: { signer: "CN=AO Acme Labs, O=AO Acme Labs, C=RU" } }));
    assert.equal(m.vendor.id, "acme");
    assert.ok(m.evidence.some((e) => e.matcher === "signer" && e.type === "exact-id" && e.searchedBy?.signer === "CN=AO Acme Labs, O=AO Acme Labs, C=RU"));
  });

  it("reads the vendor name out of an Apple Developer ID certificate name", () => {
    const m = one(obs({ name: "Acme.app", ids: { signer: "Developer ID Application: AO Acme Labs (A1B2C3D4E5)" } }));
    assert.ok(m.evidence.some((e) => e.matcher === "signer" && e.found.value === "AO Acme Labs"));
    assert.ok(m.confidence >= 0.9);
  });

  it("does not match another vendor's Developer ID", () => {
    assert.equal(matchObservation(obs({ name: "Other.app", ids: { signer: "Developer ID Application: Other Corp (Z9Y8X7W6V5)" } }), index).matches.length, 0);
  });
});

describe("matchObservation: names without their brand, from a vendor that names it", () => {
  it("prefixes the publisher's brand to CPE-style tokens (Defender: acme / anti_virus)", () => {
    const m = one(obs({ name: "anti_virus", vendor: "acme", version: "21.3" }));
    assert.equal(m.product.id, "acme-antivirus");
    const e = m.evidence.find((x) => x.matcher === "product-name")!;
    assert.deepEqual(e.searchedBy, { name: "anti_virus", vendor: "acme" });
    assert.equal(e.found.value, "Acme Anti-Virus");
    assert.ok(m.confidence >= 0.9, `confidence ${m.confidence}`);
  });

  it("works with any of the vendor's publisher strings, and longer aliases", () => {
    assert.equal(one(obs({ name: "Internet Security", vendor: "Acme Labs" })).product.id, "acme-antivirus");
  });

  it("leaves names alone when the vendor is not a catalog publisher, or names another group", () => {
    assert.equal(matchObservation(obs({ name: "anti_virus", vendor: "contoso" }), index).matches.length, 0);
    const zeta = one(obs({ name: "anti_virus", vendor: "Zeta Telecom Co., Ltd." }));
    assert.equal(zeta.vendor.id, "zeta");
    assert.ok(!zeta.evidence.some((e) => e.matcher === "product-name"), JSON.stringify(zeta.evidence));
  });

  it("never names a product by the brand alone", () => {
    const m = one(obs({ name: "helper_tool", vendor: "acme" }));
    assert.equal(m.product.id, "acme-unidentified");
    assert.ok(!m.evidence.some((e) => e.matcher === "product-name" && e.type === "alias"));
  });
});
