/**
 * @module
 * OpenSanctions / FollowTheMoney entities: NDJSON, one entity per line, every property an array
 * of strings. Parties are kept (Person, Organization, Company, LegalEntity, PublicBody; Vessel
 * and Airplane as such); the relationship and detail entities of the same export (Sanction,
 * Ownership, Address, Passport ...) are not parties and are passed over. Names come from `name`
 * (and the caption), `alias`, `weakAlias`, `previousName`; countries from `country`,
 * `nationality`, `citizenship`, `jurisdiction`, `mainCountry`; programs from `topics`.
 */
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { countryCode } from "../normalize/country.js";
import type { EntityName, ScreenEntity, ScreenSchema } from "../model.js";
import { readText, report, type ImportContext } from "./source.js";

const PARTIES: Readonly<Record<string, ScreenSchema>> = {
  Person: "person",
  Organization: "organization",
  Company: "organization",
  LegalEntity: "organization",
  PublicBody: "organization",
  Vessel: "vessel",
  Airplane: "aircraft",
};

/** The parties of a FollowTheMoney NDJSON file, one at a time. */
export async function* ftmEntities(path: string, ctx: ImportContext): AsyncIterable<ScreenEntity> {
  for await (const { value: v, line } of jsonLines(path, ctx, { code: "list/ftm-json", expected: "one FollowTheMoney entity per line" })) {
    if (typeof v !== "object" || v === null || typeof (v as { schema?: unknown }).schema !== "string" || typeof (v as { id?: unknown }).id !== "string") {
      report(ctx, { code: "list/ftm-entity", message: 'expected a FollowTheMoney entity {"id", "schema", "properties"}; the line was skipped', source: { file: path, line } });
      continue;
    }
    const entity = ftmParty(v as FtmEntity, (message) => report(ctx, { code: "list/ftm-entity", severity: "warning", message, source: { file: path, line } }));
    if (entity) yield entity;
  }
}

/**
 * The JSON values of a JSON-lines file (an FtM export or an OpenSanctions delta) with their line
 * numbers; blank lines are passed over, and a line that is not JSON is a located `code` error
 * saying what was `expected`, and is skipped.
 */
export async function* jsonLines(path: string, ctx: ImportContext, bad: { code: string; expected: string }): AsyncIterable<{ value: unknown; line: number }> {
  const lines = createInterface({ input: Readable.from(readText(path, ctx)), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      report(ctx, { code: bad.code, message: `not a JSON object (${(err as Error).message}): expected ${bad.expected}; the line was skipped`, source: { file: path, line } });
      continue;
    }
    yield { value, line };
  }
}

export type FtmEntity = { id: string; schema: string; caption?: string; properties?: Record<string, unknown> };

/** A FollowTheMoney entity as a screening entity; undefined for non-parties and nameless ones (`warn` says why). */
export function ftmParty(e: FtmEntity, warn: (message: string) => void): ScreenEntity | undefined {
  {
    const schema = PARTIES[e.schema];
    if (!schema) return undefined;
    const props = e.properties ?? {};
    const list = (key: string): string[] => (Array.isArray(props[key]) ? (props[key] as unknown[]).filter((x): x is string => typeof x === "string" && x.trim() !== "") : []);
    const names = list("name");
    const name = e.caption?.trim() || names[0];
    if (!name) {
      warn(`entity ${e.id} has no name or caption; skipped`);
      return undefined;
    }
    const aliases = new Map<string, EntityName>();
    const add = (n: string, kind: EntityName["kind"]) => {
      if (n !== name && !aliases.has(n)) aliases.set(n, { name: n, kind });
    };
    names.forEach((n) => add(n, "alias"));
    list("alias").forEach((n) => add(n, "alias"));
    list("previousName").forEach((n) => add(n, "former-name"));
    list("weakAlias").forEach((n) => add(n, "weak-alias"));
    const countries = new Set<string>();
    for (const key of ["country", "nationality", "citizenship", "jurisdiction", "mainCountry"]) for (const c of list(key).map(countryCode)) if (c) countries.add(c);
    return {
      id: e.id,
      name,
      schema,
      aliases: [...aliases.values()],
      countries: [...countries],
      addresses: list("address"),
      programs: list("topics"),
      ...(list("notes")[0] ? { remarks: list("notes").join("; ") } : {}),
      ...(list("sourceUrl")[0] ? { url: list("sourceUrl")[0]! } : {}),
    };
  }
}
