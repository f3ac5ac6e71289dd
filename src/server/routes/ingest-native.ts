/**
 * @module
 * Ingest from the tools fleets already run, besides osquery's own TLS API (osquery.ts):
 *
 * - `POST /api/v1/fleetdm/results`: FleetDM's `webhook` result-log destination
 *   (`FLEET_OSQUERY_RESULT_LOG_PLUGIN=webhook`, `FLEET_WEBHOOK_RESULT_URL`). Fleet POSTs the
 *   osquery result lines it received wrapped as `[{ "timestamp", "details": <line> }, ...]`
 *   (server/logging/webhook.go); its first webhook writer sent one `{ "timestamp", "details":
 *   [<line>, ...] }`; both are taken. Hosts come from each line's `hostIdentifier`.
 * - `PUT /api/v1/bom`: an SBOM in Dependency-Track's habit (JSON `{ projectName | project,
 *   projectVersion?, bom: <base64> }` or a multipart form with the same fields, the key in
 *   `X-Api-Key` or `Authorization`), answered `{ token }`. The project names the host. With
 *   `Prefer: respond-async` the SBOM is queued (202) and `token` is the queued upload's id, as
 *   Dependency-Track's token is its processing's (`GET /api/v1/uploads/{token}`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Principal } from "../../fleet/types.js";
import { allowSite } from "../auth.js";
import { readBody } from "../body.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf } from "../route.js";
import { QueuedUploadAcceptedSchema, UploadResultSchema } from "../schemas.js";
import { UPLOADERS, json } from "./common.js";
import { DEFAULT_SITE, storeInventory } from "./inventories.js";
import { AsyncQuery, PreferHeader, acceptQueued, wantsAsync } from "./uploads.js";
import { storeResultLines } from "./osquery.js";

const SiteOnly = z.object({
  site: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/)
    .optional()
    .openapi({ param: { name: "site", in: "query" }, description: `The site. Default: the key's site when it is limited to one, else \`${DEFAULT_SITE}\`.` }),
});

const BomQuery = SiteOnly.extend({ async: AsyncQuery });

const siteOf = (p: Principal, site: string | undefined): string => {
  const s = site ?? (p.sites?.length === 1 ? p.sites[0]! : DEFAULT_SITE);
  allowSite(p, s);
  return s;
};

const FLEET_BODY = {
  oneOf: [
    { type: "array", items: { type: "object", properties: { timestamp: { type: "string" }, details: { type: "object", description: "One osquery result line" } } } },
    { type: "object", properties: { timestamp: { type: "string" }, details: { type: "array", items: { type: "object" } } } },
  ],
} as const;

const fleetResults = defineRoute({
  id: "fleetdm.results",
  access: UPLOADERS,
  scope: "site",
  siteBy: "query",
  body: "inventory",
  route: createRoute({
    method: "post",
    path: "/api/v1/fleetdm/results",
    tags: ["inventories"],
    summary: "FleetDM's webhook result-log destination: osquery snapshot lines become inventories",
    request: { query: SiteOnly, body: { content: { "application/json": { schema: FLEET_BODY as never } }, required: true } },
    responses: {
      200: json(
        z.object({ stored: z.number().int(), replayed: z.number().int(), skipped: z.number().int().openapi({ description: "Differential or malformed lines (not a host's whole inventory)" }), scans: z.array(z.string()) }).openapi("ResultLinesOutcome"),
        "What was stored",
      ),
    },
  }),
  handler: async (c, services) => {
    const principal = principalOf(c);
    const site = siteOf(principal, c.req.valid("query").site);
    const bytes = await readBody(c.req.raw, services.limits.inventoryBytes);
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      throw new ApiError(400, "invalid-request", `the body is not JSON: ${(err as Error).message}`);
    }
    const lines: unknown[] = [];
    const details = (d: unknown): void => void (Array.isArray(d) ? lines.push(...d) : lines.push(d));
    if (Array.isArray(body)) for (const item of body) details((item as { details?: unknown } | null)?.details ?? item);
    else if (body && typeof body === "object" && "details" in body) details((body as { details: unknown }).details);
    else throw new ApiError(400, "invalid-request", "expected Fleet's webhook body: [{ timestamp, details }] or { timestamp, details: [...] }");
    return c.json(await storeResultLines(services, principal, { site, lines, keyPrefix: `fleetdm:${site}` }), 200);
  },
});

const BOM_FIELDS = {
  type: "object",
  required: ["bom"],
  properties: {
    project: { type: "string", description: "The host's name (Dependency-Track's project; here a host)" },
    projectName: { type: "string", description: "The host's name" },
    projectVersion: { type: "string", description: "Kept as the inventory's source (`bom:<version>`), so each version is its own inventory" },
    autoCreate: { type: "boolean", description: "Accepted; hosts are always made on first upload" },
    bom: { type: "string", description: "The SBOM: base64 (JSON body) or the file or text (form)" },
  },
} as const;

const bomUpload = defineRoute({
  id: "bom.upload",
  access: UPLOADERS,
  apiKeyHeader: true,
  scope: "site",
  siteBy: "query",
  body: "inventory",
  route: createRoute({
    method: "put",
    path: "/api/v1/bom",
    tags: ["inventories"],
    summary: "Upload an SBOM the Dependency-Track way (the project names the host)",
    request: {
      query: BomQuery,
      headers: z.object({ prefer: PreferHeader }),
      body: { content: { "application/json": { schema: BOM_FIELDS as never }, "multipart/form-data": { schema: BOM_FIELDS as never } }, required: true },
    },
    responses: {
      200: json(
        z.union([
          UploadResultSchema.extend({ token: z.string().openapi({ description: "Dependency-Track's processing token: here the scan id (the SBOM is judged before the answer)" }) }).openapi("BomUploadResult"),
          QueuedUploadAcceptedSchema.extend({ token: z.string().openapi({ description: "The queued upload's id" }) }).openapi("BomQueuedReplay"),
        ]),
        "Stored and judged (or, asked to respond async, already queued under this idempotency key)",
      ),
      202: json(
        QueuedUploadAcceptedSchema.extend({ token: z.string().openapi({ description: "Dependency-Track's processing token: here the queued upload's id; `GET /api/v1/uploads/{token}` says whether it is still being processed" }) }).openapi("BomQueued"),
        "Accepted into the queue (`Prefer: respond-async` or `?async=true`): judged after; poll `Location`",
      ),
    },
  }),
  handler: async (c, services) => {
    const principal = principalOf(c);
    const site = siteOf(principal, c.req.valid("query").site);
    const type = (c.req.header("content-type") ?? "").toLowerCase();
    const raw = await readBody(c.req.raw, services.limits.inventoryBytes);
    let fields: { project?: string; projectName?: string; projectVersion?: string; bom?: Buffer };
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": c.req.header("content-type")! } }).formData().catch((err: Error) => {
        throw new ApiError(400, "invalid-request", `the multipart form could not be read: ${err.message}`);
      });
      const text = (k: string): string | undefined => {
        const v = form.get(k);
        return typeof v === "string" ? v : undefined;
      };
      const bom = form.get("bom");
      fields = {
        ...(text("project") ? { project: text("project")! } : {}),
        ...(text("projectName") ? { projectName: text("projectName")! } : {}),
        ...(text("projectVersion") ? { projectVersion: text("projectVersion")! } : {}),
        ...(bom === null ? {} : { bom: typeof bom === "string" ? Buffer.from(bom, "utf8") : Buffer.from(await bom.arrayBuffer()) }),
      };
    } else {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch (err) {
        throw new ApiError(400, "invalid-request", `the body is not JSON: ${(err as Error).message}`);
      }
      if (typeof body?.bom !== "string") throw new ApiError(400, "invalid-request", "bom: expected the SBOM as base64");
      const str = (k: string): string | undefined => (typeof body[k] === "string" && body[k] ? (body[k] as string) : undefined);
      fields = { ...defined3(str("project"), str("projectName"), str("projectVersion")), bom: Buffer.from(body.bom, "base64") };
    }
    const host = (fields.projectName ?? fields.project)?.trim();
    if (!host) throw new ApiError(400, "invalid-request", "projectName (or project): the host the SBOM is of is required");
    if (!fields.bom || fields.bom.length === 0) throw new ApiError(400, "invalid-request", "bom: the SBOM is empty");
    const version = fields.projectVersion?.trim().slice(0, 100);
    if (wantsAsync(c)) {
      // the envelope (host, version, base64) is the request's framing, read now; the SBOM itself is read when judged
      const { accepted, status } = await acceptQueued(c, services, principal, {
        site,
        host,
        filename: "bom",
        source: version ? `bom:${version}` : "bom",
        body: fields.bom,
        ...(c.req.header("idempotency-key") ? { idempotencyKey: c.req.header("idempotency-key")! } : {}),
      });
      return c.json({ token: accepted.id, ...accepted }, status);
    }
    const result = await storeInventory(services, principal, {
      site,
      host,
      body: new Response(fields.bom).body,
      filename: "bom",
      source: version ? `bom:${version}` : "bom",
      ...(c.req.header("idempotency-key") ? { idempotencyKey: c.req.header("idempotency-key")! } : {}),
    });
    return c.json({ token: result.scan.id, ...result }, 200);
  },
});

function defined3(project?: string, projectName?: string, projectVersion?: string): { project?: string; projectName?: string; projectVersion?: string } {
  return { ...(project ? { project } : {}), ...(projectName ? { projectName } : {}), ...(projectVersion ? { projectVersion } : {}) };
}

export const NATIVE_INGEST_ROUTES = [fleetResults, bomUpload];
