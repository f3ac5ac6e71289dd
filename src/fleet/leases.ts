/**
 * @module
 * Leases on claimed rows (webhook deliveries being sent, queued uploads being judged): while a
 * process works, it renews `locked_at` of the rows of `table` it holds in `state`, every
 * `everyMs` until stopped. A row whose lease was not renewed for long belongs to a process that
 * died, and is taken again by another. A renewal that fails (the store unreachable for a moment)
 * is only a missed renewal.
 */
import { sql } from "kysely";
import type { Ctx } from "./context.js";

export type LeasedTable = "webhook_deliveries" | "queued_uploads";

export function holdLeases(ctx: Ctx, table: LeasedTable, state: string, everyMs: number): { stop(): void } {
  const timer = setInterval(() => {
    void sql`update ${sql.table(table)} set locked_at = ${new Date().toISOString()} where state = ${state} and locked_by = ${ctx.workerId}`.execute(ctx.db).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
