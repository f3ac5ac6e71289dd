/**
 * @module
 * A bordered cli-table3 table drawn in pieces of rows, as the text one table of all the rows
 * draws. cli-table3's layout is quadratic in a table's rows (4,000 screened names took 2.6 s
 * more as a table than as JSON, 20,000 much longer) and holds the whole table; with fixed column
 * widths every row is drawn alike whatever the others hold, so a piece of rows is drawn alone
 * and the pieces are joined where one row meets the next: a piece's bottom border, and the next
 * one's top border, give way to the line cli-table3 draws between two rows.
 */
import type Table from "cli-table3";
import { lazyRequire } from "../../util/lazy-require.js";

const tableLibrary = lazyRequire<typeof Table>("cli-table3");

/** Rows drawn by one cli-table3 table. */
export const ROWS_PER_PIECE = 200;

export type PiecedTable = {
  /** Adds a row; returns the text of a piece when one is full (write it), else undefined. */
  push(row: string[]): string | undefined;
  /** The rest of the table, its bottom border last (no newline after it). */
  end(): string;
};

export function createPiecedTable(options: { head: string[]; colWidths: number[] }, rowsPerPiece = ROWS_PER_PIECE): PiecedTable {
  // wrapped to the fixed widths; no colors of cli-table3's own
  const settings = { ...options, style: { head: [], border: [] }, wordWrap: true };
  let rows: string[][] = [];
  let drawn = 0;
  /** The bottom border of the pieces drawn so far, held back until it is known that no row follows. */
  let bottom = "";
  let between: string | undefined;
  const draw = (): string => {
    const first = drawn === 0;
    const table = new (tableLibrary())(first ? settings : { ...settings, head: [] });
    table.push(...rows);
    const lines = table.toString().split("\n");
    bottom = lines.pop()!;
    drawn += rows.length;
    rows = [];
    // after the first piece: no top border, but the line between the last row drawn and this one
    return first ? lines.join("\n") : `\n${(between ??= lineBetweenRows(options.colWidths))}\n${lines.slice(1).join("\n")}`;
  };
  return {
    push(row) {
      rows.push(row);
      return rows.length >= rowsPerPiece ? draw() : undefined;
    },
    end() {
      const rest = rows.length > 0 || drawn === 0 ? draw() : "";
      return `${rest}\n${bottom}`;
    },
  };
}

/** The line cli-table3 draws between two rows of a table with these column widths. */
function lineBetweenRows(colWidths: number[]): string {
  const table = new (tableLibrary())({ colWidths, style: { head: [], border: [] } });
  table.push(colWidths.map(() => ""), colWidths.map(() => ""));
  return table.toString().split("\n")[2]!;
}
