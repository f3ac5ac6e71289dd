/**
 * @module
 * Tests of the wmic product reader over hand-made outputs in its three layouts
 * (testdata/README.md), UTF-16LE and `\r\r\n` included.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { Observation } from "../../model/observation.js";
import type { ReportableIssue } from "../types.js";
import { parseWmic, wmicReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/wmic/testdata", name);
const read = (name: string) => readAll(wmicReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);
const facts = (o: Observation) => [o.name, o.vendor, o.version, o.path];
const KES_PATH = "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\";

const TABLE = [
  ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "12.6.0.438", KES_PATH],
  ["Агент администрирования Kaspersky Security Center", "Лаборатория Касперского", "15.1.0.20748", undefined],
  ["7-Zip 23.01 (x64 edition)", "Igor Pavlov", "23.01.00.0", "C:\\Program Files\\7-Zip\\"],
  ["ESET Endpoint Antivirus", "ESET, spol. s r.o.", "10.1.2050.0", undefined],
  ["UltraAV", "Pango Group", "1.3.5", "C:\\Program Files\\UltraAV\\"],
  ["Microsoft Visual C++ 2022 X64 Minimum Runtime - 14.38.33135", "Microsoft Corporation", "14.38.33135", undefined],
];

describe("windows/wmic: detect", () => {
  const expected: [string, number][] = [
    ["product-table-utf16le.txt", 0.85],
    ["product-csv-utf16le.txt", 0.9],
    ["product-list.txt", 0.85],
    ["misaligned-table.txt", 0.85],
    ["name-only.txt", 0.6],
  ];
  for (const [f, score] of expected) it(`scores ${f} ${score}`, () => assert.equal(wmicReader.detect(probeFile(fixture(f))), score));

  it("beats the CSV reader on /format:csv, and leaves other text alone", () => {
    assert.equal(probeFile(fixture("product-csv-utf16le.txt")).encoding, "utf-16le");
    assert.equal(wmicReader.detect(textProbe("Name,Publisher,Version\nKaspersky,AO Kaspersky Lab,21\n")), 0);
    assert.equal(wmicReader.detect(textProbe("Package: kesl\nStatus: install ok installed\n")), 0);
    assert.equal(wmicReader.detect(textProbe("Name\n")), 0);
  });
});

describe("windows/wmic: reading", () => {
  it("reads the fixed-width table of a UTF-16LE file at the header's column starts", async () => {
    const { observations, issues } = await read("product-table-utf16le.txt");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(facts), TABLE);
    assert.deepEqual(observations.map((o) => o.source.line), [2, 3, 4, 5, 6, 7]);
    assert.equal(observations[0]!.kind, "software");
  });

  it("reads /format:csv with \\r\\r\\n: Node is the host, commas of vendors' legal forms are put back", async () => {
    const { observations, issues } = await read("product-csv-utf16le.txt");
    assert.deepEqual(observations.slice(0, 6).map(facts), TABLE);
    assert.deepEqual(
      observations.slice(6).map((o) => [o.source.line, o.host, o.name, o.vendor]),
      [
        [9, "WS-0142", "Cisco Secure Client - AnyConnect VPN", "Cisco Systems, Inc."],
        // a comma in a name cannot be told from one in the vendor: reported, given to Vendor
        [10, "WS-0143", "Acme Tool", "Premium Edition,Acme Corp"],
        [11, "WS-0143", "Huawei HiSuite", "Huawei Technologies Co.,Ltd."],
      ],
    );
    assert.ok(observations.slice(0, 6).every((o) => o.host === "WS-0142"));
    assert.deepEqual(codes(issues), [
      ["wmic/columns", "warning", 10],
      ["wmic/columns", "error", 12],
    ]);
    assert.match(issues[1]!.message, /3 values for 6 columns .*a cut or damaged row/);
  });

  it("reads /format:list blocks, reporting a line that is not Property=Value", async () => {
    const { observations, issues } = await read("product-list.txt");
    assert.deepEqual(observations.map(facts), TABLE.slice(0, 3));
    assert.deepEqual(observations.map((o) => o.source.line), [4, 12, 20]);
    assert.deepEqual(codes(issues), [["wmic/list", "error", 22]]);
  });

  it("warns about a row off its columns and still reads it", async () => {
    const { observations, issues } = await read("misaligned-table.txt");
    assert.deepEqual(codes(issues), [["wmic/columns", "warning", 3]]);
    assert.equal(observations.length, 6);
    assert.equal(observations[1]!.name, "Агент администрирования Kaspersky Security Center");
  });

  it("reads a single Name column", async () => {
    const { observations, issues } = await read("name-only.txt");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => o.name), TABLE.map((t) => t[0]));
  });

  it("reports a header that is not wmic's and reads on as a table", () => {
    const { issues } = parseWmic("Foo  Bar\nx    y\n", "x.txt");
    assert.deepEqual(codes(issues), [
      ["wmic/header", "error", 1],
      ["wmic/no-name", "warning", 2],
    ]);
  });

  it("parseWmic reads output in memory as the reader reads the file", async () => {
    const file = fixture("product-list.txt");
    assert.deepEqual(parseWmic(readFileSync(file, "utf8"), file), await read("product-list.txt"));
  });
});
