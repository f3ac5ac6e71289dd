/**
 * @module
 * The catalog's entities as a screening list named `catalog`: every group, organization and
 * person with its name, its typed aliases (former names, transliterations, translations with
 * their language) and the publisher strings its software carries, its country, and the group it
 * belongs to (shown beside a match: "AO Kaspersky Lab, part of Kaspersky").
 */
import type { Catalog, Entity } from "../../model/catalog.js";
import type { EntityName, ListedEntity, NameKind } from "../model.js";

export const CATALOG_LIST = "catalog";

export function catalogEntities(catalog: Catalog): ListedEntity[] {
  const byId = new Map(catalog.entities.map((e) => [e.id, e]));
  const top = (e: Entity): Entity => {
    let cur = e;
    for (let guard = 0; cur.parent && guard < 16; guard++) cur = byId.get(cur.parent) ?? cur;
    return cur;
  };
  return catalog.entities.map((e) => {
    const names = new Map<string, EntityName>();
    const add = (name: string, kind: NameKind, lang?: string) => {
      const key = name.trim();
      if (key && key !== e.name && !names.has(key)) names.set(key, { name: key, kind, ...(lang ? { lang } : {}) });
    };
    for (const a of e.aliases) {
      if (typeof a === "string") add(a, "alias");
      else add(a.name, a.kind === "name" ? "alias" : a.kind, a.lang);
    }
    for (const p of e.publishers) add(p.replace(/^["'«»]+|["'«»]+$/g, "").replace(/_/g, " "), "publisher");
    const group = top(e);
    return {
      id: e.id,
      list: CATALOG_LIST,
      name: e.name,
      schema: e.type === "person" ? "person" : "organization",
      aliases: [...names.values()],
      countries: e.country ? [e.country] : [],
      addresses: e.address ? [e.address.text] : [],
      programs: [],
      ...(group.id !== e.id ? { group: group.name } : {}),
      ...(e.note ? { remarks: e.note } : {}),
    };
  });
}
