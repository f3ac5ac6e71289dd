/**
 * @module
 * osquery nodes (the osquery TLS remote API, src/server/routes/osquery.ts): an admin makes an
 * enroll secret for a site (`ictgos_<id>_<secret>`, only its SHA-256 stored); osqueryd sends it
 * with its host identifier and gets a node key (`ictgn_<id>_<secret>`, hashed the same way),
 * which authenticates its config, logger and distributed requests. A node's results are judged
 * for the hosts they name (osquery's `hostIdentifier`), exactly like an upload of the same lines.
 */
import { ADMIN_ROLES, canSeeSite, requireRole, requireSite } from "./access.js";
import type { OsqueryNode, OsquerySecretInfo } from "./agent-types.js";
import { audit } from "./audit.js";
import { hashOf, newSecret, sameHash } from "./auth.js";
import { nowIso, type Ctx } from "./context.js";
import { publicId } from "./ids.js";
import { FleetError, type Principal } from "./types.js";
import type { OsquerySecretRow } from "../store/schema.js";

const ENROLL_SECRET = /^ictgos_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const NODE_KEY = /^ictgn_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
/** A node's last-seen time is written at most once a minute. */
const SEEN_PRECISION_MS = 60_000;

function secretInfo(r: OsquerySecretRow): OsquerySecretInfo {
  return { id: r.id, site: r.site, ...(r.label ? { label: r.label } : {}), createdAt: r.created_at, createdBy: r.created_by, ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}) };
}

export async function createOsquerySecret(ctx: Ctx, p: Principal, input: { site: string; label?: string }): Promise<{ secret: OsquerySecretInfo; token: string }> {
  requireRole(p, ADMIN_ROLES, "create osquery enroll secrets");
  requireSite(p, input.site);
  const site = await ctx.db.selectFrom("sites").select("name").where("name", "=", input.site).executeTakeFirst();
  if (!site) throw new FleetError("invalid", `no site "${input.site}": create it first`);
  const id = publicId();
  const secret = newSecret();
  const row: OsquerySecretRow = { id, site: input.site, secret_hash: hashOf(secret), label: input.label ?? null, created_at: nowIso(ctx), created_by: p.keyId, revoked_at: null };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("osquery_secrets").values(row).execute();
    await audit(trx, { at: row.created_at, keyId: p.keyId, action: "osquery-secret.create", site: input.site, target: id });
  });
  return { secret: secretInfo(row), token: `ictgos_${id}_${secret}` };
}

export async function listOsquerySecrets(ctx: Ctx, p: Principal, query: { site?: string } = {}): Promise<OsquerySecretInfo[]> {
  requireRole(p, ADMIN_ROLES, "list osquery enroll secrets");
  if (query.site !== undefined) requireSite(p, query.site);
  let q = ctx.db.selectFrom("osquery_secrets").selectAll().orderBy("created_at").orderBy("id");
  if (query.site !== undefined) q = q.where("site", "=", query.site);
  return (await q.execute()).filter((r) => canSeeSite(p, r.site)).map(secretInfo);
}

export async function osqueryEnroll(ctx: Ctx, input: { enrollSecret: string; hostIdentifier: string; hostDetails?: unknown }): Promise<{ nodeKey: string; node: OsqueryNode } | null> {
  const m = ENROLL_SECRET.exec(String(input.enrollSecret ?? "").trim());
  const row = m ? await ctx.db.selectFrom("osquery_secrets").selectAll().where("id", "=", m[1]!).executeTakeFirst() : undefined;
  const ok = sameHash(row?.secret_hash, m?.[2] ?? "");
  if (!row || !ok || row.revoked_at) return null;
  const hostIdentifier = String(input.hostIdentifier ?? "").trim();
  if (!hostIdentifier || hostIdentifier.length > 255) throw new FleetError("invalid", "host_identifier must be 1 to 255 characters");
  const id = publicId();
  const secret = newSecret();
  const at = nowIso(ctx);
  const details = JSON.stringify(input.hostDetails ?? {}).slice(0, 64 * 1024);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("osquery_nodes").values({ id, site: row.site, key_hash: hashOf(secret), secret_id: row.id, host_identifier: hostIdentifier, details, enrolled_at: at, last_seen_at: at }).execute();
    await audit(trx, { at, keyId: `osquery-secret:${row.id}`, action: "osquery.enroll", site: row.site, target: id, detail: { hostIdentifier } });
  });
  return { nodeKey: `ictgn_${id}_${secret}`, node: { id, site: row.site, hostIdentifier } };
}

export async function osqueryNode(ctx: Ctx, nodeKey: string): Promise<OsqueryNode | null> {
  const m = NODE_KEY.exec(String(nodeKey ?? "").trim());
  const row = m ? await ctx.db.selectFrom("osquery_nodes").selectAll().where("id", "=", m[1]!).executeTakeFirst() : undefined;
  const ok = sameHash(row?.key_hash, m?.[2] ?? "");
  if (!row || !ok) return null;
  const secret = await ctx.db.selectFrom("osquery_secrets").select("revoked_at").where("id", "=", row.secret_id).executeTakeFirst();
  if (!secret || secret.revoked_at) return null; // a revoked secret's nodes must enroll again (and cannot)
  const now = ctx.clock();
  if (!row.last_seen_at || now.getTime() - Date.parse(row.last_seen_at) >= SEEN_PRECISION_MS) {
    await ctx.db.updateTable("osquery_nodes").set({ last_seen_at: now.toISOString() }).where("id", "=", row.id).execute();
  }
  return { id: row.id, site: row.site, hostIdentifier: row.host_identifier };
}
