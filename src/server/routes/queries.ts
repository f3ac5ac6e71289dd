/**
 * @module
 * Reading the fleet: hosts (list, detail with findings and evidence, posture at an instant),
 * findings (filtered, paged, with their history), scans (one per upload).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { STATUSES } from "../../model/finding.js";
import { FINDING_STATES } from "../../fleet/types.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf } from "../route.js";
import {
  FindingEventSchema,
  FindingSchema,
  HostDetailSchema,
  HostHistorySchema,
  HostSchema,
  Instant,
  PageQuery,
  ScanSchema,
  SiteQuery,
  pageOf,
} from "../schemas.js";
import { READERS, defined, json, page } from "./common.js";

const IdParam = (what: string) => z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" }, description: `The ${what}'s id.` }) });

/** A comma-separated list of enum values (`status=prohibited,unsupported`). */
function listOf<const T extends readonly [string, ...string[]]>(values: T, name: string) {
  return z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values, { error: (iss) => `expected ${name} to be one of ${values.join(", ")} (got ${JSON.stringify(iss.input)})` })))
    .optional()
    .openapi({ param: { name, in: "query" }, type: "string", description: `One or more of ${values.join(", ")}, comma-separated.` });
}

/** The findings' filters (the list and its CSV export take the same). */
export const FindingFilterQuery = SiteQuery.extend({
  status: listOf(STATUSES, "status"),
  state: listOf(FINDING_STATES, "state"),
  vendor: z.string().max(200).optional().openapi({ param: { name: "vendor", in: "query" }, description: "A catalog vendor id." }),
  product: z.string().max(200).optional().openapi({ param: { name: "product", in: "query" }, description: "A catalog product id." }),
  host: z.string().max(500).optional().openapi({ param: { name: "host", in: "query" }, description: "A host id or name." }),
  lastSeenSince: Instant.optional().openapi({ param: { name: "lastSeenSince", in: "query" }, description: "Findings last seen at or after this instant." }),
});

/** The fleet's filter from the validated query (undefined ones left out). */
export function findingFilter(q: z.infer<typeof FindingFilterQuery>) {
  return defined({ site: q.site, status: q.status, state: q.state, vendor: q.vendor, product: q.product, host: q.host, lastSeenSince: q.lastSeenSince ? toInstant(q.lastSeenSince) : undefined });
}

const hostsList = defineRoute({
  id: "hosts.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/hosts",
    tags: ["hosts"],
    summary: "List hosts",
    request: {
      query: PageQuery.merge(SiteQuery).extend({
        name: z.string().max(500).optional().openapi({ param: { name: "name", in: "query" }, description: "Hosts with this name (case-insensitive)." }),
        lastSeenSince: Instant.optional().openapi({ param: { name: "lastSeenSince", in: "query" }, description: "Hosts last seen at or after this instant." }),
      }),
    },
    responses: { 200: json(pageOf(HostSchema, "HostPage"), "A page of hosts") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listHosts(principalOf(c), { ...page(q), ...defined({ site: q.site, name: q.name, lastSeenSince: q.lastSeenSince }) }), 200);
  },
});

const hostsGet = defineRoute({
  id: "hosts.get",
  access: READERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/hosts/{id}",
    tags: ["hosts"],
    summary: "A host with its findings and their evidence",
    request: { params: IdParam("host") },
    responses: { 200: json(HostDetailSchema, "The host") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.getHost(principalOf(c), c.req.valid("param").id), 200),
});

const hostsHistory = defineRoute({
  id: "hosts.history",
  access: READERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/hosts/{id}/history",
    tags: ["hosts"],
    summary: "What was on a host at an instant: each finding's status and state then",
    request: {
      params: IdParam("host"),
      query: z.object({ at: Instant.openapi({ param: { name: "at", in: "query" }, description: "The instant (or date) to answer for." }) }),
    },
    responses: { 200: json(HostHistorySchema, "The host's posture at the instant, and the changes up to it") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.hostHistory(principalOf(c), c.req.valid("param").id, toInstant(c.req.valid("query").at)), 200),
});

const findingsList = defineRoute({
  id: "findings.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/findings",
    tags: ["findings"],
    summary: "List findings, filtered",
    request: { query: PageQuery.merge(FindingFilterQuery) },
    responses: { 200: json(pageOf(FindingSchema, "FindingPage"), "A page of findings") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listFindings(principalOf(c), { ...page(q), ...findingFilter(q) }), 200);
  },
});

const findingsGet = defineRoute({
  id: "findings.get",
  access: READERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/findings/{id}",
    tags: ["findings"],
    summary: "A finding with its evidence",
    request: { params: IdParam("finding") },
    responses: { 200: json(FindingSchema, "The finding") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.getFinding(principalOf(c), c.req.valid("param").id), 200),
});

const findingsHistory = defineRoute({
  id: "findings.history",
  access: READERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/findings/{id}/history",
    tags: ["findings"],
    summary: "Every change of a finding, oldest first",
    request: { params: IdParam("finding") },
    responses: { 200: json(z.object({ items: z.array(FindingEventSchema) }), "The finding's changes") },
  }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.findingHistory(principalOf(c), c.req.valid("param").id) }, 200),
});

const scansList = defineRoute({
  id: "scans.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/scans",
    tags: ["inventories"],
    summary: "List scans (one per stored upload), newest first",
    request: { query: PageQuery.merge(SiteQuery).extend({ host: z.string().max(500).optional().openapi({ param: { name: "host", in: "query" } }) }) },
    responses: { 200: json(pageOf(ScanSchema, "ScanPage"), "A page of scans") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listScans(principalOf(c), { ...page(q), ...defined({ site: q.site, host: q.host }) }), 200);
  },
});

const scansGet = defineRoute({
  id: "scans.get",
  access: READERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/scans/{id}",
    tags: ["inventories"],
    summary: "One scan",
    request: { params: IdParam("scan") },
    responses: { 200: json(ScanSchema, "The scan") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.getScan(principalOf(c), c.req.valid("param").id), 200),
});

/** A date alone is its midnight UTC; a date that does not exist (2024-02-30) is a 400. */
export function toInstant(value: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
  const instant = Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  // Date.parse rolls 2024-02-30 over to March: the calendar date must survive the round trip
  if (!instant || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !instant.startsWith(value))) {
    throw new ApiError(400, "invalid-request", `"${value}" is not a date or instant that exists`);
  }
  return instant;
}

export const QUERY_ROUTES = [hostsList, hostsGet, hostsHistory, findingsList, findingsGet, findingsHistory, scansList, scansGet];
