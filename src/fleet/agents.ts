/**
 * @module
 * Agents and host identity. An agent enrolls with a site's enrollment token and gets its own
 * credential (`ictga_<id>_<secret>`, only SHA-256 of the secret stored). Its host is identified by
 * (site, credential): the host's key is `agent:<agent id>`, so its id and its findings' ids do not
 * change when the machine is renamed. The machine id the agent reports is evidence, never
 * identity, because cloned VMs share hardware UUIDs and machine ids (FleetDM's long-standing
 * problem: hosts keyed by hardware UUID took each other's place, fleetdm/fleet#102, #373, #18645):
 *
 * - two credentials reporting one machine id (a cloned VM, or a machine enrolled again after a
 *   re-image) are two hosts, flagged as a possible duplicate (`machine-id`);
 * - one credential reporting a second machine id (its state folder copied to another machine)
 *   sends that machine's uploads to a host of its own, `agent:<id>:<machine id prefix>`, flagged
 *   (`credential`): one machine's inventory never replaces another's.
 *
 * Nothing is merged by itself: an admin merges two hosts (`merge`), audit-logged.
 */
import type { FindingRow, HostRow } from "../store/schema.js";
import { findingId } from "../scan/finding-id.js";
import { ADMIN_ROLES, canSeeSite, READ_ROLES, requireRole, requireSite, siteScope } from "./access.js";
import type { AgentCaller, AgentInfo, AgentUpload, EnrolledAgent, HostDuplicate, MachineFacts, MergeResult } from "./agent-types.js";
import { audit } from "./audit.js";
import { hashOf, newSecret, sameHash, verifyEnrollmentToken } from "./auth.js";
import { lockable, nowIso, type Ctx, type Db, NONE } from "./context.js";
import { fleetFindingId, hostIdOf, publicId, randomId } from "./ids.js";
import { AGENT_KEY_PREFIX, ingest, lockHosts } from "./ingest.js";
import { hourOf, moveCounts } from "./lifecycle.js";
import { FleetError, type Principal, type ScanRecord } from "./types.js";

const AGENT_CREDENTIAL = /^ictga_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const UPLOAD_ID = /^[A-Za-z0-9_-]{8,100}$/;

/** The key of an agent's host: `agent:<id>`. */
export const agentHostKey = (agentId: string): string => `${AGENT_KEY_PREFIX}${agentId}`;

/** Checks what an agent says about its machine (it is evidence, shown to people: bounded and plain). */
export function checkFacts(facts: MachineFacts): MachineFacts {
  const hostname = typeof facts.hostname === "string" ? facts.hostname.trim() : "";
  if (!hostname || hostname.length > 255 || /[\u0000-\u001f]/.test(hostname)) throw new FleetError("invalid", "hostname must be 1 to 255 characters without control characters");
  const machineId = facts.machineId === null || facts.machineId === undefined ? null : String(facts.machineId).trim().toLowerCase();
  if (machineId !== null && !/^[0-9a-f-]{8,128}$/.test(machineId)) throw new FleetError("invalid", "machineId must be 8 to 128 hexadecimal digits (and dashes), or null");
  const os = facts.os === undefined ? undefined : String(facts.os).slice(0, 100);
  return { hostname, machineId, ...(os ? { os } : {}) };
}

