/**
 * @module
 * The US Consolidated Screening List (trade.gov), in the files it has been published as:
 *
 * - the current bulk CSV (`consolidated.csv`): `_id,source,entity_number,type,programs,name,
 *   title,addresses,...,alt_names,citizenships,dates_of_birth,nationalities,...,ids`, one row per
 *   entry, multi-valued cells joined with "; " (addresses "street, city, state, postal code,
 *   country"), columns found by name;
 * - the legacy per-list CSV of 2014-2019 (`Source List,Entity Number,SDN Type,Programs,Name,...,
 *   Alternate Name,...`), one row per alias and address of an entry, rows of one entry folded
 *   together; and the oldest per-list files (`COUNTRY,NAME,ADDRESS`, the Unverified List);
 * - the JSON of the bulk download and of the search API (`{"results": [...]}`, or a bare array
 *   as API v1 fixtures have it), streamed entry by entry.
 *
 * Each entry's `source` ("Entity List (EL) - Bureau of Industry and Security") gives its
 * sub-list code (EL, SDN, DPL, UVL, MEU, SSI, ...), kept with its programs.
 */
import { streamJson, isObject, str } from "../../readers/_json.js";
import { countryCode } from "../normalize/country.js";
import type { EntityName, ScreenEntity, ScreenSchema } from "../model.js";
import { csvRecords, openListFile, report, splitMulti, value, type ImportContext } from "./source.js";

const SCHEMA: Readonly<Record<string, ScreenSchema>> = { individual: "person", vessel: "vessel", aircraft: "aircraft", entity: "organization" };

function schemaOf(type: string | undefined): ScreenSchema {
  return SCHEMA[type?.trim().toLowerCase() ?? ""] ?? "organization";
}

/** "Entity List (EL) - Bureau of Industry and Security" → "EL"; a bare code stays. */
export function sourceCode(source: string | undefined): string | undefined {
  if (!source) return undefined;
  const m = /\(([A-Z0-9-]{2,10})\)/.exec(source);
  return m ? m[1] : source.trim() || undefined;
}

type Header = Map<string, number>;
const headerOf = (cells: string[]): Header => new Map(cells.map((c, i) => [c.trim().toLowerCase().replace(/^\ufeff/, ""), i]));

/** What kind of CSL CSV a header row is, if any. */
export function cslCsvKind(headerCells: readonly string[]): "current" | "legacy" | "per-list" | undefined {
  const h = headerOf([...headerCells]);
  if (h.has("name") && h.has("source") && (h.has("alt_names") || h.has("entity_number"))) return "current";
  if (h.has("source list") && h.has("name")) return "legacy";
  if (h.has("name") && h.has("country") && h.has("address") && h.size <= 12) return "per-list";
  return undefined;
}

