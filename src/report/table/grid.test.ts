/**
 * The findings table's drawing (grid.ts) against cli-table3 drawing the same rows as one table
 * with the options the table report used before: the same text, for plain and wide characters,
 * emoji, combining marks, colors (closed or left open) and cells of several lines, and in pieces
 * of ROWS_PER_PIECE lines.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import type Table from "cli-table3";
import { BORDERLESS, borderlessTable, ROWS_PER_PIECE } from "./grid.js";

const CliTable = createRequire(import.meta.url)("cli-table3") as typeof Table;

/** What the table report drew before grid.ts: one cli-table3 table of all rows, trailing blanks cut. */
function oneTable(rows: string[][]): string {
  const table = new CliTable({ head: rows[0]!, ...BORDERLESS });
  table.push(...rows.slice(1));
  return table
    .toString()
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
}

const drawn = (rows: string[][]): string => [...borderlessTable(rows)].join("");

const HEAD = ["STATUS", "VENDOR", "PRODUCT", "OBSERVED", "WHERE", "DEADLINE/RULES"];
const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
const yellow = (s: string) => `\u001b[33m${s}\u001b[39m`;

/** Cells of every kind the measure has to get right. */
const SAMPLES = [
  "",
  "x",
  "Kaspersky Endpoint Security for Wi… 12.1",
  "h1 · m5000.csv:3",
  "pkg:npm/@kaspersky/sdk ×42",
  "卡巴斯基安全软件", // East Asian wide: two columns each
  "Касперский",
  "🛡️ shield", // emoji with variation selector
  "👨‍👩‍👧 family", // ZWJ sequence
  "e\u0301te\u0301", // combining accents
  "©®™",
  "\\u202Eevil", // an escaped bidi control, as the report shows it
  "Ｆｕｌｌｗｉｄｔｈ",
  red("prohibited"),
  `${yellow("2026-06-30")} us-example +1`,
  "\u001b[1mbold left open",
  "\u001b[33myellow left open",
  "two\nlines",
  `${red("red")}\nnext line`,
  "trailing  ",
  "  leading",
];

describe("borderless table (grid.ts)", () => {
  it("draws what one cli-table3 table draws, cell by cell kind", () => {
    for (const a of SAMPLES) {
      for (const b of SAMPLES) {
        const rows = [HEAD, [red("prohibited"), a, "Kaspersky", b, "ws-001 · a.csv:2", "rule"], ["review", b, a, "", "", a]];
        assert.equal(drawn(rows), oneTable(rows), JSON.stringify([a, b]));
      }
    }
  });

  it("draws what one cli-table3 table draws for random rows, and the pieces make the table", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let t = 0; t < 40; t++) {
      const rows = [HEAD];
      // two tables of two pieces (one cli-table3 table of some 270 rows is slow to draw), the others small
      const count = t < 2 ? ROWS_PER_PIECE + 1 + random(20) : random(12);
      for (let r = 0; r < count; r++) rows.push(HEAD.map(() => SAMPLES[random(SAMPLES.length)]! + (random(2) ? SAMPLES[random(SAMPLES.length)]! : "")));
      const pieces = [...borderlessTable(rows)];
      assert.equal(pieces.length, Math.ceil(rows.length / ROWS_PER_PIECE));
      for (const piece of pieces.slice(1)) assert.ok(piece.startsWith("\n"));
      assert.equal(pieces.join(""), oneTable(rows), `table ${t}`);
    }
  });

  it("draws a header alone", () => {
    assert.equal(drawn([HEAD]), oneTable([HEAD]));
    assert.equal(drawn([HEAD]), HEAD.join("  "));
  });
});
