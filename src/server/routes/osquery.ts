/**
 * @module
 * osquery's TLS remote API (osquery.readthedocs.io, "Remotely interfacing osquery"): point
 * `--enroll_tls_endpoint`, `--config_tls_endpoint`, `--logger_tls_endpoint` and the distributed
 * endpoints at these routes. Enroll exchanges a site's enroll secret (and the node's host
 * identifier) for a node key; config answers the inventory tables the osquery reader
 * understands as snapshot queries; the logger's `result` lines are read by the osquery reader
 * itself (src/readers/osquery) and judged per host like an upload; distributed read answers "no
 * queries". Every request but enroll carries the node key in its JSON body; an unknown one is
 * answered `node_invalid: true` (HTTP 401, as FleetDM does), on which osquery enrolls again.
 *
 * Completeness: a result line is a host's whole inventory of that query only when it is a
 * snapshot (`"action": "snapshot"`). Differential lines (event or batch form) list changes, so
 * taking one as the inventory would count everything else as removed; they are skipped and
 * counted in the answer (`skipped`). The config this server answers schedules snapshots only.
 */
import { createHash } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { OsqueryNode } from "../../fleet/agent-types.js";
import type { Fleet, Principal } from "../../fleet/types.js";
import { readJsonBody } from "../body.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf, type Services } from "../route.js";
import { SiteQuery } from "../schemas.js";
import { ADMINS, defined, json } from "./common.js";
import { storeInventory } from "./inventories.js";

/** How often osqueryd runs each inventory query, in seconds (osquery splays it by 10% by default). */
export const OSQUERY_INTERVAL_S = 3600;

/**
 * The inventory queries, one per table the osquery reader knows (src/readers/osquery/tables.ts),
 * each a snapshot: every run logs the whole table, so a result line is the host's inventory.
 */
export const OSQUERY_SCHEDULE: Record<string, { query: string; platform?: string }> = {
  programs: { query: "SELECT * FROM programs;", platform: "windows" },
  services: { query: "SELECT * FROM services;", platform: "windows" },
  drivers: { query: "SELECT * FROM drivers;", platform: "windows" },
  windows_security_products: { query: "SELECT * FROM windows_security_products;", platform: "windows" },
  deb_packages: { query: "SELECT * FROM deb_packages;", platform: "linux" },
  rpm_packages: { query: "SELECT * FROM rpm_packages;", platform: "linux" },
  kernel_modules: { query: "SELECT * FROM kernel_modules;", platform: "linux" },
  apps: { query: "SELECT * FROM apps;", platform: "darwin" },
  kernel_extensions: { query: "SELECT * FROM kernel_extensions;", platform: "darwin" },
  system_extensions: { query: "SELECT * FROM system_extensions;", platform: "darwin" },
  chrome_extensions: { query: "SELECT chrome_extensions.* FROM users CROSS JOIN chrome_extensions USING (uid);" },
  firefox_addons: { query: "SELECT firefox_addons.* FROM users CROSS JOIN firefox_addons USING (uid);" },
  processes: { query: "SELECT * FROM processes;" },
};

export function osqueryConfig(): Record<string, unknown> {
  const schedule: Record<string, unknown> = {};
  for (const [name, q] of Object.entries(OSQUERY_SCHEDULE)) {
    schedule[`ictsguard_${name}`] = { query: q.query, interval: OSQUERY_INTERVAL_S, snapshot: true, ...(q.platform ? { platform: q.platform } : {}) };
  }
  return { options: { host_identifier: "hostname" }, schedule };
}

// osquery's JSON bodies are documented as plain schemas (the handlers read them: they may be gzip'd)
const NODE_BODY = { type: "object", required: ["node_key"], properties: { node_key: { type: "string" } } } as const;
const ENROLL_BODY = {
  type: "object",
  required: ["enroll_secret", "host_identifier"],
  properties: { enroll_secret: { type: "string" }, host_identifier: { type: "string" }, platform_type: { type: "string" }, host_details: { type: "object" } },
} as const;
const LOG_BODY = {
  type: "object",
  required: ["node_key", "log_type", "data"],
  properties: { node_key: { type: "string" }, log_type: { type: "string", enum: ["result", "status"] }, data: { type: "array", items: { type: "object" } } },
} as const;

