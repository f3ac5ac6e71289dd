/**
 * @module
 * Seeds a fleet store on PostgreSQL with many hosts and findings, straight into the schema
 * (migrations first, then `INSERT ... SELECT FROM unnest(...)` in batches of 10,000 rows, one
 * array parameter per column), so the HTTP server's list, summary and trend latencies can be
 * measured at size. The maintained counts (`posture_counts`) and the trend's hourly deltas
 * (`posture_deltas`) are computed from the seeded findings in SQL, as the service would have
 * kept them (and `posture_deltas_day`, `site_hosts`): each finding has one event, at its first sighting, in its current status and state.
 *
 *     node dist/bench/fleet-seed.js --db postgres://postgres@127.0.0.1:5432/bench [--hosts 100000] [--findings 1000000] [--sites 10] [--measure]
 *     node dist/bench/fleet-seed.js --db postgres://... --measure-only
 *
 * `--measure` then times the service's own queries (no HTTP) and prints p50/p95/p99 per query.
 * The database must be empty (a new one); the hosts' stored observations are empty lists, so a
 * re-judge of a seeded store changes nothing but costs what it would.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { loadActiveCatalog } from "../src/config/settings.js";
import { openFleet, LOCAL_ADMIN } from "../src/fleet/index.js";
import { fleetFindingId, hostIdOf } from "../src/fleet/ids.js";
import { STATUSES } from "../src/model/finding.js";
import { findingId } from "../src/scan/finding-id.js";
import { openStore } from "../src/store/open.js";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    hosts: { type: "string", default: "100000" },
    findings: { type: "string", default: "1000000" },
    sites: { type: "string", default: "10" },
    days: { type: "string", default: "90" },
    measure: { type: "boolean", default: false },
    /** Measure a store seeded before (migrating it first), without seeding. */
    "measure-only": { type: "boolean", default: false },
    runs: { type: "string", default: "50" },
  },
});
const url = values.db ?? process.env.DATABASE_URL;
if (!url?.startsWith("postgres")) {
  process.stderr.write("fleet-seed: give a PostgreSQL database with --db postgres://... (or DATABASE_URL)\n");
  process.exit(2);
}
const HOSTS = Number(values.hosts);
const FINDINGS = Number(values.findings);
const SITES = Number(values.sites);
const DAYS = Number(values.days);
const BATCH = 10_000;
const END = Date.parse("2026-11-30T00:00:00Z");
const START = END - DAYS * 86_400_000;

/** A deterministic pseudo-random sequence, so two seeds of the same size are the same. */
let seed = 42;
const rand = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const iso = (ms: number): string => new Date(ms).toISOString();