export async function readCslCsv(path: string, ctx: ImportContext): Promise<ScreenEntity[]> {
  let header: Header | undefined;
  let kind: ReturnType<typeof cslCsvKind>;
  const entries = new Map<string, ScreenEntity>();
  let n = 0;
  for await (const { cells, line } of csvRecords(path, ctx, "a CSL CSV file")) {
    if (!header) {
      kind = cslCsvKind(cells);
      if (!kind) {
        report(ctx, {
          code: "list/csl-header",
          message: `not a Consolidated Screening List CSV header: expected _id,source,entity_number,type,programs,name,... (bulk CSV), "Source List,Entity Number,...,Name,..." (2014-2019 per-list files) or COUNTRY,NAME,ADDRESS; found ${cells.slice(0, 6).join(",")}`,
          source: { file: path, line },
        });
        return [];
      }
      header = headerOf(cells);
      continue;
    }
    const get = (col: string) => {
      const i = header!.get(col);
      return i === undefined ? undefined : value(cells[i]);
    };
    const name = get("name");
    if (!name) {
      report(ctx, { code: "list/csl-record", message: "entry without a name; skipped", source: { file: path, line } });
      continue;
    }
    n++;
    if (kind === "current") {
      const code = sourceCode(get("source"));
      const addresses = splitMulti(get("addresses"));
      const countries = new Set<string>();
      for (const a of addresses) {
        const c = countryCode(a.split(",").pop());
        if (c) countries.add(c);
      }
      for (const col of ["citizenships", "nationalities"]) for (const c of splitMulti(get(col)).map(countryCode)) if (c) countries.add(c);
      const id = get("_id") ?? get("entity_number") ?? `${code ?? "csl"}-${n}`;
      entries.set(id, {
        id,
        name,
        schema: schemaOf(get("type")),
        aliases: splitMulti(get("alt_names")).filter((a) => a !== name).map((a): EntityName => ({ name: a, kind: "alias" })),
        countries: [...countries],
        addresses,
        programs: [...(code ? [code] : []), ...splitMulti(get("programs"))],
        ...(get("remarks") ? { remarks: get("remarks")! } : {}),
        ...(get("source_information_url") ? { url: get("source_information_url")! } : {}),
      });
      continue;
    }
    // legacy files: one row per alias / address; fold rows of the same entry
    const code = kind === "legacy" ? get("source list") : "UVL";
    const key = `${code}|${get("entity number") ?? ""}|${name}`;
    const entry = entries.get(key) ?? {
      id: get("entity number") ?? `${code ?? "csl"}-${entries.size + 1}`,
      name,
      schema: schemaOf(get("sdn type")),
      aliases: [],
      countries: [],
      addresses: [],
      programs: [...(code ? [code] : []), ...splitMulti(get("programs"))],
    };
    const alt = get("alternate name");
    if (alt && alt !== name && !entry.aliases.some((a) => a.name === alt)) entry.aliases.push({ name: alt, kind: "alias" });
    const address = [get("address"), get("city"), get("state/province"), get("postal code"), get("country")].filter(Boolean).join(", ");
    if (address && !entry.addresses.includes(address)) entry.addresses.push(address);
    const c = countryCode(get("country"));
    if (c && !entry.countries.includes(c)) entry.countries.push(c);
    entries.set(key, entry);
  }
  if (!header) report(ctx, { code: "list/empty", message: "the file is empty: expected a CSL CSV with a header row", source: { file: path } });
  return [...entries.values()];
}

/** CSL JSON: `{"results": [...]}` (bulk file, search API) or a bare array of entries. */
export async function readCslJson(path: string, ctx: ImportContext): Promise<ScreenEntity[]> {
  const input = await openListFile(path, ctx);
  const first = input.probe.text.trimStart().slice(0, 1);
  const paths = first === "[" ? ["$.*"] : ["$.results.*"];
  const out: ScreenEntity[] = [];
  const issues = { report: (i: { code: string; message: string; source: { file: string; line?: number; record?: number; pointer?: string } }) => report(ctx, i) };
  // JSON is Unicode: the sniffed encoding, without the Windows-1252 fallback of CSV lists
  const json = { path, stream: input.stream, encoding: input.probe.encoding };
  for await (const hit of streamJson(json, issues, paths, "a Consolidated Screening List JSON document")) {
    const v = hit.value;
    const name = isObject(v) ? str(v, "name") : undefined;
    if (!isObject(v) || !name) {
      report(ctx, { code: "list/csl-record", message: "expected an entry object with a name; skipped", source: { file: path, record: hit.record ?? 0, pointer: hit.pointer } });
      continue;
    }
    const strings = (key: string) => (Array.isArray(v[key]) ? (v[key] as unknown[]).filter((x): x is string => typeof x === "string" && x.trim() !== "") : []);
    const addresses = Array.isArray(v.addresses) ? (v.addresses as unknown[]).filter(isObject) : [];
    const countries = new Set<string>();
    for (const a of addresses) {
      const c = countryCode(str(a, "country"));
      if (c) countries.add(c);
    }
    for (const c of [...strings("citizenships"), ...strings("nationalities")].map(countryCode)) if (c) countries.add(c);
    const code = sourceCode(str(v, "source"));
    const id = str(v, "id") ?? str(v, "_id") ?? str(v, "entity_number") ?? `${code ?? "csl"}-${hit.record ?? out.length + 1}`;
    out.push({
      id,
      name,
      schema: schemaOf(str(v, "type")),
      aliases: strings("alt_names").filter((a) => a !== name).map((a): EntityName => ({ name: a, kind: "alias" })),
      countries: [...countries],
      addresses: addresses.map((a) => ["address", "city", "state", "postal_code", "country"].map((k) => str(a, k)).filter(Boolean).join(", ")).filter(Boolean),
      programs: [...(code ? [code] : []), ...strings("programs")],
      ...(str(v, "remarks") ? { remarks: str(v, "remarks")! } : {}),
      ...(str(v, "source_information_url") ? { url: str(v, "source_information_url")! } : {}),
    });
  }
  return out;
}
