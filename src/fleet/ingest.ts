/**
 * @module
 * One upload: the observations of one source (a programs inventory, a DNS log, an osquery
 * export ...) for one or more hosts of a site. The upload is read into memory first (the HTTP
 * server limits its size), then judged and stored in ONE transaction with its scan record and
 * its idempotency key, so a retry never stores twice and an upload that got an answer is
 * stored: the answer is given only after the commit.
 *
 * Concurrent uploads: the idempotency key is inserted first (a second upload with the same key
 * waits for the first to commit, then fails the unique constraint and answers the first's
 * record); host rows are locked in name order (PostgreSQL `FOR UPDATE`; SQLite has one
 * writer), so two uploads for one host are applied one after the other, and the counters are
 * updated in key order, so writers never deadlock. The counters (the site's hosts, the posture
 * counts and deltas) are the rows every upload of a site shares: they are written last, just
 * before the commit, so uploads of one site wait on each other for that moment only.
 *
 * An older upload never replaces a newer inventory. An upload is judged as of its `receivedAt`,
 * and a queued one (upload-queue.ts) is judged after its accept, so it may come after a newer
 * synchronous upload of the same host and source. A host whose stored inventory of this source
 * is later than `receivedAt` keeps it: for that host the upload changes nothing (no inventory,
 * no finding, no last seen), and the scan record names it in `superseded`. The record is stored
 * all the same (the upload was received, and its idempotency key must answer it); the upload's
 * other hosts are applied as usual. The stored instant is read once the hosts are locked, so no
 * upload of them can store a newer one in between. An equal instant is applied: the last writer
 * wins.
 */
import { sql } from "kysely";
import type { Observation } from "../model/observation.js";
import { STATUSES, type Status } from "../model/finding.js";
import { parseAsOf } from "../policy/time.js";
import type { FindingRow, HostRow } from "../store/schema.js";
import { INGEST_ROLES, requireRole, requireSite } from "./access.js";
import { audit } from "./audit.js";
import { HOST_CHUNK, inChunks, lockHostsByKey } from "./chunks.js";
import { isoInstant, isUniqueViolation, lockable, nowIso, type Ctx, type Db } from "./context.js";
import { hostIdOf, hostNameKey, randomId } from "./ids.js";
import { judgeSources, type Judged } from "./judge.js";
import { countChanges, moveCounts, noChanges, reconcile, writeChanges, type Change } from "./lifecycle.js";
import { siteRow } from "./sites.js";
import { FleetError, type IngestRequest, type ScanRecord } from "./types.js";

const MAX_SOURCE_NAME = 200;

class Duplicate extends Error {}

/** What a caller inside the fleet adds to ingest's transaction (the queue marks its upload done in it). */
export type IngestHooks = {
  /** Runs in ingest's transaction, after the scan is written: it commits with the upload or not at all. */
  inTransaction?: (trx: Db, record: ScanRecord) => Promise<void>;
};

