/**
 * @module
 * A list of one's own as plain CSV: `name[,aliases,country,...]`. With a header row, columns are
 * found by name (name; aliases or alt_names, split on ";" or "|"; country or countries; id;
 * type or schema: organization, person, vessel, aircraft; address; program or list; remarks).
 * Without one, the columns are name, aliases, country in that order.
 */
import { countryCode } from "../normalize/country.js";
import { SCREEN_SCHEMAS, type EntityName, type ScreenEntity, type ScreenSchema } from "../model.js";
import { csvRecords, report, splitMulti, value, type ImportContext } from "./source.js";

const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  name: ["name", "entity", "entity_name", "company", "party"],
  aliases: ["aliases", "alias", "alt_names", "alternate_names", "aka"],
  country: ["country", "countries", "country_code", "nationality"],
  id: ["id", "entity_id", "identifier", "ref"],
  type: ["type", "schema", "kind"],
  address: ["address", "addresses"],
  program: ["program", "programs", "list", "source"],
  remarks: ["remarks", "notes", "note"],
};

/** C0/C1 controls (tab aside) and U+FFFD: what binary data decoded as text looks like, never a name. */
const NOT_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/;

const split = (cell: string | undefined) => splitMulti(cell, ";|");

/** The entries of a plain CSV list, one at a time. */
export async function* plainCsvEntities(path: string, ctx: ImportContext): AsyncIterable<ScreenEntity> {
  let rows = 0;
  let columns: Map<string, number> | undefined;
  for await (const { cells, line } of csvRecords(path, ctx, "a CSV list")) {
    if (!columns) {
      const lower = cells.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, "_"));
      const found = new Map<string, number>();
      for (const [key, names] of Object.entries(COLUMNS)) {
        const i = lower.findIndex((c) => names.includes(c));
        if (i >= 0) found.set(key, i);
      }
      if (found.has("name")) {
        columns = found;
        continue;
      }
      columns = new Map([["name", 0], ["aliases", 1], ["country", 2]]); // no header: positional
    }
    const get = (key: string) => {
      const i = columns!.get(key);
      return i === undefined ? undefined : value(cells[i]);
    };
    const name = get("name");
    if (!name) {
      report(ctx, { code: "list/csv-record", message: "row without a name; skipped (expected name[,aliases,country,...])", source: { file: path, line } });
      continue;
    }
    if (NOT_TEXT.test(name)) {
      report(ctx, { code: "list/csv-record", message: "the name holds control characters or undecodable bytes (not a text list?); the row was skipped", source: { file: path, line } });
      continue;
    }
    const type = get("type")?.toLowerCase();
    let schema: ScreenSchema = "organization";
    if (type) {
      const t = type === "individual" ? "person" : type === "entity" || type === "company" ? "organization" : type;
      if ((SCREEN_SCHEMAS as readonly string[]).includes(t)) schema = t as ScreenSchema;
      else report(ctx, { code: "list/csv-type", severity: "warning", message: `unknown type "${type}" (expected organization, person, vessel or aircraft); read as organization`, source: { file: path, line } });
    }
    const countries: string[] = [];
    for (const c of split(get("country"))) {
      const code = countryCode(c);
      if (code) countries.includes(code) || countries.push(code);
      else report(ctx, { code: "list/csv-country", severity: "warning", message: `unknown country "${c}" (expected an ISO code or an English country name); ignored`, source: { file: path, line } });
    }
    rows++;
    yield {
      id: get("id") ?? String(rows),
      name,
      schema,
      aliases: split(get("aliases")).filter((a) => a !== name).map((a): EntityName => ({ name: a, kind: "alias" })),
      countries,
      addresses: split(get("address")),
      programs: split(get("program")),
      ...(get("remarks") ? { remarks: get("remarks")! } : {}),
    };
  }
}