function agentInfo(r: import("../store/schema.js").AgentRow): AgentInfo {
  return {
    id: r.id,
    site: r.site,
    hostId: r.host_id,
    machineId: r.machine_id,
    hostname: r.hostname,
    ...(r.os ? { os: r.os } : {}),
    enrolledAt: r.enrolled_at,
    ...(r.last_seen_at ? { lastSeenAt: r.last_seen_at } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  };
}

function duplicateOf(r: import("../store/schema.js").HostDuplicateRow): HostDuplicate {
  return {
    id: r.id,
    site: r.site,
    kind: r.kind as HostDuplicate["kind"],
    machineId: r.machine_id,
    hosts: [r.host_a, r.host_b],
    detectedAt: r.detected_at,
    ...(r.resolved_at ? { resolvedAt: r.resolved_at } : {}),
    ...(r.resolution ? { resolution: r.resolution } : {}),
  };
}

/** Records a possible duplicate once per (site, kind, pair); answers it (new or already known). */
async function flagDuplicate(db: Db, input: { site: string; kind: HostDuplicate["kind"]; machineId: string | null; a: string; b: string; at: string }): Promise<HostDuplicate> {
  await db
    .insertInto("host_duplicates")
    .values({ id: randomId("d", 10), site: input.site, kind: input.kind, machine_id: input.machineId, host_a: input.a, host_b: input.b, detected_at: input.at, resolved_at: null, resolution: null })
    .onConflict((oc) => oc.columns(["site", "kind", "host_a", "host_b"]).doNothing())
    .execute();
  const row = await db.selectFrom("host_duplicates").selectAll().where("site", "=", input.site).where("kind", "=", input.kind).where("host_a", "=", input.a).where("host_b", "=", input.b).executeTakeFirstOrThrow();
  return duplicateOf(row);
}

export async function enrollAgent(ctx: Ctx, token: string, given: MachineFacts): Promise<EnrolledAgent> {
  const enrollment = await verifyEnrollmentToken(ctx, token);
  if (!enrollment) throw new FleetError("unauthenticated", "the enrollment token is not valid (unknown, revoked or expired): ask an admin for a new one (ictsguard server token create)");
  const facts = checkFacts(given);
  const id = publicId();
  const secret = newSecret();
  const at = nowIso(ctx);
  const site = enrollment.site;
  const key = agentHostKey(id);
  const hostId = hostIdOf(site, key);
  const duplicates = await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("agents")
      .values({ id, site, secret_hash: hashOf(secret), host_id: hostId, machine_id: facts.machineId, hostname: facts.hostname, os: facts.os ?? null, enrollment_id: enrollment.id, enrolled_at: at, last_seen_at: null, revoked_at: null })
      .execute();
    await lockHosts(ctx, trx, site, [{ key, name: facts.hostname }], at, { agentId: id, machineId: facts.machineId });
    const found: HostDuplicate[] = [];
    if (facts.machineId !== null) {
      const others = await trx.selectFrom("agents").select(["id", "host_id"]).where("site", "=", site).where("machine_id", "=", facts.machineId).where("id", "!=", id).where("revoked_at", "is", null).execute();
      for (const host of [...new Set(others.map((o) => o.host_id))].sort()) {
        if (host === hostId) continue;
        found.push(await flagDuplicate(trx, { site, kind: "machine-id", machineId: facts.machineId, a: host, b: hostId, at }));
      }
    }
    await audit(trx, { at, keyId: `enrollment:${enrollment.id}`, action: "agent.enroll", site, target: id, detail: { host: hostId, hostname: facts.hostname, machineId: facts.machineId, duplicates: found.map((d) => d.id) } });
    return found;
  });
  const row = await ctx.db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return { agent: agentInfo(row), credential: `ictga_${id}_${secret}`, duplicates };
}

export async function authenticateAgent(ctx: Ctx, credential: string): Promise<AgentCaller | null> {
  const m = AGENT_CREDENTIAL.exec(credential.trim());
  const row = m ? await ctx.db.selectFrom("agents").selectAll().where("id", "=", m[1]!).executeTakeFirst() : undefined;
  const ok = sameHash(row?.secret_hash, m?.[2] ?? "");
  if (!row || !ok || row.revoked_at) return null;
  return { agentId: row.id, site: row.site, hostId: row.host_id, enrolledMachineId: row.machine_id };
}

