/**
 * @module
 * Continuous judgment: every stored host's latest observations (per source) judged again with
 * the catalog in use and its site's profile, as of a given instant, and every change recorded
 * dated to the instant that caused it (a phase start, a catalog change). Hosts go in batches,
 * each in its own transaction with its hosts locked, so uploads keep flowing meanwhile; running
 * it twice changes nothing the second time (only differences are written).
 *
 * A trigger is shared by every `serve` process on the store: its `rejudge` job only plans
 * (`planRejudge`): it cuts each site's hosts into ranges of host keys of `shardHosts` hosts and
 * queues one `rejudge-shard` job per range under a unique key, with the trigger's row in
 * `rejudges`, in one transaction. Any process claims shards (jobs.ts, `FOR UPDATE SKIP
 * LOCKED`); each host falls in exactly one range (the last range of a site is open-ended, so a
 * host made after planning is in it), and each host a shard judges is counted in
 * `rejudge_hosts` (trigger, host, runs) in the batch's transaction. The shard that brings
 * `shards_done` to `shards` (one UPDATE, so exactly one does) closes the trigger: the judged
 * catalog digest and one audit entry.
 */
import type { Profile } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { parseAsOf } from "../policy/time.js";
import type { FindingRow, HostRow, JobRow } from "../store/schema.js";
import { audit } from "./audit.js";
import { HOST_CHUNK, inChunks, lockHostsByKey } from "./chunks.js";
import { lockable, nowIso, type Ctx, type Db } from "./context.js";
import { enqueue, ReleaseJob, type JobPayload } from "./jobs.js";
import { judgeSources, type Judged } from "./judge.js";
import { reconcile, writeChanges, type Change } from "./lifecycle.js";
import { boundariesBetween, phaseBoundaries } from "./phases.js";
import { phaseTrigger, readRejudgeKey, shardKey } from "./rejudge-keys.js";
import type { RejudgeResult } from "./types.js";

const BATCH = 200;
/** Hosts per shard job by default: small enough that N processes share a trigger, big enough that a job is worth its claim. */
export const DEFAULT_SHARD_HOSTS = 500;

type Range = { site: string; profile: string; after: string; upto: string | null };
type Judging = { at: string; asOf: string; ref: string; trigger?: string };

/** Re-judges every host in this process, now (the CLI and tests; the job loop shards instead). */
export async function rejudgeAll(ctx: Ctx, reason: string, options: { at?: string; asOf?: string; ref?: string } = {}): Promise<RejudgeResult> {
  const at = options.at ?? ctx.clock().toISOString();
  const catalog = ctx.catalog.active.catalog;
  const sites = await ctx.db.selectFrom("sites").select(["name", "profile"]).orderBy("name").execute();
  let hosts = 0;
  let changed = 0;
  for (const site of sites) {
    const r = await rejudgeRange(ctx, { site: site.name, profile: site.profile, after: "", upto: null }, { at, asOf: options.asOf ?? at, ref: options.ref ?? reason });
    hosts += r.hosts;
    changed += r.changed;
  }
  await setJudgedDigest(ctx.db, catalog.digest);
  await audit(ctx.db, { at, keyId: "system", action: "rejudge", detail: { reason, hosts, changed, catalog: catalog.version, digest: catalog.digest, asOf: options.asOf ?? at } });
  return { reason, at, hosts, changed };
}

/**
 * Re-judges some hosts of a site at each rule phase boundary in (`from`, now], dated at the
 * boundary, as the phase re-judge does for every host: for hosts whose inventory was judged after
 * that re-judge ran, but as of an instant before the boundary (a queued upload is judged as of its
 * accept). Without it their findings would keep the verdict of before the boundary (a deadline
 * not yet passed) until the next trigger. Answers the findings changed.
 */
export async function rejudgeHostsSince(ctx: Ctx, site: string, hostIds: readonly string[], from: string, inTransaction?: Db): Promise<number> {
  const passed = boundariesBetween(phaseBoundaries(ctx.catalog.active.catalog), from, nowIso(ctx));
  if (passed.length === 0 || hostIds.length === 0) return 0;
  const each = async (trx: Db, at: string): Promise<number> => {
    const { profile } = await trx.selectFrom("sites").select("profile").where("name", "=", site).executeTakeFirstOrThrow();
    // an upload may name more hosts than a statement takes: keys read in chunks, locked in one
    // order (lockHostsByKey), judged a chunk at a time
    const keys = (await inChunks(hostIds, (ids) => trx.selectFrom("hosts").select("name_key").where("id", "in", ids).execute())).map((h) => h.name_key);
    const rows = await lockHostsByKey(ctx, trx, site, keys);
    let changed = 0;
    for (let i = 0; i < rows.length; i += HOST_CHUNK) {
      changed += await rejudgeHosts(ctx, trx, { site, profile, after: "", upto: null }, rows.slice(i, i + HOST_CHUNK), { at, asOf: at, ref: phaseTrigger(at) });
    }
    return changed;
  };
  let changed = 0;
  // in the caller's transaction (the upload's ingest: both commit or neither), else one per boundary
  for (const at of passed) changed += inTransaction ? await each(inTransaction, at) : await ctx.db.transaction().execute((trx) => each(trx, at));
  return changed;
}