export async function ingest(ctx: Ctx, req: IngestRequest, hooks: IngestHooks = {}): Promise<ScanRecord> {
  const p = req.principal;
  requireRole(p, INGEST_ROLES, "upload inventories");
  requireSite(p, req.site);
  const site = await siteRow(ctx.db, req.site);
  const sourceName = req.source.name?.trim();
  if (!sourceName || sourceName.length > MAX_SOURCE_NAME) throw new FleetError("invalid", `source.name must be 1 to ${MAX_SOURCE_NAME} characters`);
  const key = req.idempotencyKey?.trim() || undefined;
  if (key !== undefined && key.length > 200) throw new FleetError("invalid", "the idempotency key is longer than 200 characters");
  if (key !== undefined) {
    const seen = await findByKey(ctx.db, req.site, key);
    if (seen) return seen;
  }
  const receivedAt = req.receivedAt ? isoInstant(req.receivedAt, "receivedAt") : nowIso(ctx);

  // read the upload: observations grouped by host (the upload's host, else each observation's)
  const byHost = new Map<string, { name: string; observations: Observation[] }>();
  if (req.host !== undefined) {
    if (!req.host.trim()) throw new FleetError("invalid", "the host name is empty");
    byHost.set(req.hostKey ?? hostNameKey(req.host), { name: req.host.trim(), observations: [] });
  }
  let count = 0;
  for await (const o of req.observations as AsyncIterable<Observation>) {
    count++;
    const name = (req.host ?? o.host)?.trim();
    if (name && req.hostKey === undefined && hostNameKey(name).startsWith(AGENT_KEY_PREFIX)) {
      throw new FleetError("invalid", `observation ${count}: the host name "${name}" starts with "${AGENT_KEY_PREFIX}", which names agents' hosts; rename the host`);
    }
    if (!name) {
      const where = [o.source.file, o.source.line ? `line ${o.source.line}` : o.source.record ? `record ${o.source.record}` : undefined].filter(Boolean).join(" ");
      throw new FleetError("invalid", `observation ${count} (${where}) names no host: give the upload a host (--host) or use an inventory with a host column`);
    }
    // an agent's host is keyed by its credential: its observations carry that key, so finding ids follow the host, not its name
    const k = req.hostKey ?? hostNameKey(name);
    let h = byHost.get(k);
    if (!h) byHost.set(k, (h = { name, observations: [] }));
    h.observations.push({ ...o, host: req.hostKey ?? name });
  }

  const scanId = randomId("s");
  const catalog = ctx.catalog.active.catalog;
  const asOf = parseAsOf(receivedAt);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      if (key !== undefined) {
        await trx.insertInto("scans").values({ id: scanId, site: req.site, idempotency_key: key, key_id: p.keyId, received_at: receivedAt, record: "{}" }).execute();
      }
      let made = 0;
      const locked = await lockHosts(ctx, trx, req.site, [...byHost.entries()].map(([key, h]) => ({ key, name: h.name })), receivedAt, req.hostEvidence, (n) => (made = n));
      // a host that already holds a newer inventory of this source (a queued upload judged after a
      // later synchronous one) keeps it: this upload would move its findings backwards. Read under
      // the hosts' locks, so no upload of these hosts can store a newer one meanwhile.
      const newer = await newerInventories(trx, locked, sourceName, receivedAt);
      const hosts = locked.filter((h) => !newer.has(h.id));
      const hostIds = hosts.map((h) => h.id);
      const others = await inChunks(hostIds, (ids) => trx.selectFrom("host_sources").select(["host_id", "source", "data"]).where("host_id", "in", ids).where("source", "!=", sourceName).execute());
      const existing = await inChunks(hostIds, (ids) => trx.selectFrom("findings").selectAll().where("host_id", "in", ids).execute());

      // judge each source of these hosts: the stored ones as they are, this one as uploaded
      const sources = new Map<string, Observation[]>([[sourceName, hosts.flatMap((h) => byHost.get(h.name_key)!.observations)]]);
      for (const o of others) {
        let list = sources.get(o.source);
        if (!list) sources.set(o.source, (list = []));
        for (const obs of JSON.parse(o.data) as Observation[]) list.push(obs);
      }
      const judged = await judgeSources(catalog, site.profile as never, asOf, sources);
      const judgedByHost = groupByHost(judged);
      const existingByHost = new Map<string, FindingRow[]>();
      for (const r of existing) (existingByHost.get(r.host_id) ?? existingByHost.set(r.host_id, []).get(r.host_id)!).push(r);

      const changes: Change[] = [];
      for (const h of hosts) {
        changes.push(
          ...reconcile({
            site: req.site,
            host: { id: h.id, name: h.name },
            existing: existingByHost.get(h.id) ?? [],
            judged: judgedByHost.get(h.name_key) ?? [],
            uploadSource: sourceName,
            at: receivedAt,
            judgeAfterClean: ctx.judgeAfterClean,
            cause: "ingest",
            ref: scanId,
          }),
        );
      }
      await writeChanges(trx, changes, { at: receivedAt, cause: "ingest", ref: scanId }, { counts: false });

      const inventories = hosts.map((h) => {
        const obs = byHost.get(h.name_key)!.observations;
        return { host_id: h.id, source: sourceName, format: req.source.format ?? null, last_seen: receivedAt, observations: obs.length, scan_id: scanId, data: JSON.stringify(obs) };
      });
      for (let i = 0; i < inventories.length; i += HOST_CHUNK) {
        await trx
          .insertInto("host_sources")
          .values(inventories.slice(i, i + HOST_CHUNK))
          .onConflict((oc) =>
            oc.columns(["host_id", "source"]).doUpdateSet((eb) => ({
              format: eb.ref("excluded.format"),
              last_seen: eb.ref("excluded.last_seen"),
              observations: eb.ref("excluded.observations"),
              scan_id: eb.ref("excluded.scan_id"),
              data: eb.ref("excluded.data"),
            })),
          )
          .execute();
      }
      for (let i = 0; i < hostIds.length; i += HOST_CHUNK) {
        await trx.updateTable("hosts").set({ last_seen: receivedAt }).where("id", "in", hostIds.slice(i, i + HOST_CHUNK)).where("last_seen", "<", receivedAt).execute();
      }

      const after = new Map(existing.map((r) => [r.id, r]));
      for (const c of changes) after.set(c.after.id, c.after);
      const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
      for (const r of after.values()) if (r.state !== "resolved") byStatus[r.status as Status]++;
      const superseded = locked.filter((h) => newer.has(h.id)).map((h) => h.name);
      const record: ScanRecord = {
        id: scanId,
        site: req.site,
        // every host the upload was received for (a superseded one too: it did report, at receivedAt)
        hosts: locked.map((h) => h.name),
        hostIds: locked.map((h) => h.id),
        ...(superseded.length > 0 ? { superseded } : {}),
        source: { name: sourceName, ...(req.source.format ? { format: req.source.format } : {}) },
        keyId: p.keyId,
        receivedAt,
        catalogVersion: catalog.version,
        catalogDigest: catalog.digest,
        profile: site.profile as ScanRecord["profile"],
        observations: count,
        byStatus,
        changes: countChanges(changes, noChanges()),
        issues: req.issues ?? 0,
        ...(key !== undefined ? { idempotencyKey: key } : {}),
        duplicate: false,
      };
      if (key !== undefined) await trx.updateTable("scans").set({ record: JSON.stringify(record) }).where("id", "=", scanId).execute();
      else await trx.insertInto("scans").values({ id: scanId, site: req.site, idempotency_key: null, key_id: p.keyId, received_at: receivedAt, record: JSON.stringify(record) }).execute();
      await audit(trx, { at: receivedAt, keyId: p.keyId, action: "scan.ingest", site: req.site, target: scanId, detail: { hosts: record.hosts.length, ...(superseded.length > 0 ? { superseded: superseded.length } : {}), source: sourceName, observations: count, changes: record.changes } });
      // last: the site's counters are rows every upload of the site updates, and PostgreSQL holds
      // their locks to the commit; taken first, they made concurrent uploads of a site wait on each
      // other for their whole transaction (judging included)
      await addSiteHosts(trx, req.site, made);
      await moveCounts(trx, changes, receivedAt);
      if (hooks.inTransaction) await hooks.inTransaction(trx, record);
      return record;
    });
  } catch (err) {
    if (key !== undefined && (err instanceof Duplicate || isUniqueViolation(err))) {
      const seen = await findByKey(ctx.db, req.site, key);
      if (seen) return seen;
    }
    throw err;
  }
}

