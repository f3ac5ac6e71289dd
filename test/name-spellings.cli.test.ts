/**
 * End to end: product names written as ids (CamelCase, dotted, underscored) or with invisible
 * characters inside (soft hyphen, zero-width space and joiner, word joiner, BOM) are found by the
 * real `ictsguard scan`, in every inventory format that carries a product name, and other
 * vendors' CamelCase names are not. Then the same names in the middle of long inventories, which
 * the CSV reader and the osquery reader read on their fast paths (runs of lines the catalog's
 * literal prefilter clears are counted, not parsed): a name whose only catalog word is cut by an
 * invisible character holds no catalog literal, and must still reach the matcher.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import type { Prefilter } from "../src/match/prefilter.js";
import { bundledPrefilter } from "../src/testing/fast-path.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");

/** Each spelling names another product, so that no two merge into one finding. */
const ODD: readonly (readonly [string, string])[] = [
  ["KasperskyTotalSecurity", "kaspersky-total-security"],
  ["Kaspersky\u00ADInternet Security", "kaspersky-internet-security"],
  ["Kaspersky.SecurityCloud", "kaspersky-security-cloud"],
  ["Ka\u200Bspersky Safe Kids", "kaspersky-safe-kids"],
  ["KasperskyEndpointSecurityForWindows", "kaspersky-endpoint-security"],
  ["Kaspersky\u2060Password\u200DManager", "kaspersky-password-manager"],
  ["Kaspersky_VPN\uFEFFSecureConnection", "kaspersky-vpn-secure-connection"],
  ["Kaspersky\u00ADAntivirus", "kaspersky-anti-virus"],
];
const CLEAN = ["McAfee", "iPhone", "PowerShell", "GitHub Desktop", "TeamViewer", "AnyDesk", "OneDrive", "KeePassXC", "ksnip", "Checkmarx KICS", "Kaspresso"];
const NAMES = [...ODD.map(([name]) => name), ...CLEAN];

function scan(file: string, engine: string[] = []): ReportDocument {
  const r = spawnSync(process.execPath, [...engine, BIN, "scan", file, "-o", "json", "--quiet", "--fail-on", "none", "--profile", "federal-agency", "--as-of", "2025-01-01"], {
    cwd: tempDir("ictsguard-cwd-"), // no stray config file
    input: "",
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1" },
  });
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return JSON.parse(r.stdout) as ReportDocument;
}

/** A name as the report shows it, less what some readers drop from values (a BOM) and no one sees. */
const shown = (name: string) => JSON.stringify(name.replace(/\p{Default_Ignorable_Code_Point}/gu, ""));

/** The findings as "observed name → product", every one sure (not left for review). */
function found(doc: ReportDocument): string[] {
  assert.deepEqual(doc.errors, []);
  for (const f of doc.findings) assert.notEqual(f.status, "review", `${JSON.stringify(f.observation.name)} only left for review`);
  return doc.findings.map((f) => `${f.product} ← ${shown(f.observation.name)}`).sort();
}
const EXPECTED = ODD.map(([name, product]) => `${product} ← ${shown(name)}`).sort();

/** JSON text with every character outside ASCII written as a `\u` escape, as osqueryd writes them. */
const escaped = (json: string): string => json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const programRow = (name: string) => ({ name, version: "21.3", publisher: "", install_location: "", identifying_number: "", uninstall_string: "" });
const logLine = (name: string, i: number) =>
  escaped(JSON.stringify({ name: "pack_programs", hostIdentifier: "ws-1", calendarTime: "Tue Oct  1 08:00:00 2024 UTC", unixTime: 1727769600 + i, columns: programRow(name), action: "added" }));

