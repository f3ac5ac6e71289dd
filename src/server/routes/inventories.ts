/**
 * @module
 * Uploading inventories: the body is a file in any format `scan` reads (gzip and zip too),
 * read as it arrives (src/fleet/read-inventory.ts) and handed to the fleet's ingest, which judges it
 * with the server's catalog for the site's profile. `POST /api/v1/hosts/{name}/inventories`:
 * every observation is that host's. `POST /api/v1/inventories`: hosts come from the data
 * (osquery's hostIdentifier, a CSV host column); an observation without one is an error.
 * An `Idempotency-Key` makes retries safe: the same key (per site) stores nothing again and
 * answers the first upload's scan (200 instead of 201). With `Prefer: respond-async` the upload
 * is queued and answered 202, and judged by the job loop after (uploads.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULTS } from "../../config/defaults.js";
import type { Context } from "hono";
import { ingestInventory, type InventoryUpload, type UploadWarning } from "../../fleet/ingest-inventory.js";
import { InventoryRefusal } from "../../fleet/read-inventory.js";
import type { Principal, ScanRecord } from "../../fleet/types.js";
import { allowSite } from "../auth.js";
import { ApiError, isFleetError } from "../errors.js";
import { defineRoute, principalOf, type Services } from "../route.js";
import { QueuedUploadAcceptedSchema, UploadResultSchema } from "../schemas.js";
import { UPLOADERS, json } from "./common.js";
import { AsyncQuery, PreferHeader, QUEUED_RESPONSES, acceptQueued, wantsAsync } from "./uploads.js";

/** The site an upload goes to when none is named: the key's only site, else the one `server init` makes. */
export const DEFAULT_SITE: string = DEFAULTS.server.site;

const UploadQuery = z.object({
  site: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/)
    .optional()
    .openapi({ param: { name: "site", in: "query" }, description: `The site of the host(s). Default: the key's site when it is limited to one, else \`${DEFAULT_SITE}\`.` }),
  filename: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ param: { name: "filename", in: "query" }, description: "The file's name: where observations are located, and the inventory's source (absence is judged per host and source). Default `upload`." }),
  source: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ param: { name: "source", in: "query" }, description: "The inventory's source when it is not the file name (e.g. `programs`, `dns`)." }),
  format: z.string().max(100).optional().openapi({ param: { name: "format", in: "query" }, description: "A reader name (`ictsguard formats`), to skip detection." }),
  async: AsyncQuery,
});

const UploadHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "expected printable ASCII without spaces")
    .optional()
    .openapi({ param: { name: "idempotency-key", in: "header" }, description: "Retries with the same key (per site) never store twice. `ictsguard upload` sends the SHA-256 of site, host and file." }),
  prefer: PreferHeader,
});

const body = {
  content: {
    "application/octet-stream": { schema: z.string().openapi({ format: "binary", description: "The inventory file, as any tool wrote it (gzip allowed)." }) },
  },
  required: true,
  description: "An inventory in any format `ictsguard scan` reads.",
};

const responses = {
  201: json(UploadResultSchema, "Stored and judged"),
  200: json(z.union([UploadResultSchema, QueuedUploadAcceptedSchema]), "Already stored (or, asked to respond async, already queued) under this idempotency key: nothing was stored or queued again"),
  ...QUEUED_RESPONSES,
};

const hostInventory = defineRoute({
  id: "inventories.host",
  access: UPLOADERS,
  scope: "site",
  siteBy: "query",
  body: "inventory",
  route: createRoute({
    method: "post",
    path: "/api/v1/hosts/{name}/inventories",
    tags: ["inventories"],
    summary: "Upload one host's inventory",
    request: {
      params: z.object({ name: z.string().min(1).max(255).openapi({ param: { name: "name", in: "path" }, description: "The host's name (hosts are identified by site and name)." }) }),
      query: UploadQuery,
      headers: UploadHeaders,
      body,
    },
    responses,
  }),
  handler: async (c, services) => upload(c, services, c.req.valid("param").name, c.req.valid("query"), c.req.valid("header")["idempotency-key"]),
});

const fleetInventory = defineRoute({
  id: "inventories.fleet",
  access: UPLOADERS,
  scope: "site",
  siteBy: "query",
  body: "inventory",
  route: createRoute({
    method: "post",
    path: "/api/v1/inventories",
    tags: ["inventories"],
    summary: "Upload an inventory of several hosts (hosts from the data)",
    request: { query: UploadQuery, headers: UploadHeaders, body },
    responses,
  }),
  handler: async (c, services) => upload(c, services, undefined, c.req.valid("query"), c.req.valid("header")["idempotency-key"]),
});

async function upload(
  c: Context,
  services: Services,
  host: string | undefined,
  q: z.infer<typeof UploadQuery>,
  idempotencyKey: string | undefined,
): Promise<Response> {
  const principal: Principal = principalOf(c);
  const site = q.site ?? (principal.sites?.length === 1 ? principal.sites[0]! : DEFAULT_SITE);
  allowSite(principal, site);
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > services.limits.inventoryBytes) {
    services.metrics.upload("too-large");
    throw new ApiError(413, "payload-too-large", `the inventory (${declared} bytes) is larger than the upload limit of ${services.limits.inventoryBytes} bytes`);
  }
  const filename = q.filename ?? "upload";
  if (wantsAsync(c)) {
    const { accepted, status } = await acceptQueued(c, services, principal, {
      site,
      ...(host ? { host } : {}),
      filename,
      source: q.source ?? filename,
      ...(q.format ? { format: q.format } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    return c.json(accepted, status);
  }
  const result = await storeInventory(services, principal, {
    site,
    ...(host ? { host } : {}),
    body: c.req.raw.body,
    filename,
    source: q.source ?? filename,
    ...(q.format ? { format: q.format } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return c.json(result, result.replayed ? 200 : 201);
}

export type StoredInventory = { scan: ScanRecord; replayed: boolean; warnings: UploadWarning[] };

/**
 * An inventory (a file in any format `scan` reads) read and handed to the fleet's ingest: the one
 * path of uploads, osquery results, Fleet's result logs and `PUT /api/v1/bom` (the reading and
 * ingest are the fleet's `ingestInventory`, which the queue's judging shares); here the metrics,
 * and a refused inventory answered with the reading's status.
 */
export async function storeInventory(
  { fleet, metrics, limits }: Pick<Services, "fleet" | "metrics" | "limits">,
  principal: Principal,
  input: InventoryUpload,
): Promise<StoredInventory> {
  try {
    const { scan, warnings } = await ingestInventory((request) => fleet.ingest(request), principal, input, limits.inventoryBytes);
    metrics.upload(scan.duplicate ? "replayed" : "stored", scan.duplicate ? 0 : scan.observations);
    return { scan, replayed: scan.duplicate, warnings };
  } catch (err) {
    if (err instanceof InventoryRefusal) {
      metrics.upload(err.status === 413 ? "too-large" : "rejected");
      throw refusalError(err);
    }
    metrics.upload(isFleetError(err) || err instanceof ApiError ? "rejected" : "failed");
    throw err;
  }
}

/** A refused inventory as the API answers it: the reading's status, code, message and issues. */
export function refusalError(err: InventoryRefusal): ApiError {
  return new ApiError(err.status, err.code, err.message, err.issues);
}

export const INVENTORY_ROUTES = [hostInventory, fleetInventory];
