/**
 * @module
 * Tests for the `sbom/spdx3-jsonld` reader: the SPDX 3.0 examples of spdx-spec and spdx-examples
 * (testdata/PROVENANCE.md; package counts and suppliers checked with
 * `jq '[."@graph"[] | select(.type=="software_Package")] | length'`), crafted files for Kaspersky
 * packages whose agents come after them, inline agents and IRI type names, bad elements,
 * truncation, an empty file, SPDX 2 JSON forced through it, and the memory bounds.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createSpdx3JsonLdReader, spdx3JsonLdReader as reader } from "./index.js";
import { spdxJsonReader } from "../spdx-json/index.js";
import { detectReader } from "../detect.js";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import { tempDir } from "../../testing/temp.js";

const data = (file: string): string => repoPath("src/readers/spdx3-jsonld/testdata", file);
const spdx2 = (file: string): string => repoPath("src/readers/spdx-json/testdata", file);
const read = (file: string) => readAll(reader, data(file));

describe("sbom/spdx3-jsonld detect", () => {
  it("claims SPDX 3.0 JSON-LD; the SPDX 2 JSON reader does not, and this one does not claim SPDX 2", () => {
    for (const f of [data("example11-sbom.spdx3.json"), data("appbomination.spdx3.json"), data("kaspersky.spdx3.json"), spdx2("spdx3-package_sbom.json")]) {
      const probe = probeFile(f);
      assert.equal(reader.detect(probe), 0.95, f);
      assert.equal(spdxJsonReader.detect(probe), 0, f);
      assert.equal(detectReader(probe)?.name, "sbom/spdx3-jsonld", f);
    }
    for (const f of ["SPDXJSONExample-v2.3.spdx.json", "ACME-v2.3.spdx.json", "appbomination.spdx.json"]) {
      assert.equal(reader.detect(probeFile(spdx2(f))), 0, f);
    }
  });

  it("an @graph of SPDX 3 types without @context in the head scores lower; other JSON-LD and non-JSON score 0", () => {
    const weaker = reader.detect(textProbe('{"@graph": [{"type": "CreationInfo", "@id": "_:c"}, {"type": "software_Package", "name": "x"}'));
    assert.ok(weaker >= 0.5 && weaker < 0.95, String(weaker));
    assert.equal(reader.detect(textProbe('{"@context": "https://schema.org", "@graph": [{"@type": "Person"}]}')), 0);
    assert.equal(reader.detect(textProbe("SPDXVersion: SPDX-2.3\n")), 0);
    assert.equal(reader.detect(probeFile(data("empty.jsonld"))), 0);
  });
});

describe("sbom/spdx3-jsonld read: real samples", () => {
  it("example11 (Rust app): 4 packages with their purls; a deb purl makes a package", async () => {
    const { observations, issues } = await read("example11-sbom.spdx3.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.version, o.ids?.purl]), [
      ["package", "hello-server-src", "0.1.0", "pkg:deb/debian/libselinux1-dev@3.1-3?arch=s390x"],
      ["component", "hyper", "0.14", "pkg:cargo/hyper@0.14"],
      ["component", "tokio", "1.19.2", "pkg:cargo/tokio@1.19.2"],
      ["component", "pretty_env_logger", "0.4.0", "pkg:cargo/pretty_env_logger@0.4.0"],
    ]);
    assert.deepEqual(observations[0]?.source, { file: data("example11-sbom.spdx3.json"), record: 31, pointer: "/@graph/30" });
  });

  it("examplemaven: suppliedBy and originatedBy resolved to the agents' names", async () => {
    const { observations, issues } = await read("examplemaven-0.0.1-enriched.spdx3.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 6);
    // examplemaven: originatedBy the Organization "Linux Foundation" (who made it) before suppliedBy "SPDX"
    assert.deepEqual(observations.filter((o) => o.vendor).map((o) => [o.name, o.vendor]), [["examplemaven", "Linux Foundation"], ["JUnit", "JUnit"]]);
  });

  it("appbomination: 7 packages, the 15 software_File elements are not packages", async () => {
    const { observations, issues } = await read("appbomination.spdx3.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 7);
    assert.equal(observations.find((o) => o.name === "App-BOM-ination")?.vendor, "ACT Project");
  });

  it("spdx-spec package_sbom: the originator (a Person) names the package", async () => {
    const { observations } = await readAll(reader, spdx2("spdx3-package_sbom.json"));
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version]), [["my-package", "Joshua Watt", "1.0.0"]]);
  });
});

describe("sbom/spdx3-jsonld read: crafted files", () => {
  it("Kaspersky packages: agents defined after the packages are resolved; inline agents, IRI types, FILE purpose", async () => {
    const file = data("kaspersky.spdx3.json");
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(issues, []);
    const at = (i: number) => ({ file, record: i + 1, pointer: `/@graph/${i}` });
    const byName = Object.fromEntries(observations.map((o) => [o.name, o]));
    assert.deepEqual(byName["Kaspersky Endpoint Security for Linux"], {
      kind: "package",
      name: "Kaspersky Endpoint Security for Linux",
      vendor: "Kaspersky", // an Organization in originatedBy (who made it) before suppliedBy (AO Kaspersky Lab), both defined later in @graph
      version: "12.1.0.1297",
      ids: {
        purl: "pkg:deb/kaspersky/kesl@12.1.0.1297?arch=amd64",
        cpe: "cpe:2.3:a:kaspersky:kaspersky_endpoint_security:12.1.0.1297:*:*:*:*:linux:*:*",
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      },
      source: at(2),
    });
    assert.deepEqual(byName.klnagent64, { kind: "package", name: "klnagent64", vendor: "Kaspersky", version: "14.2.0-35148", ids: { purl: "pkg:rpm/kaspersky/klnagent64@14.2.0-35148?arch=x86_64" }, source: at(3) });
    assert.deepEqual(byName["Kaspersky Anti-Virus"], {
      kind: "component",
      name: "Kaspersky Anti-Virus",
      vendor: "Kaspersky Lab", // an embedded Organization
      version: "21.3.10.391",
      ids: { cpe: "cpe:/a:kaspersky:kaspersky_anti-virus:21.3.10.391", swidTagId: "kaspersky.com-kav-21.3" },
      source: at(4),
    });
    assert.deepEqual(byName["kesl.desktop"], { kind: "file", name: "kesl.desktop", vendor: "AO Kaspersky Lab", source: at(6) });
    // an agent from another document is never seen: the package is read without a vendor
    assert.deepEqual(byName.openssl, { kind: "component", name: "openssl", version: "3.0.13", ids: { purl: "pkg:generic/openssl@3.0.13" }, source: at(7) });
    assert.equal(observations.length, 5); // the software_File, relationships and agents are not packages
  });

  it("bad elements: a located issue each, the rest read", async () => {
    const { observations, issues } = await read("bad-records.spdx3.json");
    assert.deepEqual(issues.map((i) => [i.code, i.source.record, i.source.pointer]), [
      ["spdx3/element", 2, "/@graph/1"],
      ["spdx/package", 3, "/@graph/2"],
      ["spdx/package", 4, "/@graph/3"], // NOASSERTION is no name
      ["spdx3/element", 5, "/@graph/4"],
    ]);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version]), [
      ["first-ok", undefined, "1.0"],
      ["Kaspersky Free", "AO Kaspersky Lab", undefined],
      ["last-ok", undefined, undefined],
    ]);
  });

  it("truncated: json/truncated with a line; packages read before the cut are kept, without the agents that never came", async () => {
    const { observations, issues } = await read("truncated.spdx3.json");
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["json/truncated", 69]]);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor]).sort(), [
      ["Kaspersky Anti-Virus", "Kaspersky Lab"],
      ["Kaspersky Endpoint Security for Linux", undefined],
      ["klnagent64", undefined],
    ]);
  });

  it("empty file: json/empty", async () => {
    const { observations, issues } = await read("empty.jsonld");
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["json/empty", 1]]);
  });

  it("SPDX 2 JSON forced through this reader: spdx3/format naming the right reader", async () => {
    const { observations, issues } = await readAll(reader, spdx2("ACME-v2.3.spdx.json"));
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.severity]), [["spdx3/format", "error"]]);
    assert.match(issues[0]!.message, /no "@context".*sbom\/spdx-json/);
  });

  it("memory bounds: past maxWaiting, the oldest waiting package is read without its vendor, with one warning; nothing is lost", async () => {
    const dir = tempDir("ictsguard-spdx3-");
    const file = join(dir, "late-agents.spdx3.json");
    const packages = Array.from({ length: 10 }, (_, i) => ({ type: "software_Package", spdxId: `urn:p:${i}`, name: `pkg-${i}`, suppliedBy: "urn:a:late" }));
    const graph = [...packages, { type: "Organization", spdxId: "urn:a:late", name: "AO Kaspersky Lab" }];
    writeFileSync(file, JSON.stringify({ "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph }));
    const small = createSpdx3JsonLdReader({ maxAgents: 10, maxWaiting: 4 });
    const { observations, issues } = await readAll(small, file);
    assert.equal(observations.length, 10);
    assert.deepEqual(issues.map((i) => [i.code, i.severity]), [["spdx3/agents", "warning"]]);
    const withVendor = observations.filter((o) => o.vendor === "AO Kaspersky Lab").map((o) => o.name);
    assert.deepEqual(withVendor, ["pkg-6", "pkg-7", "pkg-8", "pkg-9"]); // the 4 still waiting when the agent came
  });
});

describe("sbom/spdx3-jsonld: AI and dataset packages are software packages too (issue 12)", () => {
  it("the SPDX examples' dataset_DatasetPackage is detected and read as an SBOM component, with version and hash", async () => {
    const file = data("dataset-example02.spdx3.json");
    assert.equal(detectReader(probeFile(file))?.name, "sbom/spdx3-jsonld");
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.kind, o.name, o.version, o.ids?.sha256]),
      [["component", "FaceExpress-50K", "1.2.0", "a7f3b92e1cd458f9026e3a4b57c8d1e0f2a9b4c6d8e0f1a2b3c4d5e6f7a8b9c0"]],
    );
  });

  it("an ai_AIPackage, by compact or full IRI type, is read like a software_Package; one without a name is a located issue naming its type", async () => {
    const dir = tempDir("ictsguard-spdx3-ai-");
    const file = join(dir, "ai.spdx3.json");
    const el = (type: string, name: string, purl?: string) => ({ type, spdxId: `https://example.org/${name || "unnamed"}`, creationInfo: "_:c", name, ...(purl ? { software_packageUrl: purl } : {}) });
    writeFileSync(
      file,
      JSON.stringify({
        "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        "@graph": [
          { type: "CreationInfo", "@id": "_:c", specVersion: "3.0.1", created: "2025-01-01T00:00:00Z", createdBy: [] },
          el("ai_AIPackage", "model-a", "pkg:huggingface/google-bert/bert-base-uncased"),
          el("https://spdx.org/rdf/3.0.1/terms/AI/AIPackage", "model-b"),
          el("https://spdx.org/rdf/3.0.1/terms/Dataset/DatasetPackage", "data-c"),
          el("ai_AIPackage", ""),
        ],
      }),
    );
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(observations.map((o) => [o.name, o.ids?.purl]), [["model-a", "pkg:huggingface/google-bert/bert-base-uncased"], ["model-b", undefined], ["data-c", undefined]]);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^ai_AIPackage has no "name"/);
  });
});
