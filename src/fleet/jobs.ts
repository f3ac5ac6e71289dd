/**
 * @module
 * Jobs in the database, one table on both backends (`jobs`). A trigger queues a job under a
 * unique key (re-judgments: `rejudge:phase:<instant>`, `rejudge:catalog:<digest>`, see rejudge-keys.ts), so however many processes
 * see the same trigger, one job exists; a process claims a job with one UPDATE of the oldest
 * queued row, on PostgreSQL `FOR UPDATE SKIP LOCKED` (two processes never claim the same row,
 * and neither waits for the other), on SQLite under its one writer. A job whose process died is
 * taken again after LOCK_TIMEOUT_MS; re-judging is idempotent, so a second run changes nothing.
 *
 * A handler that cannot run the job in this process (a shard that needs a catalog this process
 * does not have) throws `ReleaseJob`: the job goes back to the queue as it was, for another
 * process. A process that stops (`stopJobs`) finishes the job in hand, claims no more, and
 * releases any job still marked as its own.
 *
 * Why not pg-boss: its schedule runs on the database's clock and its own timers, so the tests'
 * injectable clock cannot move a job across a phase boundary; a SQLite server would need a second
 * queue anyway; and one table gives both backends one code path, with dedup by the unique key
 * built into the insert.
 */
import { sql } from "kysely";
import type { JobRow } from "../store/schema.js";
import { lockable, type Ctx } from "./context.js";
import { randomId } from "./ids.js";
import type { JobInfo } from "./types.js";

/** A running job not finished after this long (real time) is taken to have died with its process. */
export const LOCK_TIMEOUT_MS = 15 * 60_000;
const MAX_ATTEMPTS = 3;

/** A job's payload: why and when it was queued, plus what its kind needs (stored as JSON). */
export type JobPayload = { reason: string; at: string; asOf?: string; digest?: string } & Record<string, unknown>;

export function jobInfo(r: JobRow): JobInfo {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind,
    state: r.state as JobInfo["state"],
    runAt: r.run_at,
    attempts: Number(r.attempts),
    ...(r.result ? { result: JSON.parse(r.result) as unknown } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

/** Thrown by a handler for a job another process should run: the job is released, not failed. */
export class ReleaseJob extends Error {
  override name = "ReleaseJob";
}

/** Puts a claimed job back in the queue untouched (its attempt is not counted). */
export async function release(ctx: Ctx, job: JobRow): Promise<void> {
  await ctx.db.updateTable("jobs").set((eb) => ({ state: "queued", locked_by: null, locked_at: null, attempts: eb("attempts", "-", 1) })).where("id", "=", job.id).where("locked_by", "=", ctx.workerId).execute();
}

/** Releases every job this process still holds (at shutdown), so another process takes them now rather than after LOCK_TIMEOUT_MS. */
export async function releaseMine(ctx: Ctx): Promise<number> {
  const r = await ctx.db.updateTable("jobs").set((eb) => ({ state: "queued", locked_by: null, locked_at: null, attempts: eb("attempts", "-", 1) })).where("state", "=", "running").where("locked_by", "=", ctx.workerId).executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0);
}

/** Queues a job unless one with the key exists; true when this call queued it. */
export async function enqueue(ctx: Ctx, key: string, kind: string, payload: JobPayload, runAt: string): Promise<boolean> {
  const r = await ctx.db
    .insertInto("jobs")
    .values({ id: randomId("j"), key, kind, payload: JSON.stringify(payload), state: "queued", run_at: runAt, attempts: 0, locked_by: null, locked_at: null, finished_at: null, result: null, error: null })
    .onConflict((oc) => oc.column("key").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Claims the oldest due job for this process, or undefined. */
export async function claim(ctx: Ctx, now: string): Promise<JobRow | undefined> {
  const lockedAt = new Date().toISOString();
  const stale = new Date(Date.now() - LOCK_TIMEOUT_MS).toISOString();
  await ctx.db.updateTable("jobs").set({ state: "queued", locked_by: null }).where("state", "=", "running").where("locked_at", "<", stale).execute();
  const pick = lockable(ctx)
    ? sql`(select id from jobs where state = 'queued' and run_at <= ${now} order by run_at, id limit 1 for update skip locked)`
    : sql`(select id from jobs where state = 'queued' and run_at <= ${now} order by run_at, id limit 1)`;
  const r = await sql<JobRow>`update jobs set state = 'running', attempts = attempts + 1, locked_by = ${ctx.workerId}, locked_at = ${lockedAt}
    where state = 'queued' and id = ${pick} returning *`.execute(ctx.db);
  return r.rows[0];
}

export async function finish(ctx: Ctx, job: JobRow, outcome: { result?: unknown; error?: string }): Promise<JobRow> {
  const failedForGood = outcome.error !== undefined && Number(job.attempts) >= MAX_ATTEMPTS;
  const state = outcome.error === undefined ? "done" : failedForGood ? "failed" : "queued";
  const patch = {
    state,
    finished_at: state === "queued" ? null : new Date().toISOString(),
    result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
    error: outcome.error ?? null,
    locked_by: null,
  };
  await ctx.db.updateTable("jobs").set(patch).where("id", "=", job.id).where("locked_by", "=", ctx.workerId).execute();
  return { ...job, ...patch };
}

export async function listJobs(ctx: Ctx): Promise<JobInfo[]> {
  const rows = await ctx.db.selectFrom("jobs").selectAll().orderBy("run_at", "desc").orderBy("id", "desc").limit(200).execute();
  return rows.map(jobInfo);
}
