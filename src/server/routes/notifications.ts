/**
 * @module
 * Notifications (admin): webhook subscriptions (one site, or every site for a key limited to no
 * site), their deliveries with every attempt, a test event sent at once, and redelivery of a
 * failed delivery. docs/server.md ("Notifications") describes the events, the body and the
 * signature. The work is the fleet service's (src/fleet/webhooks.ts, delivery.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_LEAD_DAYS, EVENT_TYPES } from "../../fleet/notify-types.js";
import { allowSite } from "../auth.js";
import { defineRoute, principalOf } from "../route.js";
import { PageQuery, SiteQuery, pageOf } from "../schemas.js";
import { ADMINS, defined, json, page } from "./common.js";

const idParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" } }) });
const siteName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a site name");

export const EventTypeEnum = z.enum(EVENT_TYPES).openapi("WebhookEventType", { description: "An event a subscription may ask for (docs/server.md, Notifications)." });

const WebhookSchema = z
  .object({
    id: z.string(),
    site: z.string().nullable().openapi({ description: "The site whose events it gets; null for every site." }),
    url: z.string(),
    events: z.array(EventTypeEnum),
    active: z.boolean(),
    leadDays: z.array(z.number().int()),
    description: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Webhook");

const AttemptSchema = z.object({ at: z.string(), ok: z.boolean(), statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().optional() }).openapi("DeliveryAttempt");

const DeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string().openapi({ description: "The event's id: the same on every attempt and redelivery (receivers dedupe on it)." }),
    eventType: EventTypeEnum,
    site: z.string().nullable(),
    state: z.enum(["pending", "sending", "delivered", "failed"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().optional(),
    deliveredAt: z.string().optional(),
    createdAt: z.string(),
    attemptLog: z.array(AttemptSchema),
  })
  .openapi("WebhookDelivery");

const leadDays = z.array(z.number().int().min(1).max(366)).min(1).max(10).openapi({ description: `Days before a rule's phase boundary at which deadline.approaching is sent (default ${JSON.stringify(DEFAULT_LEAD_DAYS)}).` });

const CreateWebhookBody = z
  .object({
    site: siteName.nullable().optional().openapi({ description: "One site; absent or null: every site (a key limited to no site only)." }),
    url: z.string().min(1).max(2048).openapi({ example: "https://hooks.example.org/ictsguard" }),
    events: z.array(EventTypeEnum).min(1),
    active: z.boolean().optional(),
    leadDays: leadDays.optional(),
    description: z.string().max(500).optional(),
  })
  .strict()
  .openapi("CreateWebhook");

const UpdateWebhookBody = z
  .object({
    url: z.string().min(1).max(2048).optional(),
    events: z.array(EventTypeEnum).min(1).optional(),
    active: z.boolean().optional(),
    leadDays: leadDays.optional(),
    description: z.string().max(500).optional(),
    rotateSecret: z.boolean().optional().openapi({ description: "Make a new secret (answered once, as `secret`); the old one stops signing at once." }),
  })
  .strict()
  .openapi("UpdateWebhook");

const list = defineRoute({
  id: "webhooks.list",
  access: ADMINS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/webhooks",
    tags: ["notifications"],
    summary: "List webhook subscriptions (never their secrets)",
    request: { query: SiteQuery },
    responses: { 200: json(z.object({ items: z.array(WebhookSchema) }).openapi("WebhookList"), "The subscriptions") },
  }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listWebhooks(principalOf(c), defined({ site: c.req.valid("query").site })) }, 200),
});

const create = defineRoute({
  id: "webhooks.create",
  access: ADMINS,
  scope: "site",
  siteBy: "body",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/webhooks",
    tags: ["notifications"],
    summary: "Subscribe a URL to events (its signing secret is answered once)",
    request: { body: { content: { "application/json": { schema: CreateWebhookBody } }, required: true } },
    responses: { 201: json(z.object({ webhook: WebhookSchema, secret: z.string().openapi({ description: "The signing secret (whsec_...). Shown once." }) }).openapi("CreatedWebhook"), "The subscription and its secret") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    if (b.site) allowSite(principalOf(c), b.site);
    return c.json(await fleet.createWebhook(principalOf(c), { site: b.site ?? null, url: b.url, events: b.events, ...defined({ active: b.active, leadDays: b.leadDays, description: b.description }) }), 201);
  },
});

const get = defineRoute({
  id: "webhooks.get",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/webhooks/{id}", tags: ["notifications"], summary: "One webhook subscription", request: { params: idParam }, responses: { 200: json(WebhookSchema, "The subscription") } }),
  handler: async (c, { fleet }) => c.json(await fleet.getWebhook(principalOf(c), c.req.valid("param").id), 200),
});

const update = defineRoute({
  id: "webhooks.update",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "json",
  route: createRoute({
    method: "patch",
    path: "/api/v1/webhooks/{id}",
    tags: ["notifications"],
    summary: "Change a subscription (URL, events, active, lead times) or rotate its secret",
    request: { params: idParam, body: { content: { "application/json": { schema: UpdateWebhookBody } }, required: true } },
    responses: { 200: json(WebhookSchema.extend({ secret: z.string().optional() }).openapi("UpdatedWebhook"), "The subscription (with `secret` when rotated)") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.updateWebhook(principalOf(c), c.req.valid("param").id, defined(c.req.valid("json"))), 200),
});

const remove = defineRoute({
  id: "webhooks.delete",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({ method: "delete", path: "/api/v1/webhooks/{id}", tags: ["notifications"], summary: "Delete a subscription and its deliveries", request: { params: idParam }, responses: { 200: json(WebhookSchema, "The subscription, deleted") } }),
  handler: async (c, { fleet }) => c.json(await fleet.deleteWebhook(principalOf(c), c.req.valid("param").id), 200),
});

const test = defineRoute({
  id: "webhooks.test",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "post",
    path: "/api/v1/webhooks/{id}/test",
    tags: ["notifications"],
    summary: "Send a test event now and answer the delivery (a failed test is not retried)",
    request: { params: idParam },
    responses: { 200: json(DeliverySchema, "The delivery with its attempt: state delivered or failed, the receiver's status, the duration") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.testWebhook(principalOf(c), c.req.valid("param").id), 200),
});

const deliveries = defineRoute({
  id: "webhooks.deliveries",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/webhooks/{id}/deliveries",
    tags: ["notifications"],
    summary: "A subscription's deliveries, newest first, each with every attempt",
    request: {
      params: idParam,
      query: PageQuery.extend({ state: z.enum(["pending", "sending", "delivered", "failed"]).optional().openapi({ param: { name: "state", in: "query" } }) }),
    },
    responses: { 200: json(pageOf(DeliverySchema, "WebhookDeliveryPage"), "A page of deliveries") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listDeliveries(principalOf(c), c.req.valid("param").id, { ...page(q), ...defined({ state: q.state }) }), 200);
  },
});

const redeliver = defineRoute({
  id: "webhooks.redeliver",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "post",
    path: "/api/v1/webhook-deliveries/{id}/redeliver",
    tags: ["notifications"],
    summary: "Queue a delivery again (the same event id and body, a fresh set of attempts)",
    request: { params: idParam },
    responses: { 200: json(DeliverySchema, "The delivery, pending") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.redeliver(principalOf(c), c.req.valid("param").id), 200),
});

export const NOTIFICATION_ROUTES = [list, create, get, update, remove, test, deliveries, redeliver];
