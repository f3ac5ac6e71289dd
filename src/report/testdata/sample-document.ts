/**
 * @module
 * Report documents for the writers' tests, built by hand so the writers are tested without the
 * scan core. The statuses are chosen to exercise the writers (every branch they print), not
 * judged by the real catalog; rule ids, titles and citations look like the catalog's.
 *
 * `sampleDocument()` holds: Kaspersky Endpoint Security prohibited twice (inventory.csv lines 3
 * and 5; the second carries an expired exception), Kaspersky Anti-Virus unsupported from a
 * CycloneDX record (no line), a low-confidence `review` finding whose observed name has a comma,
 * quotes and a newline, one suppressed finding, one look-alike, one input error and one warning.
 * `emptyDocument()` is a clean scan. Each call returns a fresh copy tests may change.
 */
import type { AppliedRule, Evidence, ProductRef, ReportDocument } from "../../model/finding.js";
import { toDocument, type SpelledDocument, type SpelledFinding } from "./build.js";

const FAR_RULE: AppliedRule = {
  id: "us-ndaa18-1634-far-52-204-23",
  title: "NDAA FY2018 §1634 / FAR 52.204-23: no Kaspersky products under federal contracts",
  phase: { id: "contractors", label: "Contractors may not provide or use Kaspersky covered articles", from: "2018-10-01", fromConfirmed: true, inForce: true },
  effect: "prohibits",
  citation: "Federal Acquisition Regulation, FAR 52.204-23",
  citations: [
    { source: "far-52-204-23", locator: "FAR 52.204-23", confirmed: true, text: "Federal Acquisition Regulation, FAR 52.204-23" },
    { source: "ndaa-fy2018", locator: "Pub. L. 115-91 §1634", confirmed: true, text: "FY2018 NDAA, Pub. L. 115-91 §1634" },
  ],
  obligations: ["Report a covered article found during contract performance to the Contracting Officer within 3 business days."],
};

const ICTS_RULE: AppliedRule = {
  id: "us-bis-icts-kaspersky-final-determination",
  title: "Commerce ICTS Final Determination on Kaspersky Lab (89 FR 52434)",
  phase: { id: "updates", label: "Kaspersky may no longer provide updates", from: "2024-09-29T00:00:00-04:00", fromConfirmed: true, inForce: true },
  effect: "ends-updates",
  citation: "Final Determination: Case No. ICTS-2021-002, Kaspersky Lab, Inc., 89 FR 52434",
  citations: [{ source: "fr-2024-13532", locator: "89 FR 52434", confirmed: true, text: "Final Determination: Case No. ICTS-2021-002, Kaspersky Lab, Inc., 89 FR 52434" }],
  obligations: [],
};

const LISTED_RULE: AppliedRule = {
  id: "us-fcc-covered-list",
  title: "FCC Covered List",
  effect: "lists",
  citation: "FCC Covered List, entry 2022-03-25",
  citations: [{ source: "fcc-covered-list", locator: "entry 2022-03-25", confirmed: false, text: "FCC Covered List, entry 2022-03-25 (unconfirmed)" }],
  obligations: [],
};

const evidence = (name: string, value: string, confidence: number, type: Evidence["type"] = "alias"): Evidence => ({
  matcher: "product-name",
  type,
  searchedBy: { name },
  found: { rule: "products.names", value },
  confidence,
});

const KES: ProductRef = { id: "kaspersky-endpoint-security", name: "Kaspersky Endpoint Security", category: "endpoint-security", relation: "own" };
const KAV: ProductRef = { id: "kaspersky-anti-virus", name: "Kaspersky Anti-Virus", category: "antivirus", relation: "own" };
const KES_FIX = "Uninstall Kaspersky Endpoint Security and replace it with an endpoint product from a vendor that is not restricted.";

