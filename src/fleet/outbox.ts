/**
 * @module
 * The outbox: events are written by the transaction that records the change they report
 * (lifecycle.ts `writeChanges`, exception expiry, counterparty verdicts, deadline notices), so a
 * change is never committed without its event and an event never exists for a change that rolled
 * back. Each event is fanned out at once to the subscriptions that want it (one
 * `webhook_deliveries` row per subscription); delivery.ts sends them. An event with no
 * subscriber is not stored.
 *
 * The body is made once and stored: every attempt and every redelivery sends the same bytes and
 * the same event id, which receivers dedupe on (delivery is at least once).
 */
import type { FindingRow, WebhookRow } from "../store/schema.js";
import type { Db } from "./context.js";
import { orderedId, randomId } from "./ids.js";
import type { Change } from "./lifecycle.js";
import type { EventType } from "./notify-types.js";
import type { ChangeCause } from "./types.js";

export type EventInput = {
  type: EventType;
  site: string | null;
  at: string;
  data: Record<string, unknown>;
  /** At most one event with this key ever (deadline notices: one per site, boundary and lead). */
  dedupeKey?: string;
};

/** The JSON every receiver gets. */
export type EventBody = { id: string; type: EventType; createdAt: string; site: string | null; data: Record<string, unknown> };

export function wants(hook: Pick<WebhookRow, "site" | "events" | "active">, type: EventType, site: string | null): boolean {
  if (!hook.active) return false;
  if (hook.site !== null && hook.site !== site) return false;
  return (JSON.parse(hook.events) as string[]).includes(type);
}

export async function activeWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom("webhooks").selectAll().where("active", "=", 1).execute();
}

/**
 * Writes events and their deliveries (inside the caller's transaction) to the active
 * subscriptions that want them (`hooks`: those already read). With `to`, to exactly these
 * subscriptions (deadline notices, which depend on each one's lead times; the test event).
 * Answers the ids of the events stored.
 */
export async function emit(db: Db, events: readonly EventInput[], options: { hooks?: readonly WebhookRow[]; to?: readonly WebhookRow[] } = {}): Promise<string[]> {
  if (events.length === 0) return [];
  const hooks = options.to ?? options.hooks ?? (await activeWebhooks(db));
  if (hooks.length === 0) return [];
  const ids: string[] = [];
  for (const e of events) {
    const targets = options.to ? hooks : hooks.filter((h) => wants(h, e.type, e.site));
    if (targets.length === 0) continue;
    let id = orderedId("evt");
    const body: EventBody = { id, type: e.type, createdAt: e.at, site: e.site, data: e.data };
    if (e.dedupeKey) {
      const r = await db
        .insertInto("outbox_events")
        .values({ id, type: e.type, site: e.site, created_at: e.at, dedupe_key: e.dedupeKey, body: JSON.stringify(body) })
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) id = (await db.selectFrom("outbox_events").select("id").where("dedupe_key", "=", e.dedupeKey).executeTakeFirstOrThrow()).id;
    } else {
      await db.insertInto("outbox_events").values({ id, type: e.type, site: e.site, created_at: e.at, dedupe_key: null, body: JSON.stringify(body) }).execute();
    }
    for (const h of targets) {
      await db
        .insertInto("webhook_deliveries")
        .values({ id: randomId("wd", 10), event_id: id, webhook_id: h.id, state: "pending", attempts: 0, next_attempt_at: e.at, locked_by: null, locked_at: null, last_status: null, last_error: null, delivered_at: null, created_at: e.at })
        .onConflict((oc) => oc.columns(["event_id", "webhook_id"]).doNothing())
        .execute();
    }
    ids.push(id);
  }
  return ids;
}

/** What a receiver learns of a finding. */
export function findingData(r: FindingRow): Record<string, unknown> {
  let names: { productName?: string; vendorName?: string } = {};
  try {
    const d = JSON.parse(r.detail) as { productName?: string; vendorName?: string };
    names = { ...(d.productName ? { productName: d.productName } : {}), ...(d.vendorName ? { vendorName: d.vendorName } : {}) };
  } catch {
    // detail is the server's own JSON; a damaged one only loses the names
  }
  return {
    id: r.id,
    engineId: r.engine_id,
    hostId: r.host_id,
    host: r.host_name,
    vendor: r.vendor,
    product: r.product,
    ...names,
    status: r.status,
    state: r.state,
    reason: r.reason,
    deadline: r.deadline || null,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    resolvedAt: r.resolved_at,
    reopened: r.reopened,
  };
}

/** The events of a set of finding changes: new, resolved, reopened. */
export function findingEvents(changes: readonly Change[], meta: { at: string; cause: ChangeCause; ref: string }): EventInput[] {
  const out: EventInput[] = [];
  for (const c of changes) {
    if (!c.event && !(c.before && c.after.reopened > c.before.reopened)) continue;
    let type: EventType | undefined;
    if (!c.before) type = "finding.new";
    else if (c.after.reopened > c.before.reopened) type = "finding.reopened";
    else if (c.after.state === "resolved" && c.before.state !== "resolved") type = "finding.resolved";
    if (!type) continue;
    out.push({
      type,
      site: c.after.site,
      at: meta.at,
      data: { finding: findingData(c.after), previous: c.before ? { status: c.before.status, state: c.before.state } : null, cause: meta.cause, ref: meta.ref },
    });
  }
  return out;
}

/** Emits the events of finding changes, when any subscription is active (one cheap read otherwise). */
export async function emitFindingEvents(db: Db, changes: readonly Change[], meta: { at: string; cause: ChangeCause; ref: string }): Promise<void> {
  if (!changes.some((c) => !c.before || c.after.state !== c.before.state || c.after.reopened !== c.before.reopened)) return;
  const hooks = await activeWebhooks(db);
  if (hooks.length === 0) return;
  const events = findingEvents(changes, meta).filter((e) => hooks.some((h) => wants(h, e.type, e.site)));
  if (events.length) await emit(db, events, { hooks });
}
