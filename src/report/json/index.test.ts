import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReportDocument } from "../../model/finding.js";
import { render } from "../testdata/helpers.js";
import { emptyDocument, sampleDocument } from "../testdata/sample-document.js";

describe("json report", () => {
  it("is the document itself: it parses back to an equal document, one finding per line", async () => {
    for (const doc of [sampleDocument(), emptyDocument()]) {
      const text = await render("json", doc);
      assert.deepEqual(JSON.parse(text), doc);
      const lines = text.split("\n");
      for (const f of [...doc.findings, ...doc.suppressed]) {
        assert.equal(lines.filter((l) => l.startsWith(`    {"id":"${f.id}"`)).length, 1, f.id);
        assert.ok(lines.includes(`    ${JSON.stringify(f)}`) || lines.includes(`    ${JSON.stringify(f)},`));
      }
    }
  });

  it("is report version 2: rules, products and remediations once, findings refer to them by id", async () => {
    const doc = JSON.parse(await render("json", sampleDocument())) as ReportDocument;
    assert.equal(doc.reportVersion, 2);
    const rules = new Set(doc.rules.map((r) => r.id));
    const products = new Set(doc.products.map((p) => p.id));
    const remediations = new Set(doc.remediations.map((r) => r.id));
    assert.equal(rules.size, doc.rules.length);
    for (const f of [...doc.findings, ...doc.suppressed]) {
      assert.ok(products.has(f.product), f.product);
      assert.ok(remediations.has(f.remediation), f.remediation);
      for (const r of f.rules) assert.ok(rules.has(r.id), r.id);
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
