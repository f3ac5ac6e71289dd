/**
 * @module
 * Webhook delivery, a job of the job loop (job-kinds.ts: `webhooks.deliver`). A pass claims due
 * deliveries (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two `serve` processes never send
 * the same one at once), POSTs each event's stored body, signed (signature.ts), and records every
 * attempt (status, response code, duration, error). A failure is retried with exponential
 * backoff and jitter, up to `maxAttempts`; then the delivery is `failed` (still listed; an admin
 * may redeliver it). A subscription's deliveries go in event order; when its receiver is down
 * (no connection, a timeout, 429 or 5xx) the rest of its batch waits for the same retry.
 *
 * At least once: a delivery is marked delivered after the receiver's 2xx; a process that dies
 * between the two leaves it `sending`. A `sending` delivery is leased: its process renews the
 * lease every LEASE_RENEW_MS while it works (a batch of a slow receiver can take minutes), so one
 * whose lease ran out (SENDING_LEASE_MS) belongs to a process that died, and any process's next
 * tick makes it due again. A pass that died with its process does not hold up the next one:
 * only a queued pass does (claims are exclusive, so a second pass sends nothing twice). Receivers
 * dedupe on the event id (header and body).
 *
 * Redirects are not followed (a 3xx is a failed attempt), only http(s) URLs are accepted
 * (webhooks.ts), and each POST has a timeout.
 */
import { sql } from "kysely";
import { PACKAGE_VERSION } from "../util/package-root.js";
import type { WebhookDeliveryRow, WebhookRow } from "../store/schema.js";
import { lockable, type Ctx, type DeliverySettings } from "./context.js";
import { enqueue } from "./jobs.js";
import { randomId } from "./ids.js";
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from "./signature.js";
import { holdLeases } from "./leases.js";

export const DEFAULT_DELIVERY: DeliverySettings = { timeoutMs: 10_000, maxAttempts: 10, baseDelayMs: 30_000, maxDelayMs: 6 * 3600_000 };

/** A `sending` delivery whose lease was not renewed for this long (real time) is taken to have died with its process. */
export const SENDING_LEASE_MS = 60_000;
/** How often a process renews the leases of the deliveries it is sending. */
const LEASE_RENEW_MS = 15_000;
const BATCH = 50;
/** At most this many batches a pass, so a long backlog does not hold the job loop. */
const MAX_BATCHES = 20;

export type AttemptResult = { ok: boolean; statusCode: number | null; durationMs: number; error?: string; receiverDown: boolean };

/** The wait before retry number `attempts` (1 = after the first failure): doubling, capped, with equal jitter. */
export function backoffMs(settings: DeliverySettings, attempts: number, random: () => number = Math.random): number {
  const full = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** POSTs one event body to a subscription, signed now. Never throws. */
export async function post(hook: Pick<WebhookRow, "url" | "secret">, event: { id: string; type: string; body: string }, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  const t = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(hook.url, {
      method: "POST",
      body: event.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": `ictsguard-webhooks/${PACKAGE_VERSION}`,
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
        [SIGNATURE_HEADER]: signatureHeader(hook.secret, event.body, t),
      },
    });
    // the answer's body is not used; read a little so the connection can be reused, then let go
    await res.body?.cancel().catch(() => undefined);
    const durationMs = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    let error: string | undefined;
    if (!ok) error = res.status >= 300 && res.status < 400 ? `the receiver answered ${res.status} (a redirect; redirects are not followed)` : `the receiver answered ${res.status}`;
    return { ok, statusCode: res.status, durationMs, ...(error ? { error } : {}), receiverDown: res.status === 429 || res.status >= 500 };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, statusCode: null, durationMs: Math.round(performance.now() - started), error: `not delivered: ${why}`, receiverDown: true };
  }
}

/** Claims up to `limit` due deliveries of active subscriptions for this process. */
async function claimDue(ctx: Ctx, now: string, limit: number): Promise<WebhookDeliveryRow[]> {
  const lockedAt = new Date().toISOString();
  const pick = lockable(ctx)
    ? sql`(select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.state = 'pending' and d.next_attempt_at <= ${now} and w.active = 1 order by d.next_attempt_at, d.id limit ${limit} for update of d skip locked)`
    : sql`(select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.state = 'pending' and d.next_attempt_at <= ${now} and w.active = 1 order by d.next_attempt_at, d.id limit ${limit})`;
  const r = await sql<WebhookDeliveryRow>`update webhook_deliveries set state = 'sending', locked_by = ${ctx.workerId}, locked_at = ${lockedAt}
    where state = 'pending' and id in ${pick} returning *`.execute(ctx.db);
  return r.rows;
}

/** Renews, every LEASE_RENEW_MS until stopped, the lease of every delivery this process is sending (at worst a missed renewal sends one twice, which at-least-once allows). */
export function holdDeliveryLeases(ctx: Ctx): { stop(): void } {
  return holdLeases(ctx, "webhook_deliveries", "sending", LEASE_RENEW_MS);
}

/** Makes due again the deliveries whose lease ran out: their process died between claiming and recording them. */
async function reclaimExpired(ctx: Ctx): Promise<void> {
  const expired = new Date(Date.now() - SENDING_LEASE_MS).toISOString();
  await ctx.db.updateTable("webhook_deliveries").set({ state: "pending", locked_by: null, locked_at: null }).where("state", "=", "sending").where("locked_at", "<", expired).execute();
}

