/**
 * @module
 * Counterparties per site (vendors, resellers, customers, partners), each with its latest
 * screening verdict and its matches, screened again when the catalog or the lists change; and
 * the screening lists of the server with their scheduled refreshes (admin over every site). The
 * work is the fleet service's (src/fleet/counterparties.ts, rescreen.ts, list-refresh.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { COUNTERPARTY_ROLES } from "../../fleet/notify-types.js";
import { LIST_FORMATS } from "../../screen/model.js";
import { allowSite } from "../auth.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf } from "../route.js";
import { PageQuery, SiteQuery, pageOf } from "../schemas.js";
import { ADMINS, READERS, defined, json, page } from "./common.js";

const idParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" } }) });
const siteParam = z.object({ site: z.string().min(1).max(63).openapi({ param: { name: "site", in: "path" } }) });
const nameParam = z.object({ name: z.string().min(1).max(63).openapi({ param: { name: "name", in: "path" } }) });
const siteName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a site name");
const RoleEnum = z.enum(COUNTERPARTY_ROLES).openapi("CounterpartyRole");
const VerdictEnum = z
  .enum(["match", "allowed", "clear"])
  .openapi("CounterpartyVerdict", { description: "match: a list entry matches at the screening threshold; allowed: every such match is on the allow-list (config `screen.allow`), a decided false positive; clear: none does." });
const identifiers = z.record(z.string(), z.string().max(200)).openapi({ description: "Identifiers by kind: lei, duns, vat, ref ..." });

const MatchSchema = z
  .object({
    list: z.string(),
    entityId: z.string(),
    name: z.string(),
    score: z.number(),
    schema: z.string(),
    countries: z.array(z.string()),
    programs: z.array(z.string()),
    allowedBy: z
      .object({ reason: z.string(), author: z.string(), expires: z.string(), entry: z.number().int(), file: z.string().optional() })
      .optional()
      .openapi({ description: "Verdict allowed: the allow-list entry that decided this match is a false positive (its 1-based place in the config's screen.allow)" }),
  })
  .openapi("CounterpartyMatch");

const CounterpartySchema = z
  .object({
    id: z.string(),
    site: z.string(),
    name: z.string(),
    country: z.string().optional(),
    role: RoleEnum,
    identifiers,
    verdict: VerdictEnum,
    matches: z.array(MatchSchema),
    screenedAt: z.string(),
    screenedWith: z.string().openapi({ description: "The fingerprint of the catalog and lists it was screened with." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Counterparty");

const CounterpartyDetailSchema = CounterpartySchema.extend({
  history: z.array(z.object({ at: z.string(), cause: z.string(), verdict: VerdictEnum, previous: VerdictEnum.nullable(), matches: z.array(MatchSchema), screenedWith: z.string() })),
}).openapi("CounterpartyDetail");

const RefreshSchema = z
  .object({
    id: z.string(),
    list: z.string(),
    source: z.string(),
    at: z.string(),
    outcome: z.enum(["imported", "unchanged", "refused", "error"]),
    sha256: z.string().optional(),
    entries: z.number().int().optional(),
    previousEntries: z.number().int().optional(),
    message: z.string().optional(),
  })
  .openapi("ListRefresh");

const ListSourceSchema = z
  .object({ name: z.string(), source: z.string(), format: z.string().optional(), intervalMinutes: z.number().int(), nextRunAt: z.string(), createdAt: z.string(), createdBy: z.string(), lastRefresh: RefreshSchema.optional() })
  .openapi("ListSource");

const importRoute = defineRoute({
  id: "counterparties.import",
  access: ADMINS,
  scope: "site",
  siteBy: "path",
  body: "text",
  route: createRoute({
    method: "post",
    path: "/api/v1/sites/{site}/counterparties",
    tags: ["counterparties"],
    summary: "Import a site's counterparties (CSV with a name column and optional country, role, id; or JSON Lines) and screen them",
    request: {
      params: siteParam,
      query: z.object({ role: RoleEnum.optional().openapi({ param: { name: "role", in: "query" }, description: "The role of rows without a role column (default vendor)." }) }),
      body: { content: { "text/csv": { schema: z.string() }, "text/plain": { schema: z.string() }, "application/x-ndjson": { schema: z.string() } }, required: true },
    },
    responses: {
      200: json(
        z.object({ imported: z.number().int(), updated: z.number().int(), errors: z.array(z.object({ line: z.number().int().optional(), message: z.string() })), byVerdict: z.record(VerdictEnum, z.number().int()) }).openapi("CounterpartyImport"),
        "What was stored, the verdicts, and the rows left out with their line",
      ),
    },
  }),
  handler: async (c, { fleet }) => {
    const text = await c.req.text();
    if (!text.trim()) throw new ApiError(400, "invalid-request", "the counterparty list is empty");
    return c.json(await fleet.importCounterparties(principalOf(c), { site: c.req.valid("param").site, text, ...defined({ role: c.req.valid("query").role }) }), 200);
  },
});

const create = defineRoute({
  id: "counterparties.create",
  access: ADMINS,
  scope: "site",
  siteBy: "body",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/counterparties",
    tags: ["counterparties"],
    summary: "Store one counterparty and screen it (the same name and role in a site is the same counterparty)",
    request: {
      body: {
        content: { "application/json": { schema: z.object({ site: siteName, name: z.string().trim().min(1).max(1000), country: z.string().max(100).optional(), role: RoleEnum.optional(), identifiers: identifiers.optional() }).strict().openapi("CreateCounterparty") } },
        required: true,
      },
    },
    responses: { 201: json(CounterpartySchema, "The counterparty with its verdict") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    allowSite(principalOf(c), b.site);
    return c.json(await fleet.createCounterparty(principalOf(c), { site: b.site, name: b.name, ...defined({ country: b.country, role: b.role, identifiers: b.identifiers }) }), 201);
  },
});

const list = defineRoute({
  id: "counterparties.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/counterparties",
    tags: ["counterparties"],
    summary: "Counterparties with their latest verdict, by name",
    request: {
      query: PageQuery.merge(SiteQuery).extend({
        verdict: VerdictEnum.optional().openapi({ param: { name: "verdict", in: "query" } }),
        role: RoleEnum.optional().openapi({ param: { name: "role", in: "query" } }),
      }),
    },
    responses: { 200: json(pageOf(CounterpartySchema, "CounterpartyPage"), "A page of counterparties") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listCounterparties(principalOf(c), { ...page(q), ...defined({ site: q.site, verdict: q.verdict, role: q.role }) }), 200);
  },
});

const get = defineRoute({
  id: "counterparties.get",
  access: READERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/counterparties/{id}", tags: ["counterparties"], summary: "One counterparty with every verdict it had", request: { params: idParam }, responses: { 200: json(CounterpartyDetailSchema, "The counterparty and its history") } }),
  handler: async (c, { fleet }) => c.json(await fleet.getCounterparty(principalOf(c), c.req.valid("param").id), 200),
});

const update = defineRoute({
  id: "counterparties.update",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "json",
  route: createRoute({
    method: "patch",
    path: "/api/v1/counterparties/{id}",
    tags: ["counterparties"],
    summary: "Change a counterparty's country or identifiers (screened again)",
    request: { params: idParam, body: { content: { "application/json": { schema: z.object({ country: z.string().max(100).nullable().optional(), identifiers: identifiers.optional() }).strict().openapi("UpdateCounterparty") } }, required: true } },
    responses: { 200: json(CounterpartySchema, "The counterparty with its verdict") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.updateCounterparty(principalOf(c), c.req.valid("param").id, defined(c.req.valid("json"))), 200),
});

const remove = defineRoute({
  id: "counterparties.delete",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({ method: "delete", path: "/api/v1/counterparties/{id}", tags: ["counterparties"], summary: "Forget a counterparty and its verdict history", request: { params: idParam }, responses: { 200: json(CounterpartySchema, "The counterparty, deleted") } }),
  handler: async (c, { fleet }) => c.json(await fleet.deleteCounterparty(principalOf(c), c.req.valid("param").id), 200),
});

const lists = defineRoute({
  id: "lists.list",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/lists",
    tags: ["counterparties"],
    summary: "The screening lists of the server (the catalog and every imported list), with the last refresh of each",
    responses: {
      200: json(
        z.object({ items: z.array(z.object({ name: z.string(), entries: z.number().int(), importedAt: z.string().optional(), source: z.array(z.string()).optional(), lastRefresh: RefreshSchema.optional() })) }).openapi("ScreeningListList"),
        "The lists",
      ),
    },
  }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.screeningLists(principalOf(c)) }, 200),
});

const sourcesList = defineRoute({
  id: "lists.sources.list",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/list-sources", tags: ["counterparties"], summary: "Scheduled list refreshes, each with its last run", responses: { 200: json(z.object({ items: z.array(ListSourceSchema) }).openapi("ListSourceList"), "The schedules") } }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listListSources(principalOf(c)) }, 200),
});

const sourcesSet = defineRoute({
  id: "lists.sources.set",
  access: ADMINS,
  scope: "fleet",
  body: "json",
  route: createRoute({
    method: "put",
    path: "/api/v1/list-sources/{name}",
    tags: ["counterparties"],
    summary: "Schedule a list's refresh from a URL or a folder on the server (the first run is due now)",
    request: {
      params: nameParam,
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                source: z.string().min(1).max(2048).openapi({ description: "An http(s) URL, or an absolute path of a file or folder on the server." }),
                format: z.enum(LIST_FORMATS).optional(),
                intervalMinutes: z.number().int().min(1).max(44640),
              })
              .strict()
              .openapi("SetListSource"),
          },
        },
        required: true,
      },
    },
    responses: { 200: json(ListSourceSchema, "The schedule") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    return c.json(await fleet.setListSource(principalOf(c), { name: c.req.valid("param").name, source: b.source, intervalMinutes: b.intervalMinutes, ...defined({ format: b.format }) }), 200);
  },
});

const sourcesDelete = defineRoute({
  id: "lists.sources.delete",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({ method: "delete", path: "/api/v1/list-sources/{name}", tags: ["counterparties"], summary: "Stop refreshing a list (the list stays)", request: { params: nameParam }, responses: { 200: json(ListSourceSchema, "The schedule, deleted") } }),
  handler: async (c, { fleet }) => c.json(await fleet.deleteListSource(principalOf(c), c.req.valid("param").name), 200),
});

const sourcesRefresh = defineRoute({
  id: "lists.sources.refresh",
  access: ADMINS,
  scope: "fleet",
  body: "none",
  route: createRoute({
    method: "post",
    path: "/api/v1/list-sources/{name}/refresh",
    tags: ["counterparties"],
    summary: "Refresh a list now and answer the run (imported, unchanged, refused by the import safety rules, or error)",
    request: { params: nameParam },
    responses: { 200: json(RefreshSchema, "The run, with its provenance") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.refreshListNow(principalOf(c), c.req.valid("param").name), 200),
});

export const COUNTERPARTY_ROUTES = [importRoute, create, list, get, update, remove, lists, sourcesList, sourcesSet, sourcesDelete, sourcesRefresh];