export async function agentIngest(ctx: Ctx, caller: AgentCaller, upload: AgentUpload): Promise<ScanRecord> {
  const facts = checkFacts(upload.facts);
  if (!UPLOAD_ID.test(upload.uploadId)) throw new FleetError("invalid", "the upload id must be 8 to 100 characters of A-Z a-z 0-9 _ -");
  const row = await ctx.db.selectFrom("agents").selectAll().where("id", "=", caller.agentId).executeTakeFirst();
  if (!row || row.revoked_at) throw new FleetError("unauthenticated", "this agent's credential was revoked");
  const host = await ctx.db.selectFrom("hosts").selectAll().where("id", "=", row.host_id).executeTakeFirst();
  if (!host) throw new FleetError("not-found", `the agent's host ${row.host_id} no longer exists`);
  const at = nowIso(ctx);
  let key = host.name_key;
  if (row.machine_id !== null && facts.machineId !== null && facts.machineId !== row.machine_id) {
    // the credential is on a second machine (a copied state folder): that machine gets a host of its own, flagged
    key = `${agentHostKey(row.id)}:${facts.machineId.replace(/-/g, "").slice(0, 16)}`;
    await flagDuplicate(ctx.db, { site: row.site, kind: "credential", machineId: facts.machineId, a: row.host_id, b: hostIdOf(row.site, key), at });
  } else if (row.machine_id === null && facts.machineId !== null) {
    await ctx.db.updateTable("agents").set({ machine_id: facts.machineId }).where("id", "=", row.id).execute();
  }
  const principal: Principal = { keyId: `agent:${row.id}`, role: "ingest", sites: [row.site] };
  const scan = await ingest(ctx, {
    principal,
    site: row.site,
    host: facts.hostname,
    hostKey: key,
    hostEvidence: { agentId: row.id, machineId: facts.machineId },
    observations: upload.observations,
    source: { name: upload.source ?? "agent", ...(upload.format ? { format: upload.format } : {}) },
    idempotencyKey: `agent:${row.id}:${upload.uploadId}`,
    ...(upload.issues !== undefined ? { issues: upload.issues } : {}),
  });
  if (!scan.duplicate) {
    await ctx.db.updateTable("agents").set({ last_seen_at: at, hostname: facts.hostname, os: facts.os ?? row.os }).where("id", "=", row.id).execute();
  }
  return scan;
}

export async function listAgents(ctx: Ctx, p: Principal, query: { site?: string } = {}): Promise<AgentInfo[]> {
  requireRole(p, READ_ROLES, "list agents");
  const sites = siteScope(p, query.site);
  let q = ctx.db.selectFrom("agents").selectAll().orderBy("enrolled_at").orderBy("id");
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  return (await q.execute()).map(agentInfo);
}

export async function listDuplicates(ctx: Ctx, p: Principal, query: { site?: string; open?: boolean } = {}): Promise<HostDuplicate[]> {
  requireRole(p, READ_ROLES, "list possible duplicate hosts");
  const sites = siteScope(p, query.site);
  let q = ctx.db.selectFrom("host_duplicates").selectAll().orderBy("detected_at", "desc").orderBy("id", "desc").limit(1000);
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  if (query.open ?? true) q = q.where("resolved_at", "is", null);
  return (await q.execute()).map(duplicateOf);
}

/** The open possible duplicates of some hosts, by host id (for the hosts' answers). */
export async function duplicatesOfHosts(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom("host_duplicates")
    .select(["host_a", "host_b"])
    .where("resolved_at", "is", null)
    .where((eb) => eb.or([eb("host_a", "in", [...ids]), eb("host_b", "in", [...ids])]))
    .execute();
  const add = (a: string, b: string): void => {
    const list = out.get(a) ?? out.set(a, []).get(a)!;
    if (!list.includes(b)) list.push(b);
  };
  for (const r of rows) {
    add(r.host_a, r.host_b);
    add(r.host_b, r.host_a);
  }
  return out;
}

/**
 * Merges host `merge` into host `keep` (same site), in one transaction:
 * - sources: each source of the merged host whose inventory is newer than the kept host's (or
 *   that the kept host lacks) moves over, its observations re-keyed to the kept host;
 * - findings: a finding id derives from the host key (src/scan/finding-id.ts), so each finding of
 *   the merged host gets the id it has on the kept host: `f_` of (site, engine id of (kept host
 *   key, product)). When the kept host has that finding already, the two become one: the earliest
 *   first seen is kept, and the state and verdict of the one seen last; otherwise the finding moves
 *   with its first seen, state and counts. Their history events and exceptions follow the new id;
 *   the map of old to new ids is in the answer and the audit log (`host.merge`);
 * - agents reporting into the merged host report into the kept one from then on;
 * - the merged host is deleted, and its possible-duplicate flags are resolved `merged`.
 */
