/**
 * The fleet server end to end, on SQLite and on a real PostgreSQL (the same suite for each): a
 * real server on 127.0.0.1 (port 0), inventories sent by the real `ictsguard upload` command,
 * and its answers compared with the real `ictsguard scan` of the same files, profile and instant.
 * Then the life of a finding across uploads: seen again (last seen moves, nothing new), gone
 * once (removal-pending), gone twice (resolved, N = 2), back (reopened), and the host's history
 * at instants between the uploads.
 */
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet, type FleetFinding } from "../src/fleet/types.js";
import type { ReportDocument } from "../src/model/finding.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { repoPath } from "../src/testing/index.js";
import { BACKENDS, api, createTestStore, runCli, type TestStore } from "../src/testing/fleet-server.js";
import { tempDir } from "../src/testing/temp.js";

const LINUX = repoPath("examples/fleet/linux-hosts.osquery.json");
const WINDOWS = repoPath("examples/fleet/windows-software.csv");
const PROFILE = "federal-contractor";
const SITE = "hq";
const LINUX_HOST = "linux-01";
/** The product taken out of the CSV, on its host. */
const GONE = { host: "mac-design-03", product: "kaspersky-internet-security", line: "Kaspersky Internet Security" };

for (const backend of BACKENDS) {
  describe(`fleet server lifecycle (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let ingestKey: string;
    let viewerKey: string;
    const dir = tempDir("ictsguard-fleet-files-");
    const linux = join(dir, "linux-hosts.osquery.json");
    const windows = join(dir, "windows-software.csv");
    const withoutDir = tempDir("ictsguard-fleet-without-");
    const windowsWithout = join(withoutDir, "windows-software.csv"); // the same file name: the same source
    let mtime = Date.now() / 1000;
    /** A new collection of the same inventory: a new modification time (so a new idempotency key). */
    const recollect = (...files: string[]) => {
      mtime += 60;
      for (const f of files) utimesSync(f, mtime, mtime);
    };

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home });
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
      await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: PROFILE });
      ingestKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest", sites: [SITE] })).token;
      viewerKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
      copyFileSync(LINUX, linux);
      copyFileSync(WINDOWS, windows);
      const lines = readFileSync(WINDOWS, "utf8").split("\n");
      const kept = lines.filter((l) => !l.includes(`${GONE.host},software,${GONE.line},`));
      assert.equal(kept.length, lines.length - 1, "the product to take out is one line of the example");
      writeFileSync(windowsWithout, kept.join("\n"));
      recollect(linux, windows, windowsWithout);
    });

    after(async () => {
      await server?.close();
      await store?.drop();
    });

    const upload = async (file: string, host?: string) => {
      const r = await runCli(["upload", file, "--server", server.url, "--api-key", ingestKey, "--site", SITE, ...(host ? ["--host", host] : [])]);
      assert.equal(r.code, 0, `upload ${file} failed: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /: (already )?accepted/);
      return r;
    };
    const uploadAll = async (csv = windows) => {
      await upload(linux, LINUX_HOST);
      await upload(csv);
    };
    const findings = async (): Promise<FleetFinding[]> => {
      const r = await api(server.url, `/api/v1/findings?site=${SITE}&limit=1000`, { key: viewerKey });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.next, null);
      return r.body.items as FleetFinding[];
    };
    const gone = async () => (await findings()).find((f) => f.host === GONE.host && f.product === GONE.product);

    let firstUpload: FleetFinding[] = [];
    let afterFirst = "";
    let afterRemoval = "";

    it("answers what `ictsguard scan` answers for the same files, profile and instant", async () => {
      const asOf = new Date().toISOString();
      await uploadAll();
      afterFirst = new Date().toISOString();
      const scan = await runCli(["scan", linux, windows, "-o", "json", "--quiet", "--profile", PROFILE, "--as-of", asOf], { env: { ICTSGUARD_HOME: store.home } });
      const doc = JSON.parse(scan.stdout) as ReportDocument;
      assert.ok(doc.findings.length > 0, "the example fleet has findings");

      const summary = await api(server.url, `/api/v1/summary?site=${SITE}`, { key: viewerKey });
      assert.equal(summary.status, 200);
      assert.deepEqual(summary.body.byStatus, doc.summary.byStatus);
      firstUpload = await findings();
      const fromScan = doc.findings.map((f) => `${f.observation.host ?? LINUX_HOST} ${f.product} ${f.status}`).sort();
      const fromServer = firstUpload.map((f) => `${f.host} ${f.product} ${f.status}`).sort();
      assert.deepEqual(fromServer, fromScan);
      assert.ok(firstUpload.every((f) => f.state === "open"));
      assert.equal(summary.body.hosts, new Set(fromScan.map((s) => s.split(" ")[0])).size);
    });

    it("uploading the same inventories again makes no new finding and moves last seen", async () => {
      await sleep(20);
      recollect(linux, windows);
      await uploadAll();
      const again = await findings();
      assert.deepEqual(again.map((f) => f.id).sort(), firstUpload.map((f) => f.id).sort());
      const before = new Map(firstUpload.map((f) => [f.id, f]));
      for (const f of again) {
        const b = before.get(f.id)!;
        assert.equal(f.firstSeen, b.firstSeen);
        assert.ok(Date.parse(f.lastSeen) > Date.parse(b.lastSeen), `${f.product} on ${f.host}: last seen ${f.lastSeen} should be after ${b.lastSeen}`);
        assert.equal(f.state, "open");
      }
    });

    it("re-sending an untouched file is a retry: nothing new is stored", async () => {
      const scans = await api(server.url, `/api/v1/scans?site=${SITE}&limit=1000`, { key: viewerKey });
      const r = await upload(windows);
      assert.match(r.stdout, /already accepted/);
      const after = await api(server.url, `/api/v1/scans?site=${SITE}&limit=1000`, { key: viewerKey });
      assert.equal(after.body.total, scans.body.total);
    });

    it("an inventory without a product makes its finding removal-pending", async () => {
      await sleep(20);
      await upload(windowsWithout);
      afterRemoval = new Date().toISOString();
      const f = await gone();
      assert.ok(f, "the finding is kept");
      assert.equal(f.state, "removal-pending");
      assert.equal(f.resolvedAt, null);
      const others = (await findings()).filter((x) => x.id !== f.id);
      assert.ok(others.every((x) => x.state === "open"), "the other findings stay open");
    });

    it("a second clean inventory resolves it (N = 2)", async () => {
      await sleep(20);
      recollect(windowsWithout);
      await upload(windowsWithout);
      const f = await gone();
      assert.ok(f);
      assert.equal(f.state, "resolved");
      assert.ok(f.resolvedAt);
      const summary = await api(server.url, `/api/v1/summary?site=${SITE}`, { key: viewerKey });
      const total = Object.values(summary.body.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(total, firstUpload.length - 1, "a resolved finding leaves the posture counts");
    });

    it("the product coming back reopens the finding", async () => {
      await sleep(20);
      recollect(windows);
      await upload(windows);
      const f = await gone();
      assert.ok(f);
      assert.equal(f.state, "open");
      assert.equal(f.reopened, 1);
      assert.equal(f.resolvedAt, null);
    });

    it("the host's history answers for instants between uploads", async () => {
      const f = (await gone())!;
      const at = async (instant: string) => {
        const r = await api(server.url, `/api/v1/hosts/${f.hostId}/history?at=${encodeURIComponent(instant)}`, { key: viewerKey });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body as { at: string; findings: { id: string; state: string; status: string }[] };
      };
      const first = await at(afterFirst);
      assert.equal(first.findings.find((x) => x.id === f.id)?.state, "open");
      const pending = await at(afterRemoval);
      assert.equal(pending.findings.find((x) => x.id === f.id)?.state, "removal-pending");
      const beforeAll = await at("2000-01-01T00:00:00Z");
      assert.equal(beforeAll.findings.length, 0, "nothing was on the host before its first upload");
    });

    it("/metrics counts requests by route and status, uploads, and findings by status", async () => {
      const r = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${viewerKey}` } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get("content-type") ?? "", /text\/plain/);
      const text = await r.text();
      const value = (line: string) => {
        const m = text.split("\n").find((l) => l.startsWith(`${line} `));
        assert.ok(m, `${line} in /metrics`);
        return Number(m.slice(line.length + 1));
      };
      assert.ok(value('ictsguard_http_requests_total{route="findings.list",method="GET",status="200"}') >= 5);
      assert.ok(value('ictsguard_http_request_duration_seconds_count{route="inventories.host",method="POST",status="201"}') >= 2);
      assert.equal(value('ictsguard_uploads_total{outcome="stored"}'), 7, "2 + 2 + 1 + 1 + 1 uploads were stored");
      assert.equal(value('ictsguard_uploads_total{outcome="replayed"}'), 1);
      const summary = await api(server.url, "/api/v1/summary", { key: viewerKey });
      for (const [status, n] of Object.entries(summary.body.byStatus as Record<string, number>)) assert.equal(value(`ictsguard_findings{status="${status}"}`), n, status);
    });
  });
}
