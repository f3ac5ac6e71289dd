/**
 * @module
 * Tests of the inventory CSV reader over hand-made fixtures (testdata/README.md): one file per
 * export style and per broken case, plus a few in-memory inputs for line-ending and size limits.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { Observation } from "../../model/observation.js";
import type { ReportableIssue, TextEncoding } from "../types.js";
import { csvReader } from "./index.js";
import { foldHeader, mapColumns, parseKind } from "./columns.js";

const fixture = (name: string): string => repoPath("src/readers/csv/testdata", name);
const read = (name: string): ReturnType<typeof readAll> => readAll(csvReader, fixture(name));
const seen = (o: Observation): Omit<Observation, "source"> => {
  const { source: _source, ...rest } = o;
  return rest;
};
const codes = (issues: ReportableIssue[]): [string, string, number | undefined][] =>
  issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);

/** Reads text given in memory, in 64 KiB chunks as a file stream would deliver it. */
async function readText(text: string, encoding: TextEncoding = "utf-8") {
  const observations: Observation[] = [];
  const issues: ReportableIssue[] = [];
  const bytes = Buffer.from(text, "utf8");
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
  const input = { path: "mem.csv", stream: Readable.from(chunks), encoding };
  for await (const o of csvReader.read(input, { report: (i) => issues.push(i) })) observations.push(o);
  return { observations, issues };
}

describe("inventory/csv: columns", () => {
  it("folds case, spaces and punctuation", () => {
    assert.equal(foldHeader("Application Title"), "applicationtitle");
    assert.equal(foldHeader("install_location"), "installlocation");
    assert.equal(foldHeader("PSComputerName"), "pscomputername");
  });

  it("prefers DisplayVersion over the packed DWORD Version of Uninstall keys", () => {
    assert.deepEqual(mapColumns(["Version", "DisplayName", "DisplayVersion"]), { name: 1, version: 2 });
  });

  it("maps the export styles' column names", () => {
    assert.deepEqual(mapColumns(["DeviceName", "SoftwareVendor", "SoftwareName", "SoftwareVersion", "ProductCodeCpe"]), {
      host: 0,
      vendor: 1,
      name: 2,
      version: 3,
      cpe: 4,
    });
    assert.deepEqual(mapColumns(["Name", "OS platform", "Vendor", "Installed versions"]), { name: 0, vendor: 2, version: 3 });
    assert.deepEqual(mapColumns(["bundle_id", "package_id", "extension_id", "process_name", "app id"]), {
      bundleId: 0,
      packageId: 1,
      extensionId: 2,
      process: 3,
    });
  });

  it("reads kind cells, and leaves other type values to the default", () => {
    assert.equal(parseKind("Mobile App"), "mobile-app");
    assert.equal(parseKind("DRIVER"), "driver");
    assert.equal(parseKind("browser extension"), "extension");
    assert.equal(parseKind("Win32"), undefined);
  });
});

describe("inventory/csv: detect", () => {
  const expected: [string, number][] = [
    ["powershell-uninstall.csv", 0.8],
    ["powershell-uninstall-utf16le.csv", 0.8],
    ["intune-discovered-apps.csv", 0.8],
    ["defender-tvm.csv", 0.8],
    ["defender-diskpaths.csv", 0.8],
    ["semicolon.csv", 0.8],
    ["generic.csv", 0.8],
    ["jamf-search.tsv", 0.7],
    ["sysmon-dns.csv", 0.7],
    ["latin1.csv", 0.7],
    ["unclosed-quote.csv", 0.7],
    ["no-name-column.csv", 0],
  ];
  for (const [name, score] of expected) {
    it(`scores ${name} ${score}`, () => assert.equal(csvReader.detect(probeFile(fixture(name))), score));
  }

  it("stays below the JSON readers and leaves JSON and plain text alone", () => {
    const probe = (text: string) => textProbe(text);
    assert.equal(csvReader.detect(probe('[{"name":"x","version":"1"}]')), 0);
    assert.equal(csvReader.detect(probe('{"name":"x","version":"1"}\n')), 0);
    assert.equal(csvReader.detect(probe("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE]\r\n")), 0);
    assert.equal(csvReader.detect(probe("name\nKaspersky\n")), 0); // one column: not evidence of a CSV
    assert.equal(csvReader.detect(probe("Name,Other\nKaspersky,x\n")), 0.6);
  });
});

