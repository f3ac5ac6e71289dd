/**
 * @module
 * API keys and enrollment tokens. A token is `ictg_<id>_<secret>` (an enrollment token
 * `ictge_<id>_<secret>`): the id is 16 base32 characters, public, and finds the row; the secret
 * is 32 random bytes (base64url). Only SHA-256 of the secret is stored: a slow password hash
 * buys nothing for 256 random bits, and a fast one keeps every request cheap. The hashes are
 * compared in constant time, and an unknown id still costs one comparison.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKeyRow, EnrollmentTokenRow } from "../store/schema.js";
import { canSeeSite, requireGlobalAdmin, requireRole, requireSite, ADMIN_ROLES } from "./access.js";
import { audit } from "./audit.js";
import { nowIso, isoInstant, type Ctx } from "./context.js";
import { publicId } from "./ids.js";
import {
  FleetError,
  ROLES,
  type ApiKeyInfo,
  type CreatedApiKey,
  type CreatedEnrollmentToken,
  type EnrollmentTokenInfo,
  type KeyRole,
  type Principal,
} from "./types.js";

const API_TOKEN = /^ictg_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const ENROLL_TOKEN = /^ictge_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
/** Written at most once a minute per key, so authentication does not write on every request. */
const LAST_USED_PRECISION_MS = 60_000;
const DEFAULT_ENROLLMENT_DAYS = 7;
const DUMMY_HASH = Buffer.alloc(32);

export const hashOf = (secret: string): string => createHash("sha256").update(secret).digest("hex");
export const newSecret = (): string => randomBytes(32).toString("base64url");

export function sameHash(storedHex: string | undefined, secret: string): boolean {
  const given = createHash("sha256").update(secret).digest();
  const stored = storedHex ? Buffer.from(storedHex, "hex") : DUMMY_HASH;
  return stored.length === given.length && timingSafeEqual(stored, given) && storedHex !== undefined;
}

export function keyInfo(r: ApiKeyRow): ApiKeyInfo {
  return {
    id: r.id,
    role: r.role as KeyRole,
    sites: r.sites === null ? null : (JSON.parse(r.sites) as string[]),
    ...(r.label ? { label: r.label } : {}),
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  };
}

function tokenInfo(r: EnrollmentTokenRow): EnrollmentTokenInfo {
  return {
    id: r.id,
    site: r.site,
    ...(r.label ? { label: r.label } : {}),
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  };
}

export async function authenticate(ctx: Ctx, token: string): Promise<Principal | null> {
  const m = API_TOKEN.exec(token.trim());
  const row = m ? await ctx.db.selectFrom("api_keys").selectAll().where("id", "=", m[1]!).executeTakeFirst() : undefined;
  const ok = sameHash(row?.secret_hash, m?.[2] ?? "");
  if (!row || !ok || row.revoked_at) return null;
  const now = ctx.clock();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_PRECISION_MS) {
    await ctx.db.updateTable("api_keys").set({ last_used_at: now.toISOString() }).where("id", "=", row.id).execute();
  }
  const info = keyInfo(row);
  return { keyId: info.id, role: info.role, sites: info.sites };
}

async function requireSitesExist(ctx: Ctx, sites: readonly string[]): Promise<void> {
  if (sites.length === 0) return;
  const found = await ctx.db.selectFrom("sites").select("name").where("name", "in", [...sites]).execute();
  const missing = sites.filter((s) => !found.some((f) => f.name === s));
  if (missing.length > 0) throw new FleetError("invalid", `no site ${missing.map((s) => `"${s}"`).join(", ")}: create it first`);
}

export async function createApiKey(ctx: Ctx, p: Principal, input: { role: KeyRole; sites?: string[] | null; label?: string }): Promise<CreatedApiKey> {
  requireRole(p, ADMIN_ROLES, "create API keys");
  if (!ROLES.includes(input.role)) throw new FleetError("invalid", `unknown role "${input.role}": expected one of ${ROLES.join(", ")}`);
  const sites = input.sites && input.sites.length > 0 ? [...new Set(input.sites)].sort() : null;
  if (p.sites !== null && (sites === null || !sites.every((s) => canSeeSite(p, s)))) {
    throw new FleetError("forbidden", "a key limited to sites can only create keys limited to its own sites");
  }
  if (sites) await requireSitesExist(ctx, sites);
  const id = publicId();
  const secret = newSecret();
  const row: ApiKeyRow = {
    id,
    secret_hash: hashOf(secret),
    role: input.role,
    sites: sites ? JSON.stringify(sites) : null,
    label: input.label ?? null,
    created_at: nowIso(ctx),
    created_by: p.keyId,
    revoked_at: null,
    last_used_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("api_keys").values(row).execute();
    await audit(trx, { at: row.created_at, keyId: p.keyId, action: "key.create", target: id, detail: { role: input.role, sites } });
  });
  return { key: keyInfo(row), token: `ictg_${id}_${secret}` };
}

