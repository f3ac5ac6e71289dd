/**
 * @module
 * Calendar dates as the data carries them (`2024-07-20`): a check shared by the catalog, the
 * config file, the allow-list and the policy engine (src/policy/time.ts holds the date logic).
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (2024-02-30 is not one). */
export function isValidDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}
