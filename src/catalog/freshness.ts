/**
 * @module
 * How old a catalog is. Age is counted in whole days from the catalog's `date` (the day its
 * facts were last reviewed, which every catalog has, installed or not) to today in UTC. TUF's
 * own expiry dates guard the update channel against freeze attacks at update time; this guards
 * the scans against rules that have quietly aged, whatever channel the catalog came by.
 */

/** The default `catalogMaxAgeDays`: the Kaspersky rules moved in steps weeks apart in 2024. */
export const DEFAULT_MAX_AGE_DAYS = 30;

export type Freshness = {
  /** Whole days from the catalog's date to today (UTC); negative when dated in the future. */
  ageDays: number;
  maxAgeDays: number;
  /** True when older than `maxAgeDays`. */
  stale: boolean;
};

export function catalogFreshness(date: string, maxAgeDays: number = DEFAULT_MAX_AGE_DAYS, now: Date = new Date()): Freshness {
  const dated = Date.parse(`${date}T00:00:00Z`);
  const todayUtc = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const ageDays = Math.round((todayUtc - dated) / 86_400_000);
  return { ageDays, maxAgeDays, stale: ageDays > maxAgeDays };
}

/** One sentence for people: "catalog 2026.01.05 (2026-01-05) is 40 days old; the maximum is 30". */
export function describeStale(c: { version: string; date: string }, f: Freshness): string {
  return (
    `catalog ${c.version} (${c.date}) is ${f.ageDays} days old; the maximum is ${f.maxAgeDays} (catalogMaxAgeDays): ` +
    `run \`ictsguard catalog update\` to get the current rules`
  );
}