const Answer = z.object({ node_invalid: z.boolean().optional() }).passthrough().openapi("OsqueryAnswer");

/** An osquery answer: 401 with `node_invalid: true` makes osqueryd enroll again. */
function invalidNode(c: Context, message: string): Response {
  return c.json({ node_invalid: true, error: { code: "unauthenticated", message } }, 401);
}

async function bodyOf(c: Context, services: Services): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c.req.raw, services.limits.inventoryBytes);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new ApiError(400, "invalid-request", "expected a JSON object, as osqueryd sends");
  return body as Record<string, unknown>;
}

async function nodeOf(fleet: Fleet, body: Record<string, unknown>): Promise<OsqueryNode | null> {
  return typeof body.node_key === "string" ? fleet.agents.osqueryNode(body.node_key) : null;
}

const route = (id: string, path: string, summary: string, schema: object, handler: (c: Context, s: Services) => Promise<Response>) =>
  defineRoute({
    id,
    access: "osquery",
    scope: "site",
    siteBy: "filtered",
    body: "inventory",
    route: createRoute({
      method: "post",
      path,
      tags: ["osquery"],
      summary,
      request: { body: { content: { "application/json": { schema: schema as never } }, required: true } },
      responses: { 200: json(Answer, "osquery's answer") },
    }),
    handler: (c, s) => handler(c, s),
  });

const enroll = route("osquery.enroll", "/api/v1/osquery/enroll", "osquery enroll: an enroll secret for a node key", ENROLL_BODY, async (c, services) => {
  const body = await bodyOf(c, services);
  const enrolled = await services.fleet.agents.osqueryEnroll({
    enrollSecret: String(body.enroll_secret ?? ""),
    hostIdentifier: String(body.host_identifier ?? ""),
    hostDetails: body.host_details,
  });
  if (!enrolled) return invalidNode(c, "the enroll secret is not valid (unknown or revoked): ictsguard server osquery-secret create");
  return c.json({ node_key: enrolled.nodeKey, node_invalid: false }, 200);
});

const config = route("osquery.config", "/api/v1/osquery/config", "osquery config: the inventory tables as snapshot queries", NODE_BODY, async (c, services) => {
  const node = await nodeOf(services.fleet, await bodyOf(c, services));
  if (!node) return invalidNode(c, "unknown node key: enroll again");
  return c.json({ ...osqueryConfig(), node_invalid: false }, 200);
});

const distributedRead = route("osquery.distributed-read", "/api/v1/osquery/distributed/read", "osquery distributed read: no queries", NODE_BODY, async (c, services) => {
  const node = await nodeOf(services.fleet, await bodyOf(c, services));
  if (!node) return invalidNode(c, "unknown node key: enroll again");
  return c.json({ queries: {}, node_invalid: false }, 200);
});

const distributedWrite = route("osquery.distributed-write", "/api/v1/osquery/distributed/write", "osquery distributed write: accepted, nothing asked", NODE_BODY, async (c, services) => {
  const node = await nodeOf(services.fleet, await bodyOf(c, services));
  if (!node) return invalidNode(c, "unknown node key: enroll again");
  return c.json({ node_invalid: false }, 200);
});

