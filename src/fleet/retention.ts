/**
 * @module
 * Retention: what the store keeps and for how long, and the daily purge job.
 *
 * - Findings history (`finding_events`): `historyDays` (default 7 years, 2557 days). Past the
 *   cutoff only what no question about the window can need is deleted: for each finding, every
 *   event before the cutoff except its last one, so "what was on host X at T" stays exact for
 *   every T inside the window. On PostgreSQL a month partition wholly before the cutoff that is
 *   empty afterwards is dropped.
 * - Upload records (`scans`): `scanDays` (default 90). Raw observations are kept only as each
 *   host's latest inventory per source (`host_sources`), which current verdicts and re-judgment
 *   rest on, so those are never purged by age; what goes is the record (and idempotency key) of
 *   an upload older than the window that no host's current inventory came from, with the
 *   per-host re-judgment counts (`rejudge_hosts`) and finished jobs older than the window, and
 *   the status rows of queued uploads finished before it (a queued upload's body is dropped as
 *   soon as it is judged or refused: upload-queue.ts).
 * - The webhook outbox: `webhookDays` (default 30) after a delivery was delivered or failed for
 *   good, the delivery, its attempts, and then events with no delivery left (outbox-retention.ts:
 *   what is pending is never purged, and deadline notices stay until their boundary).
 * - The audit log, findings, exceptions, and counts are never purged.
 *
 * Settings below the defaults are refused unless `allowShorter` is set: an audit may ask for
 * evidence of that age, and shortening it must be a decision someone wrote down. Every purge is
 * audit-logged, with its settings and counts.
 */
import { sql } from "kysely";
import { audit } from "./audit.js";
import type { Ctx } from "./context.js";
import { purgeOutbox } from "./outbox-retention.js";
import { historyPartitions } from "./partitions.js";
import { purgeQueuedUploads } from "./upload-queue.js";

export type RetentionSettings = {
  /** Days of findings history kept (default 2557: seven years). */
  historyDays: number;
  /** Days of upload records kept (default 90). */
  scanDays: number;
  /** Days webhook deliveries (with their attempts and events) are kept after they were delivered or failed for good (default 30). */
  webhookDays: number;
  /** Allow settings below the defaults (the floor). */
  allowShorter?: boolean;
};

export const DEFAULT_RETENTION: Readonly<RetentionSettings> = { historyDays: 2557, scanDays: 90, webhookDays: 30 };

const SETTINGS = ["historyDays", "scanDays", "webhookDays"] as const;

/** Checks settings against the floor; answers them whole, or throws a message naming the setting. */
export function checkRetention(r: Partial<RetentionSettings> = {}): RetentionSettings {
  const out: RetentionSettings = {
    historyDays: r.historyDays ?? DEFAULT_RETENTION.historyDays,
    scanDays: r.scanDays ?? DEFAULT_RETENTION.scanDays,
    webhookDays: r.webhookDays ?? DEFAULT_RETENTION.webhookDays,
    ...(r.allowShorter ? { allowShorter: true } : {}),
  };
  for (const k of SETTINGS) {
    const v = out[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`retention ${k} must be a whole number of days above 0, not ${v}`);
    if (v < DEFAULT_RETENTION[k] && !out.allowShorter) {
      throw new Error(`retention ${k} ${v} is below the floor of ${DEFAULT_RETENTION[k]} days (evidence an audit may ask for); set the override (--allow-short-retention) to shorten it on purpose`);
    }
  }
  return out;
}

export type PurgeResult = {
  at: string;
  historyBefore: string;
  scansBefore: string;
  webhooksBefore: string;
  events: number;
  partitionsDropped: string[];
  scans: number;
  rejudgeHosts: number;
  /** Status rows of queued uploads done or failed before the upload records' cutoff (their bodies went when they finished). */
  queuedUploads: number;
  /** Webhook deliveries, their attempts, and outbox events purged. */
  webhookDeliveries: number;
  webhookAttempts: number;
  outboxEvents: number;
};

const DAY = 86_400_000;

export async function purge(ctx: Ctx, settings: RetentionSettings, now: string): Promise<PurgeResult> {
  const historyBefore = new Date(Date.parse(now) - settings.historyDays * DAY).toISOString();
  const scansBefore = new Date(Date.parse(now) - settings.scanDays * DAY).toISOString();
  const webhooksBefore = new Date(Date.parse(now) - settings.webhookDays * DAY).toISOString();
  // every event before the cutoff but the last one of its finding (the state at the cutoff)
  const events = await sql`delete from finding_events where at < ${historyBefore} and exists (
      select 1 from finding_events later where later.finding_id = finding_events.finding_id and later.at < ${historyBefore}
        and (later.at > finding_events.at or (later.at = finding_events.at and later.id > finding_events.id)))`.execute(ctx.db);
  const partitionsDropped: string[] = [];
  for (const p of await historyPartitions(ctx)) {
    if (p.to > historyBefore) break;
    const left = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(p.name)}`.execute(ctx.db);
    if (Number(left.rows[0]?.n) !== 0) continue;
    await sql`drop table ${sql.table(p.name)}`.execute(ctx.db);
    partitionsDropped.push(p.name);
  }
  const scans = await ctx.db
    .deleteFrom("scans")
    .where("received_at", "<", scansBefore)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("host_sources").select("host_sources.host_id").whereRef("host_sources.scan_id", "=", "scans.id"))))
    .executeTakeFirst();
  const rejudgeHosts = await ctx.db.deleteFrom("rejudge_hosts").where("at", "<", scansBefore).executeTakeFirst();
  const queuedUploads = await purgeQueuedUploads(ctx, scansBefore);
  const outbox = await purgeOutbox(ctx, webhooksBefore, now);
  const result: PurgeResult = {
    at: now,
    historyBefore,
    scansBefore,
    webhooksBefore,
    events: Number(events.numAffectedRows ?? 0),
    partitionsDropped,
    scans: Number(scans.numDeletedRows ?? 0),
    rejudgeHosts: Number(rejudgeHosts.numDeletedRows ?? 0),
    queuedUploads,
    webhookDeliveries: outbox.deliveries,
    webhookAttempts: outbox.attempts,
    outboxEvents: outbox.events,
  };
  await audit(ctx.db, { at: now, keyId: "system", action: "retention.purge", detail: { ...result, historyDays: settings.historyDays, scanDays: settings.scanDays, webhookDays: settings.webhookDays, allowShorter: settings.allowShorter === true } });
  return result;
}
