/**
 * @module
 * Tests of the dpkg-query -W / dpkg -l reader over hand-made lists (testdata/README.md).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { dpkgListReader, parseDpkgList } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/dpkg-list/testdata", name);
const read = (name: string) => readAll(dpkgListReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);

describe("linux/dpkg-list: detect", () => {
  const expected: [string, number][] = [
    ["dpkg-l.txt", 0.95],
    ["dpkg-query-recommended.tsv", 0.9],
    ["dpkg-query-default.tsv", 0.8],
    ["malformed-query.tsv", 0.9],
  ];
  for (const [f, score] of expected) it(`scores ${f} ${score}`, () => assert.equal(dpkgListReader.detect(probeFile(fixture(f))), score));

  it("leaves CSV, rpm lists and prose alone", () => {
    assert.equal(dpkgListReader.detect(textProbe("Name\tVersion\tPublisher\nKaspersky\t21\tAO Kaspersky Lab\n")), 0);
    assert.equal(dpkgListReader.detect(textProbe("bash\t0\t4.2.46\t34.el7\tx86_64\tCentOS\t(none)\t1700000000\n")), 0);
    assert.equal(dpkgListReader.detect(textProbe("bash-4.2.46-34.el7.x86_64\n")), 0);
  });
});

describe("linux/dpkg-list: reading", () => {
  it("reads dpkg -l rows at the ruler's columns; only ii and hi are installed", async () => {
    const { observations, issues } = await read("dpkg-l.txt");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.version, o.ids?.purl]),
      [
        [6, "adduser", "3.134", "pkg:deb/adduser@3.134?arch=all"],
        [7, "apt", "2.6.1", "pkg:deb/apt@2.6.1?arch=amd64"],
        [8, "kesl", "12.1.0-1543", "pkg:deb/kesl@12.1.0-1543?arch=amd64"],
        [10, "klnagent64", "15.1.0-20748", "pkg:deb/klnagent64@15.1.0-20748?arch=amd64"],
        [11, "klavaro", "3.13-1", "pkg:deb/klavaro@3.13-1?arch=amd64"],
        [12, "ksnip", "1.10.0-1", "pkg:deb/ksnip@1.10.0-1?arch=amd64"],
        [13, "libc6", "2.36-9+deb12u4", "pkg:deb/libc6@2.36-9+deb12u4?arch=amd64"],
      ],
    );
  });

  it("reads dpkg -l of old dpkg (no Architecture column) and rows wider than their columns", () => {
    const old = [
      "Desired=Unknown/Install/Remove/Purge/Hold",
      "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend",
      "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)",
      "||/ Name           Version        Description",
      "+++-==============-==============-============================================",
      "ii  kesl           10.1.0-5960    Kaspersky Endpoint Security for Linux",
      "ii  klnagent64-with-a-long-name 15.1.0-20748 Network Agent",
      "",
    ].join("\n");
    const { observations, issues } = parseDpkgList(old, "old.txt");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.version, o.ids?.purl]), [
      ["kesl", "10.1.0-5960", "pkg:deb/kesl@10.1.0-5960"],
      ["klnagent64-with-a-long-name", "15.1.0-20748", "pkg:deb/klnagent64-with-a-long-name@15.1.0-20748"],
    ]);
  });

  it("reads the default dpkg-query -W format, splitting name:arch and skipping packages without a version", async () => {
    const { observations, issues } = await read("dpkg-query-default.tsv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.version, o.ids?.purl]),
      [
        [1, "adduser", "3.134", "pkg:deb/adduser@3.134"],
        [2, "apt", "2.6.1", "pkg:deb/apt@2.6.1"],
        [3, "kesl", "12.1.0-1543", "pkg:deb/kesl@12.1.0-1543"],
        [4, "klnagent64", "15.1.0-20748", "pkg:deb/klnagent64@15.1.0-20748"],
        [5, "ksnip", "1.10.0-1", "pkg:deb/ksnip@1.10.0-1"],
        [6, "libc6", "2.36-9+deb12u4", "pkg:deb/libc6@2.36-9+deb12u4?arch=amd64"],
        [8, "kleopatra", "4:22.12.3-1", "pkg:deb/kleopatra@4:22.12.3-1"],
      ],
    );
  });

  it("reads the recommended -f format with maintainer and status abbreviation", async () => {
    const { observations, issues } = await read("dpkg-query-recommended.tsv");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.vendor]),
      [
        [1, "adduser", "Debian Adduser Developers"],
        [2, "kesl", "AO Kaspersky Lab"],
        [4, "klnagent64", "AO Kaspersky Lab"],
        [5, "kics", "Checkmarx"],
        [6, "libc6", "GNU Libc Maintainers"],
        [7, "kleopatra", "Debian Qt/KDE Maintainers"],
      ],
    );
  });

  it("reads other -f layouts by the shape of their fields (full Status words)", () => {
    const { observations } = parseDpkgList("kesl\t12.1.0-1543\tinstall ok installed\tamd64\nkesl-gui\t12.1.0-1543\tdeinstall ok config-files\tamd64\n");
    assert.deepEqual(observations.map((o) => [o.name, o.ids?.purl]), [["kesl", "pkg:deb/kesl@12.1.0-1543?arch=amd64"]]);
  });

  it("reports lines that are not packages with their line numbers and reads the rest", async () => {
    const { observations, issues } = await read("malformed-query.tsv");
    assert.deepEqual(codes(issues), [
      ["dpkg/row", "error", 2],
      ["dpkg/row", "error", 4],
    ]);
    assert.match(issues[0]!.message, /expected "package<TAB>version" \(dpkg-query -W\)/);
    assert.deepEqual(observations.map((o) => o.name), ["kesl", "klnagent64", "kess"]);
  });

  it("reports dpkg -l output that lacks its ruler", () => {
    const { observations, issues } = parseDpkgList("Desired=Unknown/Install/Remove/Purge/Hold\nii  kesl  12.1.0-1543  amd64  x\n", "noruler.txt");
    assert.deepEqual(observations, []);
    assert.deepEqual(codes(issues), [
      ["dpkg/ruler", "error", 2],
      ["dpkg/ruler", "error", undefined],
    ]);
  });

  it("parseDpkgList reads a list in memory as the reader reads the file", async () => {
    const file = fixture("dpkg-l.txt");
    assert.deepEqual(parseDpkgList(readFileSync(file, "utf8"), file), await read("dpkg-l.txt"));
  });
});
