/**
 * @module
 * The example batch of purchase orders, renewals, resale orders and exports
 * (examples/check/purchase-orders.csv): 40 scenarios, each 25 times with its own order number,
 * shuffled (seeded, so the file is the same on every run). Each row carries the decision a
 * compliance officer derives from the rules by hand (`expected`), with the reason; the CLI
 * test decides the file and compares every row with it.
 *
 * Regenerate with `npm run build && node dist/bench/purchase-orders.js examples/check/purchase-orders.csv`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { rng } from "./transactions.js";

type Scenario = [role: string, action: string, vendor: string, entity: string, product: string, category: string, date: string, expected: string, why: string];

export const SCENARIOS: Scenario[] = [
  ["business", "buy", "", "", "Kaspersky Endpoint Security for Windows", "", "2024-07-19", "allowed", "the day before the Final Determination's first phase"],
  ["business", "buy", "", "", "Kaspersky Endpoint Security for Windows", "", "2024-07-20", "prohibited", "no new agreements from 2024-07-20"],
  ["business", "renew", "Kaspersky Lab", "", "Kaspersky Total Security", "", "2024-08-15", "prohibited", "a renewal is a new agreement"],
  ["business", "update", "", "", "Kaspersky Internet Security", "", "2024-09-28T23:59:00-04:00", "allowed", "a minute before 00:00 EDT on 2024-09-29"],
  ["business", "update", "", "", "Kaspersky Internet Security", "", "2024-09-29T00:00:00-04:00", "prohibited", "updates end at 00:00 EDT on 2024-09-29"],
  ["business", "update", "", "", "Kaspersky Internet Security", "", "2024-09-29T03:59:00Z", "allowed", "23:59 EDT on 2024-09-28"],
  ["business", "use", "", "", "Kaspersky Endpoint Security for Windows", "", "2025-03-01", "allowed", "users keep using their copy"],
  ["individual", "renew", "", "", "Kaspersky Plus", "", "2024-07-19", "allowed", "before the first phase"],
  ["reseller", "resell", "AO Kaspersky Lab", "", "", "antivirus", "2024-09-28", "allowed", "resale ends on 2024-09-29"],
  ["reseller", "resell", "AO Kaspersky Lab", "", "", "antivirus", "2024-09-29", "prohibited", "resale prohibited from 2024-09-29"],
  ["reseller", "license", "Лаборатория Касперского", "", "", "endpoint-security", "2024-10-01", "prohibited", "licensing for resale prohibited (Cyrillic brand name)"],
  ["reseller", "integrate", "", "", "Kaspersky Scan Engine", "", "2024-10-01", "prohibited", "integration prohibited"],
  ["federal-contractor", "buy", "Kaspersky", "", "", "threat-intelligence", "2018-09-30", "allowed", "the day before FAR 52.204-23 applies"],
  ["federal-contractor", "buy", "Kaspersky", "", "", "threat-intelligence", "2018-10-01", "review", "FAR 52.204-23 reaches it within contract performance: a person must check"],
  ["federal-agency", "use", "", "", "Kaspersky Anti-Virus", "", "2017-12-11", "allowed", "before BOD 17-01's removal date"],
  ["federal-agency", "use", "", "", "Kaspersky Anti-Virus", "", "2017-12-12", "prohibited", "BOD 17-01: removal begins"],
  ["business", "buy", "Kaspersky", "", "", "threat-intelligence", "2025-01-01", "allowed", "threat intelligence is carved out"],
  ["business", "buy", "Kaspersky", "", "", "security-training", "2025-01-01", "allowed", "security training is carved out"],
  ["business", "buy", "Kaspersky", "", "", "consulting", "2025-01-01", "review", "consulting is carved out only if purely informational or educational"],
  ["business", "buy", "Kaspersky", "", "", "", "2025-01-01", "review", "the category is not known"],
  ["exporter", "export", "", "ao-kaspersky-lab", "", "", "2024-06-23", "allowed", "the day before the Entity List entry"],
  ["exporter", "export", "", "ao-kaspersky-lab", "", "", "2024-06-24", "license-required", "Entity List from 2024-06-24"],
  ["exporter", "export", "OOO Kaspersky Group", "", "", "", "2025-01-01", "license-required", "a listed entity"],
  ["exporter", "export", "Kaspersky Labs Ltd", "", "", "", "2025-01-01", "license-required", "a listed entity, legal form spelt differently"],
  ["exporter", "export", "Kaspersky Lab Inc.", "", "", "", "2025-01-01", "allowed", "not on the Entity List"],
  ["exporter", "export", "Kaspersky", "", "", "", "2025-01-01", "review", "which Kaspersky company is the consignee?"],
  ["federal-agency", "buy", "Huawei Technologies Co., Ltd.", "", "", "telecom-equipment", "2019-08-12", "allowed", "the day before section 889 part A"],
  ["federal-agency", "buy", "Huawei Technologies Co., Ltd.", "", "", "telecom-equipment", "2019-08-13", "review", "section 889 part A, unless a section 889(a)(2) exception applies"],
  ["federal-contractor", "use", "Hikvision", "", "", "video-surveillance", "2020-08-12", "allowed", "the day before section 889 part B"],
  ["federal-contractor", "use", "Hikvision", "", "", "video-surveillance", "2020-08-13", "review", "section 889 part B, for the purposes it names (purpose limit)"],
  ["business", "buy", "Kasperski Lab", "", "", "antivirus", "2025-01-01", "review", "the vendor only resembles Kaspersky"],
  ["business", "buy", "Acme Security GmbH", "", "", "antivirus", "2025-01-01", "allowed", "no restricted entity"],
  ["business", "buy", "", "", "UltraAV", "", "2025-01-01", "allowed", "a known look-alike"],
  ["critical-infrastructure", "buy", "", "", "Kaspersky Industrial CyberSecurity for Nodes", "", "2025-01-01", "prohibited", "no new agreements"],
  ["state-local-government", "renew", "АО «Лаборатория Касперского»", "", "", "endpoint-security", "2024-07-20", "prohibited", "Cyrillic legal name; time of day unconfirmed"],
  ["business", "support", "Kaspersky", "", "", "antivirus", "2025-01-01", "prohibited", "Kaspersky's services ended at 00:00 EDT on 2024-09-29"],
  ["federal-contractor", "support", "Kaspersky", "", "", "antivirus", "2025-01-01", "prohibited", "Kaspersky's services ended on 2024-09-29"],
  ["business", "buy", "Anton Mikhaylovich Ivanov", "", "", "", "2025-01-01", "review", "a designated person"],
  ["business", "buy", "Microsoft Corporation", "", "Microsoft Defender for Endpoint", "", "2025-01-01", "allowed", "not restricted"],
  ["individual", "buy", "", "", "Kaspersky Mystery Box", "", "2025-01-01", "review", "the product is only weakly recognized"],
];

export const COPIES = 25;

function field(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text: a header, then SCENARIOS × COPIES rows in a seeded shuffle. */
export function purchaseOrdersCsv(): string {
  const rows: Scenario[] = [];
  for (let i = 0; i < COPIES; i++) rows.push(...SCENARIOS);
  const random = rng(20240620);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  const lines = ["po_number,role,action,vendor,entity,product,category,date,expected,why"];
  rows.forEach((r, i) => lines.push([`PO-${String(i + 1).padStart(5, "0")}`, ...r].map(field).join(",")));
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: node dist/bench/purchase-orders.js <out.csv>");
  writeFileSync(out, purchaseOrdersCsv());
  process.stderr.write(`wrote ${SCENARIOS.length * COPIES} orders to ${out}\n`);
}
