/**
 * One upload naming more hosts than one SQL statement takes parameters (SQLite 32,766,
 * PostgreSQL 65,535), on each store: a fleet-wide inventory (a CSV of every host's programs)
 * sent as one queued upload, judged across a rule phase boundary (so its hosts are re-judged at
 * the boundary too), then a second source of the same hosts, then an older upload of the first
 * source that the stored one supersedes. Until the statements went in chunks (fleet/chunks.ts),
 * the first upload failed whole.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { clockAt } from "../src/fleet/fleet-suite.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { BACKENDS, createTestStore, type TestStore } from "../src/testing/fleet-server.js";

/** Just over the backend's limit of parameters in one statement. */
const HOSTS = { sqlite: 33_000, postgres: 66_000 } as const;
/** One host in this many runs Kaspersky. */
const EVERY = 1_000;

const host = (i: number) => `ws-${String(i).padStart(6, "0")}`;
/** Every host's programs: Firefox, and Kaspersky on one host in EVERY. */
function inventory(n: number, name = "Mozilla Firefox"): Buffer {
  const lines = ["host,kind,name,vendor,version"];
  for (let i = 0; i < n; i++) {
    lines.push(`${host(i)},software,${name},Mozilla,128.0`);
    if (i % EVERY === 0) lines.push(`${host(i)},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1`);
  }
  return Buffer.from(lines.join("\n") + "\n");
}

for (const backend of BACKENDS) {
  describe(`an upload of more hosts than a statement takes (${backend})`, () => {
    const n = HOSTS[backend];
    const kaspersky = Math.ceil(n / EVERY);
    let store: TestStore;
    let fleet: Fleet;
    // 2024-09-29T04:00Z: Kaspersky's updates end (the Final Determination's second phase)
    const t = clockAt("2024-09-28T12:00:00Z");

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home, clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "big", profile: "business" });
    });
    after(async () => {
      await fleet?.close();
      await store?.drop();
    });

    const statuses = async (): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      let cursor: string | undefined;
      do {
        const page = await fleet.listFindings(LOCAL_ADMIN, { site: "big", limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const f of page.items) out.set(f.status, (out.get(f.status) ?? 0) + 1);
        cursor = page.next ?? undefined;
      } while (cursor);
      return out;
    };

    it("judges a queued upload of every host, and re-judges them all at the boundary passed meanwhile", async () => {
      const before = await fleet.queueUpload({ principal: LOCAL_ADMIN, site: "big", filename: "programs.csv", source: "programs", body: inventory(n) });
      t.set("2024-09-29T05:00:00Z");
      await fleet.tick();
      const upload = await fleet.getUpload(LOCAL_ADMIN, before.upload.id);
      assert.equal(upload.status, "done", JSON.stringify(upload.error));
      assert.equal(upload.scan!.hosts.length, n);
      assert.equal((await fleet.summary(LOCAL_ADMIN)).hosts, n);
      // every Kaspersky finding has the verdict of after the boundary, as a fresh upload now gets
      const byStatus = await statuses();
      assert.equal([...byStatus.values()].reduce((a, b) => a + b, 0), kaspersky);
      const fresh = await fleet.queueUpload({ principal: LOCAL_ADMIN, site: "big", host: "ws-fresh", filename: "p.csv", source: "programs", body: inventory(1) });
      await fleet.tick();
      assert.equal((await fleet.getUpload(LOCAL_ADMIN, fresh.upload.id)).status, "done");
      const expected = (await fleet.listFindings(LOCAL_ADMIN, { site: "big", limit: 1000 })).items.find((f) => f.host === "ws-fresh")!.status;
      assert.deepEqual([...(await statuses()).keys()], [expected], "one status, the one after the boundary");
    });

    it("takes a second source of the same hosts, judged with the first", async () => {
      const record = await fleet.ingest({
        principal: LOCAL_ADMIN,
        site: "big",
        observations: Array.from({ length: n }, (_, i) => ({ kind: "software" as const, name: "7-Zip", vendor: "Igor Pavlov", host: host(i), source: { file: "services.csv", line: i + 2 } })),
        source: { name: "services" },
      });
      assert.equal(record.hosts.length, n);
      assert.equal((await fleet.summary(LOCAL_ADMIN)).byState.open, kaspersky + 1, "the first source's findings stay open");
    });

    it("keeps the stored inventory of every host against an older upload of its source", async () => {
      const record = await fleet.ingest({
        principal: LOCAL_ADMIN,
        site: "big",
        receivedAt: "2024-09-28T00:00:00Z",
        observations: Array.from({ length: n }, (_, i) => ({ kind: "software" as const, name: "Notepad++", vendor: "Don Ho", host: host(i), source: { file: "old.csv", line: i + 2 } })),
        source: { name: "programs" },
      });
      assert.equal(record.superseded?.length, n);
      assert.equal((await fleet.summary(LOCAL_ADMIN)).byState.open, kaspersky + 1, "nothing resolved by the older upload");
    });
  });
}
