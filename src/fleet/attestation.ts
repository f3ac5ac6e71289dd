/**
 * @module
 * The clean-as-of attestation: for one site and one instant, what the server knew then, signed
 * with the server's current ed25519 key (signing-keys.ts) in a DSSE envelope (src/attest).
 *
 * Everything is read as of the instant, not from current state: findings are each finding's
 * last recorded change at or before it (`finding_events`, the history), exceptions those in
 * force at it, hosts those first seen by it. A host reported when an upload at or before the
 * instant, and within the silence window before it, named it (the scans of the window, or the
 * host's last report when that was before the instant); the others are silent. A host an agent
 * enrolled but that never sent an inventory has not reported: nothing is known of it. The asset list is
 * the current one, limited to assets imported by the instant (the store keeps no older lists).
 */
import { sql } from "kysely";
import { signStatement, type Envelope } from "../attest/envelope.js";
import { STATEMENT_TYPE, type AttestedException, type AttestedFinding, type AttestedHost, type Statement } from "../attest/statement.js";
import { STATUS_RANK, type Status } from "../model/finding.js";
import { PACKAGE_VERSION } from "../util/package-root.js";
import { READ_ROLES, requireRole, requireSite } from "./access.js";
import { audit } from "./audit.js";
import { isoInstant, type Ctx } from "./context.js";
import { hostNameKey } from "./ids.js";
import { pendingRejudgment } from "./judged-through.js";
import { namesOf } from "./queries.js";
import { currentSigningKeyRow } from "./signing-keys.js";
import { FleetError, type Principal, type ScanRecord } from "./types.js";

const DAY_MS = 86_400_000;
/** A host that did not report in this long before the instant is silent (as the summary's default). */
export const DEFAULT_SILENT_DAYS = 7;

export type AttestationQuery = { site: string; at?: string; silentSince?: string };

export async function attest(ctx: Ctx, p: Principal, query: AttestationQuery): Promise<Envelope> {
  requireRole(p, READ_ROLES, "make attestations");
  requireSite(p, query.site);
  const site = await ctx.db.selectFrom("sites").selectAll().where("name", "=", query.site).executeTakeFirst();
  if (!site) throw new FleetError("not-found", `no site "${query.site}"`);
  const now = ctx.clock();
  const at = query.at ? isoInstant(query.at, "at") : now.toISOString();
  if (Date.parse(at) > now.getTime()) throw new FleetError("invalid", `at ${at} is in the future: a statement can only say what the server knew`);
  const silentSince = query.silentSince ? isoInstant(query.silentSince, "silentSince") : new Date(Date.parse(at) - DEFAULT_SILENT_DAYS * DAY_MS).toISOString();
  if (silentSince > at) throw new FleetError("invalid", `silentSince ${silentSince} is after at ${at}`);

  // the history is what the statement reads: it must already hold every re-judgment due by `at`
  const pending = await pendingRejudgment(ctx, site.name, at);
  if (pending) {
    const why = pending.failed ? "its re-judgment failed (see GET /api/v1/jobs)" : "its re-judgment has not run yet; ask again once the server's job loop has run it";
    throw new FleetError("conflict", `the findings of site ${site.name} are not yet judged as of ${pending.what}, at or before ${at}: ${why}`);
  }
  const coverage = await coverageAt(ctx, site.name, at, silentSince);
  const findings = await findingsAt(ctx, site.name, at);
  const exceptions = await exceptionsAt(ctx, site.name, at);
  const open = findings.filter((f) => f.state !== "excepted").length;
  const excepted = findings.length - open;
  const key = await currentSigningKeyRow(ctx, p.keyId);
  const catalog = ctx.catalog.active.catalog;
  // nothing reported is nothing known, not clean
  const clean = open === 0 && coverage.reported.length > 0;
  const hosts = (n: number) => `${n} host${n === 1 ? "" : "s"}`;
  const text =
    (coverage.reported.length === 0
      ? `No host of site ${site.name} reported between ${silentSince} and ${at}: nothing is known of its position`
      : `${open === 0 ? "No finding was open" : `${open} finding${open === 1 ? " was" : "s were"} open`} on the ${hosts(coverage.reported.length)} of site ${site.name} that reported between ${silentSince} and ${at}`) +
    (excepted ? `; ${excepted} excepted` : "") +
    (coverage.silent.length ? `; silent: ${hosts(coverage.silent.length)} seen before` : "") +
    (coverage.neverReported.length ? `; ${coverage.neverReported.length} listed asset${coverage.neverReported.length === 1 ? " had" : "s had"} never reported` : "") +
    ".";
  const statement: Statement = {
    type: STATEMENT_TYPE,
    site: { name: site.name, profile: site.profile },
    at,
    generatedAt: now.toISOString(),
    requestedBy: p.keyId,
    server: { name: "ictsguard", version: PACKAGE_VERSION },
    catalog: { version: catalog.version, date: catalog.date, digest: catalog.digest },
    signingKey: { keyId: key.key_id, algorithm: "ed25519", publicKey: key.public_key },
    summary: {
      clean,
      openFindings: open,
      exceptedFindings: excepted,
      hostsReported: coverage.reported.length,
      hostsSilent: coverage.silent.length,
      assetsNeverReported: coverage.neverReported.length,
      text,
    },
    coverage,
    findings: findings.length ? findings : "none",
    exceptions: exceptions.length ? exceptions : "none",
    notes: [
      "Findings are each finding's last recorded change at or before `at` (the server's history), not its state when the statement was generated.",
      "`clean` covers only the hosts that reported; silent hosts and assets that never reported are listed, and nothing is known of them.",
      "The catalog is the one the server judged with when the statement was generated; each upload was judged with the catalog of its time.",
    ],
  };
  const envelope = signStatement(statement, key.private_key, key.key_id);
  await audit(ctx.db, { at: now.toISOString(), keyId: p.keyId, action: "attestation.create", site: site.name, target: at, detail: { keyId: key.key_id, clean, openFindings: open } });
  return envelope;
}

