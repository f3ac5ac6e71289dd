/**
 * @module
 * What the job loop knows how to run, and what it checks on every tick. Each part of the fleet
 * that has background work (re-judging, notifications, re-screening, retention ...) adds its job
 * kind here and, when it queues work on a schedule, a ticker; `open.ts` runs them. A job is
 * claimed by exactly one process (jobs.ts), so a handler runs once per job however many `serve`
 * processes share the store; a handler must still be idempotent, as a job whose process died is
 * taken again.
 */
import type { JobRow } from "../store/schema.js";
import type { Ctx } from "./context.js";
import type { JobPayload } from "./jobs.js";
import { enqueue } from "./jobs.js";
import { ensureHistoryPartitions } from "./partitions.js";
import { planRejudge, rejudgeShard } from "./rejudge.js";
import { purge } from "./retention.js";

/** Runs one claimed job; what it returns is stored as the job's result. */
export type JobHandler = (ctx: Ctx, payload: JobPayload, job: JobRow) => Promise<unknown>;

/** Called on every tick of the job loop (before jobs are claimed), to queue work that is due at `now`. */
export type Ticker = (ctx: Ctx, now: string) => Promise<void>;

export const JOB_HANDLERS: Record<string, JobHandler> = {
  // a trigger (catalog change, phase boundary) is planned into shards that every process shares
  rejudge: planRejudge,
  "rejudge-shard": rejudgeShard,
  // daily: the month partitions of the history ahead (PostgreSQL), then what is past retention
  "history-partitions": (ctx, payload) => ensureHistoryPartitions(ctx, payload.at),
  retention: (ctx, payload) => purge(ctx, ctx.retention, payload.at),
};

/** Tickers beyond the built-in ones of open.ts (exception expiry, phase and catalog re-judges). */
export const TICKERS: Ticker[] = [
  // once a day (by the store's jobs' unique keys), whichever process ticks first
  async (ctx, now) => {
    const day = now.slice(0, 10);
    await enqueue(ctx, `history-partitions:${day}`, "history-partitions", { reason: "month partitions of the findings history ahead", at: now }, now);
    await enqueue(ctx, `retention:${day}`, "retention", { reason: "daily retention purge", at: now }, now);
  },
];
