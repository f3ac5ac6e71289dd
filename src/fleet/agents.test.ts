/**
 * Host identity and merge in the fleet service, on SQLite and PostgreSQL (row locks): two
 * credentials with one machine id are two hosts, flagged; a merge joins the findings they share
 * (earliest first seen kept), re-keys the others to the kept host's ids with their history and
 * exceptions, keeps the summary's counts exact, resolves the flag and is audit-logged; the merged
 * agent then reports into the kept host.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { findingId } from "../scan/finding-id.js";
import { BACKENDS, createTestStore, type TestStore } from "../testing/fleet-server.js";
import { fleetFindingId } from "./ids.js";
import { openFleet } from "./open.js";
import { LOCAL_ADMIN, type Fleet } from "./types.js";
import type { Observation } from "../model/observation.js";

const SITE = "s";
const KES: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1", source: { file: "host:programs", line: 1 } };
const KIS: Observation = { kind: "software", name: "Kaspersky Internet Security", vendor: "AO Kaspersky Lab", version: "21.3", source: { file: "host:programs", line: 2 } };
const MACHINE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

for (const backend of BACKENDS) {
  describe(`agents: identity and merge (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let now = new Date("2026-03-01T10:00:00.000Z");

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home, clock: () => now });
      await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "federal-contractor" });
    });
    after(async () => {
      await fleet?.close();
      await store?.drop();
    });

    it("merges a re-enrolled machine's host into the first one, exactly", async () => {
      const token = async () => (await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: SITE })).token;
      const a = await fleet.agents.enroll(await token(), { machineId: MACHINE, hostname: "pc-7" });
      assert.deepEqual(a.duplicates, []);
      const callerA = (await fleet.agents.authenticate(a.credential))!;
      await fleet.agents.ingest(callerA, { observations: [KES], facts: { machineId: MACHINE, hostname: "pc-7" }, uploadId: "upload-a-0001" });

      now = new Date("2026-03-02T10:00:00.000Z");
      const b = await fleet.agents.enroll(await token(), { machineId: MACHINE, hostname: "pc-7" });
      assert.equal(b.duplicates.length, 1);
      assert.equal(b.duplicates[0]!.kind, "machine-id");
      assert.deepEqual(b.duplicates[0]!.hosts, [a.agent.hostId, b.agent.hostId]);
      const callerB = (await fleet.agents.authenticate(b.credential))!;
      await fleet.agents.ingest(callerB, { observations: [KES, KIS], facts: { machineId: MACHINE, hostname: "pc-7" }, uploadId: "upload-b-0001" });
      assert.equal((await fleet.listHosts(LOCAL_ADMIN, { site: SITE })).items.length, 2, "not merged silently");
      assert.deepEqual((await fleet.getHost(LOCAL_ADMIN, a.agent.hostId)).possibleDuplicates, [b.agent.hostId]);

      const onB = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: b.agent.hostId })).items;
      const onA = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: a.agent.hostId })).items;
      assert.equal(onA.length, 1);
      assert.equal(onB.length, 2);
      const bOnly = onB.find((f) => f.product !== onA[0]!.product)!;
      const excepted = await fleet.createException(LOCAL_ADMIN, { findingId: bOnly.id, owner: "IT", reason: "FAR 52.204-25(d) waiver requested; removal scheduled", expiresAt: "2026-12-31T00:00:00.000Z" });
      const before = await fleet.summary(LOCAL_ADMIN, { site: SITE });
      const total = (s: typeof before) => Object.values(s.byState).reduce((x, y) => x + y, 0);
      assert.equal(total(before), 3);

      now = new Date("2026-03-03T10:00:00.000Z");
      const merged = await fleet.agents.merge(LOCAL_ADMIN, { keep: a.agent.hostId, merge: b.agent.hostId });
      assert.equal(merged.findingsJoined, 1);
      assert.equal(merged.findingsMoved, 1);
      assert.deepEqual(merged.agents, [b.agent.id]);

      const kept = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: a.agent.hostId })).items;
      assert.equal(kept.length, 2);
      const joined = kept.find((f) => f.product === onA[0]!.product)!;
      assert.equal(joined.id, onA[0]!.id, "the kept host's finding keeps its id");
      assert.equal(joined.firstSeen, "2026-03-01T10:00:00.000Z", "the earliest first seen");
      const moved = kept.find((f) => f.product === bOnly.product)!;
      const expectedId = fleetFindingId(SITE, findingId(`agent:${a.agent.id}`, bOnly.product));
      assert.equal(moved.id, expectedId, "re-keyed to the kept host's id");
      assert.equal(merged.ids[bOnly.id], expectedId);
      assert.equal(moved.firstSeen, "2026-03-02T10:00:00.000Z");
      assert.equal(moved.state, "excepted");
      assert.equal(moved.exceptionId, excepted.id);
      assert.equal((await fleet.listExceptions(LOCAL_ADMIN, { site: SITE })).items[0]!.findingId, expectedId, "the exception follows the finding");
      const history = await fleet.findingHistory(LOCAL_ADMIN, expectedId);
      assert.ok(history.some((e) => e.cause === "ingest" && e.at === "2026-03-02T10:00:00.000Z"), "its history came along");
      assert.ok(history.some((e) => e.cause === "exception"));

      const after = await fleet.summary(LOCAL_ADMIN, { site: SITE });
      assert.equal(total(after), 2, "the counts lose the joined duplicate");
      assert.equal(after.hosts, 1);
      assert.deepEqual(await fleet.agents.listDuplicates(LOCAL_ADMIN, { site: SITE }), []);
      const audit = (await fleet.listAudit(LOCAL_ADMIN, { site: SITE })).items.find((e) => e.action === "host.merge")!;
      assert.equal(audit.target, a.agent.hostId);
      assert.equal((audit.detail as { merged: string }).merged, b.agent.hostId);

      // agent B now reports into the kept host; its upload without KIS makes that finding removal-pending there
      now = new Date("2026-03-04T10:00:00.000Z");
      const callerB2 = (await fleet.agents.authenticate(b.credential))!;
      assert.equal(callerB2.hostId, a.agent.hostId);
      const scan = await fleet.agents.ingest(callerB2, { observations: [KES], facts: { machineId: MACHINE, hostname: "pc-7" }, uploadId: "upload-b-0002" });
      assert.equal((await fleet.listHosts(LOCAL_ADMIN, { site: SITE })).items.length, 1);
      assert.deepEqual(scan.hosts, ["pc-7"]);
      await assert.rejects(fleet.agents.merge(LOCAL_ADMIN, { keep: a.agent.hostId, merge: a.agent.hostId }), /itself/);
    });
  });
}
