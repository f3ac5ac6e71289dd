/**
 * Many `serve` processes on one PostgreSQL (issue 15, scale path): real `ictsguard serve`
 * processes (spawned CLI) share a re-judgment when a new catalog is installed under their
 * ICTSGUARD_HOME (by `catalog update`'s own function, from a signed repository on 127.0.0.1),
 * each host is re-judged exactly once per trigger (counted in `rejudge_hosts`), every process
 * ran shards (the jobs' results name the worker, which names the process id), and a process
 * that stops leaves no job marked as its own.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { resolveActiveCatalog } from "../src/catalog/active.js";
import { updateCatalog } from "../src/catalog/tuf/update.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import type { Observation } from "../src/model/observation.js";
import { createTestStore, runCli, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";
import { dayOffset } from "../src/testing/tuf.js";
import { closeWorlds, installed } from "../src/testing/tuf-world.js";

const HOSTS = 1000;
const SHARD = 25;

const stores: TestStore[] = [];
const serves: ServeProcess[] = [];
after(async () => {
  for (const s of serves) await s.stop().catch(() => undefined);
  await closeWorlds();
  for (const s of stores) await s.drop();
});

type Shard = { key: string; state: string; worker: string; hosts: number };

/**
 * Until the trigger is closed and none of its jobs is still running: a shard's job is marked done
 * just after the handler's transaction, which may be the one that closes the trigger, so the last
 * shards can still read `running` for a moment after `finished_at` is set.
 */
