/**
 * End-to-end tests of the OS inventory readers: the real `ictsguard` command run as a child
 * process over real and hand-made inventories (Windows .reg, Linux package databases, macOS
 * system_profiler ...), judged with the bundled catalog, as a user runs it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const testdata = (reader: string, name: string) => repoPath("src/readers", reader, "testdata", name);

function scan(args: string[]): { code: number; doc: ReportDocument; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, "scan", "-o", "json", "--quiet", ...args], {
    cwd: tempDir("ictsguard-cwd-"), // no stray config file
    input: "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return { code: r.status ?? -1, doc: JSON.parse(r.stdout) as ReportDocument, stderr: r.stderr };
}

const summary = (doc: ReportDocument) => doc.findings.map((f) => `${f.source.line ?? f.source.record}: ${f.observation.name} → ${f.product} (${f.status})`);

describe("scan: Windows registry export (.reg, UTF-16LE)", () => {
  it("finds the Cyrillic-named Kaspersky products and nothing among the look-alikes", () => {
    const file = testdata("windows-reg", "uninstall-utf16le.reg");
    const { code, doc } = scan([file, "--profile", "state-local-government", "--as-of", "2025-01-01"]);
    assert.equal(code, 1);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(summary(doc).sort(), [
      "10: Kaspersky Endpoint Security 12.1.0.506 для Windows → kaspersky-endpoint-security (unsupported)",
      "47: Агент администрирования Kaspersky Security Center → kaspersky-security-center (unsupported)",
      "61: Антивирус Касперского → kaspersky-anti-virus (unsupported)",
      "82: Kaspersky Password Manager → kaspersky-password-manager (unsupported)",
    ]);
    const kes = doc.findings.find((f) => f.source.line === 10)!;
    assert.deepEqual(kes.source, {
      file,
      line: 10,
      pointer: "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{9A017278-F7F4-4DF9-A482-0B97B70DD7ED}",
      reader: "windows/reg",
    });
    assert.equal(kes.observation.vendor, "Лаборатория Касперского");
    assert.ok(kes.confidence >= 0.95);
    // the quoted Russian publisher is recognized as Kaspersky's
    const agent = doc.findings.find((f) => f.source.line === 47)!;
    assert.ok(agent.evidence.some((e) => e.matcher === "publisher" && (e.searchedBy?.vendor ?? (e.searched?.includes("vendor") ? agent.observation.vendor : undefined)) === '"Лаборатория Касперского"'));
    const lookalikes = doc.lookalikes.map((l) => l.lookalike.id).sort();
    assert.deepEqual(lookalikes, ["debian-k-packages", "eset-av-remover", "kingsoft", "pango-ultraav", "telegram", "yandex"]);
  });
});

describe("scan: Linux package databases and lists", () => {
  it("finds kesl and klnagent64 in a dpkg status database and not the k-named look-alikes", () => {
    const file = testdata("dpkg-status", "kaspersky-status");
    const { code, doc } = scan([file, "--profile", "federal-contractor", "--as-of", "2025-01-01"]);
    assert.equal(code, 1);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(summary(doc).sort(), [
      // a contractor: no lawful updates (certain); FAR 52.204-23 only within contract performance (said in the reason)
      "17: kesl → kaspersky-endpoint-security (unsupported)",
      "40: klnagent64 → kaspersky-security-center (unsupported)",
    ]);
    const kesl = doc.findings.find((f) => f.observation.name === "kesl")!;
    assert.equal(kesl.source.reader, "linux/dpkg-status");
    assert.deepEqual(kesl.observation.ids, { purl: "pkg:deb/kesl@12.1.0-1543?arch=amd64" });
    assert.ok(kesl.evidence.some((e) => e.matcher === "purl" && e.found.value === "deb/kesl"));
    assert.deepEqual(doc.lookalikes.map((l) => `${l.observation.name} ${l.lookalike.id}`).sort(), [
      "kics checkmarx-kics",
      "klavaro debian-k-packages",
      "kleopatra debian-k-packages",
      "ksnip debian-k-packages",
    ]);
  });

  it("the real Debian, Ubuntu and opkg status samples hold no restricted software and exit 0", () => {
    const files = ["debian-status", "ubuntu-status", "syft-status.d-deinstall", "opkg-status"].map((f) => testdata("dpkg-status", f));
    const { code, doc } = scan([...files, "--profile", "federal-agency"]);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(summary(doc), []);
    assert.equal(doc.summary.observations, 96 + 101 + 1 + 3);
    assert.equal(code, 0);
  });

  it("finds Kaspersky packages in dpkg-query, dpkg -l and rpm -qa lists, with located errors for broken lines", () => {
    const files = [
      testdata("dpkg-list", "dpkg-query-recommended.tsv"),
      testdata("dpkg-list", "dpkg-l.txt"),
      testdata("rpm-list", "rpm-qa.txt"),
      testdata("rpm-list", "malformed-qa.txt"),
    ];
    const { code, doc } = scan([...files, "--as-of", "2025-01-01"]);
    assert.equal(code, 2, "an input error wins over findings");
    // package lists name no host: each product is one "no host" finding, counting every list's rows
    assert.deepEqual(doc.findings.map((f) => `${f.product} ×${f.count}: ${f.source.reader} … ${f.lastSource?.reader ?? "-"}`).sort(), [
      "kaspersky-embedded-systems-security ×1: linux/rpm-list … -",
      "kaspersky-endpoint-security ×4: linux/dpkg-list … linux/rpm-list",
      "kaspersky-security-center ×5: linux/dpkg-list … linux/rpm-list",
    ]);
    assert.deepEqual(
      doc.errors.map((e) => `${e.code} ${e.source.file.split("/").pop()}:${e.source.line}`),
      ["rpm/row malformed-qa.txt:2", "rpm/row malformed-qa.txt:4", "rpm/row malformed-qa.txt:5"],
    );
  });
});

describe("scan: macOS system_profiler and Info.plist", () => {
  for (const form of ["json", "xml"]) {
    it(`finds Kaspersky apps in system_profiler -${form} output by name, path and Developer ID, and not the look-alikes`, () => {
      const file = testdata("system-profiler", `applications.${form}`);
      const { code, doc } = scan([file, "--profile", "business", "--as-of", "2025-01-01"]);
      assert.equal(code, 1);
      assert.deepEqual(doc.errors, []);
      assert.deepEqual(
        doc.findings.map((f) => `${f.observation.name} → ${f.product} (${f.status})`).sort(),
        [
          "Kaspersky Anti-Virus For Mac → kaspersky-anti-virus (unsupported)",
          "Kaspersky Endpoint Security for Mac → kaspersky-endpoint-security (unsupported)",
          "Uninstall → kaspersky-unidentified (unsupported)",
        ],
      );
      for (const f of doc.findings) assert.equal(f.source.reader, "macos/system-profiler");
      const kav = doc.findings.find((f) => f.observation.name === "Kaspersky Anti-Virus For Mac")!;
      assert.deepEqual(kav.observation.ids, { signer: "Developer ID Application: AO Kaspersky Lab (2Y8XE5CQ94)" });
      assert.ok(kav.evidence.some((e) => e.matcher === "signer" && e.found.value === "AO Kaspersky Lab"), JSON.stringify(kav.evidence));
      // an app named only "Uninstall": found by its Kaspersky folder and Kaspersky's Team ID
      const helper = doc.findings.find((f) => f.observation.name === "Uninstall")!;
      assert.deepEqual(helper.evidence.map((e) => `${e.matcher}:${e.found.value}`).sort(), ["path:/library/application support/kaspersky lab/", "signer:2Y8XE5CQ94"]);
      assert.ok(helper.confidence >= 0.8, `confidence ${helper.confidence}`);
      assert.deepEqual(doc.lookalikes.map((l) => l.lookalike.id).sort(), ["debian-k-packages", "eset", "kingsoft", "pango-ultraav"]);
    });
  }

  it("reads an app bundle's Info.plist (XML and binary) in a folder walk; the real Slack and Ghostty bundles are clean", () => {
    const root = tempDir("ictsguard-apps-");
    const bundles: [string, string][] = [
      ["Kaspersky Anti-Virus For Mac.app", "kaspersky-kav-Info.plist"],
      ["Kaspersky Endpoint Security for Mac.app", "kaspersky-agent-binary-Info.plist"],
      ["Slack.app", "Slack.app-Info.plist"],
      ["Ghostty.app", "Ghostty.app-Info.plist"],
    ];
    for (const [app, plist] of bundles) {
      mkdirSync(join(root, app, "Contents"), { recursive: true });
      copyFileSync(testdata("info-plist", plist), join(root, app, "Contents", "Info.plist"));
    }
    const { code, doc } = scan([root, "--as-of", "2025-01-01"]);
    assert.equal(code, 1);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.summary.observations, 4);
    assert.deepEqual(
      doc.findings.map((f) => `${f.observation.path?.slice(root.length + 1)} ${f.observation.ids?.bundleId} → ${f.product}`).sort(),
      [
        "Kaspersky Anti-Virus For Mac.app com.kaspersky.kav.gui → kaspersky-anti-virus",
        "Kaspersky Endpoint Security for Mac.app com.kaspersky.kav_agent → kaspersky-endpoint-security",
      ],
    );
  });
});

describe("scan: winget export", () => {
  it("finds Kaspersky's winget package identifiers and leaves the rest alone", () => {
    const file = testdata("winget", "kaspersky-export.json");
    const { code, doc } = scan([file, "--profile", "business", "--as-of", "2025-01-01"]);
    assert.equal(code, 1);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(
      doc.findings.map((f) => `${f.source.record}: ${f.observation.name} → ${f.product} (${f.status})`).sort(),
      [
        "2: Kaspersky.Kaspersky → kaspersky-standard-plus-premium (unsupported)",
        "3: Kaspersky.KasperskyVPNSecureConnection → kaspersky-vpn-secure-connection (unsupported)",
        "4: Kaspersky.Lab → kaspersky-security-center (unsupported)",
        // Huawei is listed, but no rule binds a business for Huawei software
        "8: Huawei.HiSuite → huawei-hisuite (review)",
      ],
    );
    // an id the catalog does not list, read as words: "Kaspersky" + "KasperskyStandard" holds the
    // alias "Kaspersky Standard", so it is the same product as Kaspersky.Kaspersky, one finding
    const standard = doc.findings.find((f) => f.product === "kaspersky-standard-plus-premium")!;
    assert.equal(standard.count, 2);
    assert.equal(standard.lastSource?.record, 5);
    const kes = doc.findings.find((f) => f.observation.name === "Kaspersky.Lab")!;
    assert.ok(kes.evidence.some((e) => e.matcher === "purl" && e.type === "exact-id" && e.found.value === "winget/Kaspersky.Lab" && e.confidence === 0.9), JSON.stringify(kes.evidence));
    assert.equal(kes.source.reader, "windows/winget");
  });

  it("winget-cli's own test exports hold no restricted software", () => {
    const { code, doc } = scan([testdata("winget", "ImportFile-Good.1.0.json"), testdata("winget", "ImportFile-Good.2.0.json")]);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(summary(doc), []);
    assert.equal(code, 0);
  });
});

describe("scan: wmic product get", () => {
  it("finds Kaspersky in the UTF-16 /format:csv output, with the host from Node", () => {
    const { code, doc } = scan([testdata("wmic", "product-csv-utf16le.txt"), "--as-of", "2025-01-01"]);
    assert.equal(code, 2, "the cut row is an input error");
    assert.deepEqual(
      doc.findings.filter((f) => f.vendor === "kaspersky").map((f) => `${f.source.line}: ${f.observation.host} ${f.observation.name} → ${f.product}`),
      [
        "3: WS-0142 Kaspersky Endpoint Security for Windows → kaspersky-endpoint-security",
        "4: WS-0142 Агент администрирования Kaspersky Security Center → kaspersky-security-center",
      ],
    );
    assert.deepEqual(doc.errors.map((e) => `${e.code}:${e.source.line}`), ["wmic/columns:10", "wmic/columns:12"]);
  });
});

describe("scan: Defender, Intune and PowerShell exports", () => {
  it("reads Defender's lowercase tokens as Kaspersky products (gzipped JSON lines and CSV without CPE), not other vendors' same names", () => {
    const dir = tempDir("ictsguard-mde-");
    const gz = join(dir, "SoftwareInventoryByMachine-part-0.json.gz");
    writeFileSync(gz, gzipSync(readFileSync(testdata("defender-json", "software-inventory-by-machine.json"))));
    const { code, doc } = scan([gz, testdata("csv", "defender-tvm-no-cpe.csv"), "--as-of", "2025-01-01"]);
    assert.equal(code, 1);
    assert.deepEqual(doc.errors, []);
    // the same machine in two exports (Defender JSON and a CSV of it): one finding per product, seen in both
    assert.deepEqual(
      doc.findings.map((f) => `${f.source.reader} ${f.observation.vendor}/${f.observation.name} → ${f.product} ×${f.count} … ${f.lastSource?.reader ?? "-"}`).sort(),
      [
        "inventory/csv kaspersky_lab/total_security → kaspersky-total-security ×1 … -",
        "inventory/defender-json kaspersky/endpoint_security → kaspersky-endpoint-security ×2 … inventory/csv",
        "inventory/defender-json kaspersky/security_center_network_agent → kaspersky-security-center ×2 … inventory/csv",
      ],
    );
    for (const f of doc.findings) {
      assert.notEqual(f.status, "review", `${f.observation.name}: ${f.confidence}`);
      assert.ok(f.evidence.some((e) => e.matcher === "product-name" && (e.searchedBy ? e.searchedBy.vendor === f.observation.vendor : e.searched?.includes("vendor"))), JSON.stringify(f.evidence));
    }
    // eset/endpoint_security has the same name token as Kaspersky's, but another vendor
    assert.equal(doc.summary.observations, 6 + 7);
  });

  it("reads Intune detectedApps and PowerShell ConvertTo-Json exports", () => {
    const { doc } = scan([testdata("intune-json", "detected-apps-with-devices.json"), testdata("powershell-json", "uninstall-utf16le.json"), "--as-of", "2025-01-01"]);
    assert.deepEqual(
      doc.findings.map((f) => `${f.source.reader} ${f.observation.host} ${f.observation.name} → ${f.product}`).sort(),
      [
        "inventory/intune-json LAPTOP-HR-014 Kaspersky → kaspersky-standard-plus-premium",
        "inventory/intune-json LAPTOP-SALES-03 Kaspersky → kaspersky-standard-plus-premium",
        "windows/powershell-json WS-0142 Kaspersky Endpoint Security for Windows → kaspersky-endpoint-security",
        "windows/powershell-json WS-0142 Kaspersky Password Manager → kaspersky-password-manager",
        "windows/powershell-json WS-0142 Антивирус Касперского → kaspersky-anti-virus",
      ],
    );
    assert.deepEqual(doc.errors.map((e) => `${e.code}:${e.source.record}`), ["intune/app:3", "intune/app:4"]);
  });
});

describe("scan: a CSV inventory exported without its header line", () => {
  it("is an input error (exit 2) located at line 1, never a clean scan, and the good inventory beside it is still judged", () => {
    for (const name of ["no-header.csv", "no-header-no-version.csv"]) {
      const alone = scan([testdata("csv", name), "--as-of", "2025-01-01"]);
      assert.equal(alone.code, 2, name);
      assert.deepEqual(alone.doc.errors.map((e) => `${e.code} ${e.source.file.split("/").pop()}:${e.source.line}`), [`csv/no-header ${name}:1`]);
      assert.deepEqual(alone.doc.findings, []);
      assert.match(alone.doc.errors[0]!.message, /^no header row: line 1 is a data row, not a header .*expected a header naming the columns/);
    }
    const { code, doc } = scan([testdata("csv", "no-header.csv"), repoPath("examples/fleet/windows-software.csv"), "--as-of", "2025-01-01"]);
    assert.equal(code, 2, "the input error wins over the findings");
    assert.equal(doc.findings.filter((f) => f.source.file.endsWith("windows-software.csv")).length, 7);
  });
});

describe("scan: an inventory whose only line is over the record limit", () => {
  it("says no record was read (not \"empty file\"), located, exit 2, for dpkg-status (its fast path) and the .reg reader", () => {
    const path = join(tempDir("ictsguard-huge-"), "huge.log");
    writeFileSync(path, "A".repeat(2 * 1024 * 1024) + "\n");
    for (const [format, code] of [["linux/dpkg-status", "dpkg/empty"], ["windows/reg", "reg/header"]] as const) {
      const { code: exit, doc } = scan([path, "-f", format]);
      assert.equal(exit, 2);
      assert.deepEqual(doc.errors.map((e) => `${e.code}:${e.source.line}`), ["input/line-too-long:1", `${code}:1`], format);
      assert.match(doc.errors[1]!.message, /^no record read: the file is not empty, but every line that is not blank was over the limit and skipped/, format);
    }
  });
});
