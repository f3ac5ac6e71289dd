import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { CheckResult } from "../model/decision.js";
import type { Issue } from "../model/issue.js";
import { createChecker, type Checker } from "../policy/check.js";
import { parseCheckInput, readTransactions, runBatch, type BatchFormat } from "./index.js";
import type { TransactionRow } from "./batch-input.js";

let checker: Checker;
before(async () => {
  checker = createChecker(await loadCatalogOrThrow());
});

const bytes = (text: string | Buffer) => Readable.from([typeof text === "string" ? Buffer.from(text, "utf8") : text]);

async function rows(text: string | Buffer, format?: BatchFormat): Promise<{ rows: TransactionRow[]; issues: Issue[] }> {
  const issues: Issue[] = [];
  const out: TransactionRow[] = [];
  for await (const r of readTransactions({ path: "orders", stream: bytes(text) }, { report: (i) => issues.push(i) }, format)) out.push(r);
  return { rows: out, issues };
}

async function batch(text: string, defaults: Record<string, string> = { date: "2025-01-01" }) {
  const results: CheckResult[] = [];
  const issues: Issue[] = [];
  const summary = await runBatch({
    input: { path: "orders.csv", stream: bytes(text) },
    checker,
    defaults,
    failOn: "review",
    onResult: (r) => void results.push(r),
    onIssue: (i) => void issues.push(i),
  });
  return { results, issues, summary };
}

describe("batch input: CSV", () => {
  it("maps columns by name (case, spaces, punctuation ignored), echoes the others, numbers lines, folds CRLF", async () => {
    const { rows: r, issues } = await rows("PO Number,Role,Action,Counterparty,Product,As-Of,Note\r\nPO-1,business,buy,AO Kaspersky Lab,,2025-01-01,first\r\nPO-2,reseller,resell,,Kaspersky Total Security,2024-10-01,\r\n");
    assert.deepEqual(issues, []);
    assert.deepEqual(r, [
      { line: 2, fields: { role: "business", action: "buy", vendor: "AO Kaspersky Lab", date: "2025-01-01" }, ref: { "PO Number": "PO-1", Note: "first" } },
      { line: 3, fields: { role: "reseller", action: "resell", product: "Kaspersky Total Security", date: "2024-10-01" }, ref: { "PO Number": "PO-2", Note: "" } },
    ]);
  });

  it("reads UTF-16LE with a BOM (Excel, PowerShell exports) and Cyrillic names", async () => {
    const text = "role,action,vendor,category,date\nbusiness,buy,Лаборатория Касперского,antivirus,2025-01-01\n";
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const { rows: r, issues } = await rows(utf16);
    assert.deepEqual(issues, []);
    assert.equal(r[0]!.fields.vendor, "Лаборатория Касперского");
  });

  it("a quoted cell over two lines keeps the line numbers of the rows after it right", async () => {
    const { rows: r } = await rows('role,action,vendor,note\nbusiness,buy,Kaspersky,"two\nlines"\nbusiness,use,Kaspersky,x\n');
    assert.deepEqual(r.map((x) => x.line), [2, 4]);
  });

  it("a header without a vendor, entity or product column is one located error", async () => {
    const { rows: r, issues } = await rows("role,action,date\nbusiness,buy,2025-01-01\n");
    assert.equal(r.length, 0);
    assert.equal(issues[0]!.code, "batch/columns");
    assert.deepEqual(issues[0]!.source, { file: "orders", line: 1 });
    assert.match(issues[0]!.message, /expected columns role, action, vendor or entity, product/);
  });

  it("an unclosed quote is reported with its line; rows before it are kept", async () => {
    const { rows: r, issues } = await rows('role,action,vendor\nbusiness,buy,Kaspersky\nbusiness,buy,"Kaspersky\n');
    assert.equal(r.length, 1);
    assert.equal(issues[0]!.code, "batch/csv");
    assert.match(issues[0]!.message, /malformed CSV row/);
  });
});

