import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { assertGolden, render } from "../testdata/helpers.js";
import { emptyDocument, sampleDocument } from "../testdata/sample-document.js";
import { CSV_COLUMNS, csvField } from "./index.js";

const parseCsv = (text: string): Record<string, string>[] => parse(text, { columns: true, skip_empty_lines: true });

describe("csv report", () => {
  it("matches the golden file", async () => {
    assertGolden("sample.csv", await render("csv", sampleDocument()));
  });

  it("has the documented header", async () => {
    const header = (await render("csv", sampleDocument())).split("\n")[0];
    assert.equal(
      header,
      "status,vendor,product_id,product,category,observed_name,observed_vendor,observed_version,kind,host,file,line,record,confidence,deadline,rules,citations,evidence,remediation,suppressed_by,relation,client,lookups,first_seen,last_seen,domains",
    );
    assert.equal(header, CSV_COLUMNS.join(","));
  });

  it("parses back: one row per finding, then the suppressed ones", async () => {
    const doc = sampleDocument();
    const rows = parseCsv(await render("csv", doc));
    assert.equal(rows.length, doc.findings.length + doc.suppressed.length);
    assert.deepEqual(Object.keys(rows[0]!), [...CSV_COLUMNS]);

    const [kes, , kav, review, suppressed] = rows;
    assert.equal(kes!.status, "prohibited");
    assert.equal(kes!.vendor, "Kaspersky");
    assert.equal(kes!.product_id, "kaspersky-endpoint-security");
    assert.equal(kes!.observed_version, "12.3.0.493");
    assert.equal(kes!.host, "ws-001");
    assert.equal(kes!.file, "inventory.csv");
    assert.equal(kes!.line, "3");
    assert.equal(kes!.record, "");
    assert.equal(kes!.rules, "us-ndaa18-1634-far-52-204-23; us-bis-icts-kaspersky-final-determination");
    assert.match(kes!.citations!, /^Federal Acquisition Regulation, FAR 52\.204-23; FY2018 NDAA, Pub\. L\. 115-91 §1634; Final Determination/);
    assert.equal(kes!.evidence, "product-name/alias: products.names=kaspersky endpoint security (0.95)");
    assert.equal(kes!.suppressed_by, "");

    assert.equal(kav!.line, "");
    assert.equal(kav!.record, "4");
    assert.equal(kav!.kind, "component");
    assert.equal(kav!.confidence, "1.00");

    // commas, quotes and a newline inside a field survive the round trip
    assert.equal(review!.observed_name, 'KAV Rescue Disk, "portable"\\nedition');
    assert.equal(review!.observed_version, "-1");

    assert.equal(suppressed!.host, "lab-07");
    assert.equal(suppressed!.suppressed_by, "Isolated malware-analysis lab, no network; removal ticket SEC-1234");
  });

  it("defuses values a spreadsheet would run as formulas", async () => {
    const rows = parseCsv(await render("csv", sampleDocument()));
    assert.equal(rows[3]!.host, "'=cmd|' /C calc'!A0");
  });

  it("writes only the header for an empty document", async () => {
    assert.equal(await render("csv", emptyDocument()), `${CSV_COLUMNS.join(",")}\n`);
  });

  it("quotes a field only when it must, and escapes control and bidi characters", () => {
    assert.equal(csvField("plain"), "plain");
    assert.equal(csvField(""), "");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField("two\nlines"), "two\\nlines");
    assert.equal(csvField("cr\rlf"), "cr\\rlf");
    assert.equal(csvField("\u001b[31mred\u001b[0m"), "\\u001B[31mred\\u001B[0m");
    assert.equal(csvField("invoice\u202Efdp.exe"), "invoice\\u202Efdp.exe");
    assert.equal(csvField("\tx"), "'\\tx", "a leading tab is a formula trigger, then escaped");
    assert.equal(csvField(" padded "), '" padded "');
    assert.equal(csvField("=1+2"), "'=1+2");
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvField("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
    assert.equal(csvField("-1"), "-1");
    assert.equal(csvField("-0.5"), "-0.5");
    assert.equal(csvField("-"), "-");
  });
});
