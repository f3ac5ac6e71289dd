/**
 * @module
 * The findings table's drawing: a borderless table (no padding, two spaces between columns,
 * trailing blanks cut), the text one cli-table3 table of all the rows draws, in linear time.
 * cli-table3's layout is quadratic in the rows of a table (`fillInTable`/`conflictExists`:
 * 20,000 findings took 69 s) and slow per cell, so the columns are measured once over all rows
 * with cli-table3's own measure and each row is padded here as cli-table3 pads a cell. A row
 * with a line break in a cell, which cli-table3 draws over several lines, is left to cli-table3
 * (a table of that one row with the same column widths). grid.test.ts draws tables both ways.
 */
import type Table from "cli-table3";
import { lazyRequire } from "../../util/lazy-require.js";

/** cli-table3 loads on first use: `scan -o json` and the other formats never draw a table. */
const tableLibrary = lazyRequire<typeof Table>("cli-table3");
/**
 * cli-table3's own helpers: `strlen`, its measure of a cell (its widest line, SGR codes left
 * out, East Asian wide characters and emoji two columns), and `colorizeLines`, which closes a
 * color a line leaves open. From its source folder: the package has no `exports` map and ships src/.
 */
const tableUtils = lazyRequire<{ strlen(text: string): number; colorizeLines(lines: string[]): string[] }>("cli-table3/src/utils.js");

const none = "";
/**
 * cli-table3's options for the terminal tables (the findings, the timeline): no borders, two
 * spaces between columns, no padding, no colors of cli-table3's own (it reds headers).
 */
export const BORDERLESS = {
  chars: {
    top: none, "top-mid": none, "top-left": none, "top-right": none,
    bottom: none, "bottom-mid": none, "bottom-left": none, "bottom-right": none,
    left: none, "left-mid": none, mid: none, "mid-mid": none, right: none, "right-mid": none,
    middle: "  ",
  },
  style: { head: [] as string[], border: [] as string[], "padding-left": 0, "padding-right": 0 },
};

/** Rows per piece of text given to the writer. */
export const ROWS_PER_PIECE = 256;

/** cli-table3's SGR pattern (`codeRegex`): the color codes it leaves out when it measures a cell. */
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
/** Characters one column wide each, whatever surrounds them: printable ASCII, and the `·`, `×` and `…` the report's cells add. */
const NARROW = /^[\u0020-\u007e\u00b7\u00d7\u2026]*$/;

/**
 * `rows` (the first is the header; every row has as many cells) as a borderless table, in pieces of ROWS_PER_PIECE lines that
 * make the table when joined (every piece but the first starts with its newline; no newline at the end).
 */
export function* borderlessTable(rows: readonly string[][]): Generator<string> {
  const widths = columnWidths(rows);
  for (let start = 0; start < rows.length; start += ROWS_PER_PIECE) {
    const lines = rows.slice(start, start + ROWS_PER_PIECE).map((row) => drawRow(row, widths));
    yield `${start === 0 ? "" : "\n"}${lines.join("\n")}`;
  }
}

/** A cell's width in columns as cli-table3 measures it; its `strlen` (slow: it builds its regular expressions on every call) only for other text. */
function cellWidth(cell: string): number {
  const plain = cell.includes("\u001b") ? cell.replace(SGR, "") : cell;
  return NARROW.test(plain) ? plain.length : tableUtils().strlen(cell);
}

/** Each column's width as one cli-table3 table of all the rows makes it: its widest cell, at least 1. */
function columnWidths(rows: readonly string[][]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 1, cellWidth(cell))));
  return widths;
}

/** One row as cli-table3 draws it: each cell (a color it leaves open closed, as cli-table3 does) padded to its column's width. */
function drawRow(row: readonly string[], widths: readonly number[]): string {
  if (row.some((cell) => cell.includes("\n"))) return drawWithLibrary(row, widths);
  return row
    .map((cell, i) => (cell.includes("\u001b") ? tableUtils().colorizeLines([cell])[0]! : cell) + " ".repeat(widths[i]! - cellWidth(cell)))
    .join("  ")
    .trimEnd();
}

/** A row drawn by cli-table3 itself, with the table's column widths (for a cell of several lines). */
function drawWithLibrary(row: readonly string[], widths: readonly number[]): string {
  const table = new (tableLibrary())({ ...BORDERLESS, colWidths: [...widths] });
  table.push([...row]);
  // cli-table3 pads the last column too; trailing blanks only get in the way of copy and diff.
  return table
    .toString()
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
}
