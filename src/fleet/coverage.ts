/**
 * @module
 * Coverage, because unknown is not clean: a site's asset list (imported from a CSV of host
 * names or ids), and which assets never reported or fell silent since a date. An asset is a host
 * of its site whose key is the asset's lower-case trimmed name (hosts named by uploads), or an
 * agent's host whose current name is that name and that sent an inventory: agent hosts are keyed
 * `agent:<id>` (their name follows the machine), and queries.ts finds them by `name_lower` the
 * same way. No other rule (FQDN against short name, fuzzy names): a wrong match would call an
 * asset covered that is not.
 */
import { parse } from "csv-parse/sync";
import { sql, type RawBuilder } from "kysely";
import { ADMIN_ROLES, READ_ROLES, requireRole, siteScope, requireSite } from "./access.js";
import { audit } from "./audit.js";
import { isoInstant, nowIso, type Ctx, NONE } from "./context.js";
import { hostIdOf, hostNameKey } from "./ids.js";
import { cappedTotal, decodeCursor, limitOf, pageOf } from "./page.js";
import { siteRow } from "./sites.js";
import { FleetError, type Asset, type CoverageQuery, type CoverageSummary, type Page, type Principal } from "./types.js";

/** Header names taken as the host column, in order of preference. */
const NAME_COLUMNS = ["name", "host", "hostname", "host_name", "computer", "computername", "device", "asset", "id"];
const MAX_ASSETS = 1_000_000;

export async function importAssets(ctx: Ctx, p: Principal, input: { site: string; csv: string; replace?: boolean }): Promise<{ imported: number; errors: { line: number; message: string }[] }> {
  requireRole(p, ADMIN_ROLES, "import asset lists");
  requireSite(p, input.site);
  await siteRow(ctx.db, input.site);
  let records: string[][];
  try {
    records = parse(input.csv, { relax_column_count: true, skip_empty_lines: false, bom: true, trim: true }) as string[][];
  } catch (err) {
    throw new FleetError("invalid", `the asset list is not CSV: ${(err as Error).message}`);
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase().replace(/[\s-]+/g, "_"));
  const col = NAME_COLUMNS.map((n) => header.indexOf(n)).find((i) => i >= 0);
  const first = col === undefined ? 0 : 1;
  const column = col ?? 0;
  const errors: { line: number; message: string }[] = [];
  const names = new Map<string, string>();
  for (let i = first; i < records.length; i++) {
    const row = records[i]!;
    if (row.length === 1 && row[0] === "") continue; // blank line
    const name = row[column]?.trim() ?? "";
    if (!name) {
      errors.push({ line: i + 1, message: `no host name in column ${column + 1}${col !== undefined ? ` (${header[column]})` : ""}` });
      continue;
    }
    names.set(hostNameKey(name), name);
    if (names.size > MAX_ASSETS) throw new FleetError("invalid", `more than ${MAX_ASSETS} assets in one list`);
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    if (input.replace) await trx.deleteFrom("assets").where("site", "=", input.site).execute();
    const rows = [...names.entries()].map(([name_key, name]) => ({ site: input.site, name_key, name, imported_at: at }));
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto("assets")
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(["site", "name_key"]).doUpdateSet({ imported_at: at }))
        .execute();
    }
    await audit(trx, { at, keyId: p.keyId, action: "assets.import", site: input.site, detail: { imported: rows.length, replace: input.replace === true, errors: errors.length } });
  });
  return { imported: names.size, errors };
}

/**
 * Which hosts are asset `a` (a table alias with `site` and `name_key`), as the conditions on a
 * host `h` of two subqueries, each on its own index (hosts (site, name_key), hosts (site,
 * name_lower)): by key, and agent hosts by their current name. An agent's host exists from its
 * enrollment, so it counts only once it sent an inventory (a `host_sources` row): an agent that
 * enrolled and never uploaded has not covered its machine. `seenSince` keeps only hosts seen at
 * or after that instant.
 */
function hostsOf(a: string, seenSince?: string): [RawBuilder<boolean>, RawBuilder<boolean>] {
  const since = seenSince === undefined ? sql`` : sql` and h.last_seen >= ${seenSince}`;
  const asset = sql.table(a);
  return [
    sql<boolean>`h.site = ${asset}.site and h.name_key = ${asset}.name_key${since}`,
    sql<boolean>`h.site = ${asset}.site and h.name_lower = ${asset}.name_key and h.agent_id is not null${since}
      and exists (select 1 from host_sources s where s.host_id = h.id)`,
  ];
}

