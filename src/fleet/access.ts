/**
 * @module
 * Who may do what, enforced in the service (not only in HTTP). Roles: `viewer` reads,
 * `analyst` reads and manages exceptions (and may upload), `admin` does everything, `ingest`
 * only uploads (and reads back its own uploads' records). A key limited to sites sees and
 * changes only those sites: a thing in another site is `not-found`, so its existence does not leak.
 */
import { FleetError, type KeyRole, type Principal } from "./types.js";

export const READ_ROLES: readonly KeyRole[] = ["admin", "analyst", "viewer"];
export const INGEST_ROLES: readonly KeyRole[] = ["admin", "analyst", "ingest"];
export const EXCEPTION_ROLES: readonly KeyRole[] = ["admin", "analyst"];
export const ADMIN_ROLES: readonly KeyRole[] = ["admin"];

export function requireRole(p: Principal, roles: readonly KeyRole[], what: string): void {
  if (!roles.includes(p.role)) throw new FleetError("forbidden", `the ${p.role} role may not ${what}`);
}

export function canSeeSite(p: Principal, site: string): boolean {
  return p.sites === null || p.sites.includes(site);
}

/** Throws not-found for a site outside the key's limits. */
export function requireSite(p: Principal, site: string): void {
  if (!canSeeSite(p, site)) throw new FleetError("not-found", `no site "${site}"`);
}

/** The sites a query may read: the requested one (checked), else the key's limits (null: all). */
export function siteScope(p: Principal, requested?: string): string[] | null {
  if (requested !== undefined) {
    requireSite(p, requested);
    return [requested];
  }
  return p.sites;
}

/** An admin over every site (creating sites, keys for any site). */
export function requireGlobalAdmin(p: Principal, what: string): void {
  requireRole(p, ADMIN_ROLES, what);
  if (p.sites !== null) throw new FleetError("forbidden", `a key limited to sites may not ${what}`);
}
