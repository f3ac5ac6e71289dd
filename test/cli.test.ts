/**
 * End-to-end tests: the real `ictsguard` command (bin/ictsguard.js) run as a child process over
 * real files, the bundled catalog and real sample inputs, as a user runs it.
 */
import assert from "node:assert/strict";
import { createResolver } from "../src/report/document.js";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const fixture = (...p: string[]) => repoPath("test/fixtures", ...p);
const example = (...p: string[]) => repoPath("examples/fleet", ...p);

type Run = { code: number; stdout: string; stderr: string };
function run(args: string[], options: { cwd?: string; input?: string } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir("ictsguard-cwd-"), // no stray config file
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function scanJson(args: string[], options: { cwd?: string; input?: string } = {}): { code: number; doc: ReportDocument; stderr: string } {
  const r = run(["scan", "-o", "json", "--quiet", ...args], options);
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as ReportDocument, stderr: r.stderr };
}

describe("scan: the issue's judgments on the example fleet", () => {
  it("federal contractor on 2025-01-01: FAR 52.204-23 is cited first and left for review within contract performance; no lawful updates in any case", () => {
    const { code, doc } = scanJson([example(), "--profile", "federal-contractor", "--as-of", "2025-01-01"]);
    assert.equal(code, 1);
    assert.equal(doc.profile, "federal-contractor");
    assert.equal(doc.asOf, "2025-01-01");
    const resolve = createResolver(doc);
    const kaspersky = doc.findings
      .filter((f) => f.vendor === "kaspersky")
      .map((f) => resolve(f))
      .filter((f) => !f.product.removalTool);
    assert.ok(kaspersky.length >= 8, `found ${kaspersky.length}`);
    for (const f of kaspersky) {
      const far = f.rules[0]!;
      assert.equal(far.id, "us-ndaa18-1634-far-52-204-23", f.observation.name);
      assert.ok(far.effect === "conditional" && far.phase?.from === "2018-10-01" && far.condition?.id === "far-52-204-23-scope");
      assert.equal(far.citations[0]!.source, "ndaa18");
      assert.ok(far.citation.length > 0 && far.citations.every((c) => c.text.length > 0));
      // what is certain is the Final Determination (threat intelligence and training are carved out of it)
      const fd = f.rules.find((r) => r.id === "us-bis-icts-fd-kaspersky-2024");
      assert.equal(f.status, fd?.effect === "ends-updates" ? "unsupported" : "review", `${f.observation.name}: ${f.reason}`);
      assert.match(f.reason, /FAR 52\.204-23 reaches supplying/);
    }
  });

  it("business on 2025-01-01: unsupported, citing the Final Determination", () => {
    const { doc } = scanJson([example(), "--profile", "business", "--as-of", "2025-01-01"]);
    const resolve = createResolver(doc);
    const kaspersky = doc.findings.filter((f) => f.vendor === "kaspersky").map((f) => resolve(f));
    assert.ok(kaspersky.length >= 8);
    for (const f of kaspersky) {
      assert.equal(f.status, "unsupported", `${f.observation.name}: ${f.reason}`);
      const fd = f.rules.find((r) => r.id === "us-bis-icts-fd-kaspersky-2024");
      assert.equal(fd?.effect, "ends-updates");
      assert.equal(fd?.phase?.from, "2024-09-29T00:00:00-04:00");
    }
  });

  it("business on 2024-08-01: the 2024-09-29 deadline is reported", () => {
    const { doc } = scanJson([example(), "--profile", "business", "--as-of", "2024-08-01"]);
    const resolve = createResolver(doc);
    const kaspersky = doc.findings.filter((f) => f.vendor === "kaspersky").map((f) => resolve(f));
    assert.ok(kaspersky.length >= 8);
    for (const f of kaspersky) {
      assert.equal(f.status, "deadline", f.observation.name);
      assert.equal(f.deadline, "2024-09-29");
    }
  });

  it("each finding carries its source, observation, product, evidence and remediation", () => {
    const { doc } = scanJson([example("windows-software.csv"), "--as-of", "2025-01-01"]);
    const kes = doc.findings.find((f) => f.observation.name === "Kaspersky Endpoint Security for Windows");
    assert.ok(kes);
    assert.deepEqual(kes.source, { file: example("windows-software.csv"), line: 2, reader: "inventory/csv" });
    assert.equal(kes.observation.vendor, "AO Kaspersky Lab");
    assert.equal(kes.observation.version, "12.1.0.506");
    assert.equal(kes.observation.kind, "software");
    assert.equal(kes.product, "kaspersky-endpoint-security");
    assert.ok(kes.confidence >= 0.9);
    assert.ok(kes.evidence.some((e) => e.matcher === "product-name" && e.found.value.length > 0));
    assert.ok(doc.remediations.find((r) => r.id === kes.remediation)!.text.length > 20);
    // the program, and its process avp.exe on the same host (line 4), are one finding
    assert.equal(kes.count, 2);
    assert.deepEqual(kes.lastSource, { file: example("windows-software.csv"), line: 4, reader: "inventory/csv" });
    assert.ok(kes.evidence.some((e) => e.matcher === "process" && e.searchedBy !== undefined));
    assert.equal(doc.tool.name, "ictsguard");
    assert.match(doc.catalog.version, /^\d{4}\.\d{2}\.\d{2}(\.\d+)?$/); // a date, and a number for a second release that day
    assert.match(doc.catalog.digest, /^[0-9a-f]{64}$/);
  });

  it("the JSON report is compact: under 1.5 KB per finding, and every rule, product and remediation a finding names is in the tables", () => {
    const r = run(["scan", example(), "-o", "json", "--quiet", "--as-of", "2025-01-01"]);
    const doc = JSON.parse(r.stdout) as ReportDocument;
    assert.equal(doc.reportVersion, 2);
    assert.ok(doc.findings.length >= 8);
    // the findings array as -o json writes it: from its opening bracket to its closing one
    const start = r.stdout.indexOf('"findings": [');
    const end = r.stdout.indexOf("\n  ]", start);
    const bytes = Buffer.byteLength(r.stdout.slice(start, end + 4));
    assert.ok(bytes / doc.findings.length < 1500, `${(bytes / doc.findings.length).toFixed(0)} bytes per finding`);
    const rules = new Set(doc.rules.map((x) => x.id));
    const products = new Set(doc.products.map((x) => x.id));
    const remediations = new Set(doc.remediations.map((x) => x.id));
    for (const f of doc.findings) {
      assert.ok(products.has(f.product), f.product);
      assert.ok(remediations.has(f.remediation), f.remediation);
      for (const ref of f.rules) {
        assert.ok(rules.has(ref.id), ref.id);
        if (ref.phase) assert.ok(doc.rules.find((x) => x.id === ref.id)!.phases.some((p) => p.id === ref.phase), `${ref.id} ${ref.phase}`);
      }
      for (const d of f.deadlines ?? []) assert.ok(rules.has(d.rule), d.rule);
    }
  });
});

