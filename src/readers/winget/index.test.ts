/**
 * @module
 * Tests of the winget export reader over winget-cli's own test exports (schema 1.0 and 2.0;
 * testdata/PROVENANCE.md) and hand-made exports with Kaspersky package identifiers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { parseWingetExport, wingetReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/winget/testdata", name);
const read = (name: string) => readAll(wingetReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line ?? i.source.pointer]);

describe("windows/winget: detect", () => {
  it("recognizes exports by their $schema, or by Sources and WinGetVersion", () => {
    for (const f of ["ImportFile-Good.1.0.json", "ImportFile-Good.2.0.json", "kaspersky-export.json", "truncated-export.json", "bad-packages.json"]) {
      assert.equal(wingetReader.detect(probeFile(fixture(f))), 0.95, f);
    }
    assert.equal(wingetReader.detect(textProbe('{"Sources": [], "WinGetVersion": "1.8"}')), 0.85);
    assert.equal(wingetReader.detect(textProbe('{"bomFormat": "CycloneDX", "specVersion": "1.6"}')), 0);
    assert.equal(wingetReader.detect(textProbe('[{"Sources": []}]')), 0);
  });
});

describe("windows/winget: reading", () => {
  it("reads winget-cli's schema 2.0 and 1.0 test exports (PackageIdentifier and Id)", async () => {
    for (const f of ["ImportFile-Good.2.0.json", "ImportFile-Good.1.0.json"]) {
      const { observations, issues } = await read(f);
      assert.deepEqual(issues, [], f);
      assert.deepEqual(observations, [
        {
          kind: "package",
          name: "AppInstallerTest.TestExeInstaller",
          version: "1.0.0.0",
          seenAt: "2021-01-01T12:00:00.000Z",
          source: { file: fixture(f), record: 1, pointer: "/Sources/0/Packages/0" },
        },
      ]);
    }
  });

  it("reads every package of every source, located by record and pointer, without purls", async () => {
    const { observations, issues } = await read("kaspersky-export.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.record, o.source.pointer, o.name, o.version]),
      [
        [1, "/Sources/0/Packages/0", "7zip.7zip", "23.01"],
        [2, "/Sources/0/Packages/1", "Kaspersky.Kaspersky", "21.9.6.465"],
        [3, "/Sources/0/Packages/2", "Kaspersky.KasperskyVPNSecureConnection", "21.9.6.465"],
        [4, "/Sources/0/Packages/3", "Kaspersky.Lab", "1.0"],
        [5, "/Sources/0/Packages/4", "Kaspersky.KasperskyStandard", undefined],
        [6, "/Sources/0/Packages/5", "ESET.AVRemover", "1.6.1.0"],
        [7, "/Sources/0/Packages/6", "Telegram.TelegramDesktop", "4.14.9"],
        [8, "/Sources/0/Packages/7", "Huawei.HiSuite", "14.0.0.300"],
        [9, "/Sources/1/Packages/0", "9NBLGGH5Q5FV", undefined],
        [10, "/Sources/1/Packages/1", "9WZDNCRFJ3TJ", undefined],
      ],
    );
    for (const o of observations) {
      assert.equal(o.kind, "package");
      assert.equal(o.ids, undefined);
      assert.equal(o.seenAt, "2024-10-02T08:15:30.123Z");
    }
  });

  it("reports packages without identifier and sources without packages, and reads the rest", async () => {
    const { observations, issues } = await read("bad-packages.json");
    assert.deepEqual(codes(issues), [
      ["winget/package", "error", "/Sources/0/Packages/1"],
      ["winget/package", "error", "/Sources/0/Packages/2"],
      ["winget/package", "error", "/Sources/0/Packages/3"],
      ["winget/source", "warning", "/Sources/1"],
    ]);
    assert.match(issues[3]!.message, /source "msstore" lists no packages/);
    assert.deepEqual(observations.map((o) => o.name), ["Kaspersky.KasperskyTotalSecurity", "Kaspersky.KasperskySafeKids", "Kaspersky.KasperskyInternetSecurity"]);
  });

  it("keeps every package before the cut of a truncated export", async () => {
    const { observations, issues } = await read("truncated-export.json");
    assert.deepEqual(codes(issues), [["json/truncated", "error", 27]]);
    assert.deepEqual(observations.map((o) => o.name), ["7zip.7zip", "Kaspersky.Kaspersky", "Kaspersky.KasperskyVPNSecureConnection", "Kaspersky.Lab", "Kaspersky.KasperskyStandard"]);
  });

  it("parseWingetExport reads an export in memory as the reader reads the file", async () => {
    for (const f of ["kaspersky-export.json", "bad-packages.json"]) {
      assert.deepEqual(parseWingetExport(readFileSync(fixture(f), "utf8"), fixture(f)), await read(f));
    }
    assert.deepEqual(codes(parseWingetExport('{"WinGetVersion": "1.8"}', "x.json").issues), [["winget/no-sources", "error", 1]]);
  });
});
