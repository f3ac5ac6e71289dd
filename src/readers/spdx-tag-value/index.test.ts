/**
 * @module
 * Tests for the `sbom/spdx-tag-value` reader: the official SPDX 2.3 example, an SPDX 2.2 example,
 * trivy's and syft's tag-value output (testdata/PROVENANCE.md), read like their JSON versions;
 * crafted files for Kaspersky packages, multi-line `<text>` values that hold tag-like lines, bad
 * lines, a value cut off at the end, an empty file and UTF-16. Expected values were read off the
 * files (`grep -n '^PackageName:'`).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { spdxTagValueReader as reader } from "./index.js";
import { spdxJsonReader } from "../spdx-json/index.js";
import { detectReader } from "../detect.js";
import type { Observation } from "../../model/observation.js";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import { tempDir } from "../../testing/temp.js";

const data = (file: string): string => repoPath("src/readers/spdx-tag-value/testdata", file);
const spdxJson = (file: string): string => repoPath("src/readers/spdx-json/testdata", file);
const read = (file: string) => readAll(reader, data(file));
const withoutSource = (o: Observation) => {
  const { source: _, ...rest } = o;
  return JSON.stringify(rest);
};

describe("sbom/spdx-tag-value detect", () => {
  it("claims tag-value documents, whatever their extension", () => {
    for (const f of ["SPDXTagExample-v2.3.spdx", "example6-bin.spdx", "centos-7-spdx.txt", "syft-TestSPDXTagValueImageEncoder.golden.spdx", "kaspersky-2.3.spdx", "utf16le-crlf.spdx"]) {
      const probe = probeFile(data(f));
      assert.equal(reader.detect(probe), 0.95, f);
      assert.equal(detectReader(probe)?.name, "sbom/spdx-tag-value", f);
    }
  });

  it("scores a document without SPDXVersion lower, and never claims SPDX JSON, CSV or an empty file", () => {
    const weaker = reader.detect(textProbe("DocumentName: x\nSPDXID: SPDXRef-DOCUMENT\nPackageName: y\n"));
    assert.ok(weaker >= 0.5 && weaker < 0.95, String(weaker));
    assert.equal(reader.detect(probeFile(spdxJson("SPDXJSONExample-v2.3.spdx.json"))), 0);
    assert.equal(reader.detect(probeFile(spdxJson("inventory.csv"))), 0);
    assert.equal(reader.detect(probeFile(data("empty.spdx"))), 0);
  });
});

describe("sbom/spdx-tag-value read: real samples", () => {
  it("reads the same packages from the tag-value and the JSON of the same document", async () => {
    for (const [tv, js] of [
      ["SPDXTagExample-v2.3.spdx", "SPDXJSONExample-v2.3.spdx.json"],
      ["syft-TestSPDXTagValueImageEncoder.golden.spdx", "syft-TestSPDXJSONImageEncoder.golden.spdx.json"],
    ] as const) {
      const a = await read(tv);
      const b = await readAll(spdxJsonReader, spdxJson(js));
      assert.deepEqual(a.issues, [], tv);
      assert.deepEqual(a.observations.map(withoutSource).sort(), b.observations.map(withoutSource).sort(), tv);
    }
  });

  it("official 2.3 example: 4 packages at their PackageName lines; an organization originator, then the supplier; files and snippets are not packages", async () => {
    const { observations } = await read("SPDXTagExample-v2.3.spdx");
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.version, o.source.line, o.source.record]),
      [
        ["glibc", "ExampleCodeInspect", "2.11.1", 71, 1], // Organization: ExampleCodeInspect made it, Person: Jane Doe supplies it
        ["Apache Commons Lang", undefined, undefined, 170, 2],
        ["Jena", undefined, "3.12.0", 180, 3],
        ["Saxon", undefined, "8.8", 189, 4],
      ],
    );
    const glibc = observations[0]!;
    assert.equal(glibc.path, "glibc-2.11.1.tar.gz");
    assert.equal(glibc.ids?.sha256, "11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd");
    assert.equal(glibc.ids?.cpe, "cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*");
    assert.equal(observations[2]?.ids?.purl, "pkg:maven/org.apache.jena/apache-jena@3.12.0");
  });

  it("trivy (2.2, .txt, ##### comments): the image, the OS and two rpm packages", async () => {
    const { observations, issues } = await read("centos-7-spdx.txt");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.version]), [
      ["component", "integration/testdata/fixtures/images/centos-7.tar.gz", undefined],
      ["component", "centos", "7.6.1810"],
      ["package", "bash", "4.2.46"],
      ["package", "openssl-libs", "1.0.2k"],
    ]);
    assert.equal(observations[2]?.ids?.purl, "pkg:rpm/centos/bash@4.2.46-31.el7?arch=x86_64&distro=centos-7.6.1810");
  });

  it("spdx-examples 2.2 binary: one package, the long ExtractedText licences skipped", async () => {
    const { observations, issues } = await read("example6-bin.spdx");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.source.line]), [["hello-go-bin", 15]]);
  });
});

describe("sbom/spdx-tag-value read: crafted files", () => {
  it("Kaspersky document: supplier and originator, purl/CPE 2.3/CPE 2.2/swid refs in both category spellings, SHA256, FILE purpose", async () => {
    const file = data("kaspersky-2.3.spdx");
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(issues, []);
    const at = (line: number, record: number) => ({ file, line, record, document: "https://example.org/spdxdocs/corp-linux-workstation-4c1d2a8e" });
    assert.deepEqual(observations, [
      {
        kind: "package",
        name: "Kaspersky Endpoint Security for Linux",
        vendor: "Kaspersky Lab", // the originator (an organization) before the supplier AO Kaspersky Lab
        version: "12.1.0.1297",
        ids: {
          purl: "pkg:deb/kaspersky/kesl@12.1.0.1297?arch=amd64",
          cpe: "cpe:2.3:a:kaspersky:kaspersky_endpoint_security:12.1.0.1297:*:*:*:*:linux:*:*",
          sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        },
        source: at(13, 1),
      },
      // NOASSERTION supplier: the originator names it; PACKAGE_MANAGER (underscore) is read too
      { kind: "package", name: "klnagent64", vendor: "Kaspersky", version: "14.2.0-35148", ids: { purl: "pkg:rpm/kaspersky/klnagent64@14.2.0-35148?arch=x86_64" }, source: at(32, 2) },
      {
        kind: "component",
        name: "Kaspersky Anti-Virus",
        vendor: "Support Team",
        version: "21.3.10.391",
        path: "kav21.3.10.391en_26962.exe",
        ids: { cpe: "cpe:/a:kaspersky:kaspersky_anti-virus:21.3.10.391", swidTagId: "kaspersky.com-kav-21.3" },
        source: at(42, 3),
      },
      { kind: "file", name: "kesl.desktop", vendor: "AO Kaspersky Lab", source: at(53, 4) },
      { kind: "component", name: "openssl", vendor: "OpenSSL Software Foundation", version: "3.0.13", ids: { purl: "pkg:generic/openssl@3.0.13" }, source: at(61, 5) },
    ]);
    // "PackageName:" lines inside <text> values (a description, a licence text) start nothing
    assert.ok(!observations.some((o) => o.name.startsWith("not a package")));
  });

  it("bad lines and nameless packages: located issues, the other packages read", async () => {
    const { observations, issues } = await read("bad-lines.spdx");
    assert.deepEqual(observations.map((o) => [o.name, o.version, o.source.line]), [
      ["first-ok", "1.0", 6],
      ["Kaspersky Free", "21.3.10.391", 16],
      ["last-ok", undefined, 20],
    ]);
    assert.equal(observations[1]?.vendor, "AO Kaspersky Lab");
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]).sort((a, b) => Number(a[2]) - Number(b[2])),
      [
        ["spdx/tag-value", "error", 9],
        ["spdx/package", "error", 10], // PackageName: NOASSERTION
        ["spdx/tag-value", "error", 13],
        ["spdx/package", "error", 14], // PackageName: (blank)
        ["spdx/tag-value", "warning", 19], // ExternalRef without a locator
      ],
    );
    assert.match(issues.find((i) => i.source.line === 9)!.message, /expected "Tag: value".*"this line is not a tag"/);
    assert.match(issues.find((i) => i.source.line === 19)!.message, /CATEGORY TYPE LOCATOR/);
    for (const i of issues) assert.equal(i.source.file, data("bad-lines.spdx"));
  });

  it("more than ten bad lines: ten located issues and one count", async () => {
    const dir = tempDir("ictsguard-spdx-tv-");
    const file = join(dir, "noisy.spdx");
    writeFileSync(file, ["SPDXVersion: SPDX-2.3", "PackageName: kept", ...Array.from({ length: 25 }, (_, i) => `garbage ${i}`)].join("\n"));
    const { observations, issues } = await readAll(reader, file);
    assert.deepEqual(observations.map((o) => o.name), ["kept"]);
    assert.equal(issues.filter((i) => i.source.line !== undefined).length, 10);
    assert.match(issues[issues.length - 1]!.message, /^25 lines in all were not "Tag: value" lines/);
  });

  it("a <text> value that never ends: spdx/truncated at its first line; the package read so far is kept", async () => {
    const { observations, issues } = await read("truncated.spdx");
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["spdx/truncated", 22]]);
    assert.match(issues[0]!.message, /"PackageDescription:".*never ends \(expected <\/text>\)/);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version]), [["Kaspersky Endpoint Security for Linux", "Kaspersky Lab", "12.1.0.1297"]]);
  });

  it("empty file: spdx/empty", async () => {
    const { observations, issues } = await read("empty.spdx");
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["spdx/empty", 1]]);
  });

  it("UTF-16LE with BOM and CRLF", async () => {
    const { observations, issues } = await read("utf16le-crlf.spdx");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version]), [["Kaspersky Total Security", "AO Kaspersky Lab", "21.3.10.391"]]);
  });

  it("a file that is not SPDX tag-value (reader forced on CSV): spdx/format error, not a silent empty result", async () => {
    const { observations, issues } = await readAll(reader, spdxJson("inventory.csv"));
    assert.deepEqual(observations, []);
    const format = issues.find((i) => i.code === "spdx/format");
    assert.ok(format, JSON.stringify(issues));
    assert.equal(format.severity, "error");
    assert.match(format.message, /no "SPDXVersion:" line/);
  });
});