async function coverageAt(ctx: Ctx, site: string, at: string, silentSince: string): Promise<Statement["coverage"]> {
  const hosts = await ctx.db
    .selectFrom("hosts")
    .select(["id", "name", "name_key", "last_seen", "agent_id"])
    // an inventory was stored for it: a host made by an agent's enrollment alone has none
    .select((eb) => eb.exists(eb.selectFrom("host_sources").select("host_sources.host_id").whereRef("host_sources.host_id", "=", "hosts.id")).as("inventory"))
    .where("site", "=", site)
    .where("first_seen", "<=", at)
    .orderBy("name_key")
    .execute();
  // the last report in the window of the hosts that also reported after the instant, by host id
  // (records stored before scans named ids: by name, an agent's host by its current name)
  const inWindow = new Map<string, string>();
  const inWindowByName = new Map<string, string>();
  const later = (m: Map<string, string>, k: string, at: string): void => void ((m.get(k) ?? "") < at && m.set(k, at));
  if (hosts.some((h) => h.last_seen > at)) {
    const scans = await ctx.db
      .selectFrom("scans")
      .select(["received_at", "record"])
      .where("site", "=", site)
      .where("received_at", ">=", silentSince)
      .where("received_at", "<=", at)
      .where("record", "!=", "{}")
      .execute();
    for (const s of scans) {
      const record = JSON.parse(s.record) as ScanRecord;
      if (record.hostIds) for (const id of record.hostIds) later(inWindow, id, s.received_at);
      else for (const name of record.hosts) later(inWindowByName, hostNameKey(name), s.received_at);
    }
  }
  const reported: AttestedHost[] = [];
  const silent: AttestedHost[] = [];
  for (const h of hosts) {
    const byName = inWindowByName.get(h.agent_id ? hostNameKey(h.name) : h.name_key);
    const lastSeen = h.last_seen <= at ? (h.inventory ? h.last_seen : null) : (inWindow.get(h.id) ?? byName ?? null);
    if (lastSeen !== null && lastSeen >= silentSince) reported.push({ id: h.id, name: h.name, lastSeen });
    else silent.push({ id: h.id, name: h.name, lastSeen });
  }
  const known = new Set(hosts.map((h) => h.name_key));
  // an agent's host is keyed by its agent and is the asset of its current name once it sent an inventory (coverage.ts)
  const agentHosts = await ctx.db
    .selectFrom("hosts")
    .select("name")
    .where("site", "=", site)
    .where("first_seen", "<=", at)
    .where("agent_id", "is not", null)
    .where(({ exists, selectFrom }) => exists(selectFrom("host_sources").select("host_sources.host_id").whereRef("host_sources.host_id", "=", "hosts.id")))
    .execute();
  for (const h of agentHosts) known.add(hostNameKey(h.name));
  const assets = await ctx.db.selectFrom("assets").select(["name", "name_key"]).where("site", "=", site).where("imported_at", "<=", at).orderBy("name_key").execute();
  const neverReported = assets.filter((a) => !known.has(a.name_key)).map((a) => ({ name: a.name }));
  return { silentSince, reported, silent, neverReported };
}

async function findingsAt(ctx: Ctx, site: string, at: string): Promise<AttestedFinding[]> {
  // each finding's last change at or before the instant (ids of one instant sort in write order)
  const last = await sql<{ finding_id: string; at: string; status: string; state: string }>`
    select finding_id, at, status, state from (
      select finding_id, at, status, state, row_number() over (partition by finding_id order by at desc, id desc) as rn
      from finding_events where site = ${site} and at <= ${at}
    ) t where rn = 1 and state <> 'resolved'`.execute(ctx.db);
  if (last.rows.length === 0) return [];
  const names = namesOf(ctx);
  const info = new Map<string, { host_id: string; host_name: string; vendor: string; product: string }>();
  const ids = last.rows.map((r) => r.finding_id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await ctx.db.selectFrom("findings").select(["id", "host_id", "host_name", "vendor", "product"]).where("id", "in", ids.slice(i, i + 500)).execute();
    for (const r of rows) info.set(r.id, r);
  }
  return last.rows
    .map((e) => {
      const f = info.get(e.finding_id)!;
      const vendorName = names.vendor(f.vendor);
      const productName = names.product(f.product);
      return {
        id: e.finding_id,
        hostId: f.host_id,
        host: f.host_name,
        vendor: f.vendor,
        ...(vendorName ? { vendorName } : {}),
        product: f.product,
        ...(productName ? { productName } : {}),
        status: e.status,
        state: e.state,
        since: e.at,
      };
    })
    .sort((a, b) => STATUS_RANK[b.status as Status] - STATUS_RANK[a.status as Status] || a.host.localeCompare(b.host) || a.product.localeCompare(b.product));
}

async function exceptionsAt(ctx: Ctx, site: string, at: string): Promise<AttestedException[]> {
  const rows = await ctx.db
    .selectFrom("exceptions")
    .selectAll()
    .where("site", "=", site)
    .where("created_at", "<=", at)
    .where("expires_at", ">", at)
    .where((eb) => eb.or([eb("revoked_at", "is", null), eb("revoked_at", ">", at)]))
    .where((eb) => eb.or([eb("expired_at", "is", null), eb("expired_at", ">", at)]))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, findingId: r.finding_id, owner: r.owner, reason: r.reason, createdAt: r.created_at, createdBy: r.created_by, expiresAt: r.expires_at }));
}
