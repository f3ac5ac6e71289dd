/**
 * @module
 * Tests for the `sbom/spdx-json` reader: real SPDX 2.2/2.3 samples (see testdata/PROVENANCE.md)
 * for counts, supplier/originator and external references; crafted files for Kaspersky
 * packages, bad records, a syntax error and an empty file. Expected counts were checked
 * independently with `jq '.packages | length'`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spdxJsonReader as reader } from "./index.js";
import { spdxActorName } from "../_sbom.js";
import { Observation } from "../../model/observation.js";
import { probeFile, readAll, repoPath, textProbe as probeText } from "../../testing/index.js";
import type { Probe } from "../types.js";

const data = (file: string): string => repoPath("src/readers/spdx-json/testdata", file);
const read = (file: string) => readAll(reader, data(file));
const byName = (obs: Observation[], name: string): Observation => {
  const o = obs.find((x) => x.name === name);
  assert.ok(o, `no observation named ${name}`);
  return o;
};
const textProbe = (text: string): Probe => probeText(text, "x.json");

describe("sbom/spdx-json detect", () => {
  it("claims SPDX 2.2 and 2.3 JSON", () => {
    for (const f of ["SPDXJSONExample-v2.3.spdx.json", "ACME-v2.3.spdx.json", "centos-7-spdx.json", "appbomination.spdx.json", "kaspersky-2.3.spdx.json"]) {
      assert.equal(reader.detect(probeFile(data(f))), 0.95, f);
    }
  });

  it("scores a document whose spdxVersion lies beyond the probe by its document SPDXID, lower", () => {
    const score = reader.detect(textProbe('{ "SPDXID": "SPDXRef-DOCUMENT", "files": ['));
    assert.ok(score >= 0.5 && score < 0.95, String(score));
  });

  it("does not claim SPDX 3.0 JSON-LD, CycloneDX, CSV, SPDX tag-value or an empty file", () => {
    assert.equal(reader.detect(probeFile(data("spdx3-package_sbom.json"))), 0);
    assert.ok(reader.detect(probeFile(repoPath("src/readers/cyclonedx-json/testdata/valid-bom-1.6.json"))) < 0.5);
    assert.equal(reader.detect(probeFile(data("inventory.csv"))), 0);
    assert.equal(reader.detect(probeFile(data("empty.spdx.json"))), 0);
    assert.equal(reader.detect(textProbe("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n")), 0);
  });
});

describe("spdxActorName", () => {
  it("strips the actor type and an e-mail, keeps other parentheses, drops NOASSERTION", () => {
    assert.equal(spdxActorName("Organization: AO Kaspersky Lab (info@kaspersky.com)"), "AO Kaspersky Lab");
    assert.equal(spdxActorName("Person: Jane Doe (jane.doe@example.com)"), "Jane Doe");
    assert.equal(spdxActorName("Organization: ACT Project"), "ACT Project");
    assert.equal(spdxActorName("Organization: AO Kaspersky Lab ()"), "AO Kaspersky Lab");
    assert.equal(spdxActorName("Organization: Kaspersky Lab (Russia)"), "Kaspersky Lab (Russia)");
    assert.equal(spdxActorName("Organization: Example (https://example.com)"), "Example");
    assert.equal(spdxActorName("NOASSERTION"), undefined);
    assert.equal(spdxActorName("Organization: NOASSERTION"), undefined);
    assert.equal(spdxActorName("  "), undefined);
    assert.equal(spdxActorName(42), "42");
    assert.equal(spdxActorName({ name: "x" }), undefined);
  });
});

describe("sbom/spdx-json read: real samples", () => {
  it("SPDXJSONExample-v2.3: the 4 packages only (files, snippets, relationships skipped), an organization originator over the supplier", async () => {
    const { observations, issues } = await read("SPDXJSONExample-v2.3.spdx.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.source.pointer]),
      [
        ["glibc", "/packages/0"],
        ["Apache Commons Lang", "/packages/1"],
        ["Jena", "/packages/2"],
        ["Saxon", "/packages/3"],
      ],
    );
    const glibc = byName(observations, "glibc");
    assert.equal(glibc.vendor, "ExampleCodeInspect"); // Organization: ExampleCodeInspect made it; Person: Jane Doe supplies it
    assert.equal(glibc.version, "2.11.1");
    assert.equal(glibc.path, "glibc-2.11.1.tar.gz");
    assert.equal(glibc.ids?.cpe, "cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*");
    assert.equal(glibc.ids?.sha256, "11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd");
    assert.equal(byName(observations, "Jena").ids?.purl, "pkg:maven/org.apache.jena/apache-jena@3.12.0");
    assert.deepEqual(byName(observations, "Apache Commons Lang"), {
      kind: "component",
      name: "Apache Commons Lang",
      source: { file: data("SPDXJSONExample-v2.3.spdx.json"), record: 2, pointer: "/packages/1", document: "http://spdx.org/spdxdocs/spdx-example-444504E0-4F89-41D3-9A0C-0305E82C3301" },
    });
  });

  it("ACME-v2.3: supplier and originator, npm purl", async () => {
    const { observations, issues } = await read("ACME-v2.3.spdx.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 4);
    const acme = byName(observations, "Acme Applcation");
    assert.equal(acme.vendor, "ExampleCodeInspect"); // originator "Organization: ExampleCodeInspect" (who made it) before supplier "Person: Jane Doe (...)"
    assert.equal(acme.path, "acme-v1.3.tar.gz");
    assert.equal(byName(observations, "elliptic").ids?.purl, "pkg:npm/elliptic@6.5.2");
    // pkg:alpine is not a purl type (apk is), so it stays a component
    assert.equal(byName(observations, "OpenSSL").kind, "component");
  });

  it("syft golden: NOASSERTION supplier means no vendor; deb purl makes a package; cpe23Type read", async () => {
    const { observations, issues } = await read("syft-TestSPDXJSONImageEncoder.golden.spdx.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.vendor]), [
      ["component", "package-1", undefined],
      ["package", "package-2", undefined],
      ["component", "user-image-input", undefined],
    ]);
    assert.deepEqual(byName(observations, "package-2").ids, { purl: "pkg:deb/debian/package-2@2.0.1", cpe: "cpe:2.3:*:some:package:2:*:*:*:*:*:*:*" });
  });

  it("trivy centos-7 (2.2): rpm purls make packages", async () => {
    const { observations, issues } = await read("centos-7-spdx.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.version]), [
      ["component", "integration/testdata/fixtures/images/centos-7.tar.gz", undefined],
      ["component", "centos", "7.6.1810"],
      ["package", "bash", "4.2.46"],
      ["package", "openssl-libs", "1:1.0.2k-19.el7"],
    ]);
    assert.equal(byName(observations, "bash").ids?.purl, "pkg:rpm/centos/bash@4.2.46-31.el7?arch=x86_64&distro=centos-7.6.1810");
  });

  it("appbomination (2.2): 7 packages, supplier actor without e-mail, packageFileName as path", async () => {
    const { observations, issues } = await read("appbomination.spdx.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 7);
    const app = byName(observations, "App-BOM-ination");
    assert.equal(app.vendor, "ACT Project");
    assert.equal(app.path, "App-BOM-ination-1.0.zip");
    assert.equal(byName(observations, "junit").ids?.purl, "pkg:maven/junit/junit@4.12");
    assert.deepEqual(observations.map((o) => o.source.pointer), Array.from({ length: 7 }, (_, i) => `/packages/${i}`));
  });

  it("SPDX 3.0 JSON-LD forced through this reader: an error naming the format, not a silent empty result", async () => {
    const { observations, issues } = await read("spdx3-package_sbom.json");
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.severity]), [["spdx/format", "error"]]);
    assert.match(issues[0]!.message, /SPDX 3\.0/);
  });
});

describe("sbom/spdx-json read: crafted files", () => {
  it("Kaspersky SPDX 2.3: every field mapped; files and relationships not emitted", async () => {
    const file = data("kaspersky-2.3.spdx.json");
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(issues, []);
    const at = (record: number, pointer: string) => ({ file, record, pointer, document: "https://sbom.example.com/spdxdocs/workstation-fleet-image-8c1e7d2a-5b0f-4a49-9d3c-7e2f1b6a0c44" });
    assert.deepEqual(observations, [
      {
        kind: "component",
        name: "Kaspersky Endpoint Security for Windows",
        vendor: "AO Kaspersky Lab",
        version: "12.5.0.538",
        path: "kes_win_12.5.0.538_full_en.exe",
        ids: {
          cpe: "cpe:2.3:a:kaspersky:endpoint_security:12.5.0.538:*:*:*:*:windows:*:*", // cpe23Type wins over cpe22Type
          swidTagId: "2df9de35-0aff-4a86-ace6-f7dddd1ade4c",
          sha256: "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
        },
        source: at(1, "/packages/0"),
      },
      // supplier NOASSERTION: vendor from the originator; PACKAGE_MANAGER spelling read
      { kind: "package", name: "kesl", vendor: "AO Kaspersky Lab", version: "12.1.0.1297", ids: { purl: "pkg:deb/kaspersky/kesl@12.1.0.1297?arch=amd64" }, source: at(2, "/packages/1") },
      // versionInfo NOASSERTION: no version; cpe22Type used when there is no cpe23Type
      { kind: "component", name: "openssl", vendor: "Jane Doe", ids: { purl: "pkg:generic/openssl@3.0.13", cpe: "cpe:/a:openssl:openssl:3.0.13" }, source: at(3, "/packages/2") },
      { kind: "file", name: "kavsdk.dll", vendor: "Kaspersky Lab (Russia)", version: "8.9.4.0", source: at(4, "/packages/3") },
    ]);
  });

  it("bad records: a located issue each, the rest read and trimmed", async () => {
    const { observations, issues } = await read("bad-records.spdx.json");
    assert.deepEqual(issues.map((i) => [i.code, i.source.record, i.source.pointer]), [
      ["spdx/package", 2, "/packages/1"],
      ["spdx/package", 3, "/packages/2"],
      ["spdx/package", 4, "/packages/3"], // "NOASSERTION" is not a name
    ]);
    assert.match(issues[0]!.message, /expected a package object, got a number/);
    assert.match(issues[1]!.message, /no "name"/);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version, o.source.pointer]), [
      ["first-ok", undefined, "1.0", "/packages/0"],
      ["Kaspersky Anti-Virus", "Kaspersky Lab", "21.3", "/packages/4"],
    ]);
  });

  it("syntax error: json/syntax with a line number, packages before it kept, no format issue on top", async () => {
    const { observations, issues } = await read("syntax-error.spdx.json");
    assert.deepEqual(observations.map((o) => [o.name, o.vendor]), [["Kaspersky Security Center", "AO Kaspersky Lab"]]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, "json/syntax");
    assert.ok(Number.isInteger(issues[0]?.source.line) && issues[0]!.source.line! >= 1);
  });

  it("syntax error is located on the line of the unexpected token", async () => {
    const { issues } = await read("syntax-error.spdx.json");
    assert.equal(issues[0]?.source.line, 13);
  });

  it("empty file: one json/empty issue, nothing emitted", async () => {
    const { observations, issues } = await read("empty.spdx.json");
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["json/empty", 1]]);
  });
});

describe("sbom/spdx-json conformance", () => {
  it("every observation of every fixture is schema-valid, named, trimmed and located", async () => {
    const files = [
      "SPDXJSONExample-v2.3.spdx.json", "ACME-v2.3.spdx.json", "syft-TestSPDXJSONImageEncoder.golden.spdx.json",
      "centos-7-spdx.json", "appbomination.spdx.json", "kaspersky-2.3.spdx.json", "bad-records.spdx.json", "syntax-error.spdx.json",
    ];
    for (const f of files) {
      const { observations } = await read(f);
      assert.ok(observations.length > 0, f);
      for (const o of observations) {
        Observation.parse(o);
        assert.ok(o.name !== "" && o.name === o.name.trim(), `${f}: ${JSON.stringify(o.name)}`);
        for (const v of [o.vendor, o.version, o.path]) assert.ok(v === undefined || (v !== "" && v === v.trim() && v !== "NOASSERTION"), `${f}: ${JSON.stringify(v)}`);
        assert.equal(o.source.file, data(f));
        assert.ok(o.source.record !== undefined && o.source.pointer?.startsWith("/packages/"), `${f}: ${JSON.stringify(o.source)}`);
      }
    }
  });
});
