/**
 * The fast path of results logs counts a line as one observation when one of its table's
 * `nameColumns` holds a non-blank string or a number: check that promise for every table, with
 * the other columns blank, filled, or holding look-alikes of a name (`.app`, a path ending in a
 * slash), so that a table added later cannot break it unnoticed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TABLES, tableOf, type Row } from "./tables.js";

const FILLERS: unknown[] = ["", "   ", "x", ".app", "C:\\dir\\", "\t", null, 0, "7"];

describe("osquery tables: nameColumns", () => {
  for (const table of TABLES) {
    it(`${table.table} (${table.required.join(", ")}): a name in ${table.nameColumns.join(" or ")} always gives facts`, () => {
      assert.ok(table.nameColumns.length > 0);
      const columns = [...new Set([...table.required, ...(table.anyOf ?? []), ...table.nameColumns, "name", "path", "image", "version", "publisher"])];
      for (const nameColumn of table.nameColumns) {
        for (const value of ["Kaspersky", " k ", 12, "0"]) {
          for (const filler of FILLERS) {
            const row: Row = Object.fromEntries(columns.map((c) => [c, filler]));
            row[nameColumn] = value;
            // the row is recognised as this table (or an earlier, more specific one with the same promise)
            const spec = tableOf(new Set(Object.keys(row)));
            assert.ok(spec, `${table.table}: a table for ${columns.join(",")}`);
            if (spec !== table) continue;
            assert.equal(table.skip?.(row) ?? false, false, `${table.table} skips ${JSON.stringify(row)}`);
            assert.ok(table.toFacts(row), `${table.table} gives no facts for ${JSON.stringify(row)}`);
          }
        }
      }
    });
  }
});
