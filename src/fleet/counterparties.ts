/**
 * @module
 * Counterparties per site (vendors, resellers, customers, partners): imported from the CSV or
 * JSON Lines that `ictsguard screen` reads (src/screen/inputs.ts), or made one by one; each is
 * screened when stored and again whenever the catalog or the lists change (rescreen.ts). Its
 * latest verdict and matches are on its row; every verdict it had is a row of
 * `counterparty_verdicts`, and a change is in the audit log and emits
 * `counterparty.verdict-changed`.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { openInput } from "../io/open.js";
import type { Issue } from "../model/issue.js";
import { readCounterparties } from "../screen/inputs.js";
import type { CounterpartyRow } from "../store/schema.js";
import { ADMIN_ROLES, READ_ROLES, canSeeSite, requireRole, requireSite, siteScope } from "./access.js";
import { audit } from "./audit.js";
import { nowIso, type Ctx, type Db } from "./context.js";
import { orderedId } from "./ids.js";
import {
  COUNTERPARTY_ROLES,
  type Counterparty,
  type CounterpartyDetail,
  type CounterpartyImport,
  type CounterpartyInput,
  type CounterpartyMatch,
  type CounterpartyRole,
  type CounterpartyVerdict,
} from "./notify-types.js";
import { emit } from "./outbox.js";
import { cappedTotal, decodeCursor, limitOf, pageOf } from "./page.js";
import { screener, verdictKey, type Screener } from "./screening.js";
import { siteRow } from "./sites.js";
import { FleetError, type Page, type PageQuery, type Principal } from "./types.js";

const MAX_NAME = 1000;
/** Rows of one import written per transaction. */
const CHUNK = 200;

export function counterpartyId(site: string, name: string, role: string): string {
  return `cp_${createHash("sha256").update(`ictsguard-counterparty/1\u0000${site}\u0000${nameKey(name)}\u0000${role}`).digest("hex").slice(0, 20)}`;
}

const nameKey = (name: string): string => name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

function counterpartyOf(r: CounterpartyRow): Counterparty {
  return {
    id: r.id,
    site: r.site,
    name: r.name,
    ...(r.country ? { country: r.country } : {}),
    role: r.role as CounterpartyRole,
    identifiers: JSON.parse(r.identifiers) as Record<string, string>,
    verdict: r.verdict as CounterpartyVerdict,
    matches: JSON.parse(r.matches) as CounterpartyMatch[],
    screenedAt: r.screened_at,
    screenedWith: r.screened_with,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function roleOf(value: string | undefined, where: string): CounterpartyRole {
  if (value === undefined || value.trim() === "") return "vendor";
  const v = value.trim().toLowerCase();
  const alias: Record<string, CounterpartyRole> = { supplier: "vendor", distributor: "reseller", client: "customer" };
  const role = alias[v] ?? v;
  if (!(COUNTERPARTY_ROLES as readonly string[]).includes(role)) throw new FleetError("invalid", `${where}unknown role "${value}": expected ${COUNTERPARTY_ROLES.join(", ")}`);
  return role as CounterpartyRole;
}

function checkIdentifiers(ids: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ids ?? {})) {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(k) || typeof v !== "string" || v.length > 200) throw new FleetError("invalid", `identifier "${k}": expected a lower-case key (lei, duns, vat ...) with a text value of at most 200 characters`);
    if (v.trim()) out[k] = v.trim();
  }
  return out;
}

type Party = { site: string; name: string; country: string | null; role: CounterpartyRole; identifiers: Record<string, string> };

/**
 * Screens and stores parties (inside the caller's transaction): a new one gets its first verdict;
 * a stored one whose verdict or matched entries changed gets a history row, an audit entry and
 * an event. Answers the verdicts and how many changed.
 */
