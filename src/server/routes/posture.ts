/**
 * @module
 * The fleet's posture: the summary (counts by status, state, vendor and site, the next
 * deadlines, coverage beside them) and the trend (one point per interval).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { defineRoute, principalOf } from "../route.js";
import { Instant, SiteQuery, SummarySchema, TrendSchema } from "../schemas.js";
import { ApiError } from "../errors.js";
import { READERS, defined, json } from "./common.js";
import { toInstant } from "./queries.js";

/** Points a trend answers at most. */
const MAX_POINTS = 1000;
const INTERVAL_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

const summary = defineRoute({
  id: "summary",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/summary",
    tags: ["posture"],
    summary: "Posture counts by status, state, vendor and site, the next deadlines, and coverage",
    request: {
      query: SiteQuery.extend({
        silentSince: Instant.optional().openapi({ param: { name: "silentSince", in: "query" }, description: "Coverage: an asset not heard from since this instant is silent (default: 7 days ago)." }),
      }),
    },
    responses: { 200: json(SummarySchema, "The summary") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.summary(principalOf(c), defined({ site: q.site, silentSince: q.silentSince ? toInstant(q.silentSince) : undefined })), 200);
  },
});

const trend = defineRoute({
  id: "trend",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/trend",
    tags: ["posture"],
    summary: "One point per interval with the counts by status and state",
    request: {
      query: SiteQuery.extend({
        from: Instant.openapi({ param: { name: "from", in: "query" } }),
        to: Instant.openapi({ param: { name: "to", in: "query" } }),
        interval: z.enum(["hour", "day", "week"]).optional().openapi({ param: { name: "interval", in: "query" }, description: "Default day." }),
      }),
    },
    responses: { 200: json(TrendSchema, `The points, oldest first (at most ${MAX_POINTS})`) },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    const from = toInstant(q.from);
    const to = toInstant(q.to);
    const interval = q.interval ?? "day";
    const span = Date.parse(to) - Date.parse(from);
    if (span < 0) throw new ApiError(400, "invalid-request", "`from` must not be after `to`");
    if (span / INTERVAL_MS[interval] > MAX_POINTS) throw new ApiError(400, "invalid-request", `at most ${MAX_POINTS} points: choose a shorter span or a longer interval`);
    return c.json({ items: await fleet.trend(principalOf(c), { from, to, interval, ...defined({ site: q.site }) }) }, 200);
  },
});

export const POSTURE_ROUTES = [summary, trend];