async function findByKey(db: Db, site: string, key: string): Promise<ScanRecord | undefined> {
  const row = await db.selectFrom("scans").select("record").where("site", "=", site).where("idempotency_key", "=", key).executeTakeFirst();
  if (!row || row.record === "{}") return undefined;
  return { ...(JSON.parse(row.record) as ScanRecord), duplicate: true };
}

/**
 * The ids of `hosts` whose stored inventory of `source` is later than `receivedAt`: this upload is
 * older than what they hold, so it changes nothing of theirs. An equal instant is not later: the
 * last writer wins.
 */
async function newerInventories(trx: Db, hosts: readonly HostRow[], source: string, receivedAt: string): Promise<Set<string>> {
  const rows = await inChunks(
    hosts.map((h) => h.id),
    (ids) => trx.selectFrom("host_sources").select("host_id").where("host_id", "in", ids).where("source", "=", source).where("last_seen", ">", receivedAt).execute(),
  );
  return new Set(rows.map((r) => r.host_id));
}

/** The ids of the hosts a scan was applied to: its hosts but those it was superseded for. */
export function appliedHostIds(record: ScanRecord): string[] {
  const superseded = new Set(record.superseded ?? []);
  return (record.hostIds ?? []).filter((_, i) => !superseded.has(record.hosts[i]!));
}


