/**
 * Retention of the webhook outbox, on SQLite and on PostgreSQL, with a real receiver on
 * 127.0.0.1 and the daily retention job driven by `tick()` on an injected clock: 30 days after a
 * delivery was delivered or failed for good, it goes with its attempts, and an event goes once no
 * delivery is left; a pending delivery (a paused subscription's) and its event stay however old;
 * a deadline notice stays until its boundary has passed, so it is never sent twice. Settings below
 * 30 days are refused without the override, by the service and by `serve --webhook-days`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet, type JobInfo } from "../src/fleet/types.js";
import { clockAt } from "../src/fleet/fleet-suite.js";
import type { Observation } from "../src/model/observation.js";
import { openStore, type Store } from "../src/store/open.js";
import { BACKENDS, createTestStore, runCli, type TestStore } from "../src/testing/fleet-server.js";
import { Receiver } from "../src/testing/webhook-receiver.js";

const KES = (host: string): Observation => ({ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1", host, source: { file: "p.csv", line: 2 } });

for (const backend of BACKENDS) {
  describe(`webhook outbox retention (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let db: Store;
    const up = new Receiver();
    const down = new Receiver();
    const t = clockAt("2024-08-01T00:00:00Z");
    const hooks = { ok: "", down: "", paused: "" };

    before(async () => {
      store = await createTestStore(backend, "ictsguard_outbox_retention");
      fleet = await openFleet({ db: store.db, home: store.home, clock: t.clock, delivery: { baseDelayMs: 1000, maxDelayMs: 2000, timeoutMs: 3000, maxAttempts: 2 } });
      db = await openStore({ db: store.db, home: store.home });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      await up.start();
      await down.start();
      await down.stop(); // its port refuses connections
      hooks.ok = (await fleet.createWebhook(LOCAL_ADMIN, { site: "acme", url: up.url, events: ["finding.new", "deadline.approaching"], leadDays: [60] })).webhook.id;
      hooks.down = (await fleet.createWebhook(LOCAL_ADMIN, { site: "acme", url: down.url, events: ["finding.new"] })).webhook.id;
      hooks.paused = (await fleet.createWebhook(LOCAL_ADMIN, { site: "acme", url: up.url, events: ["finding.new"] })).webhook.id;
    });

    after(async () => {
      await up.stop();
      await db?.close();
      await fleet?.close();
      await store?.drop();
    });

    const retention = (ran: JobInfo[]) => ran.filter((j) => j.kind === "retention").map((j) => j.result as Record<string, number>);
    /** The deliveries of an event, as "hook:state". */
    const deliveriesOf = async (eventId: string) => {
      const rows = await db.db.selectFrom("webhook_deliveries").select(["webhook_id", "state"]).where("event_id", "=", eventId).execute();
      const name = (id: string) => Object.entries(hooks).find(([, v]) => v === id)![0];
      return rows.map((r) => `${name(r.webhook_id)}:${r.state}`).sort();
    };
    const attemptsOf = async (eventId: string) => {
      const ids = (await db.db.selectFrom("webhook_deliveries").select("id").where("event_id", "=", eventId).execute()).map((r) => r.id);
      return ids.length ? (await db.db.selectFrom("webhook_attempts").select("id").where("delivery_id", "in", ids).execute()).length : 0;
    };
    const eventExists = async (id: string) => (await db.db.selectFrom("outbox_events").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
    const eventOf = async (type: string, host?: string) => {
      const rows = await db.db.selectFrom("outbox_events").select(["id", "body"]).where("type", "=", type).execute();
      return rows.find((r) => host === undefined || (JSON.parse(r.body) as { data: { finding?: { host: string } } }).data.finding?.host === host)!.id;
    };
    const deadlineNotices = () => up.accepted().filter((r) => r.type === "deadline.approaching").length;

    it("purges delivered and failed deliveries 30 days on, keeps pending ones and deadline notices until their boundary", async () => {
      // 2024-08-01: ws-1's finding.new goes to three subscriptions: delivered, failed for good, and paused (pending)
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [KES("ws-1")], source: { name: "programs" } });
      await fleet.updateWebhook(LOCAL_ADMIN, hooks.paused, { active: false });
      await fleet.tick(); // the 60-day deadline notice (boundary 2024-09-29T04:00Z) is made and sent too
      t.set("2024-08-01T00:00:10Z");
      await fleet.tick();
      const e1 = await eventOf("finding.new", "ws-1");
      const notice = await eventOf("deadline.approaching");
      assert.deepEqual(await deliveriesOf(e1), ["down:failed", "ok:delivered", "paused:pending"]);
      assert.deepEqual(await deliveriesOf(notice), ["ok:delivered"]);
      assert.equal(deadlineNotices(), 1);

      // 2024-08-20: ws-2's finding.new (the paused subscription gets nothing now)
      t.set("2024-08-20T00:00:00Z");
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [KES("ws-2")], source: { name: "programs" } });
      await fleet.tick();
      t.set("2024-08-20T00:00:10Z");
      await fleet.tick();
      const e3 = await eventOf("finding.new", "ws-2");
      assert.deepEqual(await deliveriesOf(e3), ["down:failed", "ok:delivered"]);

      // 2024-09-01, cutoff 2024-08-02: ws-1's finished deliveries go with their 3 attempts; its pending one and the event stay;
      // the notice stays (its boundary is ahead); ws-2's are younger than 30 days
      t.set("2024-09-01T00:00:00Z");
      assert.deepEqual(retention(await fleet.tick()).map((r) => [r.webhookDeliveries, r.webhookAttempts, r.outboxEvents]), [[2, 3, 0]]);
      assert.deepEqual(await deliveriesOf(e1), ["paused:pending"]);
      assert.equal(await eventExists(e1), true);
      assert.equal(await attemptsOf(e1), 0);
      assert.deepEqual(await deliveriesOf(notice), ["ok:delivered"]);
      assert.equal(await attemptsOf(notice), 1);
      assert.deepEqual(await deliveriesOf(e3), ["down:failed", "ok:delivered"]);
      assert.equal(await attemptsOf(e3), 3);
      // the next days' ticks still know the notice was sent
      t.set("2024-09-02T00:00:00Z");
      await fleet.tick();
      t.set("2024-09-15T00:00:00Z"); // cutoff 2024-08-16: ws-2's stay
      await fleet.tick();
      assert.equal(deadlineNotices(), 1, "the deadline notice is not sent again");

      // 2024-10-01, cutoff 2024-09-01: the boundary has passed, so the notice goes; ws-2's event goes with its deliveries
      t.set("2024-10-01T00:00:00Z");
      const [purged] = retention(await fleet.tick());
      assert.deepEqual([purged!.webhookDeliveries, purged!.webhookAttempts, purged!.outboxEvents], [3, 4, 2]);
      assert.equal(await eventExists(notice), false);
      assert.equal(await eventExists(e3), false);
      assert.deepEqual(await deliveriesOf(e3), []);
      assert.deepEqual(await deliveriesOf(e1), ["paused:pending"], "a pending delivery is never purged");
      assert.equal(await eventExists(e1), true);
      t.set("2024-10-02T00:00:00Z");
      await fleet.tick();
      assert.equal(deadlineNotices(), 1, "a notice whose boundary passed is not sent again");

      // the paused subscription, active again, still gets its 2-month-old event
      await fleet.updateWebhook(LOCAL_ADMIN, hooks.paused, { active: true });
      await fleet.tick();
      assert.deepEqual(await deliveriesOf(e1), ["paused:delivered"]);
      assert.ok(up.accepted().some((r) => r.id === e1 && r.body.data.finding.host === "ws-1"));

      const audit = (await fleet.listAudit(LOCAL_ADMIN, { limit: 100 })).items.find((a) => a.action === "retention.purge" && a.at === "2024-10-01T00:00:00.000Z");
      assert.ok(audit, "audit-logged");
      assert.ok(JSON.stringify(audit).includes('"webhookDays":30') && JSON.stringify(audit).includes('"webhookDeliveries":3'), JSON.stringify(audit));
    });

    it("refuses fewer than 30 days without the override, in the service and in serve", async () => {
      await assert.rejects(openFleet({ db: store.db, home: store.home, retention: { webhookDays: 7 } }), /webhookDays 7 is below the floor of 30 days/);
      const shorter = await openFleet({ db: store.db, home: store.home, retention: { webhookDays: 7, allowShorter: true } });
      await shorter.close();
      const r = await runCli(["serve", "--db", store.db, "--listen", "127.0.0.1:0", "--webhook-days", "7"], { env: { ICTSGUARD_HOME: store.home } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /webhookDays 7 is below the floor of 30 days.*--allow-short-retention/);
      const bad = await runCli(["serve", "--db", store.db, "--listen", "127.0.0.1:0", "--webhook-days", "soon"], { env: { ICTSGUARD_HOME: store.home } });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /--webhook-days must be a whole number above 0, got "soon"/);
    });
  });
}
