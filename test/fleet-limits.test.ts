/**
 * The fleet server's limits, on SQLite and on PostgreSQL: body size (413, JSON and inventory,
 * with and without Content-Length, nothing stored), the rate limit on failed authentication (429
 * with Retry-After, also for a good key from that address), `limit` over 1000 (400), cursor
 * pagination (every item once), an unreadable inventory (422, nothing stored), and a graceful
 * shutdown of `ictsguard serve` on SIGTERM (the upload in flight completes; new connections are refused).
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { repoPath } from "../src/testing/index.js";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { BACKENDS, api, createTestStore, spawnServe, type TestStore } from "../src/testing/fleet-server.js";

const SITE = "lim";
const HOSTS = 23;
const csv = (host: string, n = 1) =>
  `host,kind,name,vendor,version\n${Array.from({ length: n }, (_, i) => `${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1.${i}`).join("\n")}\n`;

for (const backend of BACKENDS) {
  describe(`fleet server limits (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let admin: string;
    let ingest: string;

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home });
      server = await startServer({
        fleet,
        listen: { host: "127.0.0.1", port: 0 },
        limits: { jsonBytes: 2048, inventoryBytes: 8192 },
        authLimit: { max: 3, windowMs: 60_000 },
        closeFleet: false,
      });
      await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "business" });
      admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      ingest = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest", sites: [SITE] })).token;
      for (let i = 0; i < HOSTS; i++) {
        await fleet.ingest({
          principal: LOCAL_ADMIN,
          site: SITE,
          host: `page-${String(i).padStart(2, "0")}`,
          observations: [{ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", source: { file: "seed.csv", line: 2 } }],
          source: { name: "seed.csv" },
        });
      }
    });

    after(async () => {
      await server?.close();
      await fleet?.close();
      await store?.drop();
    });

    const scanCount = async () => (await api(server.url, `/api/v1/scans?site=${SITE}`, { key: admin })).body.total as number;

    it("limit over 1000 is a 400 with the JSON error; 1000 is fine", async () => {
      const over = await api(server.url, "/api/v1/findings?limit=1001", { key: admin });
      assert.equal(over.status, 400);
      assert.equal(over.body.error.code, "invalid-request");
      assert.match(over.body.error.message, /limit/);
      assert.equal((await api(server.url, "/api/v1/findings?limit=1000", { key: admin })).status, 200);
      assert.equal((await api(server.url, "/api/v1/findings?limit=0", { key: admin })).status, 400);
    });

    it("cursor pagination walks every finding and host once", async () => {
      for (const [path, total] of [
        [`/api/v1/findings?site=${SITE}&limit=5`, HOSTS],
        [`/api/v1/hosts?site=${SITE}&limit=4`, HOSTS],
      ] as const) {
        const seen: string[] = [];
        let next: string | null = null;
        let pages = 0;
        do {
          const r = await api(server.url, `${path}${next ? `&cursor=${encodeURIComponent(next)}` : ""}`, { key: admin });
          assert.equal(r.status, 200, JSON.stringify(r.body));
          assert.equal(r.body.total, total);
          assert.equal(r.body.totalCapped, false);
          seen.push(...(r.body.items as { id: string }[]).map((x) => x.id));
          next = r.body.next;
          assert.ok(++pages <= total, "the walk ends");
        } while (next);
        assert.equal(seen.length, total, path);
        assert.equal(new Set(seen).size, total, `${path}: no item twice`);
      }
      const bad = await api(server.url, `/api/v1/findings?cursor=not-a-cursor`, { key: admin });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
    });

    it("a JSON body over the limit is a 413 with the JSON error", async () => {
      const r = await api(server.url, "/api/v1/screen", { key: admin, body: { names: Array.from({ length: 200 }, (_, i) => ({ name: `Company number ${i}` })) } });
      assert.equal(r.status, 413);
      assert.equal(r.body.error.code, "payload-too-large");
    });

    it("an inventory over the upload limit is a 413, with or without Content-Length, and nothing is stored", async () => {
      const before = await scanCount();
      const big = csv("big-host", 200);
      assert.ok(Buffer.byteLength(big) > 8192);
      const declared = await api(server.url, `/api/v1/hosts/big-host/inventories?site=${SITE}`, { key: ingest, body: big, headers: { "content-type": "application/octet-stream" } });
      assert.equal(declared.status, 413, JSON.stringify(declared.body));
      assert.equal(declared.body.error.code, "payload-too-large");
      // chunked: the size is only known while reading
      const chunks = [big.slice(0, 4000), big.slice(4000)];
      const res = await fetch(`${server.url}/api/v1/hosts/big-host/inventories?site=${SITE}`, {
        method: "POST",
        headers: { authorization: `Bearer ${ingest}`, "content-type": "application/octet-stream" },
        body: new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(new TextEncoder().encode(next));
            else controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "payload-too-large");
      assert.equal(await scanCount(), before, "nothing stored");
    });

    it("a gzipped inventory is read as scan reads it (by its bytes, whatever its name)", async () => {
      const body = gzipSync(csv("gz-host"));
      const res = await fetch(`${server.url}/api/v1/inventories?site=${SITE}&filename=programs.csv`, {
        method: "POST",
        headers: { authorization: `Bearer ${ingest}`, "content-type": "application/octet-stream", "idempotency-key": "gzip-test-1" },
        body,
      });
      const out = (await res.json()) as { scan: { hosts: string[]; observations: number; source: { format?: string } } };
      assert.equal(res.status, 201, JSON.stringify(out));
      assert.deepEqual(out.scan.hosts, ["gz-host"]);
      assert.equal(out.scan.observations, 1);
      assert.equal(out.scan.source.format, "inventory/csv");
      const f = await api(server.url, `/api/v1/findings?site=${SITE}&host=gz-host`, { key: admin });
      assert.equal(f.body.items.length, 1);
      assert.equal(f.body.items[0].product, "kaspersky-endpoint-security");
    });

    it("an inventory a reader cannot read whole is a 422 and nothing is stored", async () => {
      const before = await scanCount();
      const r = await api(server.url, `/api/v1/hosts/garbled/inventories?site=${SITE}&filename=bad.json`, { key: ingest, body: '[{"name":"kesl","version":"12"},{"name":', headers: { "content-type": "application/octet-stream" } });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, "inventory-unreadable");
      assert.ok(r.body.error.issues.length > 0);
      assert.equal(await scanCount(), before);
      const unknown = await api(server.url, `/api/v1/hosts/garbled/inventories?site=${SITE}`, { key: ingest, body: "\u0000\u0001 not an inventory", headers: { "content-type": "application/octet-stream" } });
      assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
      assert.equal(await scanCount(), before);
    });

    it("bad dates and host-less observations are 400s with the JSON error, and nothing is stored", async () => {
      for (const path of ["/api/v1/trend?from=2024-02-30&to=2024-03-02", "/api/v1/findings?lastSeenSince=yesterday", `/api/v1/summary?site=${SITE}&silentSince=2024-13-01`]) {
        const r = await api(server.url, path, { key: admin });
        assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, "invalid-request", path);
      }
      const before = await scanCount();
      // the fleet's route takes hosts from the data: osqueryi's deb_packages output names none
      const body = readFileSync(repoPath("examples/fleet/linux-hosts.osquery.json"), "utf8");
      const r = await api(server.url, `/api/v1/inventories?site=${SITE}&filename=pkgs.json`, { key: ingest, body, headers: { "content-type": "application/octet-stream" } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.message, /host/);
      assert.equal(await scanCount(), before);
    });

    it("failed authentications from one address are limited: 429 with Retry-After, even for a good key", async () => {
      for (let i = 0; i < 3; i++) assert.equal((await api(server.url, "/api/v1/summary", { key: `ictg_bad_${i}` })).status, 401);
      const limited = await api(server.url, "/api/v1/summary", { key: "ictg_bad_4" });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, "rate-limited");
      const retryAfter = Number(limited.headers.get("retry-after"));
      assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${limited.headers.get("retry-after")}`);
      assert.equal((await api(server.url, "/api/v1/summary", { key: admin })).status, 429, "the address waits, whatever key it sends now");
      assert.equal((await api(server.url, "/healthz")).status, 200, "public routes are not limited");
    });
  });

  describe(`graceful shutdown of ictsguard serve (${backend})`, () => {
    let store: TestStore;
    let key: string;

    before(async () => {
      store = await createTestStore(backend);
      const fleet = await openFleet({ db: store.db, home: store.home });
      await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "business" });
      key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      await fleet.close();
    });
    after(async () => store?.drop());

    it("on SIGTERM, the upload in flight completes and the process ends cleanly", async () => {
      const serve = await spawnServe(store);
      const url = new URL(`${serve.url}/api/v1/hosts/slow-host/inventories?site=${SITE}&filename=programs.csv`);
      const body = csv("ignored", 3);
      let headersSent!: () => void;
      const sent = new Promise<void>((resolve) => (headersSent = resolve));
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(url, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/octet-stream", "idempotency-key": "graceful-1" } }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (s: string) => (text += s));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.write(body.slice(0, 40)); // the request is in flight: its body is not finished
        req.on("socket", (s) => s.on("connect", () => setTimeout(headersSent, 100)));
        void sent.then(async () => {
          serve.child.kill("SIGTERM");
          await sleep(300);
          req.end(body.slice(40));
        });
      });
      const r = await answer;
      assert.equal(r.status, 201, r.body);
      const exit = await serve.exited; // the one SIGTERM is enough (a second one would end it at once)
      assert.equal(exit.code, 0, serve.stderr());
      assert.match(serve.stderr(), /stopped/);
      assert.match(serve.stderr(), /SIGTERM/);
      await assert.rejects(fetch(`${serve.url}/healthz`), "no new connection after shutdown");
      // the upload was stored before the store closed
      const again = await spawnServe(store);
      try {
        const scans = await api(again.url, `/api/v1/scans?site=${SITE}`, { key });
        assert.equal(scans.body.total, 1);
        assert.deepEqual(scans.body.items[0].hosts, ["slow-host"]);
      } finally {
        await again.stop();
      }
    });
  });
}
