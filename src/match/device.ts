/**
 * @module
 * Equipment: a device (CycloneDX `device`/`hardware`/`firmware`, SPDX `DEVICE`/`FIRMWARE`, an
 * asset list or network inventory row) is matched by its MAC address block (the OUI, the first
 * three octets) and its model against the catalog's `macOuis` and `deviceModels`, and judged as
 * its maker's covered equipment: the vendor's `form: equipment` product gives the category
 * (telecom-equipment, video-surveillance) the rules decide by. The identifiers are catalog data
 * (so the match index and its prefilter know them); nothing here names a vendor.
 */
import type { Entity, Product } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { identifierKey, type CatalogIndex, type IdentifierEntry } from "./catalog-index.js";
import type { Candidate, Matcher } from "./matchers.js";

/** The OUI of a MAC address in any common notation (`0c:75:d2:…`, `0C-75-D2-…`, `0c75.d2ab.cdef`); undefined when it is not one. */
export function ouiOf(mac: string): string | undefined {
  const hex = mac.replace(/[^0-9a-f]/gi, "");
  return hex.length === 12 && /^[0-9a-f]+$/i.test(hex) ? hex.slice(0, 6).toUpperCase() : undefined;
}

function candidate(index: CatalogIndex, entry: IdentifierEntry, searchedBy: Record<string, string>): Candidate {
  return {
    product: entry.product,
    group: index.groupOf(entry.product.vendor),
    evidence: {
      matcher: "device",
      type: "exact-id",
      searchedBy,
      found: { rule: `${entry.product.id}.identifiers.${entry.kind}`, value: entry.value },
      confidence: entry.confidence,
    },
  };
}

/** MAC address block, then model (exact, then the longest prefix), of a device observation. */
export const deviceMatcher: Matcher = {
  name: "device",
  match(o: Observation, index: CatalogIndex): Candidate[] {
    if (o.kind !== "device") return [];
    const out: Candidate[] = [];
    const oui = o.ids?.mac ? ouiOf(o.ids.mac) : undefined;
    const byOui = oui ? index.exact.get("macOuis")?.get(oui) : undefined;
    if (byOui) out.push(candidate(index, byOui, { mac: o.ids!.mac! }));
    for (const model of [o.ids?.model, o.name]) {
      if (!model) continue;
      const key = identifierKey("deviceModels", model);
      const entry = index.exact.get("deviceModels")?.get(key) ?? index.prefixes.get("deviceModels")?.find((e) => key.startsWith(e.value));
      if (entry) {
        out.push(candidate(index, entry, { model }));
        break;
      }
    }
    return out;
  },
};

const equipmentByGroup = new WeakMap<CatalogIndex, Map<string, Product>>();

/** The vendor group's covered equipment (its first `form: equipment` product), if the catalog has one. */
export function equipmentProduct(group: Entity, index: CatalogIndex): Product | undefined {
  let map = equipmentByGroup.get(index);
  if (!map) {
    map = new Map();
    for (const p of index.catalog.products) {
      if (p.form !== "equipment") continue;
      const g = index.groupOf(p.vendor).id;
      if (!map.has(g)) map.set(g, p);
    }
    equipmentByGroup.set(index, map);
  }
  return map.get(group.id);
}
