/**
 * End-to-end tests of the SBOM formats, osquery endpoint tables and zip archives: the real
 * `ictsguard` command (bin/ictsguard.js) run as a child process over real public samples and
 * crafted files, with the bundled catalog, as a user runs it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const reader = (name: string, file: string) => repoPath("src/readers", name, "testdata", file);
const fixture = (file: string) => repoPath("test/fixtures", file);
const archive = (file: string) => repoPath("src/scan/testdata", file);

type Run = { code: number; stdout: string; stderr: string };
function run(args: string[], input: string | Buffer = ""): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: tempDir("ictsguard-cwd-"), // no stray config file
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function scanJson(args: string[], input: string | Buffer = ""): { code: number; doc: ReportDocument; stderr: string } {
  const r = run(["scan", "-o", "json", "--quiet", "--as-of", "2025-01-01", ...args], input);
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as ReportDocument, stderr: r.stderr };
}
const matchers = (f: ReportDocument["findings"][number]) => [...new Set(f.evidence.map((e) => e.matcher))].sort().join(",");

describe("scan: CycloneDX XML", () => {
  it("finds Kaspersky components by purl, CPE, supplier and name, located by line and XPath pointer; exit 1", () => {
    const file = reader("cyclonedx-xml", "kaspersky-1.6.cdx.xml");
    const { code, doc } = scanJson([file]);
    assert.equal(code, 1);
    // kesl and its nested kesl-gui are one finding: one product in one SBOM (a component is
    // emitted at its end tag, so the nested one is seen first)
    const kesl = doc.findings.find((f) => f.product === "kaspersky-endpoint-security");
    assert.ok(kesl, JSON.stringify(doc.findings.map((f) => f.observation.name)));
    assert.equal(kesl.count, 2);
    const document = "urn:uuid:6d6e0e58-6a8c-4a1c-9c3e-2f6bd7a4c001";
    assert.deepEqual(kesl.lastSource, { file, line: 25, pointer: "/bom/components/component[1]", document, reader: "sbom/cyclonedx-xml" });
    assert.equal(kesl.source.line, 60);
    assert.equal(kesl.product, "kaspersky-endpoint-security");
    assert.equal(kesl.status, "unsupported");
    assert.ok(["purl", "cpe", "publisher"].every((m) => matchers(kesl).includes(m)), matchers(kesl));
    assert.ok(kesl.rules.some((r) => r.id === "us-bis-icts-fd-kaspersky-2024"));
    const names = doc.findings.map((f) => f.observation.name);
    for (const n of ["kesl-gui", "klnagent64", "Kaspersky Anti-Virus", "Kaspersky Security Network", "dnl-01.geo.kaspersky.com"]) assert.ok(names.includes(n), `${n} in ${names.join(", ")}`);
    assert.equal(new Set(doc.findings.map((f) => f.product)).size, doc.findings.length, "one finding per product of this one SBOM");
    assert.ok(!names.includes("openssl") && !names.includes("corp-linux-workstation"));
    assert.deepEqual(doc.errors, []);
  });

  it("real public CycloneDX XML (spec 1.2-1.7, cdxgen, syft) reports nothing and exits 0", () => {
    const inputs = [
      "dropwizard-1.3.15.bom.xml", "laravel-7.12.0.bom.1.4.xml", "jt-sbom.xml", "syft-cyclonedxxml-TestCycloneDxImageEncoder.golden.xml",
      "valid-bom-1.4.xml", "valid-bom-1.5.xml", "valid-bom-1.6.xml", "valid-bom-1.7.xml", "valid-assembly-1.7.xml", "valid-component-identifiers-1.7.xml",
    ].map((f) => reader("cyclonedx-xml", f));
    const { code, doc } = scanJson([...inputs, "--profile", "federal-agency"]);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.findings.map((f) => `${f.observation.name} → ${f.product}`), []);
    assert.ok(doc.summary.observations > 390, String(doc.summary.observations));
    assert.equal(code, 0);
  });

  it("a malformed XML SBOM is a located error (exit 2), the components before it and the other inputs are scanned", () => {
    const bad = reader("cyclonedx-xml", "malformed.cdx.xml");
    const { code, doc } = scanJson([bad, reader("cyclonedx-xml", "prefixed-utf16le.cdx.xml")]);
    assert.equal(code, 2);
    assert.deepEqual(doc.errors.map((e) => [e.code, e.source.file, e.source.line]), [["xml/syntax", bad, 11]]);
    assert.ok(doc.findings.some((f) => f.source.file === bad && f.product === "kaspersky-security-center"));
    assert.ok(doc.findings.some((f) => f.observation.name === "Антивирус Касперского"));
  });
});

describe("scan: SPDX tag-value and SPDX 3.0 JSON-LD", () => {
  it("finds Kaspersky packages in tag-value by purl, CPE and supplier, located by line; exit 1", () => {
    const file = reader("spdx-tag-value", "kaspersky-2.3.spdx");
    const { code, doc } = scanJson([file]);
    assert.equal(code, 1);
    const kesl = doc.findings.find((f) => f.observation.name === "Kaspersky Endpoint Security for Linux");
    assert.deepEqual(kesl?.source, { file, line: 13, record: 1, document: "https://example.org/spdxdocs/corp-linux-workstation-4c1d2a8e", reader: "sbom/spdx-tag-value" });
    assert.ok(matchers(kesl!).includes("purl") && matchers(kesl!).includes("cpe"), matchers(kesl!));
    const klnagent = doc.findings.find((f) => f.observation.name === "klnagent64");
    assert.equal(klnagent?.product, "kaspersky-security-center");
    assert.equal(doc.findings.find((f) => f.observation.name === "Kaspersky Anti-Virus")?.product, "kaspersky-anti-virus");
    assert.ok(!doc.findings.some((f) => f.observation.name === "openssl"));
  });

  it("finds Kaspersky packages in SPDX 3.0 by purl and by the agents originatedBy and suppliedBy name, defined after them", () => {
    const file = reader("spdx3-jsonld", "kaspersky.spdx3.json");
    const { code, doc } = scanJson([file]);
    assert.equal(code, 1);
    const kesl = doc.findings.find((f) => f.observation.name === "Kaspersky Endpoint Security for Linux");
    assert.equal(kesl?.source.reader, "sbom/spdx3-jsonld");
    assert.equal(kesl?.observation.vendor, "Kaspersky"); // the Organization it originatedBy, before its supplier AO Kaspersky Lab
    assert.ok(matchers(kesl!).includes("publisher"), matchers(kesl!));
  });

  it("real public SPDX tag-value (official 2.3, spdx-examples 2.2, trivy, syft) and SPDX 3.0 samples report nothing and exit 0", () => {
    const inputs = [
      ...["SPDXTagExample-v2.3.spdx", "example6-bin.spdx", "centos-7-spdx.txt", "syft-TestSPDXTagValueImageEncoder.golden.spdx"].map((f) => reader("spdx-tag-value", f)),
      ...["example11-sbom.spdx3.json", "examplemaven-0.0.1-enriched.spdx3.json", "appbomination.spdx3.json", "spdx3-package_sbom.json"].map((f) => reader("spdx3-jsonld", f)),
    ];
    const { code, doc } = scanJson([...inputs, "--profile", "federal-agency"]);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.findings.map((f) => `${f.observation.name} → ${f.product}`), []);
    assert.equal(doc.summary.observations, 12 + 18);
    assert.equal(code, 0);
  });

  it("look-alikes in XML and tag-value SBOMs (UltraAV, ESET, Checkmarx KICS, ksnip, kleopatra, Dr.Web, Hotspot Shield) are explained, not reported", () => {
    const { code, doc } = scanJson([fixture("lookalikes.cdx.xml"), fixture("lookalikes.spdx")]);
    assert.deepEqual(doc.findings.map((f) => f.observation.name), []);
    assert.equal(code, 0);
    assert.deepEqual([...new Set(doc.lookalikes.map((l) => l.lookalike.id))].sort(), [
      "bitdefender", "checkmarx-kics", "debian-k-packages", "dr-web", "eset", "pango-hotspot-shield", "pango-ultraav", "pango-ultravpn",
    ]);
  });

  it("a tag-value <text> that never ends is a located error; the package read so far is still found", () => {
    const file = reader("spdx-tag-value", "truncated.spdx");
    const { code, doc } = scanJson([file]);
    assert.equal(code, 2);
    assert.deepEqual(doc.errors.map((e) => [e.code, e.source.file, e.source.line]), [["spdx/truncated", file, 22]]);
    assert.equal(doc.findings[0]?.observation.name, "Kaspersky Endpoint Security for Linux");
  });
});

describe("scan: osquery endpoint tables", () => {
  it("processes, services, drivers, signers, kexts and system extensions of Kaspersky are found; Microsoft, ESET and Kingsoft look-alikes are not", () => {
    const files = ["processes.json", "services.json", "drivers.json", "authenticode.json", "kernel_extensions.json", "system_extensions.json", "windows_security_products.json"];
    const { code, doc } = scanJson(files.map((f) => reader("osquery", f)));
    assert.equal(code, 1);
    // osqueryi exports name no host: every observation of a product is one "no host" finding,
    // with the evidence of each process, service, driver, signer and extension that fired
    const fired = (product: string) => {
      const f = doc.findings.find((x) => x.product === product)!;
      return { count: f.count, evidence: new Set(f.evidence.map((e) => `${e.matcher}:${e.found.value}`)) };
    };
    assert.deepEqual(doc.findings.map((f) => f.product).sort(), ["kaspersky-endpoint-security", "kaspersky-security-center", "kaspersky-unidentified"]);
    const kes = fired("kaspersky-endpoint-security");
    assert.equal(kes.count, 7);
    for (const e of ["process:avp.exe", "process:avpui.exe", "service:AVP", "signer:AO Kaspersky Lab", "bundle-id:com.kaspersky.kav.sysext"]) assert.ok(kes.evidence.has(e), `${e} in ${[...kes.evidence].join(", ")}`);
    const ksc = fired("kaspersky-security-center");
    assert.equal(ksc.count, 3);
    for (const e of ["process:klnagent.exe", "service:klnagent", "signer:AO Kaspersky Lab"]) assert.ok(ksc.evidence.has(e), e);
    const drivers = fired("kaspersky-unidentified");
    assert.equal(drivers.count, 5);
    for (const e of ["driver:klif.sys", "driver:klhk.sys", "driver:com.kaspersky.kext.klif", "driver:com.kaspersky.nke", "signer:Kaspersky Lab ZAO"]) assert.ok(drivers.evidence.has(e), e);
    const hits = doc.lookalikes.map((l) => l.observation.name).sort();
    for (const n of ["klist.exe", "ekrn.exe", "KeyIso", "kbdclass.sys", "ksfsflt.sys", "ehdrv.sys", "Windows Defender"]) assert.ok(hits.includes(n), `${n} in ${hits.join(", ")}`);
  });
});

describe("scan: zip archives", () => {
  it("scans every entry of a zip with its own reader; sources say archive.zip!inner/path with line or record", () => {
    const zip = archive("inventories.zip");
    const { code, doc } = scanJson([zip]);
    assert.equal(code, 1);
    const sources = doc.findings.map((f) => `${f.source.file}:${f.source.line ?? `#${f.source.record}`} ${f.source.reader}`).sort();
    // processes.json and linux-host.cdx.xml name no host and no document identity: one "no host" finding of KES
    assert.deepEqual(sources, [
      `${zip}!logs/programs.json.gz:#1 osquery`,
      `${zip}!osquery/processes.json:#1 osquery`,
      `${zip}!sboms/mac-host.spdx:5 sbom/spdx-tag-value`,
      `${zip}!windows/nested.zip!inner/deep.csv:2 inventory/csv`,
      `${zip}!windows/software.csv:2 inventory/csv`,
    ]);
    assert.deepEqual(doc.errors.map((e) => [e.severity, e.code]), [["warning", "input/unknown-format"]]);
  });

  it("a zip on standard input is scanned too", () => {
    const { code, doc } = scanJson(["-"], readFileSync(archive("inventories.zip")));
    assert.equal(code, 1);
    assert.equal(doc.findings.length, 5);
    assert.ok(doc.findings.some((f) => f.lastSource?.file === "-!sboms/linux-host.cdx.xml"));
  });

  it("a bad zip is a located error (exit 2) and the other inputs are still scanned", () => {
    const bad = archive("truncated.zip");
    const { code, doc, stderr } = scanJson([bad, archive("corrupt-entry.zip"), reader("cyclonedx-xml", "kaspersky-1.6.cdx.xml")]);
    assert.equal(code, 2);
    assert.deepEqual(doc.errors.map((e) => [e.code, e.source.file]), [
      ["archive/invalid", bad],
      ["archive/entry", `${archive("corrupt-entry.zip")}!first.csv`],
    ]);
    assert.ok(doc.findings.some((f) => f.source.file === `${archive("corrupt-entry.zip")}!second.csv`));
    assert.ok(doc.findings.some((f) => f.source.reader === "sbom/cyclonedx-xml"));
    assert.equal(stderr, "");
  });

  it("the errors go to stderr with their location when not quiet", () => {
    const r = run(["scan", "-o", "json", archive("truncated.zip")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /truncated\.zip/);
    assert.match(r.stderr, /not a readable zip archive/);
  });
});

describe("formats", () => {
  it("lists the new readers by the names --input-format takes", () => {
    const r = run(["formats"]);
    assert.equal(r.code, 0);
    for (const name of ["sbom/cyclonedx-xml", "sbom/spdx-tag-value", "sbom/spdx3-jsonld"]) assert.match(r.stdout, new RegExp(`^${name.replace("/", "\\/")}\\s`, "m"));
    assert.match(r.stdout, /osquery .*kernel modules/);
  });

  it("--input-format sbom/cyclonedx-xml on a JSON SBOM: a located error, exit 2", () => {
    const file = reader("cyclonedx-json", "valid-bom-1.6.json");
    const { code, doc } = scanJson([file, "--input-format", "sbom/cyclonedx-xml"]);
    assert.equal(code, 2);
    assert.deepEqual(doc.errors.map((e) => [e.code, e.source.file, e.source.line]), [["xml/syntax", file, 1]]);
  });
});