function groupByHost(judged: Map<string, Judged>): Map<string, Judged[]> {
  const out = new Map<string, Judged[]>();
  for (const j of judged.values()) (out.get(j.hostKey) ?? out.set(j.hostKey, []).get(j.hostKey)!).push(j);
  return out;
}

/** Adds hosts made to the site's count: one row per site that every writer of the site updates, so it is locked until the transaction commits. */
export async function addSiteHosts(trx: Db, site: string, made: number): Promise<void> {
  if (made <= 0) return;
  await trx
    .insertInto("site_hosts")
    .values({ site, hosts: made })
    .onConflict((oc) => oc.column("site").doUpdateSet({ hosts: sql`site_hosts.hosts + excluded.hosts` }))
    .execute();
}

/** The prefix of the key of a host identified by its agent's credential (`agent:<agent id>`), never a host name. */
export const AGENT_KEY_PREFIX = "agent:";

/**
 * Creates the hosts that are new and locks them all, in key order. A host is given by its name
 * (keyed by the lower-case name) or by `{ key, name }`: an agent's host is keyed by its credential
 * and its name follows what the agent reports (a renamed machine stays one host).
 */
export async function lockHosts(
  ctx: Ctx,
  trx: Db,
  site: string,
  hosts: readonly (string | { key: string; name: string })[],
  at: string,
  evidence?: { agentId: string; machineId: string | null },
  /** Given: the site's host count is not moved here; the count of hosts made is handed to this, for the caller to add last (`addSiteHosts`). */
  countLater?: (made: number) => void,
): Promise<HostRow[]> {
  if (hosts.length === 0) return [];
  const given = hosts.map((h) => (typeof h === "string" ? { key: hostNameKey(h), name: h } : h));
  const rows: HostRow[] = [...new Map(given.map((h) => [h.key, h.name])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, name]) => ({
      id: hostIdOf(site, k),
      site,
      name,
      name_key: k,
      name_lower: hostNameKey(name),
      first_seen: at,
      last_seen: at,
      ...(k.startsWith(AGENT_KEY_PREFIX) && evidence ? { agent_id: evidence.agentId, machine_id: evidence.machineId } : {}),
    }));
  // one statement per 500 hosts, not one per host (the round trips were most of a large upload's time)
  let made = 0;
  for (let i = 0; i < rows.length; i += HOST_CHUNK) {
    const res = await trx.insertInto("hosts").values(rows.slice(i, i + HOST_CHUNK)).onConflict((oc) => oc.columns(["site", "name_key"]).doNothing()).executeTakeFirst();
    made += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  if (countLater) countLater(made);
  else await addSiteHosts(trx, site, made);
  const locked = await lockHostsByKey(ctx, trx, site, rows.map((r) => r.name_key));
  // an agent's host follows the name (and machine id) its agent reports: a rename is the same host
  for (const r of locked) {
    if (!r.name_key.startsWith(AGENT_KEY_PREFIX)) continue;
    const want = rows.find((w) => w.name_key === r.name_key)!;
    const machine = evidence?.machineId ?? r.machine_id ?? null;
    if (want.name === r.name && machine === (r.machine_id ?? null)) continue;
    await trx.updateTable("hosts").set({ name: want.name, name_lower: hostNameKey(want.name), machine_id: machine }).where("id", "=", r.id).execute();
    if (want.name !== r.name) {
      await trx.updateTable("findings").set({ host_name: want.name }).where("host_id", "=", r.id).execute();
      await audit(trx, { at, keyId: evidence?.agentId ?? "system", action: "host.rename", site, target: r.id, detail: { from: r.name, to: want.name } });
    }
    r.name = want.name;
    r.machine_id = machine;
  }
  return locked;
}

export { Duplicate };
