/**
 * @module
 * Webhook subscriptions (admin): a URL, the event types it wants, one site or every site, an
 * active flag and the lead times of `deadline.approaching`. The secret is generated here, answered
 * once, and kept in the store because every delivery is signed with it (docs/SECURITY.md).
 * Deliveries are listed with every attempt; a failed one may be redelivered.
 */
import type { WebhookDeliveryRow, WebhookRow } from "../store/schema.js";
import { ADMIN_ROLES, canSeeSite, requireGlobalAdmin, requireRole, requireSite } from "./access.js";
import { audit } from "./audit.js";
import { nowIso, type Ctx } from "./context.js";
import { holdDeliveryLeases, post, recordAttempt } from "./delivery.js";
import { randomId } from "./ids.js";
import { DEFAULT_LEAD_DAYS, EVENT_TYPES, type DeliveryState, type EventType, type Webhook, type WebhookDelivery, type WebhookInput, type WebhookPatch, type WebhookWithSecret } from "./notify-types.js";
import { emit } from "./outbox.js";
import { cappedTotal, decodeCursor, limitOf, pageOf } from "./page.js";
import { newWebhookSecret } from "./signature.js";
import { siteRow } from "./sites.js";
import { FleetError, type Page, type PageQuery, type Principal } from "./types.js";

const MAX_URL = 2048;

function webhookOf(r: WebhookRow): Webhook {
  return {
    id: r.id,
    site: r.site,
    url: r.url,
    events: JSON.parse(r.events) as EventType[],
    active: Number(r.active) === 1,
    leadDays: JSON.parse(r.lead_days) as number[],
    ...(r.description ? { description: r.description } : {}),
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}

/** Only http(s), with a host, no longer than 2048. */
export function checkUrl(url: string): string {
  if (typeof url !== "string" || url.length > MAX_URL) throw new FleetError("invalid", `the webhook URL must be at most ${MAX_URL} characters`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FleetError("invalid", `"${url}" is not a URL: expected http://... or https://...`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new FleetError("invalid", `the webhook URL must be http or https, not ${u.protocol.replace(/:$/, "")}`);
  if (!u.hostname) throw new FleetError("invalid", `the webhook URL "${url}" has no host`);
  return u.toString();
}

function checkEvents(events: readonly string[] | undefined): EventType[] {
  if (!Array.isArray(events) || events.length === 0) throw new FleetError("invalid", `a webhook needs at least one event type: ${EVENT_TYPES.join(", ")}`);
  const bad = events.filter((e) => !(EVENT_TYPES as readonly string[]).includes(e));
  if (bad.length) throw new FleetError("invalid", `unknown event type(s) ${bad.join(", ")}: expected ${EVENT_TYPES.join(", ")}`);
  return [...new Set(events as EventType[])].sort();
}

function checkLeadDays(days: readonly number[] | undefined): number[] {
  const list = days ?? DEFAULT_LEAD_DAYS;
  if (!Array.isArray(list) || list.length === 0 || list.length > 10 || list.some((d) => !Number.isInteger(d) || d < 1 || d > 366))
    throw new FleetError("invalid", "leadDays must be 1 to 10 whole numbers of days between 1 and 366, e.g. [30, 7, 1]");
  return [...new Set(list)].sort((a, b) => b - a);
}

/** The row, if the key may see it (a subscription of every site only for keys limited to no site). */
async function hookFor(ctx: Ctx, p: Principal, id: string): Promise<WebhookRow> {
  requireRole(p, ADMIN_ROLES, "manage webhooks");
  const r = await ctx.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r || (r.site === null ? p.sites !== null : !canSeeSite(p, r.site))) throw new FleetError("not-found", `no webhook "${id}"`);
  return r;
}

export async function createWebhook(ctx: Ctx, p: Principal, input: WebhookInput): Promise<WebhookWithSecret> {
  requireRole(p, ADMIN_ROLES, "manage webhooks");
  const site = input.site ?? null;
  if (site === null) requireGlobalAdmin(p, "subscribe to every site's events");
  else {
    requireSite(p, site);
    await siteRow(ctx.db, site);
  }
  const now = nowIso(ctx);
  const secret = newWebhookSecret();
  const row: WebhookRow = {
    id: randomId("wh", 10),
    site,
    url: checkUrl(input.url),
    events: JSON.stringify(checkEvents(input.events)),
    secret,
    active: input.active === false ? 0 : 1,
    lead_days: JSON.stringify(checkLeadDays(input.leadDays)),
    description: input.description?.trim() || null,
    created_at: now,
    created_by: p.keyId,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("webhooks").values(row).execute();
    await audit(trx, { at: now, keyId: p.keyId, action: "webhook.create", site, target: row.id, detail: { url: row.url, events: JSON.parse(row.events) as string[] } });
  });
  return { webhook: webhookOf(row), secret };
}

export async function listWebhooks(ctx: Ctx, p: Principal, query: { site?: string } = {}): Promise<Webhook[]> {
  requireRole(p, ADMIN_ROLES, "manage webhooks");
  if (query.site !== undefined) requireSite(p, query.site);
  const rows = await ctx.db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.filter((r) => (r.site === null ? p.sites === null && query.site === undefined : canSeeSite(p, r.site) && (query.site === undefined || r.site === query.site))).map(webhookOf);
}

export async function getWebhook(ctx: Ctx, p: Principal, id: string): Promise<Webhook> {
  return webhookOf(await hookFor(ctx, p, id));
}

export async function updateWebhook(ctx: Ctx, p: Principal, id: string, patch: WebhookPatch): Promise<Webhook & { secret?: string }> {
  const r = await hookFor(ctx, p, id);
  const now = nowIso(ctx);
  const next: WebhookRow = {
    ...r,
    ...(patch.url !== undefined ? { url: checkUrl(patch.url) } : {}),
    ...(patch.events !== undefined ? { events: JSON.stringify(checkEvents(patch.events)) } : {}),
    ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
    ...(patch.leadDays !== undefined ? { lead_days: JSON.stringify(checkLeadDays(patch.leadDays)) } : {}),
    ...(patch.description !== undefined ? { description: patch.description.trim() || null } : {}),
    ...(patch.rotateSecret ? { secret: newWebhookSecret() } : {}),
    updated_at: now,
  };
  const { id: _id, ...rest } = next;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("webhooks").set(rest).where("id", "=", id).execute();
    const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    await audit(trx, { at: now, keyId: p.keyId, action: "webhook.update", site: r.site, target: id, detail: { changed } });
  });
  return { ...webhookOf(next), ...(patch.rotateSecret ? { secret: next.secret } : {}) };
}

