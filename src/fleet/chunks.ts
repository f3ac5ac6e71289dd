/**
 * @module
 * Statements over many hosts. An upload may name more hosts than one statement takes
 * parameters (SQLite 32,766, PostgreSQL 65,535): one `IN` list or one multi-row insert of all of
 * them failed the whole upload. Reads and writes go HOST_CHUNK hosts at a time; locking hosts
 * needs one order across all of them (every writer locks in the store's order of host keys, so
 * writers never deadlock), which PostgreSQL keeps by taking the keys as ONE array parameter.
 */
import { sql } from "kysely";
import type { HostRow } from "../store/schema.js";
import { lockable, type Ctx, type Db } from "./context.js";

/** Hosts (or their rows) per statement: well under either store's limit, and few round trips. */
export const HOST_CHUNK = 500;

/** `query` run over `keys` HOST_CHUNK at a time, its rows in chunk order. */
export async function inChunks<T>(keys: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += HOST_CHUNK) for (const row of await query(keys.slice(i, i + HOST_CHUNK))) out.push(row);
  return out;
}

/**
 * The hosts of `site` with these keys, ordered by key and, on PostgreSQL, locked FOR UPDATE in
 * that order by one statement (the keys are one `text[]` parameter, however many). SQLite has
 * one writer and no row locks, so its hosts are read in chunks.
 */
export async function lockHostsByKey(ctx: Ctx, trx: Db, site: string, keys: readonly string[]): Promise<HostRow[]> {
  if (keys.length === 0) return [];
  const hosts = trx.selectFrom("hosts").selectAll().where("site", "=", site);
  if (lockable(ctx)) {
    return hosts
      .where(sql<boolean>`name_key = any(${[...keys]}::text[])`)
      .orderBy("name_key")
      .forUpdate()
      .execute();
  }
  const rows = await inChunks(keys, (chunk) => hosts.where("name_key", "in", chunk).execute());
  return rows.sort((a, b) => (a.name_key < b.name_key ? -1 : a.name_key > b.name_key ? 1 : 0));
}
