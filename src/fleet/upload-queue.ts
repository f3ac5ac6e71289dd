/**
 * @module
 * Queued ingest (issue 15): an upload sent with `Prefer: respond-async` is accepted into
 * `queued_uploads` in ONE insert (its bytes as uploaded, who sent it, its site, host, source and
 * idempotency key, the accept instant) and answered 202; the job loop judges it afterwards
 * through the same reading and ingest as a synchronous upload (ingest-inventory.ts), as of the
 * accept instant. So accepting runs at about the database's insert speed, and judging is
 * measured apart (bench/fleet-scale.ts). Dependency-Track's `PUT /api/v1/bom` token and Fleet's
 * asynchronous host results are the model.
 *
 * Exactly once. A retry with the same idempotency key (per site) finds the row (unique on (site,
 * key)) and queues nothing. Judging ingests under the upload's idempotency key (or
 * `queued:<id>` without one), and marks the upload done INSIDE ingest's transaction, so the scan
 * and the done mark commit together; a process killed mid-judging leaves the upload
 * `processing` with a lease it no longer renews, another process takes it again once the lease
 * ran out, and ingest's idempotency answers the first scan if one was committed. On PostgreSQL a
 * claim is one UPDATE of a row picked `FOR UPDATE SKIP LOCKED` (as jobs.ts), so two `serve`
 * processes never judge the same upload at once; SQLite has one writer.
 *
 * Order. An older upload of a host must never be judged after a newer one: its inventory would
 * replace the newer one and move findings backwards. Uploads to a host's route (and SBOMs, whose
 * project names the host) carry the host's key, so an upload is claimed only when no older
 * upload of the same site and host is still queued or processing; an upload of several hosts
 * (`POST /api/v1/inventories`: hosts come from the data, unknown until it is read) waits for
 * every older upload of its site, and every later one of its site waits for it. Uploads of other
 * hosts and other sites are judged side by side by every process. "Older" is the accept order
 * (`seq`, a sequence): two requests in flight at the same moment have no order between them,
 * as with synchronous uploads. This order holds between queued uploads only; a synchronous
 * upload is stored when it comes, so a queued upload of the same host and source accepted
 * before it is judged after it. Ingest keeps the newer inventory then: an upload older than the
 * stored inventory of its host and source does not replace it, and its scan record lists that
 * host in `superseded` (the upload is `done`: it was judged, as older than what is stored).
 *
 * A refused inventory (unreadable, over the limit, a reader's error, an observation naming no
 * host) ends `failed` with the reader's reason and stores nothing, as the synchronous upload
 * would have answered 4xx. So does an upload whose API key was revoked after the accept and
 * before the judging (`key-revoked`): the key no longer vouches for it. Anything else (the
 * store unreachable) is tried again, up to MAX_ATTEMPTS. The body is dropped as soon as the
 * upload is done or failed; the status row is kept as long as upload records (`scans`,
 * retention.ts).
 */
import { sql } from "kysely";
import type { QueuedUploadRow } from "../store/schema.js";
import { INGEST_ROLES, READ_ROLES, canSeeSite, requireRole, requireSite } from "./access.js";
import { isUniqueViolation, lockable, nowIso, type Ctx, type Db } from "./context.js";
import { hostNameKey, randomId } from "./ids.js";
import { AGENT_KEY_PREFIX, appliedHostIds, ingest } from "./ingest.js";
import { ingestInventory, type UploadWarning } from "./ingest-inventory.js";
import { enqueue } from "./jobs.js";
import { holdLeases } from "./leases.js";
import { rejudgeHostsSince } from "./rejudge.js";
import { InventoryRefusal } from "./read-inventory.js";
import { FleetError, type KeyRole, type Principal, type QueuedUpload, type QueueUploadRequest, type QueuedUploadStatus, type ScanRecord } from "./types.js";

/** A `processing` upload whose lease was not renewed for this long (real time) belongs to a process that died. */
export const JUDGING_LEASE_MS = 60_000;
/** How often a process renews the leases of the uploads it is judging. */
const LEASE_RENEW_MS = 15_000;
/** Tries of one upload that failed for another reason than its content (the store unreachable ...). */
const MAX_ATTEMPTS = 3;
/** One judging pass stops claiming after this long (real time), so the job loop's other jobs get their turn. */
const PASS_BUDGET_MS = 30_000;
const MAX_SOURCE_NAME = 200;
const MAX_KEY = 200;

