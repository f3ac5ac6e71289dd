/**
 * @module
 * Screening inside the fleet: the corpus of the catalog and every list imported under the
 * server's ICTSGUARD_HOME (`lists import`, or a scheduled refresh), built once per fingerprint
 * and reused. The fingerprint is SHA-256 of the catalog digest and of each list's header (name,
 * import instant, files' SHA-256, entries): every `serve` process sharing the home computes the
 * same one from the same files, so they agree on when the lists changed (rescreen.ts).
 */
import { createHash } from "node:crypto";
import { DEFAULTS } from "../config/defaults.js";
import { today } from "../policy/time.js";
import { loadScreeningLists, ScreeningRun, type ScreeningLists } from "../screen/run.js";
import { CATALOG_LIST } from "../screen/lists/catalog.js";
import { listNames, readListHeader } from "../screen/lists/store.js";
import type { Ctx } from "./context.js";
import type { CounterpartyMatch, CounterpartyVerdict } from "./notify-types.js";

/** The fingerprint of what a counterparty is screened with: the catalog and the imported lists. */
export function screeningFingerprint(ctx: Ctx): string {
  const h = createHash("sha256").update(`ictsguard-screening/1\u0000catalog\u0000${ctx.catalog.active.catalog.digest}`);
  for (const name of listNames(ctx.listsEnv)) {
    try {
      const l = readListHeader(name, ctx.listsEnv);
      h.update(`\u0000list\u0000${l.name}\u0000${l.importedAt}\u0000${l.counts.entries}\u0000${l.source.files.map((f) => f.sha256).join(",")}`);
    } catch (err) {
      // a damaged list is left out of screening as well (loadScreeningLists would refuse it): name it in the fingerprint
      h.update(`\u0000damaged\u0000${name}\u0000${(err as Error).message}`);
    }
  }
  return h.digest("hex");
}

type Cached = { fingerprint: string; lists: ScreeningLists };
const cache = new WeakMap<Ctx, Cached>();

/** The lists that load (a damaged one is skipped, so one bad file does not stop every screening). */
function loadLists(ctx: Ctx): ScreeningLists {
  const names = [CATALOG_LIST];
  for (const name of listNames(ctx.listsEnv)) {
    try {
      readListHeader(name, ctx.listsEnv);
      names.push(name);
    } catch (err) {
      process.stderr.write(`ictsguard: screening: the list "${name}" is left out: ${(err as Error).message}\n`);
    }
  }
  return loadScreeningLists(ctx.catalog.active.catalog, names, ctx.listsEnv);
}

export type Screener = { fingerprint: string; lists: ScreeningLists["lists"]; screen(input: { name: string; country?: string }): { verdict: CounterpartyVerdict; matches: CounterpartyMatch[] } };

/** A screener over the current catalog and lists (the corpus rebuilt only when the fingerprint changed). */
export function screener(ctx: Ctx): Screener {
  const fingerprint = screeningFingerprint(ctx);
  let c = cache.get(ctx);
  if (!c || c.fingerprint !== fingerprint) {
    c = { fingerprint, lists: loadLists(ctx) };
    cache.set(ctx, c);
  }
  const threshold = DEFAULTS.screen.threshold;
  const run = new ScreeningRun(c.lists.corpus, {
    threshold,
    limit: DEFAULTS.screen.candidates,
    minScore: Math.min(DEFAULTS.screen.minScore, threshold),
    allow: [],
    today: today(ctx.clock()),
  });
  let record = 0;
  return {
    fingerprint,
    lists: c.lists.lists,
    screen(input) {
      const r = run.screen({ name: input.name, ...(input.country ? { country: input.country } : {}) }, ++record);
      const matches = r.candidates
        .filter((x) => x.status === "match")
        .map((x) => ({ list: x.entity.list, entityId: x.entity.id, name: x.entity.name, score: Math.round(x.score * 1000) / 1000, schema: x.entity.schema, countries: x.entity.countries, programs: x.entity.programs }))
        .sort((a, b) => b.score - a.score || (a.list + a.entityId < b.list + b.entityId ? -1 : 1));
      return { verdict: matches.length ? "match" : "clear", matches };
    },
  };
}

/** The part of a verdict whose change is recorded: the verdict and which entries matched (not their scores). */
export function verdictKey(verdict: string, matches: readonly CounterpartyMatch[]): string {
  return `${verdict}\u0000${matches.map((m) => `${m.list}:${m.entityId}`).sort().join(",")}`;
}
