/**
 * The authorisation matrix, built from the route table: every route of `ROUTES` is called as
 * anonymous, viewer, analyst, ingest (limited to the site the request names), admin, and an admin
 * key limited to another site, against a real server on SQLite and on PostgreSQL. Each call must
 * be allowed (2xx) or refused exactly as `expectedAccess` (the documented matrix) says, and every
 * refusal must carry the JSON error body. A route without a sample request here fails the test,
 * so a new route cannot be left out; docs/api.md must carry the matrix as the table computes it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { PRINCIPALS, ROUTES, authorisationMatrix, expectedAccess, startServer, type PrincipalKind, type RunningServer } from "../src/server/index.js";
import { repoPath } from "../src/testing/index.js";
import { BACKENDS, createTestStore, type TestStore } from "../src/testing/fleet-server.js";
import { flowToCallback, startTestIdp, type TestIdp } from "../src/testing/oidc-provider.js";
import { tempDir } from "../src/testing/temp.js";

const SITE = "a";
const OTHER = "b";

/** `redirects`: the route answers a redirect (3xx, not followed) when it succeeds. */
type Sample = { path: string; body?: string | object; contentType?: string; headers?: Record<string, string>; redirects?: boolean };
type Fixture = {
  hostId: string;
  findingId: string;
  scanId: string;
  /** A new host with a Kaspersky finding in site a, for requests that use one up. */
  freshFinding(): Promise<string>;
  /** A newly enrolled agent in site a. */
  agent(): Promise<{ credential: string; hostId: string }>;
  /** The site's osquery enroll secret and a node enrolled with it. */
  osquery(): Promise<{ secret: string; nodeKey: string }>;
  fleet: Fleet;
  /** The server's URL (for the sign-in samples). */
  url: string;
  /** A new webhook subscription of site a. */
  webhook(): Promise<string>;
  /** A new counterparty of site a. */
  counterparty(): Promise<string>;
  /** An upload queued (`Prefer: respond-async`) in site a by the ingest key: its id. */
  queuedUpload(): Promise<string>;
  /** A plain CSV list file, and a new refresh schedule reading it. */
  listFile: string;
  listSource(): Promise<string>;
};

/** A person the test identity provider signs in, in a group mapped to viewer. */
const PERSON = { sub: "matrix-person", email: "person@example.org", name: "Matrix Person", groups: ["fleet-viewers"], password: "correct horse" };

const unique = () => randomBytes(4).toString("hex");
const CSV = (host: string) => `host,kind,name,vendor,version\n${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1\n`;