function kesFinding(id: string, host: string, line: number): SpelledFinding {
  return {
    id,
    source: { file: "inventory.csv", line, reader: "csv-inventory" },
    observation: { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.3.0.493", host },
    vendor: "kaspersky",
    vendorName: "Kaspersky",
    product: KES,
    status: "prohibited",
    reason:
      "Federal contractor: holding or using Kaspersky endpoint-security software is prohibited since 2018-10-01 " +
      "(NDAA FY2018 §1634 / FAR 52.204-23: no Kaspersky products under federal contracts).",
    confidence: 0.95,
    evidence: [evidence("Kaspersky Endpoint Security for Windows", "kaspersky endpoint security", 0.95)],
    rules: [FAR_RULE, ICTS_RULE],
    deadlines: [],
    remediation: KES_FIX,
  };
}

export function sampleDocument(): ReportDocument {
  return toDocument(sampleSpelled());
}

/** The sample document with every finding spelled out, for tests that vary a finding first. */
export function sampleSpelled(): SpelledDocument {
  const kes1 = kesFinding("3f9a1c0d2b7e4a65", "ws-001", 3);
  const kes2: SpelledFinding = {
    ...kesFinding("8c41d7e09a2b3f10", "ws-002", 5),
    expiredExceptions: [
      {
        index: 2,
        reason: "Pending replacement by the new EDR rollout, approved by the CISO in the risk register (RISK-118)",
        author: "ciso@example.com",
        expires: "2024-12-31",
        match: { product: "kaspersky-endpoint-security", host: "ws-00*" },
      },
    ],
  };
  const kav: SpelledFinding = {
    id: "a17e5f3306c2d9b8",
    source: { file: "sboms/app.cdx.json", record: 4, pointer: "/components/3", reader: "cyclonedx-json" },
    observation: {
      kind: "component",
      name: "Kaspersky Anti-Virus",
      vendor: "Kaspersky Lab",
      version: "21.3.10.391",
      ids: { purl: "pkg:generic/kaspersky/anti-virus@21.3.10.391" },
    },
    vendor: "kaspersky",
    vendorName: "Kaspersky",
    product: KAV,
    status: "unsupported",
    reason:
      "Updates to this product are prohibited since 2024-09-29 (Commerce ICTS Final Determination on Kaspersky Lab (89 FR 52434)); " +
      "it no longer receives lawful updates and should be replaced.",
    confidence: 1,
    evidence: [{ matcher: "purl", type: "exact-id", searchedBy: { purl: "pkg:generic/kaspersky/anti-virus@21.3.10.391" }, found: { rule: "products.purls", value: "pkg:generic/kaspersky/anti-virus" }, confidence: 1 }],
    rules: [ICTS_RULE],
    deadlines: [],
    remediation: "Replace Kaspersky Anti-Virus: it receives no lawful updates in the United States since 2024-09-29.",
  };
  const review: SpelledFinding = {
    id: "5b0e2d8f7c6a4913",
    source: { file: "inventory.csv", line: 6, reader: "csv-inventory" },
    observation: { kind: "software", name: 'KAV Rescue Disk, "portable"\nedition', version: "-1", host: "=cmd|' /C calc'!A0" },
    vendor: "kaspersky",
    vendorName: "Kaspersky",
    product: { id: "kaspersky-rescue-disk", name: "Kaspersky Rescue Disk", category: "cybersecurity", relation: "own" },
    status: "review",
    reason: "Low-confidence match (0.55): a person should confirm it is Kaspersky Rescue Disk.",
    confidence: 0.55,
    evidence: [evidence("KAV Rescue Disk", "kav", 0.55, "fuzzy-name")],
    rules: [LISTED_RULE],
    deadlines: [],
    remediation: "Confirm what this software is. If it is Kaspersky software, decide with your compliance team whether to keep it.",
  };
  const suppressed: SpelledDocument["suppressed"][number] = {
    ...kesFinding("d2c9e4b1a0f87356", "lab-07", 9),
    exception: {
      index: 1,
      reason: "Isolated malware-analysis lab, no network; removal ticket SEC-1234",
      author: "j.doe@example.com",
      expires: "2099-12-31",
      match: { host: "lab-*" },
    },
  };

  return {
    tool: { name: "ictsguard", version: "0.1.0" },
    catalog: { version: "2026.11.22", date: "2026-11-22", digest: "sha256:0c1f6a3e9b2d4c5f8a7e6d5c4b3a29180716f5e4d3c2b1a0998877665544332" },
    asOf: "2025-01-01",
    profile: "federal-contractor",
    generatedAt: "2025-01-01T12:00:00.000Z",
    inputs: ["inventory.csv", "sboms/app.cdx.json", "notes/readme.txt"],
    findings: [kes1, kes2, kav, review],
    suppressed: [suppressed],
    lookalikes: [
      {
        observation: { kind: "software", name: "Kasperski Photo Studio", source: { file: "inventory.csv", line: 8 } },
        lookalike: { id: "kasperski-photo", description: "Kasperski Photo Studio, a photo editor not related to Kaspersky" },
        product: "kaspersky-anti-virus",
      },
    ],
    summary: {
      observations: 42,
      inputs: 3,
      findings: 4,
      byStatus: { prohibited: 2, unsupported: 1, deadline: 0, review: 1 },
      suppressed: 1,
      lookalikes: 1,
      errors: 1,
      warnings: 1,
      failOn: "deadline",
      failed: true,
    },
    errors: [
      { code: "csv/columns", severity: "error", message: "expected 5 columns, found 3", source: { file: "inventory.csv", line: 7, reader: "csv-inventory" } },
      { code: "input/unknown-format", severity: "warning", message: "unknown input format: skipped", source: { file: "notes/readme.txt" } },
    ],
  };
}

/** A clean scan: nothing found, nothing wrong. */
export function emptyDocument(): ReportDocument {
  return toDocument({
    ...sampleSpelled(),
    findings: [],
    suppressed: [],
    lookalikes: [],
    inputs: ["inventory.csv", "sboms/app.cdx.json"],
    summary: {
      observations: 120,
      inputs: 2,
      findings: 0,
      byStatus: { prohibited: 0, unsupported: 0, deadline: 0, review: 0 },
      suppressed: 0,
      lookalikes: 0,
      errors: 0,
      warnings: 0,
      failOn: "deadline",
      failed: false,
    },
    errors: [],
  });
}
