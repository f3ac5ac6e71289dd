/**
 * End-to-end: OEM and white-label integrations through the real CLI. A third-party product that
 * embeds Kaspersky's engine is reported with relation "integration" and says why; software that
 * only talks to Kaspersky (a SIEM's parsers of Kaspersky logs) is not reported.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import type { Finding, ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const fixture = (name: string) => repoPath("test/fixtures/integrations", name);
const productOf = (doc: ReportDocument, f: Finding) => doc.products.find((p) => p.id === f.product)!;

function scan(args: string[]): { code: number; doc: ReportDocument; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, "scan", "--quiet", "--as-of", "2025-01-01", ...args], {
    cwd: tempDir("ictsguard-cwd-"),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const json = args.includes("-o") ? undefined : (JSON.parse(r.stdout) as ReportDocument);
  return { code: r.status ?? -1, doc: json!, stdout: r.stdout };
}

describe("integrations through the CLI", () => {
  it("an inventory: the KAV SDK inside a mail gateway is an integration and says why; the SIEM parsers are not findings", () => {
    const { code, doc } = scan([fixture("inventory.csv")]);
    assert.equal(code, 1);
    const byLine = new Map(doc.findings.map((f) => [f.source.line, f]));
    const sdk = byLine.get(3)!;
    assert.equal(sdk.observation.host, "mailgw-01");
    assert.equal(sdk.product, "kaspersky-anti-virus-sdk");
    assert.deepEqual(doc.products.find((p) => p.id === sdk.product), {
      id: "kaspersky-anti-virus-sdk",
      name: "Kaspersky Anti-Virus SDK (KAV SDK) built into a third-party product",
      category: "security-sdk",
      relation: "integration",
      vendor: "kaspersky",
      vendorName: "Kaspersky",
      country: "RU",
    });
    assert.match(sdk.reason, /^Integration: Kaspersky technology built into another vendor's product\./);
    assert.equal(sdk.status, "unsupported");
    assert.equal(sdk.evidence[0]!.found.rule, "kaspersky-anti-virus-sdk.aliases");
    // the Scan Engine's ICAP service is Kaspersky's own product
    assert.equal(byLine.get(4)!.product, "kaspersky-scan-engine");
    assert.equal(productOf(doc, byLine.get(4)!).relation, "own");
    // a single-source OEM preinstall is an integration left for review
    const huawei = byLine.get(5)!;
    assert.equal(productOf(doc, huawei).relation, "integration");
    assert.equal(huawei.status, "review");
    assert.match(huawei.reason, /Integration: Kaspersky technology built into another vendor's product/);
    // the gateway itself and the SIEM parsers (lines 2, 6-8) are not findings
    assert.deepEqual([...byLine.keys()].sort(), [3, 4, 5]);
    assert.equal(doc.lookalikes.filter((l) => l.lookalike.id === "exabeam-kaspersky-parsers").length, 3);
  });

  it("a CycloneDX SBOM of a third-party gateway listing the KAV SDK as a component", () => {
    const { code, doc } = scan([fixture("acme-mailgw.cdx.json")]);
    assert.equal(code, 1);
    assert.equal(doc.findings.length, 1);
    const [f] = doc.findings;
    assert.equal(productOf(doc, f!).relation, "integration");
    assert.equal(f!.observation.name, "Kaspersky Anti-Virus SDK");
    assert.equal(f!.observation.version, "8.9.2.595");
    assert.equal(f!.source.reader, "sbom/cyclonedx-json");
  });

  it("an SBOM component made by Kaspersky and supplied by the integrator is Kaspersky's software (CycloneDX manufacturer, SPDX 2 and 3 originator)", () => {
    const makers: Record<string, string> = {
      "oem-engine-manufacturer.cdx.json": "AO Kaspersky Lab",
      "oem-engine-originator.spdx.json": "Kaspersky Lab ZAO",
      "oem-engine-originator.spdx3.json": "AO Kaspersky Lab",
    };
    for (const [file, maker] of Object.entries(makers)) {
      const { code, doc } = scan([fixture(file)]);
      assert.deepEqual(
        doc.findings.map((f) => [f.observation.name, f.observation.vendor, f.vendor, f.status]),
        [["av-engine", maker, "kaspersky", "unsupported"]],
        file,
      );
      assert.equal(code, 1, file);
    }
  });

  it("a reseller of a product that embeds the engine is prohibited from 29 Sep 2024", () => {
    const { doc } = scan([fixture("acme-mailgw.cdx.json"), "--profile", "reseller"]);
    assert.equal(doc.findings[0]!.status, "prohibited");
  });

  it("the table and CSV say integration", () => {
    const table = scan([fixture("acme-mailgw.cdx.json"), "-o", "table"]).stdout;
    assert.match(table, /Kaspersky Anti-Virus SDK \(KAV SDK\) built into a third-party product \(Kaspersky, security-sdk, integration\)/);
    const csv = scan([fixture("acme-mailgw.cdx.json"), "-o", "csv"]).stdout.trim().split("\n");
    const header = csv[0]!.split(",");
    assert.equal(csv.length, 2);
    assert.ok(csv[1]!.includes(",integration,"), csv[1]);
    assert.ok(header.includes("relation"));
  });
});
