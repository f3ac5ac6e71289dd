/**
 * Screening as a standing job, against a real server on SQLite and on PostgreSQL, with a webhook
 * receiver on 127.0.0.1: counterparties imported from CSV are screened; a scheduled refresh of a
 * list (a real CSV file in a folder) that newly matches a stored counterparty records the change
 * (history, audit) and sends `counterparty.verdict-changed`; the refresh records its provenance
 * (source, SHA-256, date, entries), says `unchanged` for the same file, and refuses a file that
 * shrinks the list sharply (the stored list kept); a catalog change screens everyone again.
 * The catalog is the small one of src/testing/mini-catalog.ts (invented vendors), so a change
 * of it is in the test's hands.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ActiveCatalog } from "../src/catalog/active.js";
import { catalogFreshness } from "../src/catalog/freshness.js";
import { clockAt } from "../src/fleet/fleet-suite.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import type { Catalog } from "../src/model/catalog.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { createEngines } from "../src/server/engines.js";
import { BACKENDS, api, createTestStore, runCli, type TestStore } from "../src/testing/fleet-server.js";
import { miniCatalog } from "../src/testing/mini-catalog.js";
import { tempDir } from "../src/testing/temp.js";

const PARTIES = "name,country,role\nNorthwind Traders,US,customer\n\"Zeta Telecom Co., Ltd.\",CN,vendor\nVolga Export Trading LLC,RU,reseller\n,DE,vendor\nAcme Widgets Inc,US,distributor\n";
const WATCH = "name,country\nVolga Export Trading LLC,RU\nBaltic Shipping Holdings,LV\nIrtysh Machine Works,KZ\nAmur Timber Company,RU\n";
const WATCH_CUT = "name,country\nBaltic Shipping Holdings,LV\n";

for (const backend of BACKENDS) {
  describe(`counterparties re-screened (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let receiver: Server;
    let admin: string;
    const events: { type: string; body: any }[] = [];
    const t = clockAt("2026-02-01T00:00:00Z");
    const catalogA = miniCatalog();
    // a catalog update that drops the entity Zeta Telecom (the vendor is invented, as the whole mini catalog)
    const catalogB: Catalog = { ...catalogA, version: "test-b", digest: `${catalogA.digest.slice(0, 60)}beef`, entities: catalogA.entities.filter((e) => e.id !== "zeta") };
    let catalog = catalogA;
    const listDir = tempDir("ictsguard-watch-");
    const listFile = join(listDir, "watch.csv");
    const byName = async (name: string) => {
      const page = await api(server.url, "/api/v1/counterparties?site=acme&limit=100", { key: admin });
      const found = page.body.items.find((c: { name: string }) => c.name === name);
      assert.ok(found, `${name} is stored`);
      return (await api(server.url, `/api/v1/counterparties/${found.id}`, { key: admin })).body;
    };

    before(async () => {
      store = await createTestStore(backend, "ictsguard_counterparties");
      const active = (c: Catalog): ActiveCatalog => {
        const freshness = catalogFreshness(c.date, undefined, t.clock());
        return { catalog: c, origin: { kind: "flag", path: "(test)" }, stale: freshness.stale, freshness, warnings: [] };
      };
      fleet = await openFleet({ db: store.db, home: store.home, clock: t.clock, catalog: () => active(catalog) });
      // the API's /screen over the same home as the fleet (a server takes ICTSGUARD_HOME from its environment)
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 }, engines: createEngines(() => fleet.catalog.catalog, { ...process.env, ICTSGUARD_HOME: store.home }) });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      receiver = createServer((req, res) => {
        let raw = "";
        req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
        req.on("end", () => {
          const body = JSON.parse(raw) as { type: string };
          events.push({ type: body.type, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
      const hook = await api(server.url, "/api/v1/webhooks", { key: admin, body: { site: "acme", url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, events: ["counterparty.verdict-changed"] } });
      assert.equal(hook.status, 201);
    });

    after(async () => {
      receiver?.closeAllConnections();
      await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
      await server?.close();
      await fleet?.close();
      await store?.drop();
      rmSync(listDir, { recursive: true, force: true });
    });

    it("imports counterparties from CSV, screens them, and reports a row without a name by its line", async () => {
      const r = await api(server.url, "/api/v1/sites/acme/counterparties", { key: admin, body: PARTIES, headers: { "content-type": "text/csv" } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.imported, 4);
      assert.deepEqual(r.body.byVerdict, { match: 1, allowed: 0, clear: 3 });
      assert.deepEqual(r.body.errors.map((e: { line: number }) => e.line), [5]);
      const zeta = await byName("Zeta Telecom Co., Ltd.");
      assert.equal(zeta.verdict, "match");
      assert.equal(zeta.matches[0].list, "catalog");
      assert.equal(zeta.matches[0].entityId, "zeta");
      assert.equal(zeta.role, "vendor");
      assert.equal((await byName("Acme Widgets Inc")).role, "reseller", "distributor is a reseller");
      const volga = await byName("Volga Export Trading LLC");
      assert.equal(volga.verdict, "clear");
      assert.deepEqual(volga.history.map((h: { cause: string; verdict: string }) => `${h.cause}:${h.verdict}`), ["import:clear"]);
      // the same file again changes nothing
      const again = await api(server.url, "/api/v1/sites/acme/counterparties", { key: admin, body: PARTIES, headers: { "content-type": "text/csv" } });
      assert.equal(again.body.imported, 0);
      assert.equal(again.body.updated, 4);
      await fleet.tick();
      await fleet.tick();
      assert.deepEqual(events, [], "nothing changed a verdict");
    });

    it("a scheduled refresh imports a list that newly matches a stored counterparty: the change is recorded and sent", async () => {
      writeFileSync(listFile, WATCH);
      const set = await api(server.url, "/api/v1/list-sources/watch", { key: admin, method: "PUT", body: { source: listDir, intervalMinutes: 60 } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      t.set("2026-02-01T00:05:00Z");
      await fleet.tick(); // the refresh job imports, and queues the re-screen, which runs in the same pass
      await fleet.tick(); // the webhook delivery
      const volga = await byName("Volga Export Trading LLC");
      assert.equal(volga.verdict, "match");
      assert.deepEqual(volga.matches.map((m: { list: string }) => m.list), ["watch"]);
      assert.deepEqual(volga.history.map((h: { cause: string; verdict: string; previous: string | null }) => `${h.cause}:${h.previous}->${h.verdict}`), ["import:null->clear", "rescreen:clear->match"]);
      assert.deepEqual(events.map((e) => `${e.type} ${e.body.data.counterparty.name} ${e.body.data.previous.verdict}->${e.body.data.counterparty.verdict}`), ["counterparty.verdict-changed Volga Export Trading LLC clear->match"]);
      const audit = await api(server.url, "/api/v1/audit?site=acme", { key: admin });
      assert.ok(audit.body.items.some((a: { action: string; target?: string }) => a.action === "counterparty.verdict-change" && a.target === volga.id));
      // the others kept their verdicts and got no history row
      assert.equal((await byName("Northwind Traders")).history.length, 1);
      // provenance of the run
      const sources = await api(server.url, "/api/v1/list-sources", { key: admin });
      const run = sources.body.items[0].lastRefresh;
      assert.equal(run.outcome, "imported");
      assert.equal(run.entries, 4);
      assert.equal(run.source, listDir);
      assert.equal(run.at, "2026-02-01T00:05:00.000Z");
      const fileDigest = createHash("sha256").update(readFileSync(listFile)).digest("hex");
      assert.equal(run.sha256, createHash("sha256").update(`watch.csv\u0000${fileDigest}\n`).digest("hex"), "SHA-256 of the folder: each file's name and digest");
      const lists = await api(server.url, "/api/v1/lists", { key: admin });
      const watch = lists.body.items.find((l: { name: string }) => l.name === "watch");
      assert.equal(watch.entries, 4);
      assert.ok(watch.source[0].includes(fileDigest), "the stored list names the file and its digest");
    });

    it("the same source again is `unchanged`; a source that shrinks the list sharply is refused and the list kept", async () => {
      t.set("2026-02-01T01:06:00Z");
      await fleet.tick();
      let run = (await api(server.url, "/api/v1/list-sources", { key: admin })).body.items[0].lastRefresh;
      assert.equal(run.outcome, "unchanged");
      writeFileSync(listFile, WATCH_CUT);
      const now = await api(server.url, "/api/v1/list-sources/watch/refresh", { key: admin, method: "POST" });
      assert.equal(now.status, 200);
      run = now.body;
      assert.equal(run.outcome, "refused");
      assert.equal(run.entries, 1);
      assert.equal(run.previousEntries, 4);
      assert.match(run.message, /under half/);
      const watch = (await api(server.url, "/api/v1/lists", { key: admin })).body.items.find((l: { name: string }) => l.name === "watch");
      assert.equal(watch.entries, 4, "the stored list was kept");
      await fleet.tick();
      await fleet.tick();
      assert.equal((await byName("Volga Export Trading LLC")).verdict, "match", "a refused refresh changes no verdict");
      assert.equal(events.length, 1);
    });

    it("a catalog change screens every counterparty again", async () => {
      catalog = catalogB;
      assert.equal(await fleet.catalogChanged(), true);
      t.set("2026-02-01T02:00:00Z");
      await fleet.tick();
      await fleet.tick();
      const zeta = await byName("Zeta Telecom Co., Ltd.");
      assert.equal(zeta.verdict, "clear");
      assert.deepEqual(zeta.history.map((h: { cause: string; verdict: string }) => `${h.cause}:${h.verdict}`), ["import:match", "rescreen:clear"]);
      assert.deepEqual(events.slice(1).map((e) => `${e.body.data.counterparty.name} ${e.body.data.previous.verdict}->${e.body.data.counterparty.verdict}`), ["Zeta Telecom Co., Ltd. match->clear"]);
      const jobs = (await api(server.url, "/api/v1/jobs", { key: admin })).body.items.filter((j: { kind: string }) => j.kind === "rescreen");
      assert.equal(jobs.length, 2, "one re-screen per change of lists or catalog");
      assert.ok(jobs.every((j: { state: string }) => j.state === "done"));
      // nothing left to do: another tick queues nothing
      await fleet.tick();
      assert.equal((await api(server.url, "/api/v1/jobs", { key: admin })).body.items.filter((j: { kind: string }) => j.kind === "rescreen").length, 2);
    });

    it("a list imported with `ictsguard lists import` into the server's home re-screens as well, and /screen uses it at once", async () => {
      const before = await api(server.url, "/api/v1/screen", { key: admin, body: { names: [{ name: "Northwind Traders" }] } });
      assert.equal(before.body.items[0].status, "clear");
      const file = join(store.home, "local.csv"); // not in the refreshed folder
      writeFileSync(file, "name,country\nNorthwind Traders,US\n");
      const run = await runCli(["lists", "import", file, "--name", "local", "--quiet"], { env: { ICTSGUARD_HOME: store.home } });
      assert.equal(run.code, 0, run.stderr);
      t.set("2026-02-01T03:00:00Z");
      await fleet.tick();
      await fleet.tick();
      const northwind = await byName("Northwind Traders");
      assert.equal(northwind.verdict, "match");
      assert.deepEqual(northwind.matches.map((m: { list: string }) => m.list), ["local"]);
      assert.equal(events.at(-1)!.body.data.counterparty.name, "Northwind Traders");
      const after = await api(server.url, "/api/v1/screen", { key: admin, body: { names: [{ name: "Northwind Traders" }] } });
      assert.equal(after.body.items[0].status, "match", "the running server screens with the list imported after it started");
      assert.ok(after.body.lists.some((l: { name: string }) => l.name === "local"));
    });

    it("one counterparty by hand, updated and deleted; a key limited to another site sees none", async () => {
      const made = await api(server.url, "/api/v1/counterparties", { key: admin, body: { site: "acme", name: "Acme Labs JSC", country: "RU", role: "vendor", identifiers: { inn: "7713140469" } } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.verdict, "match");
      const upd = await api(server.url, `/api/v1/counterparties/${made.body.id}`, { key: admin, method: "PATCH", body: { identifiers: { inn: "7713140469", lei: "253400V1H6ART1UQ0N98" } } });
      assert.equal(upd.status, 200);
      assert.equal(upd.body.identifiers.lei, "253400V1H6ART1UQ0N98");
      await fleet.createSite(LOCAL_ADMIN, { name: "other", profile: "business" });
      const limited = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin", sites: ["other"] })).token;
      assert.equal((await api(server.url, `/api/v1/counterparties/${made.body.id}`, { key: limited })).status, 404);
      assert.equal((await api(server.url, "/api/v1/counterparties", { key: limited })).body.items.length, 0);
      const del = await api(server.url, `/api/v1/counterparties/${made.body.id}`, { key: admin, method: "DELETE" });
      assert.equal(del.status, 200);
      assert.equal((await api(server.url, `/api/v1/counterparties/${made.body.id}`, { key: admin })).status, 404);
    });
  });
}
