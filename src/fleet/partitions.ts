/**
 * @module
 * On PostgreSQL `finding_events` is partitioned by month of its instant (migration 006). Rows
 * of a month without its partition land in the default partition; this job makes the
 * partitions of the last month, this one and the next three ahead, moving any rows the default
 * partition holds for a month into it before attaching it (PostgreSQL refuses to attach a range
 * the default partition has rows of). A daily ticker queues it under a unique key, so one
 * process does it per day. SQLite keeps one table: nothing to do.
 *
 * An insert that started before an attach committed is routed to the default partition and then
 * fails its new constraint ("new row for relation finding_events_default violates partition
 * constraint"): its transaction rolls back and is retried (a job runs again; an upload answers
 * 5xx and its client retries). In steady state only the month three ahead is attached, which no
 * event is dated in; a store whose partitions lag (a server down for months) meets it once.
 */
import { sql } from "kysely";
import { addMonths, monthPartitionName } from "../store/migrations.js";
import type { Ctx } from "./context.js";

const AHEAD = 3;

export type PartitionResult = { created: string[]; moved: number };

export async function ensureHistoryPartitions(ctx: Ctx, now: string): Promise<PartitionResult> {
  const created: string[] = [];
  let moved = 0;
  if (ctx.backend !== "postgres") return { created, moved };
  for (let i = -1; i <= AHEAD; i++) {
    const lo = addMonths(now, i);
    const hi = addMonths(now, i + 1);
    const name = monthPartitionName(lo.slice(0, 7));
    const exists = (await sql<{ r: string | null }>`select to_regclass(${name})::text as r`.execute(ctx.db)).rows[0]?.r;
    if (exists) continue;
    moved += await ctx.db.transaction().execute(async (trx) => {
      await sql.raw(`create table ${name} (like finding_events including defaults)`).execute(trx);
      const r = await sql.raw(`with m as (delete from finding_events_default where at >= '${lo}' and at < '${hi}' returning *) insert into ${name} select * from m`).execute(trx);
      await sql.raw(`alter table finding_events attach partition ${name} for values from ('${lo}') to ('${hi}')`).execute(trx);
      return Number(r.numAffectedRows ?? 0);
    });
    created.push(name);
  }
  return { created, moved };
}

/** The month partitions that exist, oldest first, with their bounds. */
export async function historyPartitions(ctx: Ctx): Promise<{ name: string; from: string; to: string }[]> {
  if (ctx.backend !== "postgres") return [];
  const rows = await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'finding_events' and c.relname ~ '^finding_events_y[0-9]{4}m[0-9]{2}$' order by c.relname`.execute(ctx.db);
  return rows.rows.map(({ name }) => {
    const from = `${name.slice(16, 20)}-${name.slice(21, 23)}-01T00:00:00.000Z`;
    return { name, from, to: addMonths(from, 1) };
  });
}
