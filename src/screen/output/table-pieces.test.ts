import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import type Table from "cli-table3";
import { createRng } from "../../fuzz/rng.js";
import { createPiecedTable } from "./table-pieces.js";

const CliTable = createRequire(import.meta.url)("cli-table3") as typeof Table;
const COLUMNS = { head: ["#", "input", "status", "why"], colWidths: [6, 20, 10, 30] };

/** What the screening table drew before: one cli-table3 table of every row. */
function oneTable(rows: string[][]): string {
  const table = new CliTable({ ...COLUMNS, style: { head: [], border: [] }, wordWrap: true });
  table.push(...rows);
  return table.toString();
}

function pieced(rows: string[][], perPiece: number): { text: string; pieces: number } {
  const table = createPiecedTable(COLUMNS, perPiece);
  let text = "";
  let pieces = 0;
  for (const row of rows) {
    const piece = table.push(row);
    if (piece !== undefined) {
      text += piece;
      pieces++;
    }
  }
  return { text: text + table.end(), pieces };
}

const CELLS = ["", "Kaspersky Lab AO", "Лаборатория Касперского", "卡巴斯基实验室", "a long name that wraps over the column's width and on", "two\nlines", "\u001b[31mMATCH\u001b[0m", "0.912", "clear"];

describe("the screening table drawn in pieces", () => {
  it("is the text one table of all the rows draws: random rows, wrapped, multi-line, wide and colored cells, any piece size", () => {
    const rng = createRng(20261207);
    for (let round = 0; round < 30; round++) {
      const count = rng.int(40);
      const rows = Array.from({ length: count }, (_, i) => [String(i + 1), ...Array.from({ length: 3 }, () => CELLS[rng.int(CELLS.length)]!)]);
      for (const perPiece of [1, 2, 3, 7, 200]) assert.equal(pieced(rows, perPiece).text, oneTable(rows), `${count} rows in pieces of ${perPiece}`);
    }
  });

  it("no row: the header alone; rows filling the last piece exactly: no piece left empty", () => {
    assert.equal(pieced([], 5).text, oneTable([]));
    const rows = Array.from({ length: 10 }, (_, i) => [String(i + 1), "name", "clear", ""]);
    const { text, pieces } = pieced(rows, 5);
    assert.equal(pieces, 2);
    assert.equal(text, oneTable(rows));
  });
});
