/**
 * @module
 * The CLI's engines behind `POST /api/v1/check` and `POST /api/v1/screen`: the transaction
 * checker (src/policy/check.ts, with the screening scorer as `ictsguard check` uses it) and a
 * screening run (src/screen/run.ts) over the catalog and the lists imported under
 * ICTSGUARD_HOME, with the server's screening settings (the config's threshold and allow-list, as
 * `ictsguard screen` applies them). Built on first use with the server's catalog, and again when
 * its digest changes or a list is imported (its header's import instant changes).
 */
import { DEFAULTS } from "../config/defaults.js";
import type { Catalog } from "../model/catalog.js";
import { createChecker, type Checker } from "../policy/check.js";
import { createScreeningScorer } from "../screen/party-scorer.js";
import { loadScreeningLists, ScreeningRun, type ScreeningLists } from "../screen/run.js";
import { SCREEN_SCHEMAS } from "../screen/model.js";
import { listNames, readListHeader } from "../screen/lists/store.js";
import { today } from "../policy/time.js";
import type { ScreenSettings } from "../fleet/context.js";

export type ScreenOptions = { threshold?: number; candidates?: number; allTypes?: boolean };

export type Engines = {
  checker(): Checker;
  /** A screening run with the server's settings (the config's, else the CLI's defaults), unless the request overrides them. */
  screening(options: ScreenOptions): { run: ScreeningRun; lists: ScreeningLists["lists"] };
};

export function createEngines(
  catalogOf: () => Catalog,
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
  settings: ScreenSettings = { threshold: DEFAULTS.screen.threshold, candidates: DEFAULTS.screen.candidates, minScore: DEFAULTS.screen.minScore, allow: [] },
): Engines {
  let digest: string | undefined;
  let checker: Checker | undefined;
  let lists: ScreeningLists | undefined;
  let listsKey: string | undefined;
  const fresh = (): Catalog => {
    const catalog = catalogOf();
    if (catalog.digest !== digest) {
      digest = catalog.digest;
      checker = undefined;
      lists = undefined;
    }
    return catalog;
  };
  // a list imported or refreshed while the server runs (lists import, a scheduled refresh) is screened with at once
  const freshLists = (): void => {
    const key = listNames(env)
      .map((n) => {
        try {
          return `${n}@${readListHeader(n, env).importedAt}`;
        } catch {
          return `${n}@damaged`;
        }
      })
      .join("\u0000");
    if (key !== listsKey) {
      listsKey = key;
      lists = undefined;
    }
  };
  return {
    checker() {
      const catalog = fresh();
      return (checker ??= createChecker(catalog, { fuzzy: createScreeningScorer(catalog) }));
    },
    screening(options) {
      const catalog = fresh();
      freshLists();
      lists ??= loadScreeningLists(catalog, undefined, env);
      const threshold = options.threshold ?? settings.threshold;
      const run = new ScreeningRun(lists.corpus, {
        threshold,
        limit: options.candidates ?? settings.candidates,
        minScore: Math.min(settings.minScore, threshold),
        allow: settings.allow,
        today: today(now()),
        ...(options.allTypes ? { schemas: SCREEN_SCHEMAS } : {}),
      });
      return { run, lists: lists.lists };
    },
  };
}
