/**
 * @module
 * CSV output: one row per finding, then one per suppressed finding (with `suppressed_by`), for
 * spreadsheets and ticket imports. Fields are quoted per RFC 4180; lists inside a field are
 * joined with `; `. Lines end with LF, which every spreadsheet and CSV library reads.
 */
import type { Finding, SuppressedFinding } from "../../model/finding.js";
import type { Reporter } from "../index.js";
import { decisiveRules, findingCitations, formatEvidence, writeText } from "../common.js";

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
] as const;

type Column = (typeof CSV_COLUMNS)[number];

export const csvReporter: Reporter = {
  format: "csv",
  async write(doc, out) {
    const lines = [CSV_COLUMNS.join(",")];
    for (const f of doc.findings) lines.push(csvLine(row(f)));
    for (const f of doc.suppressed) lines.push(csvLine(row(f)));
    await writeText(out, lines.join("\n") + "\n");
  },
};

function row(f: Finding | SuppressedFinding): Record<Column, string> {
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
    suppressed_by: "exception" in f ? f.exception.reason : "",
  };
}

function csvLine(r: Record<Column, string>): string {
  return CSV_COLUMNS.map((c) => csvField(r[c])).join(",");
}

/**
 * Quotes a field when it needs it. Inventory values are untrusted, and a spreadsheet runs a cell
 * that starts with `=`, `+`, `-` or `@` as a formula ("CSV injection"), so such a value gets a
 * leading `'` — except a plain number like `-1` or a lone `-` (standard input), which are harmless.
 */
export function csvField(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v) && v !== "-") v = `'${v}`;
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
