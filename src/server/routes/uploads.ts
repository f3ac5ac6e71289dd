/**
 * @module
 * Queued uploads (docs/server.md, "Queued ingest"): an upload route called with `Prefer:
 * respond-async` (RFC 7240) or `?async=true` stores the body as it came and answers 202 with the
 * upload's id and a `Location` for `GET /api/v1/uploads/{id}`, which says whether it is queued,
 * being judged, done (with its scan) or failed (with the reason; nothing stored). The judging is
 * the job loop's (src/fleet/upload-queue.ts). The uploader's key (an ingest key reads its own
 * uploads) or any reader of the site may read the status.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Principal, QueuedUpload, QueueUploadRequest } from "../../fleet/types.js";
import { readRawBody } from "../body.js";
import { defineRoute, principalOf, type Services } from "../route.js";
import { QueuedUploadAcceptedSchema, QueuedUploadSchema } from "../schemas.js";
import { json } from "./common.js";

/** True when the request asks to be answered before the upload is judged: `Prefer: respond-async`, or `?async=true`. */
export function wantsAsync(c: Context): boolean {
  if (c.req.query("async") === "true") return true;
  const prefer = c.req.header("prefer");
  if (!prefer) return false;
  // RFC 7240: a comma-separated list of preferences, each `token [= value] *(; parameter)`
  return prefer.split(",").some((p) => p.split(";")[0]!.split("=")[0]!.trim().toLowerCase() === "respond-async");
}

/** The status route of a queued upload (the `Location` of the 202). */
export const uploadLocation = (id: string): string => `/api/v1/uploads/${encodeURIComponent(id)}`;

/**
 * Accepts an upload into the queue: the body's bytes as sent (gzip too; the upload limit holds),
 * stored in one insert with what judging needs. Sets the `Location` and `Preference-Applied`
 * headers and answers the status to send: 202, or 200 with the status of the upload already
 * queued under the same idempotency key.
 */
export async function acceptQueued(
  c: Context,
  services: Pick<Services, "fleet" | "metrics" | "limits">,
  principal: Principal,
  input: Omit<QueueUploadRequest, "principal" | "body"> & { body?: Uint8Array },
): Promise<{ accepted: QueuedUpload & { location: string }; status: 200 | 202 }> {
  const body = input.body ?? (await readRawBody(c.req.raw, services.limits.inventoryBytes));
  const { upload, replayed } = await services.fleet.queueUpload({ ...input, principal, body });
  services.metrics.upload(replayed ? "replayed" : "queued");
  const location = uploadLocation(upload.id);
  c.header("Location", location);
  c.header("Preference-Applied", "respond-async");
  return { accepted: { ...upload, location }, status: replayed ? 200 : 202 };
}

/** The answers an upload route adds when it takes `Prefer: respond-async`. */
export const QUEUED_RESPONSES = {
  202: json(QueuedUploadAcceptedSchema, "Accepted into the queue (`Prefer: respond-async` or `?async=true`): not judged yet; poll `Location`"),
};

/** The `async` query parameter of the upload routes: `true` is `Prefer: respond-async`. */
export const AsyncQuery = z
  .enum(["true", "false"])
  .optional()
  .openapi({ param: { name: "async", in: "query" }, description: "`true`: as `Prefer: respond-async` (queued, answered 202, judged after)." });

/** The `Prefer` request header, as the upload routes document it. */
export const PreferHeader = z
  .string()
  .max(200)
  .optional()
  .openapi({
    param: { name: "prefer", in: "header" },
    description: "`respond-async`: store the upload and answer 202 at once; the job loop judges it after (`GET /api/v1/uploads/{id}`). Without it the upload is judged before the answer.",
  });

const uploadGet = defineRoute({
  id: "uploads.get",
  // readers of the site, and the ingest key that sent the upload (the fleet checks whose it is)
  access: ["admin", "analyst", "viewer", "ingest"],
  scope: "site",
  siteBy: "id",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/uploads/{id}",
    tags: ["inventories"],
    summary: "A queued upload's status: queued, processing, done (with its scan) or failed (with the reason)",
    request: { params: z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" }, description: "The queued upload's id (the 202's `id`)." }) }) },
    responses: { 200: json(QueuedUploadSchema, "The upload's status") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.getUpload(principalOf(c), c.req.valid("param").id), 200),
});

export const UPLOAD_ROUTES = [uploadGet];