export async function storeScreened(
  trx: Db,
  s: Screener,
  parties: readonly Party[],
  meta: { at: string; cause: string; keyId: string },
): Promise<{ rows: CounterpartyRow[]; inserted: number; changed: number }> {
  const ids = parties.map((x) => counterpartyId(x.site, x.name, x.role));
  const existing = ids.length ? await trx.selectFrom("counterparties").selectAll().where("id", "in", ids).execute() : [];
  const byId = new Map(existing.map((r) => [r.id, r]));
  const rows: CounterpartyRow[] = [];
  let inserted = 0;
  let changed = 0;
  for (let i = 0; i < parties.length; i++) {
    const x = parties[i]!;
    const id = ids[i]!;
    const before = byId.get(id);
    const { verdict, matches } = s.screen({ name: x.name, ...(x.country ? { country: x.country } : {}) });
    const row: CounterpartyRow = {
      id,
      site: x.site,
      name: x.name,
      name_key: nameKey(x.name),
      country: x.country,
      role: x.role,
      identifiers: JSON.stringify(x.identifiers),
      verdict,
      matches: JSON.stringify(matches),
      screened_at: meta.at,
      screened_with: s.fingerprint,
      created_at: before?.created_at ?? meta.at,
      updated_at: meta.at,
    };
    const prevKey = before ? verdictKey(before.verdict, JSON.parse(before.matches) as CounterpartyMatch[]) : undefined;
    const verdictChanged = before !== undefined && prevKey !== verdictKey(verdict, matches);
    if (before) {
      const { id: _id, ...rest } = row;
      await trx.updateTable("counterparties").set(rest).where("id", "=", id).execute();
    } else {
      await trx.insertInto("counterparties").values(row).execute();
      inserted++;
    }
    byId.set(id, row);
    rows.push(row);
    if (before && !verdictChanged) continue;
    await trx
      .insertInto("counterparty_verdicts")
      .values({ id: orderedId("cv"), counterparty_id: id, site: x.site, at: meta.at, cause: meta.cause, verdict, prev_verdict: before?.verdict ?? null, matches: row.matches, screened_with: s.fingerprint })
      .execute();
    if (!verdictChanged) continue;
    changed++;
    const previous = { verdict: before.verdict, matches: JSON.parse(before.matches) as CounterpartyMatch[] };
    await audit(trx, { at: meta.at, keyId: meta.keyId, action: "counterparty.verdict-change", site: x.site, target: id, detail: { cause: meta.cause, verdict, previous: previous.verdict, matches: matches.map((m) => `${m.list}:${m.entityId}`) } });
    await emit(trx, [{ type: "counterparty.verdict-changed", site: x.site, at: meta.at, data: { counterparty: counterpartyOf(row), previous, cause: meta.cause } }]);
  }
  return { rows, inserted, changed };
}

async function counterpartyFor(ctx: Ctx, p: Principal, id: string): Promise<CounterpartyRow> {
  const r = await ctx.db.selectFrom("counterparties").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r || !canSeeSite(p, r.site)) throw new FleetError("not-found", `no counterparty "${id}"`);
  return r;
}

function partyOf(input: CounterpartyInput, where = ""): Party {
  const name = input.name?.trim();
  if (!name) throw new FleetError("invalid", `${where}a counterparty needs a name`);
  if (name.length > MAX_NAME) throw new FleetError("invalid", `${where}the name is longer than ${MAX_NAME} characters`);
  const country = input.country?.trim();
  return { site: input.site, name, country: country ? country : null, role: roleOf(input.role, where), identifiers: checkIdentifiers(input.identifiers) };
}

/** Admin: one counterparty, screened now. The same (name, role) in a site is the same party (updated). */
export async function createCounterparty(ctx: Ctx, p: Principal, input: CounterpartyInput): Promise<Counterparty> {
  requireRole(p, ADMIN_ROLES, "manage counterparties");
  requireSite(p, input.site);
  await siteRow(ctx.db, input.site);
  const party = partyOf(input);
  const s = screener(ctx);
  const at = nowIso(ctx);
  const { rows } = await ctx.db.transaction().execute(async (trx) => {
    const r = await storeScreened(trx, s, [party], { at, cause: "create", keyId: p.keyId });
    await audit(trx, { at, keyId: p.keyId, action: "counterparty.create", site: party.site, target: r.rows[0]!.id, detail: { name: party.name, role: party.role, verdict: r.rows[0]!.verdict } });
    return r;
  });
  return counterpartyOf(rows[0]!);
}

/**
 * Admin: a site's counterparties from CSV (a name column, optional country, role, id) or JSON
 * Lines, read by the screen command's reader. Rows without a name or with an unknown role are
 * reported with their line; the rest are stored and screened.
 */
export async function importCounterparties(ctx: Ctx, p: Principal, input: { site: string; text: string; role?: CounterpartyRole }): Promise<CounterpartyImport> {
  requireRole(p, ADMIN_ROLES, "manage counterparties");
  requireSite(p, input.site);
  await siteRow(ctx.db, input.site);
  const issues: Issue[] = [];
  const opened = await openInput({ path: `counterparties (${input.site})`, stream: Readable.from([Buffer.from(input.text, "utf8")]) });
  const parties: Party[] = [];
  const errors: CounterpartyImport["errors"] = [];
  const seen = new Set<string>();
  for await (const c of readCounterparties(opened, { issues })) {
    try {
      const party = partyOf({ site: input.site, name: c.name, ...(c.country ? { country: c.country } : {}), ...(c.role ?? input.role ? { role: (c.role ?? input.role) as CounterpartyRole } : {}), ...(c.id ? { identifiers: { ref: c.id } } : {}) }, `line ${c.line}: `);
      const id = counterpartyId(party.site, party.name, party.role);
      if (seen.has(id)) continue; // the same party twice in one file
      seen.add(id);
      parties.push(party);
    } catch (err) {
      errors.push({ line: c.line, message: (err as Error).message.replace(/^line \d+: /, "") });
    }
  }
  for (const i of issues) if (i.severity === "error") errors.push({ ...(i.source?.line !== undefined ? { line: i.source.line } : {}), message: i.message });
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const out: CounterpartyImport = { imported: 0, updated: 0, errors, byVerdict: { match: 0, allowed: 0, clear: 0 } };
  if (parties.length === 0) return out;
  const s = screener(ctx);
  const at = nowIso(ctx);
  for (let i = 0; i < parties.length; i += CHUNK) {
    const chunk = parties.slice(i, i + CHUNK);
    const r = await ctx.db.transaction().execute((trx) => storeScreened(trx, s, chunk, { at, cause: "import", keyId: p.keyId }));
    out.imported += r.inserted;
    out.updated += chunk.length - r.inserted;
    for (const row of r.rows) out.byVerdict[row.verdict as CounterpartyVerdict]++;
  }
  await audit(ctx.db, { at, keyId: p.keyId, action: "counterparty.import", site: input.site, detail: { imported: out.imported, updated: out.updated, errors: errors.length, ...out.byVerdict } });
  return out;
}

