/**
 * @module
 * Keyset pagination: a cursor is the sort key of the last row of a page (base64url JSON), so a
 * page costs the same at row 10 and row 1,000,000; totals are counted up to TOTAL_CAP.
 */
import { sql, type Kysely, type SelectQueryBuilder } from "kysely";
import type { Database } from "../store/schema.js";
import { DEFAULT_LIMIT, FleetError, MAX_LIMIT, TOTAL_CAP, type Page } from "./types.js";

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined, size: number): (string | number)[] | undefined {
  if (cursor === undefined || cursor === null || cursor === "") return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === size && v.every((x) => typeof x === "string" || typeof x === "number")) return v as (string | number)[];
  } catch {
    // falls through to the error
  }
  throw new FleetError("invalid", "invalid cursor: pass the `next` of the previous page unchanged");
}

export function limitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new FleetError("invalid", `limit must be an integer from 1 to ${MAX_LIMIT}, not ${limit}`);
  return limit;
}

/** Rows matching a query, counted up to TOTAL_CAP + 1 (so the count stops early on huge tables). */
export async function cappedTotal(db: Kysely<Database>, query: SelectQueryBuilder<any, any, any>): Promise<{ total: number; totalCapped: boolean }> {
  const row = await db
    .selectFrom(query.clearSelect().clearOrderBy().select(sql<number>`1`.as("one")).limit(TOTAL_CAP + 1).as("capped"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > TOTAL_CAP ? { total: TOTAL_CAP, totalCapped: true } : { total: n, totalCapped: false };
}

/** Builds the page from rows fetched with `limit + 1`. */
export function pageOf<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => (string | number)[], total: { total: number; totalCapped: boolean }): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), next: more ? encodeCursor(key(kept[kept.length - 1]!)) : null, ...total };
}
