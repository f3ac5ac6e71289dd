/**
 * @module
 * Tests of the PowerShell ConvertTo-Json reader over hand-made exports (testdata/README.md):
 * Uninstall keys (array, single object, JSON lines; UTF-16LE and UTF-8), Win32_Product and
 * Get-Package objects, truncated and broken input.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { parsePowershellJson, powershellJsonReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/powershell-json/testdata", name);
const read = (name: string) => readAll(powershellJsonReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line ?? i.source.record]);
const KES_KEY = "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{5C7E4B2A-9F3D-4E61-A8B0-2D41C6E9F713}";

describe("windows/powershell-json: detect", () => {
  const expected: [string, number][] = [
    ["uninstall-utf16le.json", 0.9],
    ["truncated.json", 0.9],
    ["single-object.json", 0.9],
    ["json-lines.json", 0.9],
    ["win32-product.json", 0.85],
    ["get-package.json", 0.85],
  ];
  for (const [f, score] of expected) it(`scores ${f} ${score}`, () => assert.equal(powershellJsonReader.detect(probeFile(fixture(f))), score));

  it("leaves osquery rows, SBOMs and other JSON alone", () => {
    assert.equal(powershellJsonReader.detect(textProbe('[{"name":"Kaspersky","publisher":"AO Kaspersky Lab","identifying_number":"{X}"}]')), 0);
    assert.equal(powershellJsonReader.detect(textProbe('{"bomFormat":"CycloneDX","components":[]}')), 0);
    assert.equal(powershellJsonReader.detect(textProbe("DisplayName,Publisher\n")), 0);
  });
});

describe("windows/powershell-json: reading", () => {
  it("reads Get-ItemProperty Uninstall keys of a UTF-16LE 5.1 export: the registry key as pointer, PSComputerName as host", async () => {
    const { observations, issues } = await read("uninstall-utf16le.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations[0], {
      kind: "software",
      name: "Kaspersky Endpoint Security for Windows",
      vendor: "AO Kaspersky Lab",
      version: "12.6.0.438",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\",
      host: "WS-0142",
      source: { file: fixture("uninstall-utf16le.json"), record: 1, pointer: KES_KEY },
    });
    // no AddressBook (no DisplayName), no patch (ParentKeyName); SystemComponent=1 and HKCU kept
    assert.deepEqual(
      observations.map((o) => [o.source.record, o.name, o.vendor, o.source.pointer?.split("\\").slice(0, 2).join("\\")]),
      [
        [1, "Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "HKEY_LOCAL_MACHINE\\SOFTWARE"],
        [3, "Антивирус Касперского", '"Лаборатория Касперского"', "HKEY_LOCAL_MACHINE\\SOFTWARE"],
        [5, "Kaspersky Password Manager", "AO Kaspersky Lab", "HKEY_CURRENT_USER\\Software"],
        [6, "UltraAV", "Pango Group", "HKEY_LOCAL_MACHINE\\SOFTWARE"],
        [7, "ESET AV Remover", "ESET, spol. s r.o.", "HKEY_LOCAL_MACHINE\\SOFTWARE"],
      ],
    );
    assert.equal(observations[2]!.path, "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Password Manager 9.0.2\\kpm.exe");
  });

  it("reads a single object without [] (PowerShell 7, UTF-8)", async () => {
    const { observations, issues } = await read("single-object.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.source.record, o.host]), [["Kaspersky Security Center Network Agent", 1, undefined]]);
  });

  it("reads Win32_Product and Get-Package objects", async () => {
    const wmi = await read("win32-product.json");
    assert.deepEqual(wmi.issues, []);
    assert.deepEqual(wmi.observations.map((o) => [o.name, o.vendor, o.version, o.host, o.source.pointer]), [
      ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "12.6.0.438", "WS-0142", "/0"],
      ["Kaspersky Security Center Network Agent", "AO Kaspersky Lab", "15.1.0.20748", "WS-0142", "/1"],
      ["7-Zip 23.01 (x64 edition)", "Igor Pavlov", "23.01.00.0", "WS-0142", "/2"],
    ]);
    const pkg = await read("get-package.json");
    assert.deepEqual(pkg.issues, []);
    assert.deepEqual(pkg.observations.map((o) => [o.name, o.version, o.vendor]), [
      ["Kaspersky Endpoint Security for Windows", "12.6.0.438", undefined],
      ["Kaspersky Password Manager", "9.0.2.1186", undefined],
      ["PSReadLine", "2.0.0", undefined],
    ]);
  });

  it("reads JSON lines, reporting a cut line and an object that is no inventory record by line", async () => {
    const { observations, issues } = await read("json-lines.json");
    assert.deepEqual(codes(issues), [
      ["json/syntax", "error", 2],
      ["powershell/record", "error", 3],
    ]);
    assert.match(issues[1]!.message, /an object with Id, ProcessName: expected Get-ItemProperty Uninstall properties/);
    assert.deepEqual(observations.map((o) => [o.source.line, o.name]), [
      [1, "Kaspersky Endpoint Security for Windows"],
      [4, "Kaspersky Security Center Network Agent"],
    ]);
  });

  it("keeps what came before the cut of a truncated export", async () => {
    const { observations, issues } = await read("truncated.json");
    assert.deepEqual(codes(issues), [["json/truncated", "error", 151]]);
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky Endpoint Security for Windows", "Антивирус Касперского"]);
  });

  it("parsePowershellJson reads output in memory as the reader reads the file", async () => {
    for (const f of ["single-object.json", "win32-product.json", "json-lines.json"]) {
      const text = readFileSync(fixture(f)).toString(f === "win32-product.json" ? "utf16le" : "utf8");
      const fromText = parsePowershellJson(text, fixture(f));
      const fromFile = await read(f);
      assert.deepEqual(fromText.observations, fromFile.observations, f);
      assert.deepEqual(fromText.issues.map((i) => i.code), fromFile.issues.map((i) => i.code), f);
    }
  });
});
