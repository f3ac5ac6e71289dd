/**
 * End-to-end tests of `ictsguard check`: the real command (bin/ictsguard.js) as a child process,
 * the bundled catalog, real files; single transactions, the 1,000-order example batch, bad
 * input, the decision log, and scan and check agreeing on the same products.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { CheckResult } from "../src/model/decision.js";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const ORDERS = repoPath("examples/check/purchase-orders.csv");

type Run = { code: number; stdout: string; stderr: string };
function run(args: string[], options: { input?: string; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir("ictsguard-cwd-"),
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function checkJson(args: string[]): { code: number; result: CheckResult; stderr: string } {
  const r = run(["check", "-o", "json", ...args]);
  assert.ok(r.stdout.startsWith("{"), `expected JSON, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return { code: r.code, result: JSON.parse(r.stdout) as CheckResult, stderr: r.stderr };
}

type BatchDocument = {
  catalogVersion: string;
  catalogDigest: string;
  input: string;
  decisions: CheckResult[];
  errors: { code: string; message: string; source: { file: string; line?: number } }[];
  summary: { rows: number; decided: number; byDecision: Record<string, number>; errors: number; failed: boolean };
};

describe("check: one transaction", () => {
  it("the issue's cases: contractor, business buying and updating, exporter, carve-out", () => {
    const cases: [string[], string, number][] = [
      [["--role", "federal-contractor", "--action", "buy", "--vendor", "Kaspersky", "--category", "threat-intelligence", "--date", "2018-10-01"], "review", 1],
      [["--role", "federal-contractor", "--action", "resell", "--vendor", "Kaspersky", "--category", "threat-intelligence", "--counterparty", "government", "--date", "2018-10-01"], "prohibited", 1],
      [["--role", "federal-agency", "--action", "install", "--product", "Kaspersky Endpoint Security for Windows", "--date", "2018-01-15"], "prohibited", 1],
      [["--role", "state-local-government", "--action", "buy", "--vendor", "Dahua", "--category", "video-surveillance", "--funding", "federal", "--date", "2021-01-01"], "review", 1],
      [["--role", "state-local-government", "--action", "buy", "--vendor", "Dahua", "--category", "video-surveillance", "--date", "2021-01-01"], "allowed", 0],
      [["--role", "federal-contractor", "--action", "buy", "--vendor", "Kaspersky", "--category", "threat-intelligence", "--date", "2018-09-30"], "allowed", 0],
      [["--role", "business", "--action", "use", "--product", "Kaspersky Endpoint Security for Windows", "--date", "2025-06-01"], "allowed", 0],
      [["--role", "business", "--action", "buy", "--product", "Kaspersky Endpoint Security for Windows", "--date", "2024-07-20"], "prohibited", 1],
      [["--role", "business", "--action", "update", "--product", "Kaspersky Endpoint Security for Windows", "--date", "2024-09-28T23:59:00-04:00"], "allowed", 0],
      [["--role", "business", "--action", "update", "--product", "Kaspersky Endpoint Security for Windows", "--date", "2024-09-29T00:00:00-04:00"], "prohibited", 1],
      [["--role", "exporter", "--action", "export", "--entity", "kaspersky-labs-limited", "--date", "2024-06-24"], "license-required", 1],
      [["--role", "business", "--action", "buy", "--vendor", "Лаборатория Касперского", "--category", "security-training", "--date", "2025-01-01"], "allowed", 0],
    ];
    for (const [args, decision, code] of cases) {
      const r = checkJson(args);
      assert.equal(r.result.decision, decision, `${args.join(" ")}: ${r.result.explanation}`);
      assert.equal(r.code, code, args.join(" "));
      assert.ok(r.result.explanation.length > 0);
      assert.match(r.result.catalogDigest, /^[0-9a-f]{64}$/);
    }
  });

  it("a vendor name only the screener recognizes (another transliteration, Chinese) is review, never a decision; look-alike names stay allowed", () => {
    const screened: [string, string, string][] = [
      ["Kasperskiy Laboratoriya", "ao-kaspersky-lab", "antivirus"],
      ["华为技术公司", "huawei", "telecom-equipment"],
    ];
    for (const [vendor, entity, category] of screened) {
      const r = checkJson(["--role", "federal-agency", "--action", "buy", "--vendor", vendor, "--category", category, "--date", "2025-01-01"]);
      assert.equal(r.result.decision, "review", `${vendor}: ${r.result.explanation}`);
      const party = r.result.party;
      assert.equal(party.how, "fuzzy", vendor);
      assert.equal(party.how === "fuzzy" ? party.entity.id : undefined, entity, vendor);
      assert.match(party.explanation, /screening: /, vendor);
    }
    // Huawei's Chinese legal name is a cited catalog alias: resolved exactly, not by the screener;
    // the answer is section 889's, left for review only by its own (a)(2) exceptions
    const legal = checkJson(["--role", "federal-agency", "--action", "buy", "--vendor", "华为技术有限公司", "--category", "telecom-equipment", "--date", "2025-01-01"]);
    assert.equal(legal.result.party.how, "alias");
    assert.equal(legal.result.decision, "review", legal.result.explanation);
    assert.match(legal.result.explanation, /^Review: FY2019 NDAA section 889 .* would make this prohibited .*Section 889\(a\)\(2\) does not cover/);
    for (const vendor of ["Casper Sleep Inc", "Hikari Vision", "Huawen Foods"]) {
      const r = checkJson(["--role", "federal-contractor", "--action", "buy", "--vendor", vendor, "--category", "antivirus", "--date", "2025-01-01"]);
      assert.equal(r.result.decision, "allowed", `${vendor}: ${r.result.explanation}`);
      assert.equal(r.result.party.how, "none", vendor);
    }
  });

  it("a contractor's supply to the Government between 16 Jul and 30 Sep 2018 is reached by FAR 52.204-23 (for use on or after 1 Oct 2018): review, not allowed", () => {
    const supply = (date: string, ...more: string[]) => checkJson(["--role", "federal-contractor", "--action", "resell", "--product", "kaspersky-anti-virus", "--date", date, ...more]);
    const before = supply("2018-07-15", "--counterparty", "government");
    assert.equal(before.result.decision, "allowed");
    assert.equal(before.result.next?.from, "2018-07-16");
    for (const date of ["2018-07-16", "2018-09-30T23:59:00-04:00"]) {
      const { code, result } = supply(date, "--counterparty", "government");
      assert.equal(result.decision, "review", date);
      assert.equal(code, 1);
      const rule = result.rules.find((r) => r.id === "us-ndaa18-1634-far-52-204-23")!;
      assert.equal(rule.phase?.id, "clause-in-solicitations");
      assert.equal(rule.wouldBe, "prohibited");
      assert.equal(rule.condition?.id, "far-52-204-23-before-1-oct-2018");
      assert.ok(rule.citations.some((c) => c.locator?.includes("83 FR 28141")), JSON.stringify(rule.citations));
      assert.equal(result.next?.from, "2018-10-01");
    }
    assert.equal(supply("2018-10-01", "--counterparty", "government").result.decision, "prohibited");
    // not stated as a supply to the Government, and the contractor's own use: the clause does not reach them before 1 Oct 2018
    assert.equal(supply("2018-08-01").result.decision, "allowed");
    assert.equal(checkJson(["--role", "federal-contractor", "--action", "use", "--product", "kaspersky-anti-virus", "--counterparty", "government", "--date", "2018-08-01"]).result.decision, "allowed");
  });

  it("--fail-on sets the threshold: review fails by default, not with --fail-on prohibited", () => {
    const args = ["--role", "business", "--action", "buy", "--vendor", "Kasperski Lab", "--category", "antivirus", "--date", "2025-01-01"];
    assert.equal(checkJson(args).result.decision, "review");
    assert.equal(checkJson(args).code, 1);
    assert.equal(checkJson([...args, "--fail-on", "prohibited"]).code, 0);
    assert.equal(checkJson([...args, "--fail-on", "none"]).code, 0);
  });

  it("the table names the decision, the rule, its phase and start, and says why", () => {
    const r = run(["check", "-o", "table", "--role", "reseller", "--action", "resell", "--vendor", "AO Kaspersky Lab", "--category", "antivirus", "--date", "2024-10-01"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Decision: PROHIBITED/);
    assert.match(r.stdout, /prohibited\s+us-bis-icts-fd-kaspersky-2024 · Updates, KSN, resale, integration and licensing prohibited, from 2024-09-29 00:00 UTC-04:00/);
    assert.match(r.stdout, /Why:\n {2}Prohibited: a reseller or integrator may not resell/);
    assert.match(r.stdout, /Party: AO Kaspersky Lab → AO Kaspersky Lab \(ao-kaspersky-lab; alias, score 1\.00\)/);
  });

  it("usage errors exit 2 with a message", () => {
    const cases = [
      ["check", "--action", "buy", "--vendor", "Kaspersky"],
      ["check", "--role", "business", "--vendor", "Kaspersky"],
      ["check", "--role", "business", "--action", "fly", "--vendor", "Kaspersky"],
      ["check", "--role", "business", "--action", "buy"],
      ["check", "--role", "business", "--action", "buy", "--vendor", "Kaspersky", "--entity", "kaspersky"],
      ["check", "--role", "business", "--action", "buy", "--vendor", "Kaspersky", "--date", "2024-02-30"],
      ["check", "--role", "business", "--action", "buy", "--entity", "kaspersky-labz"],
      ["check", "--batch", "/no/such/orders.csv"],
    ];
    for (const args of cases) {
      const r = run(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}`);
      assert.ok(r.stderr.length > 0, args.join(" "));
    }
    assert.match(run(["check", "--role", "business", "--action", "buy", "--entity", "kaspersky-labz"]).stderr, /unknown entity "kaspersky-labz".*did you mean/);
    assert.match(run(["check", "--role", "business", "--action", "buy", "--vendor", "K", "--date", "2024-02-30"]).stderr, /invalid date "2024-02-30"/);
  });
});

describe("check: a batch of 1,000 purchase orders, renewals, resale orders and exports", () => {
  it("decides every row as the hand-derived expectation says, in input order, with a summary table", () => {
    const rows = parse(readFileSync(ORDERS, "utf8"), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 1000);
    // [po_number, expected]
    const expected = rows.map((r) => [r.po_number!, r.po_number!, r.expected!] as const);
    assert.ok(expected.every((e) => ["allowed", "prohibited", "license-required", "review"].includes(e[2])));

    const json = run(["check", "--batch", ORDERS, "-o", "json", "--quiet"]);
    assert.equal(json.code, 1, "prohibited rows are over the default --fail-on review");
    const doc = JSON.parse(json.stdout) as BatchDocument;
    assert.equal(doc.decisions.length, 1000);
    assert.deepEqual(doc.errors, []);
    doc.decisions.forEach((d, i) => {
      assert.equal(d.input.ref?.po_number, expected[i]![1], `row ${i + 2} in order`);
      assert.equal(d.source?.line, i + 2);
      assert.equal(d.decision, expected[i]![2], `${d.input.ref?.po_number} (${d.input.ref?.why}): ${d.explanation}`);
    });
    const counts: Record<string, number> = { prohibited: 0, "license-required": 0, review: 0, allowed: 0 };
    for (const e of expected) counts[e[2]]!++;
    assert.deepEqual(doc.summary.byDecision, counts);
    assert.equal(doc.summary.rows, 1000);

    const table = run(["check", "--batch", ORDERS, "-o", "table"]);
    assert.equal(table.code, 1);
    const lines = table.stdout.split("\n");
    assert.match(lines[0]!, /^line\s+ref\s+decision\s+role\s+action\s+party \/ product\s+date\s+rules$/);
    assert.match(lines[1]!, new RegExp(`^2\\s+${expected[0]![1]}\\s+${expected[0]![2]}\\s`));
    for (const [decision, n] of Object.entries(counts)) assert.match(table.stdout, new RegExp(`│ ${decision}\\s+│ ${n}\\s+│`), decision);
    assert.match(table.stdout, /│ rows\s+│ 1000\s+│/);

    const jsonl = run(["check", "--batch", ORDERS, "-o", "jsonl", "--fail-on", "none"]);
    assert.equal(jsonl.code, 0);
    assert.equal(jsonl.stdout.trim().split("\n").length, 1000);
  });

  it("bad rows are located errors (file:line, what was expected); the other rows are still decided; exit 2", () => {
    const dir = tempDir("ictsguard-batch-");
    const file = join(dir, "orders.csv");
    writeFileSync(file, "ref,role,action,vendor,category,date\nA,business,buy,Kaspersky,antivirus,2025-01-01\nB,business,teleport,Kaspersky,antivirus,2025-01-01\nC,business,use,Kaspersky,antivirus,2025-01-01\n");
    const r = run(["check", "--batch", file, "-o", "json"]);
    assert.equal(r.code, 2, "an input error wins over decisions");
    const doc = JSON.parse(r.stdout) as BatchDocument;
    assert.deepEqual(doc.decisions.map((d) => [d.input.ref?.ref, d.decision]), [["A", "prohibited"], ["C", "allowed"]]);
    assert.equal(doc.errors.length, 1);
    assert.deepEqual(doc.errors[0]!.source, { file, line: 3 });
    assert.match(doc.errors[0]!.message, /^action: expected one of buy, renew, install, update, use, resell, license, integrate, support, export \(got "teleport"\)$/);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3: action: expected one of`));
    const table = run(["check", "--batch", file, "-o", "table"]);
    assert.match(table.stdout, /^3\s+error\s+.*orders\.csv:3: action: expected one of/m);
    assert.match(table.stdout, /│ rows with errors\s+│ 1\s+│/);
  });

  it("reads a gzip-compressed batch transparently", async () => {
    const { gzipSync } = await import("node:zlib");
    const file = join(tempDir("ictsguard-gz-"), "orders.csv.gz");
    writeFileSync(file, gzipSync("role,action,entity,date\nexporter,export,ao-kaspersky-lab,2025-01-01\n"));
    const r = run(["check", "--batch", file, "-o", "jsonl", "--fail-on", "none"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as CheckResult).decision, "license-required");
  });

  it("reads JSONL from standard input, with the flags as defaults for missing fields", () => {
    const input = [
      JSON.stringify({ vendor: "OOO Kaspersky Group", po: "X1" }),
      JSON.stringify({ vendor: "Kaspersky Lab, Inc.", po: "X2" }),
      JSON.stringify({ vendor: "Kaspersky", po: "X3", date: "2024-06-23" }),
    ].join("\n");
    const r = run(["check", "--batch", "-", "--role", "exporter", "--action", "export", "--date", "2025-01-01", "-o", "jsonl", "--fail-on", "none"], { input });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as CheckResult);
    assert.deepEqual(out.map((d) => [d.input.ref?.po, d.decision]), [["X1", "license-required"], ["X2", "allowed"], ["X3", "allowed"]]);
  });
});

describe("check: the decision log", () => {
  it("--log appends one line per decision, across runs, with input, decision, rules, catalog digest and time", () => {
    const dir = tempDir("ictsguard-log-");
    const log = join(dir, "audit", "decisions.jsonl");
    run(["check", "--role", "business", "--action", "buy", "--product", "Kaspersky Free", "--date", "2025-01-01", "--log", log, "-o", "json"]);
    run(["check", "--batch", ORDERS, "--log", log, "-o", "jsonl", "--fail-on", "none"]);
    const lines = readFileSync(log, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { input: { product?: string; ref?: Record<string, string> }; decision: string; rules: { id: string }[]; catalogDigest: string; time: string; source?: { line: number } });
    assert.equal(lines.length, 1001);
    assert.equal(lines[0]!.input.product, "Kaspersky Free");
    assert.equal(lines[0]!.decision, "prohibited");
    assert.equal(lines[0]!.rules[0]!.id, "us-bis-icts-fd-kaspersky-2024");
    assert.ok(lines.every((l) => /^[0-9a-f]{64}$/.test(l.catalogDigest) && !Number.isNaN(Date.parse(l.time))));
    assert.equal(lines[1]!.source?.line, 2);
    assert.equal(lines[1]!.decision, lines[1]!.input.ref?.expected);
  });
});

describe("scan and check agree on the same products", () => {
  it("a scan's statuses follow from check's decisions for each profile and date", () => {
    const dir = tempDir("ictsguard-agree-");
    const products = ["Kaspersky Endpoint Security for Windows", "Kaspersky Security Center Network Agent", "Kaspersky Threat Intelligence Portal", "Kaspersky Total Security", "Hikvision iVMS-4200"];
    const inventory = join(dir, "inventory.csv");
    writeFileSync(inventory, `host,name\n${products.map((p) => `ws-1,${p}`).join("\n")}\n`);
    const actions = ["buy", "renew", "update", "use", "resell", "license", "integrate", "support", "export"];
    const profiles = ["business", "reseller", "federal-contractor"];
    const dates = ["2020-08-13", "2024-08-01", "2025-01-01"];
    // every (profile, date, product, action) in one batch
    const batch = join(dir, "orders.csv");
    const combos = profiles.flatMap((role) => dates.flatMap((date) => products.flatMap((p) => actions.map((a) => `${role},${date},"${p}",${a}`))));
    writeFileSync(batch, `role,date,product,action\n${combos.join("\n")}\n`);
    const checked = run(["check", "--batch", batch, "-o", "jsonl", "--fail-on", "none"]);
    const decisions = checked.stdout.trim().split("\n").map((l) => JSON.parse(l) as CheckResult);
    assert.equal(decisions.length, combos.length);
    for (const profile of profiles) {
      for (const date of dates) {
        const scan = run(["scan", inventory, "-o", "json", "--quiet", "--profile", profile, "--as-of", date, "--fail-on", "none"]);
        const doc = JSON.parse(scan.stdout) as ReportDocument;
        const holding = profile === "reseller" ? ["use", "resell", "license"] : ["use"];
        for (const name of products) {
          const finding = doc.findings.find((f) => f.observation.name === name);
          assert.ok(finding, `${name} found`);
          const mine = decisions.filter((d) => d.input.product === name && d.input.role === profile && d.input.date === date);
          assert.equal(mine.length, actions.length);
          const of = (a: string) => mine.find((d) => d.input.action === a)!.decision;
          const expected = holding.some((a) => of(a) === "prohibited")
            ? "prohibited"
            : ["prohibited", "license-required"].includes(of("update"))
              ? "unsupported"
              : mine.some((d) => d.next)
                ? "deadline"
                : "review";
          assert.equal(finding.status, expected, `${profile} ${date} ${name}: scan ${finding.status}, check ${expected}`);
        }
      }
    }
  });
});