const logger = route("osquery.log", "/api/v1/osquery/log", "osquery logger: result lines become the host's inventories", LOG_BODY, async (c, services) => {
  const body = await bodyOf(c, services);
  const node = await nodeOf(services.fleet, body);
  if (!node) return invalidNode(c, "unknown node key: enroll again");
  if (body.log_type !== "result") return c.json({ node_invalid: false }, 200); // status logs: osqueryd's own messages
  if (!Array.isArray(body.data)) throw new ApiError(400, "invalid-request", "data: expected an array of result lines");
  const principal: Principal = { keyId: `osquery:${node.id}`, role: "ingest", sites: [node.site] };
  const outcome = await storeResultLines(services, principal, { site: node.site, host: node.hostIdentifier, lines: body.data, keyPrefix: `osquery:${node.id}` });
  return c.json({ node_invalid: false, ...outcome }, 200);
});

/**
 * Result lines (osquery's log objects, as osqueryd or Fleet sends them) stored one snapshot line at
 * a time: each is a host's whole inventory of one query, read by the osquery reader as one line
 * of a results log, under the source `osquery:<query name>`, idempotent by the line's digest (a
 * retried batch stores nothing twice). `host` (a node's host identifier) overrides the lines'.
 */
export async function storeResultLines(
  services: Pick<Services, "fleet" | "metrics" | "limits">,
  principal: Principal,
  input: { site: string; host?: string; lines: readonly unknown[]; keyPrefix: string },
): Promise<{ stored: number; replayed: number; skipped: number; scans: string[] }> {
  let stored = 0;
  let replayed = 0;
  let skipped = 0;
  const scans: string[] = [];
  for (const line of input.lines) {
    const entry = line as Record<string, unknown> | null;
    if (!entry || typeof entry !== "object" || !Array.isArray(entry.snapshot) || typeof entry.name !== "string" || !entry.name) {
      skipped++; // a differential or malformed line is not an inventory
      continue;
    }
    const text = JSON.stringify(entry);
    const name = entry.name.slice(0, 150);
    const digest = createHash("sha256").update(text).digest("hex").slice(0, 32);
    const result = await storeInventory(services, principal, {
      site: input.site,
      ...(input.host ? { host: input.host } : {}),
      body: new Response(`${text}\n`).body,
      filename: `osquery-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.log`,
      source: `osquery:${name}`,
      format: "osquery",
      idempotencyKey: `${input.keyPrefix}:${digest}`,
    });
    if (result.replayed) replayed++;
    else stored++;
    scans.push(result.scan.id);
  }
  return { stored, replayed, skipped, scans };
}

const SecretSchema = z
  .object({ id: z.string(), site: z.string(), label: z.string().optional(), createdAt: z.string(), createdBy: z.string(), revokedAt: z.string().optional() })
  .openapi("OsquerySecret");

const secretCreate = defineRoute({
  id: "osquery-secrets.create",
  access: ADMINS,
  scope: "site",
  siteBy: "body",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/osquery/enroll-secrets",
    tags: ["osquery"],
    summary: "Create an osquery enroll secret for a site (answered once)",
    request: { body: { content: { "application/json": { schema: z.object({ site: z.string().min(1).max(63), label: z.string().max(200).optional() }) } }, required: true } },
    responses: { 201: json(z.object({ secret: SecretSchema, token: z.string() }).openapi("CreatedOsquerySecret"), "The secret (its token once)") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    const p = principalOf(c);
    if (p.sites !== null && !p.sites.includes(b.site)) throw new ApiError(403, "forbidden", `this key may not reach the site ${b.site}`);
    return c.json(await fleet.agents.createOsquerySecret(p, { site: b.site, ...defined({ label: b.label }) }), 201);
  },
});

const secretList = defineRoute({
  id: "osquery-secrets.list",
  access: ADMINS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/osquery/enroll-secrets",
    tags: ["osquery"],
    summary: "List osquery enroll secrets (never the secrets)",
    request: { query: SiteQuery },
    responses: { 200: json(z.object({ items: z.array(SecretSchema) }).openapi("OsquerySecretList"), "The secrets") },
  }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.agents.listOsquerySecrets(principalOf(c), defined({ site: c.req.valid("query").site })) }, 200),
});

export const OSQUERY_ROUTES = [enroll, config, logger, distributedRead, distributedWrite, secretCreate, secretList];