describe("batch input: JSONL", () => {
  it("one object per line: known keys, other keys and a ref object echoed, numbers as text; bad lines located", async () => {
    const text = [
      JSON.stringify({ role: "business", action: "buy", vendor: "Kaspersky", category: "antivirus", date: "2025-01-01", po: 17 }),
      "",
      "{not json",
      "[1,2]",
      JSON.stringify({ Role: "exporter", Action: "export", Entity: "ao-kaspersky-lab", date: "2025-01-01", ref: { ticket: "SEC-1" } }),
    ].join("\n");
    const { rows: r, issues } = await rows(text);
    assert.deepEqual(r, [
      { line: 1, fields: { role: "business", action: "buy", vendor: "Kaspersky", category: "antivirus", date: "2025-01-01" }, ref: { po: "17" } },
      { line: 5, fields: { role: "exporter", action: "export", entity: "ao-kaspersky-lab", date: "2025-01-01" }, ref: { ticket: "SEC-1" } },
    ]);
    assert.deepEqual(issues.map((i) => `${i.code} ${i.source.line}`), ["batch/json 3", "batch/json 4"]);
    assert.match(issues[0]!.message, /invalid JSON .*expected one JSON object per line/);
  });
});

describe("runBatch", () => {
  it("one decision per row in input order; bad rows are located errors naming what was expected, the rest is decided", async () => {
    const csv = [
      "id,role,action,vendor,category,date",
      "1,business,buy,AO Kaspersky Lab,antivirus,2024-07-19",
      "2,business,buy,AO Kaspersky Lab,antivirus,2024-07-20",
      "3,martian,buy,AO Kaspersky Lab,antivirus,2025-01-01",
      "4,business,fly,AO Kaspersky Lab,antivirus,2025-01-01",
      "5,business,buy,AO Kaspersky Lab,antivirus,2024-02-30",
      "6,business,buy,,antivirus,2025-01-01",
      "7,business,buy,AO Kaspersky Lab,antivirus-ish,2025-01-01",
      "8,exporter,export,Kaspersky Labs Ltd,,2025-01-01",
    ].join("\n");
    const { results, issues, summary } = await batch(csv);
    assert.deepEqual(results.map((r) => [r.source?.line, r.input.ref?.id, r.decision]), [
      [2, "1", "allowed"],
      [3, "2", "prohibited"],
      [9, "8", "license-required"],
    ]);
    const located = issues.map((i) => `${i.source.file}:${i.source.line} ${i.message}`);
    assert.match(located[0]!, /^orders\.csv:4 role: expected one of federal-agency, .*exporter \(got "martian"\)$/);
    assert.match(located[1]!, /^orders\.csv:5 action: expected one of buy, renew, .*export \(got "fly"\)$/);
    assert.match(located[2]!, /^orders\.csv:6 invalid date "2024-02-30"/);
    assert.match(located[3]!, /^orders\.csv:7 vendor: expected a vendor, an entity or a product to check$/);
    assert.match(located[4]!, /^orders\.csv:8 category: expected one of antivirus, .*\(got "antivirus-ish"\)$/);
    assert.equal(summary.rows, 8);
    assert.equal(summary.decided, 3);
    assert.equal(summary.errors, 5);
    assert.deepEqual(summary.byDecision, { prohibited: 1, "license-required": 1, review: 0, allowed: 1 });
    assert.equal(summary.failed, true);
  });

  it("the command's flags fill cells a row leaves empty; a row's own counterparty wins over the flags'", async () => {
    const csv = "vendor,entity,product,date\n,,Kaspersky Total Security,\nAcme Corp,,,2025-01-01\n,ao-kaspersky-lab,,\n";
    const { results, issues } = await batch(csv, { role: "exporter", action: "export", entity: "ooo-kaspersky-group", date: "2025-02-02" });
    assert.deepEqual(issues, []);
    assert.deepEqual(results.map((r) => [r.input.role, r.input.vendor ?? r.input.entity, r.input.date, r.decision]), [
      ["exporter", "ooo-kaspersky-group", "2025-02-02", "license-required"],
      ["exporter", "Acme Corp", "2025-01-01", "allowed"],
      ["exporter", "ao-kaspersky-lab", "2025-02-02", "license-required"],
    ]);
  });

  it("an unknown entity id in a row is that row's error", async () => {
    const { results, issues } = await batch("role,action,entity\nbusiness,buy,no-such-entity\nbusiness,use,kaspersky\n");
    assert.equal(results.length, 1);
    assert.equal(issues[0]!.code, "input/entity");
    assert.equal(issues[0]!.source.line, 2);
  });
});