/** True for an asset some host of its site is (by key, or an agent host by its current name). */
function reported(a: string, seenSince?: string): RawBuilder<boolean> {
  const [byKey, byName] = hostsOf(a, seenSince);
  return sql<boolean>`(exists (select 1 from hosts h where ${byKey}) or exists (select 1 from hosts h where ${byName}))`;
}

export async function coverage(ctx: Ctx, p: Principal, query: CoverageQuery): Promise<Page<Asset>> {
  requireRole(p, READ_ROLES, "read coverage");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  const [byKey, byName] = hostsOf("assets");
  let q = ctx.db
    .selectFrom("assets")
    .select(["assets.site as site", "assets.name_key as name_key", "assets.name as name", "assets.imported_at as imported_at"])
    // each way of matching answers at most one host: the key is unique; of agent hosts with the name, the one seen last
    .select([
      sql<string | null>`(select h.id from hosts h where ${byKey})`.as("key_host"),
      sql<string | null>`(select h.last_seen from hosts h where ${byKey})`.as("key_seen"),
      sql<string | null>`(select h.id from hosts h where ${byName} order by h.last_seen desc, h.id limit 1)`.as("name_host"),
      sql<string | null>`(select max(h.last_seen) from hosts h where ${byName})`.as("name_seen"),
    ]);
  if (sites !== null) q = q.where("assets.site", "in", sites.length ? sites : NONE);
  if (query.kind === "never-reported") q = q.where(sql<boolean>`not ${reported("assets")}`);
  else if (query.kind === "silent") {
    if (!query.since) throw new FleetError("invalid", "coverage of silent assets needs `since`");
    // reported, but none of its hosts since
    q = q.where(reported("assets")).where(sql<boolean>`not ${reported("assets", isoInstant(query.since, "since"))}`);
  } else throw new FleetError("invalid", `unknown coverage kind "${String(query.kind)}": expected never-reported or silent`);
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("assets.site", "assets.name_key"), ">", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("assets.site").orderBy("assets.name_key").limit(limit + 1).execute();
  return pageOf(
    rows,
    limit,
    (r) => {
      // the host seen last, when both ways match (an uploaded inventory named like an agent's machine)
      const byName = r.name_seen !== null && (r.key_seen === null || r.name_seen > r.key_seen);
      return { site: r.site, name: r.name, hostId: (byName ? r.name_host : r.key_host) ?? null, lastSeen: (byName ? r.name_seen : r.key_seen) ?? null, importedAt: r.imported_at };
    },
    (r) => [r.site, r.name_key],
    total,
  );
}

export async function coverageSummary(ctx: Ctx, sites: string[] | null, silentSince: string): Promise<CoverageSummary> {
  const scope = sites === null ? undefined : sites.length ? sites : NONE;
  let a = ctx.db
    .selectFrom("assets")
    .select((eb) => [
      eb.fn.countAll<number>().as("assets"),
      eb.fn.sum<number>(sql`case when ${reported("assets")} then 1 else 0 end`).as("reported"),
      eb.fn.sum<number>(sql`case when ${reported("assets")} and not ${reported("assets", silentSince)} then 1 else 0 end`).as("silent"),
    ]);
  if (scope) a = a.where("assets.site", "in", scope);
  const r = await a.executeTakeFirstOrThrow();
  // hosts on no list: no asset has the host's key, nor (an agent's host) its current name
  let u = ctx.db
    .selectFrom("hosts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(sql<boolean>`not exists (select 1 from assets a where a.site = hosts.site and a.name_key = hosts.name_key)`)
    .where(sql<boolean>`(hosts.agent_id is null or not exists (select 1 from assets a where a.site = hosts.site and a.name_key = hosts.name_lower))`);
  if (scope) u = u.where("hosts.site", "in", scope);
  const assets = Number(r.assets);
  const reportedCount = Number(r.reported ?? 0);
  // hosts that report but are on no list are counted only where a list exists (a site without one has no notion of "unlisted")
  const unlisted = assets > 0 ? Number((await u.executeTakeFirstOrThrow()).n) : 0;
  return { assets, reported: reportedCount, neverReported: assets - reportedCount, silent: Number(r.silent ?? 0), silentSince, unlisted };
}

export { hostIdOf };