export async function mergeHosts(ctx: Ctx, p: Principal, input: { keep: string; merge: string }): Promise<MergeResult> {
  requireRole(p, ADMIN_ROLES, "merge hosts");
  if (input.keep === input.merge) throw new FleetError("invalid", "a host cannot be merged into itself");
  const at = nowIso(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom("hosts").selectAll().where("id", "in", [input.keep, input.merge]).orderBy("id");
    if (lockable(ctx)) q = q.forUpdate();
    const rows = await q.execute();
    const a = rows.find((r) => r.id === input.keep);
    const b = rows.find((r) => r.id === input.merge);
    if (!a || !canSeeSite(p, a.site)) throw new FleetError("not-found", `no host "${input.keep}"`);
    if (!b || !canSeeSite(p, b.site)) throw new FleetError("not-found", `no host "${input.merge}"`);
    requireSite(p, a.site);
    if (a.site !== b.site) throw new FleetError("invalid", `hosts of two sites (${a.site}, ${b.site}) cannot be merged`);

    const sourcesMoved = await moveSources(trx, a, b);
    const { moved, joined, ids } = await moveFindings(trx, a, b, at);
    const agents = (await trx.selectFrom("agents").select("id").where("host_id", "=", b.id).execute()).map((r) => r.id).sort();
    if (agents.length > 0) await trx.updateTable("agents").set({ host_id: a.id }).where("host_id", "=", b.id).execute();
    await trx
      .updateTable("hosts")
      .set({ first_seen: a.first_seen < b.first_seen ? a.first_seen : b.first_seen, last_seen: a.last_seen > b.last_seen ? a.last_seen : b.last_seen })
      .where("id", "=", a.id)
      .execute();
    await trx.deleteFrom("hosts").where("id", "=", b.id).execute();
    await trx.updateTable("site_hosts").set((eb) => ({ hosts: eb("hosts", "-", 1) })).where("site", "=", a.site).execute();
    await trx
      .updateTable("host_duplicates")
      .set({ resolved_at: at, resolution: "merged" })
      .where("resolved_at", "is", null)
      .where((eb) => eb.or([eb("host_a", "=", b.id), eb("host_b", "=", b.id)]))
      .execute();
    const result: MergeResult = { kept: a.id, merged: b.id, findingsMoved: moved, findingsJoined: joined, ids, sourcesMoved, agents };
    await audit(trx, { at, keyId: p.keyId, action: "host.merge", site: a.site, target: a.id, detail: { ...result, keptName: a.name, mergedName: b.name } });
    return result;
  });
}

async function moveSources(trx: Db, a: HostRow, b: HostRow): Promise<number> {
  const mine = new Map((await trx.selectFrom("host_sources").selectAll().where("host_id", "=", a.id).execute()).map((s) => [s.source, s]));
  const theirs = await trx.selectFrom("host_sources").selectAll().where("host_id", "=", b.id).execute();
  let moved = 0;
  for (const s of theirs) {
    const kept = mine.get(s.source);
    if (kept && kept.last_seen >= s.last_seen) continue;
    const data = JSON.stringify((JSON.parse(s.data) as { host?: string }[]).map((o) => ({ ...o, host: a.name_key })));
    const values = { format: s.format, last_seen: s.last_seen, observations: s.observations, scan_id: s.scan_id, data };
    await trx
      .insertInto("host_sources")
      .values({ host_id: a.id, source: s.source, ...values })
      .onConflict((oc) => oc.columns(["host_id", "source"]).doUpdateSet(values))
      .execute();
    moved++;
  }
  await trx.deleteFrom("host_sources").where("host_id", "=", b.id).execute();
  return moved;
}