describe("scan: identifiers of every kind, and look-alikes", () => {
  it("finds Kaspersky under localized names, processes, services, drivers, bundle ids, app ids, extensions, domains, packages", () => {
    const { doc } = scanJson([fixture("kaspersky-everywhere.csv"), "--as-of", "2025-01-01"]);
    const byLine = new Map(doc.findings.map((f) => [f.source.line, f]));
    const expected: [number, string][] = [
      [2, "kaspersky-endpoint-security"],
      [3, "kaspersky-security-center"],
      [4, "kaspersky-total-security"],
      [5, "kaspersky-internet-security"],
      [6, "kaspersky-security-cloud"],
      [7, "kaspersky-anti-virus"],
      [8, "kaspersky-security-for-windows-server"],
      [9, "kaspersky-security-center"], // KLNAGENT.EXE, and its service klnagent (line 10) on the same host
      [11, "kaspersky-unidentified"], // klif.sys, and klflt.sys (line 12) on the same host
      [13, "kaspersky-internet-security"],
      [14, "kaspersky-security-vpn-android"],
      [15, "kaspersky-protection-extension"],
    ];
    for (const [line, product] of expected) assert.equal(byLine.get(line)?.product, product, `line ${line}: ${JSON.stringify(byLine.get(line)?.evidence)}`);
    // one finding per host and product: a second row of the same product on the same host joins the first
    for (const [first, last] of [[9, 10], [11, 12]] as const) {
      assert.equal(byLine.get(first)!.count, 2);
      assert.equal(byLine.get(first)!.lastSource?.line, last);
    }
    for (let line = 2; line <= 18; line++) {
      if (line === 10 || line === 12 || line === 17) continue; // merged into lines 9, 11 and 16 (fw-01's second domain row)
      const f = byLine.get(line);
      assert.ok(f, `line ${line} not found`);
      assert.equal(f.vendor, "kaspersky", `line ${line}`);
      assert.notEqual(f.status, "review", `line ${line} (${f.observation.name}) confidence ${f.confidence}`);
    }
    // the two domain rows of fw-01 are one finding for that client, with both domains
    const fw = byLine.get(16)!;
    assert.equal(fw.observation.host, "fw-01");
    assert.deepEqual(fw.network?.domains.map((d) => [d.domain, d.role, d.count, d.source.line]), [
      ["dnl-05.geo.kaspersky.com", "update", 1, 16],
      ["ksn-file-geo.kaspersky-labs.com", "telemetry", 1, 17],
    ]);
    assert.equal(doc.findings.length, 14);
    const kinds = new Set(doc.findings.map((f) => f.observation.kind));
    for (const k of ["software", "process", "driver", "mobile-app", "extension", "domain", "package"]) assert.ok(kinds.has(k as never), k);
    // the service's evidence is on the agent's finding
    assert.ok(byLine.get(9)!.evidence.some((e) => e.matcher === "service" && e.searchedBy !== undefined));
  });

  it("look-alikes are not reported (UltraAV, Pango, ESET, Microsoft klist, ksnip, Checkmarx KICS, other domains)", () => {
    const { code, doc } = scanJson([fixture("lookalikes.csv"), "--as-of", "2025-01-01"]);
    assert.deepEqual(
      doc.findings.map((f) => `${f.source.line}: ${f.observation.name} → ${f.product}`),
      [],
    );
    assert.equal(code, 0);
    assert.ok(doc.summary.lookalikes >= 10, `look-alike hits: ${doc.summary.lookalikes}`);
    assert.ok(doc.lookalikes.some((l) => l.lookalike.id === "pango-ultraav"));
    assert.equal(doc.summary.observations, 16);
  });

  it("real public SBOMs with no restricted software report nothing and exit 0", () => {
    const inputs = [
      fixture("real"),
      repoPath("src/readers/cyclonedx-json/testdata/laravel-7.12.0.bom.1.4.json"),
      repoPath("src/readers/cyclonedx-json/testdata/dropwizard-1.3.15.bom.json"),
      repoPath("src/readers/spdx-json/testdata/SPDXJSONExample-v2.3.spdx.json"),
    ];
    const { code, doc } = scanJson([...inputs, "--profile", "federal-agency"]);
    assert.equal(doc.errors.filter((e) => e.severity === "error").length, 0, JSON.stringify(doc.errors));
    assert.deepEqual(doc.findings.map((f) => `${f.observation.name} → ${f.product} (${f.confidence})`), []);
    assert.ok(doc.summary.observations > 500, `observations: ${doc.summary.observations}`);
    assert.equal(code, 0);
  });
});