/** One request per route that succeeds for a caller the table allows. */
const SAMPLES: Record<string, (fx: Fixture) => Promise<Sample> | Sample> = {
  "health.live": () => ({ path: "/healthz" }),
  "health.ready": () => ({ path: "/readyz" }),
  metrics: () => ({ path: "/metrics" }),
  openapi: () => ({ path: "/api/v1/openapi.json" }),
  "inventories.host": () => ({ path: `/api/v1/hosts/ws-${unique()}/inventories?site=${SITE}&filename=programs.csv`, body: CSV("ignored"), contentType: "application/octet-stream", headers: { "idempotency-key": `matrix-${unique()}` } }),
  "inventories.fleet": () => ({ path: `/api/v1/inventories?site=${SITE}&filename=programs.csv`, body: CSV(`ws-${unique()}`), contentType: "application/octet-stream", headers: { "idempotency-key": `matrix-${unique()}` } }),
  "hosts.list": () => ({ path: `/api/v1/hosts?site=${SITE}` }),
  "hosts.get": (fx) => ({ path: `/api/v1/hosts/${fx.hostId}` }),
  "hosts.history": (fx) => ({ path: `/api/v1/hosts/${fx.hostId}/history?at=${new Date().toISOString()}` }),
  "findings.list": () => ({ path: `/api/v1/findings?site=${SITE}&status=unsupported,prohibited` }),
  "findings.get": (fx) => ({ path: `/api/v1/findings/${fx.findingId}` }),
  "findings.history": (fx) => ({ path: `/api/v1/findings/${fx.findingId}/history` }),
  // the ingest column's key sent it: an ingest key reads its own uploads only
  "uploads.get": async (fx) => ({ path: `/api/v1/uploads/${await fx.queuedUpload()}` }),
  "scans.list": () => ({ path: `/api/v1/scans?site=${SITE}` }),
  "scans.get": (fx) => ({ path: `/api/v1/scans/${fx.scanId}` }),
  summary: () => ({ path: `/api/v1/summary?site=${SITE}` }),
  trend: () => ({ path: `/api/v1/trend?site=${SITE}&from=2024-09-20&to=2024-10-05&interval=day` }),
  "exceptions.list": () => ({ path: `/api/v1/exceptions?site=${SITE}` }),
  "exceptions.create": async (fx) => ({
    path: "/api/v1/exceptions",
    body: { findingId: await fx.freshFinding(), owner: "CISO office", reason: "Waiver under FAR 52.204-25(d) requested; removal scheduled", expiresAt: "2099-01-01" },
  }),
  "exceptions.revoke": async (fx) => {
    const e = await fx.fleet.createException(LOCAL_ADMIN, { findingId: await fx.freshFinding(), owner: "CISO office", reason: "Waiver under FAR 52.204-25(d) requested", expiresAt: "2099-01-01T00:00:00.000Z" });
    return { path: `/api/v1/exceptions/${e.id}/revoke`, body: {} };
  },
  "coverage.import": () => ({ path: `/api/v1/sites/${SITE}/assets`, body: "name\nws-1\nws-2\n", contentType: "text/csv" }),
  "coverage.list": () => ({ path: `/api/v1/coverage?site=${SITE}&kind=never-reported` }),
  check: () => ({ path: "/api/v1/check", body: { role: "business", action: "buy", vendor: "Kaspersky", date: "2025-01-01" } }),
  screen: () => ({ path: "/api/v1/screen", body: { names: [{ name: "Kaspersky Lab" }] } }),
  "catalog.status": () => ({ path: "/api/v1/catalog" }),
  "sites.list": () => ({ path: "/api/v1/sites" }),
  "sites.get": () => ({ path: `/api/v1/sites/${SITE}` }),
  "sites.create": () => ({ path: "/api/v1/sites", body: { name: `s-${unique()}`, profile: "business" } }),
  "keys.list": () => ({ path: "/api/v1/keys" }),
  "keys.create": () => ({ path: "/api/v1/keys", body: { role: "viewer", label: "matrix" } }),
  "keys.revoke": async (fx) => ({ path: `/api/v1/keys/${(await fx.fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).key.id}/revoke`, body: {} }),
  "enrollment.list": () => ({ path: `/api/v1/enrollment-tokens?site=${SITE}` }),
  "enrollment.create": () => ({ path: "/api/v1/enrollment-tokens", body: { site: SITE } }),
  "enrollment.revoke": async (fx) => ({ path: `/api/v1/enrollment-tokens/${(await fx.fleet.createEnrollmentToken(LOCAL_ADMIN, { site: SITE })).enrollment.id}/revoke`, body: {} }),
  "audit.list": () => ({ path: "/api/v1/audit" }),
  "jobs.list": () => ({ path: "/api/v1/jobs" }),
  "findings.csv": () => ({ path: `/api/v1/findings.csv?site=${SITE}&status=prohibited,unsupported` }),
  "exceptions.bulk": async (fx) => ({
    path: "/api/v1/exceptions/bulk",
    body: { findingIds: [await fx.freshFinding(), await fx.freshFinding()], owner: "CISO office", reason: "Waiver under FAR 52.204-25(d) requested; removal scheduled", expiresAt: "2099-01-01" },
  }),
  "reports.site": () => ({ path: `/api/v1/reports/site?site=${SITE}&at=2025-01-01` }),
  "catalog.contents": () => ({ path: "/api/v1/catalog/contents" }),
  "catalog.timeline": () => ({ path: "/api/v1/catalog/timeline?role=federal-contractor&vendor=kaspersky&today=2025-01-01" }),
  "auth.login": () => ({ path: "/auth/login?returnTo=%2Fhosts", redirects: true }),
  "auth.callback": async (fx) => {
    // a real sign-in at the test identity provider, up to its redirect back to the server
    const { callbackUrl, jar } = await flowToCallback(fx.url, PERSON, { returnTo: "/" });
    return { path: callbackUrl.slice(fx.url.length), headers: { cookie: jar.header(callbackUrl) }, redirects: true };
  },
  "auth.logout": () => ({ path: "/auth/logout" }),
  session: () => ({ path: "/api/v1/session" }),
  "signing-keys.list": () => ({ path: "/api/v1/signing-keys" }),
  "attestations.get": () => ({ path: `/api/v1/attestations?site=${SITE}` }),
  "webhooks.list": () => ({ path: `/api/v1/webhooks?site=${SITE}` }),
  "webhooks.create": () => ({ path: "/api/v1/webhooks", body: { site: SITE, url: "http://127.0.0.1:9/hook", events: ["finding.new"] } }),
  "webhooks.get": async (fx) => ({ path: `/api/v1/webhooks/${await fx.webhook()}` }),
  "webhooks.update": async (fx) => ({ path: `/api/v1/webhooks/${await fx.webhook()}`, body: { active: false } }),
  "webhooks.delete": async (fx) => ({ path: `/api/v1/webhooks/${await fx.webhook()}` }),
  // port 9 (discard) refuses on 127.0.0.1: the test answers 200 with the failed attempt
  "webhooks.test": async (fx) => ({ path: `/api/v1/webhooks/${await fx.webhook()}/test`, body: {} }),
  "webhooks.deliveries": async (fx) => ({ path: `/api/v1/webhooks/${await fx.webhook()}/deliveries` }),
  "webhooks.redeliver": async (fx) => {
    const id = await fx.webhook();
    const d = await fx.fleet.testWebhook(LOCAL_ADMIN, id);
    return { path: `/api/v1/webhook-deliveries/${d.id}/redeliver`, body: {} };
  },
  "counterparties.import": () => ({ path: `/api/v1/sites/${SITE}/counterparties`, body: "name,country,role\nAcme Widgets GmbH,DE,vendor\n", contentType: "text/csv" }),
  "counterparties.create": () => ({ path: "/api/v1/counterparties", body: { site: SITE, name: `Northwind ${unique()}`, role: "customer" } }),
  "counterparties.list": () => ({ path: `/api/v1/counterparties?site=${SITE}` }),
  "counterparties.get": async (fx) => ({ path: `/api/v1/counterparties/${await fx.counterparty()}` }),
  "counterparties.update": async (fx) => ({ path: `/api/v1/counterparties/${await fx.counterparty()}`, body: { country: "DE" } }),
  "counterparties.delete": async (fx) => ({ path: `/api/v1/counterparties/${await fx.counterparty()}` }),
  "lists.list": () => ({ path: "/api/v1/lists" }),
  "lists.sources.list": () => ({ path: "/api/v1/list-sources" }),
  "lists.sources.set": (fx) => ({ path: `/api/v1/list-sources/l-${unique()}`, body: { source: fx.listFile, intervalMinutes: 1440 } }),
  "lists.sources.delete": async (fx) => ({ path: `/api/v1/list-sources/${await fx.listSource()}` }),
  "lists.sources.refresh": async (fx) => ({ path: `/api/v1/list-sources/${await fx.listSource()}/refresh`, body: {} }),
  // agents: enrollment is public (the token is the credential); an upload carries the agent's credential, which the anonymous call sends
  "agents.enroll": async (fx) => ({ path: "/api/v1/agents/enroll", body: { token: (await fx.fleet.createEnrollmentToken(LOCAL_ADMIN, { site: SITE })).token, machineId: null, hostname: `m-${unique()}` } }),
  "agents.upload": async (fx) => ({
    path: "/api/v1/agents/inventories",
    headers: { authorization: `Bearer ${(await fx.agent()).credential}` },
    body: { version: 1, uploadId: `up-${unique()}${unique()}`, facts: { machineId: null, hostname: "agent-host" }, observations: [{ kind: "software", name: "Kaspersky Endpoint Security for Linux", vendor: "AO Kaspersky Lab", source: { file: "host:/var/lib/dpkg/status", line: 1 } }] },
  }),
  "agents.list": () => ({ path: `/api/v1/agents?site=${SITE}` }),
  "hosts.duplicates": () => ({ path: `/api/v1/host-duplicates?site=${SITE}` }),
  "hosts.merge": async (fx) => {
    const a = (await fx.agent()).hostId;
    const b = (await fx.agent()).hostId;
    return { path: "/api/v1/host-merges", body: { keep: a, merge: b } };
  },
  // osquery: the enroll secret or node key is in the body; the Authorization header is not read
  "osquery.enroll": async (fx) => ({ path: "/api/v1/osquery/enroll", body: { enroll_secret: (await fx.osquery()).secret, host_identifier: `osq-${unique()}`, host_details: {} } }),
  "osquery.config": async (fx) => ({ path: "/api/v1/osquery/config", body: { node_key: (await fx.osquery()).nodeKey } }),
  "osquery.log": async (fx) => ({ path: "/api/v1/osquery/log", body: { node_key: (await fx.osquery()).nodeKey, log_type: "status", data: [] } }),
  "osquery.distributed-read": async (fx) => ({ path: "/api/v1/osquery/distributed/read", body: { node_key: (await fx.osquery()).nodeKey } }),
  "osquery.distributed-write": async (fx) => ({ path: "/api/v1/osquery/distributed/write", body: { node_key: (await fx.osquery()).nodeKey, queries: {}, statuses: {} } }),
  "osquery-secrets.create": () => ({ path: "/api/v1/osquery/enroll-secrets", body: { site: SITE } }),
  "osquery-secrets.list": () => ({ path: `/api/v1/osquery/enroll-secrets?site=${SITE}` }),
  "fleetdm.results": () => ({
    path: `/api/v1/fleetdm/results?site=${SITE}`,
    body: [{ timestamp: "2026-12-05T20:00:00Z", details: { name: "programs", hostIdentifier: `fl-${unique()}`, action: "snapshot", unixTime: Date.now(), snapshot: [{ name: "Kaspersky Endpoint Security for Windows", publisher: "AO Kaspersky Lab", version: "12.1", install_location: "C:\\Program Files\\Kaspersky Lab" }] } }],
  }),
  "bom.upload": () => ({ path: `/api/v1/bom?site=${SITE}`, body: { projectName: `app-${unique()}`, bom: Buffer.from(BOM).toString("base64") } }),
};

