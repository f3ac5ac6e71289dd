/**
 * @module
 * Tests of the `.reg` reader over hand-made exports (testdata/README.md): UTF-16LE and UTF-8,
 * REGEDIT4, malformed and truncated files, and the string and generic-key APIs collectors use.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { Observation } from "../../model/observation.js";
import type { ReportableIssue } from "../types.js";
import { RegExportParser, installPath, parseRegExport, registryPathOf, windowsRegReader } from "./index.js";
import { splitLines } from "../_lines.js";

const fixture = (name: string): string => repoPath("src/readers/windows-reg/testdata", name);
const read = (name: string) => readAll(windowsRegReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);
const WOW = "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\";
const HKLM = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\";
const HKU = "HKEY_USERS\\S-1-5-21-3623811015-3361044348-30300820-1013\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\";
const HKCU = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\";

describe("windows/reg: detect", () => {
  it("recognizes regedit exports by their header, in UTF-16LE and UTF-8, and REGEDIT4", () => {
    assert.equal(probeFile(fixture("uninstall-utf16le.reg")).encoding, "utf-16le");
    for (const f of ["uninstall-utf16le.reg", "uninstall-utf8.reg", "regedit4.reg", "malformed.reg", "no-uninstall-keys.reg"]) {
      assert.equal(windowsRegReader.detect(probeFile(fixture(f))), 0.95, f);
    }
  });

  it("gives a header-less list of keys a lower score and leaves other text alone", () => {
    assert.equal(windowsRegReader.detect(textProbe("[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n\"a\"=\"b\"\r\n")), 0.6);
    assert.equal(windowsRegReader.detect(textProbe("WINE REGISTRY Version 2\n;; All keys relative to \\\\Machine\n")), 0);
    assert.equal(windowsRegReader.detect(textProbe("DisplayName,Publisher\nKaspersky,AO Kaspersky Lab\n")), 0);
    assert.equal(windowsRegReader.detect(textProbe('[{"DisplayName":"x"}]')), 0);
  });
});

describe("windows/reg: reading", () => {
  it("reads every program key of HKLM, WOW6432Node, HKU\\<SID> and HKCU, with its line and key path", async () => {
    const file = fixture("uninstall-utf16le.reg");
    const { observations, issues } = await read("uninstall-utf16le.reg");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations[0], {
      kind: "software",
      name: "Kaspersky Endpoint Security 12.1.0.506 для Windows",
      vendor: "Лаборатория Касперского",
      version: "12.1.0.506",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\KES.12.1.0\\",
      source: { file, line: 10, pointer: `${WOW}{9A017278-F7F4-4DF9-A482-0B97B70DD7ED}` },
    });
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.vendor, o.version, o.source.pointer]),
      [
        [10, "Kaspersky Endpoint Security 12.1.0.506 для Windows", "Лаборатория Касперского", "12.1.0.506", `${WOW}{9A017278-F7F4-4DF9-A482-0B97B70DD7ED}`],
        // the literal quotes of a real dump are kept; the matcher strips them
        [47, "Агент администрирования Kaspersky Security Center", '"Лаборатория Касперского"', "14.2.0.26967", `${WOW}{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5A}`],
        // SystemComponent=1 (hidden in Programs and Features) is still a program
        [61, "Антивирус Касперского", '"Лаборатория Касперского"', "21.3.10.391", `${HKLM}{C4A1D5E4-4E2B-4F0B-9C2E-7A3B8F9D1E20}`],
        [69, "Yandex", "ООО «ЯНДЕКС»", "24.1.1.940", `${HKU}Yandex`],
        [76, "Telegram Desktop", "Telegram FZ-LLC", "4.14.9", `${HKU}{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1`],
        [82, "Kaspersky Password Manager", "AO Kaspersky Lab", "9.0.2.1186", `${HKCU}Kaspersky Password Manager`],
        [87, "UltraAV", "Pango Group", "1.3.5", `${HKLM}{E1F5A3B2-0C4D-4E6F-8A9B-1C2D3E4F5A6B}`],
        [93, "ESET AV Remover", "ESET, spol. s r.o.", "1.6.1.0", `${WOW}ESET AV Remover`],
        [98, "ksnip 1.10.1", "Damir Porobic", "1.10.1", `${HKLM}ksnip`],
        [103, "Kingsoft Antivirus", "Kingsoft Corporation", "2016.SP5.2", `${WOW}Kingsoft Antivirus`],
        [108, "7-Zip 23.01 (x64)", "Igor Pavlov", "23.01", `${HKLM}7-Zip`],
        [123, "Notepad++ (64-bit x64)", "Notepad++ Team", "8.6.2", `${HKLM}Notepad++`],
      ],
    );
    // no DisplayName (AddressBook, Connection Manager), updates (ParentKeyName/ReleaseType) and the [-deleted] key are not programs
    const names = observations.map((o) => o.name).join("|");
    assert.doesNotMatch(names, /исправление|Security Update|OldTool/);
  });

  it("decodes hex(2) REG_EXPAND_SZ continued over lines as UTF-16LE, and uses DisplayIcon when InstallLocation is missing", async () => {
    const { observations } = await read("uninstall-utf16le.reg");
    const agent = observations.find((o) => o.source.line === 47)!;
    assert.equal(agent.path, "%ProgramFiles(x86)%\\Kaspersky Lab\\NetworkAgent\\klnagent.exe");
    assert.equal(observations.find((o) => o.name === "7-Zip 23.01 (x64)")!.path, "C:\\Program Files\\7-Zip\\7zFM.exe");
  });

  it("reads the same export written as UTF-8 with LF line ends the same way", async () => {
    const utf16 = await read("uninstall-utf16le.reg");
    const utf8 = await read("uninstall-utf8.reg");
    const seen = (o: Observation) => ({ ...o, source: { ...o.source, file: "" } });
    assert.deepEqual(utf8.observations.map(seen), utf16.observations.map(seen));
  });

  it("reads REGEDIT4 exports, whose hex(2) data are ANSI bytes", async () => {
    const { observations, issues } = await read("regedit4.reg");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.path]),
      [
        ["Kaspersky Anti-Virus 6.0 for Windows Workstations", "Kaspersky Lab", "C:\\Program Files\\Kaspersky Lab\\Kaspersky Anti-Virus 6.0 for Windows Workstations\\"],
        ["WinZip 8.1", "WinZip Computing", "C:\\Program Files\\WinZip é"],
      ],
    );
  });

  it("reports each malformed line with its line number and what was expected, and reads the rest", async () => {
    const { observations, issues } = await read("malformed.reg");
    assert.deepEqual(codes(issues), [
      ["reg/value", "error", 7],
      ["reg/value", "error", 8],
      ["reg/value", "error", 9],
      ["reg/value", "error", 10],
      ["reg/key", "error", 12],
      ["reg/value", "error", 19],
    ]);
    assert.match(issues[0]!.message, /EstimatedSize.*expected a quoted string, dword:XXXXXXXX/);
    assert.match(issues[3]!.message, /expected hex data as comma-separated byte pairs/);
    assert.match(issues[4]!.message, /closed by "]"/);
    for (const i of issues) assert.equal(i.source.file, fixture("malformed.reg"));
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.vendor]),
      [
        [3, "Kaspersky Security Center Network Agent", "AO Kaspersky Lab"],
        [15, "Kaspersky Total Security", "Kaspersky Lab"],
      ],
    );
  });

  it("reports a file cut inside a continued value as truncated, and keeps what came before", async () => {
    const { observations, issues } = await read("truncated.reg");
    assert.deepEqual(
      issues.map((i) => i.code),
      ["reg/truncated"],
    );
    assert.match(issues[0]!.message, /ends inside continued hex data .* of value "DisplayIcon" begun on line 51 \(truncated\?\)/);
    assert.equal(issues[0]!.source.line, 51);
    // the key being read when the file ended is kept with the values it had
    assert.deepEqual(
      observations.map((o) => [o.name, o.path]),
      [
        ["Kaspersky Endpoint Security 12.1.0.506 для Windows", "C:\\Program Files (x86)\\Kaspersky Lab\\KES.12.1.0\\"],
        ["Агент администрирования Kaspersky Security Center", undefined],
      ],
    );
  });

  it("warns when an export holds no Uninstall keys", async () => {
    const { observations, issues } = await read("no-uninstall-keys.reg");
    assert.deepEqual(observations, []);
    assert.deepEqual(codes(issues), [["reg/no-programs", "warning", undefined]]);
  });

  it("refuses a Wine registry file and a file without a header says so", () => {
    const wine = parseRegExport("WINE REGISTRY Version 2\n;; All keys relative to \\\\Machine\n\n[Software\\\\Microsoft] 1700000000\n", "system.reg");
    assert.deepEqual(codes(wine.issues), [["reg/wine", "error", 1]]);
    assert.deepEqual(wine.observations, []);
    const headless = parseRegExport(`[${HKLM}x]\n"DisplayName"="Kaspersky Free"\n`, "x.reg");
    assert.deepEqual(codes(headless.issues), [["reg/header", "error", 1]]);
    assert.deepEqual(headless.observations.map((o) => o.name), ["Kaspersky Free"]);
  });
});

describe("windows/reg: many broken lines", () => {
  it("reports the first five of a kind with their lines and sums up the rest in one issue", () => {
    const bad = Array.from({ length: 8 }, (_, i) => `"Value${i}"=nonsense`);
    const text = ["Windows Registry Editor Version 5.00", "", `[${HKLM}{X}]`, '"DisplayName"="Kaspersky Safe Kids"', ...bad, ""].join("\r\n");
    const { observations, issues } = parseRegExport(text, "many.reg");
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Safe Kids"]);
    assert.deepEqual(codes(issues), [
      ["reg/value", "error", 5],
      ["reg/value", "error", 6],
      ["reg/value", "error", 7],
      ["reg/value", "error", 8],
      ["reg/value", "error", 9],
      ["reg/value", "error", undefined],
    ]);
    assert.equal(issues[5]!.message, "3 more reg/value issue(s) of the same kind at 10, 11, 12");
  });
});

describe("windows/reg: parsing helpers", () => {
  it("parseRegExport reads a .reg text in memory as the reader reads the file", async () => {
    const file = fixture("uninstall-utf8.reg");
    const fromText = parseRegExport(readFileSync(file, "utf8"), file);
    const fromFile = await read("uninstall-utf8.reg");
    assert.deepEqual(fromText, { observations: fromFile.observations, issues: fromFile.issues });
  });

  it("RegExportParser reads any key with typed values, line breaks inside strings and escapes", () => {
    const text = [
      "Windows Registry Editor Version 5.00",
      "",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\KasperskyLab\\Components]",
      '@="default"',
      '"Path"="C:\\\\Program Files\\\\Kaspersky Lab\\\\"',
      '"Quoted"="say \\"hi\\""',
      '"Note"="first line',
      'second line"',
      '"Count"=dword:0000002a',
      '"Big"=hex(b):00,01,00,00,00,00,00,00',
      '"List"=hex(7):61,00,00,00,62,00,00,00,00,00',
      '"Blob"=hex:de,ad,\\',
      "  be,ef",
      "",
    ].join("\r\n");
    const keys = [];
    const issues: ReportableIssue[] = [];
    const parser = new RegExportParser("x.reg", (i) => issues.push(i));
    for (const line of splitLines(text)) keys.push(...parser.push(line));
    keys.push(...parser.end(14));
    assert.deepEqual(issues, []);
    assert.equal(keys.length, 1);
    const v = keys[0]!.values;
    assert.equal(v.get(""), "default");
    assert.equal(v.get("path"), "C:\\Program Files\\Kaspersky Lab\\");
    assert.equal(v.get("quoted"), 'say "hi"');
    assert.equal(v.get("note"), "first line\nsecond line");
    assert.equal(v.get("count"), 42);
    assert.equal(v.get("big"), 256);
    assert.deepEqual(v.get("list"), ["a", "b"]);
    assert.deepEqual(v.get("blob"), new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
  });

  it("installPath prefers InstallLocation, else the DisplayIcon file without quotes or icon index", () => {
    assert.equal(installPath({ installLocation: "C:\\A\\", displayIcon: "C:\\B\\b.exe" }), "C:\\A\\");
    assert.equal(installPath({ displayIcon: '"C:\\Program Files\\Kaspersky Lab\\avpui.exe",0' }), "C:\\Program Files\\Kaspersky Lab\\avpui.exe");
    assert.equal(installPath({ displayIcon: "C:\\Windows\\Installer\\{9A017278-F7F4}\\icon.exe" }), undefined);
    assert.equal(registryPathOf("Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\X"), "HKEY_LOCAL_MACHINE\\SOFTWARE\\X");
  });
});