/** Deletes the subscription with its deliveries and their attempts (the events stay for other subscriptions). */
export async function deleteWebhook(ctx: Ctx, p: Principal, id: string): Promise<Webhook> {
  const r = await hookFor(ctx, p, id);
  const now = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("webhook_attempts").where("delivery_id", "in", trx.selectFrom("webhook_deliveries").select("id").where("webhook_id", "=", id)).execute();
    await trx.deleteFrom("webhook_deliveries").where("webhook_id", "=", id).execute();
    await trx.deleteFrom("webhooks").where("id", "=", id).execute();
    await audit(trx, { at: now, keyId: p.keyId, action: "webhook.delete", site: r.site, target: id, detail: { url: r.url } });
  });
  return webhookOf(r);
}

async function deliveriesOf(ctx: Ctx, rows: readonly WebhookDeliveryRow[]): Promise<WebhookDelivery[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const attempts = await ctx.db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "in", ids).orderBy("at").orderBy("id").execute();
  const events = await ctx.db.selectFrom("outbox_events").select(["id", "type", "site"]).where("id", "in", [...new Set(rows.map((r) => r.event_id))]).execute();
  const eventOf = new Map(events.map((e) => [e.id, e]));
  return rows.map((r) => {
    const e = eventOf.get(r.event_id);
    return {
      id: r.id,
      webhookId: r.webhook_id,
      eventId: r.event_id,
      eventType: (e?.type ?? "test") as EventType,
      site: e?.site ?? null,
      state: r.state as DeliveryState,
      attempts: Number(r.attempts),
      nextAttemptAt: r.state === "pending" ? r.next_attempt_at : null,
      lastStatus: r.last_status === null ? null : Number(r.last_status),
      ...(r.last_error ? { lastError: r.last_error } : {}),
      ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
      createdAt: r.created_at,
      attemptLog: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({ at: a.at, ok: Number(a.ok) === 1, statusCode: a.status_code === null ? null : Number(a.status_code), durationMs: Number(a.duration_ms), ...(a.error ? { error: a.error } : {}) })),
    };
  });
}

