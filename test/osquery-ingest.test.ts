/**
 * Native ingest against a real server, on SQLite and PostgreSQL: osquery's TLS remote API with the
 * messages osqueryd sends (test/fixtures/osquery-tls, shapes from osquery's docs: enroll, config,
 * status and result logs, gzip'd as with --logger_tls_compress, distributed read and write), FleetDM's
 * webhook result-log bodies, and `PUT /api/v1/bom` (JSON with base64 and a multipart form, the key
 * in X-Api-Key as Dependency-Track's clients send it). Each must give the same findings (engine ids
 * and statuses) as `ictsguard upload` of the same rows or file.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { repoPath } from "../src/testing/index.js";
import { BACKENDS, createTestStore, runCli, type TestStore } from "../src/testing/fleet-server.js";

const FIX = (name: string) => repoPath("test/fixtures/osquery-tls", name);
const SITES = ["osq", "file", "fleet", "fleet-legacy", "bom", "bom-file", "form", "form-file"];
const KASPERSKY_BOM = repoPath("src/readers/cyclonedx-json/testdata/kaspersky-1.5.cdx.json");
const REAL_BOM = repoPath("test/fixtures/real/proton-bridge-v1.8.0.bom.json");

for (const backend of BACKENDS) {
  describe(`native ingest (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let admin: string;
    let ingest: string;
    let secret: string;
    let nodeKey: string;

    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const fixture = (name: string) => readFileSync(FIX(name), "utf8").replaceAll("@ENROLL_SECRET@", secret).replaceAll("@NODE_KEY@", nodeKey);
    const findings = async (site: string) => (await fleet.listFindings(LOCAL_ADMIN, { site, limit: 1000 })).items.map((f) => `${f.engineId} ${f.host} ${f.product} ${f.status} ${f.state}`).sort();
    const upload = async (file: string, site: string, host?: string) => {
      const r = await runCli(["upload", file, "--server", server.url, "--api-key", ingest, "--site", site, ...(host ? ["--host", host] : [])]);
      assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    };

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home });
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
      for (const name of SITES) await fleet.createSite(LOCAL_ADMIN, { name, profile: "federal-contractor" });
      admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      ingest = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" })).token;
    });

    after(async () => {
      await server?.close();
      await store?.drop();
    });

    it("osquery enrolls with the site's enroll secret; a wrong secret or node key answers node_invalid", async () => {
      const created = await post("/api/v1/osquery/enroll-secrets", { site: "osq", label: "test" }, { authorization: `Bearer ${admin}` });
      assert.equal(created.status, 201);
      secret = created.body.token;
      assert.match(secret, /^ictgos_[a-z2-7]{16}_/);
      const bad = await post("/api/v1/osquery/enroll", fixture("enroll.json").replace(secret, `${secret.slice(0, -4)}AAAA`));
      assert.equal(bad.status, 401);
      assert.equal(bad.body.node_invalid, true);
      const enrolled = await post("/api/v1/osquery/enroll", fixture("enroll.json"));
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
      assert.equal(enrolled.body.node_invalid, false);
      nodeKey = enrolled.body.node_key;
      assert.match(nodeKey, /^ictgn_[a-z2-7]{16}_/);
      const wrongNode = await post("/api/v1/osquery/config", { node_key: `${nodeKey.slice(0, -4)}AAAA` });
      assert.equal(wrongNode.status, 401);
      assert.equal(wrongNode.body.node_invalid, true);
    });

    it("config schedules the inventory tables as snapshot queries; distributed read has no queries", async () => {
      const config = await post("/api/v1/osquery/config", fixture("config.json"));
      assert.equal(config.status, 200);
      assert.equal(config.body.node_invalid, false);
      const schedule = config.body.schedule as Record<string, { query: string; snapshot: boolean; interval: number; platform?: string }>;
      for (const table of ["programs", "deb_packages", "rpm_packages", "apps", "chrome_extensions", "firefox_addons", "services"]) {
        const q = schedule[`ictsguard_${table}`];
        assert.ok(q, table);
        assert.equal(q.snapshot, true);
        assert.match(q.query, new RegExp(`FROM ${table}|${table}\\.\\*`));
      }
      const read = await post("/api/v1/osquery/distributed/read", fixture("distributed-read.json"));
      assert.deepEqual(read.body, { queries: {}, node_invalid: false });
      const write = await post("/api/v1/osquery/distributed/write", fixture("distributed-write.json"));
      assert.deepEqual(write.body, { node_invalid: false });
    });

    it("result logs (gzip'd, as --logger_tls_compress sends them) give the findings of an upload of the same lines; a resend stores nothing", async () => {
      const status = await post("/api/v1/osquery/log", fixture("log-status.json"));
      assert.equal(status.status, 200);
      assert.equal((await fleet.listScans(LOCAL_ADMIN, { site: "osq" })).items.length, 0, "a status log is not an inventory");
      const body = gzipSync(fixture("log-result.json"));
      const logged = await post("/api/v1/osquery/log", body, { "content-encoding": "gzip" });
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      assert.equal(logged.body.node_invalid, false);
      assert.deepEqual([logged.body.stored, logged.body.replayed, logged.body.skipped], [2, 0, 1]);
      const again = await post("/api/v1/osquery/log", body, { "content-encoding": "gzip" });
      assert.deepEqual([again.body.stored, again.body.replayed], [0, 2], "osquery's retry of a batch stores nothing twice");
      assert.equal((await fleet.listScans(LOCAL_ADMIN, { site: "osq" })).items.length, 2);

      await upload(FIX("results.log"), "file");
      const viaTls = await findings("osq");
      assert.ok(viaTls.length >= 3, viaTls.join("\n"));
      assert.ok(viaTls.some((f) => f.includes(" kaspersky-protection-extension ")), viaTls.join("\n"));
      assert.deepEqual(viaTls, await findings("file"));
      const host = (await fleet.listHosts(LOCAL_ADMIN, { site: "osq" })).items;
      assert.deepEqual(host.map((h) => h.name), ["ubuntu-kesl-01"]);
      assert.deepEqual(host[0]!.sources.map((s) => s.source).sort(), ["osquery:ictsguard_chrome_extensions", "osquery:ictsguard_deb_packages"]);
    });

    it("FleetDM's webhook result destination (both body shapes) gives the same findings", async () => {
      for (const [site, file] of [["fleet", "fleet-webhook.json"], ["fleet-legacy", "fleet-webhook-legacy.json"]] as const) {
        const r = await post(`/api/v1/fleetdm/results?site=${site}`, readFileSync(FIX(file)), { authorization: `Bearer ${ingest}` });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual([r.body.stored, r.body.skipped], [2, 1]);
        assert.deepEqual(await findings(site), await findings("file"), site);
      }
      const anonymous = await post("/api/v1/fleetdm/results?site=fleet", readFileSync(FIX("fleet-webhook.json")));
      assert.equal(anonymous.status, 401);
    });

    it("PUT /api/v1/bom (JSON with base64, X-Api-Key) gives the findings of `ictsguard upload` of the file", async () => {
      const bom = readFileSync(KASPERSKY_BOM);
      const res = await fetch(`${server.url}/api/v1/bom?site=bom`, {
        method: "PUT",
        headers: { "content-type": "application/json", "x-api-key": ingest },
        body: JSON.stringify({ projectName: "app-01", projectVersion: "1.5", autoCreate: true, bom: bom.toString("base64") }),
      });
      const body = (await res.json()) as { token: string; scan: { id: string; hosts: string[]; source: { name: string } } };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.token, body.scan.id);
      assert.deepEqual(body.scan.hosts, ["app-01"]);
      assert.equal(body.scan.source.name, "bom:1.5");
      await upload(KASPERSKY_BOM, "bom-file", "app-01");
      const viaDt = await findings("bom");
      assert.ok(viaDt.length > 0);
      assert.deepEqual(viaDt, await findings("bom-file"));
    });

    it("PUT /api/v1/bom as a multipart form with a real CycloneDX SBOM matches the upload too", async () => {
      const form = new FormData();
      form.set("projectName", "proton-bridge");
      form.set("bom", new Blob([readFileSync(REAL_BOM)]), "bom.json");
      const res = await fetch(`${server.url}/api/v1/bom?site=form`, { method: "PUT", headers: { "x-api-key": ingest }, body: form });
      const body = (await res.json()) as { scan: { observations: number } };
      assert.equal(res.status, 200, JSON.stringify(body));
      await upload(REAL_BOM, "form-file", "proton-bridge");
      const file = (await fleet.listScans(LOCAL_ADMIN, { site: "form-file" })).items[0]!;
      assert.ok(body.scan.observations > 10);
      assert.equal(body.scan.observations, file.observations);
      assert.deepEqual(await findings("form"), await findings("form-file"));
      const noKey = await fetch(`${server.url}/api/v1/bom?site=form`, { method: "PUT", body: form });
      assert.equal(noKey.status, 401);
    });
  });
}