async function moveFindings(trx: Db, a: HostRow, b: HostRow, at: string): Promise<{ moved: number; joined: number; ids: Record<string, string> }> {
  const kept = new Map((await trx.selectFrom("findings").selectAll().where("host_id", "=", a.id).execute()).map((f) => [f.engine_id, f]));
  const theirs = await trx.selectFrom("findings").selectAll().where("host_id", "=", b.id).orderBy("id").execute();
  const ids: Record<string, string> = {};
  let moved = 0;
  let joined = 0;
  for (const f of theirs) {
    const engine = findingId(a.name_key, f.product);
    const twin = kept.get(engine);
    if (!twin) {
      const row: FindingRow = { ...f, id: fleetFindingId(a.site, engine), engine_id: engine, host_id: a.id, host_name: a.name, updated_at: at };
      await trx.insertInto("findings").values(row).execute();
      await repoint(trx, f.id, row.id, a.id);
      await trx.deleteFrom("findings").where("id", "=", f.id).execute();
      kept.set(engine, row);
      ids[f.id] = row.id;
      moved++;
      continue;
    }
    // one finding now: the earliest first seen; the state and verdict of the one seen last
    const newer = f.last_seen > twin.last_seen;
    const after: FindingRow = {
      ...(newer ? { ...f, id: twin.id, engine_id: twin.engine_id, host_id: a.id, host_name: a.name, exception_id: f.exception_id ?? twin.exception_id } : twin),
      first_seen: f.first_seen < twin.first_seen ? f.first_seen : twin.first_seen,
      reopened: Math.max(f.reopened, twin.reopened),
      updated_at: at,
    };
    const { id, ...rest } = after;
    await trx.updateTable("findings").set(rest).where("id", "=", id).execute();
    await repoint(trx, f.id, twin.id, a.id);
    await trx.deleteFrom("findings").where("id", "=", f.id).execute();
    // the counts: the twin as it became, and the merged row gone
    await moveCounts(trx, [{ before: twin, after }], at);
    await dropCount(trx, f, at);
    if (twin.status !== after.status || twin.state !== after.state) {
      await trx
        .insertInto("finding_events")
        .values({ id: randomId("e"), finding_id: twin.id, host_id: a.id, site: a.site, at, cause: "merge", status: after.status, state: after.state, prev_status: twin.status, prev_state: twin.state, ref: b.id })
        .execute();
    }
    kept.set(engine, after);
    ids[f.id] = twin.id;
    joined++;
  }
  return { moved, joined, ids };
}

/** History events and exceptions of a finding follow it to its new id. */
async function repoint(trx: Db, from: string, to: string, hostId: string): Promise<void> {
  await trx.updateTable("finding_events").set({ finding_id: to, host_id: hostId }).where("finding_id", "=", from).execute();
  await trx.updateTable("exceptions").set({ finding_id: to }).where("finding_id", "=", from).execute();
}

/** A finding row deleted (joined into its twin): one fewer in the counts, now. */
async function dropCount(trx: Db, f: FindingRow, at: string): Promise<void> {
  await trx
    .updateTable("posture_counts")
    .set((eb) => ({ n: eb("n", "-", 1) }))
    .where("site", "=", f.site)
    .where("vendor", "=", f.vendor)
    .where("status", "=", f.status)
    .where("state", "=", f.state)
    .where("deadline", "=", f.deadline)
    .execute();
  const bucket = hourOf(at);
  await trx
    .insertInto("posture_deltas")
    .values({ site: f.site, bucket, status: f.status, state: f.state, delta: -1 })
    .onConflict((oc) => oc.columns(["site", "bucket", "status", "state"]).doUpdateSet((eb) => ({ delta: eb("posture_deltas.delta", "-", 1) })))
    .execute();
  await trx
    .insertInto("posture_deltas_day")
    .values({ site: f.site, day: bucket.slice(0, 10), status: f.status, state: f.state, delta: -1 })
    .onConflict((oc) => oc.columns(["site", "day", "status", "state"]).doUpdateSet((eb) => ({ delta: eb("posture_deltas_day.delta", "-", 1) })))
    .execute();
}