describe("inventory/csv: export styles", () => {
  it("reads a PowerShell Export-Csv of Uninstall keys (#TYPE line, UTF-8 BOM, CRLF, a value with a line break)", async () => {
    const file = fixture("powershell-uninstall.csv");
    const { observations, issues } = await read("powershell-uninstall.csv");
    assert.deepEqual(observations[0], {
      kind: "software",
      name: "Kaspersky Endpoint Security for Windows",
      vendor: "AO Kaspersky Lab",
      version: "12.6.0.438",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\",
      // PSPath, without PowerShell's provider prefix: the registry key the row was read from
      source: { file, line: 3, pointer: "HKEY_LOCAL_MACHINE\\Software\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{5C7E4B2A-9F3D-4E61-A8B0-2D41C6E9F713}" },
    });
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.version, o.source.line]),
      [
        ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "12.6.0.438", 3],
        ["Kaspersky Security Center Network Agent", "AO Kaspersky Lab", "15.1.0.20748", 4],
        ["Антивирус Касперского", "Лаборатория Касперского", "21.3.10.391", 7],
        ["7-Zip 23.01 (x64)", "Igor Pavlov", "23.01", 8],
        ["UltraAV", "Pango Group", "1.3.5", 9],
      ],
    );
    // the AddressBook key has no DisplayName
    assert.deepEqual(codes(issues), [["csv/empty-name", "warning", 6]]);
  });

  it("reads the same export written as UTF-16LE with a BOM (PowerShell 5.1 -Encoding Unicode)", async () => {
    const utf8 = await read("powershell-uninstall.csv");
    const utf16 = await read("powershell-uninstall-utf16le.csv");
    assert.equal(probeFile(fixture("powershell-uninstall-utf16le.csv")).encoding, "utf-16le");
    assert.deepEqual(utf16.observations.map(seen), utf8.observations.map(seen));
    assert.deepEqual(
      utf16.observations.map((o) => o.source.line),
      utf8.observations.map((o) => o.source.line),
    );
    assert.deepEqual(codes(utf16.issues), [["csv/empty-name", "warning", 6]]);
  });

  it("reads an Intune discovered-apps export", async () => {
    const { observations, issues } = await read("intune-discovered-apps.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map(seen),
      [
        { kind: "software", name: "Kaspersky", vendor: "AO Kaspersky Lab", version: "21.9.6.465", host: "LAPTOP-HR-014" },
        { kind: "software", name: "Kaspersky Security Cloud", vendor: "AO Kaspersky Lab", version: "21.3.10.391", host: "LAPTOP-SALES-03" },
        { kind: "software", name: "Kaspersky: VPN & Antivirus", vendor: "Kaspersky Lab Switzerland", version: "11.112.4.9791", host: "Pixel 7" },
        { kind: "software", name: "Microsoft Edge", vendor: "Microsoft Corporation", version: "120.0.2210.144", host: "LAPTOP-HR-014" },
        { kind: "software", name: "UltraAV", vendor: "Pango Group", version: "1.3.5", host: "LAPTOP-SALES-03" },
      ],
    );
  });

  it("reads a Defender TVM export, keeping its lowercase CPE-style tokens and the CPE", async () => {
    const { observations, issues } = await read("defender-tvm.csv");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 5);
    assert.deepEqual(observations[0], {
      kind: "software",
      name: "endpoint_security_for_windows",
      vendor: "kaspersky",
      version: "11.10.0.399",
      ids: { cpe: "cpe:2.3:a:kaspersky:endpoint_security_for_windows:11.10.0.399:*:*:*:*:*:*:*" },
      host: "ws-0142.corp.example",
      source: { file: fixture("defender-tvm.csv"), line: 2 },
    });
    assert.deepEqual(
      observations.map((o) => [o.vendor, o.name, o.host]),
      [
        ["kaspersky", "endpoint_security_for_windows", "ws-0142.corp.example"],
        ["kaspersky", "security_center_network_agent", "ws-0142.corp.example"],
        ["microsoft", "edge_chromium", "ws-0142.corp.example"],
        ["eset", "endpoint_security", "srv-file-02.corp.example"],
        ["google", "chrome", "srv-file-02.corp.example"],
      ],
    );
  });

  it("takes the first path of a Defender DiskPaths array", async () => {
    const { observations, issues } = await read("defender-diskpaths.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => o.path),
      ["C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe", "C:\\Program Files\\7-Zip\\7z.exe"],
    );
  });

  it("reads a semicolon-separated export (Lansweeper columns, a quoted ; in a value)", async () => {
    const { observations, issues } = await read("semicolon.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.host, o.name, o.version, o.vendor, o.source.line]),
      [
        ["BUCH-PC01", "Kaspersky Small Office Security", "21.3.10.391", "AO Kaspersky Lab", 2],
        ["BUCH-PC01", "Mozilla Firefox (x64 de)", "121.0.1", "Mozilla", 3],
        ["BUCH-PC02", "Kaspersky Anti-Virus; Business Edition", "21.3.10.391", "Kaspersky Lab", 4],
        ["BUCH-PC02", "ESET AV Remover", "1.6.1.0", "ESET, spol. s r.o.", 5],
      ],
    );
  });

  it("reads a tab-separated export (Jamf advanced search columns)", async () => {
    const { observations, issues } = await read("jamf-search.tsv");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(seen), [
      { kind: "software", name: "Kaspersky Anti-Virus For Mac.app", version: "21.0.29.463", host: "MAC-0007" },
      { kind: "software", name: "Safari.app", version: "17.2", host: "MAC-0007" },
      { kind: "software", name: "Google Chrome.app", version: "120.0.6099.129", host: "MAC-0008" },
    ]);
  });

  it("reads the generic host,kind,name,vendor,version,path,identifier form", async () => {
    const { observations, issues } = await read("generic.csv");
    const avpPath = "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe";
    assert.deepEqual(
      observations.map((o) => [o.source.line, seen(o)]),
      [
        [2, { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.6.0.438", path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\", host: "ws-01" }],
        [3, { kind: "process", name: "avp.exe", vendor: "AO Kaspersky Lab", path: avpPath, host: "ws-01" }],
        [4, { kind: "driver", name: "klif.sys", vendor: "Kaspersky Lab", path: "C:\\Windows\\System32\\drivers\\klif.sys", host: "ws-01" }],
        [5, { kind: "service", name: "klnagent", host: "ws-01" }],
        // a full path in the name: matched by file name, kept as the path
        [6, { kind: "process", name: "klnagent.exe", path: "C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagent.exe", host: "ws-01" }],
        [7, { kind: "file", name: "avp.exe", path: avpPath, ids: { sha256: "3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed" }, host: "ws-01" }],
        [8, { kind: "software", name: "Kaspersky Anti-Virus For Mac", vendor: "AO Kaspersky Lab", version: "21.0.29.463", path: "/Applications/Kaspersky Anti-Virus For Mac.app", ids: { bundleId: "com.kaspersky.kav" }, host: "mac-07" }],
        [9, { kind: "extension", name: "Kaspersky Protection", version: "4.0.98.0", ids: { extensionId: "ahkjpbeeocnddjkakilopmfdlnjdpcdm" }, host: "ws-02" }],
        [10, { kind: "extension", name: "Hotspot Shield Free VPN Proxy", vendor: "Hotspot Shield", version: "10.21.1", ids: { extensionId: "nlbejmccbhkncgokjcmghpfloaajcffj" }, host: "ws-02" }],
        [11, { kind: "mobile-app", name: "Kaspersky: VPN & Antivirus", vendor: "Kaspersky Lab", ids: { packageId: "com.kms.free" }, host: "phone-3" }],
        [12, { kind: "domain", name: "dnl-01.geo.kaspersky.com", host: "dns-01" }],
        // a URL in a domain row: its host name
        [13, { kind: "domain", name: "ksn-file-geo.kaspersky-labs.com", host: "dns-01" }],
        // the literal quotes of a real ARP dump are kept; the matcher strips them
        [14, { kind: "software", name: "Антивирус Касперского", vendor: '"Лаборатория Касперского"', version: "21.3.10.391", host: "ws-03" }],
        [15, { kind: "signer", name: "AO Kaspersky Lab", host: "ws-03" }],
        [16, { kind: "package", name: "kesl", vendor: "AO Kaspersky Lab", version: "12.1.0.1543", ids: { purl: "pkg:deb/kesl@12.1.0.1543?arch=amd64" }, host: "srv-05" }],
        [17, { kind: "software", name: "UltraAV", vendor: "Pango Group", version: "1.3.5", host: "ws-04" }],
        [18, { kind: "software", name: "Google Chrome", vendor: "Google LLC", version: "120.0.6099.130", host: "ws-06" }],
        // "widget" is not an observation kind: software
        [19, { kind: "software", name: "Telegram Desktop", vendor: "Telegram FZ-LLC", version: "4.14.9", host: "ws-07" }],
      ],
    );
    assert.deepEqual(codes(issues), [["csv/empty-name", "warning", 20]]);
  });

  it("reads a Sysmon DNS export as a process and a domain per row", async () => {
    const { observations, issues } = await read("sysmon-dns.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.kind, o.name, o.host]),
      [
        [2, "process", "avp.exe", "WS-0142.corp.example"],
        [2, "domain", "dnl-01.geo.kaspersky.com", "WS-0142.corp.example"],
        [3, "process", "chrome.exe", "WS-0142.corp.example"],
        [3, "domain", "www.google.com", "WS-0142.corp.example"],
      ],
    );
    assert.equal(observations[0]!.path, "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe");
    assert.equal(observations[1]!.path, undefined);
  });
});

