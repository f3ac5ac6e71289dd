/**
 * @module
 * Tests for the `sbom/cyclonedx-xml` reader: real public samples (testdata/PROVENANCE.md) read
 * alike in XML and JSON, counts and vendor fields of the spec's and tools' files; crafted files
 * for Kaspersky components, bad records, malformed, truncated and hostile XML, an empty file,
 * UTF-16 with a namespace prefix, and streaming (the first component arrives before the rest of
 * the input exists). Expected values were read off the files (xmllint --xpath, grep -c).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { cyclonedxXmlReader as reader } from "./index.js";
import { cyclonedxJsonReader } from "../cyclonedx-json/index.js";
import { detectReader } from "../detect.js";
import type { Observation } from "../../model/observation.js";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { tempDir } from "../../testing/temp.js";

const data = (file: string): string => repoPath("src/readers/cyclonedx-xml/testdata", file);
const json = (file: string): string => repoPath("src/readers/cyclonedx-json/testdata", file);
const read = (file: string) => readAll(reader, data(file));
const withoutSource = (o: Observation) => {
  const { source: _, ...rest } = o;
  return JSON.stringify(rest);
};

describe("sbom/cyclonedx-xml detect", () => {
  it("claims CycloneDX XML of 1.2 to 1.7, with or without a prefix, UTF-8 or UTF-16", () => {
    for (const f of [
      "dropwizard-1.3.15.bom.xml", "valid-bom-1.4.xml", "valid-bom-1.5.xml", "valid-bom-1.6.xml", "valid-bom-1.7.xml",
      "laravel-7.12.0.bom.1.4.xml", "jt-sbom.xml", "syft-cyclonedxxml-TestCycloneDxImageEncoder.golden.xml",
      "valid-assembly-1.7.xml", "kaspersky-1.6.cdx.xml", "prefixed-utf16le.cdx.xml", "truncated.cdx.xml",
    ]) {
      const probe = probeFile(data(f));
      assert.equal(reader.detect(probe), 0.95, f);
      assert.equal(detectReader(probe)?.name, "sbom/cyclonedx-xml", f);
    }
  });

  it("does not claim CycloneDX JSON, other XML, SPDX, CSV or an empty file", () => {
    assert.equal(reader.detect(probeFile(json("valid-bom-1.6.json"))), 0);
    assert.equal(reader.detect(probeFile(json("inventory.csv"))), 0);
    assert.equal(reader.detect(probeFile(data("empty.cdx.xml"))), 0);
    assert.equal(reader.detect(textProbe('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:spdx="http://spdx.org/rdf/terms#">')), 0);
    assert.equal(reader.detect(textProbe('<?xml version="1.0"?><bom><components/></bom>')), 0, "no CycloneDX namespace");
    assert.equal(reader.detect(textProbe('<plist version="1.0"><dict><key>bom</key></dict></plist>')), 0);
  });
});

describe("sbom/cyclonedx-xml read: real samples", () => {
  it("reads the same observations from the XML and the JSON of the same BOM", async () => {
    const pairs: [string, string][] = [
      ["valid-bom-1.6.xml", json("valid-bom-1.6.json")],
      ["valid-assembly-1.7.xml", json("valid-assembly-1.7.json")],
      ["valid-component-identifiers-1.6.xml", json("valid-component-identifiers-1.6.json")],
      ["syft-cyclonedxxml-TestCycloneDxImageEncoder.golden.xml", json("syft-cyclonedxjson-TestCycloneDxImageEncoder.golden.json")],
      ["laravel-7.12.0.bom.1.4.xml", json("laravel-7.12.0.bom.1.4.json")],
      ["dropwizard-1.3.15.bom.xml", json("dropwizard-1.3.15.bom.json")],
      ["jt-sbom.xml", repoPath("test/fixtures/real/jt-sbom.json")],
    ];
    for (const [xml, other] of pairs) {
      const x = await read(xml);
      const j = await readAll(cyclonedxJsonReader, other);
      assert.deepEqual(x.issues, [], xml);
      assert.ok(x.observations.length > 0, xml);
      assert.deepEqual(x.observations.map(withoutSource).sort(), j.observations.map(withoutSource).sort(), xml);
    }
  });

  it("valid-bom-1.4: metadata component first (vendor from metadata/supplier), components located by line and position", async () => {
    const { observations, issues } = await read("valid-bom-1.4.xml");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.source.line, o.source.pointer]),
      [
        ["Acme Application", "Acme, Inc.", 23, "/bom/metadata/component"],
        ["tomcat-catalina", "Acme Inc", 49, "/bom/components/component[1]"],
        ["mylibrary", "Example Inc.", 108, "/bom/components/component[2]"],
        ["myframework", "Example Super Heros", 151, "/bom/components/component[3]"],
      ],
    );
    assert.equal(observations[1]?.ids?.sha256, "f498a8ff2dd007e29c2074f5e4b01a9a01775c3ff3aeaf6906ea503bc5791b7b");
    assert.equal(observations[2]?.ids?.cpe, "cpe:/a:example:myapplication:1.0.0");
    assert.equal(observations[0]?.ids?.swidTagId, "swidgen-242eb18a-503e-ca37-393b-cf156ef09691_9.1.1");
  });

  it("valid-assembly-1.4: nested components and services come before their parents, with nested pointers", async () => {
    const { observations } = await read("valid-assembly-1.4.xml");
    assert.deepEqual(
      observations.map((o) => [o.name, o.source.pointer]),
      [
        ["acme-library-b", "/bom/components/component[1]/components/component[1]"],
        ["acme-library-a", "/bom/components/component[1]"],
        ["acme-service-b", "/bom/services/service[1]/services/service[1]"],
        ["acme-service-a", "/bom/services/service[1]"],
      ],
    );
  });

  it("valid-component-swid-full-1.6: swid tagId, author as vendor; the base64 SWID text is not kept", async () => {
    const { observations } = await read("valid-component-swid-full-1.6.xml");
    assert.deepEqual(observations.map(withoutSource), [
      JSON.stringify({ kind: "component", name: "Acme Application", vendor: "Acme Super Heros", version: "9.1.1", ids: { swidTagId: "swidgen-242eb18a-503e-ca37-393b-cf156ef09691_9.1.1" } }),
    ]);
  });

  it("metadata-only samples (supplier 1.5, manufacturer 1.6, authors 1.7) hold no component: nothing, and no issue", async () => {
    for (const f of ["valid-metadata-supplier-1.5.xml", "valid-metadata-manufacturer-1.6.xml", "valid-metadata-author-1.7.xml"]) {
      assert.deepEqual(await read(f), { observations: [], issues: [] }, f);
    }
  });

  it("dropwizard 1.2 (412 KB): 1 + 167 components, publisher as vendor; syft's metadata/tools component is not inventory", async () => {
    const { observations } = await read("dropwizard-1.3.15.bom.xml");
    assert.equal(observations.length, 168);
    assert.equal(observations.filter((o) => o.vendor === "FasterXML").length, 14);
    const syft = await read("syft-cyclonedxxml-TestCycloneDxImageEncoder.golden.xml");
    assert.ok(!syft.observations.some((o) => o.name === "syft"));
    assert.equal(syft.observations.find((o) => o.name === "package-1")?.path, "/somefile-1.txt");
    assert.equal(syft.observations.find((o) => o.name === "package-2")?.kind, "package"); // pkg:deb
  });
});

describe("sbom/cyclonedx-xml read: crafted files", () => {
  it("Kaspersky BOM (1.6): every field mapped; tools, pedigree and foreign-namespace elements ignored", async () => {
    const file = data("kaspersky-1.6.cdx.xml");
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(issues, []);
    const at = (line: number, pointer: string) => ({ file, line, pointer, document: "urn:uuid:6d6e0e58-6a8c-4a1c-9c3e-2f6bd7a4c001" });
    assert.deepEqual(observations, [
      // metadata/manufacturer (1.6) follows the component and names it
      { kind: "component", name: "corp-linux-workstation", vendor: "Example Corp IT", version: "2025.03", source: at(15, "/bom/metadata/component") },
      { kind: "file", name: "kesl-gui.desktop", path: "/usr/share/applications/kesl-gui.desktop", source: at(66, "/bom/components/component[1]/components/component[1]/components/component[1]") },
      { kind: "package", name: "kesl-gui", vendor: "com.kaspersky", version: "12.1.0.1297", ids: { purl: "pkg:deb/kaspersky/kesl-gui@12.1.0.1297?arch=amd64" }, source: at(60, "/bom/components/component[1]/components/component[1]") },
      {
        kind: "package",
        name: "Kaspersky Endpoint Security for Linux",
        vendor: "AO Kaspersky Lab", // supplier before publisher and group
        version: "12.1.0.1297",
        path: "/opt/kaspersky/kesl/bin/kesl", // evidence (after the nested components) before syft's property
        ids: {
          purl: "pkg:deb/kaspersky/kesl@12.1.0.1297?arch=amd64",
          cpe: "cpe:2.3:a:kaspersky:kaspersky_endpoint_security:12.1.0.1297:*:*:*:*:linux:*:*",
          sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // SHA-256, not SHA-1; lower case
        },
        source: at(25, "/bom/components/component[1]"),
      },
      { kind: "package", name: "klnagent64", vendor: "Kaspersky", version: "14.2.0-35148", path: "/var/lib/rpm/rpmdb.sqlite", ids: { purl: "pkg:rpm/kaspersky/klnagent64@14.2.0-35148?arch=x86_64" }, source: at(84, "/bom/components/component[2]") },
      {
        kind: "component",
        name: "Kaspersky Anti-Virus",
        vendor: "Kaspersky Lab", // authors/author/name (1.6)
        version: "21.3.10.391",
        ids: { cpe: "cpe:2.3:a:kaspersky:kaspersky_anti-virus:21.3.10.391:*:*:*:*:*:*:*", swidTagId: "kaspersky.com-kav-21.3" },
        source: at(96, "/bom/components/component[3]"),
      },
      { kind: "component", name: "openssl", vendor: "org.openssl", version: "3.0.13", ids: { purl: "pkg:generic/openssl@3.0.13" }, source: at(105, "/bom/components/component[4]") },
      { kind: "component", name: "Kaspersky Security Network", vendor: "AO Kaspersky Lab", source: at(113, "/bom/services/service[1]") },
      { kind: "domain", name: "ksn-a-stat-geo.kaspersky-labs.com", vendor: "AO Kaspersky Lab", source: at(119, "/bom/services/service[1]/endpoints/endpoint[1]") },
      { kind: "domain", name: "dnl-01.geo.kaspersky.com", vendor: "AO Kaspersky Lab", source: at(121, "/bom/services/service[1]/endpoints/endpoint[3]") },
    ]);
  });

  it("bad records: a located issue each, the rest read, names trimmed", async () => {
    const { observations, issues } = await read("bad-records.cdx.xml");
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line, i.source.pointer]),
      [
        ["cyclonedx/component", "error", 9, "/bom/components/component[2]"],
        ["cyclonedx/component", "error", 19, "/bom/components/component[3]"],
        ["cyclonedx/endpoint", "warning", 31, "/bom/services/service[1]/endpoints/endpoint[2]"],
        ["cyclonedx/service", "error", 35, "/bom/services/service[2]"],
      ],
    );
    assert.match(issues[2]!.message, /got an empty string/);
    for (const i of issues) assert.equal(i.source.file, data("bad-records.cdx.xml"));
    assert.deepEqual(
      observations.map((o) => [o.kind, o.name, o.version]),
      [
        ["component", "first-ok", "1.0"],
        ["component", "Kaspersky Free", "21.3.10.391"], // its parent has no name; it is still read
        ["component", "last-ok", undefined],
        ["component", "telemetry", undefined],
        ["domain", "telemetry.example.net", undefined], // :8443 is the same host
        ["domain", "orphan.example.org", undefined],
      ],
    );
  });

  it("malformed XML: xml/syntax on its line; the components before it are kept, nothing after", async () => {
    const { observations, issues } = await read("malformed.cdx.xml");
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Security Center Network Agent", "zlib"]);
    assert.deepEqual(issues.map((i) => [i.code, i.severity ?? "error", i.source.file, i.source.line]), [["xml/syntax", "error", data("malformed.cdx.xml"), 11]]);
    assert.match(issues[0]!.message, /expected a CycloneDX XML document: unexpected close tag \(line 11, column \d+\); 2 value\(s\) before this point were read, the rest of the file was not/);
  });

  it("truncated: xml/truncated at the end; the component being read when the file ends is kept with what was read", async () => {
    const { observations, issues } = await read("truncated.cdx.xml");
    assert.deepEqual(issues.map((i) => i.code), ["xml/truncated"]);
    assert.match(issues[0]!.message, /unclosed tag: component/);
    const last = observations[observations.length - 1]!;
    assert.deepEqual([last.name, last.vendor, last.version, last.source.pointer], ["Kaspersky Anti-Virus", "Kaspersky Lab", undefined, "/bom/components/component[3]"]);
    assert.equal(observations.length, 6);
  });

  it("entities declared in a DTD are never expanded (no billion laughs, no file read): a syntax error", async () => {
    const { observations, issues } = await read("entity.cdx.xml");
    assert.deepEqual(observations.map((o) => o.name), ["before-the-entity"]);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["xml/syntax", 13]]);
    assert.match(issues[0]!.message, /undefined entity/);
  });

  it("empty file: one xml/empty issue", async () => {
    assert.deepEqual(await read("empty.cdx.xml"), {
      observations: [],
      issues: [{ code: "xml/empty", message: "empty file, expected a CycloneDX XML document", source: { file: data("empty.cdx.xml"), line: 1 } }],
    });
  });

  it("UTF-16LE with BOM, CRLF, a namespace prefix and Cyrillic names", async () => {
    const { observations, issues } = await read("prefixed-utf16le.cdx.xml");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version, o.source.line]), [["Антивирус Касперского", "Лаборатория Касперского", "21.3.10.391", 4]]);
  });

  it("XML that is not a CycloneDX BOM (reader forced): cyclonedx/format, nothing read", async () => {
    const dir = tempDir("ictsguard-cdx-xml-");
    const file = join(dir, "other.xml");
    writeFileSync(file, '<?xml version="1.0"?>\n<Document xmlns="http://spdx.org/spdxdocs"><name>Kaspersky Anti-Virus</name></Document>\n');
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.severity ?? "error", i.source.file]), [["cyclonedx/format", "error", file]]);
    assert.match(issues[0]!.message, /root element is <Document> in namespace "http:\/\/spdx.org\/spdxdocs", expected <bom xmlns=/);
  });

  it("a document that is not XML at all (reader forced on JSON): xml/syntax on the line it starts, nothing read", async () => {
    const { observations, issues } = await readAll(reader, json("valid-bom-1.6.json"));
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["xml/syntax", 1]]);
    assert.match(issues[0]!.message, /not XML, expected a CycloneDX XML document: the document starts with "\{"/);
  });

  it("streams: the first component is yielded before the rest of the document has arrived", async () => {
    const stream = new PassThrough();
    const issues: ReportableIssue[] = [];
    const it = reader.read({ path: "live.xml", stream, encoding: "utf-8" }, { report: (i) => issues.push(i) })[Symbol.asyncIterator]();
    stream.write('<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="application"><name>Kaspersky Total Security</name></component>');
    const first = await it.next();
    assert.equal((first.value as Observation).name, "Kaspersky Total Security");
    stream.end("<component><name>later</name></component></components></bom>");
    const rest: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.name);
    assert.deepEqual(rest, ["later"]);
    assert.deepEqual(issues, []);
  });
});