async function waitClosed(client: pg.Client, trigger: string, timeoutMs = 180_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.query("select finished_at from rejudges where key = $1", [trigger]);
    const open = await client.query("select count(*)::int as n from jobs where key like $1 and state in ('queued', 'running')", [`${trigger}%`]);
    if (r.rows[0]?.finished_at && open.rows[0].n === 0) return;
    if (Date.now() > end) {
      const jobs = await client.query("select key, state, attempts, error from jobs order by key");
      throw new Error(`${trigger} not finished in ${timeoutMs} ms: ${JSON.stringify(jobs.rows.slice(0, 10))}\n${serves.map((s) => s.stderr()).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function shardsOf(client: pg.Client, trigger: string): Promise<Shard[]> {
  const r = await client.query("select key, state, result from jobs where kind = 'rejudge-shard' and key like $1 order by key", [`${trigger}#%`]);
  return r.rows.map((row: { key: string; state: string; result: string | null }) => {
    const result = JSON.parse(row.result ?? "{}") as { worker?: string; hosts?: number };
    return { key: row.key, state: row.state, worker: result.worker ?? "", hosts: result.hosts ?? -1 };
  });
}

/** Each host once for the trigger, every shard done once, and which processes (by pid) ran shards. */
async function assertOncePerHost(client: pg.Client, trigger: string): Promise<Set<number>> {
  const hosts = await client.query("select count(*)::int as n from hosts");
  const counted = await client.query("select count(*)::int as n, min(runs)::int as lo, max(runs)::int as hi from rejudge_hosts where trigger = $1", [trigger]);
  assert.equal(hosts.rows[0].n, HOSTS);
  assert.deepEqual(counted.rows[0], { n: HOSTS, lo: 1, hi: 1 }, "every host re-judged exactly once");
  const missing = await client.query("select count(*)::int as n from hosts h where not exists (select 1 from rejudge_hosts r where r.trigger = $1 and r.host_id = h.id)", [trigger]);
  assert.equal(missing.rows[0].n, 0);
  const shards = await shardsOf(client, trigger);
  assert.equal(shards.length, HOSTS / SHARD);
  assert.ok(shards.every((s) => s.state === "done"), JSON.stringify(shards.filter((s) => s.state !== "done")));
  assert.equal(shards.reduce((n, s) => n + s.hosts, 0), HOSTS, "the shards' hosts add up to the fleet");
  const jobs = await client.query("select count(*)::int as n, max(attempts)::int as attempts from jobs where key like $1", [`${trigger}%`]);
  assert.equal(jobs.rows[0].n, HOSTS / SHARD + 1, "one planning job and its shards");
  assert.equal(jobs.rows[0].attempts, 1, "no job ran twice");
  const audits = await client.query("select count(*)::int as n from audit_log where action = 'rejudge' and detail like $1", [`%${trigger}%`]);
  assert.equal(audits.rows[0].n, 1, "the trigger closed once");
  // the worker id is host:pid:random
  return new Set(shards.map((s) => Number(s.worker.split(":")[1])));
}

test("two, then four `serve` processes on one PostgreSQL share a catalog change's re-judgment: each of 1,000 hosts exactly once, every process ran shards", { timeout: 600_000 }, async () => {
  const w = await installed();
  const store = await createTestStore("postgres", "ictsguard_scale");
  stores.push(store);
  // 1,000 hosts with a Kaspersky program each, uploaded through the fleet service
  const fleet = await openFleet({ db: store.db, home: w.home });
  await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
  await fleet.createSite(LOCAL_ADMIN, { name: "beta", profile: "federal-contractor" });
  const obs = (i: number): Observation => ({ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: `ws-${String(i).padStart(4, "0")}`, source: { file: "p.csv", line: i + 2 } });
  await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: Array.from({ length: 600 }, (_, i) => obs(i)), source: { name: "programs" } });
  await fleet.ingest({ principal: LOCAL_ADMIN, site: "beta", observations: Array.from({ length: 400 }, (_, i) => obs(i)), source: { name: "programs" } });
  const v1 = fleet.catalog.catalog.digest;
  await fleet.close();

  const args = ["--job-interval", "0.2", "--catalog-check", "1", "--rejudge-shard-hosts", String(SHARD)];
  for (let i = 0; i < 2; i++) serves.push(await spawnServe({ db: store.db, home: w.home }, args));
  const client = new pg.Client({ connectionString: store.db });
  await client.connect();
  try {
    // a new catalog installed under the servers' home, as `ictsguard catalog update` does
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    await updateCatalog({ from: w.server.url, trustedRoot: w.root1, home: w.home });
    const v2 = (await resolveActiveCatalog({ home: w.home })).catalog.digest;
    assert.notEqual(v2, v1);
    const trigger2 = `rejudge:catalog:${v2}`;
    await waitClosed(client, trigger2);
    const pids2 = await assertOncePerHost(client, trigger2);
    assert.deepEqual([...pids2].sort(), serves.map((s) => s.child.pid!).sort(), "both processes ran shards");
    const judged = await client.query("select value from meta where key = 'judged_digest'");
    assert.equal(judged.rows[0].value, v2);

    // four processes, another catalog
    for (let i = 0; i < 2; i++) serves.push(await spawnServe({ db: store.db, home: w.home }, args));
    await w.publish(`${dayOffset(0)}.3`, dayOffset(0));
    await updateCatalog({ from: w.server.url, trustedRoot: w.root1, home: w.home });
    const v3 = (await resolveActiveCatalog({ home: w.home })).catalog.digest;
    const trigger3 = `rejudge:catalog:${v3}`;
    await waitClosed(client, trigger3);
    const pids3 = await assertOncePerHost(client, trigger3);
    assert.deepEqual([...pids3].sort(), serves.map((s) => s.child.pid!).sort(), "all four processes ran shards");

    // a graceful stop leaves no job marked as the stopped process's
    for (const s of serves) {
      const end = await s.stop("SIGTERM");
      assert.equal(end.code, 0, s.stderr());
    }
    const running = await client.query("select count(*)::int as n from jobs where state = 'running'");
    assert.equal(running.rows[0].n, 0);
  } finally {
    await client.end();
  }
});

test("serve refuses retention below the floor unless told, and bad scale flags, as usage errors", { timeout: 120_000 }, async () => {
  const store = await createTestStore("sqlite");
  const short = await runCli(["serve", "--db", store.db, "--listen", "127.0.0.1:0", "--history-days", "365"], { env: { ICTSGUARD_HOME: store.home } });
  assert.equal(short.code, 2);
  assert.match(short.stderr, /historyDays 365 is below the floor of 2557 days .*--allow-short-retention/);
  const shard = await runCli(["serve", "--db", store.db, "--listen", "127.0.0.1:0", "--rejudge-shard-hosts", "0"], { env: { ICTSGUARD_HOME: store.home } });
  assert.equal(shard.code, 2);
  assert.match(shard.stderr, /--rejudge-shard-hosts must be a whole number above 0/);
  const allowed = await spawnServe(store, ["--history-days", "365", "--scan-days", "30", "--allow-short-retention"]);
  assert.equal((await allowed.stop()).code, 0, allowed.stderr());
});
