/**
 * @module
 * The read side: hosts, findings, scans, history, summary and trend. Lists are keyset-paged on
 * (last seen, id) newest first, with indexes for each filter (src/store/migrations.ts); every
 * query is limited to the caller's sites. The summary reads the maintained counts
 * (`posture_counts`) and the trend sums hourly deltas (`posture_deltas`), so neither scans the
 * findings table.
 */
import { duplicatesOfHosts } from "./agents.js";
import { sql } from "kysely";
import { STATUS_RANK, type Status } from "../model/finding.js";
import type { FindingRow } from "../store/schema.js";
import { READ_ROLES, INGEST_ROLES, requireRole, siteScope, canSeeSite } from "./access.js";
import { isoInstant, type Ctx, NONE } from "./context.js";
import { coverageSummary } from "./coverage.js";
import { cappedTotal, decodeCursor, limitOf, pageOf } from "./page.js";
import { eventOf, findingOf, hostOf, zeroState, zeroStatus, type Names } from "./rows.js";
import {
  FleetError,
  FINDING_STATES,
  type FindingFilter,
  type FindingState,
  type FleetFinding,
  type Host,
  type HostDetail,
  type HostFilter,
  type HostHistory,
  type FindingEvent,
  type Page,
  type PageQuery,
  type Principal,
  type ScanRecord,
  type Summary,
  type TrendInterval,
  type TrendPoint,
} from "./types.js";
import { STATUSES } from "../model/finding.js";
import { hostNameKey } from "./ids.js";

export function namesOf(ctx: Ctx): Names {
  const c = ctx.catalog.active.catalog;
  const products = new Map(c.products.map((p) => [p.id, p.name]));
  const entities = new Map(c.entities.map((e) => [e.id, e.name]));
  return { product: (id) => products.get(id), vendor: (id) => entities.get(id) };
}

const asList = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

