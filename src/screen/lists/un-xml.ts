/**
 * @module
 * The UN Security Council Consolidated List, as the XML the UN publishes
 * (scsanctions.un.org/resources/xml/en/consolidated.xml; schema sc-sanctions.xsd):
 * `CONSOLIDATED_LIST` holds `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`. A person's name is
 * FIRST_NAME to FOURTH_NAME in order (an entity's is FIRST_NAME alone), NAME_ORIGINAL_SCRIPT is
 * the name in its own script, `*_ALIAS/ALIAS_NAME` are aliases (QUALITY "Low" is a weak alias),
 * NATIONALITY/VALUE and the addresses' COUNTRY are countries, UN_LIST_TYPE is the sanctions
 * regime and REFERENCE_NUMBER (e.g. "KPi.033") the id.
 *
 * Streamed with saxes, which never fetches or expands DTD entities; a document whose root is
 * not CONSOLIDATED_LIST is refused (it is some other XML, not this list).
 */
import { SaxesParser } from "saxes";
import { decodeChunks } from "../../io/encoding.js";
import { countryCode } from "../normalize/country.js";
import type { EntityName, ScreenEntity } from "../model.js";
import { openListFile, report, type ImportContext } from "./source.js";

export const UN_ROOT = "CONSOLIDATED_LIST";

type Draft = {
  kind: "INDIVIDUAL" | "ENTITY";
  fields: Map<string, string[]>;
  aliases: { name: string; quality: string }[];
  countries: string[];
  addresses: string[];
  line: number;
};

const GROUP = { INDIVIDUAL: "INDIVIDUALS", ENTITY: "ENTITIES" } as const;

const NAME_PARTS = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"] as const;

class Stop extends Error {}

export async function* unXmlEntities(path: string, ctx: ImportContext): AsyncIterable<ScreenEntity> {
  const input = await openListFile(path, ctx);
  const parser = new SaxesParser({ position: true });
  const out: ScreenEntity[] = [];
  const stack: string[] = [];
  let draft: Draft | undefined;
  let alias: { name: string; quality: string } | undefined;
  let address: { parts: string[]; country?: string } | undefined;
  let text = "";
  let failed = false;

  parser.on("opentag", (tag) => {
    if (stack.length === 0 && tag.name !== UN_ROOT) {
      report(ctx, { code: "list/un-root", message: `not the UN consolidated list: the root element is <${tag.name}>, expected <${UN_ROOT}>; nothing was read`, source: { file: path, line: parser.line } });
      failed = true;
      throw new Stop();
    }
    stack.push(tag.name);
    text = "";
    if ((tag.name === "INDIVIDUAL" || tag.name === "ENTITY") && stack[stack.length - 2] === GROUP[tag.name]) {
      draft = { kind: tag.name, fields: new Map(), aliases: [], countries: [], addresses: [], line: parser.line };
    } else if (draft && /_ALIAS$/.test(tag.name)) alias = { name: "", quality: "" };
    else if (draft && /_ADDRESS$/.test(tag.name)) address = { parts: [] };
  });
  parser.on("text", (t) => (text += t));
  parser.on("cdata", (t) => (text += t));
  parser.on("closetag", (tag) => {
    stack.pop();
    const value = text.replace(/\s+/g, " ").trim();
    text = "";
    if (!draft) return;
    const parent = stack[stack.length - 1] ?? "";
    if (tag.name === draft.kind && parent === GROUP[draft.kind]) {
      const entity = finish(draft, (message) => report(ctx, { code: "list/un-record", message, source: { file: path, line: draft!.line } }));
      if (entity) out.push(entity);
      draft = undefined;
    } else if (alias && /_ALIAS$/.test(tag.name)) {
      if (alias.name) draft.aliases.push(alias);
      alias = undefined;
    } else if (alias && tag.name === "ALIAS_NAME") alias.name = value;
    else if (alias && tag.name === "QUALITY") alias.quality = value;
    else if (address && /_ADDRESS$/.test(tag.name)) {
      if (address.parts.length) draft.addresses.push(address.parts.join(", "));
      if (address.country) draft.countries.push(address.country);
      address = undefined;
    } else if (address && value) {
      if (tag.name === "COUNTRY") address.country = value;
      if (["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"].includes(tag.name)) address.parts.push(value);
    } else if (tag.name === "VALUE" && parent === "NATIONALITY" && value) draft.countries.push(value);
    else if (value && stack.length >= 1 && parent === draft.kind) {
      const list = draft.fields.get(tag.name) ?? [];
      list.push(value);
      draft.fields.set(tag.name, list);
    }
  });
  parser.on("error", (err) => {
    report(ctx, { code: "list/un-xml", message: `malformed XML, expected the UN consolidated list: ${err.message}; ${out.length} entries before this point were read, the rest was not`, source: { file: path, line: parser.line } });
    failed = true;
    throw new Stop();
  });

  const drain = function* () {
    while (out.length) yield out.shift()!;
  };
  try {
    for await (const chunk of decodeChunks(input.stream, input.encoding)) {
      try {
        parser.write(chunk);
      } catch (err) {
        if (!(err instanceof Stop)) throw err;
      }
      yield* drain();
      if (failed) return;
    }
    try {
      parser.close();
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
    }
    yield* drain();
  } finally {
    input.stream.destroy();
  }
}

function finish(d: Draft, error: (message: string) => void): ScreenEntity | undefined {
  const field = (k: string) => d.fields.get(k)?.[0];
  const name = (d.kind === "INDIVIDUAL" ? NAME_PARTS.map(field).filter(Boolean).join(" ") : field("FIRST_NAME")) ?? "";
  const id = field("REFERENCE_NUMBER") ?? field("DATAID");
  if (!name || !id) {
    error(`${d.kind} without ${!name ? "a name (FIRST_NAME)" : "a REFERENCE_NUMBER or DATAID"}; skipped`);
    return undefined;
  }
  const aliases: EntityName[] = [];
  const add = (n: string, kind: EntityName["kind"]) => {
    if (n && n !== name && !aliases.some((a) => a.name === n)) aliases.push({ name: n, kind });
  };
  for (const n of d.fields.get("NAME_ORIGINAL_SCRIPT") ?? []) add(n, "alias");
  for (const a of d.aliases) add(a.name, /^low$/i.test(a.quality) ? "weak-alias" : "alias");
  const countries = new Set<string>();
  for (const c of d.countries) {
    const code = countryCode(c);
    if (code) countries.add(code);
  }
  const comments = d.fields.get("COMMENTS1")?.join(" ");
  return {
    id,
    name,
    schema: d.kind === "INDIVIDUAL" ? "person" : "organization",
    aliases,
    countries: [...countries],
    addresses: [...new Set(d.addresses)],
    programs: d.fields.get("UN_LIST_TYPE") ?? [],
    ...(comments ? { remarks: comments } : {}),
  };
}