/** Accepts an upload into the queue: checks who and where, then one insert. */
export async function queueUpload(ctx: Ctx, req: QueueUploadRequest): Promise<{ upload: QueuedUpload; replayed: boolean }> {
  const p = req.principal;
  requireRole(p, INGEST_ROLES, "upload inventories");
  requireSite(p, req.site);
  // what ingest would refuse whatever the body holds is refused now, as the synchronous upload refuses it
  const source = req.source.trim();
  if (!source || source.length > MAX_SOURCE_NAME) throw new FleetError("invalid", `source.name must be 1 to ${MAX_SOURCE_NAME} characters`);
  const key = req.idempotencyKey?.trim() || undefined;
  if (key !== undefined && key.length > MAX_KEY) throw new FleetError("invalid", `the idempotency key is longer than ${MAX_KEY} characters`);
  let host: string | undefined;
  if (req.host !== undefined) {
    host = req.host.trim();
    if (!host) throw new FleetError("invalid", "the host name is empty");
    if (hostNameKey(host).startsWith(AGENT_KEY_PREFIX)) throw new FleetError("invalid", `the host name "${host}" starts with "${AGENT_KEY_PREFIX}", which names agents' hosts; rename the host`);
  }
  const row = {
    id: randomId("u"),
    site: req.site,
    host: host ?? null,
    host_key: host !== undefined ? hostNameKey(host) : null,
    filename: req.filename,
    source,
    format: req.format ?? null,
    idempotency_key: key ?? null,
    key_id: p.keyId,
    role: p.role,
    sites: p.sites === null ? null : JSON.stringify(p.sites),
    body: Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength),
    bytes: req.body.byteLength,
    state: "queued",
    received_at: nowIso(ctx),
    started_at: null,
    finished_at: null,
    attempts: 0,
    locked_by: null,
    locked_at: null,
    scan_id: null,
    result: null,
    error: null,
  };
  try {
    const inserted = await ctx.db
      .insertInto("queued_uploads")
      .values(row)
      .onConflict((oc) => oc.columns(["site", "idempotency_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) return { upload: uploadOf({ ...row, seq: 0 }), replayed: false };
  } catch (err) {
    // the site is checked by the insert itself (its foreign key), not by a read before it: accepting is one statement
    if (isForeignKeyViolation(err)) throw new FleetError("not-found", `no site "${req.site}"`);
    if (!isUniqueViolation(err)) throw err;
  }
  // the key was queued before: that upload, as it is now
  const seen = await ctx.db.selectFrom("queued_uploads").selectAll().where("site", "=", req.site).where("idempotency_key", "=", key!).executeTakeFirstOrThrow();
  return { upload: uploadOf(seen), replayed: true };
}

/** A queued upload's status, for readers of its site or the ingest key that sent it. */
export async function getUpload(ctx: Ctx, p: Principal, id: string): Promise<QueuedUpload> {
  requireRole(p, [...READ_ROLES, ...INGEST_ROLES], "read uploads");
  const row = await ctx.db.selectFrom("queued_uploads").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !canSeeSite(p, row.site) || (p.role === "ingest" && row.key_id !== p.keyId)) throw new FleetError("not-found", `no upload "${id}"`);
  return uploadOf(row);
}

function uploadOf(r: Omit<QueuedUploadRow, "seq"> & { seq: unknown }): QueuedUpload {
  const result = r.result ? (JSON.parse(r.result) as { scan: ScanRecord; warnings: UploadWarning[] }) : undefined;
  return {
    id: r.id,
    site: r.site,
    status: r.state as QueuedUploadStatus,
    receivedAt: r.received_at,
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
    ...(r.host ? { host: r.host } : {}),
    source: { name: r.source, ...(r.format ? { format: r.format } : {}) },
    ...(r.idempotency_key ? { idempotencyKey: r.idempotency_key } : {}),
    bytes: Number(r.bytes),
    ...(result ? { scan: result.scan, warnings: result.warnings } : {}),
    ...(r.error ? { error: JSON.parse(r.error) as QueuedUpload["error"] } : {}),
  };
}

/**
 * Claims the oldest queued upload that nothing older of its site and host is waiting for (see
 * the module's "Order"), for this process.
 */
async function claim(ctx: Ctx): Promise<QueuedUploadRow | undefined> {
  // the lease is real time (as jobs.ts); when judging started is the service's clock, as when it finished
  const now = new Date().toISOString();
  const started = nowIso(ctx);
  const oldest = sql`select u.id from queued_uploads u where u.state = 'queued' and not exists (
      select 1 from queued_uploads e where e.site = u.site and e.seq < u.seq and e.state in ('queued', 'processing')
        and (e.host_key is null or u.host_key is null or e.host_key = u.host_key))
    order by u.seq limit 1`;
  const pick = lockable(ctx) ? sql`(${oldest} for update of u skip locked)` : sql`(${oldest})`;
  const r = await sql<QueuedUploadRow>`update queued_uploads set state = 'processing', attempts = attempts + 1, locked_by = ${ctx.workerId}, locked_at = ${now},
      started_at = coalesce(started_at, ${started})
    where state = 'queued' and id = ${pick} returning *`.execute(ctx.db);
  return r.rows[0];
}

/** Puts back in the queue the uploads whose judging process died (their lease ran out). */
async function reclaimExpired(ctx: Ctx): Promise<void> {
  const expired = new Date(Date.now() - JUDGING_LEASE_MS).toISOString();
  await ctx.db.updateTable("queued_uploads").set({ state: "queued", locked_by: null, locked_at: null }).where("state", "=", "processing").where("locked_at", "<", expired).execute();
}

/**
 * Done: the scan and the reader's warnings kept, the body dropped. Idempotent (a done upload stays
 * as it was). `locked_by` stays: the process that judged it (leases only look at `processing`).
 */
async function markDone(db: Db, id: string, scan: ScanRecord, warnings: UploadWarning[], at: string): Promise<void> {
  await db
    .updateTable("queued_uploads")
    .set({ state: "done", finished_at: at, body: null, scan_id: scan.id, result: JSON.stringify({ scan, warnings }), error: null, locked_at: null })
    .where("id", "=", id)
    .where("state", "!=", "done")
    .execute();
}

async function markFailed(ctx: Ctx, id: string, error: NonNullable<QueuedUpload["error"]>): Promise<void> {
  await ctx.db
    .updateTable("queued_uploads")
    .set({ state: "failed", finished_at: nowIso(ctx), body: null, error: JSON.stringify(error), locked_at: null })
    .where("id", "=", id)
    .where("state", "=", "processing")
    .execute();
}

/** Judges one claimed upload: done, failed (its content refused), or back in the queue (tried again). */
async function judgeOne(ctx: Ctx, row: QueuedUploadRow): Promise<"done" | "failed" | "retry"> {
  // the key was checked at accept; revoked since, it no longer vouches for the upload (a
  // synchronous upload sent with it now would be refused)
  if (await keyRevoked(ctx, row.key_id)) {
    await markFailed(ctx, row.id, { code: "key-revoked", message: "the API key that sent this upload was revoked before it was judged; send it again with a valid key" });
    return "failed";
  }
  // the uploader as checked at accept: the judgment is the upload's, not the job loop's
  const principal: Principal = { keyId: row.key_id, role: row.role as KeyRole, sites: row.sites === null ? null : (JSON.parse(row.sites) as string[]) };
  try {
    const { scan, warnings } = await ingestInventory(
      (request, warningsSoFar) =>
        ingest(ctx, request, {
          inTransaction: async (trx, record) => {
            // judged as of the accept: a rule phase boundary passed since then was re-judged
            // without this inventory, so its hosts are re-judged at that boundary, in the same
            // transaction (a finding must not keep a verdict of before a deadline that has passed);
            // a superseded host is not: its newer inventory was judged as of its own, later instant
            await rejudgeHostsSince(ctx, row.site, appliedHostIds(record), row.received_at, trx);
            await markDone(trx, row.id, record, warningsSoFar(), nowIso(ctx));
          },
        }),
      principal,
      {
        site: row.site,
        ...(row.host ? { host: row.host } : {}),
        body: row.body ?? new Uint8Array(),
        filename: row.filename,
        source: row.source,
        ...(row.format ? { format: row.format } : {}),
        idempotencyKey: row.idempotency_key ?? `queued:${row.id}`,
        receivedAt: row.received_at,
      },
      // the body was held to the upload limit when it was accepted
      Number.MAX_SAFE_INTEGER,
    );
    // a scan already stored under the key (a retry after a crash, or a synchronous upload with the same key): ingest stored nothing, so mark it here
    if (scan.duplicate) {
      // stored before (a retry after a crash, or the synchronous path with the same key): what the
      // transaction below would have done for it is done here (each step is idempotent)
      await rejudgeHostsSince(ctx, row.site, appliedHostIds(scan), row.received_at);
      await markDone(ctx.db, row.id, scan, warnings, nowIso(ctx));
    }
    return "done";
  } catch (err) {
    if (err instanceof InventoryRefusal) {
      const first = err.issues?.[0]?.message;
      await markFailed(ctx, row.id, { code: err.code, message: first ? `${err.message}: ${first}` : err.message, ...(err.issues?.length ? { issues: err.issues } : {}) });
      return "failed";
    }
    if (err instanceof FleetError && err.code !== "unauthenticated") {
      await markFailed(ctx, row.id, { code: err.code, message: err.message });
      return "failed";
    }
    const message = (err as Error).message ?? String(err);
    if (Number(row.attempts) >= MAX_ATTEMPTS) {
      await markFailed(ctx, row.id, { code: "judging-failed", message: `judging failed ${MAX_ATTEMPTS} times; the last time: ${message}` });
      return "failed";
    }
    process.stderr.write(`ictsguard: queued upload ${row.id}: ${message}; it will be tried again\n`);
    await ctx.db.updateTable("queued_uploads").set({ state: "queued", locked_by: null, locked_at: null }).where("id", "=", row.id).where("state", "=", "processing").execute();
    return "retry";
  }
}

/** True when `keyId` is an API key that was revoked (the local admin and sign-in sessions are no API keys). */
async function keyRevoked(ctx: Ctx, keyId: string): Promise<boolean> {
  const key = await ctx.db.selectFrom("api_keys").select("revoked_at").where("id", "=", keyId).executeTakeFirst();
  return Boolean(key?.revoked_at);
}

export type JudgingPass = { done: number; failed: number; retried: number };

/** The job: claims and judges queued uploads until none is claimable, the pass's budget is spent, or the process stops (the upload in hand is finished). */
export async function judgeQueuedUploads(ctx: Ctx): Promise<JudgingPass> {
  const out: JudgingPass = { done: 0, failed: 0, retried: 0 };
  await reclaimExpired(ctx);
  // a large upload may take minutes to judge
  const lease = holdLeases(ctx, "queued_uploads", "processing", LEASE_RENEW_MS);
  const started = Date.now();
  try {
    while (Date.now() - started < PASS_BUDGET_MS && !ctx.stopping?.()) {
      const row = await claim(ctx);
      if (!row) break;
      const outcome = await judgeOne(ctx, row);
      if (outcome === "done") out.done++;
      else if (outcome === "failed") out.failed++;
      else {
        out.retried++;
        break; // something outside the upload is wrong: the next tick tries again
      }
    }
  } finally {
    lease.stop();
  }
  return out;
}

/**
 * The ticker: puts back uploads of dead processes, then queues a judging pass when uploads wait
 * and no pass is queued. A running pass does not count: beside it a second one (of another
 * process) judges other uploads, as claims are exclusive, and it may be a dead process's.
 */
export async function queueUploadJudging(ctx: Ctx, now: string): Promise<void> {
  await reclaimExpired(ctx);
  const waiting = await ctx.db.selectFrom("queued_uploads").select("id").where("state", "=", "queued").limit(1).executeTakeFirst();
  if (!waiting) return;
  const queued = await ctx.db.selectFrom("jobs").select("id").where("kind", "=", "uploads.judge").where("state", "=", "queued").limit(1).executeTakeFirst();
  if (queued) return;
  await enqueue(ctx, `uploads:judge:${now}:${randomId("p", 6)}`, "uploads.judge", { reason: "queued uploads wait to be judged", at: now }, now);
}

/** Uploads waiting to be judged and being judged, for the metrics (store-wide: every process's). */
export async function queueDepth(ctx: Ctx): Promise<{ queued: number; processing: number }> {
  const rows = await ctx.db
    .selectFrom("queued_uploads")
    .select((eb) => ["state", eb.fn.countAll<number>().as("n")])
    .where("state", "in", ["queued", "processing"])
    .groupBy("state")
    .execute();
  const out = { queued: 0, processing: 0 };
  for (const r of rows) out[r.state as "queued" | "processing"] = Number(r.n);
  return out;
}

/** A foreign-key violation, on either backend (SQLite's are enforced: store/open.ts). */
function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === "23503" || e?.code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}

/** Retention: status rows of uploads done or failed before `before` (their bodies went when they finished). */
export async function purgeQueuedUploads(ctx: Ctx, before: string): Promise<number> {
  const r = await ctx.db.deleteFrom("queued_uploads").where("state", "in", ["done", "failed"]).where("finished_at", "<", before).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}