async function hostsByIds(ctx: Ctx, ids: string[]): Promise<Map<string, Host>> {
  const out = new Map<string, Host>();
  if (ids.length === 0) return out;
  const rows = await ctx.db.selectFrom("hosts").selectAll().where("id", "in", ids).execute();
  const counts = await ctx.db
    .selectFrom("findings")
    .select(["host_id", "status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("host_id", "in", ids)
    .where("state", "!=", "resolved")
    .groupBy(["host_id", "status"])
    .execute();
  const sources = await ctx.db.selectFrom("host_sources").select(["host_id", "source", "format", "last_seen", "observations", "scan_id"]).where("host_id", "in", ids).orderBy("source").execute();
  const duplicates = await duplicatesOfHosts(ctx.db, ids);
  for (const r of rows) {
    const byStatus = zeroStatus();
    for (const c of counts) if (c.host_id === r.id) byStatus[c.status as Status] = Number(c.n);
    const src = sources
      .filter((s) => s.host_id === r.id)
      .map((s) => ({ source: s.source, ...(s.format ? { format: s.format } : {}), lastSeen: s.last_seen, observations: Number(s.observations), scanId: s.scan_id }));
    const host = hostOf(r, byStatus, src);
    const twins = duplicates.get(r.id);
    out.set(r.id, twins ? { ...host, possibleDuplicates: twins.sort() } : host);
  }
  return out;
}

export async function listHosts(ctx: Ctx, p: Principal, query: PageQuery & HostFilter = {}): Promise<Page<Host>> {
  requireRole(p, READ_ROLES, "read hosts");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("hosts").select(["id", "last_seen"]);
  if (sites !== null) q = sites.length === 1 ? q.where("site", "=", sites[0]!) : q.where("site", "in", sites.length ? sites : NONE);
  if (query.name !== undefined) {
    // a host named by uploads (its key), or an agent's host by its current name
    const k = hostNameKey(query.name);
    q = q.where((eb) => eb.or([eb("name_key", "=", k), eb.and([eb("name_lower", "=", k), eb("agent_id", "is not", null)])]));
  }
  if (query.lastSeenSince !== undefined) q = q.where("last_seen", ">=", isoInstant(query.lastSeenSince, "lastSeenSince"));
  // without filters the kept per-site count is exact and costs nothing
  const total = query.name === undefined && query.lastSeenSince === undefined ? await hostCount(ctx, sites) : await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("last_seen", "id"), "<", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("last_seen", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  const hosts = await hostsByIds(ctx, rows.slice(0, limit).map((r) => r.id));
  return pageOf(rows, limit, (r) => hosts.get(r.id)!, (r) => [r.last_seen, r.id], total);
}

async function hostCount(ctx: Ctx, sites: string[] | null): Promise<{ total: number; totalCapped: boolean }> {
  let q = ctx.db.selectFrom("site_hosts").select((eb) => eb.fn.sum<number>("hosts").as("n"));
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  return { total: Number((await q.executeTakeFirst())?.n ?? 0), totalCapped: false };
}

/**
 * The exact number of findings matching filters on site, status, state and vendor only: a sum
 * over the maintained counts (`posture_counts`), kept in the same transactions as the findings.
 */
async function countedFindings(ctx: Ctx, sites: string[] | null, statuses?: string[], states?: string[], vendor?: string): Promise<{ total: number; totalCapped: boolean }> {
  let q = ctx.db.selectFrom("posture_counts").select((eb) => eb.fn.sum<number>("n").as("n"));
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  if (statuses) q = q.where("status", "in", statuses);
  if (states) q = q.where("state", "in", states);
  if (vendor !== undefined) q = q.where("vendor", "=", vendor);
  return { total: Number((await q.executeTakeFirst())?.n ?? 0), totalCapped: false };
}

export async function getHost(ctx: Ctx, p: Principal, host: string | { site: string; name: string }): Promise<HostDetail> {
  requireRole(p, READ_ROLES, "read hosts");
  const row =
    typeof host === "string"
      ? await ctx.db.selectFrom("hosts").selectAll().where("id", "=", host).executeTakeFirst()
      : ((await ctx.db.selectFrom("hosts").selectAll().where("site", "=", host.site).where("name_key", "=", hostNameKey(host.name)).executeTakeFirst()) ??
        // an agent's host, by its current name (the most recently seen when two agents report one name)
        (await ctx.db
          .selectFrom("hosts")
          .selectAll()
          .where("site", "=", host.site)
          .where("name_lower", "=", hostNameKey(host.name))
          .where("agent_id", "is not", null)
          .orderBy("last_seen", "desc")
          .executeTakeFirst()));
  const label = typeof host === "string" ? host : `${host.site}/${host.name}`;
  if (!row || !canSeeSite(p, row.site)) throw new FleetError("not-found", `no host "${label}"`);
  const h = (await hostsByIds(ctx, [row.id])).get(row.id)!;
  const findings = await ctx.db.selectFrom("findings").selectAll().where("host_id", "=", row.id).orderBy("last_seen", "desc").orderBy("id", "desc").execute();
  const names = namesOf(ctx);
  findings.sort((a, b) => STATUS_RANK[b.status as Status] - STATUS_RANK[a.status as Status]);
  return { ...h, findingList: findings.map((f) => findingOf(f, names, true)) };
}

export async function listFindings(ctx: Ctx, p: Principal, query: PageQuery & FindingFilter = {}): Promise<Page<FleetFinding>> {
  requireRole(p, READ_ROLES, "read findings");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("findings").selectAll();
  if (sites !== null) q = sites.length === 1 ? q.where("site", "=", sites[0]!) : q.where("site", "in", sites.length ? sites : NONE);
  const statuses = asList(query.status);
  if (statuses) {
    for (const s of statuses) if (!STATUSES.includes(s)) throw new FleetError("invalid", `unknown status "${s}": expected ${STATUSES.join(", ")}`);
    q = statuses.length === 1 ? q.where("status", "=", statuses[0]!) : q.where("status", "in", statuses);
  }
  const states = asList(query.state);
  if (states) {
    for (const s of states) if (!FINDING_STATES.includes(s)) throw new FleetError("invalid", `unknown state "${s}": expected ${FINDING_STATES.join(", ")}`);
    q = states.length === 1 ? q.where("state", "=", states[0]!) : q.where("state", "in", states);
  }
  if (query.vendor !== undefined) q = q.where("vendor", "=", query.vendor);
  if (query.product !== undefined) q = q.where("product", "=", query.product);
  if (query.host !== undefined) {
    if (/^h_[0-9a-f]{20}$/.test(query.host)) q = q.where("host_id", "=", query.host);
    else {
      const k = hostNameKey(query.host);
      let hq = ctx.db.selectFrom("hosts").select("id").where((eb) => eb.or([eb("name_key", "=", k), eb.and([eb("name_lower", "=", k), eb("agent_id", "is not", null)])]));
      if (sites !== null) hq = hq.where("site", "in", sites.length ? sites : NONE);
      const ids = (await hq.execute()).map((h) => h.id);
      q = q.where("host_id", "in", ids.length ? ids : NONE);
    }
  }
  if (query.lastSeenSince !== undefined) q = q.where("last_seen", ">=", isoInstant(query.lastSeenSince, "lastSeenSince"));
  const countable = query.product === undefined && query.host === undefined && query.lastSeenSince === undefined;
  const total = countable ? await countedFindings(ctx, sites, statuses, states, query.vendor) : await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("last_seen", "id"), "<", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("last_seen", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  const names = namesOf(ctx);
  return pageOf(rows, limit, (r) => findingOf(r, names, false), (r) => [r.last_seen, r.id], total);
}

export async function findingRowFor(ctx: Ctx, p: Principal, id: string): Promise<FindingRow> {
  const row = await ctx.db.selectFrom("findings").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !canSeeSite(p, row.site)) throw new FleetError("not-found", `no finding "${id}"`);
  return row;
}

export async function getFinding(ctx: Ctx, p: Principal, id: string): Promise<FleetFinding> {
  requireRole(p, READ_ROLES, "read findings");
  return findingOf(await findingRowFor(ctx, p, id), namesOf(ctx), true);
}

export async function findingHistory(ctx: Ctx, p: Principal, id: string): Promise<FindingEvent[]> {
  requireRole(p, READ_ROLES, "read findings");
  await findingRowFor(ctx, p, id);
  const rows = await ctx.db.selectFrom("finding_events").selectAll().where("finding_id", "=", id).orderBy("at").orderBy("id").execute();
  return rows.map(eventOf);
}

export async function hostHistory(ctx: Ctx, p: Principal, hostId: string, atGiven: string): Promise<HostHistory> {
  requireRole(p, READ_ROLES, "read hosts");
  const at = isoInstant(atGiven, "at");
  const row = await ctx.db.selectFrom("hosts").selectAll().where("id", "=", hostId).executeTakeFirst();
  if (!row || !canSeeSite(p, row.site)) throw new FleetError("not-found", `no host "${hostId}"`);
  const host = (await hostsByIds(ctx, [row.id])).get(row.id)!;
  const events = (await ctx.db.selectFrom("finding_events").selectAll().where("host_id", "=", hostId).where("at", "<=", at).orderBy("at").orderBy("id").execute()).map(eventOf);
  // each finding's last change at or before the instant (events of one instant sort in write order: ids are ordered)
  const last = new Map<string, FindingEvent & { since: string }>();
  for (const e of events) {
    const prev = last.get(e.findingId);
    const since = prev && prev.status === e.status && prev.state === e.state ? prev.since : e.at;
    last.set(e.findingId, { ...e, since });
  }
  const ids = [...last.keys()];
  const rows = ids.length ? await ctx.db.selectFrom("findings").select(["id", "engine_id", "vendor", "product"]).where("id", "in", ids).execute() : [];
  const info = new Map(rows.map((r) => [r.id, r]));
  const findings = [...last.values()]
    .filter((e) => e.state !== "resolved")
    .map((e) => {
      const r = info.get(e.findingId)!;
      return { id: e.findingId, engineId: r.engine_id, vendor: r.vendor, product: r.product, status: e.status, state: e.state, since: e.since };
    })
    .sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status] || a.product.localeCompare(b.product));
  return { host, at, findings, events };
}

export async function getScan(ctx: Ctx, p: Principal, id: string): Promise<ScanRecord> {
  requireRole(p, [...READ_ROLES, ...INGEST_ROLES], "read scans");
  const row = await ctx.db.selectFrom("scans").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !canSeeSite(p, row.site) || row.record === "{}") throw new FleetError("not-found", `no scan "${id}"`);
  if (p.role === "ingest" && row.key_id !== p.keyId) throw new FleetError("not-found", `no scan "${id}"`);
  return JSON.parse(row.record) as ScanRecord;
}

