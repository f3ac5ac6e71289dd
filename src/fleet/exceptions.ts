/**
 * @module
 * Time-boxed exceptions: an owner, a reason that cites the legal basis, an expiry. While one is
 * active its finding is `excepted`; at expiry (the job loop's `tick`) or revocation the finding
 * reopens by itself, and the change is recorded, dated at the expiry instant.
 */
import type { ExceptionRow, FindingRow } from "../store/schema.js";
import { canSeeSite, EXCEPTION_ROLES, READ_ROLES, requireRole, siteScope } from "./access.js";
import { audit } from "./audit.js";
import { isoInstant, lockable, nowIso, type Ctx, type Db, NONE } from "./context.js";
import { randomId } from "./ids.js";
import { writeChanges, type Change } from "./lifecycle.js";
import { emit, findingData } from "./outbox.js";
import { cappedTotal, decodeCursor, limitOf, pageOf } from "./page.js";
import { findingRowFor } from "./queries.js";
import { FleetError, type ChangeCause, type Exception, type Page, type PageQuery, type Principal } from "./types.js";

/** Needed so a reason is more than a word: it must say why, citing the legal basis. */
const MIN_REASON = 10;

function exceptionOf(r: ExceptionRow): Exception {
  return {
    id: r.id,
    site: r.site,
    findingId: r.finding_id,
    owner: r.owner,
    reason: r.reason,
    expiresAt: r.expires_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
    ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
    ...(r.expired_at ? { expiredAt: r.expired_at } : {}),
  };
}

/** Locks the finding's host (the order every writer of findings follows), then reads the finding. */
async function lockFinding(ctx: Ctx, trx: Db, f: FindingRow): Promise<FindingRow> {
  let q = trx.selectFrom("hosts").select("id").where("id", "=", f.host_id);
  if (lockable(ctx)) q = q.forUpdate();
  await q.execute();
  return trx.selectFrom("findings").selectAll().where("id", "=", f.id).executeTakeFirstOrThrow();
}

export async function createException(ctx: Ctx, p: Principal, input: { findingId: string; owner: string; reason: string; expiresAt: string }): Promise<Exception> {
  requireRole(p, EXCEPTION_ROLES, "accept exceptions");
  const f = await findingRowFor(ctx, p, input.findingId);
  if (!input.owner?.trim()) throw new FleetError("invalid", "an exception needs an owner");
  if (!input.reason || input.reason.trim().length < MIN_REASON) throw new FleetError("invalid", `an exception needs a reason citing its legal basis (at least ${MIN_REASON} characters)`);
  const now = nowIso(ctx);
  const expiresAt = isoInstant(input.expiresAt, "expiresAt");
  if (expiresAt <= now) throw new FleetError("invalid", `expiresAt ${expiresAt} is not in the future`);
  const row: ExceptionRow = {
    id: randomId("x", 10),
    site: f.site,
    finding_id: f.id,
    owner: input.owner.trim(),
    reason: input.reason.trim(),
    expires_at: expiresAt,
    created_by: p.keyId,
    created_at: now,
    revoked_at: null,
    revoked_by: null,
    expired_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const current = await lockFinding(ctx, trx, f);
    if (current.exception_id) throw new FleetError("conflict", `finding ${f.id} already has the active exception ${current.exception_id}: revoke it first`);
    await trx.insertInto("exceptions").values(row).execute();
    const after: FindingRow = { ...current, exception_id: row.id, state: current.state === "open" ? "excepted" : current.state, updated_at: now };
    await writeChanges(trx, [{ before: current, after, event: after.state !== current.state }], { at: now, cause: "exception", ref: row.id });
    await audit(trx, { at: now, keyId: p.keyId, action: "exception.create", site: f.site, target: row.id, detail: { finding: f.id, owner: row.owner, expiresAt } });
  });
  return exceptionOf(row);
}

export async function listExceptions(ctx: Ctx, p: Principal, query: PageQuery & { site?: string; active?: boolean } = {}): Promise<Page<Exception>> {
  requireRole(p, READ_ROLES, "read exceptions");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("exceptions").selectAll();
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  if (query.active === true) q = q.where("revoked_at", "is", null).where("expired_at", "is", null).where("expires_at", ">", nowIso(ctx));
  if (query.active === false) q = q.where((eb) => eb.or([eb("revoked_at", "is not", null), eb("expired_at", "is not", null), eb("expires_at", "<=", nowIso(ctx))]));
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  return pageOf(rows, limit, exceptionOf, (r) => [r.created_at, r.id], total);
}

/** Ends an exception (revoked or expired): its finding reopens if it was excepted by it. */
async function endException(ctx: Ctx, trx: Db, row: ExceptionRow, at: string, cause: ChangeCause): Promise<FindingRow | undefined> {
  const f = await trx.selectFrom("findings").selectAll().where("id", "=", row.finding_id).executeTakeFirst();
  if (!f || f.exception_id !== row.id) return undefined;
  const current = await lockFinding(ctx, trx, f);
  const after: FindingRow = { ...current, exception_id: null, state: current.state === "excepted" ? "open" : current.state, updated_at: at };
  const change: Change = { before: current, after, event: after.state !== current.state };
  await writeChanges(trx, [change], { at, cause, ref: row.id });
  return after;
}

export async function revokeException(ctx: Ctx, p: Principal, id: string): Promise<Exception> {
  requireRole(p, EXCEPTION_ROLES, "revoke exceptions");
  const row = await ctx.db.selectFrom("exceptions").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !canSeeSite(p, row.site)) throw new FleetError("not-found", `no exception "${id}"`);
  if (row.revoked_at || row.expired_at) return exceptionOf(row);
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const n = await trx.updateTable("exceptions").set({ revoked_at: at, revoked_by: p.keyId }).where("id", "=", id).where("revoked_at", "is", null).where("expired_at", "is", null).executeTakeFirst();
    if (Number(n.numUpdatedRows) !== 1) return;
    await endException(ctx, trx, row, at, "exception-revoked");
    await audit(trx, { at, keyId: p.keyId, action: "exception.revoke", site: row.site, target: id });
  });
  return exceptionOf((await ctx.db.selectFrom("exceptions").selectAll().where("id", "=", id).executeTakeFirstOrThrow()));
}

/** Expires every exception whose time has come (each once, even with several processes); answers how many. */
export async function expireExceptions(ctx: Ctx): Promise<number> {
  const now = nowIso(ctx);
  const due = await ctx.db.selectFrom("exceptions").selectAll().where("expires_at", "<=", now).where("revoked_at", "is", null).where("expired_at", "is", null).orderBy("expires_at").limit(1000).execute();
  let done = 0;
  for (const row of due) {
    await ctx.db.transaction().execute(async (trx) => {
      // the conditional update is the claim: a second process updates nothing and stops
      const n = await trx.updateTable("exceptions").set({ expired_at: row.expires_at }).where("id", "=", row.id).where("expired_at", "is", null).where("revoked_at", "is", null).executeTakeFirst();
      if (Number(n.numUpdatedRows) !== 1) return;
      const finding = await endException(ctx, trx, row, row.expires_at, "exception-expired");
      // the webhook event goes in the transaction that expires it: a crash loses neither
      await emit(trx, [{ type: "exception.expired", site: row.site, at: row.expires_at, data: { exception: exceptionOf({ ...row, expired_at: row.expires_at }), finding: finding ? findingData(finding) : null } }]);
      await audit(trx, { at: now, keyId: "system", action: "exception.expire", site: row.site, target: row.id, detail: { expiresAt: row.expires_at, finding: row.finding_id } });
      done++;
    });
  }
  return done;
}