async function main(): Promise<void> {
  const t0 = Date.now();
  const catalog = await loadActiveCatalog();
  const store = await openStore({ db: url! });
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const existing = await client.query("select count(*)::int as n from hosts");
  if (existing.rows[0].n > 0) throw new Error("the database has hosts already: seed a new, empty database");

  const profiles = ["business", "federal-contractor", "state-local-government", "reseller", "critical-infrastructure"];
  const sites = Array.from({ length: SITES }, (_, i) => `site-${String(i).padStart(2, "0")}`);
  const created = iso(START);
  for (const [i, s] of sites.entries()) await client.query("insert into sites (name, profile, description, created_at) values ($1, $2, null, $3)", [s, profiles[i % profiles.length], created]);

  // products of the real catalog with their vendor group, for realistic filters
  const groupOf = new Map(catalog.entities.map((e) => [e.id, e]));
  const top = (id: string): string => {
    let e = groupOf.get(id);
    for (let i = 0; e?.parent && i < 10; i++) e = groupOf.get(e.parent) ?? e;
    return e?.id ?? id;
  };
  const products = catalog.products.map((p) => ({ id: p.id, vendor: top(p.vendor) }));
  const states = ["open", "open", "open", "open", "open", "open", "open", "removal-pending", "resolved", "resolved", "resolved", "excepted"];

  type HostSeed = { id: string; site: string; name: string; first: number; last: number };
  const hosts: HostSeed[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const site = sites[i % SITES]!;
    const name = `host-${String(i).padStart(6, "0")}`;
    const first = START + Math.floor(rand() * (END - START) * 0.5);
    const last = first + Math.floor(rand() * (END - first));
    hosts.push({ id: hostIdOf(site, name), site, name, first, last });
  }
  for (let i = 0; i < hosts.length; i += BATCH) {
    const b = hosts.slice(i, i + BATCH);
    await client.query(
      `insert into hosts (id, site, name, name_key, name_lower, first_seen, last_seen)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [b.map((h) => h.id), b.map((h) => h.site), b.map((h) => h.name), b.map((h) => h.name), b.map((h) => h.name), b.map((h) => iso(h.first)), b.map((h) => iso(h.last))],
    );
    await client.query(
      `insert into host_sources (host_id, source, format, last_seen, observations, scan_id, data)
       select h, 'programs', 'csv', l, 0, 's_seed', '[]' from unnest($1::text[], $2::text[]) as u(h, l)`,
      [b.map((h) => h.id), b.map((h) => iso(h.last))],
    );
  }
  process.stderr.write(`hosts: ${HOSTS} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const perHost = FINDINGS / HOSTS;
  let made = 0;
  let hostIndex = 0;
  while (made < FINDINGS) {
    const cols: string[][] = Array.from({ length: 21 }, () => []);
    const events: string[][] = Array.from({ length: 9 }, () => []);
    while (cols[0]!.length < BATCH && made < FINDINGS) {
      const h = hosts[hostIndex % HOSTS]!;
      hostIndex++;
      const n = Math.min(FINDINGS - made, Math.max(1, Math.round(perHost + (rand() - 0.5) * 4)));
      const used = new Set<string>();
      for (let k = 0; k < n; k++) {
        let p = pick(products);
        for (let tries = 0; used.has(p.id) && tries < 5; tries++) p = pick(products);
        if (used.has(p.id)) continue;
        used.add(p.id);
        const engine = findingId(h.name, p.id);
        const id = fleetFindingId(h.site, engine);
        const status = pick(STATUSES);
        const state = pick(states);
        const first = h.first + Math.floor(rand() * (h.last - h.first));
        const last = state === "open" || state === "excepted" ? h.last : first + Math.floor(rand() * (h.last - first));
        const row = [
          id, h.site, h.id, h.name, engine, p.vendor, p.id, status, state, `seeded ${status}`, "0.95",
          status === "deadline" ? "2027-01-01" : "", iso(first), iso(last), state === "resolved" ? iso(last) : "",
          "0", "0", '["programs"]', "{}", "", iso(last),
        ];
        row.forEach((v, c) => cols[c]!.push(v));
        [`e_seed_${made}`, id, h.id, h.site, iso(first), "ingest", status, state, "s_seed"].forEach((v, c) => events[c]!.push(v));
        made++;
      }
    }
    await client.query(
      `insert into findings (id, site, host_id, host_name, engine_id, vendor, product, status, state, reason, confidence, deadline, first_seen, last_seen, resolved_at, reopened, clean_count, sources, detail, exception_id, updated_at)
       select c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11::real, c12, c13, c14, nullif(c15, ''), c16::int, c17::int, c18, c19, nullif(c20, ''), c21
       from unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(", ")}) as u(${cols.map((_, i) => `c${i + 1}`).join(", ")})
       on conflict (id) do nothing`,
      cols,
    );
    await client.query(
      `insert into finding_events (id, finding_id, host_id, site, at, cause, status, state, prev_status, prev_state, ref)
       select c1, c2, c3, c4, c5, c6, c7, c8, null, null, c9 from unnest(${events.map((_, i) => `$${i + 1}::text[]`).join(", ")}) as u(${events.map((_, i) => `c${i + 1}`).join(", ")})`,
      events,
    );
  }
  await client.query(`insert into posture_counts (site, vendor, status, state, deadline, n) select site, vendor, status, state, deadline, count(*) from findings group by 1, 2, 3, 4, 5`);
  await client.query(`insert into posture_deltas (site, bucket, status, state, delta) select site, substr(first_seen, 1, 13) || ':00:00.000Z', status, state, count(*) from findings group by 1, 2, 3, 4`);
  await client.query(`insert into posture_deltas_day (site, day, status, state, delta) select site, substr(bucket, 1, 10), status, state, sum(delta) from posture_deltas group by 1, 2, 3, 4`);
  await client.query(`insert into site_hosts (site, hosts) select site, count(*) from hosts group by site`);
  await client.query(`insert into meta (key, value) values ('judged_digest', $1), ('phases_checked_at', $2) on conflict (key) do update set value = excluded.value`, [catalog.digest, iso(END)]);
  await client.query("vacuum analyze");
  const counted = await client.query("select (select count(*)::int from hosts) as hosts, (select count(*)::int from findings) as findings");
  process.stderr.write(`seeded ${counted.rows[0].hosts} hosts and ${counted.rows[0].findings} findings in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  await client.end();
  if (values.measure) await measure();
}

/** Times the service's queries (no HTTP) at the clock of the seeded data. */
async function measure(): Promise<void> {
  const fleet = await openFleet({ db: url!, clock: () => new Date(END) });
  const runs = Number(values.runs);
  const first = await fleet.listFindings(LOCAL_ADMIN, { limit: 100 });
  const cases: [string, () => Promise<unknown>][] = [
    ["listFindings limit=100", () => fleet.listFindings(LOCAL_ADMIN, { limit: 100 })],
    ["listFindings page 2", () => fleet.listFindings(LOCAL_ADMIN, { limit: 100, cursor: first.next })],
    ["listFindings status=prohibited", () => fleet.listFindings(LOCAL_ADMIN, { limit: 100, status: "prohibited" })],
    ["listFindings site=site-03 state=open", () => fleet.listFindings(LOCAL_ADMIN, { limit: 100, site: "site-03", state: "open" })],
    ["listFindings vendor+status", () => fleet.listFindings(LOCAL_ADMIN, { limit: 100, vendor: first.items[0]!.vendor, status: "deadline" })],
    ["listFindings limit=1000", () => fleet.listFindings(LOCAL_ADMIN, { limit: 1000 })],
    ["listHosts limit=100", () => fleet.listHosts(LOCAL_ADMIN, { limit: 100 })],
    ["listHosts site=site-01", () => fleet.listHosts(LOCAL_ADMIN, { limit: 100, site: "site-01" })],
    ["summary", () => fleet.summary(LOCAL_ADMIN)],
    ["trend 90 days", () => fleet.trend(LOCAL_ADMIN, { from: iso(START), to: iso(END), interval: "day" })],
    ["trend 30 days site-02", () => fleet.trend(LOCAL_ADMIN, { from: iso(END - 30 * 86_400_000), to: iso(END), interval: "day", site: "site-02" })],
  ];
  for (const [label, fn] of cases) {
    await fn();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number): string => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    process.stdout.write(`${label.padEnd(40)} p50 ${q(0.5).padStart(7)} ms  p95 ${q(0.95).padStart(7)} ms  p99 ${q(0.99).padStart(7)} ms\n`);
  }
  await fleet.close();
}

(values["measure-only"] ? openStore({ db: url! }).then((s) => s.close()).then(measure) : main()).catch((err) => {
  process.stderr.write(`fleet-seed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