describe("batch input: names past the length bound", () => {
  it("a 300 KB vendor name is cut to 1,000 characters with a located warning, and the row is decided quickly", async () => {
    const long = "Kasp ersky ".repeat(30_000);
    const csv = `role,action,vendor,category\nreseller,resell,${long},antivirus\nbusiness,buy,AO Kaspersky Lab,antivirus\n`;
    const { rows: read, issues: readIssues } = await rows(csv);
    assert.equal(read[0]!.fields.vendor!.length, 1000);
    assert.deepEqual(readIssues.map((i) => [i.code, i.severity, i.source.line]), [["batch/name-too-long", "warning", 2]]);
    assert.match(readIssues[0]!.message, /the vendor is 329,999 characters long; only its first 1,000 were read/);
    const jsonl = await rows(JSON.stringify({ role: "reseller", action: "resell", vendor: "x".repeat(300_000) }) + "\n", "jsonl");
    assert.equal(jsonl.rows[0]!.fields.vendor!.length, 1000);
    assert.equal(jsonl.issues[0]!.code, "batch/name-too-long");
    const started = Date.now();
    const { results } = await batch(csv);
    assert.equal(results.length, 2);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms (bound: 10 s on a loaded machine)`);
  });
});

describe("parseCheckInput", () => {
  it("accepts a full transaction and rejects a vendor and an entity together", () => {
    const ok = parseCheckInput({ role: "business", action: "buy", vendor: "Kaspersky", country: "ru", date: "2024-09-29T00:00:00-04:00" });
    assert.ok(ok.ok);
    assert.equal(ok.ok && ok.input.country, "RU");
    const both = parseCheckInput({ role: "business", action: "buy", vendor: "Kaspersky", entity: "kaspersky", date: "2025-01-01" });
    assert.deepEqual(both, { ok: false, message: "entity: give the counterparty as vendor or as entity, not both" });
    const date = parseCheckInput({ role: "business", action: "buy", vendor: "Kaspersky", date: "29/09/2024" });
    assert.match(!date.ok ? date.message : "", /^date: expected a date YYYY-MM-DD or an ISO 8601 timestamp with an offset/);
  });
});

describe("batch: stated facts as columns (issue 11)", () => {
  it("counterparty_type (supply_to) and funding columns decide like --counterparty government and --funding federal; a bad value is a located error", async () => {
    const { results, issues, summary } = await batch(
      [
        "po,role,action,vendor,category,supply_to,funding,date",
        "A,federal-contractor,resell,Kaspersky,antivirus,government,,2019-01-01",
        "B,federal-contractor,resell,Kaspersky,antivirus,,,2019-01-01",
        "C,state-local-government,buy,Hikvision,video-surveillance,,federal,2021-01-01",
        "D,state-local-government,buy,Hikvision,video-surveillance,,,2021-01-01",
        "E,state-local-government,buy,Hikvision,video-surveillance,,state,2021-01-01",
        "F,business,install,Kaspersky,antivirus,,,2025-01-01",
      ].join("\n"),
    );
    assert.deepEqual(
      results.map((r) => [r.input.ref?.po, r.decision, r.input.counterparty, r.input.funding]),
      [
        ["A", "prohibited", "government", undefined],
        ["B", "review", undefined, undefined],
        ["C", "review", undefined, "federal"],
        ["D", "allowed", undefined, undefined],
        ["F", "allowed", undefined, undefined],
      ],
    );
    assert.equal(results[2]!.rules[0]!.id, "us-2cfr-200-216");
    assert.equal(summary.errors, 1);
    assert.equal(issues[0]!.source.line, 6);
    assert.match(issues[0]!.message, /^funding: expected one of federal \(got "state"\)$/);
  });

  it("a column named counterparty alone is still the vendor", async () => {
    const { rows: r } = await rows("role,action,counterparty,date\nbusiness,buy,AO Kaspersky Lab,2025-01-01\n");
    assert.equal(r[0]!.fields.vendor, "AO Kaspersky Lab");
    assert.equal(r[0]!.fields.counterparty, undefined);
  });
});
