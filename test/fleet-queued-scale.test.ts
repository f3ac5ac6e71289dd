/**
 * Queued ingest on the scale path (PostgreSQL, real `ictsguard serve` processes):
 *
 * - two processes with their job loops on one database, 40 uploads queued round-robin to both:
 *   each is judged exactly once (one scan each, one judging attempt each, one `scan.ingest`
 *   audit entry each, one history event per finding), whichever process claimed it;
 * - kill -9 of a process with queued uploads pending (and one being judged, its transaction in
 *   flight): after a restart every accepted upload is judged, once (the in-flight one again after
 *   its lease ran out: its transaction never committed), and none is lost.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import { createTestStore, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";

const KASPERSKY = (host: string) =>
  `host,kind,name,vendor,version\n${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1\n${host},software,Kaspersky Security Center Network Agent,AO Kaspersky Lab,15.1\n${host},software,7-Zip 23.01 (x64),Igor Pavlov,23.01\n`;

/** An upload of `hosts` hosts with 40 programs each, two of them Kaspersky (as bench/fleet-scale.ts). */
function many(prefix: string, hosts: number): string {
  const lines = ["host,kind,name,vendor,version"];
  for (let h = 0; h < hosts; h++) {
    for (let j = 0; j < 40; j++) {
      if (j === 7) lines.push(`${prefix}-${h},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1.0.${h}`);
      else if (j === 19) lines.push(`${prefix}-${h},software,Kaspersky Security Center Network Agent,AO Kaspersky Lab,15.1`);
      else lines.push(`${prefix}-${h},software,Program ${j},Vendor ${j},1.${j}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function queue(url: string, key: string, path: string, body: string, idempotencyKey: string): Promise<string> {
  const res = await fetch(url + path, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/octet-stream", prefer: "respond-async", "idempotency-key": idempotencyKey }, body });
  const answer = (await res.json()) as { id: string };
  assert.equal(res.status, 202, JSON.stringify(answer));
  return answer.id;
}

async function until(what: string, check: () => Promise<boolean>, withinMs: number, serves: ServeProcess[]): Promise<void> {
  const end = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${withinMs / 1000} s: ${what}\n${serves.map((s) => s.stderr()).join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every upload of the site judged once: one scan each, one attempt, one audit entry, one event per finding. */
async function assertJudgedOnce(client: pg.Client, site: string, uploads: number): Promise<void> {
  const rows = (await client.query("select id, state, attempts, scan_id, locked_by from queued_uploads where site = $1", [site])).rows as { id: string; state: string; attempts: number; scan_id: string; locked_by: string }[];
  assert.equal(rows.length, uploads);
  assert.deepEqual(rows.filter((r) => r.state !== "done"), [], "every upload done");
  assert.equal(new Set(rows.map((r) => r.scan_id)).size, uploads, "a scan of its own each");
  const scans = await client.query("select count(*)::int as n from scans where site = $1 and record <> '{}'", [site]);
  assert.equal(scans.rows[0].n, uploads, "one scan per upload");
  const audits = await client.query("select count(*)::int as n from audit_log where site = $1 and action = 'scan.ingest'", [site]);
  assert.equal(audits.rows[0].n, uploads, "one ingest per upload");
  const events = await client.query("select count(*)::int as n, count(distinct finding_id)::int as findings from finding_events where site = $1", [site]);
  const findings = await client.query("select count(*)::int as n from findings where site = $1", [site]);
  assert.equal(events.rows[0].findings, findings.rows[0].n);
  assert.equal(events.rows[0].n, findings.rows[0].n, "one history event per finding (new): nothing judged twice");
}

describe("queued ingest on PostgreSQL with several serve processes", () => {
  let store: TestStore;
  let key: string;
  let client: pg.Client;
  const serves: ServeProcess[] = [];

  before(async () => {
    store = await createTestStore("postgres", "ictsguard_queued");
    const fleet = await openFleet({ db: store.db, home: store.home });
    await fleet.createSite(LOCAL_ADMIN, { name: "two", profile: "business" });
    await fleet.createSite(LOCAL_ADMIN, { name: "kill", profile: "business" });
    key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" })).token;
    await fleet.close();
    client = new pg.Client({ connectionString: store.db });
    await client.connect();
  });

  after(async () => {
    for (const s of serves) await s.stop("SIGKILL").catch(() => undefined);
    await client?.end();
    await store?.drop();
  });

  it("two processes judge 40 queued uploads, each exactly once", { timeout: 300_000 }, async (t) => {
    const pair = [await spawnServe(store, ["--job-interval", "1"]), await spawnServe(store, ["--job-interval", "1"])];
    serves.push(...pair);
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => queue(pair[i % 2]!.url, key, `/api/v1/hosts/q-${i}/inventories?site=two&filename=programs.csv`, KASPERSKY("x"), `two-upload-${i}`)));
    assert.equal(new Set(ids).size, 40);
    await until("40 uploads judged", async () => (await client.query("select count(*)::int as n from queued_uploads where site = 'two' and state = 'done'")).rows[0].n === 40, 120_000, pair);
    await assertJudgedOnce(client, "two", 40);
    const attempts = await client.query("select max(attempts)::int as n from queued_uploads where site = 'two'");
    assert.equal(attempts.rows[0].n, 1, "no upload was claimed twice");
    const workers = await client.query("select locked_by, count(*)::int as n from queued_uploads where site = 'two' group by locked_by");
    t.diagnostic(`judged by: ${workers.rows.map((r: { locked_by: string; n: number }) => `${r.locked_by.split(":")[1]}: ${r.n}`).join(", ")}`);
    for (const s of pair) await s.stop("SIGTERM");
  });

  it("a process killed with queued uploads pending: after a restart each is judged once", { timeout: 300_000 }, async (t) => {
    // uploads of 50 hosts each: hosts come from the data, so a site's are judged one after the other, each long enough to be caught mid-way
    const first = await spawnServe(store, ["--job-interval", "1"]);
    serves.push(first);
    const UPLOADS = 12;
    const ids: string[] = [];
    for (let i = 0; i < UPLOADS; i++) ids.push(await queue(first.url, key, "/api/v1/inventories?site=kill&filename=programs.csv", many(`k${i}`, 50), `kill-upload-${i}`));
    await until("a few judged", async () => (await client.query("select count(*)::int as n from queued_uploads where site = 'kill' and state = 'done'")).rows[0].n >= 2, 120_000, [first]);
    first.child.kill("SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");
    const at = (await client.query("select state, count(*)::int as n from queued_uploads where site = 'kill' group by state order by state")).rows as { state: string; n: number }[];
    t.diagnostic(`at the kill: ${at.map((r) => `${r.state} ${r.n}`).join(", ")}`);
    assert.ok(at.some((r) => r.state === "queued" && r.n > 0), "uploads were still waiting when the process was killed");

    const second = await spawnServe(store, ["--job-interval", "1"]);
    serves.push(second);
    // an upload that was being judged waits for its lease (60 s) to run out
    await until("every accepted upload judged after the restart", async () => (await client.query("select count(*)::int as n from queued_uploads where site = 'kill' and state = 'done'")).rows[0].n === UPLOADS, 200_000, [second]);
    await assertJudgedOnce(client, "kill", UPLOADS);
    const hosts = await client.query("select count(*)::int as n from hosts where site = 'kill'");
    assert.equal(hosts.rows[0].n, UPLOADS * 50);
    await second.stop("SIGTERM");
  });
});