describe("inventory/csv: broken inputs", () => {
  it("reports a header without a name column once, and reads nothing", async () => {
    const { observations, issues } = await read("no-name-column.csv");
    assert.deepEqual(observations, []);
    assert.deepEqual(codes(issues), [["csv/no-name-column", "error", 1]]);
    assert.match(issues[0]!.message, /"ComputerName", "Serial Number", "OSVersion", "LastLogon"/);
    assert.match(issues[0]!.message, /displayname, name, softwarename, applicationname/);
  });

  it("reports an unclosed quote at the line it opens, and reads on after the value it swallowed", async () => {
    const { observations, issues } = await read("unclosed-quote.csv");
    assert.deepEqual(
      observations.map((o) => [o.name, o.source.line]),
      [
        ["Kaspersky Endpoint Security for Windows", 2],
        ["7-Zip 23.01 (x64)", 3],
        ["ESET Endpoint Security", 7],
        ["UltraAV", 8],
      ],
    );
    assert.deepEqual(codes(issues), [["csv/malformed", "error", 4]]);
    assert.match(issues[0]!.message, /Invalid Closing Quote/);
    assert.match(issues[0]!.message, /lines 4-6 were skipped; reading went on after them/);
  });

  it("says the rest was not read when a quote is never closed", async () => {
    const { observations, issues } = await read("unclosed-quote-eof.csv");
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Endpoint Security for Windows"]);
    assert.deepEqual(codes(issues), [["csv/malformed", "error", 3]]);
    assert.match(issues[0]!.message, /Quote Not Closed.*the rest of the file was not read/);
  });

  it("warns about text that is not UTF-8 (Latin-1) and still reads every row", async () => {
    const { observations, issues } = await read("latin1.csv");
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.source.line]),
      [
        ["Kaspersky Endpoint Security f\uFFFDr Windows", "AO Kaspersky Lab", 2],
        ["Logiciel de s\uFFFDcurit\uFFFD Kaspersky", "Kaspersky Lab", 3],
        ["7-Zip 23.01 (x64)", "Igor Pavlov", 4],
        ["B\uFFFDrosoftware Plus", "M\uFFFDller GmbH", 5],
      ],
    );
    assert.deepEqual(codes(issues), [
      ["input/encoding", "warning", 2],
      ["input/encoding", "warning", undefined], // the count: 3 rows in all
    ]);
    assert.match(issues[1]!.message, /^3 rows/);
    // the fixture really is Latin-1: ü is the single byte FC
    assert.ok(readFileSync(fixture("latin1.csv")).includes(0xfc));
  });

  it("skips a quote that swallows more than 1 MiB to the next line break, reports it, and reads on", async () => {
    // 2.5 MiB of rows after an unclosed quote, produced lazily, and a Kaspersky row at the end
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('Name,Publisher,Version\nKaspersky,AO Kaspersky Lab,21.9\n"Open,quote,1\n');
      const chunk = Buffer.from("Program,Vendor,1.0\n".repeat(3449)); // ~64 KiB
      for (let i = 0; i < 40; i++) yield chunk;
      yield Buffer.from("Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.6\n");
    }
    const names: string[] = [];
    let count = 0;
    const issues: ReportableIssue[] = [];
    const input = { path: "mem.csv", stream: Readable.from(source()), encoding: "utf-8" as const };
    for await (const o of csvReader.read(input, { report: (i) => issues.push(i) })) {
      if (count++ === 0 || o.name.startsWith("Kaspersky")) names.push(o.name);
    }
    assert.deepEqual(names, ["Kaspersky", "Kaspersky Endpoint Security for Windows"]);
    assert.deepEqual(codes(issues), [["csv/record-too-long", "error", 3]]);
    assert.match(issues[0]!.message, /over the limit of 1048576 characters .*lines 3-\d+ were skipped up to the next line break; reading went on/);
    // the lines skipped are those the open quote swallowed up to the limit (~55,000), not the rest of the file
    const skipped = Number(/lines 3-(\d+)/.exec(issues[0]!.message)![1]) - 2;
    assert.ok(skipped < 60_000 && count + skipped >= 3449 * 40, `${count} read, ${skipped} skipped`);
  });

  it("one quote-dense row gives one located error, in linear time, and the row after it is read (bound: 5 s)", async () => {
    const started = performance.now();
    const row = `h1,x${'"a'.repeat(100_000)},x,1`;
    const { observations, issues } = await readText(`hostname,name,publisher,version\n${row}\n${row.replace("h1,x", 'h1,"x"')}\nh2,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,11.0\n`);
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Endpoint Security for Windows"]);
    assert.deepEqual(codes(issues), [["csv/malformed", "error", 2], ["csv/malformed", "error", 3]]);
    for (const i of issues) assert.ok(i.message.length < 400, i.message.slice(0, 500));
  });

  it("an unquoted field over the record limit is a located error and the Kaspersky row after it is read", async () => {
    const { observations, issues } = await readText(`hostname,name,publisher,version\nh1,${"A".repeat(3 * 1024 * 1024)},x,1\nh2,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,11.0\n`);
    assert.deepEqual(observations.map((o) => [o.name, o.source.line]), [["Kaspersky Endpoint Security for Windows", 3]]);
    assert.deepEqual(codes(issues), [["csv/record-too-long", "error", 2]]);
  });

  it("reports an input with no header row", async () => {
    const { observations, issues } = await readText("#TYPE System.Management.Automation.PSCustomObject\r\n\r\n");
    assert.deepEqual(observations, []);
    assert.deepEqual(codes(issues), [["csv/no-header", "error", 1]]);
  });

  it("counts lines right with wmic's CRCRLF endings and a blank first line, and skips all-empty rows", async () => {
    const text = "\r\r\nNode,Caption,IdentifyingNumber,Name,Vendor,Version\r\r\nWS-01,Kaspersky Endpoint Security for Windows,{5C7E4B2A-9F3D-4E61-A8B0-2D41C6E9F713},Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.6.0.438\r\r\n,,,,,\r\r\nWS-01,7-Zip,,7-Zip 23.01 (x64),Igor Pavlov,23.01\r\r\n";
    const { observations, issues } = await readText(text);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.host, o.name, o.vendor, o.source.line]),
      [
        ["WS-01", "Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", 3],
        ["WS-01", "7-Zip 23.01 (x64)", "Igor Pavlov", 5],
      ],
    );
  });

  it("lists the lines of many nameless rows in one closing issue", async () => {
    const text = "DisplayName,Publisher\n" + Array.from({ length: 12 }, () => ",Microsoft Corporation").join("\n") + "\nKaspersky,AO Kaspersky Lab\n";
    const { observations, issues } = await readText(text);
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky"]);
    assert.deepEqual(codes(issues), [
      ["csv/empty-name", "warning", 2],
      ["csv/empty-name", "warning", undefined],
    ]);
    assert.equal(issues[1]!.message, "12 rows in all had an empty name and were skipped (lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...)");
  });
});

