/**
 * A report judged at an instant says so. `--as-of 2024-09-29T00:00:00+14:00` is 28 September,
 * 06:00 in US Eastern, where the Final Determination's update ban starts at midnight of the 29th:
 * the status is `deadline`, and a report that said only "as of 2024-09-29" read as a wrong verdict.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { ReportDocument } from "../model/finding.js";
import { renderReportHtml } from "../render/html/report.js";
import { renderTable } from "./table/index.js";
import { createScanner } from "../scan/scanner.js";
import { asOfLabel } from "./document.js";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalogOrThrow();
});

async function reportAt(asOf: string): Promise<ReportDocument> {
  const scanner = createScanner({ catalog, profile: "business", asOf });
  scanner.add({ kind: "software", name: "Kaspersky Endpoint Security for Windows", host: "ws-1", source: { file: "inventory.csv", line: 2 } });
  return scanner.finish();
}

describe("a report judged at an instant", () => {
  it("gives the instant in UTC beside the calendar date it was given in, and every view shows both", async () => {
    const doc = await reportAt("2024-09-29T00:00:00+14:00");
    assert.equal(doc.findings[0]!.status, "deadline", "still 28 September in US Eastern");
    assert.equal(doc.asOf, "2024-09-29");
    assert.equal(doc.asOfInstant, "2024-09-28T10:00:00.000Z");
    assert.equal(asOfLabel(doc), "2024-09-29 (at 2024-09-28T10:00:00.000Z)");
    assert.match(renderReportHtml(doc), /on <strong>2024-09-29 \(at 2024-09-28T10:00:00\.000Z\)<\/strong>/);
    assert.match(renderTable(doc, false), / · as of 2024-09-29 \(at 2024-09-28T10:00:00\.000Z\)\n?$/);
  });

  it("a date alone has no instant, and its label is the date", async () => {
    const doc = await reportAt("2024-09-29");
    assert.equal(doc.findings[0]!.status, "unsupported");
    assert.equal("asOfInstant" in doc, false);
    assert.equal(asOfLabel(doc), "2024-09-29");
  });
});
