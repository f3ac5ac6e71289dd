/**
 * @module
 * Administration: sites (each with its profile), API keys, enrollment tokens (for the agents of
 * issue 12), the audit log and the job queue; and coverage (the asset list imported, the assets
 * that never reported or fell silent). Every change goes to the audit log with the key that made
 * it (the fleet service writes it).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { allowSite } from "../auth.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf } from "../route.js";
import {
  ApiKeySchema,
  AssetSchema,
  AuditEntrySchema,
  CreateEnrollmentBody,
  CreateKeyBody,
  CreateSiteBody,
  CreatedEnrollmentSchema,
  CreatedKeySchema,
  EnrollmentTokenSchema,
  Instant,
  JobSchema,
  PageQuery,
  SiteQuery,
  SiteSchema,
  pageOf,
} from "../schemas.js";
import { ADMINS, READERS, defined, json, page } from "./common.js";
import { toInstant } from "./queries.js";

const idParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" } }) });
const siteParam = z.object({ site: z.string().min(1).max(63).openapi({ param: { name: "site", in: "path" } }) });
const items = <T extends z.ZodType>(schema: T, name: string) => z.object({ items: z.array(schema) }).openapi(name);

const sitesList = defineRoute({
  id: "sites.list",
  access: READERS,
  scope: "site",
  siteBy: "filtered",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/sites", tags: ["admin"], summary: "List sites (a key limited to sites sees its own)", responses: { 200: json(items(SiteSchema, "SiteList"), "The sites") } }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listSites(principalOf(c)) }, 200),
});

const sitesGet = defineRoute({
  id: "sites.get",
  access: READERS,
  scope: "site",
  siteBy: "path",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/sites/{site}", tags: ["admin"], summary: "One site", request: { params: siteParam }, responses: { 200: json(SiteSchema, "The site") } }),
  handler: async (c, { fleet }) => c.json(await fleet.getSite(principalOf(c), c.req.valid("param").site), 200),
});

const sitesCreate = defineRoute({
  id: "sites.create",
  access: ADMINS,
  scope: "fleet",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/sites",
    tags: ["admin"],
    summary: "Create a site with its profile",
    request: { body: { content: { "application/json": { schema: CreateSiteBody } }, required: true } },
    responses: { 201: json(SiteSchema, "The site") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    return c.json(await fleet.createSite(principalOf(c), { name: b.name, profile: b.profile as never, ...defined({ description: b.description }) }), 201);
  },
});

const keysList = defineRoute({
  id: "keys.list",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/keys", tags: ["admin"], summary: "List API keys (never their secrets)", responses: { 200: json(items(ApiKeySchema, "ApiKeyList"), "The keys") } }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listApiKeys(principalOf(c)) }, 200),
});

const keysCreate = defineRoute({
  id: "keys.create",
  access: ADMINS,
  scope: "fleet",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/keys",
    tags: ["admin"],
    summary: "Create an API key (its token is answered once)",
    request: { body: { content: { "application/json": { schema: CreateKeyBody } }, required: true } },
    responses: { 201: json(CreatedKeySchema, "The key and its token") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    return c.json(await fleet.createApiKey(principalOf(c), { role: b.role, sites: b.sites ?? null, ...defined({ label: b.label }) }), 201);
  },
});

const keysRevoke = defineRoute({
  id: "keys.revoke",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({ method: "post", path: "/api/v1/keys/{id}/revoke", tags: ["admin"], summary: "Revoke an API key", request: { params: idParam }, responses: { 200: json(ApiKeySchema, "The key, revoked") } }),
  handler: async (c, { fleet }) => c.json(await fleet.revokeApiKey(principalOf(c), c.req.valid("param").id), 200),
});

const enrollList = defineRoute({
  id: "enrollment.list",
  access: ADMINS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/enrollment-tokens", tags: ["admin"], summary: "List enrollment tokens", request: { query: SiteQuery }, responses: { 200: json(items(EnrollmentTokenSchema, "EnrollmentTokenList"), "The tokens") } }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listEnrollmentTokens(principalOf(c), defined({ site: c.req.valid("query").site })) }, 200),
});

const enrollCreate = defineRoute({
  id: "enrollment.create",
  access: ADMINS,
  scope: "site",
  siteBy: "body",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/enrollment-tokens",
    tags: ["admin"],
    summary: "Create an enrollment token for a site (answered once)",
    request: { body: { content: { "application/json": { schema: CreateEnrollmentBody } }, required: true } },
    responses: { 201: json(CreatedEnrollmentSchema, "The token") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    allowSite(principalOf(c), b.site);
    return c.json(await fleet.createEnrollmentToken(principalOf(c), { site: b.site, ...defined({ expiresAt: b.expiresAt ? toInstant(b.expiresAt) : undefined, label: b.label }) }), 201);
  },
});

const enrollRevoke = defineRoute({
  id: "enrollment.revoke",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({ method: "post", path: "/api/v1/enrollment-tokens/{id}/revoke", tags: ["admin"], summary: "Revoke an enrollment token", request: { params: idParam }, responses: { 200: json(EnrollmentTokenSchema, "The token, revoked") } }),
  handler: async (c, { fleet }) => c.json(await fleet.revokeEnrollmentToken(principalOf(c), c.req.valid("param").id), 200),
});

const audit = defineRoute({
  id: "audit.list",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/audit",
    tags: ["admin"],
    summary: "The audit log, newest first",
    request: { query: PageQuery.merge(SiteQuery).extend({ since: Instant.optional().openapi({ param: { name: "since", in: "query" } }) }) },
    responses: { 200: json(pageOf(AuditEntrySchema, "AuditPage"), "A page of the audit log") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listAudit(principalOf(c), { ...page(q), ...defined({ site: q.site, since: q.since ? toInstant(q.since) : undefined }) }), 200);
  },
});

const jobs = defineRoute({
  id: "jobs.list",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/jobs", tags: ["admin"], summary: "Continuous-judgment jobs (re-judging on catalog change, phase start, exception expiry)", responses: { 200: json(items(JobSchema, "JobList"), "The jobs") } }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listJobs(principalOf(c)) }, 200),
});

const coverageImport = defineRoute({
  id: "coverage.import",
  access: ADMINS,
  scope: "site",
  siteBy: "path",
  body: "text",
  route: createRoute({
    method: "post",
    path: "/api/v1/sites/{site}/assets",
    tags: ["coverage"],
    summary: "Import a site's asset list (CSV with a name, host, hostname or id column, or one name a line)",
    request: {
      params: siteParam,
      query: z.object({ replace: z.enum(["true", "false"]).optional().openapi({ param: { name: "replace", in: "query" }, description: "Replace the site's list instead of adding to it." }) }),
      body: { content: { "text/csv": { schema: z.string() }, "text/plain": { schema: z.string() } }, required: true },
    },
    responses: { 200: json(z.object({ imported: z.number().int(), errors: z.array(z.object({ line: z.number().int(), message: z.string() })) }).openapi("AssetImport"), "What was imported") },
  }),
  handler: async (c, { fleet }) => {
    const csv = await c.req.text();
    if (!csv.trim()) throw new ApiError(400, "invalid-request", "the asset list is empty");
    return c.json(await fleet.importAssets(principalOf(c), { site: c.req.valid("param").site, csv, replace: c.req.valid("query").replace === "true" }), 200);
  },
});

const coverageList = defineRoute({
  id: "coverage.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/coverage",
    tags: ["coverage"],
    summary: "Assets that never reported, or fell silent since a date",
    request: {
      query: PageQuery.merge(SiteQuery).extend({
        kind: z.enum(["never-reported", "silent"]).openapi({ param: { name: "kind", in: "query" } }),
        since: Instant.optional().openapi({ param: { name: "since", in: "query" }, description: "For `silent`: not heard from since (default 7 days ago)." }),
      }),
    },
    responses: { 200: json(pageOf(AssetSchema, "AssetPage"), "A page of assets") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.coverage(principalOf(c), { ...page(q), kind: q.kind, ...defined({ site: q.site, since: q.since ? toInstant(q.since) : undefined }) }), 200);
  },
});

export const ADMIN_ROUTES = [sitesList, sitesGet, sitesCreate, keysList, keysCreate, keysRevoke, enrollList, enrollCreate, enrollRevoke, audit, jobs];
export const COVERAGE_ROUTES = [coverageImport, coverageList];
