/**
 * @module
 * Pieces the route files share: a JSON response entry, the roles of the common access levels,
 * and the page query of the lists.
 */
import type { z } from "@hono/zod-openapi";
import type { KeyRole } from "../../fleet/types.js";

/** Every key that reads: admin, analyst, viewer (not ingest, which only uploads). */
export const READERS: readonly KeyRole[] = ["admin", "analyst", "viewer"];
/** Keys that may decide exceptions: admin, analyst. */
export const DECIDERS: readonly KeyRole[] = ["admin", "analyst"];
/** Keys that may upload inventories: admin, analyst, ingest. */
export const UPLOADERS: readonly KeyRole[] = ["admin", "analyst", "ingest"];
export const ADMINS: readonly KeyRole[] = ["admin"];

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** `limit` and `cursor` as the fleet takes them (undefined ones left out). */
export function page(q: { limit?: number | undefined; cursor?: string | undefined }): { limit?: number; cursor?: string } {
  return { ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) };
}

/** An object without its undefined values (the fleet's filters are exact optional). */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
