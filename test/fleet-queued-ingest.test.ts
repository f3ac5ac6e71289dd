/**
 * Queued ingest (`Prefer: respond-async`, docs/server.md "Queued ingest") against a real server on
 * SQLite and PostgreSQL, the job loop run by hand (`fleet.tick()`), so each step is seen:
 *
 * - a queued upload answers 202 with an id and a Location, stores no scan until the job loop
 *   runs, then is `done`, and the host's findings (engine ids, statuses, states, first and last
 *   seen) are those of the same file uploaded synchronously to another site, dated to the accept;
 * - a retry with the same Idempotency-Key answers the same id (200), before and after judging,
 *   and one scan is stored; the same key through the synchronous path answers that scan;
 * - an unreadable body ends `failed`, with a message naming the formats expected, and stores
 *   nothing (no scan, no host); so does an upload whose API key was revoked before it was judged;
 * - an older upload of a host is judged before a newer one: while the older is held by another
 *   process, the newer is not claimed, and the host's final inventory is the newer one; an upload
 *   of several hosts waits for older uploads of its site;
 * - a queued upload judged after a newer synchronous upload of the same host and source changes
 *   nothing of that host (its inventory, findings and last seen stay the newer upload's), is
 *   `done`, and its scan lists the host as superseded (`upload --wait` says so); the other hosts
 *   of the same upload are applied;
 * - a `PUT /api/v1/bom` with `Prefer: respond-async` answers a token that is the queued upload;
 * - a finished upload's status row is purged by the retention job after the upload records' 90 days;
 * - `ictsguard upload --async` prints the upload's id and status URL; `--wait` polls it to done
 *   (the scan's line) or to failed (the reason, exit 2).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { clockAt } from "../src/fleet/fleet-suite.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { openStore, type Store } from "../src/store/open.js";
import { BACKENDS, createTestStore, runCli, type TestStore } from "../src/testing/fleet-server.js";
import { tempDir } from "../src/testing/temp.js";

const KASPERSKY = (host: string) =>
  `host,kind,name,vendor,version\n${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1\n${host},software,Kaspersky Security Center Network Agent,AO Kaspersky Lab,15.1\n${host},software,7-Zip 23.01 (x64),Igor Pavlov,23.01\n`;
const CLEAN = (host: string) => `host,kind,name,vendor,version\n${host},software,Mozilla Firefox,Mozilla,128.0\n`;

for (const backend of BACKENDS) {
  describe(`queued ingest (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let db: Store;
    let ingestKey: string;
    let viewer: string;

    const send = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      const res = await fetch(server.url + path, { method: "POST", headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/octet-stream", ...headers }, body });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    };
    const queued = (path: string, body: string | Buffer, headers: Record<string, string> = {}) => send(path, body, { prefer: "respond-async", ...headers });
    const status = async (id: string, key = viewer) => {
      const res = await fetch(`${server.url}/api/v1/uploads/${id}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as any };
    };
    /** `ictsguard_queued_uploads{state}` as /metrics shows it to a viewer. */
    const queueMetric = async (state: string): Promise<number> => {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${viewer}` } })).text();
      const line = text.split("\n").find((l) => l.startsWith(`ictsguard_queued_uploads{state="${state}"} `));
      return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(" ") + 1));
    };
    const scans = async (site: string) => (await fleet.listScans(LOCAL_ADMIN, { site, limit: 1000 })).total;
    const findings = async (site: string) =>
      (await fleet.listFindings(LOCAL_ADMIN, { site, limit: 1000 })).items.map((f) => ({ engineId: f.engineId, host: f.host, status: f.status, state: f.state, firstSeen: f.firstSeen, lastSeen: f.lastSeen })).sort((a, b) => (a.engineId < b.engineId ? -1 : 1));

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home });
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
      for (const name of ["sync", "async", "order", "bad", "bom", "stale", "revoked"]) await fleet.createSite(LOCAL_ADMIN, { name, profile: "federal-contractor" });
      ingestKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" })).token;
      viewer = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
      db = await openStore({ db: store.db, home: store.home });
    });

    after(async () => {
      await db?.close();
      await server?.close();
      await store?.drop();
    });

    it("answers 202 with an id at once, judges in the job loop as of the accept, and gives the synchronous upload's findings", async () => {
      const sync = await send("/api/v1/hosts/ws-1/inventories?site=sync&filename=programs.csv", KASPERSKY("ignored"));
      assert.equal(sync.status, 201, JSON.stringify(sync.body));

      const started = Date.now();
      const accepted = await queued("/api/v1/hosts/ws-1/inventories?site=async&filename=programs.csv", KASPERSKY("ignored"), { "idempotency-key": "queued-ws-1-0001" });
      const acceptMs = Date.now() - started;
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      assert.match(accepted.body.id, /^u_[0-9a-f]{24}$/);
      assert.equal(accepted.body.status, "queued");
      assert.equal(accepted.headers.get("location"), `/api/v1/uploads/${accepted.body.id}`);
      assert.equal(accepted.body.location, accepted.headers.get("location"));
      assert.equal(accepted.headers.get("preference-applied"), "respond-async");
      assert.ok(acceptMs < 5000, `accepted in ${acceptMs} ms`);
      // nothing judged yet: no scan, no finding, the status says queued
      assert.equal(await scans("async"), 0);
      assert.deepEqual(await findings("async"), []);
      assert.equal((await status(accepted.body.id)).body.status, "queued");
      assert.equal(await queueMetric("queued"), 1, "the metrics show the upload waiting");

      await new Promise((r) => setTimeout(r, 20)); // the judging happens later than the accept
      const ran = await fleet.tick();
      assert.equal(await queueMetric("queued"), 0);
      assert.equal(await queueMetric("processing"), 0);
      assert.ok(ran.some((j) => j.kind === "uploads.judge"), JSON.stringify(ran));
      const done = await status(accepted.body.id);
      assert.equal(done.status, 200);
      assert.equal(done.body.status, "done", JSON.stringify(done.body));
      assert.equal(done.body.receivedAt, accepted.body.receivedAt);
      assert.ok(done.body.finishedAt > done.body.receivedAt);
      assert.equal(done.body.scan.receivedAt, accepted.body.receivedAt, "judged as of the accept");
      assert.equal(done.body.scan.observations, 3);
      assert.deepEqual(done.body.scan.hosts, ["ws-1"]);
      assert.equal(await scans("async"), 1);
      // the uploader's ingest key reads its own upload; the same finding ids and statuses as the synchronous upload
      assert.equal((await status(accepted.body.id, ingestKey)).body.status, "done");
      const want = (await findings("sync")).map(({ firstSeen: _f, lastSeen: _l, ...f }) => f);
      const got = await findings("async");
      assert.ok(want.length >= 2, JSON.stringify(want));
      assert.deepEqual(got.map(({ firstSeen: _f, lastSeen: _l, ...f }) => f), want);
      for (const f of got) assert.deepEqual([f.firstSeen, f.lastSeen], [accepted.body.receivedAt, accepted.body.receivedAt], "first and last seen follow the upload's time");
      // the body is dropped once judged
      const row = await db.db.selectFrom("queued_uploads").select(["body", "scan_id"]).where("id", "=", accepted.body.id).executeTakeFirstOrThrow();
      assert.equal(row.body, null);
      assert.equal(row.scan_id, done.body.scan.id);
    });

    it("answers a retry with the same key with the same id, queued or done, and stores one scan", async () => {
      const first = await queued("/api/v1/inventories?site=async&filename=fleet.csv", KASPERSKY("ws-2"), { "idempotency-key": "queued-ws-2-0001" });
      assert.equal(first.status, 202);
      const again = await queued("/api/v1/inventories?site=async&filename=fleet.csv", KASPERSKY("ws-2"), { "idempotency-key": "queued-ws-2-0001" });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.status, "queued");
      const rows = await db.db.selectFrom("queued_uploads").select("id").where("site", "=", "async").where("idempotency_key", "=", "queued-ws-2-0001").execute();
      assert.equal(rows.length, 1, "queued once");
      await fleet.tick();
      const later = await send("/api/v1/inventories?site=async&filename=fleet.csv&async=true", KASPERSKY("ws-2"), { "idempotency-key": "queued-ws-2-0001" });
      assert.equal(later.status, 200);
      assert.equal(later.body.id, first.body.id);
      assert.equal(later.body.status, "done");
      await fleet.tick();
      // the synchronous path with the same key answers the queued upload's scan, storing nothing
      const sync = await send("/api/v1/inventories?site=async&filename=fleet.csv", KASPERSKY("ws-2"), { "idempotency-key": "queued-ws-2-0001" });
      assert.equal(sync.status, 200);
      assert.equal(sync.body.replayed, true);
      assert.equal(sync.body.scan.id, later.body.scan.id);
      const hostId = (await fleet.listHosts(LOCAL_ADMIN, { site: "async" })).items.find((h) => h.name === "ws-2")!.id;
      const stored = (await fleet.listScans(LOCAL_ADMIN, { site: "async", host: hostId })).items;
      assert.equal(stored.length, 1, "one scan for the host");
      const all = await db.db.selectFrom("scans").select("id").where("site", "=", "async").where("idempotency_key", "=", "queued-ws-2-0001").execute();
      assert.deepEqual(all.map((r) => r.id), [sync.body.scan.id], "one scan under the key");
    });

    it("fails an unreadable upload with the reader's reason, and stores nothing", async () => {
      const accepted = await queued("/api/v1/hosts/ws-bad/inventories?site=bad&filename=mystery.bin", Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x42, 0x00, 0x17]));
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      await fleet.tick();
      const failed = await status(accepted.body.id);
      assert.equal(failed.body.status, "failed", JSON.stringify(failed.body));
      assert.equal(failed.body.error.code, "inventory-unreadable");
      assert.match(failed.body.error.message, /expected/i, "the message names what was expected");
      assert.equal(failed.body.scan, undefined);
      assert.equal(await scans("bad"), 0, "no scan");
      assert.equal((await fleet.listHosts(LOCAL_ADMIN, { site: "bad" })).total, 0, "no host");
      const row = await db.db.selectFrom("queued_uploads").select("body").where("id", "=", accepted.body.id).executeTakeFirstOrThrow();
      assert.equal(row.body, null, "the body is dropped once failed");
    });

    it("fails an upload whose API key was revoked before it was judged, and stores nothing", async () => {
      const { key, token } = await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" });
      const accepted = await queued("/api/v1/hosts/ws-rev/inventories?site=revoked&filename=programs.csv", KASPERSKY("x"), { authorization: `Bearer ${token}` });
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      await fleet.revokeApiKey(LOCAL_ADMIN, key.id);
      await fleet.tick();
      const failed = await status(accepted.body.id);
      assert.equal(failed.body.status, "failed", JSON.stringify(failed.body));
      assert.equal(failed.body.error.code, "key-revoked");
      assert.match(failed.body.error.message, /API key that sent this upload was revoked before it was judged; send it again with a valid key/);
      assert.equal(failed.body.scan, undefined);
      assert.equal(await scans("revoked"), 0, "no scan");
      assert.equal((await fleet.listHosts(LOCAL_ADMIN, { site: "revoked" })).total, 0, "no host");
      const row = await db.db.selectFrom("queued_uploads").select("body").where("id", "=", accepted.body.id).executeTakeFirstOrThrow();
      assert.equal(row.body, null, "the body is dropped once failed");
    });

    it("judges an older upload of a host before a newer one, and a several-hosts upload after every older one of its site", async () => {
      const older = await queued("/api/v1/hosts/ws-9/inventories?site=order&filename=programs.csv", KASPERSKY("x"));
      const newer = await queued("/api/v1/hosts/ws-9/inventories?site=order&filename=programs.csv", CLEAN("x"));
      const other = await queued("/api/v1/hosts/ws-10/inventories?site=order&filename=programs.csv", KASPERSKY("x"));
      const several = await queued("/api/v1/inventories?site=order&filename=programs.csv", `${KASPERSKY("ws-11")}${CLEAN("ws-12").split("\n").slice(1).join("\n")}`);
      for (const a of [older, newer, other, several]) assert.equal(a.status, 202);
      // another process holds the older one (as if it were judging it)
      await db.db.updateTable("queued_uploads").set({ state: "processing", locked_by: "another-process", locked_at: new Date().toISOString() }).where("id", "=", older.body.id).execute();
      await fleet.tick();
      assert.equal((await status(newer.body.id)).body.status, "queued", "the newer upload of ws-9 waits for the older one");
      assert.equal((await status(other.body.id)).body.status, "done", "another host's upload is judged meanwhile");
      assert.equal((await status(several.body.id)).body.status, "queued", "an upload of hosts from the data waits for every older upload of its site");
      // the other process gives it back (its lease ran out)
      await db.db.updateTable("queued_uploads").set({ state: "queued", locked_by: null, locked_at: null }).where("id", "=", older.body.id).execute();
      await fleet.tick();
      const [o, n, s] = [await status(older.body.id), await status(newer.body.id), await status(several.body.id)];
      assert.deepEqual([o.body.status, n.body.status, s.body.status], ["done", "done", "done"]);
      assert.ok(o.body.finishedAt <= n.body.finishedAt, "older judged first");
      // ws-9's inventory is the newer one: its Kaspersky findings are removal-pending, not open
      const host = await fleet.getHost(LOCAL_ADMIN, (await fleet.listHosts(LOCAL_ADMIN, { site: "order" })).items.find((h) => h.name === "ws-9")!.id);
      assert.equal(host.sources[0]!.scanId, n.body.scan.id, "the host's inventory is the newer upload's");
      assert.ok(host.findingList.length > 0);
      assert.ok(host.findingList.every((f) => f.state === "removal-pending"), JSON.stringify(host.findingList.map((f) => f.state)));
    });

    describe("a queued upload judged after a newer synchronous one of the same host and source", () => {
      const hostOf = async (name: string) => fleet.getHost(LOCAL_ADMIN, (await fleet.listHosts(LOCAL_ADMIN, { site: "stale", limit: 1000 })).items.find((h) => h.name === name)!.id);
      /** Lets the clock move on, so the next upload's instant is later than the last one's. */
      const later = () => new Promise((r) => setTimeout(r, 10));
      const NO_CHANGES = { new: 0, reopened: 0, removalPending: 0, resolved: 0, statusChanged: 0 };

      it("leaves the host's newer inventory and its open findings: the queued clean one is superseded", async () => {
        const stale = await queued("/api/v1/hosts/ws-s1/inventories?site=stale&filename=programs.csv", CLEAN("x"));
        assert.equal(stale.status, 202, JSON.stringify(stale.body));
        await later();
        const fresh = await send("/api/v1/hosts/ws-s1/inventories?site=stale&filename=programs.csv", KASPERSKY("x"));
        assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
        assert.ok(fresh.body.scan.receivedAt > stale.body.receivedAt);
        await fleet.tick();

        const host = await hostOf("ws-s1");
        assert.ok(host.findingList.length >= 2, JSON.stringify(host.findingList));
        assert.ok(host.findingList.every((f) => f.state === "open"), JSON.stringify(host.findingList.map((f) => f.state)));
        assert.deepEqual(host.sources.map((s) => [s.source, s.scanId, s.lastSeen]), [["programs.csv", fresh.body.scan.id, fresh.body.scan.receivedAt]], "the host's inventory is the newer upload's");
        assert.equal(host.lastSeen, fresh.body.scan.receivedAt);
        const done = (await status(stale.body.id)).body;
        assert.equal(done.status, "done", "judged: as older than what the host holds");
        assert.deepEqual(done.scan.hosts, ["ws-s1"]);
        assert.deepEqual(done.scan.superseded, ["ws-s1"]);
        assert.deepEqual(done.scan.changes, NO_CHANGES);
        // the record is stored
        assert.deepEqual((await fleet.getScan(LOCAL_ADMIN, done.scan.id)).superseded, ["ws-s1"]);
      });

      it("leaves resolved findings resolved: the queued upload that still had Kaspersky is superseded", async () => {
        const path = "/api/v1/hosts/ws-s2/inventories?site=stale&filename=programs.csv";
        assert.equal((await send(path, KASPERSKY("x"))).status, 201);
        await later();
        const stale = await queued(path, KASPERSKY("x"));
        await later();
        assert.equal((await send(path, CLEAN("x"))).status, 201);
        await later();
        const last = await send(path, CLEAN("x"));
        assert.equal(last.status, 201);
        const resolved = (await hostOf("ws-s2")).findingList;
        assert.ok(resolved.length >= 2 && resolved.every((f) => f.state === "resolved"), JSON.stringify(resolved.map((f) => f.state)));
        await fleet.tick();

        const host = await hostOf("ws-s2");
        assert.deepEqual(host.findingList.map((f) => [f.state, f.reopened]), resolved.map((f) => [f.state, f.reopened]), "not reopened");
        assert.equal(host.sources[0]!.scanId, last.body.scan.id);
        const done = (await status(stale.body.id)).body;
        assert.equal(done.status, "done", JSON.stringify(done));
        assert.deepEqual(done.scan.superseded, ["ws-s2"]);
        assert.deepEqual(done.scan.changes, NO_CHANGES);
      });

      it("applies an upload of several hosts to those without a newer inventory", async () => {
        const path = "/api/v1/inventories?site=stale&filename=fleet.csv";
        // ws-s3 clean and ws-s4 with Kaspersky, accepted first ...
        const stale = await queued(path, `${CLEAN("ws-s3")}${KASPERSKY("ws-s4").split("\n").slice(1).join("\n")}`);
        assert.equal(stale.status, 202, JSON.stringify(stale.body));
        await later();
        // ... then ws-s3 alone, with Kaspersky, stored at once
        const fresh = await send(path, KASPERSKY("ws-s3"));
        assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
        await fleet.tick();

        const done = (await status(stale.body.id)).body;
        assert.equal(done.status, "done", JSON.stringify(done));
        const [s3, s4] = [await hostOf("ws-s3"), await hostOf("ws-s4")];
        assert.equal(s3.sources[0]!.scanId, fresh.body.scan.id, "ws-s3 keeps the newer inventory");
        assert.ok(s3.findingList.length >= 2 && s3.findingList.every((f) => f.state === "open"), JSON.stringify(s3.findingList.map((f) => f.state)));
        assert.equal(s4.sources[0]!.scanId, done.scan.id, "ws-s4 is applied");
        assert.equal(s4.lastSeen, stale.body.receivedAt);
        assert.ok(s4.findingList.length >= 2 && s4.findingList.every((f) => f.state === "open" && f.firstSeen === stale.body.receivedAt), JSON.stringify(s4.findingList));
        assert.deepEqual([...done.scan.hosts].sort(), ["ws-s3", "ws-s4"]);
        assert.deepEqual(done.scan.superseded, ["ws-s3"]);
        // what the scan counts is ws-s4's alone
        assert.equal(done.scan.changes.new, s4.findingList.length);
        assert.equal(Object.values(done.scan.byStatus as Record<string, number>).reduce((a, n) => a + n, 0), s4.findingList.length);
      });

      it("ictsguard upload --async --wait says which hosts the upload was not applied to", async () => {
        const file = join(tempDir("ictsguard-queued-stale-"), "programs.csv");
        writeFileSync(file, CLEAN("x"));
        const args = ["upload", file, "--server", server.url, "--api-key", ingestKey, "--site", "stale", "--host", "ws-s5", "--async"];
        assert.equal((await runCli(args)).code, 0);
        await later();
        assert.equal((await send("/api/v1/hosts/ws-s5/inventories?site=stale&filename=programs.csv", KASPERSKY("x"))).status, 201);
        await fleet.tick();
        // the same file again: the same idempotency key, so the same upload, now done
        const waited = await runCli([...args, "--wait"]);
        assert.equal(waited.code, 0, waited.stderr);
        assert.match(waited.stdout, /programs\.csv: accepted: scan s_[0-9a-f]+: 1 host, 1 observations, 0 findings; not applied to ws-s5: a newer inventory of this source was already stored/);
      });
    });

    it("takes PUT /api/v1/bom with Prefer: respond-async: the token is the queued upload", async () => {
      const bom = JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", version: 1, components: [{ type: "application", name: "Kaspersky Endpoint Security for Windows", publisher: "AO Kaspersky Lab", version: "12.1" }] });
      const res = await fetch(`${server.url}/api/v1/bom?site=bom`, {
        method: "PUT",
        headers: { "x-api-key": ingestKey, "content-type": "application/json", prefer: "respond-async; wait=5" },
        body: JSON.stringify({ projectName: "app-1", projectVersion: "2.0", bom: Buffer.from(bom).toString("base64") }),
      });
      const body = (await res.json()) as any;
      assert.equal(res.status, 202, JSON.stringify(body));
      assert.equal(body.token, body.id);
      assert.equal(body.host, "app-1");
      assert.deepEqual(body.source, { name: "bom:2.0" });
      await fleet.tick();
      const done = await status(body.token);
      assert.equal(done.body.status, "done", JSON.stringify(done.body));
      assert.deepEqual(done.body.scan.hosts, ["app-1"]);
      assert.equal((await fleet.listFindings(LOCAL_ADMIN, { site: "bom" })).items.length, 1);
    });

    it("ictsguard upload --async prints the queued upload; --wait polls it to done, or to failed (exit 2)", async () => {
      const dir = tempDir("ictsguard-queued-cli-");
      const good = join(dir, "programs.csv");
      const bad = join(dir, "mystery.bin");
      writeFileSync(good, KASPERSKY("cli-1"));
      writeFileSync(bad, Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x42, 0x00, 0x17]));
      const args = (file: string, ...more: string[]) => ["upload", file, "--server", server.url, "--api-key", ingestKey, "--site", "async", ...more];
      const first = await runCli(args(good, "--async"));
      assert.equal(first.code, 0, first.stderr);
      const id = first.stdout.match(/queued: upload (u_[0-9a-f]{24}) is queued; its status: (\S+)/);
      assert.ok(id, first.stdout);
      assert.equal(id[2], `${server.url}/api/v1/uploads/${id[1]}`);
      // the job loop runs while the client polls
      let done = false;
      const ticking = (async () => {
        for (let stop = false; !stop; ) {
          await fleet.tick();
          await new Promise((r) => setTimeout(r, 100));
          stop = done;
        }
      })();
      const waited = await runCli(args(good, "--async", "--wait"));
      const refused = await runCli(args(bad, "--async", "--wait"));
      done = true;
      await ticking;
      assert.equal(waited.code, 0, waited.stderr);
      assert.match(waited.stdout, /programs\.csv: accepted: scan s_[0-9a-f]+: 1 host, 3 observations, 2 findings/);
      assert.equal(refused.code, 2, refused.stdout);
      assert.match(refused.stdout, /mystery\.bin: NOT accepted: queued as u_[0-9a-f]{24}, then refused: inventory-unreadable: .*expected/);
    });

    it("re-judges a queued upload's hosts at a rule phase boundary passed between its accept and its judging, as an upload judged after the boundary is", async () => {
      const other = await createTestStore(backend);
      // 2024-09-29T04:00Z: Kaspersky's updates end (the Final Determination's second phase)
      const t = clockAt("2024-09-28T12:00:00Z");
      const f = await openFleet({ db: other.db, home: other.home, clock: t.clock });
      const byProduct = async (site: string) =>
        Object.fromEntries((await f.listFindings(LOCAL_ADMIN, { site, limit: 100 })).items.map((x) => [x.product, x.status]));
      try {
        for (const name of ["before", "across", "after"]) await f.createSite(LOCAL_ADMIN, { name, profile: "business" });
        const queue = (site: string) => f.queueUpload({ principal: LOCAL_ADMIN, site, host: `ws-${site}`, filename: "p.csv", source: "p.csv", body: Buffer.from(KASPERSKY("x")) });
        await queue("before");
        await f.tick(); // judged before the boundary
        const before = await byProduct("before");
        const across = (await queue("across")).upload; // accepted before the boundary ...
        t.set("2024-09-29T05:00:00Z");
        await queue("after"); // ... and this one after it
        await f.tick(); // the boundary's re-judge, then both uploads
        assert.equal((await f.getUpload(LOCAL_ADMIN, across.id)).status, "done");
        const after = await byProduct("after");
        assert.notDeepEqual(before, after, "the boundary changes these findings' status");
        assert.deepEqual(await byProduct("across"), after, "judged as of its accept, then re-judged at the boundary");
        assert.deepEqual(await byProduct("before"), after, "the boundary's own re-judge");
        // the history says when: seen at the accept, changed at the boundary
        const finding = (await f.listFindings(LOCAL_ADMIN, { site: "across", limit: 1 })).items[0]!;
        assert.deepEqual((await f.findingHistory(LOCAL_ADMIN, finding.id)).map((e) => e.at), ["2024-09-28T12:00:00.000Z", "2024-09-29T04:00:00.000Z"]);
      } finally {
        await f.close();
        await other.drop();
      }
    });

    it("keeps a finished upload's status row as long as upload records, then the retention job purges it", async () => {
      const other = await createTestStore(backend);
      const t = clockAt("2025-01-10T12:00:00Z");
      const f = await openFleet({ db: other.db, home: other.home, clock: t.clock });
      try {
        await f.createSite(LOCAL_ADMIN, { name: "r", profile: "business" });
        const { upload } = await f.queueUpload({ principal: LOCAL_ADMIN, site: "r", host: "ws-r", filename: "p.csv", source: "p.csv", body: Buffer.from(CLEAN("x")) });
        assert.equal(upload.receivedAt, "2025-01-10T12:00:00.000Z", "the accept instant is the fleet's clock");
        await f.tick();
        assert.equal((await f.getUpload(LOCAL_ADMIN, upload.id)).status, "done");
        t.set("2025-04-09T12:00:00Z"); // 89 days on: kept
        await f.tick();
        assert.equal((await f.getUpload(LOCAL_ADMIN, upload.id)).status, "done");
        t.set("2025-04-11T12:00:00Z"); // 91 days on: purged
        const ran = await f.tick();
        const retention = ran.find((j) => j.kind === "retention");
        assert.equal((retention?.result as { queuedUploads?: number } | undefined)?.queuedUploads, 1, JSON.stringify(retention));
        await assert.rejects(f.getUpload(LOCAL_ADMIN, upload.id), /no upload/);
      } finally {
        await f.close();
        await other.drop();
      }
    });

    it("hides an upload from keys of other sites and from other ingest keys", async () => {
      const accepted = await queued("/api/v1/hosts/ws-20/inventories?site=async&filename=programs.csv", CLEAN("x"));
      const otherSite = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin", sites: ["sync"] })).token;
      const otherIngest = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" })).token;
      assert.equal((await status(accepted.body.id, otherSite)).status, 404);
      assert.equal((await status(accepted.body.id, otherIngest)).status, 404);
      assert.equal((await status("u_000000000000000000000000")).status, 404);
      // a site that does not exist is refused at accept (the insert's foreign key), as the synchronous upload refuses it
      const admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      const nowhere = await queued("/api/v1/hosts/ws-21/inventories?site=nosuch&filename=programs.csv", CLEAN("x"), { authorization: `Bearer ${admin}` });
      assert.equal(nowhere.status, 404, JSON.stringify(nowhere.body));
      await fleet.tick();
    });
  });
}