const BOM = JSON.stringify({
  bomFormat: "CycloneDX",
  specVersion: "1.5",
  version: 1,
  components: [{ type: "application", name: "Kaspersky Endpoint Security for Windows", publisher: "AO Kaspersky Lab", version: "12.1" }],
});

describe("authorisation matrix: the table and the docs", () => {
  it("every route of the table has a sample request, and every sample a route", () => {
    const ids = ROUTES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, "route ids are unique");
    assert.deepEqual(ids.filter((id) => !(id in SAMPLES)), [], "routes without a sample request in this test");
    assert.deepEqual(Object.keys(SAMPLES).filter((id) => !ids.includes(id)), [], "samples of routes that no longer exist");
  });

  it("docs/api.md carries the matrix as the route table computes it", () => {
    const doc = readFileSync(repoPath("docs/api.md"), "utf8");
    assert.ok(doc.includes(authorisationMatrix(ROUTES)), "docs/api.md's matrix is out of date: paste `authorisationMatrix(ROUTES)` (see docs/api.md)");
  });

  it("every keyed route refuses anonymous callers and ingest keys cannot read", () => {
    for (const r of ROUTES) {
      if (r.access === "public" || r.access === "agent" || r.access === "osquery") continue;
      assert.equal(expectedAccess(r, "anonymous"), 401, r.id);
      if (r.id.startsWith("inventories.") || r.id === "fleetdm.results" || r.id === "bom.upload" || r.id === "uploads.get") continue; // uploads, and a queued upload's status (its own only: the fleet checks)
      assert.notEqual(expectedAccess(r, "ingest"), "allow", `${r.id}: an ingest key may only upload`);
    }
  });
});