describe("scan: exceptions from the config file", () => {
  const config = (expires: string) =>
    [
      "profile: business",
      "exceptions:",
      "  - product: kaspersky-endpoint-security",
      "    host: ws-finance-*",
      "    reason: Isolated malware-analysis lab; removal ticket SEC-1234",
      "    author: secops@example.org",
      `    expires: ${expires}`,
      "",
    ].join("\n");

  it("an exception with a future expiry suppresses its finding", () => {
    const cwd = tempDir("ictsguard-exc-");
    writeFileSync(join(cwd, "ictsguard.yaml"), config("2099-12-31"));
    const { doc } = scanJson([example("windows-software.csv"), "--as-of", "2025-01-01"], { cwd });
    const suppressed = doc.suppressed.filter((f) => f.product === "kaspersky-endpoint-security");
    assert.equal(suppressed.length, 1, "the KES row and its avp.exe process on ws-finance-01 are one finding");
    assert.equal(suppressed[0]!.count, 2);
    assert.equal(suppressed[0]!.exception.reason, "Isolated malware-analysis lab; removal ticket SEC-1234");
    assert.equal(suppressed[0]!.exception.author, "secops@example.org");
    assert.ok(!doc.findings.some((f) => f.product === "kaspersky-endpoint-security"));
    assert.equal(doc.summary.suppressed, 1);
  });

  it("the same exception past its expiry no longer applies, and says so", () => {
    const cwd = tempDir("ictsguard-exc-");
    writeFileSync(join(cwd, "ictsguard.yaml"), config("2020-01-01"));
    const { doc } = scanJson([example("windows-software.csv"), "--as-of", "2025-01-01"], { cwd });
    assert.equal(doc.suppressed.length, 0);
    const kes = doc.findings.filter((f) => f.product === "kaspersky-endpoint-security");
    assert.equal(kes.length, 1);
    assert.equal(kes[0]!.count, 2);
    assert.equal(kes[0]!.expiredExceptions?.[0]?.expires, "2020-01-01");
    const table = run(["scan", example("windows-software.csv"), "--as-of", "2025-01-01", "-o", "table"], { cwd });
    assert.match(table.stdout, /exception #1 \(Isolated malware-analysis lab.*\) expired on\s+2020-01-01 and no longer applies/);
  });

  it("suppressed findings do not count for --fail-on", () => {
    const cwd = tempDir("ictsguard-exc-");
    writeFileSync(
      join(cwd, "ictsguard.yaml"),
      "exceptions:\n  - vendor: kaspersky\n    reason: accepted until migration\n    author: cio@example.org\n    expires: 2099-01-01\n",
    );
    const { code, doc } = scanJson([example("windows-software.csv"), "--as-of", "2025-01-01"], { cwd });
    assert.equal(doc.findings.length, 0);
    assert.ok(doc.suppressed.length >= 6);
    assert.equal(code, 0);
  });
});

describe("scan: exit codes, thresholds and bad input", () => {
  it("--fail-on sets the threshold: 1 at or over it, 0 under it", () => {
    assert.equal(scanJson([example(), "--as-of", "2025-01-01", "--fail-on", "unsupported"]).code, 1);
    assert.equal(scanJson([example(), "--as-of", "2025-01-01", "--fail-on", "prohibited"]).code, 0);
    assert.equal(scanJson([example(), "--as-of", "2025-01-01", "--fail-on", "none"]).code, 0);
    assert.equal(scanJson([example(), "--as-of", "2024-08-01", "--fail-on", "deadline"]).code, 1);
  });

  it("usage errors exit 2 with a message", () => {
    const cases = [
      ["scan"],
      ["scan", example(), "--profile", "martian"],
      ["scan", example(), "--as-of", "2024-02-30"],
      ["scan", example(), "-o", "xml"],
      ["scan", example(), "--threads", "0"],
      ["scan", example(), "--threads", "two"],
      ["frobnicate"],
    ];
    for (const args of cases) {
      const r = run(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.ok(r.stderr.length > 0, args.join(" "));
    }
    assert.match(run(["scan", example(), "--as-of", "2024-02-30"]).stderr, /invalid date "2024-02-30"/);
    assert.match(run(["scan", example(), "--threads", "0"]).stderr, /--threads: expected a whole number from 1 to 64, found "0"/);
  });

  it("a truncated file, an unknown format and a missing file are located errors; the other inputs are still scanned", () => {
    const dir = tempDir("ictsguard-bad-");
    const truncated = join(dir, "truncated.cdx.json");
    copyFileSync(repoPath("src/readers/cyclonedx-json/testdata/truncated.cdx.json"), truncated);
    const unknown = join(dir, "notes.txt");
    writeFileSync(unknown, "just some notes\nnothing to see\n");
    const { code, doc, stderr } = scanJson([truncated, unknown, join(dir, "missing.csv"), example("windows-software.csv"), "--as-of", "2025-01-01"]);
    assert.equal(code, 2, "input errors win over findings");
    const codes = doc.errors.map((e) => `${e.code} ${e.source.file}${e.source.line ? ":" + e.source.line : ""}`);
    assert.ok(codes.some((c) => c.startsWith("json/truncated " + truncated + ":")), codes.join("\n"));
    assert.ok(codes.includes(`input/unknown-format ${unknown}`), codes.join("\n"));
    assert.ok(codes.includes(`input/not-found ${join(dir, "missing.csv")}`), codes.join("\n"));
    assert.ok(doc.findings.some((f) => f.source.file === example("windows-software.csv")), "the good file was scanned");
    assert.equal(stderr, "", "--quiet keeps stderr empty");
  });

  it("reads standard input with -", () => {
    const csv = readFileSync(example("windows-software.csv"), "utf8");
    const { doc } = scanJson(["-", "--as-of", "2025-01-01"], { input: csv });
    assert.ok(doc.findings.length >= 6);
    assert.ok(doc.findings.every((f) => f.source.file === "-"));
  });

  it("reads gzip-compressed inputs transparently", async () => {
    const { gzipSync } = await import("node:zlib");
    const dir = tempDir("ictsguard-gz-");
    const gz = join(dir, "software.csv.gz");
    writeFileSync(gz, gzipSync(readFileSync(example("windows-software.csv"))));
    const { doc } = scanJson([gz, "--as-of", "2025-01-01"]);
    assert.ok(doc.findings.length >= 6);
  });
});

describe("scan: output formats", () => {
  it("SARIF output is valid SARIF 2.1.0", () => {
    const r = run(["scan", example(), "-o", "sarif", "--as-of", "2025-01-01", "--quiet"]);
    const log = JSON.parse(r.stdout) as { runs: { results: { level: string }[] }[] };
    const schema = JSON.parse(readFileSync(repoPath("src/report/sarif/testdata/sarif-schema-2.1.0.json"), "utf8"));
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const valid = ajv.validate(schema, log);
    assert.ok(valid, JSON.stringify(ajv.errors?.slice(0, 3)));
    const results = log.runs[0]!.results;
    assert.ok(results.length >= 8);
    assert.ok(results.every((r) => r.level === "error"), "unsupported findings are errors in SARIF");
  });

  it("CSV output has a header and one row per finding", () => {
    const r = run(["scan", example(), "-o", "csv", "--as-of", "2025-01-01", "--quiet"]);
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0]!, /^status,vendor,product_id/);
    const json = scanJson([example(), "--as-of", "2025-01-01"]).doc;
    assert.equal(lines.length - 1, json.findings.length);
  });

  it("the table names the findings, their rules and the summary; --output-file writes the report there", () => {
    const r = run(["scan", example(), "-o", "table", "--as-of", "2025-01-01"]);
    assert.match(r.stdout, /unsupported\s+Kaspersky\s+Kaspersky Endpoint Security/);
    assert.match(r.stdout, /us-bis-icts-fd-kaspersky-2024/);
    assert.match(r.stdout, /as of 2025-01-01/);
    const out = join(tempDir("ictsguard-out-"), "report.json");
    const f = run(["scan", example(), "-o", "json", "--output-file", out, "--as-of", "2025-01-01", "--quiet"]);
    assert.equal(f.stdout, "");
    assert.ok((JSON.parse(readFileSync(out, "utf8")) as ReportDocument).findings.length >= 8);
  });
});

