/**
 * Browser sign-in with OpenID Connect against a real provider (oidc-provider on 127.0.0.1,
 * src/testing/oidc-provider.ts): the code flow with PKCE through real HTTP, the provider's login
 * and consent forms posted as a browser would, on SQLite and PostgreSQL. The fleet's clock is
 * injected, so idle and absolute expiry are moved to without waiting (the provider's tokens are
 * checked against the real clock, so sign-in happens before the clock moves).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { BACKENDS, api, createTestStore, type TestStore } from "../src/testing/fleet-server.js";
import { signInOverHttp, startTestIdp, type TestIdp, type TestUser } from "../src/testing/oidc-provider.js";

const USERS: Record<string, TestUser> = {
  admin: { sub: "u-admin", email: "ada@example.org", name: "Ada Admin", groups: ["ictsguard-admins", "staff"], password: "pw-admin-1" },
  analystA: { sub: "u-analyst", email: "ann@example.org", name: "Ann Analyst", groups: ["site-a-analysts", "everyone-viewers"], password: "pw-analyst-1" },
  viewer: { sub: "u-viewer", email: "vic@example.org", name: "Vic Viewer", groups: ["everyone-viewers"], password: "pw-viewer-1" },
  stranger: { sub: "u-stranger", email: "sam@example.org", name: "Sam Stranger", groups: ["staff", "marketing"], password: "pw-stranger-1" },
  nogroups: { sub: "u-none", email: "nog@example.org", name: "No Groups", groups: [], password: "pw-none-1" },
};

const GROUPS = {
  "ictsguard-admins": { role: "admin" as const, sites: null },
  "site-a-analysts": { role: "analyst" as const, sites: ["a"] },
  "everyone-viewers": { role: "viewer" as const, sites: null },
};

const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 12 * 3_600_000;

for (const backend of BACKENDS) {
  describe(`sign-in with OpenID Connect (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let idp: TestIdp;
    let offset = 0; // added to the real time: the fleet's clock
    const cookie = (id: string | undefined) => ({ cookie: `ictsguard_session=${id}` });

    before(async () => {
      store = await createTestStore(backend);
      idp = await startTestIdp({ users: Object.values(USERS) });
      fleet = await openFleet({ db: store.db, home: store.home, clock: () => new Date(Date.now() + offset) });
      await fleet.createSite(LOCAL_ADMIN, { name: "a", profile: "business" });
      await fleet.createSite(LOCAL_ADMIN, { name: "b", profile: "business" });
      server = await startServer({
        fleet,
        listen: { host: "127.0.0.1", port: 0 },
        signIn: { oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, groups: GROUPS }, sessions: { idleMs: IDLE_MS, absoluteMs: ABSOLUTE_MS } },
      });
      idp.addRedirectUri(`${server.url}/auth/callback`);
    });

    after(async () => {
      await server?.close();
      await idp?.close();
      await store?.drop();
    });

    it("signs in with the code flow and PKCE, sets a Secure HttpOnly SameSite cookie and returns to returnTo", async () => {
      const r = await signInOverHttp(server.url, USERS.admin!, { returnTo: "/hosts?site=a#top" });
      assert.equal(r.status, 302, r.body);
      assert.equal(r.location, "/hosts?site=a#top");
      const line = r.setCookies.find((l) => l.startsWith("ictsguard_session="));
      assert.ok(line, r.setCookies.join("\n"));
      assert.match(line, /; HttpOnly/);
      assert.match(line, /; Secure/);
      assert.match(line, /; SameSite=Lax/);
      assert.match(line, /; Path=\//);
      assert.match(r.session!, /^[A-Za-z0-9_-]{43}$/);
      // the authorization request carried a PKCE S256 challenge, state and nonce
      const login = await fetch(`${server.url}/auth/login`, { redirect: "manual" });
      const to = new URL(login.headers.get("location")!);
      assert.equal(to.origin, idp.issuer);
      assert.equal(to.searchParams.get("code_challenge_method"), "S256");
      assert.match(to.searchParams.get("code_challenge") ?? "", /^[A-Za-z0-9_-]{43}$/);
      assert.ok(to.searchParams.get("state") && to.searchParams.get("nonce"));
      assert.equal(to.searchParams.get("redirect_uri"), `${server.url}/auth/callback`);
    });

    it("maps groups to a role and sites: the highest role, with the sites of the groups that grant it", async () => {
      const admin = await signInOverHttp(server.url, USERS.admin!);
      const a = await api(server.url, "/api/v1/session", { headers: cookie(admin.session) });
      assert.equal(a.status, 200);
      assert.deepEqual({ ...a.body, csrfToken: typeof a.body.csrfToken, idleExpiresAt: typeof a.body.idleExpiresAt, absoluteExpiresAt: typeof a.body.absoluteExpiresAt }, {
        user: { sub: "u-admin", name: "Ada Admin", email: "ada@example.org" },
        role: "admin",
        sites: null,
        csrfToken: "string",
        idleExpiresAt: "string",
        absoluteExpiresAt: "string",
        oidc: true,
      });
      // analyst of site a beats viewer of every site, and stays limited to a
      const analyst = await signInOverHttp(server.url, USERS.analystA!);
      const s = await api(server.url, "/api/v1/session", { headers: cookie(analyst.session) });
      assert.deepEqual([s.body.role, s.body.sites], ["analyst", ["a"]]);
      assert.equal((await api(server.url, "/api/v1/findings?site=a", { headers: cookie(analyst.session) })).status, 200);
      assert.equal((await api(server.url, "/api/v1/findings?site=b", { headers: cookie(analyst.session) })).status, 403);
      assert.equal((await api(server.url, "/api/v1/keys", { headers: cookie(analyst.session) })).status, 403);
      const viewer = await signInOverHttp(server.url, USERS.viewer!);
      const v = await api(server.url, "/api/v1/session", { headers: cookie(viewer.session) });
      assert.deepEqual([v.body.role, v.body.sites], ["viewer", null]);
      assert.equal((await api(server.url, "/api/v1/findings?site=b", { headers: cookie(viewer.session) })).status, 200);
      assert.equal((await api(server.url, "/api/v1/keys", { headers: cookie(viewer.session) })).status, 403);
      // the admin's session reaches admin routes, and its changes are audited under user:<sub>
      const made = await api(server.url, "/api/v1/sites", { headers: { ...cookie(admin.session), "x-csrf-token": a.body.csrfToken }, body: { name: "c", profile: "business" } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const audit = await fleet.listAudit(LOCAL_ADMIN, {});
      assert.ok(audit.items.some((e) => e.action === "site.create" && e.keyId === "user:u-admin"), JSON.stringify(audit.items.map((e) => [e.action, e.keyId])));
      assert.ok(audit.items.some((e) => e.action === "session.create" && e.keyId === "user:u-analyst"));
    });

    it("refuses a person in no mapped group (403 page, no cookie, audited), never a default role", async () => {
      for (const user of [USERS.stranger!, USERS.nogroups!]) {
        const r = await signInOverHttp(server.url, user);
        assert.equal(r.status, 403, r.body);
        assert.equal(r.session, undefined);
        assert.ok(!r.setCookies.some((l) => l.startsWith("ictsguard_session=")));
        assert.match(r.body, /No access to ictsguard/);
        assert.match(r.body, user.groups.length ? /none of the groups staff, marketing is mapped to a role/ : /named no groups/);
      }
      const audit = await fleet.listAudit(LOCAL_ADMIN, {});
      assert.ok(audit.items.some((e) => e.action === "session.refused" && e.keyId === "user:u-stranger"));
      assert.ok(!audit.items.some((e) => e.action === "session.create" && e.keyId === "user:u-stranger"));
    });

    it("refuses an unsafe request of a session without its CSRF token (403 csrf); API keys need none", async () => {
      const r = await signInOverHttp(server.url, USERS.admin!);
      const s = await api(server.url, "/api/v1/session", { headers: cookie(r.session) });
      const body = { name: `s-${Date.now()}`, profile: "business" };
      const missing = await api(server.url, "/api/v1/sites", { headers: cookie(r.session), body });
      assert.equal(missing.status, 403);
      assert.equal(missing.body.error.code, "csrf");
      // the token with its last character changed (to another character: "A" would be no change when it ends in "A")
      const token: string = s.body.csrfToken;
      const wrong = await api(server.url, "/api/v1/sites", { headers: { ...cookie(r.session), "x-csrf-token": `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}` }, body });
      assert.equal(wrong.status, 403);
      // another session's token is not this one's
      const other = await signInOverHttp(server.url, USERS.admin!);
      const otherToken = (await api(server.url, "/api/v1/session", { headers: cookie(other.session) })).body.csrfToken;
      assert.notEqual(otherToken, s.body.csrfToken);
      assert.equal((await api(server.url, "/api/v1/sites", { headers: { ...cookie(r.session), "x-csrf-token": otherToken }, body })).status, 403);
      assert.equal((await api(server.url, "/api/v1/sites", { headers: { ...cookie(r.session), "x-csrf-token": s.body.csrfToken }, body })).status, 201);
      // a safe request needs no token
      assert.equal((await api(server.url, "/api/v1/sites", { headers: cookie(r.session) })).status, 200);
      const key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      assert.equal((await api(server.url, "/api/v1/sites", { key, body: { name: `k-${Date.now()}`, profile: "business" } })).status, 201);
    });

    it("ends a session after the idle timeout, and moves the idle expiry forward with use", async () => {
      const r = await signInOverHttp(server.url, USERS.viewer!);
      try {
        offset = IDLE_MS - 60_000; // 29 minutes later: still signed in, and the idle expiry moves
        const s = await api(server.url, "/api/v1/session", { headers: cookie(r.session) });
        assert.equal(s.status, 200);
        offset = 2 * IDLE_MS - 2 * 60_000; // 58 minutes after sign-in, 29 after the last request
        assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(r.session) })).status, 200);
        offset = 3 * IDLE_MS; // over 30 minutes after the last request
        const gone = await api(server.url, "/api/v1/session", { headers: cookie(r.session) });
        assert.equal(gone.status, 401);
        assert.equal(gone.body.error.code, "unauthenticated");
        assert.equal(gone.body.signIn, "/auth/login");
        assert.ok(gone.headers.getSetCookie().some((l) => l.startsWith("ictsguard_session=;") && /Max-Age=0/i.test(l)), "the expired cookie is cleared");
        offset = 0;
        assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(r.session) })).status, 401, "an expired session is gone for good");
      } finally {
        offset = 0;
      }
    });

    it("ends a session at the absolute timeout however much it is used", async () => {
      const r = await signInOverHttp(server.url, USERS.viewer!);
      try {
        for (let t = 20 * 60_000; t < ABSOLUTE_MS; t += 20 * 60_000) {
          offset = t;
          assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(r.session) })).status, 200, `at +${t / 60_000} min`);
        }
        offset = ABSOLUTE_MS;
        assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(r.session) })).status, 401);
      } finally {
        offset = 0;
      }
    });

    it("logs out: needs the CSRF token, deletes the session and clears the cookie", async () => {
      const r = await signInOverHttp(server.url, USERS.viewer!);
      const s = await api(server.url, "/api/v1/session", { headers: cookie(r.session) });
      const refused = await api(server.url, "/auth/logout", { method: "POST", headers: cookie(r.session) });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, "csrf");
      assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(r.session) })).status, 200, "still signed in");
      const out = await api(server.url, "/auth/logout", { method: "POST", headers: { ...cookie(r.session), "x-csrf-token": s.body.csrfToken } });
      assert.equal(out.status, 204);
      assert.ok(out.headers.getSetCookie().some((l) => l.startsWith("ictsguard_session=;") && /Max-Age=0/i.test(l)));
      assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(r.session) })).status, 401);
      const audit = await fleet.listAudit(LOCAL_ADMIN, {});
      assert.ok(audit.items.some((e) => e.action === "session.end" && e.keyId === "user:u-viewer"));
    });

    it("signing in again in the same browser ends the session it had", async () => {
      const first = await signInOverHttp(server.url, USERS.viewer!);
      const second = await signInOverHttp(server.url, USERS.viewer!, { jar: first.jar });
      assert.equal(second.status, 302);
      assert.notEqual(second.session, first.session);
      assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(first.session) })).status, 401);
      assert.equal((await api(server.url, "/api/v1/session", { headers: cookie(second.session) })).status, 200);
    });

    it("refuses a returnTo that leaves the server (open redirect)", async () => {
      for (const bad of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/evil.example", "javascript:alert(1)", "/%0d%0aLocation:x\r\n"]) {
        const res = await fetch(`${server.url}/auth/login?returnTo=${encodeURIComponent(bad)}`, { redirect: "manual" });
        assert.equal(res.status, 400, bad);
        assert.equal(res.headers.get("location"), null, bad);
        assert.match(await res.text(), /returnTo must be a path on this server/);
      }
      const ok = await fetch(`${server.url}/auth/login?returnTo=${encodeURIComponent("/findings?state=open")}`, { redirect: "manual" });
      assert.equal(ok.status, 302);
      assert.ok(ok.headers.get("location")!.startsWith(idp.issuer));
    });

    it("refuses a callback that is not this browser's sign-in (no cookie, another state, used twice)", async () => {
      const { flowToCallback } = await import("../src/testing/oidc-provider.js");
      const { callbackUrl, jar } = await flowToCallback(server.url, USERS.viewer!);
      const noCookie = await fetch(callbackUrl, { redirect: "manual" });
      assert.equal(noCookie.status, 400);
      assert.match(await noCookie.text(), /This sign-in has expired/);
      const other = await flowToCallback(server.url, USERS.viewer!);
      const swapped = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: other.jar.header(callbackUrl) } });
      assert.equal(swapped.status, 400, "another browser's sign-in cookie does not finish this one");
      const first = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: jar.header(callbackUrl) } });
      assert.equal(first.status, 302);
      const again = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: jar.header(callbackUrl) } });
      assert.equal(again.status, 400, "a callback is used once");
    });

    it("answers 404 with how to configure it when sign-in is not configured", async () => {
      const plain = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 }, closeFleet: false });
      try {
        const res = await api(plain.url, "/auth/login");
        assert.equal(res.status, 404);
        assert.equal(res.body.error.code, "oidc-not-configured");
        assert.match(res.body.error.message, /--oidc-issuer/);
      } finally {
        await plain.close();
      }
    });
  });
}
