/**
 * "A crash never loses an event" (docs/server.md, Delivery: at least once), against real
 * `ictsguard serve` processes killed with SIGKILL on one PostgreSQL database, and a receiver on
 * 127.0.0.1:
 *
 * 1. no job loop (`--no-jobs`): uploads commit their events, nothing is attempted; kill -9;
 * 2. the receiver down: uploads (a finding resolved among them), a delivery pass finds the
 *    receiver refusing connections, so every delivery is pending with a retry ahead; kill -9;
 * 3. the receiver holding requests without answering: an upload's event is in flight (its
 *    delivery `sending`, the delivery job `running`) when the process is killed;
 * 4. a fourth process and the receiver up: every event the outbox holds arrives, with a valid
 *    signature (docs/server.md's recipe), its id in the header and the body; after deduping by
 *    id each arrives once and none is missing, and each change the uploads made is there.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import { openStore, type Store } from "../src/store/open.js";
import { api, createTestStore, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";
import { Receiver, verify } from "../src/testing/webhook-receiver.js";

const SITE = "crash";
const KASPERSKY = (host: string) => `host,kind,name,vendor,version\n${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1\n`;
const CLEAN = (host: string) => `host,kind,name,vendor,version\n${host},software,Mozilla Firefox,Mozilla,128.0\n`;
/** How long the last process may take to deliver everything: a retry of the refused deliveries (at most 30 s) and the lease of the killed one's delivery in flight. */
const DELIVERED_WITHIN_MS = 180_000;

async function until(what: string, check: () => Promise<boolean> | boolean, withinMs: number): Promise<void> {
  const end = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${withinMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("webhook events survive kill -9 of serve (postgres)", () => {
  let store: TestStore;
  let db: Store;
  let key: string;
  let secret: string;
  let serve: ServeProcess | undefined;
  const receiver = new Receiver();

  before(async () => {
    store = await createTestStore("postgres", "ictsguard_webhook_crash");
    const fleet = await openFleet({ db: store.db, home: store.home });
    await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "business" });
    key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest", sites: [SITE] })).token;
    await receiver.start();
    secret = (await fleet.createWebhook(LOCAL_ADMIN, { site: SITE, url: receiver.url, events: ["finding.new", "finding.resolved", "finding.reopened"] })).secret;
    await fleet.close();
    db = await openStore({ db: store.db, home: store.home });
  });

  after(async () => {
    await serve?.stop("SIGKILL");
    await receiver.stop();
    await db?.close();
    await store?.drop();
  });

  const upload = async (host: string, csv: string) => {
    const r = await api(serve!.url, `/api/v1/hosts/${host}/inventories?site=${SITE}&filename=programs.csv`, { key, body: csv, headers: { "content-type": "application/octet-stream" } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  const kill = async () => {
    const exit = await serve!.stop("SIGKILL");
    assert.equal(exit.signal, "SIGKILL", "killed, not stopped");
    serve = undefined;
  };
  const outbox = async () => db.db.selectFrom("outbox_events").select(["id", "type", "body"]).orderBy("id").execute();
  const deliveries = async () => db.db.selectFrom("webhook_deliveries").select(["event_id", "state", "attempts", "created_at", "next_attempt_at"]).execute();

  it("every committed event arrives after the crashes, signed, each once after dedupe", async (t) => {
    // 1. committed, never attempted
    await receiver.stop();
    serve = await spawnServe(store, ["--no-jobs"]);
    for (const h of ["ws-1", "ws-2", "ws-3"]) await upload(h, KASPERSKY(h));
    await kill();
    assert.equal((await outbox()).length, 3);
    assert.deepEqual((await deliveries()).map((d) => [d.state, Number(d.attempts)]), [["pending", 0], ["pending", 0], ["pending", 0]]);

    // 2. attempted against a receiver that is down: pending, retried later
    serve = await spawnServe(store, ["--job-interval", "1"]);
    await upload("ws-4", KASPERSKY("ws-4"));
    await upload("ws-1", CLEAN("ws-1"));
    await upload("ws-1", CLEAN("ws-1")); // the second clean inventory resolves ws-1's finding
    // the first attempt finds the receiver down; the subscription's other deliveries wait for the same retry
    await until("a delivery pass found the receiver down", async () => {
      const d = await deliveries();
      return d.length === 5 && d.every((x) => x.state === "pending" && x.next_attempt_at > x.created_at) && d.some((x) => Number(x.attempts) >= 1);
    }, 60_000);
    await kill();

    // 3. in flight when killed: the receiver takes the request and never answers
    receiver.mode = "hold";
    await receiver.start();
    serve = await spawnServe(store, ["--job-interval", "1"]);
    const held = receiver.all.length;
    await upload("ws-5", KASPERSKY("ws-5"));
    await until("ws-5's event in flight", () => receiver.all.slice(held).some((r) => r.body.data.finding.host === "ws-5"), 60_000);
    assert.ok((await deliveries()).some((d) => d.state === "sending"), "a delivery is being sent when the process dies");
    await kill();

    // 4. the receiver up, a new process: everything the outbox holds arrives
    const events = await outbox();
    assert.deepEqual(
      events.map((e) => `${e.type} ${(JSON.parse(e.body) as { data: { finding: { host: string } } }).data.finding.host}`).sort(),
      ["finding.new ws-1", "finding.new ws-2", "finding.new ws-3", "finding.new ws-4", "finding.new ws-5", "finding.resolved ws-1"],
      "each committed change has its event",
    );
    const ids = events.map((e) => e.id).sort();
    receiver.mode = "ok";
    const started = Date.now();
    serve = await spawnServe(store, ["--job-interval", "1"]);
    await until("every event accepted", () => ids.every((id) => receiver.accepted().some((r) => r.id === id)), DELIVERED_WITHIN_MS);
    t.diagnostic(`all ${ids.length} events accepted ${((Date.now() - started) / 1000).toFixed(1)} s after the last restart; ${receiver.all.length} requests in all`);
    await until("every delivery recorded as delivered", async () => (await deliveries()).every((d) => d.state === "delivered"), 30_000);
    await serve.stop("SIGTERM");
    serve = undefined;

    const accepted = receiver.accepted();
    assert.deepEqual([...new Set(accepted.map((r) => r.id))].sort(), ids, "after dedupe by id: every event, none missing, nothing else");
    for (const r of receiver.all) {
      assert.equal(r.headerId, r.id, "the event id is in the header and the body");
      assert.ok(verify(secret, r.raw, r.signature), `${r.type} ${r.id}: the signature verifies`);
      assert.equal(r.raw, events.find((e) => e.id === r.id)!.body, "the stored body, byte for byte");
    }
  });
});
