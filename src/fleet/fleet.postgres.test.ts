/**
 * The fleet service's suite (fleet-suite.ts) on a real PostgreSQL (127.0.0.1:5432): a new
 * database per test, dropped at the end. Also: two fleets on one database share the job queue
 * without running a job twice.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { resolveActiveCatalog } from "../catalog/active.js";
import type { Observation } from "../model/observation.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { tempDir } from "../testing/temp.js";
import { clockAt, fleetSuite } from "./fleet-suite.js";
import { openFleet, LOCAL_ADMIN, type Fleet } from "./index.js";

const made: TestDatabase[] = [];
fleetSuite({
  name: "postgres",
  fresh: async () => {
    const db = await createTestDatabase("ictsguard_fleet");
    made.push(db);
    return db.url;
  },
  cleanup: async () => {
    for (const db of made.splice(0)) await db.drop();
  },
});

test("two fleets on one PostgreSQL database running jobs at once never run the same re-judge twice", async () => {
  const db = await createTestDatabase("ictsguard_fleet_jobs");
  const fleets: Fleet[] = [];
  after(async () => {
    for (const f of fleets) await f.close().catch(() => undefined);
    await db.drop();
  });
  const active = await resolveActiveCatalog({ home: tempDir() });
  const t = clockAt("2024-09-28T12:00:00Z");
  for (let i = 0; i < 2; i++) fleets.push(await openFleet({ db: db.url, catalog: active, clock: t.clock, home: tempDir() }));
  const [a, b] = fleets as [Fleet, Fleet];
  await a.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
  const obs: Observation[] = Array.from({ length: 50 }, (_, i) => ({ kind: "software", name: "Kaspersky Endpoint Security for Windows", host: `ws-${i}`, source: { file: "p.csv", line: i + 2 } }));
  await a.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs, source: { name: "programs" } });
  // the day's jobs first, as a running server has done them long before a boundary: the history's
  // month partitions around this (injected, past) date. Attached while the other fleet's shard
  // writes that month's events, PostgreSQL fails the insert ("new row for relation
  // finding_events_default violates partition constraint") and the shard runs a second time.
  await a.tick();
  t.set("2024-09-29T05:00:00Z");
  const runs = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
  const ran = runs.flat().filter((j) => j.kind.startsWith("rejudge"));
  const keys = ran.map((j) => j.key).sort();
  // the trigger's planning job and its one shard (50 hosts), each run once in all
  const detail = JSON.stringify(ran.map((j) => ({ key: j.key, state: j.state, attempts: j.attempts, error: j.error?.split("\n")[0] })));
  assert.deepEqual(keys, ["rejudge:phase:2024-09-29T04:00:00.000Z", "rejudge:phase:2024-09-29T04:00:00.000Z#acme#000000"], `one run in all: ${detail}`);
  const jobs = (await a.listJobs(LOCAL_ADMIN)).filter((j) => j.kind.startsWith("rejudge"));
  assert.deepEqual(jobs.map((j) => [j.key, j.state, j.attempts]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))), [["rejudge:phase:2024-09-29T04:00:00.000Z", "done", 1], ["rejudge:phase:2024-09-29T04:00:00.000Z#acme#000000", "done", 1]]);
  // every finding changed once, at the boundary
  const findings = await a.listFindings(LOCAL_ADMIN, { limit: 1000 });
  assert.equal(findings.total, 50);
  for (const f of findings.items) {
    const events = await a.findingHistory(LOCAL_ADMIN, f.id);
    assert.deepEqual(events.map((e) => e.at), ["2024-09-28T12:00:00.000Z", "2024-09-29T04:00:00.000Z"]);
  }
});
