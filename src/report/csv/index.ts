/**
 * @module
 * CSV output: one row per finding, then one per suppressed finding (with `suppressed_by`), then
 * one per informational client (status `informational`: browsing seen in network logs), for
 * spreadsheets and ticket imports. Fields are quoted per RFC 4180; lists inside a field are
 * joined with `; `. Lines end with LF, which every spreadsheet and CSV library reads.
 */
import type { InformationalHit, NetworkEvidence, ReportDocument } from "../../model/finding.js";
import { createResolver, type ResolvedFinding } from "../document.js";
import type { ReportOptions } from "../index.js";
import { definePresenter } from "../presenter.js";
import { decisiveRules, findingCitations, formatEvidence, writeText } from "../common.js";
import { csvField } from "../text.js";

export { csvField };

export const CSV_COLUMNS = [
  "status",
  "vendor",
  "product_id",
  "product",
  "category",
  "observed_name",
  "observed_vendor",
  "observed_version",
  "kind",
  "host",
  "file",
  "line",
  "record",
  "confidence",
  "deadline",
  "rules",
  "citations",
  "evidence",
  "remediation",
  "suppressed_by",
  // product relation, and network evidence (DNS/proxy logs: one row per client and vendor)
  "relation",
  "client",
  "lookups",
  "first_seen",
  "last_seen",
  "domains",
] as const;

type Column = (typeof CSV_COLUMNS)[number];

export const csvPresenter = definePresenter<"csv", ReportDocument, ReportOptions>({
  format: "csv",
  async write(doc, out) {
    const resolve = createResolver(doc);
    const lines = [CSV_COLUMNS.join(",")];
    for (const f of doc.findings) lines.push(csvLine(row(resolve(f))));
    for (const f of doc.suppressed) lines.push(csvLine(row(resolve(f))));
    for (const hit of doc.informational ?? []) lines.push(csvLine(informationalRow(hit)));
    await writeText(out, lines.join("\n") + "\n");
  },
});

function row(f: ResolvedFinding): Record<Column, string> {
  const o = f.observation;
  return {
    status: f.status,
    vendor: f.vendorName,
    product_id: f.product.id,
    product: f.product.name,
    category: f.product.category,
    observed_name: o.name,
    observed_vendor: o.vendor ?? "",
    observed_version: o.version ?? "",
    kind: o.kind,
    host: o.host ?? "",
    file: f.source.file,
    line: f.source.line?.toString() ?? "",
    record: f.source.record?.toString() ?? "",
    confidence: f.confidence.toFixed(2),
    deadline: f.deadline ?? "",
    rules: decisiveRules(f)
      .map((r) => r.id)
      .join("; "),
    citations: findingCitations(f).join("; "),
    evidence: f.evidence.map(formatEvidence).join("; "),
    remediation: f.remediation,
    suppressed_by: f.exception?.reason ?? "",
    relation: f.product.relation,
    ...networkCells(f.network),
  };
}

/** Browsing seen in network logs: a row with status `informational`, never a finding. */
function informationalRow(hit: InformationalHit): Record<Column, string> {
  const empty = Object.fromEntries(CSV_COLUMNS.map((c) => [c, ""])) as Record<Column, string>;
  const first = hit.network.domains[0];
  return {
    ...empty,
    status: "informational",
    vendor: hit.vendorName,
    product_id: [...new Set(hit.network.domains.map((d) => d.product))].join("; "),
    observed_name: first?.domain ?? "",
    kind: "domain",
    host: hit.network.client ?? "",
    file: first?.source.file ?? "",
    line: first?.source.line?.toString() ?? "",
    remediation: hit.reason,
    ...networkCells(hit.network),
  };
}

type NetworkColumn = "client" | "lookups" | "first_seen" | "last_seen" | "domains";

function networkCells(n: NetworkEvidence | undefined): Record<NetworkColumn, string> {
  if (!n) return { client: "", lookups: "", first_seen: "", last_seen: "", domains: "" };
  return {
    client: n.client ?? "",
    lookups: String(n.total),
    first_seen: n.firstSeen ?? "",
    last_seen: n.lastSeen ?? "",
    // every domain: `host (role) ×count first..last`
    domains: n.domains
      .map((d) => `${d.domain}${d.role ? ` (${d.role})` : ""} ×${d.count}${d.firstSeen ? ` ${d.firstSeen}..${d.lastSeen ?? d.firstSeen}` : ""}`)
      .join("; "),
  };
}

function csvLine(r: Record<Column, string>): string {
  return CSV_COLUMNS.map((c) => csvField(r[c])).join(",");
}
