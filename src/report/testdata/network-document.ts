/**
 * @module
 * A report document with network evidence and an integration, built by hand for the writers'
 * tests (like sample-document.ts): client 10.1.2.3 looked up Kaspersky update and KSN hosts 42
 * times (one finding, two domains), client 10.1.2.9 only read Kaspersky's web sites
 * (informational), and a third-party mail gateway embeds the Kaspersky Anti-Virus SDK
 * (relation `integration`). Each call returns a fresh copy tests may change.
 */
import type { AppliedRule, InformationalHit, ReportDocument } from "../../model/finding.js";
import { toDocument, type SpelledFinding } from "./build.js";
import { sampleSpelled } from "./sample-document.js";

const ICTS_RULE: AppliedRule = {
  id: "us-bis-icts-fd-kaspersky-2024",
  title: "Final Determination: Case No. ICTS-2021-002, Kaspersky Lab, Inc.",
  phase: { id: "updates", label: "Updates, KSN, resale, integration and licensing prohibited", from: "2024-09-29T00:00:00-04:00", fromConfirmed: true, inForce: true },
  effect: "ends-updates",
  citation: "Final Determination, 89 FR 52434",
  citations: [{ source: "fr-fd", locator: "89 FR 52434", confirmed: true, text: "Final Determination, 89 FR 52434" }],
  obligations: [],
};

export function networkDocument(): ReportDocument {
  const network: SpelledFinding = {
    id: "5e0c1f9a77b2d431",
    source: { file: "logs/dns.log", line: 9, reader: "network/zeek" },
    observation: { kind: "domain", name: "s01.upd.kaspersky.com", host: "10.1.2.3" },
    vendor: "kaspersky",
    vendorName: "Kaspersky",
    product: { id: "kaspersky-unidentified", name: "Kaspersky software (product not identified)", category: "cybersecurity", relation: "own" },
    status: "unsupported",
    reason:
      "Network evidence: 10.1.2.3 contacted 2 Kaspersky hosts (update, telemetry) 42 times, from 2024-10-01T08:00:00.000Z to 2024-10-02T17:30:00.000Z, so Kaspersky software runs there. " +
      "Updates to this product are prohibited since 2024-09-29.",
    confidence: 0.9,
    evidence: [
      { matcher: "domain", type: "exact-id", searchedBy: { domain: "s01.upd.kaspersky.com" }, found: { rule: "kaspersky-update-service.identifiers.domains", value: "s01.upd.kaspersky.com" }, confidence: 0.9, role: "update" },
      { matcher: "domain", type: "exact-id", searchedBy: { domain: "ksn-file-geo.kaspersky-labs.com" }, found: { rule: "kaspersky-security-network.identifiers.domains", value: "ksn-file-geo.kaspersky-labs.com" }, confidence: 0.9, role: "telemetry" },
    ],
    rules: [ICTS_RULE],
    deadlines: [],
    remediation: "Replace Kaspersky software with a supported product from another vendor.",
    network: {
      client: "10.1.2.3",
      total: 42,
      firstSeen: "2024-10-01T08:00:00.000Z",
      lastSeen: "2024-10-02T17:30:00.000Z",
      domains: [
        { domain: "s01.upd.kaspersky.com", product: "kaspersky-update-service", role: "update", count: 40, firstSeen: "2024-10-01T08:00:00.000Z", lastSeen: "2024-10-02T17:30:00.000Z", source: { file: "logs/dns.log", line: 9 } },
        { domain: "ksn-file-geo.kaspersky-labs.com", product: "kaspersky-security-network", role: "telemetry", count: 2, firstSeen: "2024-10-01T09:15:00.000Z", lastSeen: "2024-10-01T09:16:00.000Z", source: { file: "logs/dns.log", line: 120 } },
      ],
    },
  };
  const integration: SpelledFinding = {
    id: "90ab12cd34ef5678",
    source: { file: "inventory.csv", line: 4, reader: "inventory/csv" },
    observation: { kind: "component", name: "Kaspersky Anti-Virus SDK", vendor: "AO Kaspersky Lab", version: "8.9.2.595", host: "mailgw-01" },
    vendor: "kaspersky",
    vendorName: "Kaspersky",
    product: { id: "kaspersky-anti-virus-sdk", name: "Kaspersky Anti-Virus SDK (KAV SDK) built into a third-party product", category: "security-sdk", relation: "integration" },
    status: "unsupported",
    reason: "Integration: Kaspersky technology built into another vendor's product. Updates to this product are prohibited since 2024-09-29.",
    confidence: 0.95,
    evidence: [{ matcher: "product-name", type: "alias", searchedBy: { name: "Kaspersky Anti-Virus SDK" }, found: { rule: "kaspersky-anti-virus-sdk.aliases", value: "Kaspersky Anti-Virus SDK" }, confidence: 0.95 }],
    rules: [ICTS_RULE],
    deadlines: [],
    remediation: "Ask the product's vendor for a build without the Kaspersky engine, or replace the product.",
  };
  const browsing: InformationalHit = {
    vendor: "kaspersky",
    vendorName: "Kaspersky",
    reason: "10.1.2.9 visited Kaspersky web sites (www.kaspersky.com, securelist.com) 3 times. Information only, not a finding.",
    network: {
      client: "10.1.2.9",
      total: 3,
      firstSeen: "2024-10-01T10:00:00.000Z",
      lastSeen: "2024-10-01T10:05:00.000Z",
      domains: [
        { domain: "www.kaspersky.com", product: "kaspersky-corporate-web", role: "browsing", count: 2, firstSeen: "2024-10-01T10:00:00.000Z", lastSeen: "2024-10-01T10:01:00.000Z", source: { file: "logs/dns.log", line: 30 } },
        { domain: "securelist.com", product: "kaspersky-corporate-web", role: "browsing", count: 1, firstSeen: "2024-10-01T10:05:00.000Z", lastSeen: "2024-10-01T10:05:00.000Z", source: { file: "logs/dns.log", line: 31 } },
      ],
    },
  };
  const empty = sampleSpelled();
  return toDocument({
    ...empty,
    suppressed: [],
    lookalikes: [],
    errors: [],
    inputs: ["logs/dns.log", "inventory.csv"],
    findings: [network, integration],
    informational: [browsing],
    summary: {
      ...empty.summary,
      observations: 5000,
      findings: 2,
      byStatus: { prohibited: 0, unsupported: 2, deadline: 0, review: 0 },
      suppressed: 0,
      lookalikes: 0,
      errors: 0,
      warnings: 0,
      informational: 1,
      failed: true,
    },
  });
}