export async function listScans(ctx: Ctx, p: Principal, query: PageQuery & { site?: string; host?: string } = {}): Promise<Page<ScanRecord>> {
  requireRole(p, READ_ROLES, "list scans");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("scans").selectAll().where("record", "!=", "{}");
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  if (query.host !== undefined) {
    const host = /^h_[0-9a-f]{20}$/.test(query.host) ? query.host : undefined;
    const hostRows = host
      ? await ctx.db.selectFrom("host_sources").select("scan_id").where("host_id", "=", host).execute()
      : [];
    // scans of a host: those that wrote one of its sources (the latest per source) — by id only
    q = q.where("id", "in", hostRows.length ? hostRows.map((r) => r.scan_id) : NONE);
  }
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("received_at", "id"), "<", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("received_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  return pageOf(rows, limit, (r) => JSON.parse(r.record) as ScanRecord, (r) => [r.received_at, r.id], total);
}

export async function summary(ctx: Ctx, p: Principal, query: { site?: string; silentSince?: string } = {}): Promise<Summary> {
  requireRole(p, READ_ROLES, "read the summary");
  const sites = siteScope(p, query.site);
  const now = ctx.clock();
  let q = ctx.db.selectFrom("posture_counts").select(["site", "vendor", "status", "state", "deadline", "n"]).where("n", "!=", 0);
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : NONE);
  const rows = await q.execute();
  const byStatus = zeroStatus();
  const byState = zeroState();
  const vendors = new Map<string, Record<Status, number>>();
  const siteCounts = new Map<string, Record<Status, number>>();
  const deadlines = new Map<string, number>();
  const today = now.toISOString().slice(0, 10);
  for (const r of rows) {
    const n = Number(r.n);
    byState[r.state as FindingState] += n;
    if (r.state === "resolved") continue;
    const st = r.status as Status;
    byStatus[st] += n;
    (vendors.get(r.vendor) ?? vendors.set(r.vendor, zeroStatus()).get(r.vendor)!)[st] += n;
    (siteCounts.get(r.site) ?? siteCounts.set(r.site, zeroStatus()).get(r.site)!)[st] += n;
    if (r.deadline && r.deadline.slice(0, 10) >= today) deadlines.set(r.deadline, (deadlines.get(r.deadline) ?? 0) + n);
  }
  const total = (c: Record<Status, number>): number => STATUSES.reduce((s, k) => s + c[k], 0);
  let sq = ctx.db.selectFrom("sites").select(["name", "profile"]);
  if (sites !== null) sq = sq.where("name", "in", sites.length ? sites : NONE);
  const siteRows = await sq.orderBy("name").execute();
  const hosts = (await hostCount(ctx, sites)).total;
  const silentSince = query.silentSince ? isoInstant(query.silentSince, "silentSince") : new Date(now.getTime() - 7 * 86_400_000).toISOString();
  return {
    at: now.toISOString(),
    byStatus,
    byState,
    byVendor: [...vendors.entries()].map(([vendor, c]) => ({ vendor, byStatus: c, total: total(c) })).sort((a, b) => b.total - a.total || a.vendor.localeCompare(b.vendor)),
    bySite: siteRows.map((s) => {
      const c = siteCounts.get(s.name) ?? zeroStatus();
      return { site: s.name, profile: s.profile as Summary["bySite"][number]["profile"], byStatus: c, total: total(c) };
    }),
    nextDeadlines: [...deadlines.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, 10).map(([date, findings]) => ({ date, findings })),
    hosts,
    coverage: await coverageSummary(ctx, sites, silentSince),
  };
}