export type PlanResult = { trigger: string; shards: number; planned: boolean };

/** The `rejudge` job: cuts the trigger into shard jobs (idempotent: a second run finds the trigger planned). */
export async function planRejudge(ctx: Ctx, payload: JobPayload, job: JobRow): Promise<PlanResult> {
  await requireCatalog(ctx, payload.digest);
  const trigger = job.key;
  const planned = await ctx.db.selectFrom("rejudges").select("shards").where("key", "=", trigger).executeTakeFirst();
  if (planned) return { trigger, shards: Number(planned.shards), planned: false };
  const at = payload.at;
  const asOf = payload.asOf ?? at;
  const digest = ctx.catalog.active.catalog.digest;
  const ranges: Range[] = [];
  const sites = await ctx.db.selectFrom("sites").select(["name", "profile"]).orderBy("name").execute();
  for (const site of sites) {
    let after = "";
    for (;;) {
      // the host key that ends a range of shardHosts hosts, or none: the site's last range is open-ended
      const end = await ctx.db.selectFrom("hosts").select("name_key").where("site", "=", site.name).where("name_key", ">", after).orderBy("name_key").offset(ctx.shardHosts - 1).limit(1).executeTakeFirst();
      const more = end ? await ctx.db.selectFrom("hosts").select("name_key").where("site", "=", site.name).where("name_key", ">", end.name_key).limit(1).executeTakeFirst() : undefined;
      if (!end || !more) {
        ranges.push({ site: site.name, profile: site.profile, after, upto: null });
        break;
      }
      ranges.push({ site: site.name, profile: site.profile, after, upto: end.name_key });
      after = end.name_key;
    }
  }
  const inserted = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto("rejudges")
      .values({ key: trigger, reason: payload.reason, at, as_of: asOf, digest, shards: ranges.length, shards_done: 0, hosts: 0, changed: 0, planned_at: new Date().toISOString(), finished_at: null })
      .onConflict((oc) => oc.column("key").doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    for (const [i, range] of ranges.entries()) {
      await enqueue({ ...ctx, db: trx } as Ctx, shardKey(trigger, range.site, i), "rejudge-shard", { reason: payload.reason, at, asOf, digest, trigger, ...range }, job.run_at);
    }
    return true;
  });
  if (inserted && ranges.length === 0) await closeTrigger(ctx, trigger);
  return { trigger, shards: ranges.length, planned: inserted };
}

/** What a shard did, and which process did it (kept as the job's result). */
export type ShardResult = { trigger: string; site: string; hosts: number; changed: number; closedTrigger: boolean; worker: string };

/** The `rejudge-shard` job: judges one site's range of hosts, counts each host, and closes the trigger when it is the last shard. */
export async function rejudgeShard(ctx: Ctx, payload: JobPayload, _job: JobRow): Promise<ShardResult> {
  await requireCatalog(ctx, payload.digest);
  const trigger = String(payload.trigger);
  const range: Range = { site: String(payload.site), profile: String(payload.profile), after: String(payload.after), upto: payload.upto === null ? null : String(payload.upto) };
  const r = await rejudgeRange(ctx, range, { at: payload.at, asOf: payload.asOf ?? payload.at, ref: trigger, trigger });
  const row = await ctx.db
    .updateTable("rejudges")
    .set((eb) => ({ shards_done: eb("shards_done", "+", 1), hosts: eb("hosts", "+", r.hosts), changed: eb("changed", "+", r.changed) }))
    .where("key", "=", trigger)
    .returning(["shards", "shards_done"])
    .executeTakeFirst();
  const last = row !== undefined && Number(row.shards_done) === Number(row.shards);
  if (last) await closeTrigger(ctx, trigger);
  return { trigger, site: range.site, hosts: r.hosts, changed: r.changed, closedTrigger: last, worker: ctx.workerId };
}

async function closeTrigger(ctx: Ctx, trigger: string): Promise<void> {
  const t = await ctx.db.updateTable("rejudges").set({ finished_at: new Date().toISOString() }).where("key", "=", trigger).returningAll().executeTakeFirstOrThrow();
  // a phase re-judge does not say which catalog the store was judged with: only a catalog change does
  if (readRejudgeKey(trigger).catalog !== undefined) await setJudgedDigest(ctx.db, t.digest);
  await audit(ctx.db, {
    at: t.at,
    keyId: "system",
    action: "rejudge",
    detail: { reason: t.reason, hosts: Number(t.hosts), changed: Number(t.changed), shards: Number(t.shards), catalog: ctx.catalog.active.catalog.version, digest: t.digest, asOf: t.as_of, trigger },
  });
}

