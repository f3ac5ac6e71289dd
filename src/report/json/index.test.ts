import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReportDocument } from "../../model/finding.js";
import { render } from "../testdata/helpers.js";
import { emptyDocument, sampleDocument } from "../testdata/sample-document.js";

describe("json report", () => {
  it("is the document itself: it parses back to an equal document", async () => {
    for (const doc of [sampleDocument(), emptyDocument()]) {
      const text = await render("json", doc);
      assert.deepEqual(JSON.parse(text), doc);
      assert.equal(text, `${JSON.stringify(doc, null, 2)}\n`);
    }
  });

  it("carries the tool, catalog, date, profile, findings, suppressed, summary and errors", async () => {
    const parsed = JSON.parse(await render("json", sampleDocument())) as ReportDocument;
    for (const key of ["tool", "catalog", "asOf", "profile", "findings", "suppressed", "summary", "errors"]) {
      assert.ok(key in parsed, key);
    }
    assert.deepEqual(parsed.tool, { name: "ictsguard", version: "0.1.0" });
    assert.equal(parsed.catalog.version, "2026.11.22");
    assert.equal(parsed.asOf, "2025-01-01");
    assert.equal(parsed.profile, "federal-contractor");
    assert.equal(parsed.findings.length, 4);
    assert.equal(parsed.findings[0]!.rules[0]!.id, "us-ndaa18-1634-far-52-204-23");
    assert.equal(parsed.suppressed[0]!.exception.reason, "Isolated malware-analysis lab, no network; removal ticket SEC-1234");
    assert.equal(parsed.summary.byStatus.prohibited, 2);
    assert.equal(parsed.errors[0]!.source.line, 7);
  });
});
