/**
 * @module
 * Whether the stored findings of a site already say what the catalog says at an instant: every
 * phase boundary up to it, and a catalog change noticed by then, has been judged. Until the job
 * loop has run the re-judgment (it runs every few seconds, and not at all while no process runs
 * jobs), the history still holds the statuses of before the boundary: a reseller's Kaspersky
 * finding is `deadline` at 2024-10-01 in a store whose 2024-09-29 re-judgment is still queued.
 * A signed statement of the position at that instant must not be made from it.
 */
import type { Ctx } from "./context.js";
import { boundariesBetween, phaseBoundaries } from "./phases.js";
import { readRejudgeKey } from "./rejudge-keys.js";

export type Pending = { what: string; failed: boolean };

/** The first re-judgment (a phase boundary's instant, or a catalog change) due at or before `at` and not yet run for `site`, or undefined. */
export async function pendingRejudgment(ctx: Ctx, site: string, at: string): Promise<Pending | undefined> {
  // boundaries the job loop has not even queued yet (it queues them from phases_checked_at on)
  const checked = (await ctx.db.selectFrom("meta").select("value").where("key", "=", "phases_checked_at").executeTakeFirst())?.value;
  if (checked !== undefined && checked < at) {
    const [first] = boundariesBetween(phaseBoundaries(ctx.catalog.active.catalog), checked, at);
    if (first) return { what: `the phase boundary ${first}`, failed: false };
  }
  // queued or running ones: the trigger (it plans the shards) or this site's shards
  const jobs = await ctx.db
    .selectFrom("jobs")
    .select(["key", "run_at", "state"])
    .where("state", "!=", "done")
    .where("run_at", "<=", at)
    .where("kind", "in", ["rejudge", "rejudge-shard"])
    .orderBy("run_at")
    .execute();
  for (const job of jobs) {
    const key = readRejudgeKey(job.key);
    if (key.site !== undefined && key.site !== site) continue;
    const what = key.phase !== undefined ? `the phase boundary ${key.phase}` : `the catalog change of ${job.run_at}`;
    return { what, failed: job.state === "failed" };
  }
  return undefined;
}