function keyVisible(p: Principal, r: ApiKeyRow): boolean {
  if (p.sites === null) return true;
  const sites = r.sites === null ? null : (JSON.parse(r.sites) as string[]);
  return sites !== null && sites.every((s) => canSeeSite(p, s));
}

export async function revokeApiKey(ctx: Ctx, p: Principal, id: string): Promise<ApiKeyInfo> {
  requireRole(p, ADMIN_ROLES, "revoke API keys");
  const row = await ctx.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !keyVisible(p, row)) throw new FleetError("not-found", `no API key "${id}"`);
  if (row.revoked_at) return keyInfo(row);
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("api_keys").set({ revoked_at: at }).where("id", "=", id).execute();
    await audit(trx, { at, keyId: p.keyId, action: "key.revoke", target: id });
  });
  return keyInfo({ ...row, revoked_at: at });
}

export async function listApiKeys(ctx: Ctx, p: Principal): Promise<ApiKeyInfo[]> {
  requireRole(p, ADMIN_ROLES, "list API keys");
  const rows = await ctx.db.selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.filter((r) => keyVisible(p, r)).map(keyInfo);
}

export async function createEnrollmentToken(ctx: Ctx, p: Principal, input: { site: string; expiresAt?: string; label?: string }): Promise<CreatedEnrollmentToken> {
  requireRole(p, ADMIN_ROLES, "create enrollment tokens");
  requireSite(p, input.site);
  await requireSitesExist(ctx, [input.site]);
  const now = ctx.clock();
  const expiresAt = input.expiresAt ? isoInstant(input.expiresAt, "expiresAt") : new Date(now.getTime() + DEFAULT_ENROLLMENT_DAYS * 86_400_000).toISOString();
  if (Date.parse(expiresAt) <= now.getTime()) throw new FleetError("invalid", `expiresAt ${expiresAt} is not in the future`);
  const id = publicId();
  const secret = newSecret();
  const row: EnrollmentTokenRow = {
    id,
    secret_hash: hashOf(secret),
    site: input.site,
    label: input.label ?? null,
    created_at: now.toISOString(),
    created_by: p.keyId,
    expires_at: expiresAt,
    revoked_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("enrollment_tokens").values(row).execute();
    await audit(trx, { at: row.created_at, keyId: p.keyId, action: "enrollment.create", site: input.site, target: id, detail: { expiresAt } });
  });
  return { enrollment: tokenInfo(row), token: `ictge_${id}_${secret}` };
}

export async function listEnrollmentTokens(ctx: Ctx, p: Principal, filter: { site?: string } = {}): Promise<EnrollmentTokenInfo[]> {
  requireRole(p, ADMIN_ROLES, "list enrollment tokens");
  if (filter.site !== undefined) requireSite(p, filter.site);
  let q = ctx.db.selectFrom("enrollment_tokens").selectAll().orderBy("created_at").orderBy("id");
  if (filter.site !== undefined) q = q.where("site", "=", filter.site);
  const rows = await q.execute();
  return rows.filter((r) => canSeeSite(p, r.site)).map(tokenInfo);
}

export async function revokeEnrollmentToken(ctx: Ctx, p: Principal, id: string): Promise<EnrollmentTokenInfo> {
  requireRole(p, ADMIN_ROLES, "revoke enrollment tokens");
  const row = await ctx.db.selectFrom("enrollment_tokens").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !canSeeSite(p, row.site)) throw new FleetError("not-found", `no enrollment token "${id}"`);
  if (row.revoked_at) return tokenInfo(row);
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("enrollment_tokens").set({ revoked_at: at }).where("id", "=", id).execute();
    await audit(trx, { at, keyId: p.keyId, action: "enrollment.revoke", site: row.site, target: id });
  });
  return tokenInfo({ ...row, revoked_at: at });
}

export async function verifyEnrollmentToken(ctx: Ctx, token: string): Promise<{ id: string; site: string } | null> {
  const m = ENROLL_TOKEN.exec(token.trim());
  const row = m ? await ctx.db.selectFrom("enrollment_tokens").selectAll().where("id", "=", m[1]!).executeTakeFirst() : undefined;
  const ok = sameHash(row?.secret_hash, m?.[2] ?? "");
  if (!row || !ok || row.revoked_at || Date.parse(row.expires_at) <= ctx.clock().getTime()) return null;
  return { id: row.id, site: row.site };
}

export { requireGlobalAdmin };
