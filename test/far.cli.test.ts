/**
 * `ictsguard report --far-52-204-23` and `--far-52-204-25`: report drafts made by the real command
 * from real scans (examples/fleet; the CSV device inventory of the csv reader's test data), with
 * deadlines counted over a weekend and federal holidays, from the catalog's obligations.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const XSS = "<img src=x onerror=alert(1)>";
function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, input: "" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("FAR report drafts", () => {
  const dir = tempDir("ictsguard-far-");
  let kaspersky: ReportDocument;

  before(() => {
    copyFileSync(repoPath("examples/fleet/windows-software.csv"), join(dir, "windows-software.csv"));
    writeFileSync(join(dir, "odd.csv"), `host,kind,name,vendor,version\nws-odd-07,software,${XSS},Kaspersky Lab,1.0\n`);
    const k = run(["scan", "windows-software.csv", "odd.csv", "--profile", "federal-contractor", "--as-of", "2025-08-29", "-o", "json", "-q", "--fail-on", "none", "--output-file", "kaspersky.json"], dir);
    assert.equal(k.code, 0, k.stderr);
    kaspersky = JSON.parse(readFileSync(join(dir, "kaspersky.json"), "utf8")) as ReportDocument;
    const d = run(["scan", repoPath("src/readers/csv/testdata/kind-device.csv"), "--profile", "federal-contractor", "--as-of", "2025-08-29", "-o", "json", "-q", "--fail-on", "none", "--output-file", "devices.json"], dir);
    assert.equal(d.code, 0, d.stderr);
  });

  it("52.204-23, discovered Friday 29 Aug 2025: 3 business days skip the weekend and Labor Day (due Thu 4 Sep)", () => {
    const r = run(["report", "kaspersky.json", "--far-52-204-23", "--discovered", "2025-08-29"], dir);
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^# DRAFT: FAR 52\.204-23: Report of a Kaspersky Lab covered article/);
    assert.match(md, /\| Report \| 3 business days \| \*\*2025-09-04\*\* \| 2025-08-30 \(Saturday\), 2025-08-31 \(Sunday\), 2025-09-01 \(Labor Day\) \|/);
    assert.match(md, /FAR 52\.204-23\(c\)\(2\)\(i\); FAC 2023-06/); // the duty's citation, from the catalog
    assert.match(md, /DIBNet, <https:\/\/dibnet\.dod\.mil>/);
    assert.match(md, /contracting officer/);
    assert.match(md, /- Contract number: _{10,}/);
    // what, where, when and the mitigation, from the findings
    assert.match(md, /Антивирус Касперского/);
    assert.match(md, /Where: windows-software\.csv:\d+/);
    assert.match(md, /When: scanned .*; discovered 2025-08-29/);
    assert.match(md, /Mitigation \(recommended\): Remove Kaspersky covered articles from systems used for federal work/);
    assert.equal((md.match(/^### \d+\. /gm) ?? []).length, kaspersky.findings.length);
    // the markup-named program is text, not HTML
    assert.ok(!md.includes("<img"));
    assert.ok(md.includes("&lt;img src=x onerror=alert(1)&gt;"));
  });

  it("52.204-23 over Christmas: discovered Wed 24 Dec 2025, due Tue 30 Dec", () => {
    const r = run(["report", "kaspersky.json", "--far-52-204-23", "--discovered", "2025-12-24"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| Report \| 3 business days \| \*\*2025-12-30\*\* \| 2025-12-25 \(Christmas Day\), 2025-12-27 \(Saturday\), 2025-12-28 \(Sunday\) \|/);
  });

  it("52.204-25(d), equipment discovered Friday 29 Aug 2025: 1 business day (Tue 2 Sep) then 10 (Mon 15 Sep)", () => {
    const r = run(["report", "devices.json", "--far-52-204-25", "--discovered", "2025-08-29"], dir);
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^# DRAFT: FAR 52\.204-25\(d\)/);
    assert.match(md, /\| Report \| 1 business day \| \*\*2025-09-02\*\* \| 2025-08-30 \(Saturday\), 2025-08-31 \(Sunday\), 2025-09-01 \(Labor Day\) \|/);
    assert.match(md, /\| Further report: mitigation actions taken or recommended \| 10 business days \| \*\*2025-09-15\*\* \|/);
    assert.match(md, /Brand: Huawei/);
    assert.match(md, /Brand: Dahua/);
    assert.match(md, /- Supplier name: _{10,}/);
    assert.match(md, /Model number/);
    assert.match(md, /confirm each one before reporting/); // review findings (purpose limit, 889(a)(2))
    const html = run(["report", "devices.json", "--far-52-204-25", "--discovered", "2025-08-29", "--format", "html"], dir);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /Content-Security-Policy/);
    assert.match(html.stdout, /<td><strong>2025-09-15<\/strong><\/td>/);
  });

  it("the deadlines are the catalog's: a catalog that says 5 business days gives Mon 8 Sep", () => {
    const catalog = join(dir, "catalog");
    cpSync(repoPath("catalog"), catalog, { recursive: true });
    const file = join(catalog, "rules/ndaa18-1634-far-52-204-23.yaml");
    const yaml = readFileSync(file, "utf8");
    assert.ok(yaml.includes("businessDays: [3]"));
    writeFileSync(file, yaml.replace("businessDays: [3]", "businessDays: [5]"));
    const r = run(["report", "kaspersky.json", "--far-52-204-23", "--discovered", "2025-08-29", "--catalog", catalog], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| Report \| 5 business days \| \*\*2025-09-08\*\* \|/);
    assert.match(r.stderr, /the duty and deadlines here are from catalog/); // another catalog than the scan's
  });

  it("without --discovered the scan's date (US Eastern) is the discovery date, and the draft says so", () => {
    const r = run(["report", "kaspersky.json", "--far-52-204-23"], dir);
    assert.equal(r.code, 0, r.stderr);
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(kaspersky.generatedAt));
    assert.ok(r.stdout.includes(`Discovered on **${day}** (the date of the scan in US Eastern`));
  });

  it("nothing the clause reaches: no draft, exit 0, said on stderr; bad flags exit 2", () => {
    const r = run(["report", "kaspersky.json", "--far-52-204-25"], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /nothing to report under FAR 52\.204-25\(d\)/);
    assert.equal(run(["report", "kaspersky.json", "--far-52-204-23", "--discovered", "2025-02-30"], dir).code, 2);
    assert.equal(run(["report", "kaspersky.json", "--far-52-204-23", "--far-52-204-25"], dir).code, 2);
    assert.equal(run(["report", "kaspersky.json", "--discovered", "2025-08-29"], dir).code, 2);
  });
});