/** A shard judged with another catalog than its trigger's would record wrong verdicts: look again, else leave it to a process that has it. */
async function requireCatalog(ctx: Ctx, digest: string | undefined): Promise<void> {
  if (digest === undefined || ctx.catalog.active.catalog.digest === digest) return;
  await ctx.refreshCatalog?.();
  if (ctx.catalog.active.catalog.digest !== digest) throw new ReleaseJob(`this process judges with catalog ${ctx.catalog.active.catalog.digest.slice(0, 12)}, the job needs ${digest.slice(0, 12)}`);
}

async function setJudgedDigest(db: Db, digest: string): Promise<void> {
  await db
    .insertInto("meta")
    .values({ key: "judged_digest", value: digest })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: digest }))
    .execute();
}

async function rejudgeRange(ctx: Ctx, range: Range, judging: Judging): Promise<{ hosts: number; changed: number }> {
  let after = range.after;
  let hosts = 0;
  let changed = 0;
  for (;;) {
    let q = ctx.db.selectFrom("hosts").select(["id", "name_key"]).where("site", "=", range.site).where("name_key", ">", after);
    if (range.upto !== null) q = q.where("name_key", "<=", range.upto);
    const page = await q.orderBy("name_key").limit(BATCH).execute();
    if (page.length === 0) break;
    after = page[page.length - 1]!.name_key;
    hosts += page.length;
    changed += await ctx.db.transaction().execute(async (trx) => {
      let lock = trx.selectFrom("hosts").selectAll().where("id", "in", page.map((h) => h.id)).orderBy("name_key");
      if (lockable(ctx)) lock = lock.forUpdate();
      const rows = await lock.execute();
      const n = await rejudgeHosts(ctx, trx, range, rows, judging);
      if (judging.trigger !== undefined) await countHosts(ctx, trx, judging.trigger, rows, judging.at);
      return n;
    });
    if (page.length < BATCH) break;
  }
  return { hosts, changed };
}

/** One row per (trigger, host); a second run of the same host adds to `runs`, so "exactly once" can be checked. */
async function countHosts(ctx: Ctx, trx: Db, trigger: string, rows: HostRow[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto("rejudge_hosts")
    .values(rows.map((h) => ({ trigger, host_id: h.id, runs: 1, worker: ctx.workerId, at })))
    .onConflict((oc) => oc.columns(["trigger", "host_id"]).doUpdateSet((eb) => ({ runs: eb("rejudge_hosts.runs", "+", 1), worker: eb.ref("excluded.worker") })))
    .execute();
}

async function rejudgeHosts(ctx: Ctx, trx: Db, range: Range, rows: HostRow[], judging: Judging): Promise<number> {
  const catalog = ctx.catalog.active.catalog;
  const ids = rows.map((r) => r.id);
  const stored = await trx.selectFrom("host_sources").select(["host_id", "source", "data"]).where("host_id", "in", ids).execute();
  const sources = new Map<string, Observation[]>();
  for (const s of stored) {
    let list = sources.get(s.source);
    if (!list) sources.set(s.source, (list = []));
    for (const o of JSON.parse(s.data) as Observation[]) list.push(o);
  }
  const judged = await judgeSources(catalog, range.profile as Profile, parseAsOf(judging.asOf), sources);
  const byHost = new Map<string, Judged[]>();
  for (const j of judged.values()) (byHost.get(j.hostKey) ?? byHost.set(j.hostKey, []).get(j.hostKey)!).push(j);
  const existing = await trx.selectFrom("findings").selectAll().where("host_id", "in", ids).execute();
  const existingByHost = new Map<string, FindingRow[]>();
  for (const r of existing) (existingByHost.get(r.host_id) ?? existingByHost.set(r.host_id, []).get(r.host_id)!).push(r);
  const changes: Change[] = [];
  for (const h of rows) {
    changes.push(
      ...reconcile({
        site: range.site,
        host: { id: h.id, name: h.name },
        existing: existingByHost.get(h.id) ?? [],
        judged: byHost.get(h.name_key) ?? [],
        uploadSource: null,
        at: judging.at,
        judgeAfterClean: ctx.judgeAfterClean,
        cause: "rejudge",
        ref: judging.ref,
      }),
    );
  }
  // a re-judge rewrites only what differs: a finding whose verdict and fields are the same is left alone
  const real = changes.filter((c) => !c.before || c.event || differs(c.before, c.after));
  await writeChanges(trx, real, { at: judging.at, cause: "rejudge", ref: judging.ref });
  return real.filter((c) => c.event).length;
}

function differs(a: FindingRow, b: FindingRow): boolean {
  return a.reason !== b.reason || a.deadline !== b.deadline || a.confidence !== b.confidence || a.detail !== b.detail || a.sources !== b.sources || a.state !== b.state;
}
