/**
 * @module
 * Time-boxed exceptions: an analyst or admin accepts one finding with an owner, a reason that
 * cites the legal basis and an expiry; at expiry the finding reopens by itself (recorded). A
 * revoked exception reopens it at once.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { defineRoute, principalOf } from "../route.js";
import { CreateExceptionBody, ExceptionSchema, PageQuery, SiteQuery, pageOf } from "../schemas.js";
import { DECIDERS, READERS, defined, json, page } from "./common.js";
import { toInstant } from "./queries.js";

const list = defineRoute({
  id: "exceptions.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/exceptions",
    tags: ["exceptions"],
    summary: "List exceptions",
    request: {
      query: PageQuery.merge(SiteQuery).extend({
        active: z
          .enum(["true", "false"])
          .transform((v) => v === "true")
          .optional()
          .openapi({ param: { name: "active", in: "query" }, type: "boolean", description: "Only those in force (true) or ended (false)." }),
      }),
    },
    responses: { 200: json(pageOf(ExceptionSchema, "ExceptionPage"), "A page of exceptions") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json(await fleet.listExceptions(principalOf(c), { ...page(q), ...defined({ site: q.site, active: q.active }) }), 200);
  },
});

const create = defineRoute({
  id: "exceptions.create",
  access: DECIDERS,
  scope: "site",
  siteBy: "id",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/exceptions",
    tags: ["exceptions"],
    summary: "Accept a finding until a date (the finding becomes excepted)",
    request: { body: { content: { "application/json": { schema: CreateExceptionBody } }, required: true } },
    responses: { 201: json(ExceptionSchema, "The exception") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    return c.json(await fleet.createException(principalOf(c), { ...b, expiresAt: toInstant(b.expiresAt) }), 201);
  },
});

const revoke = defineRoute({
  id: "exceptions.revoke",
  access: DECIDERS,
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "post",
    path: "/api/v1/exceptions/{id}/revoke",
    tags: ["exceptions"],
    summary: "End an exception now (the finding reopens)",
    request: { params: z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: json(ExceptionSchema, "The exception, revoked") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.revokeException(principalOf(c), c.req.valid("param").id), 200),
});

export const EXCEPTION_ROUTES = [list, create, revoke];
