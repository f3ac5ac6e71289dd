/**
 * Webhooks against a real server and a real receiver, both on 127.0.0.1, on SQLite and on
 * PostgreSQL: every change (a new finding after an upload, resolved after N clean inventories,
 * reopened, an exception expired, a deadline approaching at each lead time) arrives as one signed
 * event; the signature is checked with a verifier written from docs/server.md's recipe (not by
 * calling the server's signer). Then the receiver refuses connections and answers 500 for a
 * while, and still gets every event exactly once when it is back; a delivery that failed for
 * good is redelivered with the same event id. The clock is injected; the job loop is driven by
 * `tick()`. The receiver and the verifier are src/testing/webhook-receiver.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { clockAt } from "../src/fleet/fleet-suite.js";
import { BACKENDS, api, createTestStore, type TestStore } from "../src/testing/fleet-server.js";
import { Receiver, verify } from "../src/testing/webhook-receiver.js";

const KASPERSKY = (host: string) => `host,kind,name,vendor,version\n${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1\n`;
const CLEAN = (host: string) => `host,kind,name,vendor,version\n${host},software,Mozilla Firefox,Mozilla,128.0\n`;

for (const backend of BACKENDS) {
  describe(`webhooks (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let admin: string;
    const receiver = new Receiver();
    const t = clockAt("2024-09-01T00:00:00Z");
    let hook: { id: string; secret: string };

    const upload = async (host: string, csv: string) => {
      const r = await api(server.url, `/api/v1/hosts/${host}/inventories?site=acme&filename=programs.csv`, { key: admin, body: csv, headers: { "content-type": "application/octet-stream" } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    /** Events accepted since `from`, as "type host|lead". */
    const since = (from: number) =>
      receiver
        .accepted()
        .slice(from)
        .map((r) => `${r.type} ${r.body.data.finding?.host ?? r.body.data.leadDays ?? ""}`.trim());

    before(async () => {
      store = await createTestStore(backend, "ictsguard_webhooks");
      fleet = await openFleet({ db: store.db, home: store.home, clock: t.clock, judgeAfterClean: 2, delivery: { baseDelayMs: 1000, maxDelayMs: 4000, timeoutMs: 3000, maxAttempts: 4 } });
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      await receiver.start();
      const r = await api(server.url, "/api/v1/webhooks", {
        key: admin,
        body: { site: "acme", url: receiver.url, events: ["finding.new", "finding.resolved", "finding.reopened", "exception.expired", "deadline.approaching"], leadDays: [30, 7, 1] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.match(r.body.secret, /^whsec_/);
      hook = { id: r.body.webhook.id, secret: r.body.secret };
      const listed = await api(server.url, "/api/v1/webhooks?site=acme", { key: admin });
      assert.equal(JSON.stringify(listed.body).includes(hook.secret), false, "the secret is never listed");
    });

    after(async () => {
      await receiver.stop();
      await server?.close();
      await fleet?.close();
      await store?.drop();
    });

    it("the test endpoint sends a signed test event now and answers the delivery", async () => {
      const r = await api(server.url, `/api/v1/webhooks/${hook.id}/test`, { key: admin, method: "POST" });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.state, "delivered");
      assert.equal(r.body.attemptLog.length, 1);
      assert.equal(r.body.attemptLog[0].statusCode, 200);
      const got = receiver.all.at(-1)!;
      assert.equal(got.type, "test");
      assert.equal(got.id, r.body.eventId);
      assert.equal(got.headerId, got.id, "the event id is in the header and the body");
      assert.ok(verify(hook.secret, got.raw, got.signature), "the signature verifies with the documented recipe");
      assert.equal(verify(hook.secret, got.raw.replace('"test"', '"tset"'), got.signature), false, "a changed body does not verify");
      assert.equal(verify("whsec_other", got.raw, got.signature), false, "another secret does not verify");
      receiver.all.length = 0;
    });

    it("one signed event per change: new, 30-day deadline notice, resolved after 2 clean inventories, reopened", async () => {
      await upload("ws-1", KASPERSKY("ws-1"));
      const finding = (await fleet.listFindings(LOCAL_ADMIN, { site: "acme" })).items[0]!;
      assert.equal(finding.deadline, "2024-09-29", "the business profile's Kaspersky finding changes at the 2024-09-29 phase (what this test's deadline notices rely on)");
      await fleet.tick();
      assert.deepEqual(since(0).sort(), ["deadline.approaching 30", "finding.new ws-1"]);
      const notice = receiver.accepted().find((r) => r.type === "deadline.approaching")!;
      assert.equal(notice.body.data.boundary, "2024-09-29T04:00:00.000Z");
      assert.equal(notice.body.data.openFindings, 1);
      assert.equal(notice.body.site, "acme");

      await upload("ws-1", CLEAN("ws-1"));
      await fleet.tick();
      assert.deepEqual(since(2), [], "the first clean inventory makes it removal-pending: no event");
      await upload("ws-1", CLEAN("ws-1"));
      await fleet.tick();
      assert.deepEqual(since(2), ["finding.resolved ws-1"]);
      assert.equal(receiver.accepted()[2]!.body.data.previous.state, "removal-pending");

      await upload("ws-1", KASPERSKY("ws-1"));
      await fleet.tick();
      await fleet.tick();
      assert.deepEqual(since(3), ["finding.reopened ws-1"]);
      assert.equal(receiver.accepted()[3]!.body.data.finding.reopened, 1);
    });

    it("an exception that expires sends exception.expired (injected clock), and the 7- and 1-day notices come once each", async () => {
      const finding = (await fleet.listFindings(LOCAL_ADMIN, { site: "acme" })).items[0]!;
      const x = await api(server.url, "/api/v1/exceptions", { key: admin, body: { findingId: finding.id, owner: "CISO office", reason: "Waiver under FAR 52.204-25(d) requested; removal scheduled", expiresAt: "2024-09-10T00:00:00Z" } });
      assert.equal(x.status, 201, JSON.stringify(x.body));
      await fleet.tick();
      assert.deepEqual(since(4), [], "making an exception is no event");
      t.set("2024-09-10T01:00:00Z");
      await fleet.tick();
      assert.deepEqual(since(4), ["exception.expired ws-1"]);
      const expired = receiver.accepted()[4]!;
      assert.equal(expired.body.data.exception.id, x.body.id);
      assert.equal(expired.body.data.finding.id, finding.id);
      assert.equal(expired.body.data.finding.state, "open");
      assert.equal(expired.body.createdAt, "2024-09-10T00:00:00.000Z", "dated to the expiry");

      t.set("2024-09-23T00:00:00Z");
      await fleet.tick();
      await fleet.tick();
      t.set("2024-09-28T12:00:00Z");
      await fleet.tick();
      await fleet.tick();
      assert.deepEqual(since(5), ["deadline.approaching 7", "deadline.approaching 1"]);
      for (const r of receiver.all) assert.ok(verify(hook.secret, r.raw, r.signature), `${r.type}: the signature verifies`);
      const ids = receiver.all.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, "no event twice");
    });

    it("a receiver that is down, then failing, then up gets every event exactly once", async () => {
      const start = receiver.all.length;
      await receiver.stop();
      await upload("ws-2", KASPERSKY("ws-2"));
      await upload("ws-3", KASPERSKY("ws-3"));
      await fleet.tick();
      const pending = await api(server.url, `/api/v1/webhooks/${hook.id}/deliveries?state=pending`, { key: admin });
      assert.equal(pending.body.items.length, 2, JSON.stringify(pending.body));
      // the first found the receiver down; the second waits for the same retry instead of piling on
      const byAttempts = [...pending.body.items].sort((a, b) => a.attempts - b.attempts);
      assert.deepEqual(byAttempts.map((d) => d.attempts), [0, 1]);
      assert.equal(byAttempts[1].attemptLog[0].statusCode, null);
      assert.match(byAttempts[1].attemptLog[0].error, /ECONNREFUSED/);
      assert.equal(byAttempts[0].nextAttemptAt, byAttempts[1].nextAttemptAt);
      assert.ok(byAttempts[1].nextAttemptAt > "2024-09-28T12:00:00.000Z", "backed off");
      // not due again yet: nothing is attempted
      await fleet.tick();
      const still = (await api(server.url, `/api/v1/webhooks/${hook.id}/deliveries?state=pending`, { key: admin })).body.items;
      assert.deepEqual(still.map((d: { attempts: number }) => d.attempts).sort(), [0, 1]);

      receiver.mode = "500";
      await receiver.start();
      t.set("2024-09-28T12:00:10Z");
      await fleet.tick();
      assert.ok(receiver.all.slice(start).length >= 1 && receiver.all.slice(start).every((r) => r.answered === 500), "attempted while the receiver answers 500");
      receiver.mode = "ok";
      t.set("2024-09-28T12:00:20Z");
      await fleet.tick();
      t.set("2024-09-28T12:00:30Z");
      await fleet.tick();
      const accepted = receiver.all.slice(start).filter((r) => r.answered === 200);
      assert.deepEqual(accepted.map((r) => `${r.type} ${r.body.data.finding.host}`).sort(), ["finding.new ws-2", "finding.new ws-3"]);
      assert.equal(new Set(accepted.map((r) => r.id)).size, 2, "each event accepted once");
      for (const r of receiver.all.slice(start)) assert.ok(verify(hook.secret, r.raw, r.signature));
      // every attempt of one event carried the same id and the same body
      for (const r of accepted) assert.ok(receiver.all.slice(start).filter((x) => x.id === r.id).every((x) => x.raw === r.raw));
      // this test's two deliveries (earlier tests' deliveries may share their instant on the injected clock)
      const done = await api(server.url, `/api/v1/webhooks/${hook.id}/deliveries?state=delivered&limit=1000`, { key: admin });
      const mine = done.body.items.filter((d: { eventId: string }) => accepted.some((r) => r.id === d.eventId));
      assert.equal(mine.length, 2, JSON.stringify(done.body.items.map((d: { eventId: string }) => d.eventId)));
      const statuses: (number | null)[] = [];
      for (const d of mine) {
        assert.equal(d.attemptLog.at(-1).statusCode, 200);
        assert.equal(d.attempts, d.attemptLog.length, "every attempt is recorded");
        for (const a of d.attemptLog) assert.ok(a.durationMs >= 0 && typeof a.at === "string");
        statuses.push(...d.attemptLog.map((a: { statusCode: number | null }) => a.statusCode));
      }
      assert.ok(statuses.includes(null) && statuses.includes(500), `attempts recorded the refused connection and the 500: ${JSON.stringify(statuses)}`);
    });

    it("a delivery that failed for good is listed as failed and redelivered with the same event id", async () => {
      const start = receiver.all.length;
      receiver.mode = "500";
      await upload("ws-4", KASPERSKY("ws-4"));
      for (let i = 0; i < 6; i++) {
        t.set(new Date(Date.parse("2024-09-28T12:01:00Z") + i * 10_000).toISOString());
        await fleet.tick();
      }
      const failed = await api(server.url, `/api/v1/webhooks/${hook.id}/deliveries?state=failed`, { key: admin });
      assert.equal(failed.body.items.length, 1, JSON.stringify(failed.body));
      const d = failed.body.items[0];
      assert.equal(d.attempts, 4, "maxAttempts");
      assert.equal(receiver.all.slice(start).length, 4);
      receiver.mode = "ok";
      const again = await api(server.url, `/api/v1/webhook-deliveries/${d.id}/redeliver`, { key: admin, method: "POST" });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.state, "pending");
      await fleet.tick();
      const got = receiver.accepted().slice(-1)[0]!;
      assert.equal(got.id, d.eventId);
      assert.equal(got.body.data.finding.host, "ws-4");
      assert.ok(verify(hook.secret, got.raw, got.signature));
    });

    it("refuses non-http(s) URLs and unknown event types, and a deleted subscription gets nothing more", async () => {
      const bad = await api(server.url, "/api/v1/webhooks", { key: admin, body: { site: "acme", url: "file:///etc/passwd", events: ["finding.new"] } });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(bad.body.error.message, /http or https/);
      const badType = await api(server.url, "/api/v1/webhooks", { key: admin, body: { site: "acme", url: receiver.url, events: ["finding.gone"] } });
      assert.equal(badType.status, 400);
      const del = await api(server.url, `/api/v1/webhooks/${hook.id}`, { key: admin, method: "DELETE" });
      assert.equal(del.status, 200);
      const n = receiver.all.length;
      await upload("ws-5", KASPERSKY("ws-5"));
      await fleet.tick();
      assert.equal(receiver.all.length, n);
    });
  });
}

