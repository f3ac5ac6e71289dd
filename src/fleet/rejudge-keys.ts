/**
 * @module
 * The unique job keys of re-judgments, in one place for the code that queues them (open.ts), the
 * code that plans and closes them (rejudge.ts) and the code that asks which are still due
 * (judged-through.ts). A trigger is `rejudge:phase:<instant>` or `rejudge:catalog:<digest>`; each
 * of its shards is `<trigger>#<site>#<number>`.
 */

const PHASE = "rejudge:phase:";
const CATALOG = "rejudge:catalog:";

/** The trigger of the re-judgment at a phase boundary (an ISO instant). */
export const phaseTrigger = (instant: string): string => `${PHASE}${instant}`;

/** The trigger of the re-judgment after a catalog change (the catalog's digest). */
export const catalogTrigger = (digest: string): string => `${CATALOG}${digest}`;

/** The key of a trigger's shard `index` for `site`. */
export const shardKey = (trigger: string, site: string, index: number): string => `${trigger}#${site}#${String(index).padStart(6, "0")}`;

/** A re-judgment job key read back: what it re-judges, and the site when it is a shard. */
export function readRejudgeKey(key: string): { trigger: string; site?: string; phase?: string; catalog?: string } {
  const [trigger, site] = key.split("#") as [string, string | undefined];
  return {
    trigger,
    ...(site !== undefined ? { site } : {}),
    ...(trigger.startsWith(PHASE) ? { phase: trigger.slice(PHASE.length) } : {}),
    ...(trigger.startsWith(CATALOG) ? { catalog: trigger.slice(CATALOG.length) } : {}),
  };
}
