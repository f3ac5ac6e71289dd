import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as util from "node:util";
import { assertGolden, render } from "../testdata/helpers.js";
import { toDocument } from "../testdata/build.js";
import { emptyDocument, sampleDocument, sampleSpelled } from "../testdata/sample-document.js";

const ANSI = /\u001b\[/;

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
});