describe("webhooks with two fleets on one PostgreSQL database", () => {
  it("ticking at once, the two processes deliver every event exactly once", async () => {
    const store = await createTestStore("postgres", "ictsguard_webhooks_two");
    const receiver = new Receiver();
    await receiver.start();
    const t = clockAt("2025-03-01T00:00:00Z");
    const fleets: Fleet[] = [];
    try {
      for (let i = 0; i < 2; i++) fleets.push(await openFleet({ db: store.db, home: store.home, clock: t.clock }));
      const [a, b] = fleets as [Fleet, Fleet];
      await a.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const { secret } = await a.createWebhook(LOCAL_ADMIN, { site: "acme", url: receiver.url, events: ["finding.new"] });
      for (let i = 0; i < 30; i++) {
        await (i % 2 ? a : b).ingest({
          principal: LOCAL_ADMIN,
          site: "acme",
          host: `ws-${i}`,
          observations: [{ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1", source: { file: "p.csv", line: 2 } }],
          source: { name: "programs" },
        });
      }
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      await Promise.all([a.tick(), b.tick()]);
      const hosts = receiver.all.map((r) => r.body.data.finding.host as string).sort();
      assert.deepEqual(hosts, Array.from({ length: 30 }, (_, i) => `ws-${i}`).sort(), "every event once, none twice");
      assert.equal(new Set(receiver.all.map((r) => r.id)).size, 30);
      for (const r of receiver.all) assert.ok(verify(secret, r.raw, r.signature));
    } finally {
      for (const f of fleets) await f.close().catch(() => undefined);
      await receiver.stop();
      await store.drop();
    }
  });
});
