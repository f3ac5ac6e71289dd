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
import { queueDeadlineNotices } from "./deadline-notices.js";
import { deliverDue, queueDeliveries } from "./delivery.js";
import { queueListRefreshes, refreshList } from "./list-refresh.js";
import { queueRescreen, rescreenAll } from "./rescreen.js";
import { judgeQueuedUploads, queueUploadJudging } from "./upload-queue.js";

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
  /** Judges uploads accepted into the queue (`Prefer: respond-async`), in accept order per site and host (upload-queue.ts). */
  "uploads.judge": (ctx) => judgeQueuedUploads(ctx),
  /** Sends the webhook deliveries that are due (delivery.ts). */
  "webhooks.deliver": (ctx) => deliverDue(ctx),
  /** Screens every counterparty again with the current catalog and lists (rescreen.ts). */
  rescreen: (ctx, _payload, job) => rescreenAll(ctx, job.key),
  /** Refreshes a list from its source (list-refresh.ts); an import changes the lists, so a re-screen is queued at once. */
  "lists.refresh": async (ctx, payload) => {
    const result = await refreshList(ctx, String(payload.list));
    await queueRescreen(ctx, ctx.clock().toISOString());
    return result;
  },
};

/**
 * Tickers beyond the built-in ones of open.ts (exception expiry, phase and catalog re-judges), in
 * order: the daily partition and retention jobs; queued uploads to judge; then list refreshes and re-screens, queued
 * before deadline notices and deliveries, so the events a tick makes are sent by the same tick's
 * delivery pass where they can be.
 */
export const TICKERS: Ticker[] = [
  // once a day (by the store's jobs' unique keys), whichever process ticks first
  async (ctx, now) => {
    const day = now.slice(0, 10);
    await enqueue(ctx, `history-partitions:${day}`, "history-partitions", { reason: "month partitions of the findings history ahead", at: now }, now);
    await enqueue(ctx, `retention:${day}`, "retention", { reason: "daily retention purge", at: now }, now);
  },
  // queued uploads first: their judgments make events the same tick's delivery pass can send
  queueUploadJudging,
  queueListRefreshes,
  queueRescreen,
  queueDeadlineNotices,
  queueDeliveries,
];
