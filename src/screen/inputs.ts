/**
 * @module
 * The counterparties to screen, streamed from a file (or standard input): CSV with a header
 * (a name column such as name, vendor, supplier, counterparty, company; optional country,
 * address, type and id columns), a one-column CSV without a header (one name per line), or JSON
 * Lines (`{"name": ..., "country": ..., "address": ..., "type": ..., "id": ...}` per line).
 * Each input keeps its record number (1-based, in input order) and line. A row without a name is
 * reported with its line and left out; the rest is still screened.
 */
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { readCsvRecords } from "../io/csv.js";
import { decodeChunks } from "../io/encoding.js";
import { PROBE_BYTES, type OpenedInput } from "../io/open.js";
import type { Issue } from "../model/issue.js";
import { SCREEN_SCHEMAS, type ScreenSchema } from "./model.js";
import { capNameReported } from "./name-length.js";

export type Counterparty = {
  record: number;
  line: number;
  name: string;
  country?: string;
  address?: string;
  type?: ScreenSchema;
  id?: string;
  /** What the counterparty is to the organisation (vendor, reseller, customer ...), when a column says; the fleet's counterparty import keeps it. */
  role?: string;
};

const COLUMNS: Readonly<Record<"name" | "country" | "address" | "type" | "id" | "role", readonly string[]>> = {
  name: ["name", "counterparty", "counterparty_name", "vendor", "vendor_name", "supplier", "supplier_name", "company", "company_name", "party", "party_name", "entity", "entity_name", "organization", "organisation", "customer", "customer_name", "reseller", "partner", "partner_name", "payee", "beneficiary"],
  country: ["country", "country_code", "countrycode", "cc", "nation", "nationality", "vendor_country", "supplier_country"],
  address: ["address", "street", "address_line", "address1", "full_address"],
  type: ["type", "schema", "party_type", "entity_type"],
  id: ["id", "vendor_id", "supplier_id", "customer_id", "party_id", "ref", "reference", "number"],
  role: ["role", "relationship", "counterparty_role", "party_role", "kind"],
};

export type InputContext = { issues: Issue[] };

function key(header: string): string {
  return header.trim().toLowerCase().replace(/^\ufeff/, "").replace(/[\s.-]+/g, "_");
}

function partyType(value: string | undefined): ScreenSchema | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === "individual") return "person";
  if (v === "company" || v === "entity" || v === "organisation") return "organization";
  return (SCREEN_SCHEMAS as readonly string[]).includes(v) ? (v as ScreenSchema) : undefined;
}

/**
 * The counterparties of an input opened by the shared opener (src/io: `-`, gzip, encoding):
 * JSON Lines when its first text is `{`, else CSV.
 */
export async function* readCounterparties(opened: OpenedInput, ctx: InputContext): AsyncIterable<Counterparty> {
  const path = opened.path;
  // white space only, and the whole input fitted in the probe
  if (opened.probe.text.trim() === "" && opened.probe.head.length < PROBE_BYTES) {
    opened.stream.destroy();
    ctx.issues.push({ code: "screen/empty", severity: "error", message: "the input is empty: expected CSV with a name column, or JSON Lines with a name per line", source: { file: path } });
    return;
  }
  if (opened.probe.text.trimStart().startsWith("{")) yield* jsonLines(path, decodeChunks(opened.stream, opened.encoding), ctx);
  else yield* csvRows(opened, ctx);
}

async function* jsonLines(path: string, chunks: AsyncIterable<string>, ctx: InputContext): AsyncIterable<Counterparty> {
  const lines = createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
  let line = 0;
  let record = 0;
  for await (const raw of lines) {
    line++;
    if (!raw.trim()) continue;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(raw) as Record<string, unknown>;
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    } catch (err) {
      ctx.issues.push({ code: "screen/jsonl", severity: "error", message: `not a JSON object (${(err as Error).message}): expected {"name": ..., "country": ...} on each line; the line was skipped`, source: { file: path, line } });
      continue;
    }
    const s = (k: string) => (typeof v[k] === "string" && (v[k] as string).trim() ? (v[k] as string).trim() : typeof v[k] === "number" ? String(v[k]) : undefined);
    const name = s("name") ?? s("counterparty") ?? s("vendor") ?? s("company");
    if (!name) {
      ctx.issues.push({ code: "screen/no-name", severity: "error", message: 'no "name" on this line; it was skipped', source: { file: path, line } });
      continue;
    }
    const type = partyType(s("type"));
    yield { record: ++record, line, name: capNameReported(name, ctx.issues, { file: path, line }), ...opt("country", s("country")), ...opt("address", s("address")), ...(type ? { type } : {}), ...opt("id", s("id")), ...opt("role", s("role")) };
  }
}

function opt<K extends string>(k: K, v: string | undefined): { [P in K]?: string } {
  return (v ? { [k]: v } : {}) as { [P in K]?: string };
}

async function* csvRows(opened: OpenedInput, ctx: InputContext): AsyncIterable<Counterparty> {
  const path = opened.path;
  const records = readCsvRecords(opened, {
    delimiter: "auto",
    onMalformed: ({ reason, line }) =>
      ctx.issues.push({ code: "screen/csv", severity: "error", message: `malformed CSV row (${reason}); it was skipped`, source: { file: path, ...(line !== undefined ? { line } : {}) } }),
  });
  let columns: Partial<Record<keyof typeof COLUMNS, number>> | undefined;
  let record = 0;
  for await (const { cells, endLine: line } of records) {
    if (!columns) {
      const keys = cells.map(key);
      const found: Partial<Record<keyof typeof COLUMNS, number>> = {};
      for (const [k, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][]) {
        const i = keys.findIndex((c) => names.includes(c));
        if (i >= 0) found[k] = i;
      }
      if (found.name !== undefined) {
        columns = found;
        continue;
      }
      if (cells.length === 1) {
        columns = { name: 0 }; // one name per line, no header
      } else {
        ctx.issues.push({
          code: "screen/no-name-column",
          severity: "error",
          message: `no column names the counterparty: found ${cells.map((c) => `"${c}"`).join(", ")}; expected a header with one of ${COLUMNS.name.slice(0, 8).join(", ")} ... (or one name per line)`,
          source: { file: path, line },
        });
        return;
      }
    }
    const get = (k: keyof typeof COLUMNS) => {
      const i = columns![k];
      const v = i === undefined ? undefined : cells[i]?.trim();
      return v ? v : undefined;
    };
    const name = get("name");
    if (!name) {
      ctx.issues.push({ code: "screen/no-name", severity: "error", message: "the name cell is empty; the row was skipped", source: { file: path, line } });
      continue;
    }
    const type = partyType(get("type"));
    yield { record: ++record, line, name: capNameReported(name, ctx.issues, { file: path, line }), ...opt("country", get("country")), ...opt("address", get("address")), ...(type ? { type } : {}), ...opt("id", get("id")), ...opt("role", get("role")) };
  }
}
