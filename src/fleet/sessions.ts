/**
 * @module
 * Browser sessions made by an OpenID Connect sign-in (src/server/oidc.ts), and the sign-ins in
 * progress. A session id is 32 random bytes (base64url) held only by the browser's cookie; the
 * store keeps its SHA-256, the principal (role and sites, from the identity provider's groups at
 * sign-in) and two expiries: idle (moved forward by use, written at most once a minute so a
 * request does not always write) and absolute (fixed at sign-in). An expired session is deleted
 * when it is next presented, and all expired ones whenever someone signs in.
 *
 * The principal of a session is `user:<sub>`: the audit log names the person, stably across
 * sessions. The CSRF token is derived from the session id (SHA-256 of a label and the id), so it
 * is never stored and only the holder of the cookie's value, the server, can compute it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { SessionRow } from "../store/schema.js";
import { audit } from "./audit.js";
import { nowIso, type Ctx } from "./context.js";
import { FleetError, type KeyRole, type LoginRequest, type NewSession, type Session } from "./types.js";

/** The idle expiry is written at most this often (it moves forward by use). */
const TOUCH_PRECISION_MS = 60_000;

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const newSecret = (): string => randomBytes(32).toString("base64url");
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The stable id of a signed-in person in the audit log and `requestedBy`. */
export const userKeyId = (sub: string): string => `user:${sub}`;

/** The CSRF token of a session: SHA-256("ictsguard-csrf/1" NUL session id), base64url. */
export function csrfTokenOf(sessionId: string): string {
  return createHash("sha256").update(`ictsguard-csrf/1\u0000${sessionId}`).digest("base64url");
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const want = Buffer.from(csrfTokenOf(sessionId));
  const got = Buffer.from(presented);
  return want.length === got.length && timingSafeEqual(want, got);
}

function sessionOf(row: SessionRow, id: string): Session {
  const sites = row.sites === null ? null : (JSON.parse(row.sites) as string[]);
  return {
    user: { sub: row.sub, ...(row.name ? { name: row.name } : {}), ...(row.email ? { email: row.email } : {}) },
    issuer: row.issuer,
    groups: JSON.parse(row.groups) as string[],
    principal: { keyId: userKeyId(row.sub), role: row.role as KeyRole, sites },
    createdAt: row.created_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    csrfToken: csrfTokenOf(id),
  };
}

async function deleteExpired(ctx: Ctx, now: string): Promise<void> {
  await ctx.db.deleteFrom("sessions").where((eb) => eb.or([eb("absolute_expires_at", "<=", now), eb("idle_expires_at", "<=", now)])).execute();
  await ctx.db.deleteFrom("login_requests").where("expires_at", "<=", now).execute();
}

export async function createSession(ctx: Ctx, input: NewSession): Promise<{ token: string; session: Session }> {
  if ((input.role as KeyRole) === "ingest") throw new FleetError("invalid", "a signed-in person cannot have the ingest role");
  if (!(input.idleMs > 0) || !(input.absoluteMs > 0)) throw new FleetError("invalid", "session timeouts must be above 0");
  const now = ctx.clock();
  const at = now.toISOString();
  await deleteExpired(ctx, at);
  const id = newSecret();
  const absolute = new Date(now.getTime() + input.absoluteMs).toISOString();
  const idle = new Date(Math.min(now.getTime() + input.idleMs, now.getTime() + input.absoluteMs)).toISOString();
  const sites = input.sites === null ? null : [...new Set(input.sites)].sort();
  const row: SessionRow = {
    id_hash: sha256(id),
    sub: input.sub,
    issuer: input.issuer,
    name: input.name ?? null,
    email: input.email ?? null,
    groups: JSON.stringify(input.groups),
    role: input.role,
    sites: sites === null ? null : JSON.stringify(sites),
    created_at: at,
    last_seen_at: at,
    idle_ms: input.idleMs,
    idle_expires_at: idle,
    absolute_expires_at: absolute,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("sessions").values(row).execute();
    await audit(trx, { at, keyId: userKeyId(input.sub), action: "session.create", detail: { role: input.role, sites, groups: input.groups, issuer: input.issuer, absoluteExpiresAt: absolute } });
  });
  return { token: id, session: sessionOf(row, id) };
}

/** The session of a cookie's id, or null (unknown, malformed, expired: an expired one is deleted). Moves the idle expiry. */
export async function getSession(ctx: Ctx, id: string): Promise<Session | null> {
  if (!SECRET.test(id)) return null;
  const hash = sha256(id);
  const row = await ctx.db.selectFrom("sessions").selectAll().where("id_hash", "=", hash).executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock();
  const at = now.toISOString();
  if (row.idle_expires_at <= at || row.absolute_expires_at <= at) {
    await ctx.db.deleteFrom("sessions").where("id_hash", "=", hash).execute();
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) >= Math.min(TOUCH_PRECISION_MS, Number(row.idle_ms) / 2)) {
    const idle = new Date(Math.min(now.getTime() + Number(row.idle_ms), Date.parse(row.absolute_expires_at))).toISOString();
    await ctx.db.updateTable("sessions").set({ last_seen_at: at, idle_expires_at: idle }).where("id_hash", "=", hash).execute();
    row.last_seen_at = at;
    row.idle_expires_at = idle;
  }
  return sessionOf(row, id);
}

/** Signs out: deletes the session (true when there was one). */
export async function endSession(ctx: Ctx, id: string): Promise<boolean> {
  if (!SECRET.test(id)) return false;
  const hash = sha256(id);
  const row = await ctx.db.selectFrom("sessions").select(["sub"]).where("id_hash", "=", hash).executeTakeFirst();
  if (!row) return false;
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("sessions").where("id_hash", "=", hash).execute();
    await audit(trx, { at, keyId: userKeyId(row.sub), action: "session.end" });
  });
  return true;
}

/** Records a refused sign-in (a person in no mapped group), so administrators see who tried. */
export async function recordRefusedSignIn(ctx: Ctx, input: { sub: string; issuer: string; groups: string[]; reason: string }): Promise<void> {
  await audit(ctx.db, { at: nowIso(ctx), keyId: userKeyId(input.sub), action: "session.refused", detail: { issuer: input.issuer, groups: input.groups, reason: input.reason } });
}

/**
 * Keeps a sign-in in progress until the identity provider sends the browser back: found by the
 * SHA-256 of its `state`, bound to the browser by the SHA-256 of a random value in its cookie.
 */
export async function saveLoginRequest(ctx: Ctx, binding: string, request: LoginRequest, ttlMs: number): Promise<void> {
  const now = ctx.clock();
  await ctx.db
    .insertInto("login_requests")
    .values({
      state_hash: sha256(request.state),
      binding_hash: sha256(binding),
      nonce: request.nonce,
      code_verifier: request.codeVerifier,
      return_to: request.returnTo,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    })
    .execute();
}

/** Takes (deletes and answers) the sign-in of this state, when it is this browser's and not expired. */
export async function takeLoginRequest(ctx: Ctx, binding: string, state: string): Promise<LoginRequest | null> {
  const hash = sha256(state);
  const row = await ctx.db.selectFrom("login_requests").selectAll().where("state_hash", "=", hash).executeTakeFirst();
  if (!row) return null;
  const a = Buffer.from(row.binding_hash, "hex");
  const b = Buffer.from(sha256(binding), "hex");
  if (!timingSafeEqual(a, b)) return null; // another browser's sign-in: leave it
  await ctx.db.deleteFrom("login_requests").where("state_hash", "=", hash).execute();
  if (row.expires_at <= nowIso(ctx)) return null;
  return { state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
}
