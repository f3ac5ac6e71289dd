/**
 * Crash safety of uploads, on SQLite and on PostgreSQL: `ictsguard serve` runs as a child
 * process, 200 uploads (each its own host and idempotency key) are sent at once, and the server
 * is killed with SIGKILL while they are being answered. After a restart on the same database,
 * every upload that was answered 2xx is stored, and retrying all 200 with the same keys leaves
 * exactly 200 scans: none is lost, none is stored twice.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import { BACKENDS, api, createTestStore, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";

const UPLOADS = 200;
/** Kill once this many uploads were answered: the rest are in flight or not yet read. */
const KILL_AFTER = 25;
const SITE = "crash";

const inventory = (i: number) =>
  `host,kind,name,vendor,version\nkill-${i},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1.0.${i}\nkill-${i},software,7-Zip 23.01 (x64),Igor Pavlov,23.01\n`;

type Answer = { i: number; status?: number; scanId?: string; replayed?: boolean; error?: string };

async function send(url: string, key: string, i: number): Promise<Answer> {
  try {
    const res = await fetch(`${url}/api/v1/inventories?site=${SITE}&filename=programs.csv`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/octet-stream", "idempotency-key": `kill-test-${i}` },
      body: inventory(i),
    });
    const body = (await res.json()) as { scan?: { id: string }; replayed?: boolean };
    return { i, status: res.status, ...(body.scan ? { scanId: body.scan.id } : {}), ...(body.replayed !== undefined ? { replayed: body.replayed } : {}) };
  } catch (err) {
    return { i, error: (err as Error).message };
  }
}

for (const backend of BACKENDS) {
  describe(`kill -9 during 200 concurrent uploads (${backend})`, () => {
    let store: TestStore;
    let key: string;
    let viewer: string;
    let serve: ServeProcess | undefined;

    before(async () => {
      store = await createTestStore(backend);
      const fleet = await openFleet({ db: store.db, home: store.home });
      await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "business" });
      key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest", sites: [SITE] })).token;
      viewer = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
      await fleet.close();
    });

    after(async () => {
      await serve?.stop("SIGKILL");
      await store?.drop();
    });

    it("keeps every acknowledged upload, and none twice", async (t) => {
      serve = await spawnServe(store, ["--no-jobs"]);
      const first = serve;
      let answered = 0;
      let killed = false;
      const answers = await Promise.all(
        Array.from({ length: UPLOADS }, (_, i) =>
          send(first.url, key, i).then((a) => {
            if (a.status !== undefined && ++answered >= KILL_AFTER && !killed) {
              killed = true;
              first.child.kill("SIGKILL");
            }
            return a;
          }),
        ),
      );
      const exit = await first.stop("SIGKILL");
      assert.equal(exit.signal, "SIGKILL", "the server was killed, not stopped");
      const acknowledged = answers.filter((a) => a.status !== undefined && a.status >= 200 && a.status < 300);
      const refused = answers.filter((a) => a.status !== undefined && (a.status < 200 || a.status >= 300));
      assert.deepEqual(refused, [], "no upload was refused before the kill");
      assert.ok(acknowledged.length >= KILL_AFTER, `at least ${KILL_AFTER} uploads were acknowledged (${acknowledged.length})`);
      assert.ok(acknowledged.length < UPLOADS, `the kill came while uploads were in flight (${acknowledged.length} of ${UPLOADS} acknowledged)`);

      t.diagnostic(`${acknowledged.length} of ${UPLOADS} uploads acknowledged before the kill`);
      serve = await spawnServe(store, ["--no-jobs"]);
      const second = serve;
      // every acknowledged upload is stored: its scan is there, for its host
      for (const a of acknowledged) {
        const r = await api(second.url, `/api/v1/scans/${a.scanId}`, { key: viewer });
        assert.equal(r.status, 200, `the scan of acknowledged upload ${a.i} is stored: ${JSON.stringify(r.body)}`);
        assert.deepEqual(r.body.hosts, [`kill-${a.i}`]);
      }
      // the retries with the same keys: the acknowledged ones replay their scan, the rest are stored now
      const retried = await Promise.all(Array.from({ length: UPLOADS }, (_, i) => send(second.url, key, i)));
      for (const r of retried) assert.ok(r.status === 200 || r.status === 201, `retry ${r.i}: ${r.status ?? r.error}`);
      for (const a of acknowledged) {
        const r = retried[a.i]!;
        assert.equal(r.replayed, true, `upload ${a.i} was acknowledged before the kill: its retry must not store it again`);
        assert.equal(r.scanId, a.scanId);
      }
      const scans = await api(second.url, `/api/v1/scans?site=${SITE}&limit=1000`, { key: viewer });
      assert.equal(scans.status, 200);
      assert.equal(scans.body.total, UPLOADS, "exactly one scan per upload");
      const hosts = (scans.body.items as { hosts: string[] }[]).flatMap((s) => s.hosts).sort();
      assert.deepEqual(hosts, Array.from({ length: UPLOADS }, (_, i) => `kill-${i}`).sort());
      const findings = await api(second.url, `/api/v1/findings?site=${SITE}&limit=1000`, { key: viewer });
      assert.equal(findings.body.total, UPLOADS, "one finding per host");
      await second.stop("SIGTERM");
    });
  });
}
