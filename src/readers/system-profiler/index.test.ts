/**
 * @module
 * Tests of the system_profiler reader over hand-made -json, -xml and .spx outputs
 * (testdata/README.md): the same applications from both forms, streamed XML entries, and broken
 * and truncated files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { Observation } from "../../model/observation.js";
import type { ReportableIssue } from "../types.js";
import { SpItemScanner, parseSystemProfiler, systemProfilerReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/system-profiler/testdata", name);
const read = (name: string) => readAll(systemProfilerReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);
const facts = (o: Observation) => [o.name, o.version, o.vendor, o.path, o.ids?.signer];
const KAV_SIGNER = "Developer ID Application: AO Kaspersky Lab (2Y8XE5CQ94)";

const EXPECTED = [
  ["Kaspersky Anti-Virus For Mac", "21.0.29.463", "AO Kaspersky Lab", "/Applications/Kaspersky Anti-Virus For Mac.app", KAV_SIGNER],
  ["Safari", "17.5", "Apple", "/Applications/Safari.app", "Software Signing"],
  ["Kaspersky Endpoint Security for Mac", "12.1.0.553", "AO Kaspersky Lab", "/Applications/Kaspersky Endpoint Security for Mac.app", KAV_SIGNER],
  // a Mac App Store app: Apple's store certificate names no vendor
  ["Microsoft Word", "16.84", undefined, "/Applications/Microsoft Word.app", "Apple Mac OS Application Signing"],
  ["Uninstall", "12.1.0.553", "Vendor Name Withheld", "/Library/Application Support/Kaspersky Lab/KAV/Applications/Uninstall.app", "Developer ID Application: Vendor Name Withheld (2Y8XE5CQ94)"],
  ["UltraAV", "1.3.5", "Pango Inc.", "/Applications/UltraAV.app", "Developer ID Application: Pango Inc. (AB12CD34EF)"],
  ["ESET Endpoint Antivirus", "7.4.1600.0", "ESET, spol. s r.o.", "/Applications/ESET Endpoint Antivirus.app", "Developer ID Application: ESET, spol. s r.o. (P8DQRXPVLP)"],
  ["ksnip", "1.10.1", undefined, "/Applications/ksnip.app", undefined],
  ["Kingsoft Writer", undefined, "Kingsoft Office Software Corporation Limited", "/Applications/Kingsoft Writer.app", "Developer ID Application: Kingsoft Office Software Corporation Limited (ZZ99YY88XX)"],
  ["Utilities Helper", undefined, undefined, "/Users/dana/Downloads/Utilities Helper.app", undefined],
];

describe("macos/system-profiler: detect", () => {
  it("recognizes -json, -xml and .spx output and leaves other plists and JSON alone", () => {
    for (const f of ["applications.json", "applications.xml", "software-and-apps.spx", "truncated.xml", "truncated.json", "malformed-entries.xml"]) {
      assert.equal(systemProfilerReader.detect(probeFile(fixture(f))), 0.95, f);
    }
    assert.equal(systemProfilerReader.detect(probeFile(repoPath("src/readers/info-plist/testdata/Slack.app-Info.plist"))), 0);
    assert.equal(systemProfilerReader.detect(textProbe('{"SPSoftwareDataType": []}')), 0);
    assert.equal(systemProfilerReader.detect(textProbe('[{"name":"x"}]')), 0);
  });
});

describe("macos/system-profiler: reading", () => {
  it("reads every application of the -json output, located by record and pointer", async () => {
    const { observations, issues } = await read("applications.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(facts), EXPECTED);
    assert.deepEqual(observations[0]!.source, { file: fixture("applications.json"), record: 1, pointer: "/SPApplicationsDataType/0" });
    assert.equal(observations[0]!.kind, "software");
  });

  it("reads the same applications from the -xml output, located by the line each entry starts on", async () => {
    const { observations, issues } = await read("applications.xml");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(facts), EXPECTED);
    assert.deepEqual(observations.map((o) => o.source.line), [25, 45, 65, 85, 105, 125, 145, 165, 179, 197]);
    const lines = readFileSync(fixture("applications.xml"), "utf8").split("\n");
    for (const o of observations) assert.equal(lines[o.source.line! - 1]!.trim(), "<dict>");
  });

  it("reads only the SPApplicationsDataType entries of a file with several data types (.spx)", async () => {
    const { observations, issues } = await read("software-and-apps.spx");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Anti-Virus For Mac", "Safari"]);
  });

  it("reports a broken entry at its line and reads the entries around it", async () => {
    const { observations, issues } = await read("malformed-entries.xml");
    assert.deepEqual(codes(issues), [
      ["plist/syntax", "error", 45],
      ["plist/syntax", "error", 86],
    ]);
    assert.match(issues[0]!.message, /Keys and values must alternate.*this application entry was skipped/);
    assert.match(issues[1]!.message, /Invalid PLIST tag strung/);
    assert.deepEqual(observations.map((o) => o.name), EXPECTED.map((e) => e[0]).filter((n) => n !== "Safari" && n !== "Microsoft Word"));
  });

  it("reports truncated XML and JSON with the line they end on, and keeps the entries before", async () => {
    const xml = await read("truncated.xml");
    assert.deepEqual(codes(xml.issues), [["plist/truncated", "error", 87]]);
    assert.match(xml.issues[0]!.message, /ends inside <string> \(truncated\?\); 3 application\(s\) before this point were read/);
    assert.deepEqual(xml.observations.map((o) => o.name), ["Kaspersky Anti-Virus For Mac", "Safari", "Kaspersky Endpoint Security for Mac"]);
    const json = await read("truncated.json");
    assert.deepEqual(codes(json.issues), [["json/truncated", "error", 30]]);
    assert.deepEqual(json.observations.map((o) => o.name), ["Kaspersky Anti-Virus For Mac", "Safari"]);
  });

  it("says so when the data type is missing", async () => {
    const xml = await parseSystemProfiler('<?xml version="1.0"?>\n<plist version="1.0"><array><dict><key>_dataType</key><string>SPSoftwareDataType</string><key>_items</key><array/></dict></array></plist>\n', "sw.xml");
    assert.deepEqual(codes(xml.issues), [["system-profiler/no-apps", "error", 1]]);
    assert.match(xml.issues[0]!.message, /found SPSoftwareDataType/);
    const json = await parseSystemProfiler('{"SPSoftwareDataType": [{"_name": "os_overview"}]}', "sw.json");
    assert.deepEqual(codes(json.issues), [["system-profiler/no-apps", "error", 1]]);
    const other = await parseSystemProfiler("Name,Version\n", "x.csv");
    assert.deepEqual(codes(other.issues), [["system-profiler/format", "error", 1]]);
  });

  it("parseSystemProfiler reads either form in memory as the reader reads the file", async () => {
    for (const f of ["applications.json", "applications.xml"]) {
      assert.deepEqual(await parseSystemProfiler(readFileSync(fixture(f), "utf8"), fixture(f)), await read(f));
    }
  });

  it("the XML scanner stops at an entry too large to be an application's, instead of buffering it", () => {
    const scanner = new SpItemScanner();
    const start = '<plist version="1.0"><array><dict><key>_dataType</key><string>SPApplicationsDataType</string><key>_items</key><array>\n<dict><key>_name</key><string>';
    let result = scanner.push(start);
    const filler = "x".repeat(1 << 20);
    for (let i = 0; i < 9 && !result.problem; i++) result = scanner.push(filler);
    assert.deepEqual(result.problem, { message: "an application entry larger than 8 MiB", line: 2 });
    assert.deepEqual(scanner.push("</string></dict>").items, []);
  });

  it("the XML scanner gives the same entries whatever the chunk boundaries", () => {
    const text = readFileSync(fixture("applications.xml"), "utf8");
    const whole = new SpItemScanner().push(text).items;
    const scanner = new SpItemScanner();
    const pieces = [];
    for (let i = 0; i < text.length; i += 7) pieces.push(...scanner.push(text.slice(i, i + 7)).items);
    assert.equal(scanner.end(), undefined);
    assert.equal(whole.length, 10);
    assert.deepEqual(pieces, whole);
  });
});
