/**
 * @module
 * The CLI's engines over HTTP: `POST /api/v1/check` decides transactions as `ictsguard check`
 * does (the same validation, parseCheckInput, and the same checker), `POST /api/v1/screen`
 * screens names as `ictsguard screen` does; `GET /api/v1/catalog` says which catalog the
 * server judges with, its digest and how fresh it is.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { parseCheckInput } from "../../check/index.js";
import { today } from "../../policy/time.js";
import { ApiError } from "../errors.js";
import { defineRoute } from "../route.js";
import { CatalogStatusSchema, CheckBatchBody, CheckBody, ScreenBody } from "../schemas.js";
import { READERS, json } from "./common.js";

const loose = z.object({}).passthrough();

const check = defineRoute({
  id: "check",
  access: READERS,
  scope: "none",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/check",
    tags: ["engines"],
    summary: "Decide transactions (role, action, vendor or product, date), as `ictsguard check`",
    request: { body: { content: { "application/json": { schema: z.union([CheckBody, CheckBatchBody]) } }, required: true } },
    responses: {
      200: json(z.object({ items: z.array(loose.openapi("CheckResult")) }).openapi("CheckResponse"), "One decision per transaction, in order"),
    },
  }),
  handler: async (c, { engines }) => {
    const body = c.req.valid("json");
    const transactions = "transactions" in body ? body.transactions : [body];
    const checker = engines.checker();
    const items = transactions.map((t, i) => {
      const { ref, ...fields } = t;
      const parsed = parseCheckInput({ ...fields, date: fields.date ?? today() } as Record<string, string>, ref);
      if (!parsed.ok) throw new ApiError(400, "invalid-request", `transaction ${i + 1}: ${parsed.message}`);
      return checker.check(parsed.input);
    });
    return c.json({ items }, 200);
  },
});

const screen = defineRoute({
  id: "screen",
  access: READERS,
  scope: "none",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/screen",
    tags: ["engines"],
    summary: "Screen counterparty names against restricted entities, as `ictsguard screen`",
    request: { body: { content: { "application/json": { schema: ScreenBody } }, required: true } },
    responses: {
      200: json(
        z.object({ items: z.array(loose.openapi("ScreenResult")), summary: loose, lists: z.array(loose) }).openapi("ScreenResponse"),
        "One result per name, in order",
      ),
    },
  }),
  handler: async (c, { engines }) => {
    const b = c.req.valid("json");
    const { run, lists } = engines.screening({
      ...(b.threshold !== undefined ? { threshold: b.threshold } : {}),
      ...(b.candidates !== undefined ? { candidates: b.candidates } : {}),
      ...(b.allTypes ? { allTypes: true } : {}),
    });
    const items = b.names.map((n, i) =>
      run.screen({ name: n.name, ...(n.country ? { country: n.country } : {}), ...(n.type ? { schema: n.type } : {}), ...(n.id ? { id: n.id } : {}) }, i + 1),
    );
    return c.json({ items, summary: run.summary, lists }, 200);
  },
});

const catalog = defineRoute({
  id: "catalog.status",
  access: READERS,
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/catalog",
    tags: ["engines"],
    summary: "The catalog the server judges with: version, digest, freshness",
    responses: { 200: json(CatalogStatusSchema, "The catalog's status") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.checkCatalog(), 200),
});

export const ENGINE_ROUTES = [check, screen, catalog];
