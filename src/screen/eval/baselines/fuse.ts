/**
 * @module
 * Baseline: fuse.js, the fuzzy search library most JavaScript projects reach for, over every name
 * and alias of the same lists, with its defaults except `ignoreLocation` (so a match anywhere in
 * a name counts, which helps it) and scores turned into similarities (1 - Fuse's score). fuse.js
 * is a development dependency: it is loaded only when the evaluation or the benchmark runs.
 */
import type { ListedEntity } from "../../model.js";

type FuseResult = { item: { key: string }; score?: number };
type FuseLike = { search(pattern: string, options?: { limit?: number }): FuseResult[] };

export type FuseBaseline = { search(query: string, limit?: number): Map<string, number> };

export async function createFuseBaseline(entities: readonly ListedEntity[]): Promise<FuseBaseline | { unavailable: string }> {
  let Fuse: new (docs: unknown[], options: Record<string, unknown>) => FuseLike;
  try {
    const mod = (await import("fuse.js")) as unknown as { default: typeof Fuse };
    Fuse = mod.default;
  } catch {
    return { unavailable: "fuse.js is a development dependency and is not installed here (npm install --include=dev)" };
  }
  const docs = entities.flatMap((e) => [e.name, ...e.aliases.map((a) => a.name)].map((name) => ({ key: `${e.list}:${e.id}`, name })));
  const fuse = new Fuse(docs, { keys: ["name"], includeScore: true, ignoreLocation: true, threshold: 0.6 });
  return {
    search(query, limit = 50) {
      const out = new Map<string, number>();
      for (const r of fuse.search(query, { limit })) {
        const s = 1 - (r.score ?? 1);
        if (s > (out.get(r.item.key) ?? -1)) out.set(r.item.key, s);
      }
      return out;
    },
  };
}
