/**
 * @module
 * Coverage, because unknown is not clean: a site's asset list (imported from a CSV of host
 * names or ids), and which assets never reported or fell silent since a date. Assets match
 * hosts on the lower-case trimmed name, within their site.
 */
import { parse } from "csv-parse/sync";
import { ADMIN_ROLES, READ_ROLES, requireRole, siteScope, requireSite } from "./access.js";
import { audit } from "./audit.js";
import { isoInstant, nowIso, type Ctx } from "./context.js";
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

export async function coverage(ctx: Ctx, p: Principal, query: CoverageQuery): Promise<Page<Asset>> {
  requireRole(p, READ_ROLES, "read coverage");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db
    .selectFrom("assets")
    .leftJoin("hosts", (j) => j.onRef("hosts.site", "=", "assets.site").onRef("hosts.name_key", "=", "assets.name_key"))
    .select(["assets.site as site", "assets.name_key as name_key", "assets.name as name", "assets.imported_at as imported_at", "hosts.id as host_id", "hosts.last_seen as last_seen"]);
  if (sites !== null) q = q.where("assets.site", "in", sites.length ? sites : ["\u0000"]);
  if (query.kind === "never-reported") q = q.where("hosts.id", "is", null);
  else if (query.kind === "silent") {
    if (!query.since) throw new FleetError("invalid", "coverage of silent assets needs `since`");
    q = q.where("hosts.last_seen", "<", isoInstant(query.since, "since"));
  } else throw new FleetError("invalid", `unknown coverage kind "${String(query.kind)}": expected never-reported or silent`);
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("assets.site", "assets.name_key"), ">", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("assets.site").orderBy("assets.name_key").limit(limit + 1).execute();
  return pageOf(
    rows,
    limit,
    (r) => ({ site: r.site, name: r.name, hostId: r.host_id ?? null, lastSeen: r.last_seen ?? null, importedAt: r.imported_at }),
    (r) => [r.site, r.name_key],
    total,
  );
}

export async function coverageSummary(ctx: Ctx, sites: string[] | null, silentSince: string): Promise<CoverageSummary> {
  const scope = sites === null ? undefined : sites.length ? sites : ["\u0000"];
  let a = ctx.db
    .selectFrom("assets")
    .leftJoin("hosts", (j) => j.onRef("hosts.site", "=", "assets.site").onRef("hosts.name_key", "=", "assets.name_key"))
    .select((eb) => [
      eb.fn.countAll<number>().as("assets"),
      eb.fn.count<number>("hosts.id").as("reported"),
      eb.fn.sum<number>(eb.case().when("hosts.last_seen", "<", silentSince).then(1).else(0).end()).as("silent"),
    ]);
  if (scope) a = a.where("assets.site", "in", scope);
  const r = await a.executeTakeFirstOrThrow();
  let u = ctx.db
    .selectFrom("hosts")
    .leftJoin("assets", (j) => j.onRef("hosts.site", "=", "assets.site").onRef("hosts.name_key", "=", "assets.name_key"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("assets.name_key", "is", null);
  if (scope) u = u.where("hosts.site", "in", scope);
  const assets = Number(r.assets);
  const reported = Number(r.reported);
  // hosts that report but are on no list are counted only where a list exists (a site without one has no notion of "unlisted")
  const unlisted = assets > 0 ? Number((await u.executeTakeFirstOrThrow()).n) : 0;
  return { assets, reported, neverReported: assets - reported, silent: Number(r.silent ?? 0), silentSince, unlisted };
}

export { hostIdOf };
