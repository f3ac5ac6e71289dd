/**
 * @module
 * Sites: one per client of an MSP, bureau of an agency, or business unit, each judged under its
 * own profile (the catalog's profiles: federal-contractor, business, reseller ...).
 */
import type { SiteRow } from "../store/schema.js";
import type { Profile } from "../model/catalog.js";
import { canSeeSite, READ_ROLES, requireGlobalAdmin, requireRole, requireSite } from "./access.js";
import { audit } from "./audit.js";
import { nowIso, type Ctx, type Db } from "./context.js";
import { FleetError, type Principal, type Site } from "./types.js";

export const SITE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function siteOf(r: SiteRow): Site {
  return { name: r.name, profile: r.profile as Profile, ...(r.description ? { description: r.description } : {}), createdAt: r.created_at };
}

export async function createSite(ctx: Ctx, p: Principal, input: { name: string; profile: Profile; description?: string }): Promise<Site> {
  requireGlobalAdmin(p, "create sites");
  if (!SITE_NAME.test(input.name)) throw new FleetError("invalid", `invalid site name "${input.name}": expected lower-case letters, digits, '.', '_' or '-' (at most 63)`);
  const profiles = ctx.catalog.active.catalog.profiles.map((x) => x.id);
  if (!profiles.includes(input.profile)) throw new FleetError("invalid", `unknown profile "${input.profile}": expected one of ${profiles.join(", ")}`);
  const row: SiteRow = { name: input.name, profile: input.profile, description: input.description ?? null, created_at: nowIso(ctx) };
  const exists = await ctx.db.selectFrom("sites").select("name").where("name", "=", input.name).executeTakeFirst();
  if (exists) throw new FleetError("conflict", `site "${input.name}" exists`);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("sites").values(row).execute();
    await audit(trx, { at: row.created_at, keyId: p.keyId, action: "site.create", site: row.name, target: row.name, detail: { profile: row.profile } });
  });
  return siteOf(row);
}

export async function listSites(ctx: Ctx, p: Principal): Promise<Site[]> {
  requireRole(p, [...READ_ROLES, "ingest"], "list sites");
  const rows = await ctx.db.selectFrom("sites").selectAll().orderBy("name").execute();
  return rows.filter((r) => canSeeSite(p, r.name)).map(siteOf);
}

export async function getSite(ctx: Ctx, p: Principal, name: string): Promise<Site> {
  requireRole(p, [...READ_ROLES, "ingest"], "read sites");
  requireSite(p, name);
  return siteOf(await siteRow(ctx.db, name));
}

export async function siteRow(db: Db, name: string): Promise<SiteRow> {
  const row = await db.selectFrom("sites").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) throw new FleetError("not-found", `no site "${name}"`);
  return row;
}
