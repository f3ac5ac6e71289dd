import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { openInput } from "../io/open.js";
import type { Issue } from "../model/issue.js";
import { readCounterparties, type Counterparty } from "./inputs.js";
import { tempDir } from "../testing/temp.js";

async function read(name: string, text: string | Buffer): Promise<{ rows: Counterparty[]; issues: Issue[] }> {
  const dir = tempDir("ictsguard-inputs-");
  const path = join(dir, name);
  writeFileSync(path, text);
  const issues: Issue[] = [];
  const rows: Counterparty[] = [];
  for await (const r of readCounterparties(await openInput(path), { issues })) rows.push(r);
  return { rows, issues };
}

describe("screen inputs", () => {
  it("reads CSV by column name, in order, with record and line numbers", async () => {
    const { rows, issues } = await read("vendors.csv", "Vendor ID,Vendor Name,Country,Address\n1001,Kaspersky Lab AO,RU,Moscow\n1002,\"Acme, Inc.\",US,\n");
    assert.deepEqual(issues, []);
    assert.deepEqual(rows, [
      { record: 1, line: 2, name: "Kaspersky Lab AO", country: "RU", address: "Moscow", id: "1001" },
      { record: 2, line: 3, name: "Acme, Inc.", country: "US", id: "1002" },
    ]);
  });

  it("reads semicolon CSV with a BOM and UTF-16 exports", async () => {
    const semi = await read("s.csv", "\ufeffsupplier;country\nZTE Corp;CN\n");
    assert.deepEqual(semi.rows.map((r) => [r.name, r.country]), [["ZTE Corp", "CN"]]);
    const utf16 = await read("u.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name\r\nЛаборатория Касперского\r\n", "utf16le")]));
    assert.deepEqual(utf16.rows.map((r) => r.name), ["Лаборатория Касперского"]);
  });

  it("takes a one-column file without a header as one name per line", async () => {
    const { rows } = await read("names.txt", "Huawei Technologies\nHikari Vision\n");
    assert.deepEqual(rows.map((r) => r.name), ["Huawei Technologies", "Hikari Vision"]);
  });

  it("reads JSON Lines and reports bad lines with their number", async () => {
    const { rows, issues } = await read("p.jsonl", '{"name":"Kaspersky Lab","country":"RU","type":"company"}\nnot json\n{"country":"US"}\n{"name":"Andrei Tikhonov","type":"individual"}\n');
    assert.deepEqual(rows.map((r) => [r.record, r.line, r.name, r.type]), [[1, 1, "Kaspersky Lab", "organization"], [2, 4, "Andrei Tikhonov", "person"]]);
    assert.deepEqual(issues.map((i) => [i.code, i.source.line]), [["screen/jsonl", 2], ["screen/no-name", 3]]);
  });

  it("reports a row without a name and a file without a name column", async () => {
    const empty = await read("e.csv", "name,country\n,RU\nZTE,CN\n");
    assert.deepEqual(empty.rows.map((r) => [r.record, r.name]), [[1, "ZTE"]]);
    assert.deepEqual(empty.issues.map((i) => [i.code, i.source.line]), [["screen/no-name", 2]]);
    const none = await read("n.csv", "foo,bar\n1,2\n");
    assert.equal(none.rows.length, 0);
    assert.match(none.issues[0]!.message, /no column names the counterparty: found "foo", "bar"/);
    const nothing = await read("z.csv", "");
    assert.equal(nothing.issues[0]!.code, "screen/empty");
  });
});
