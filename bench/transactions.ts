/**
 * @module
 * Random transactions for the check benchmark, seeded so every run decides the same ones: every
 * role and action, counterparties from the whole catalog (legal entities, groups, people) or
 * none, products' makers, categories known and unknown, integrations, and dates around every
 * phase boundary as calendar dates and as instants in several offsets.
 */
import type { Catalog } from "../src/model/catalog.js";
import { ACTIONS, CATEGORIES, ROLES } from "../src/model/vocabulary.js";
import type { CheckInput } from "../src/model/decision.js";
import type { CatalogIndex } from "../src/match/catalog-index.js";
import type { Subject, Transaction } from "../src/policy/decide.js";
import { parseAsOf } from "../src/policy/time.js";

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** Calendar dates and instants on both sides of every phase start and end, and a few others. */
export function dateSamples(catalog: Catalog): string[] {
  const out = new Set<string>(["2016-06-01", "2021-01-01", "2023-05-05", "2026-02-02"]);
  const offsets = ["-04:00", "-05:00", "Z", "+03:00", "+05:30", "-07:00"];
  for (const rule of catalog.rules) {
    for (const phase of rule.phases) {
      for (const at of [phase.from, phase.to].filter((x): x is string => x !== undefined)) {
        const day = at.slice(0, 10);
        const t = Date.parse(`${day}T00:00:00Z`);
        for (const delta of [-1, 0, 1]) {
          const d = new Date(t + delta * 86_400_000).toISOString().slice(0, 10);
          out.add(d);
          for (const off of offsets) out.add(`${d}T${delta === 0 ? "03:59" : "12:00"}:00${off}`);
        }
        if (at.length > 10) {
          const ms = Date.parse(at);
          for (const delta of [-60_000, 0, 60_000]) out.add(new Date(ms + delta).toISOString().replace(".000Z", "Z"));
        }
      }
    }
  }
  return [...out].sort();
}

/** `n` resolved transactions, as the engine takes them. */
export function randomTransactions(index: CatalogIndex, n: number, seed = 1): Transaction[] {
  const r = rng(seed);
  const catalog = index.catalog;
  const entities = catalog.entities.map((e) => e.id);
  const products = catalog.products;
  const dates = dateSamples(catalog).map((d) => ({ d, asOf: parseAsOf(d) }));
  const out: Transaction[] = [];
  for (let i = 0; i < n; i++) {
    const subjects: Subject[] = [];
    const roll = r();
    let category = r() < 0.2 ? undefined : pick(r, CATEGORIES);
    let relation: "own" | "integration" = "own";
    if (roll < 0.75) subjects.push({ entity: pick(r, entities), as: "counterparty", confidence: 1 });
    if (roll > 0.45) {
      const product = pick(r, products);
      subjects.push({ entity: index.groupOf(product.vendor).id, as: "maker", confidence: 1 });
      if (r() < 0.7) category = product.category;
      relation = product.relation;
    }
    out.push({ role: pick(r, ROLES), action: pick(r, ACTIONS), subjects, category, relation, asOf: pick(r, dates).asOf });
  }
  return out;
}

/** `n` transactions as users write them: names (Latin, Cyrillic, misspelt, unknown), products, dates. */
export function randomInputs(catalog: Catalog, n: number, seed = 2): CheckInput[] {
  const r = rng(seed);
  const names: string[] = ["Acme Corp", "Example Distribution LLC", "Kasperski Lab", "Kaspersky Security Services", "Microsoft Corporation"];
  for (const e of catalog.entities) {
    names.push(e.name);
    for (const a of e.aliases) names.push(typeof a === "string" ? a : a.name);
  }
  const productNames = [...catalog.products.map((p) => p.name), "Microsoft Defender for Endpoint", "UltraAV", "Kaspersky Mystery Box"];
  const dates = dateSamples(catalog);
  const out: CheckInput[] = [];
  for (let i = 0; i < n; i++) {
    const t: CheckInput = { role: pick(r, ROLES), action: pick(r, ACTIONS), date: pick(r, dates) };
    const roll = r();
    if (roll < 0.6) t.vendor = pick(r, names);
    else if (roll < 0.75) t.entity = pick(r, catalog.entities).id;
    if (roll > 0.5 || (!t.vendor && !t.entity)) t.product = pick(r, productNames);
    if (r() < 0.4) t.category = pick(r, CATEGORIES);
    out.push(t);
  }
  return out;
}
