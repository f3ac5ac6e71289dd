/**
 * @module
 * One site's report document (the report of `ictsguard scan -o json`, docs/report-format.md),
 * for the report renderers (src/render): every host's latest inventories (per source), as stored,
 * judged through the scan core with the server's catalog and the site's profile as of an
 * instant; the site's exceptions in force at that instant are the report's accepted exceptions
 * (each scoped to its finding's product and host). The inventories are the latest stored, not
 * those held at the instant: a past date answers "how would today's inventories stand then", a
 * coming date "how will they stand when the next phase starts".
 */
import type { Profile } from "../model/catalog.js";
import type { ExceptionRule } from "../model/exception.js";
import type { ReportDocument } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { parseAsOf } from "../policy/time.js";
import { createScanner } from "../scan/scanner.js";
import { READ_ROLES, requireRole, requireSite } from "./access.js";
import type { Ctx } from "./context.js";
import { siteRow } from "./sites.js";
import type { Principal } from "./types.js";

/** Hosts read per query. */
const BATCH = 500;

export async function siteReport(ctx: Ctx, p: Principal, query: { site: string; at: string }): Promise<ReportDocument> {
  requireRole(p, READ_ROLES, "read reports");
  requireSite(p, query.site);
  const site = await siteRow(ctx.db, query.site);
  const at = query.at;
  const exceptions = await ctx.db
    .selectFrom("exceptions")
    .innerJoin("findings", "findings.id", "exceptions.finding_id")
    .innerJoin("hosts", "hosts.id", "findings.host_id")
    .select(["exceptions.owner", "exceptions.reason", "exceptions.expires_at", "exceptions.created_at", "exceptions.revoked_at", "findings.product", "hosts.name"])
    .where("exceptions.site", "=", site.name)
    .execute();
  const inForce: ExceptionRule[] = exceptions
    .filter((e) => e.created_at <= at && e.expires_at > at && (e.revoked_at === null || e.revoked_at > at))
    // a host name may hold glob characters: escape them so the rule names exactly that host
    .map((e) => ({ product: e.product, host: e.name.replace(/[*?[\]\\{}!]/g, "\\$&"), reason: e.reason, author: e.owner, expires: e.expires_at.slice(0, 10) }));
  const scanner = createScanner({
    catalog: ctx.catalog.active.catalog,
    profile: site.profile as Profile,
    asOf: parseAsOf(at),
    exceptions: inForce,
    failOn: "none",
    today: at.slice(0, 10),
  });
  scanner.input(`site:${site.name}`);
  let after = "";
  for (;;) {
    const hosts = await ctx.db.selectFrom("hosts").select(["id", "name", "name_key"]).where("site", "=", site.name).where("name_key", ">", after).orderBy("name_key").limit(BATCH).execute();
    if (hosts.length === 0) break;
    after = hosts[hosts.length - 1]!.name_key;
    const names = new Map(hosts.map((h) => [h.id, h.name]));
    const stored = await ctx.db.selectFrom("host_sources").select(["host_id", "data"]).where("host_id", "in", [...names.keys()]).orderBy("host_id").orderBy("source").execute();
    for (const s of stored) {
      // an observation of a host upload names its host; one without is the stored host's
      for (const o of JSON.parse(s.data) as Observation[]) scanner.add(o.host ? o : { ...o, host: names.get(s.host_id)! });
    }
  }
  return scanner.finish();
}