/** Newest first. */
export async function listDeliveries(ctx: Ctx, p: Principal, webhookId: string, query: PageQuery & { state?: DeliveryState } = {}): Promise<Page<WebhookDelivery>> {
  await hookFor(ctx, p, webhookId);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("webhook_deliveries").selectAll().where("webhook_id", "=", webhookId);
  if (query.state) q = q.where("state", "=", query.state);
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  const items = await deliveriesOf(ctx, rows.slice(0, limit));
  const page = pageOf(rows, limit, (r) => r, (r) => [r.created_at, r.id], total);
  return { ...page, items };
}

async function deliveryFor(ctx: Ctx, p: Principal, id: string): Promise<WebhookDeliveryRow> {
  requireRole(p, ADMIN_ROLES, "manage webhooks");
  const d = await ctx.db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  if (!d) throw new FleetError("not-found", `no webhook delivery "${id}"`);
  try {
    await hookFor(ctx, p, d.webhook_id);
  } catch {
    throw new FleetError("not-found", `no webhook delivery "${id}"`);
  }
  return d;
}

/** Queues a delivery again (failed or delivered): a fresh set of attempts, due now; the same event id and body. */
export async function redeliver(ctx: Ctx, p: Principal, id: string): Promise<WebhookDelivery> {
  const d = await deliveryFor(ctx, p, id);
  if (d.state === "sending") throw new FleetError("conflict", `delivery ${id} is being sent now`);
  const now = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("webhook_deliveries").set({ state: "pending", attempts: 0, next_attempt_at: now, locked_by: null, locked_at: null }).where("id", "=", id).execute();
    await audit(trx, { at: now, keyId: p.keyId, action: "webhook.redeliver", target: id, detail: { webhook: d.webhook_id, event: d.event_id } });
  });
  const row = await ctx.db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return (await deliveriesOf(ctx, [row]))[0]!;
}

/** Sends a `test` event to this subscription now (active or not) and answers the delivery with its one attempt; not retried. */
export async function testWebhook(ctx: Ctx, p: Principal, id: string): Promise<WebhookDelivery> {
  const hook = await hookFor(ctx, p, id);
  const now = nowIso(ctx);
  // claimed in the transaction that makes it: no delivery pass ever sees it pending, so it is sent once, here
  const [eventId] = await ctx.db.transaction().execute(async (trx) => {
    const ids = await emit(trx, [{ type: "test", site: hook.site, at: now, data: { webhook: hook.id, message: "a test event from ictsguard: the signature verifies with this subscription's secret" } }], { to: [hook] });
    await trx.updateTable("webhook_deliveries").set({ state: "sending", locked_by: ctx.workerId, locked_at: new Date().toISOString() }).where("event_id", "=", ids[0]!).where("webhook_id", "=", id).execute();
    return ids;
  });
  const d = await ctx.db.selectFrom("webhook_deliveries").selectAll().where("event_id", "=", eventId!).where("webhook_id", "=", id).executeTakeFirstOrThrow();
  const event = await ctx.db.selectFrom("outbox_events").select(["id", "type", "body"]).where("id", "=", eventId!).executeTakeFirstOrThrow();
  const lease = holdDeliveryLeases(ctx);
  let result;
  try {
    result = await post(hook, event, ctx.delivery.timeoutMs);
  } finally {
    lease.stop();
  }
  const after = await recordAttempt(ctx, d, result, { retry: false });
  await audit(ctx.db, { at: now, keyId: p.keyId, action: "webhook.test", site: hook.site, target: id, detail: { ok: result.ok, status: result.statusCode } });
  return (await deliveriesOf(ctx, [after]))[0]!;
}
