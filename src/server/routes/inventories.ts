/**
 * @module
 * Uploading inventories: the body is a file in any format `scan` reads (gzip and zip too),
 * read as it arrives (server/inventory.ts) and handed to the fleet's ingest, which judges it
 * with the server's catalog for the site's profile. `POST /api/v1/hosts/{name}/inventories`:
 * every observation is that host's. `POST /api/v1/inventories`: hosts come from the data
 * (osquery's hostIdentifier, a CSV host column); an observation without one is an error.
 * An `Idempotency-Key` makes retries safe: the same key (per site) stores nothing again and
 * answers the first upload's scan (200 instead of 201).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULTS } from "../../config/defaults.js";
import type { Context } from "hono";
import type { Principal, ScanRecord } from "../../fleet/types.js";
import { allowSite } from "../auth.js";
import { ApiError, isFleetError } from "../errors.js";
import { readInventory } from "../inventory.js";
import { defineRoute, principalOf, type Services } from "../route.js";
import { UploadResultSchema } from "../schemas.js";
import { UPLOADERS, json } from "./common.js";

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
});

const UploadHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "expected printable ASCII without spaces")
    .optional()
    .openapi({ param: { name: "idempotency-key", in: "header" }, description: "Retries with the same key (per site) never store twice. `ictsguard upload` sends the SHA-256 of site, host and file." }),
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
  200: json(UploadResultSchema, "Already stored under this idempotency key: nothing was stored again"),
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

export type StoredInventory = { scan: ScanRecord; replayed: boolean; warnings: { code: string; message: string; file: string; line?: number }[] };

/**
 * An inventory (a file in any format `scan` reads) read and handed to the fleet's ingest: the one
 * path of uploads, osquery results, Fleet's result logs and `PUT /api/v1/bom`.
 */
export async function storeInventory(
  { fleet, metrics, limits }: Pick<Services, "fleet" | "metrics" | "limits">,
  principal: Principal,
  input: { site: string; host?: string; body: ReadableStream<Uint8Array> | null; filename: string; source: string; format?: string; idempotencyKey?: string },
): Promise<StoredInventory> {
  const reading = readInventory(input.body, { name: input.filename, maxBytes: limits.inventoryBytes, ...(input.format ? { inputFormat: input.format } : {}) });
  try {
    const scan = await fleet.ingest({
      principal,
      site: input.site,
      ...(input.host ? { host: input.host } : {}),
      observations: reading.observations,
      source: {
        name: input.source,
        // known once reading started: read by the fleet when it stores the scan
        get format() {
          return reading.format();
        },
      },
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      // read by the fleet after the observations ended (the count is known only then)
      get issues() {
        return reading.issues().length;
      },
    });
    metrics.upload(scan.duplicate ? "replayed" : "stored", scan.duplicate ? 0 : scan.observations);
    const warnings = reading.issues().map((i) => ({ code: i.code, message: i.message, file: i.source.file, ...(i.source.line !== undefined ? { line: i.source.line } : {}) }));
    return { scan, replayed: scan.duplicate, warnings };
  } catch (err) {
    const failure = reading.failure();
    if (failure) {
      metrics.upload(failure.status === 413 ? "too-large" : "rejected");
      throw failure; // the reading's own reason, whatever the fleet wrapped it in
    }
    metrics.upload(isFleetError(err) || err instanceof ApiError ? "rejected" : "failed");
    throw err;
  }
}

export const INVENTORY_ROUTES = [hostInventory, fleetInventory];
