/**
 * @module
 * The append-only audit log: every change, with the key that made it (`local` for the CLI,
 * `system` for the job loop). Rows are only ever inserted.
 */
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { orderedId } from "./ids.js";

export type AuditInput = { at: string; keyId: string; action: string; site?: string | null; target?: string | null; detail?: Record<string, unknown> };

export async function audit(db: Kysely<Database>, e: AuditInput): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: orderedId("a"),
      at: e.at,
      key_id: e.keyId,
      action: e.action,
      site: e.site ?? null,
      target: e.target ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}
