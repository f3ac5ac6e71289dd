/**
 * @module
 * OFAC's Specially Designated Nationals list in its legacy CSV files, as Treasury publishes them:
 * `sdn.csv` (ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
 * Vess_flag, Vess_owner, Remarks), `alt.csv` (ent_num, alt_num, alt_type aka/fka/nka, alt_name,
 * alt_remarks) and `add.csv` (ent_num, add_num, address, city/state/postal, country,
 * add_remarks). No header row; "-0-" means empty; the files end with a DOS end-of-file mark.
 * Aliases and addresses join their entry by ent_num. People's nationalities and citizenships,
 * which OFAC writes in the remarks, become countries beside the address countries.
 */
import { basename } from "node:path";
import { countryCode } from "../normalize/country.js";
import type { EntityName, ScreenEntity, ScreenSchema } from "../model.js";
import { csvRecords, report, splitMulti, value, type ImportContext } from "./source.js";

export type OfacFiles = { sdn: string; alt?: string; add?: string };

/** Which of the given files is sdn, alt and add: by name (sdn*.csv, alt*.csv, add*.csv). */
export function assignOfacFiles(paths: readonly string[]): OfacFiles | { error: string } {
  const pick = (prefix: string) => paths.find((p) => basename(p).toLowerCase().startsWith(prefix));
  const sdn = pick("sdn");
  if (!sdn) return { error: `no sdn.csv among ${paths.join(", ")} (OFAC's SDN list comes as sdn.csv, with alt.csv and add.csv beside it)` };
  const alt = pick("alt");
  const add = pick("add");
  return { sdn, ...(alt ? { alt } : {}), ...(add ? { add } : {}) };
}

const SCHEMA: Readonly<Record<string, ScreenSchema>> = { individual: "person", vessel: "vessel", aircraft: "aircraft" };
const ALT_KIND: Readonly<Record<string, EntityName["kind"]>> = { aka: "alias", fka: "former-name", nka: "alias" };

export async function readOfacSdn(files: OfacFiles, ctx: ImportContext): Promise<ScreenEntity[]> {
  const entries = new Map<string, ScreenEntity>();
  for await (const { cells, line } of csvRecords(files.sdn, ctx, "sdn.csv")) {
    const [num, name, type, program, title, , , , , vesselFlag, , remarks] = cells;
    if (!num || !/^\d+$/.test(num) || !value(name)) {
      report(ctx, {
        code: "list/ofac-record",
        message: `expected an SDN record "ent_num,SDN_Name,SDN_Type,Program,...": ${!num || !/^\d+$/.test(num) ? `ent_num "${num ?? ""}" is not a number` : "the name is empty"}; the record was skipped`,
        source: { file: files.sdn, line },
      });
      continue;
    }
    if (cells.length < 12) {
      report(ctx, {
        code: "list/ofac-columns",
        severity: "warning",
        message: `expected 12 columns in sdn.csv, found ${cells.length}; the record was read with what it has`,
        source: { file: files.sdn, line },
      });
    }
    const countries = new Set<string>();
    const flag = countryCode(value(vesselFlag));
    if (flag) countries.add(flag);
    for (const c of remarkCountries(value(remarks))) countries.add(c);
    const entity: ScreenEntity = {
      id: num,
      name: name!,
      schema: SCHEMA[value(type)?.toLowerCase() ?? ""] ?? "organization",
      aliases: [],
      countries: [...countries],
      addresses: [],
      programs: splitPrograms(value(program)),
      ...(value(title) || value(remarks) ? { remarks: [value(title), value(remarks)].filter(Boolean).join("; ") } : {}),
    };
    if (entries.has(num)) {
      report(ctx, { code: "list/ofac-duplicate", severity: "warning", message: `ent_num ${num} appears twice; the later record wins`, source: { file: files.sdn, line } });
    }
    entries.set(num, entity);
  }
  if (files.alt) {
    for await (const { cells, line } of csvRecords(files.alt, ctx, "alt.csv")) {
      const [num, , type, name, remarks] = cells;
      const entity = num ? entries.get(num) : undefined;
      if (!entity || !value(name)) {
        report(ctx, {
          code: "list/ofac-alias",
          severity: "warning",
          message: !value(name) ? "alias without a name; skipped" : `alias of ent_num "${num ?? ""}", which sdn.csv does not list; skipped`,
          source: { file: files.alt, line },
        });
        continue;
      }
      const weak = /weak/i.test(value(remarks) ?? "") || /weak/i.test(value(type) ?? "");
      entity.aliases.push({ name: value(name)!, kind: weak ? "weak-alias" : (ALT_KIND[value(type)?.toLowerCase() ?? ""] ?? "alias") });
    }
  }
  if (files.add) {
    for await (const { cells, line } of csvRecords(files.add, ctx, "add.csv")) {
      const [num, , address, cityLine, country] = cells;
      const entity = num ? entries.get(num) : undefined;
      if (!entity) {
        report(ctx, { code: "list/ofac-address", severity: "warning", message: `address of ent_num "${num ?? ""}", which sdn.csv does not list; skipped`, source: { file: files.add, line } });
        continue;
      }
      const text = [value(address), value(cityLine), value(country)].filter(Boolean).join(", ");
      if (text) entity.addresses.push(text);
      const code = countryCode(value(country));
      if (code && !entity.countries.includes(code)) entity.countries.push(code);
    }
  }
  return [...entries.values()];
}

/** "NPWMD] [IFSR" (the legacy CSV's joined program field) → ["NPWMD", "IFSR"]. */
function splitPrograms(program: string | undefined): string[] {
  return program ? splitMulti(program.replace(/[[\]]/g, ";")) : [];
}

/** Countries OFAC names in remarks: "nationality Russia", "citizen Iran", "Nationality: Syria". */
function remarkCountries(remarks: string | undefined): string[] {
  if (!remarks) return [];
  const out: string[] = [];
  for (const m of remarks.matchAll(/\b(?:nationality|citizen)\s*:?\s*([A-Z][A-Za-z ,.'-]+?)(?=;|\.(?:\s|$)|$|\s\(|,\s*(?:DOB|POB|Gender|Passport))/g)) {
    const code = countryCode(m[1]!.trim());
    if (code && !out.includes(code)) out.push(code);
  }
  return out;
}
