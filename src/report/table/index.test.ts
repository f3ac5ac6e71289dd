import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Writable } from "node:stream";
import * as util from "node:util";
import { writeReport } from "../index.js";
import { assertGolden, render } from "../testdata/helpers.js";
import { toDocument, type SpelledFinding } from "../testdata/build.js";
import { emptyDocument, sampleDocument, sampleSpelled } from "../testdata/sample-document.js";
import { renderTable } from "./index.js";

const ANSI = /\u001b\[/;

/** The sample's first finding (Kaspersky Endpoint Security) on `count` hosts, one a line, with these confidences. */
function manyFindings(count: number, confidence: (i: number) => number) {
  const spelled = sampleSpelled();
  const kes = spelled.findings[0]!;
  spelled.findings = Array.from({ length: count }, (_, i): SpelledFinding => ({
    ...kes,
    id: i.toString(16).padStart(16, "0"),
    source: { ...kes.source, line: i + 2 },
    observation: { ...kes.observation, host: `ws-${i}` },
    confidence: confidence(i),
  }));
  return spelled;
}

describe("table report", () => {
  it("matches the golden file", async () => {
    assertGolden("sample.table.txt", await render("table", sampleDocument()));
    assertGolden("empty.table.txt", await render("table", emptyDocument()));
  });

  it("has a header and one row per finding with status, vendor, product, observed, where and rules", async () => {
    const lines = (await render("table", sampleDocument())).split("\n");
    assert.match(lines[0]!, /^STATUS\s+VENDOR\s+PRODUCT\s+OBSERVED\s+WHERE\s+DEADLINE\/RULES$/);
    // a long observed name is cut, its version kept
    assert.match(lines[1]!, /^prohibited\s+Kaspersky\s+Kaspersky Endpoint Security\s+Kaspersky Endpoint Security… 12\.3\.0\.493\s+ws-001 · inventory\.csv:3\s+us-ndaa18-1634-far-52-204-23 \+1$/);
    assert.match(lines[2]!, /ws-002 · inventory\.csv:5/);
    // a package shows its package URL (namespace included), without version and qualifiers, and the version
    assert.match(lines[3]!, /^unsupported\s+Kaspersky\s+Kaspersky Anti-Virus\s+pkg:generic\/kaspersky\/anti-virus 21\.3\.10\.391\s+sboms\/app\.cdx\.json record 4\s+us-bis-icts-kaspersky-final-determination$/);
    // the observed name's newline is printed as a space: one finding stays one row
    assert.match(lines[4]!, /^review\s+Kaspersky\s+Kaspersky Rescue Disk\s+KAV Rescue Disk, "portable" edition -1\s+/);
    assert.equal(lines[5], "");
  });

  it("explains each product and status once: rules, citations, obligations, remediation", async () => {
    const text = await render("table", sampleDocument());
    assert.equal(text.match(/^prohibited · Kaspersky Endpoint Security/gm)?.length, 1);
    assert.match(text, /prohibited · Kaspersky Endpoint Security \(Kaspersky, endpoint-security\) · 2 findings · confidence 0\.95\n/);
    assert.match(text, /Rule us-ndaa18-1634-far-52-204-23: NDAA FY2018 §1634 \/ FAR 52\.204-23/);
    assert.match(text, /Cites: Federal Acquisition Regulation, FAR 52\.204-23; FY2018 NDAA, Pub\. L\. 115-91 §1634/);
    assert.match(text, /Must: Report a covered article/);
    assert.match(text, /Remediation: Uninstall Kaspersky Endpoint Security/);
    assert.match(text, /unsupported · Kaspersky Anti-Virus \(Kaspersky, antivirus\) · 1 finding · confidence \d\.\d\d\n/);
    assert.match(text, /in force since 2024-09-29\./);
  });

  it("shows deadlines, with an unconfirmed date marked", async () => {
    const spelled = sampleSpelled();
    const f = spelled.findings[2]!;
    f.status = "deadline";
    f.deadline = "2026-06-30";
    f.deadlines = [{ date: "2026-06-30", ruleId: "us-example", phase: "p2", label: "Use is prohibited", actions: ["use"] }];
    f.rules = [{ ...f.rules[0]!, effect: "upcoming", phase: { id: "p2", label: "Use is prohibited", from: "2026-06-30", fromConfirmed: false, inForce: false } }];
    const text = await render("table", toDocument(spelled));
    assert.match(text, /deadline\s+Kaspersky\s+Kaspersky Anti-Virus\s+.*\s2026-06-30 us-bis-icts-kaspersky-final-determination\n/);
    assert.match(text, /from 2026-06-30 \(date unconfirmed\)\./);
    assert.match(text, /Deadline 2026-06-30: Use is prohibited \(us-example\)\./);
  });

  it("lists suppressed findings, expired exceptions, look-alikes and input problems", async () => {
    const text = await render("table", sampleDocument());
    assert.match(text, /Suppressed by exceptions \(1\):\n  Kaspersky Endpoint Security \(prohibited\) at lab-07 · inventory\.csv:9\n/);
    assert.match(text, /exception #1: Isolated malware-analysis lab, no network; removal ticket SEC-1234\s+\(j\.doe@example\.com, expires 2099-12-31\)/);
    assert.match(text, /Warning: exception #2 \(Pending replacement by the new EDR roll…, ciso@example\.com\) expired on\s+2024-12-31 and no longer applies \(1 finding\)\./);
    assert.match(text, /^1 look-alike not reported/m);
    assert.match(text, /Input problems \(2\):\n  inventory\.csv:7: error: expected 5 columns, found 3\n  notes\/readme\.txt: warning: unknown input format: skipped\n/);
  });

  it("ends with a one-line summary", async () => {
    const lines = (await render("table", sampleDocument())).trimEnd().split("\n");
    assert.equal(
      lines.at(-1),
      "4 findings (2 prohibited, 1 unsupported, 1 review), 1 suppressed, 1 error, 1 warning · catalog 2026.11.22 · profile federal-contractor · as of 2025-01-01",
    );
  });

  it("says clearly when nothing was found", async () => {
    const text = await render("table", emptyDocument());
    assert.match(text, /^No restricted software found in 120 observations from 2 inputs\.\n/);
    assert.doesNotMatch(text, /STATUS/);
    assert.match(text, /0 findings, 0 suppressed, 0 errors · catalog 2026\.11\.22/);
    const one = emptyDocument();
    one.summary.observations = 1;
    one.summary.inputs = 1;
    assert.match(await render("table", one), /in 1 observation from 1 input\./);
  });

  it("uses no ANSI codes without color, and colors statuses with it", async () => {
    assert.doesNotMatch(await render("table", sampleDocument(), false), ANSI);
    assert.doesNotMatch(await render("table", emptyDocument(), false), ANSI);
    if (typeof (util as { styleText?: unknown }).styleText !== "function") return; // Node < 20.12: always plain
    const colored = await render("table", sampleDocument(), true);
    assert.ok(colored.includes("\u001b[31mprohibited\u001b[39m"), "prohibited is red");
    assert.ok(colored.includes("\u001b[35munsupported\u001b[39m"), "unsupported is magenta");
    assert.ok(colored.includes("\u001b[36mreview\u001b[39m"), "review is cyan");
    assert.equal(util.stripVTControlCharacters(colored), await render("table", sampleDocument(), false));
  });

  it("neutralizes control characters from the inventory and keeps rows to a reasonable width", async () => {
    const doc = sampleDocument();
    doc.findings[0]!.observation.name = "\u001b]0;pwned\u0007\u001b[2JKaspersky " + "Endpoint ".repeat(20);
    doc.findings[0]!.source.file = "/very/long/path/".repeat(8) + "hosts.csv";
    doc.errors[0]!.message = "bad \u001b[31mred\u001b[0m value";
    const text = await render("table", doc);
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f]/);
    const [header, row] = text.split("\n");
    assert.ok(row!.length <= 200, `row is ${row!.length} wide`);
    assert.ok(header!.length <= 200);
    assert.match(row!, /  …[^ ]*\/hosts\.csv:3  /, "long locations keep their end");
    assert.match(row!, /  Kaspersky Endpoint Endpoint/, "escape sequences are dropped whole");
  });

  it("draws 20,000 findings as 20,000 aligned rows, written a piece at a time (the table was quadratic: bench/table.ts times it)", async () => {
    const COUNT = 20_000;
    const spelled = manyFindings(COUNT, (i) => (i % 2 === 0 ? 0.95 : 0.9));
    spelled.summary = { ...spelled.summary, findings: COUNT, byStatus: { prohibited: COUNT, unsupported: 0, deadline: 0, review: 0 } };
    const doc = toDocument(spelled);

    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString("utf8"));
        done();
      },
    });
    await writeReport(doc, "table", out, { color: false });
    const text = chunks.join("");
    assert.ok(chunks.length > 1, `written in ${chunks.length} pieces`);
    assert.equal(text, renderTable(doc, false));

    const lines = text.split("\n");
    const header = lines[0]!;
    assert.equal(header, "STATUS      VENDOR     PRODUCT                      OBSERVED                                 WHERE                           DEADLINE/RULES");
    const rows = lines.slice(1, lines.indexOf(""));
    assert.equal(rows.length, COUNT);
    assert.equal(rows[0], "prohibited  Kaspersky  Kaspersky Endpoint Security  Kaspersky Endpoint Security… 12.3.0.493  ws-0 · inventory.csv:2          us-ndaa18-1634-far-52-204-23 +1");
    assert.equal(rows.at(-1), "prohibited  Kaspersky  Kaspersky Endpoint Security  Kaspersky Endpoint Security… 12.3.0.493  ws-19999 · inventory.csv:20001  us-ndaa18-1634-far-52-204-23 +1");
    // every row in order, each cell where the header puts its column
    const starts = [...header.matchAll(/\S+/g)].map((m) => m.index);
    rows.forEach((row, i) => {
      assert.ok(row.includes(`ws-${i} · inventory.csv:${i + 2} `), `row ${i}: ${row}`);
      for (const start of starts.slice(1)) assert.ok(row[start - 1] === " " && row[start] !== " ", `row ${i} is aligned: ${row}`);
    });
    assert.match(text, /\nprohibited · Kaspersky Endpoint Security \(Kaspersky, endpoint-security\) · 20000 findings · confidence 0\.90–0\.95\n/);
    assert.match(lines.at(-2)!, /^20000 findings \(20000 prohibited\), 1 suppressed/);
  });

  it("a product with 140,000 findings gets its block (the confidence range was Math.min(...) over them: the stack overflowed)", () => {
    const COUNT = 140_000;
    const spelled = manyFindings(COUNT, (i) => (i === COUNT - 1 ? 0.8 : 0.95));
    const text = renderTable(toDocument(spelled), false);
    assert.match(text, /\nprohibited · Kaspersky Endpoint Security \(Kaspersky, endpoint-security\) · 140000 findings · confidence 0\.80–0\.95\n/);
  });
});
