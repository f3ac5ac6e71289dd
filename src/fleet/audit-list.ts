/**
 * @module
 * Reading the audit log (admins; a key limited to sites reads its sites' entries).
 */
import { ADMIN_ROLES, requireRole, siteScope } from "./access.js";
import { isoInstant, type Ctx, NONE } from "./context.js";
import { cappedTotal, decodeCursor, limitOf, pageOf } from "./page.js";
import type { AuditEntry, Page, PageQuery, Principal } from "./types.js";

export async function listAudit(ctx: Ctx, p: Principal, query: PageQuery & { site?: string; since?: string } = {}): Promise<Page<AuditEntry>> {
  requireRole(p, ADMIN_ROLES, "read the audit log");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("audit_log").selectAll();
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  if (query.since !== undefined) q = q.where("at", ">=", isoInstant(query.since, "since"));
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("at", "id"), "<", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  return pageOf(
    rows,
    limit,
    (r) => ({
      id: r.id,
      at: r.at,
      keyId: r.key_id,
      action: r.action,
      ...(r.site ? { site: r.site } : {}),
      ...(r.target ? { target: r.target } : {}),
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
    }),
    (r) => [r.at, r.id],
    total,
  );
}