const STEP_MS: Record<TrendInterval, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const MAX_POINTS = 1000;

export async function trend(ctx: Ctx, p: Principal, query: { from: string; to: string; interval?: TrendInterval; site?: string }): Promise<TrendPoint[]> {
  requireRole(p, READ_ROLES, "read the trend");
  const sites = siteScope(p, query.site);
  const interval = query.interval ?? "day";
  const step = STEP_MS[interval];
  if (!step) throw new FleetError("invalid", `unknown interval "${interval}": expected hour, day or week`);
  const fromMs = Date.parse(isoInstant(query.from, "from"));
  const toMs = Date.parse(isoInstant(query.to, "to"));
  if (toMs < fromMs) throw new FleetError("invalid", "`to` is before `from`");
  // intervals aligned to UTC (weeks to Monday 00:00 UTC); each point is the posture at its interval's end
  const start = interval === "week" ? alignWeek(fromMs) : Math.floor(fromMs / step) * step;
  const points: number[] = [];
  for (let t = start; t <= toMs && points.length <= MAX_POINTS; t += step) points.push(t + step);
  if (points.length > MAX_POINTS) throw new FleetError("invalid", `more than ${MAX_POINTS} points: use a longer interval or a shorter range`);
  const first = new Date(points[0]!).toISOString();
  const last = new Date(points[points.length - 1]!).toISOString();
  // day and week points fall on UTC midnights: the per-day deltas answer them exactly, with 24 times fewer rows
  const daily = interval !== "hour";
  const table = daily ? ("posture_deltas_day" as const) : ("posture_deltas" as const);
  const key = daily ? "day" : "bucket";
  const cut = (iso: string): string => (daily ? iso.slice(0, 10) : iso);
  let base = ctx.db.selectFrom(table).select(["status", "state", (eb) => eb.fn.sum<number>("delta").as("n")]).where(key as never, "<", cut(first) as never);
  if (sites !== null) base = base.where("site", "in", sites.length ? sites : NONE);
  const baseRows = await base.groupBy(["status", "state"]).execute();
  let inner = ctx.db
    .selectFrom(table)
    .select([sql<string>`${sql.ref(key)}`.as("bucket"), "status", "state", (eb) => eb.fn.sum<number>("delta").as("n")])
    .where(key as never, ">=", cut(first) as never)
    .where(key as never, "<", cut(last) as never);
  if (sites !== null) inner = inner.where("site", "in", sites.length ? sites : NONE);
  const deltaRows = await inner.groupBy([key as never, "status", "state"]).orderBy(key as never).execute();
  const current = new Map<string, number>();
  const add = (status: string, state: string, n: number): void => void current.set(`${status}\u0000${state}`, (current.get(`${status}\u0000${state}`) ?? 0) + Number(n));
  for (const r of baseRows) add(r.status, r.state, r.n);
  const out: TrendPoint[] = [];
  let i = 0;
  for (const t of points) {
    const at = new Date(t).toISOString();
    while (i < deltaRows.length && deltaRows[i]!.bucket < cut(at)) {
      add(deltaRows[i]!.status, deltaRows[i]!.state, deltaRows[i]!.n);
      i++;
    }
    const byStatus = zeroStatus();
    const byState = zeroState();
    for (const [k, n] of current) {
      const [status, state] = k.split("\u0000") as [Status, FindingState];
      byState[state] += n;
      if (state !== "resolved") byStatus[status] += n;
    }
    out.push({ at, byStatus, byState });
  }
  return out;
}

function alignWeek(ms: number): number {
  const day = Math.floor(ms / 86_400_000) * 86_400_000;
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return day - dow * 86_400_000;
}

