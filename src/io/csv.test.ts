/**
 * @module
 * Tests of CSV record streaming: lines as an editor shows them (a record spanning lines starts
 * earlier than it ends; CRLF split across chunks), the delimiter chosen from the first line, a
 * malformed record reported with its line and skipped, UTF-16 decoded.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { readCsvRecords, type CsvOptions, type CsvRecord } from "./csv.js";
import type { DecodeEncoding } from "./types.js";

async function records(chunks: (string | Buffer)[], options: Partial<CsvOptions> = {}, encoding: DecodeEncoding = "utf-8") {
  const out: CsvRecord[] = [];
  const problems: { reason: string; line?: number }[] = [];
  const stream = Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
  for await (const r of readCsvRecords({ stream, encoding }, { onMalformed: (p) => problems.push(p), ...options })) out.push(r);
  return { out, problems };
}

describe("readCsvRecords", () => {
  it("gives each record its first and last line, CRLF split across chunks included", async () => {
    const { out, problems } = await records(["name,note\r", "\nKaspersky,\"two\r\nlines\"\r\n\r\nDr.Web,x\r\n"]);
    assert.deepEqual(problems, []);
    assert.deepEqual(out, [
      { cells: ["name", "note"], line: 1, endLine: 1 },
      { cells: ["Kaspersky", "two\nlines"], line: 2, endLine: 3 },
      { cells: ["Dr.Web", "x"], line: 5, endLine: 5 },
    ]);
  });

  it("chooses the delimiter from the first line with delimiter: auto", async () => {
    const { out } = await records(["name;country\n", "Kaspersky Lab;RU\n"], { delimiter: "auto" });
    assert.deepEqual(out.map((r) => r.cells), [["name", "country"], ["Kaspersky Lab", "RU"]]);
    const tabs = await records(["name\tcountry\nAO Kaspersky Lab\tRU\n"], { delimiter: "auto" });
    assert.deepEqual(tabs.out[1]!.cells, ["AO Kaspersky Lab", "RU"]);
  });

  it("reports a malformed record with its line, skips it and reads on", async () => {
    const { out, problems } = await records(['name,note\nok,1\nbad,x"y\nlast,2\n']);
    assert.deepEqual(out.map((r) => [r.cells[0], r.line]), [["name", 1], ["ok", 2], ["last", 4]]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, 3);
    assert.doesNotMatch(problems[0]!.reason, /at line \d/);
  });

  it("accepts quotes inside cells with relaxQuotes", async () => {
    const { out, problems } = await records(['1,ACME "X" LTD,-0-\n'], { relaxQuotes: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(out[0]!.cells, ["1", 'ACME "X" LTD', "-0-"]);
  });

  it("decodes UTF-16LE (BOM dropped) and a last line without a line break", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name,country\r\nЛаборатория Касперского,RU", "utf16le")]);
    const { out } = await records([bytes.subarray(0, 7), bytes.subarray(7)], {}, "utf-16le");
    assert.deepEqual(out, [
      { cells: ["name", "country"], line: 1, endLine: 1 },
      { cells: ["Лаборатория Касперского", "RU"], line: 2, endLine: 2 },
    ]);
  });

  it("decodes Windows-1252", async () => {
    const { out } = await records([Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x53, 0xe3, 0x6f, 0x0a])], {}, "windows-1252");
    assert.deepEqual(out.map((r) => r.cells[0]), ["name", "São"]);
  });
});
