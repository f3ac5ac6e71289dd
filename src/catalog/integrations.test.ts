/**
 * The catalog's network and integration data: every Kaspersky domain says what its traffic
 * shows (browsing apart from product traffic, as the detection notes §8 list them), the engine
 * components and the OEM integrations are present and cited, and the loader rejects a domain
 * role on an identifier that is not a domain.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { describe, it } from "node:test";
import type { Catalog, IdentifierValue } from "../model/catalog.js";
import { buildCatalogIndex, matchObservation } from "../match/index.js";
import { createPolicy } from "../policy/judge.js";
import { parseAsOf } from "../policy/time.js";
import { repoPath } from "../testing/index.js";
import { loadCatalog, loadCatalogOrThrow } from "./index.js";

const value = (v: IdentifierValue) => (typeof v === "string" ? v : v.value);
const role = (v: IdentifierValue) => (typeof v === "string" ? undefined : v.role);

function domains(c: Catalog): { product: string; domain: string; role?: string }[] {
  return c.products.flatMap((p) => (p.identifiers.domains ?? []).map((v) => ({ product: p.id, domain: value(v), ...(role(v) ? { role: role(v)! } : {}) })));
}

describe("catalog: domain roles", () => {
  it("every Kaspersky domain has a role; browsing is exactly the corporate, support and research sites", async () => {
    const c = await loadCatalogOrThrow();
    const kaspersky = domains(c).filter((d) => c.products.find((p) => p.id === d.product)!.vendor === "kaspersky");
    assert.ok(kaspersky.length > 100);
    assert.deepEqual(kaspersky.filter((d) => !d.role), []);
    assert.deepEqual(
      kaspersky.filter((d) => d.role === "browsing").map((d) => d.domain).sort(),
      ["click.kaspersky.com", "opentip.kaspersky.com", "securelist.com", "support.kaspersky.com", "usa.kaspersky.com", "www.kaspersky.com"],
    );
    const roleOf = (host: string) => kaspersky.find((d) => d.domain === host)?.role;
    assert.equal(roleOf("s00.upd.kaspersky.com"), "update");
    assert.equal(roleOf("activation-v2.kaspersky.com"), "activation");
    assert.equal(roleOf("ksn-file-geo.kaspersky-labs.com"), "telemetry");
    assert.equal(roleOf("crl.kaspersky.com"), "crl");
    assert.equal(roleOf("pdc5.pa2.pdc.kaspersky.com"), "download");
    assert.equal(roleOf("kaspersky.com"), "vendor");
  });

  it("domains match on the host or its parent domains, never a substring; the role travels with the evidence", async () => {
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    const m = (name: string) => matchObservation({ kind: "domain", name, source: { file: "t" } }, index);
    assert.equal(m("s01.upd.kaspersky.com").matches[0]!.evidence[0]!.role, "update");
    assert.equal(m("x.s01.upd.kaspersky.com.").matches[0]!.evidence[0]!.found.value, "s01.upd.kaspersky.com");
    assert.equal(m("blog.kaspersky.com").matches[0]!.evidence[0]!.role, "vendor");
    assert.equal(m("notkaspersky.com").matches.length, 0);
    assert.equal(m("kaspersky.com.example.net").matches.length, 0);
    assert.equal(m("kaspersky.community").matches.length, 0);
    assert.equal(m("securelist.com.evil.example").matches.length, 0);
  });

  it("the loader rejects a role on an identifier that is not a domain, at its line", async () => {
    const result = await loadCatalog(repoPath("src/catalog/testdata/role-not-domain"));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.issues.length, 1);
    const [i] = result.issues;
    assert.equal(i!.code, "catalog/identifier");
    assert.equal(basename(i!.source.file), "catalog.yaml");
    assert.ok(i!.source.line !== undefined);
    assert.match(i!.message, /^products\[0\]\.identifiers\.processes\[0\]\.role: a role says what traffic to a host shows; it applies only to domains, not processes$/);
  });
});

describe("catalog: engine components and OEM integrations", () => {
  it("Kaspersky Scan Engine's executables, services and install folder, cited to Kaspersky's help", async () => {
    const c = await loadCatalogOrThrow();
    const se = c.products.find((p) => p.id === "kaspersky-scan-engine")!;
    assert.equal(se.relation, "own");
    assert.deepEqual((se.identifiers.processes ?? []).map(value).sort(), ["kavehost.exe", "kavhttp_client", "kavhttp_client.exe", "kavhttpd", "kavhttpd.exe", "kavicapd", "klScanEngineUI", "klScanEngineUI.exe"].sort());
    assert.deepEqual((se.identifiers.services ?? []).map(value), ["kavehost", "kavhttpd", "kavicapd", "klScanEngineUI"]);
    assert.deepEqual((se.identifiers.paths ?? []).map(value), ["/opt/kaspersky/ScanEngine/"]);
    const sources = new Map(c.sources.map((s) => [s.id, s]));
    for (const cite of se.citations) assert.match(sources.get(cite.source)!.url ?? "", /^https:\/\/support\.kaspersky\.com\//);
  });

  it("integration products: the KAV SDK and the Huawei preinstall, each cited; single-source ones low confidence", async () => {
    const c = await loadCatalogOrThrow();
    const integrations = c.products.filter((p) => p.relation === "integration");
    assert.deepEqual(integrations.map((p) => p.id).sort(), ["kaspersky-anti-virus-sdk", "kaspersky-huawei-japan-preinstall"]);
    for (const p of integrations) {
      assert.ok(p.citations.length > 0 && p.note && p.remediation, p.id);
      assert.equal(p.vendor, "kaspersky");
    }
    const sdk = integrations.find((p) => p.id === "kaspersky-anti-virus-sdk")!;
    assert.equal(sdk.category, "security-sdk");
    assert.ok(sdk.aliases.includes("KAV SDK"));
    const huawei = integrations.find((p) => p.id === "kaspersky-huawei-japan-preinstall")!;
    const kmsjp = huawei.identifiers.androidPackages![0]!;
    assert.ok(typeof kmsjp !== "string" && kmsjp.value === "com.kmsjp" && kmsjp.confidence === 0.6);
    // the Final Determination covers integrators, so it binds these products
    assert.ok(c.rules.find((r) => r.id === "us-bis-icts-fd-kaspersky-2024")!.coversIntegrations);
  });

  it("judged: an embedded KAV SDK is unsupported for a business and prohibited for a reseller, and says it is an integration", async () => {
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    const policy = createPolicy(index);
    const [m] = matchObservation({ kind: "component", name: "Kaspersky Anti-Virus SDK", vendor: "AO Kaspersky Lab", version: "8.9.2.595", source: { file: "t" } }, index).matches;
    assert.equal(m!.product.id, "kaspersky-anti-virus-sdk");
    assert.equal(m!.product.relation, "integration");
    const business = policy.judge(m!, "business", parseAsOf("2025-01-01"));
    assert.equal(business.status, "unsupported");
    assert.match(business.reason, /^Integration: Kaspersky technology built into another vendor's product\. Shipping or using it counts as Kaspersky software \(software that only talks to Kaspersky does not\)\./);
    assert.equal(policy.judge(m!, "reseller", parseAsOf("2025-01-01")).status, "prohibited");
    // DHS BOD 17-01 names Kaspersky-branded products and does not cover integrations
    assert.ok(!business.rules.some((r) => r.id === "us-dhs-bod-17-01"));
  });

  it("software that only talks to Kaspersky (Exabeam's parsers of Kaspersky logs) is a look-alike, not a finding", async () => {
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    for (const [name, vendor] of [["s-kaspersky-endpoint-security", undefined], ["cef-kaspersky-security-alert", "Exabeam"], ["Kaspersky Endpoint Security parser", "Exabeam"]] as const) {
      const r = matchObservation({ kind: "component", name, ...(vendor ? { vendor } : {}), source: { file: "t" } }, index);
      assert.equal(r.matches.length, 0, name);
      assert.equal(r.lookalike?.lookalike.id, "exabeam-kaspersky-parsers", name);
    }
  });
});
