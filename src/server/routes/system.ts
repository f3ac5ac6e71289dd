/**
 * @module
 * The server itself: liveness (/healthz), readiness (/readyz: the store answers, its migrations
 * ran, the server is not shutting down), Prometheus metrics (/metrics) and the OpenAPI document.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { defineRoute } from "../route.js";
import { json } from "./common.js";

const Health = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.string()).optional() }).openapi("Health");

const healthz = defineRoute({
  id: "health.live",
  access: "public",
  scope: "none",
  body: "none",
  route: createRoute({ method: "get", path: "/healthz", tags: ["system"], summary: "The process answers", responses: { 200: json(Health, "Alive") } }),
  handler: (c) => c.json({ status: "ok" as const }, 200),
});

const readyz = defineRoute({
  id: "health.ready",
  access: "public",
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/readyz",
    tags: ["system"],
    summary: "Ready to serve: the database answers and its migrations ran",
    responses: { 200: json(Health, "Ready"), 503: json(Health, "Not ready (database unreachable, or shutting down)") },
  }),
  handler: async (c, { fleet, draining }) => {
    if (draining()) return c.json({ status: "unavailable" as const, checks: { server: "shutting down" } }, 503);
    let db = "unreachable";
    try {
      // the fleet opened only after its migrations ran, so a store that answers is migrated
      if (await fleet.ping()) db = "ok";
    } catch {
      // unreachable
    }
    return db === "ok" ? c.json({ status: "ok" as const, checks: { database: db, migrations: "done" } }, 200) : c.json({ status: "unavailable" as const, checks: { database: db } }, 503);
  },
});

const metrics = defineRoute({
  id: "metrics",
  access: ["admin", "analyst", "viewer"],
  scope: "fleet",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/metrics",
    tags: ["system"],
    summary: "Prometheus metrics (text exposition format)",
    responses: { 200: { content: { "text/plain": { schema: z.string() } }, description: "Metrics" } },
  }),
  handler: async (c, { metrics }) => {
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { "content-type": metrics.registry.contentType });
  },
});

const openapi = defineRoute({
  id: "openapi",
  access: "public",
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/openapi.json",
    tags: ["system"],
    summary: "This API's OpenAPI 3.1 document",
    responses: { 200: json(z.object({}).passthrough(), "The document") },
  }),
  handler: (c, { document }) => c.json(document() as Record<string, unknown>, 200),
});

export const SYSTEM_ROUTES = [healthz, readyz, metrics, openapi];
