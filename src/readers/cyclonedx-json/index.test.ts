/**
 * @module
 * Tests for the `sbom/cyclonedx-json` reader: real public samples (see testdata/PROVENANCE.md)
 * for counts, nesting, services and vendor fields; crafted files for Kaspersky components, bad
 * records, truncation, an empty file and UTF-16. Expected counts were checked independently with
 * jq, e.g. `jq '[.components[] | recurse(.components[]?)] | length'`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cyclonedxJsonReader as reader } from "./index.js";
import { Observation } from "../../model/observation.js";
import { probeFile, readAll, repoPath, textProbe as probeText } from "../../testing/index.js";
import type { Probe } from "../types.js";

const data = (file: string): string => repoPath("src/readers/cyclonedx-json/testdata", file);
const read = (file: string) => readAll(reader, data(file));
const pointers = (obs: Observation[]) => obs.map((o) => o.source.pointer);
const byName = (obs: Observation[], name: string): Observation => {
  const o = obs.find((x) => x.name === name);
  assert.ok(o, `no observation named ${name}`);
  return o;
};
const textProbe = (text: string): Probe => probeText(text, "x.json");

describe("sbom/cyclonedx-json detect", () => {
  it("claims CycloneDX JSON of every version", () => {
    for (const f of ["valid-bom-1.6.json", "valid-assembly-1.7.json", "laravel-7.12.0.bom.1.4.json", "dropwizard-1.3.15.bom.json", "kaspersky-1.5.cdx.json", "utf16le-bom.cdx.json"]) {
      assert.equal(reader.detect(probeFile(data(f))), 0.95, f);
    }
  });

  it("scores a document whose bomFormat lies beyond the probe by its $schema, lower", () => {
    const score = reader.detect(textProbe('{ "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json", "metadata": {'));
    assert.ok(score >= 0.5 && score < 0.95, String(score));
  });

  it("does not claim SPDX (2 or 3), CSV, CycloneDX XML, the CycloneDX JSON Schema or an empty file", () => {
    const spdx = (f: string) => repoPath("src/readers/spdx-json/testdata", f);
    assert.ok(reader.detect(probeFile(spdx("SPDXJSONExample-v2.3.spdx.json"))) < 0.5);
    assert.ok(reader.detect(probeFile(spdx("spdx3-package_sbom.json"))) < 0.5);
    assert.equal(reader.detect(probeFile(data("inventory.csv"))), 0);
    assert.equal(reader.detect(probeFile(data("empty.cdx.json"))), 0);
    assert.equal(reader.detect(textProbe('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>')), 0);
    assert.equal(reader.detect(textProbe('{"$schema": "http://json-schema.org/draft-07/schema#", "$id": "http://cyclonedx.org/schema/bom-1.6.schema.json", "properties": {"bomFormat": {"enum": ["CycloneDX"]}}}')), 0);
  });
});

describe("sbom/cyclonedx-json read: real samples", () => {
  it("valid-bom-1.6: metadata.component and 3 components, vendor from manufacturer, publisher, author", async () => {
    const { observations, issues } = await read("valid-bom-1.6.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(pointers(observations), ["/metadata/component", "/components/0", "/components/1", "/components/2"]);
    const [app, tomcat, mylib, framework] = observations;
    // metadata.supplier describes the metadata component and is an organisation: it beats the component's free-text author
    assert.equal(app?.vendor, "Acme, Inc.");
    assert.equal(app?.ids?.swidTagId, "swidgen-242eb18a-503e-ca37-393b-cf156ef09691_9.1.1");
    assert.equal(tomcat?.vendor, "Acme Inc"); // publisher before author
    assert.equal(tomcat?.ids?.purl, "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar");
    assert.equal(tomcat?.ids?.sha256, "f498a8ff2dd007e29c2074f5e4b01a9a01775c3ff3aeaf6906ea503bc5791b7b");
    assert.equal(mylib?.vendor, "Example-2, Inc."); // manufacturer (who made it) before supplier (Example, Inc.) and authors
    assert.equal(mylib?.ids?.cpe, "cpe:/a:example:myapplication:1.0.0");
    assert.equal(framework?.vendor, "Example Super Heros"); // author before group
    assert.ok(observations.every((o) => o.kind === "component"));
  });

  it("valid-assembly-1.7: nested components and nested services, with their pointers", async () => {
    const { observations, issues } = await read("valid-assembly-1.7.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.version, o.source.pointer]),
      [
        ["acme-library-a", "1.0.0", "/components/0"],
        ["acme-library-b", "2.0.0", "/components/0/components/0"],
        ["acme-service-a", undefined, "/services/0"],
        ["acme-service-b", undefined, "/services/0/services/0"],
      ],
    );
    // a nested component keeps the record of the top-level value it arrived in
    assert.equal(observations[1]?.source.record, observations[0]?.source.record);
  });

  it("valid-component-identifiers-1.6: purl and cpe; group only as the vendor fallback", async () => {
    const { observations } = await read("valid-component-identifiers-1.6.json");
    assert.equal(observations.length, 1);
    assert.deepEqual(observations[0], {
      kind: "component",
      name: "acme-library",
      vendor: "com.example",
      version: "1.0.0",
      ids: { purl: "pkg:maven/com.example/acme-library@1.0.0", cpe: "cpe:2.3:a:example:acme-library:1.0.0:*:*:*:*:*:*:*" },
      source: { file: data("valid-component-identifiers-1.6.json"), record: 1, pointer: "/components/0", document: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" },
    });
  });

  it("syft golden (1.7): path from syft:location:0:path, deb purl makes a package, odd purls kept verbatim", async () => {
    const { observations, issues } = await read("syft-cyclonedxjson-TestCycloneDxImageEncoder.golden.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name]), [
      ["component", "user-image-input"],
      ["component", "package-1"],
      ["package", "package-2"],
      ["component", "debian"],
    ]);
    assert.equal(byName(observations, "package-1").path, "/somefile-1.txt");
    assert.equal(byName(observations, "package-1").ids?.purl, "a-purl-1");
    assert.equal(byName(observations, "package-2").ids?.purl, "pkg:deb/debian/package-2@2.0.1");
    assert.equal(byName(observations, "package-2").ids?.cpe, "cpe:2.3:*:some:package:2:*:*:*:*:*:*:*");
    assert.equal(byName(observations, "debian").ids?.swidTagId, "debian");
  });

  it("laravel 1.4: metadata.component plus all 62 composer components", async () => {
    const { observations, issues } = await read("laravel-7.12.0.bom.1.4.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 63);
    assert.deepEqual(pointers(observations), ["/metadata/component", ...Array.from({ length: 62 }, (_, i) => `/components/${i}`)]);
    assert.ok(observations.every((o) => o.kind === "component" && o.ids?.purl?.startsWith("pkg:composer/")));
    assert.equal(observations[0]?.vendor, "Jan Kowalleck");
    assert.equal(byName(observations, "stack-cors").vendor, "Alexander"); // author
    assert.equal(byName(observations, "math").vendor, "brick"); // no author: the composer vendor (group)
  });

  it("dropwizard 1.2 (388 KB, many chunks): 1 + 167 components in order, publisher as vendor", async () => {
    const { observations, issues } = await read("dropwizard-1.3.15.bom.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 168);
    assert.deepEqual(pointers(observations).slice(1), Array.from({ length: 167 }, (_, i) => `/components/${i}`));
    const records = observations.map((o) => o.source.record ?? 0);
    assert.ok(records.every((r, i) => i === 0 || r > records[i - 1]!), "records increase");
    const jackson = byName(observations, "jackson-annotations");
    assert.equal(jackson.vendor, "FasterXML");
    assert.equal(jackson.ids?.purl, "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.9.10?type=jar");
    assert.equal(observations.filter((o) => o.vendor === "FasterXML").length, 14);
  });

  it("SaaSBOM: 6 nested services (provider, else group, as vendor) and one domain per endpoint host", async () => {
    const { observations, issues } = await read("saasbom-apigateway.bom.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 13);
    const services = observations.filter((o) => o.kind === "component" && o.source.pointer !== "/metadata/component");
    assert.deepEqual(services.map((o) => o.name), ["API Gateway", "Microservice 1", "Microservice 2", "Microservice 3", "Postgres", "S3"]);
    assert.equal(byName(observations, "API Gateway").vendor, "Acme Inc");
    assert.equal(byName(observations, "Postgres").vendor, "org.postgresql");
    const domains = observations.filter((o) => o.kind === "domain");
    // "https://example.com/" and "https://example.com/app" are one host; the port goes
    assert.deepEqual(domains.map((o) => [o.name, o.source.pointer]), [
      ["example.com", "/services/0/endpoints/0"],
      ["ms-1.example.com", "/services/0/services/0/endpoints/0"],
      ["ms-2.example.com", "/services/0/services/1/endpoints/0"],
      ["ms-3.example.com", "/services/0/services/2/endpoints/0"],
      ["ms-1-pgsql.example.com", "/services/0/services/3/endpoints/0"],
      ["s3-example.amazon.com", "/services/0/services/4/endpoints/0"],
    ]);
  });
});

describe("sbom/cyclonedx-json read: crafted files", () => {
  it("Kaspersky SBOM (1.5): every field mapped, nesting followed, services and endpoints", async () => {
    const file = data("kaspersky-1.5.cdx.json");
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(issues, []);
    const at = (record: number | undefined, pointer: string) => ({ file, record, pointer, document: "urn:uuid:6f1d2a3c-4b5e-4f60-8a71-92b3c4d5e6f7" });
    assert.deepEqual(observations, [
      { kind: "component", name: "corp-linux-workstation", vendor: "Example Corp IT", version: "2025.03", source: at(undefined, "/metadata/component") },
      {
        kind: "package",
        name: "Kaspersky Endpoint Security for Linux",
        vendor: "AO Kaspersky Lab",
        version: "12.1.0.1297",
        path: "/opt/kaspersky/kesl/bin/kesl",
        ids: {
          purl: "pkg:deb/kaspersky/kesl@12.1.0.1297?arch=amd64",
          cpe: "cpe:2.3:a:kaspersky:kaspersky_endpoint_security:12.1.0.1297:*:*:*:*:linux:*:*",
          sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        },
        source: at(1, "/components/0"),
      },
      { kind: "package", name: "kesl-gui", vendor: "com.kaspersky", version: "12.1.0.1297", ids: { purl: "pkg:deb/kaspersky/kesl-gui@12.1.0.1297?arch=amd64" }, source: at(1, "/components/0/components/0") },
      { kind: "file", name: "kesl-gui.desktop", path: "/usr/share/applications/kesl-gui.desktop", source: at(1, "/components/0/components/0/components/0") },
      { kind: "package", name: "klnagent64", vendor: "Kaspersky", version: "14.2.0-35148", path: "/var/lib/rpm/rpmdb.sqlite", ids: { purl: "pkg:rpm/kaspersky/klnagent64@14.2.0-35148?arch=x86_64" }, source: at(2, "/components/1") },
      { kind: "component", name: "inventory-agent", vendor: "Example Build Team", version: "2.4.1", ids: { purl: "pkg:npm/%40example/inventory-agent@2.4.1" }, source: at(3, "/components/2") },
      { kind: "component", name: "openssl", vendor: "org.openssl", version: "3.0.13", ids: { purl: "pkg:generic/openssl@3.0.13" }, source: at(4, "/components/3") },
      { kind: "component", name: "Kaspersky Security Network", vendor: "AO Kaspersky Lab", source: at(1, "/services/0") },
      { kind: "domain", name: "ksn-a-stat-geo.kaspersky-labs.com", vendor: "AO Kaspersky Lab", source: at(1, "/services/0/endpoints/0") },
      { kind: "domain", name: "dnl-01.geo.kaspersky.com", vendor: "AO Kaspersky Lab", source: at(1, "/services/0/endpoints/2") },
    ]);
  });

  it("bad records: a located issue each, the rest read, names and strings trimmed", async () => {
    const { observations, issues } = await read("bad-records.cdx.json");
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.pointer]),
      [
        ["cyclonedx/component", "error", "/components/1"],
        ["cyclonedx/component", "error", "/components/2"],
        ["cyclonedx/component", "error", "/components/3"],
        ["cyclonedx/endpoint", "warning", "/services/0/endpoints/1"],
        ["cyclonedx/endpoint", "warning", "/services/0/endpoints/2"],
        ["cyclonedx/service", "error", "/services/1"],
        ["cyclonedx/service", "error", "/services/2"],
      ],
    );
    assert.match(issues[0]!.message, /expected a component object, got a string/);
    assert.match(issues[1]!.message, /no "name"/);
    assert.match(issues[2]!.message, /got null/);
    for (const i of issues) assert.equal(i.source.file, data("bad-records.cdx.json"));
    assert.deepEqual(
      observations.map((o) => [o.kind, o.name, o.source.pointer]),
      [
        ["component", "first-ok", "/components/0"],
        ["component", "Kaspersky Free", "/components/2/components/0"], // parent had no name; its child is still read
        ["component", "last-ok", "/components/4"],
        ["component", "telemetry", "/services/0"],
        ["domain", "telemetry.example.net", "/services/0/endpoints/0"], // :8443 is the same host
        ["domain", "orphan.example.org", "/services/1/endpoints/0"],
      ],
    );
    const free = byName(observations, "Kaspersky Free");
    assert.equal(free.version, "21.3.10.391");
    assert.equal(free.vendor, "AO Kaspersky Lab");
  });

  it("truncated mid-array: json/truncated with a line number, components before the cut kept", async () => {
    const { observations, issues } = await read("truncated.cdx.json");
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Security Center Network Agent", "zlib"]);
    assert.equal(observations[0]?.vendor, "AO Kaspersky Lab");
    assert.equal(issues.length, 1, "no format issue on top of the JSON issue");
    assert.equal(issues[0]?.code, "json/truncated");
    assert.equal(issues[0]?.source.line, 22);
    assert.equal(issues[0]?.source.file, data("truncated.cdx.json"));
  });

  it("truncated inside a string: still an issue with a line, components before the cut kept", async () => {
    const { observations, issues } = await read("truncated-mid-string.cdx.json");
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Security Center Network Agent", "zlib"]);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.code, /^json\//);
    assert.equal(issues[0]?.source.line, 22);
  });

  it("truncated inside a string is classed json/truncated", async () => {
    const { issues } = await read("truncated-mid-string.cdx.json");
    assert.equal(issues[0]?.code, "json/truncated");
  });

  it("empty file: one json/empty issue, nothing emitted", async () => {
    const { observations, issues } = await read("empty.cdx.json");
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["json/empty", 1]]);
  });

  it("UTF-16LE with BOM and CRLF", async () => {
    const { observations, issues } = await read("utf16le-bom.cdx.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version]), [["Kaspersky Security Cloud", "AO Kaspersky Lab", "21.3.10.391"]]);
  });

  it("a JSON document that is not CycloneDX (reader forced on SPDX): an error, not a silent empty result", async () => {
    const { observations, issues } = await readAll(reader, repoPath("src/readers/spdx-json/testdata/ACME-v2.3.spdx.json"));
    assert.deepEqual(observations, []);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, "cyclonedx/format");
    assert.equal(issues[0]?.severity, "error");
    assert.match(issues[0]!.message, /bomFormat/);
  });
});

describe("sbom/cyclonedx-json conformance", () => {
  it("every observation of every fixture is schema-valid, named, trimmed and located", async () => {
    const files = [
      "valid-bom-1.6.json", "valid-assembly-1.7.json", "valid-component-identifiers-1.6.json",
      "syft-cyclonedxjson-TestCycloneDxImageEncoder.golden.json", "laravel-7.12.0.bom.1.4.json", "saasbom-apigateway.bom.json",
      "dropwizard-1.3.15.bom.json", "kaspersky-1.5.cdx.json", "bad-records.cdx.json", "truncated.cdx.json", "utf16le-bom.cdx.json",
    ];
    for (const f of files) {
      const { observations } = await read(f);
      assert.ok(observations.length > 0, f);
      for (const o of observations) {
        Observation.parse(o);
        assert.ok(o.name !== "" && o.name === o.name.trim(), `${f}: ${JSON.stringify(o.name)}`);
        for (const v of [o.vendor, o.version, o.path]) assert.ok(v === undefined || (v !== "" && v === v.trim()), `${f}: ${JSON.stringify(v)}`);
        assert.equal(o.source.file, data(f));
        assert.ok(o.source.pointer?.startsWith("/") && (o.source.record !== undefined || o.source.pointer.startsWith("/metadata/")), `${f}: ${JSON.stringify(o.source)}`);
      }
    }
  });
});