for (const backend of BACKENDS) {
  describe(`authorisation matrix against a real server (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    const keys = {} as Record<Exclude<PrincipalKind, "anonymous">, string>;
    let fx: Fixture;
    let idp: TestIdp;

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home });
      idp = await startTestIdp({ users: [PERSON] });
      // failures of the anonymous column must not trip the auth rate limit here (tested on its own)
      server = await startServer({
        fleet,
        listen: { host: "127.0.0.1", port: 0 },
        authLimit: { max: 1_000_000, windowMs: 60_000 },
        signIn: { oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, groups: { "fleet-viewers": { role: "viewer", sites: null } } } },
      });
      idp.addRedirectUri(`${server.url}/auth/callback`);
      await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "business" });
      await fleet.createSite(LOCAL_ADMIN, { name: OTHER, profile: "business" });
      keys.viewer = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
      keys.analyst = (await fleet.createApiKey(LOCAL_ADMIN, { role: "analyst" })).token;
      keys.admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      keys.ingest = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest", sites: [SITE] })).token;
      keys["other-site"] = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin", sites: [OTHER] })).token;
      const ingestHost = async (host: string) => {
        const scan = await fleet.ingest({
          principal: LOCAL_ADMIN,
          site: SITE,
          host,
          observations: [{ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1", source: { file: "fixture.csv", line: 2 } }],
          source: { name: "fixture.csv" },
        });
        const found = await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host });
        assert.equal(found.items.length, 1, `one finding on ${host}`);
        return { scanId: scan.id, hostId: found.items[0]!.hostId, findingId: found.items[0]!.id };
      };
      const first = await ingestHost("ws-1");
      const osq = await fleet.agents.createOsquerySecret(LOCAL_ADMIN, { site: SITE });
      const node = await fleet.agents.osqueryEnroll({ enrollSecret: osq.token, hostIdentifier: "matrix-node" });
      const listDir = tempDir("ictsguard-matrix-list-");
      const listFile = join(listDir, "watch.csv");
      writeFileSync(listFile, "name,country\nExample Sanctioned Trading LLC,RU\n");
      fx = {
        ...first,
        fleet,
        url: server.url,
        freshFinding: async () => (await ingestHost(`ws-${unique()}`)).findingId,
        webhook: async () => (await fleet.createWebhook(LOCAL_ADMIN, { site: SITE, url: "http://127.0.0.1:9/hook", events: ["finding.new"] })).webhook.id,
        counterparty: async () => (await fleet.createCounterparty(LOCAL_ADMIN, { site: SITE, name: `Contoso ${unique()}`, role: "vendor" })).id,
        listFile,
        queuedUpload: async () => {
          const res = await fetch(`${server.url}/api/v1/inventories?site=${SITE}&filename=programs.csv`, {
            method: "POST",
            headers: { authorization: `Bearer ${keys.ingest}`, "content-type": "application/octet-stream", prefer: "respond-async" },
            body: CSV(`q-${unique()}`),
          });
          assert.equal(res.status, 202);
          return ((await res.json()) as { id: string }).id;
        },
        listSource: async () => (await fleet.setListSource(LOCAL_ADMIN, { name: `l-${unique()}`, source: listFile, intervalMinutes: 1440 })).name,
        agent: async () => {
          const enrolled = await fleet.agents.enroll((await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: SITE })).token, { machineId: null, hostname: `m-${unique()}` });
          return { credential: enrolled.credential, hostId: enrolled.agent.hostId };
        },
        osquery: async () => ({ secret: osq.token, nodeKey: node!.nodeKey }),
      };
    });

    after(async () => {
      await server?.close();
      await idp?.close();
      await store?.drop();
    });

    for (const route of ROUTES) {
      it(`${route.id}: ${route.route.method.toUpperCase()} ${route.route.path}`, async () => {
        for (const who of PRINCIPALS) {
          const sample = await SAMPLES[route.id]!(fx);
          const headers: Record<string, string> = { ...sample.headers };
          // an API key in place of the agent's credential, beside osquery's (which is in the body)
          if (who !== "anonymous") headers.authorization = `Bearer ${keys[who]}`;
          let body: string | undefined;
          if (sample.body !== undefined) {
            body = typeof sample.body === "string" ? sample.body : JSON.stringify(sample.body);
            headers["content-type"] = sample.contentType ?? "application/json";
          }
          const res = await fetch(server.url + sample.path, { method: route.route.method.toUpperCase(), headers, redirect: "manual", ...(body !== undefined ? { body } : {}) });
          const text = await res.text();
          const expected = expectedAccess(route, who);
          const where = `${route.id} as ${who}: HTTP ${res.status} ${text.slice(0, 300)}`;
          if (expected === "allow") {
            if (sample.redirects) assert.ok(res.status >= 300 && res.status < 400 && res.headers.get("location"), `expected a redirect; ${where}`);
            else assert.ok(res.status >= 200 && res.status < 300, `expected success; ${where}`);
            continue;
          }
          assert.equal(res.status, expected, where);
          assert.match(res.headers.get("content-type") ?? "", /application\/json/, where);
          const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
          assert.ok(error && typeof error.code === "string" && typeof error.message === "string" && error.message.length > 0, `a JSON error body; ${where}`);
          if (expected === 401) assert.equal(error.code, "unauthenticated", where);
        }
      });
    }
  });
}