describe("feedback and discovery", () => {
  it("no progress bar when stderr is not a terminal, even without --quiet", () => {
    const r = run(["scan", example(), "-o", "json", "--as-of", "2025-01-01"]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /scanning|%/);
  });

  it("formats lists every reader by the name --input-format takes", () => {
    const r = run(["formats"]);
    assert.equal(r.code, 0);
    for (const name of ["sbom/cyclonedx-json", "sbom/spdx-json", "osquery", "inventory/csv"]) assert.match(r.stdout, new RegExp(`^${name.replace("/", "\\/")}\\s`, "m"));
  });

  it("--input-format forces a reader: an osquery file read as CSV finds no name column", () => {
    const { code, doc } = scanJson([example("linux-hosts.osquery.json"), "--input-format", "inventory/csv"]);
    assert.equal(code, 2);
    assert.equal(doc.findings.length, 0);
    assert.ok(doc.errors.some((e) => e.code.startsWith("csv/")), JSON.stringify(doc.errors));
  });
});

describe("catalog commands", () => {
  it("validate accepts the bundled catalog; show prints a cited rule; list names the entities", () => {
    const v = run(["catalog", "validate"]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /is valid: \d+ rules/);
    const s = run(["catalog", "show", "us-bis-entity-list-kaspersky-2024", "-o", "json"]);
    const rule = JSON.parse(s.stdout);
    assert.deepEqual(rule.entities, ["ao-kaspersky-lab", "ooo-kaspersky-group", "kaspersky-labs-limited"]);
    assert.ok(rule.citations.length > 0);
    const l = run(["catalog", "list", "--section", "entities"]);
    for (const name of ["AO Kaspersky Lab", "OOO Kaspersky Group", "Kaspersky Labs Limited", "Kaspersky Lab, Inc."]) assert.ok(l.stdout.includes(name), name);
    assert.equal(run(["catalog", "show", "no-such-id"]).code, 2);
  });

  it("validate names each problem at its line, with what the catalog's text holds escaped (it reached the terminal raw)", () => {
    const dir = tempDir("ictsguard-catalog-");
    const yaml = readFileSync(repoPath("src/catalog/testdata/unknown-vendor/catalog.yaml"), "utf8").replace("vendor: acme-labs", 'vendor: "acme-\\e]0;PWNED\\a\\u202e-labs"');
    writeFileSync(join(dir, "catalog.yaml"), yaml);
    const v = run(["catalog", "validate", dir]);
    assert.equal(v.code, 2);
    assert.match(v.stderr, new RegExp(`^error: ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/catalog\\.yaml:\\d+ .*products\\[0\\]\\.vendor`, "m"));
    assert.ok(!/[\u001b\u0007\u202e]/.test(v.stderr), JSON.stringify(v.stderr));
    assert.match(v.stderr, /catalog invalid: 1 problem\(s\)/);
  });
});