describe("inventory/csv: a file without its header line", () => {
  it("refuses a first row with a version in it, located at line 1, and reads nothing by the wrong columns", async () => {
    const { observations, issues } = await read("no-header.csv");
    assert.deepEqual(observations, []);
    assert.deepEqual(codes(issues), [["csv/no-header", "error", 1]]);
    assert.match(issues[0]!.message, /^no header row: line 1 is a data row, not a header \(cell 5 \("12\.1\.0\.506"\) is a version number, not a column name\); expected a header naming the columns, such as host,kind,name,vendor,version,path,identifier/);
  });

  it("refuses a first row whose `software` passed for a name column, when the next row holds a kind there too", async () => {
    const { observations, issues } = await read("no-header-no-version.csv");
    assert.deepEqual(observations, []);
    assert.deepEqual(codes(issues), [["csv/no-header", "error", 1]]);
    assert.match(issues[0]!.message, /line 1 is a data row, not a header \(the next row holds "software" in column 2 too\)/);
  });

  it("refuses a first row that holds a program called Name beside its kind, and one whose kind changes in the next row", async () => {
    const named = await readText("ws-01,software,Name,Acme\nws-01,software,Kaspersky Free,AO Kaspersky Lab\n");
    assert.deepEqual(named.observations, []);
    assert.match(named.issues[0]!.message, /the next row holds "software" in column 2 too/);
    const kinds = await readText("ws-01,process,klnagent,AO Kaspersky Lab\nws-01,software,Kaspersky Free,AO Kaspersky Lab\n");
    assert.deepEqual(codes(kinds.issues), [["csv/no-header", "error", 1]]);
    assert.match(kinds.issues[0]!.message, /column 2 holds a kind in both rows \("process", then "software"\)/);
    // after a #TYPE line and blank lines the check is on the row taken for the header, wherever it is
    const typed = await readText("#TYPE System.Management.Automation.PSCustomObject\r\n\"Kaspersky Free\",\"21.9.6.465\",\"AO Kaspersky Lab\",\"software\"\r\n");
    assert.deepEqual(codes(typed.issues), [["csv/no-header", "error", 2]]);
  });

  it("reads real headers as before: unknown, empty, spaced and kind-named columns are no evidence of data", async () => {
    const headers: [string, string, number][] = [
      ["DisplayName,DisplayVersion,Publisher,InstallDate,InstallLocation,UninstallString,PSPath,PSChildName", 'Kaspersky Free,21.9.6.465,AO Kaspersky Lab,20240115,C:\\KF\\,"MsiExec.exe /X{0B2C}",Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\x,{0B2C}', 1],
      ["Name,OS platform,Vendor,Installed versions,Exposed devices,Weaknesses,Threats,Impact,Tags", "Endpoint Security,Windows,Kaspersky,11.10.0.399,3,0,0,0,", 1],
      ["Time,Entry Location,Entry,Enabled,Category,Profile,Description,Signer,Company,Image Path,Version,Launch String", "20240115,HKLM\\Run,avp,enabled,Logon,System-wide,Kaspersky,(Verified) AO Kaspersky Lab,AO Kaspersky Lab,c:\\avp.exe,21.9,avp.exe", 1],
      ["AssetName,Domain,Username,softwareName,softwareVersion,SoftwarePublisher,Installdate", "BUCH-PC01,CORP,anna,Kaspersky Free,21.9,AO Kaspersky Lab,2024-01-15", 1],
      ["Machine,Software,Install Date", "PC-01,Kaspersky Free,2024-01-15", 1],
      ["host,software,version", "ws-01,Kaspersky Free,21.9", 1],
      ["Host,Process,Domain", "ws-01,avp.exe,dnl-01.geo.kaspersky.com", 2],
      [",name,vendor,,", "0,Kaspersky Free,AO Kaspersky Lab,,", 1], // a pandas index column, trailing empty columns
      ["Computer Name,Product,Publisher,Version", "PC-01,Kaspersky Free,AO Kaspersky Lab,21.9", 1],
      ["Computer Name,Product Name,Publisher,Version", "PC-01,Kaspersky Free,AO Kaspersky Lab,21.9", 1],
      ["Asset Tag,Asset Name,Model,Model No.,Manufacturer,Serial,MAC Address", "A-1,lobby cam,DS-2CD2143G2,DS-2CD2143G2-I,Hikvision,X1,0C:75:D2:11:22:33", 1],
      ["display_name,version,publisher,installed_on", "Kaspersky Free,21.9,AO Kaspersky Lab,PC-01", 1],
    ];
    for (const [header, row, count] of headers) {
      const { observations, issues } = await readText(`${header}\n${row}\n`);
      assert.deepEqual(codes(issues), [], header);
      assert.equal(observations.length, count, header);
    }
  });
});

