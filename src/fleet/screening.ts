/**
 * @module
 * Screening inside the fleet: the corpus of the catalog and every list imported under the
 * server's ICTSGUARD_HOME (`lists import`, or a scheduled refresh), built once per fingerprint
 * and reused, screened with the config file's `screen:` settings as `ictsguard screen` uses them
 * (threshold, and the allow-list of decided false positives). The fingerprint is SHA-256 of the
 * catalog digest, each list's header (name, import instant, files' SHA-256, entries), the
 * threshold and the allow-list entries in force today: every `serve` process sharing the home and
 * config computes the same one, so they agree on when to screen again (rescreen.ts), and an
 * allow-list entry that expires, or a changed threshold, makes counterparties be screened again.
 */
import { createHash } from "node:crypto";
import { DEFAULTS } from "../config/defaults.js";
import { today } from "../policy/time.js";
import { loadScreeningLists, ScreeningRun, type ScreeningLists } from "../screen/run.js";
import { CATALOG_LIST } from "../screen/lists/catalog.js";
import { listNames, readListHeader } from "../screen/lists/store.js";
import type { Ctx, ScreenSettings } from "./context.js";
import type { CounterpartyMatch, CounterpartyVerdict } from "./notify-types.js";

/** The screening settings with the CLI's defaults for what is not given, checked as `screen` checks its flags. */
export function screenSettings(given: Partial<ScreenSettings> = {}): ScreenSettings {
  const threshold = given.threshold ?? DEFAULTS.screen.threshold;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`the screening threshold must be above 0 and at most 1, not ${threshold}`);
  const candidates = given.candidates ?? DEFAULTS.screen.candidates;
  if (!Number.isInteger(candidates) || candidates < 1) throw new Error(`screening candidates must be a whole number of at least 1, not ${candidates}`);
  return { threshold, candidates, minScore: Math.min(given.minScore ?? DEFAULTS.screen.minScore, threshold), allow: given.allow ?? [] };
}

/** The fingerprint of what a counterparty is screened with: the catalog, the imported lists, the threshold and the allow-list entries in force today. */
export function screeningFingerprint(ctx: Ctx): string {
  const h = createHash("sha256").update(`ictsguard-screening/1\u0000catalog\u0000${ctx.catalog.active.catalog.digest}`);
  const day = today(ctx.clock());
  h.update(`\u0000threshold\u0000${ctx.screen.threshold}`);
  for (const a of ctx.screen.allow) if (a.expires >= day) h.update(`\u0000allow\u0000${a.name ?? a.input}\u0000${a.entity}\u0000${a.expires}`);
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
  const run = new ScreeningRun(c.lists.corpus, {
    threshold: ctx.screen.threshold,
    limit: ctx.screen.candidates,
    minScore: ctx.screen.minScore,
    allow: ctx.screen.allow,
    today: today(ctx.clock()),
  });
  let record = 0;
  return {
    fingerprint,
    lists: c.lists.lists,
    screen(input) {
      const r = run.screen({ name: input.name, ...(input.country ? { country: input.country } : {}) }, ++record);
      // a match on the allow-list is kept with the entry that decided it: "allowed" is a decision on record, not "clear"
      const matches = r.candidates
        .filter((x) => x.status === (r.status === "allowed" ? "allowed" : "match"))
        .map(
          (x): CounterpartyMatch => ({
            list: x.entity.list,
            entityId: x.entity.id,
            name: x.entity.name,
            score: Math.round(x.score * 1000) / 1000,
            schema: x.entity.schema,
            countries: x.entity.countries,
            programs: x.entity.programs,
            ...(x.allowedBy ? { allowedBy: { reason: x.allowedBy.reason, author: x.allowedBy.author, expires: x.allowedBy.expires, entry: x.allowedBy.index, ...(x.allowedBy.file ? { file: x.allowedBy.file } : {}) } } : {}),
          }),
        )
        .sort((a, b) => b.score - a.score || (a.list + a.entityId < b.list + b.entityId ? -1 : 1));
      return { verdict: r.status, matches };
    },
  };
}

/** The part of a verdict whose change is recorded: the verdict and which entries matched (not their scores). */
export function verdictKey(verdict: string, matches: readonly CounterpartyMatch[]): string {
  return `${verdict}\u0000${matches.map((m) => `${m.list}:${m.entityId}`).sort().join(",")}`;
}
