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

/**
 * A results-log line's repeat key leaves out the values of `versionOnly` columns, so another
 * value there must change the observation's version and nothing else (not a purl, not the name),
 * for every table, with every other column blank, filled, or a look-alike of a version.
 */
describe("osquery tables: versionOnly", () => {
  for (const table of TABLES.filter((t) => t.versionOnly)) {
    it(`${table.table} (${table.required.join(", ")}): ${table.versionOnly!.join(", ")} change the version alone`, () => {
      const columns = [...new Set([...table.required, ...(table.anyOf ?? []), ...table.nameColumns, ...table.versionOnly!, "name", "path", "image", "version", "publisher"])];
      let compared = 0;
      for (const filler of [...FILLERS, "1.2.3"]) {
        const row: Row = Object.fromEntries(columns.map((c) => [c, filler]));
        row[table.nameColumns[0]!] = "Kaspersky Endpoint Security";
        if (tableOf(new Set(Object.keys(row))) !== table) continue;
        const base = table.toFacts(row);
        for (const version of ["", "21.3.10.391", "2.0", 7, null]) {
          const other: Row = { ...row };
          for (const c of table.versionOnly!) other[c] = version;
          const facts = table.toFacts(other);
          assert.deepEqual({ ...facts, version: undefined }, { ...base, version: undefined }, `${table.table}: ${JSON.stringify(other)}`);
          compared++;
        }
      }
      assert.ok(compared > 0, `${table.table}: no row was recognised as this table`);
    });
  }
  it("leaves out no column of a table whose version is in its purl", () => {
    for (const name of ["deb_packages", "rpm_packages"]) assert.equal(TABLES.find((t) => t.table === name)!.versionOnly, undefined, name);
  });
});