describe("inventory/csv: Uninstall exports and enterprise reports", () => {
  const UNINSTALL = "\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\";

  it("skips updates (ParentKeyName/ReleaseType) and locates each program by its PSPath registry key", async () => {
    const { observations, issues } = await read("powershell-uninstall-updates.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.host, o.source.pointer]),
      [
        [2, "Kaspersky Endpoint Security for Windows", "WS-0142", `HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node${UNINSTALL}{5C7E4B2A-9F3D-4E61-A8B0-2D41C6E9F713}`],
        // SystemComponent=1 is still a program
        [5, "Антивирус Касперского", "WS-0142", `HKEY_LOCAL_MACHINE\\SOFTWARE${UNINSTALL}{C4A1D5E4-4E2B-4F0B-9C2E-7A3B8F9D1E20}`],
        [6, "Kaspersky Password Manager", "WS-0142", `HKEY_CURRENT_USER\\Software${UNINSTALL}Kaspersky Password Manager`],
        [7, "7-Zip 23.01 (x64)", "WS-0142", `HKEY_LOCAL_MACHINE\\SOFTWARE${UNINSTALL}7-Zip`],
      ],
    );
  });

  it("takes three question marks in a row for letters lost to ASCII, and two for punctuation", async () => {
    const three = await readText("hostname,name,publisher\nh1,Help??,Contoso\nh2,Tool ???,Contoso\n");
    assert.deepEqual(codes(three.issues), [["csv/ascii", "warning", 3]]);
    const two = await readText("hostname,name,publisher\nh1,Help??,Contoso\nh2,What?? Tool ?,Contoso\n");
    assert.deepEqual(codes(two.issues), []);
  });

  it("warns once when a Windows PowerShell 5.1 ASCII export turned letters into ?", async () => {
    const { observations, issues } = await read("powershell-uninstall-ascii.csv");
    assert.deepEqual(codes(issues), [["csv/ascii", "warning", 6]]);
    assert.match(issues[0]!.message, /Export-Csv writes ASCII.*-Encoding UTF8/);
    assert.equal(observations.length, 4);
    assert.equal(observations[1]!.name, "????????? ???????????");
  });

  it("reads an Intune AppInvAggregate report", async () => {
    const { observations, issues } = await read("intune-appinvaggregate.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.vendor, o.version]), [
      ["Kaspersky", "AO Kaspersky Lab", "21.9.6.465"],
      ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "12.6.0.438"],
      ["Kaspersky: VPN & Antivirus", "Kaspersky Lab Switzerland", "11.112.4.9791"],
      ["UltraAV", "Pango Group", "1.3.5"],
      ["Microsoft Edge", "Microsoft Corporation", "120.0.2210.144"],
    ]);
  });

  it("keeps Defender's lowercase tokens as they are when there is no CPE", async () => {
    const { observations, issues } = await read("defender-tvm-no-cpe.csv");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.slice(0, 3).map((o) => [o.vendor, o.name, o.host, o.ids]), [
      ["kaspersky", "endpoint_security", "ws-0142.corp.example", undefined],
      ["kaspersky", "security_center_network_agent", "ws-0142.corp.example", undefined],
      ["kaspersky_lab", "total_security", "ws-0142.corp.example", undefined],
    ]);
  });
});

describe("inventory/csv: PSChildName", () => {
  it("locates a row by its subkey name when PSPath was not exported", async () => {
    const { observations } = await readText('"DisplayName","Publisher","PSChildName"\n"Kaspersky Free","AO Kaspersky Lab","{0B2C0F5E-1A2B-4C3D-8E9F-A0B1C2D3E4F5}"\n');
    assert.deepEqual(observations[0]!.source, { file: "mem.csv", line: 2, pointer: "{0B2C0F5E-1A2B-4C3D-8E9F-A0B1C2D3E4F5}" });
  });
});