/** Records one attempt and moves the delivery on: delivered, pending again (with its next time), or failed. */
export async function recordAttempt(ctx: Ctx, d: WebhookDeliveryRow, result: AttemptResult, options: { retry: boolean }): Promise<WebhookDeliveryRow> {
  const at = ctx.clock().toISOString();
  const attempts = Number(d.attempts) + 1;
  let state: string;
  let next = d.next_attempt_at;
  if (result.ok) state = "delivered";
  else if (!options.retry || attempts >= ctx.delivery.maxAttempts) state = "failed";
  else {
    state = "pending";
    next = new Date(Date.parse(at) + backoffMs(ctx.delivery, attempts)).toISOString();
  }
  const patch = {
    state,
    attempts,
    next_attempt_at: next,
    locked_by: null,
    locked_at: null,
    last_status: result.statusCode,
    last_error: result.error ?? null,
    delivered_at: result.ok ? at : null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("webhook_attempts").values({ id: randomId("wa", 10), delivery_id: d.id, at, ok: result.ok ? 1 : 0, status_code: result.statusCode, duration_ms: result.durationMs, error: result.error ?? null }).execute();
    await trx.updateTable("webhook_deliveries").set(patch).where("id", "=", d.id).execute();
  });
  return { ...d, ...patch };
}

export type DeliveryPass = { attempted: number; delivered: number; retrying: number; failed: number };

/** One delivery pass: every due delivery of active subscriptions, batch by batch. */
export async function deliverDue(ctx: Ctx): Promise<DeliveryPass> {
  const out: DeliveryPass = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  await reclaimExpired(ctx);
  const lease = holdDeliveryLeases(ctx);
  try {
    await deliverBatches(ctx, out);
  } finally {
    lease.stop();
  }
  return out;
}

async function deliverBatches(ctx: Ctx, out: DeliveryPass): Promise<void> {
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = ctx.clock().toISOString();
    const claimed = await claimDue(ctx, now, BATCH);
    if (claimed.length === 0) break;
    const byHook = new Map<string, WebhookDeliveryRow[]>();
    for (const d of claimed.sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0))) (byHook.get(d.webhook_id) ?? byHook.set(d.webhook_id, []).get(d.webhook_id)!).push(d);
    await Promise.all(
      [...byHook].map(async ([hookId, list]) => {
        const hook = await ctx.db.selectFrom("webhooks").selectAll().where("id", "=", hookId).executeTakeFirst();
        const events = await ctx.db.selectFrom("outbox_events").select(["id", "type", "body"]).where("id", "in", list.map((d) => d.event_id)).execute();
        const byId = new Map(events.map((e) => [e.id, e]));
        for (let i = 0; i < list.length; i++) {
          const d = list[i]!;
          const event = byId.get(d.event_id);
          if (!hook || !event) {
            await recordAttempt(ctx, d, { ok: false, statusCode: null, durationMs: 0, error: !hook ? "the subscription is gone" : "the event is gone", receiverDown: false }, { retry: false });
            out.failed++;
            continue;
          }
          const result = await post(hook, event, ctx.delivery.timeoutMs);
          const after = await recordAttempt(ctx, d, result, { retry: true });
          out.attempted++;
          if (after.state === "delivered") out.delivered++;
          else if (after.state === "failed") out.failed++;
          else out.retrying++;
          if (!result.ok && result.receiverDown && after.state === "pending") {
            // the receiver is down: the rest of this subscription's batch waits for the same retry, in order
            const rest = list.slice(i + 1).map((r) => r.id);
            if (rest.length) await ctx.db.updateTable("webhook_deliveries").set({ state: "pending", locked_by: null, locked_at: null, next_attempt_at: after.next_attempt_at }).where("id", "in", rest).execute();
            break;
          }
        }
      }),
    );
  }
}

/**
 * The ticker: makes deliveries of dead processes due again, then queues a delivery pass when
 * deliveries are due and no pass is queued. A running pass does not count: it may be one whose
 * process died (its job stays `running` until the job lock times out, jobs.ts), and beside a live
 * one a second pass only takes deliveries the first has not claimed.
 */
export async function queueDeliveries(ctx: Ctx, now: string): Promise<void> {
  await reclaimExpired(ctx);
  const due = await ctx.db
    .selectFrom("webhook_deliveries")
    .innerJoin("webhooks", "webhooks.id", "webhook_deliveries.webhook_id")
    .select("webhook_deliveries.id")
    .where("webhook_deliveries.state", "=", "pending")
    .where("webhook_deliveries.next_attempt_at", "<=", now)
    .where("webhooks.active", "=", 1)
    .limit(1)
    .executeTakeFirst();
  if (!due) return;
  const busy = await ctx.db.selectFrom("jobs").select("id").where("kind", "=", "webhooks.deliver").where("state", "=", "queued").limit(1).executeTakeFirst();
  if (busy) return;
  // a pass per need, not per instant (an injected clock may stand still); two processes queueing one each at once is harmless, as claims are exclusive
  await enqueue(ctx, `webhooks:deliver:${now}:${randomId("p", 6)}`, "webhooks.deliver", { reason: "webhook deliveries are due", at: now }, now);
}