export async function listCounterparties(ctx: Ctx, p: Principal, query: PageQuery & { site?: string; verdict?: CounterpartyVerdict; role?: CounterpartyRole } = {}): Promise<Page<Counterparty>> {
  requireRole(p, READ_ROLES, "read counterparties");
  const sites = siteScope(p, query.site);
  const limit = limitOf(query.limit);
  const cursor = decodeCursor(query.cursor, 2);
  let q = ctx.db.selectFrom("counterparties").selectAll();
  if (sites !== null) q = q.where("site", "in", sites.length ? sites : ["-"]); // "-" is no site name
  if (query.verdict) q = q.where("verdict", "=", query.verdict);
  if (query.role) q = q.where("role", "=", query.role);
  const total = await cappedTotal(ctx.db, q);
  if (cursor) q = q.where((eb) => eb(eb.refTuple("name_key", "id"), ">", eb.tuple(String(cursor[0]), String(cursor[1]))));
  const rows = await q.orderBy("name_key").orderBy("id").limit(limit + 1).execute();
  return pageOf(rows, limit, counterpartyOf, (r) => [r.name_key, r.id], total);
}

export async function getCounterparty(ctx: Ctx, p: Principal, id: string): Promise<CounterpartyDetail> {
  requireRole(p, READ_ROLES, "read counterparties");
  const r = await counterpartyFor(ctx, p, id);
  const history = await ctx.db.selectFrom("counterparty_verdicts").selectAll().where("counterparty_id", "=", id).orderBy("at").orderBy("id").execute();
  return {
    ...counterpartyOf(r),
    history: history.map((h) => ({ at: h.at, cause: h.cause, verdict: h.verdict as CounterpartyVerdict, previous: (h.prev_verdict as CounterpartyVerdict | null) ?? null, matches: JSON.parse(h.matches) as CounterpartyMatch[], screenedWith: h.screened_with })),
  };
}

/** Admin: country and identifiers change in place (screened again); a new name or role is a new party, so it is refused here. */
export async function updateCounterparty(ctx: Ctx, p: Principal, id: string, patch: { country?: string | null; identifiers?: Record<string, string> }): Promise<Counterparty> {
  requireRole(p, ADMIN_ROLES, "manage counterparties");
  const r = await counterpartyFor(ctx, p, id);
  const party: Party = {
    site: r.site,
    name: r.name,
    role: r.role as CounterpartyRole,
    country: patch.country === undefined ? r.country : patch.country?.trim() || null,
    identifiers: patch.identifiers === undefined ? (JSON.parse(r.identifiers) as Record<string, string>) : checkIdentifiers(patch.identifiers),
  };
  const s = screener(ctx);
  const at = nowIso(ctx);
  const { rows } = await ctx.db.transaction().execute(async (trx) => {
    const out = await storeScreened(trx, s, [party], { at, cause: "update", keyId: p.keyId });
    await audit(trx, { at, keyId: p.keyId, action: "counterparty.update", site: r.site, target: id, detail: { changed: Object.keys(patch) } });
    return out;
  });
  return counterpartyOf(rows[0]!);
}

/** Admin: forgets a counterparty and its verdict history (the audit log keeps what happened). */
export async function deleteCounterparty(ctx: Ctx, p: Principal, id: string): Promise<Counterparty> {
  requireRole(p, ADMIN_ROLES, "manage counterparties");
  const r = await counterpartyFor(ctx, p, id);
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("counterparty_verdicts").where("counterparty_id", "=", id).execute();
    await trx.deleteFrom("counterparties").where("id", "=", id).execute();
    await audit(trx, { at, keyId: p.keyId, action: "counterparty.delete", site: r.site, target: id, detail: { name: r.name, role: r.role } });
  });
  return counterpartyOf(r);
}