describe("name spellings in every inventory format", () => {
  const dir = tempDir("ictsguard-names-");
  const formats: Record<string, string | Buffer> = {
    "inventory.csv": ["name,vendor,version", ...NAMES.map((n) => `${csvCell(n)},,21.3`)].join("\n") + "\n",
    "programs.json": JSON.stringify(NAMES.map(programRow), null, 1),
    "programs-escaped.json": escaped(JSON.stringify(NAMES.map(programRow), null, 1)),
    "osqueryd.results.log": NAMES.map(logLine).join("\n") + "\n",
    "detectedApps.json": JSON.stringify({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps",
      value: NAMES.map((n, i) => ({ id: `app-${i}`, displayName: n, version: "21.3", sizeInByte: 0, deviceCount: 1, publisher: "", platform: "windows" })),
    }),
    "winget-export.json": JSON.stringify({
      $schema: "https://aka.ms/winget-packages.schema.2.0.json",
      CreationDate: "2024-10-02T08:15:30.123-00:00",
      Sources: [{ Packages: NAMES.map((n) => ({ PackageIdentifier: n, Version: "21.3" })), SourceDetails: { Name: "winget", Identifier: "Microsoft.Winget.Source_8wekyb3d8bbwe", Argument: "https://cdn.winget.microsoft.com/cache", Type: "Microsoft.PreIndexed.Package" } }],
      WinGetVersion: "1.6.2771",
    }),
  };
  const reg =
    "Windows Registry Editor Version 5.00\r\n\r\n" +
    NAMES.map((n, i) => `[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\App${i}]\r\n"DisplayName"="${n}"\r\n"DisplayVersion"="21.3"\r\n\r\n`).join("");
  formats["uninstall-utf16.reg"] = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(reg, "utf16le")]); // as regedit writes it
  formats["uninstall-utf8.reg"] = reg;

  for (const [file, content] of Object.entries(formats)) {
    it(`${file}: each spelling is its product, and the other vendors' names are clean`, () => {
      const path = join(dir, file);
      writeFileSync(path, content);
      assert.deepEqual(found(scan(path)), EXPECTED);
    });
  }
});

describe("name spellings in the middle of long inventories (the readers' fast paths)", () => {
  let prefilter: Prefilter;
  before(async () => {
    ({ prefilter } = await bundledPrefilter());
  });
  const ROWS = 60_000;
  const MIDDLE = ROWS / 2;
  /** Clean rows, varied (no repeat key merges them), with no catalog literal. */
  const clean = (i: number) => `Example Tool ${i % 977}`;

  const csvLine = (i: number, name: string, vendor = "") => `ws-${i},${csvCell(name)},${vendor},21.3`;

  it("the clean lines hold no catalog literal, and the cut name's lines none either: only its bytes outside ASCII (or its `\\u` escape) send them on", () => {
    const cut = ODD.find(([n]) => n.startsWith("Ka\u200B"))![0];
    for (const line of [csvLine(MIDDLE, cut), logLine(cut, MIDDLE)]) {
      assert.equal(prefilter.literals.some((l) => line.toLowerCase().includes(l)), false, line);
      assert.equal(prefilter.mayMatchText(line), true, `the prefilter sends it on: ${line}`);
    }
    for (const line of [csvLine(1, clean(1), "Example Corp"), logLine(clean(1), 1)]) assert.equal(prefilter.mayMatchText(line), false, `cleared: ${line}`);
  });

  it("a CSV inventory: the rows in the middle are found, by the WebAssembly and the JavaScript engine alike", () => {
    const lines = ["host,name,vendor,version"];
    for (let i = 0; i < ROWS; i++) {
      if (i === MIDDLE) for (const [name] of ODD) lines.push(csvLine(i, name));
      lines.push(csvLine(i, clean(i), "Example Corp"));
    }
    const path = join(tempDir("ictsguard-names-"), "inventory.csv");
    writeFileSync(path, lines.join("\n") + "\n");
    foundInTheMiddle(path, MIDDLE + 2);
  });

  it("an osqueryd results log with the names as \\u escapes: the lines in the middle are found", () => {
    const lines: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      if (i === MIDDLE) ODD.forEach(([name], k) => lines.push(logLine(name, i + k)));
      lines.push(logLine(clean(i), i));
    }
    const path = join(tempDir("ictsguard-names-"), "osqueryd.results.log");
    writeFileSync(path, lines.join("\n") + "\n");
    foundInTheMiddle(path, MIDDLE + 1);
  });
});

/** The odd names in `path` are found, at their lines from `firstLine` on, by the WebAssembly and the JavaScript engine alike. */
function foundInTheMiddle(path: string, firstLine: number): void {
  for (const engine of [[], ["--jitless"]]) {
    const doc = scan(path, engine);
    assert.deepEqual(found(doc), EXPECTED, engine.join(" "));
    assert.deepEqual(
      doc.findings.map((f) => f.source.line).sort((a, b) => a! - b!),
      ODD.map((_, k) => firstLine + k),
      "at their lines",
    );
  }
}
