/**
 * Sign-in in a real browser: Debian's Chromium driven by playwright-core signs in through the
 * test OpenID Connect provider against a running `ictsguard serve` (the real command, with its
 * sign-in flags), and lands signed in: the page's own fetch of /api/v1/session answers the
 * person, the cookie is HttpOnly (the page's script cannot read it), Secure and SameSite=Lax, and
 * signing out with the CSRF token from the page ends the session.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "../src/render/chromium.js";
import { createTestStore, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";
import { signInWithTestIdp, startTestIdp, type TestIdp, type TestUser } from "../src/testing/oidc-provider.js";
import { tempDir } from "../src/testing/temp.js";

const ANALYST: TestUser = { sub: "b-analyst", email: "bea@example.org", name: "Bea Analyst", groups: ["fleet-analysts"], password: "browser-pw-1" };

describe("sign-in in Chromium against ictsguard serve", () => {
  let store: TestStore;
  let idp: TestIdp;
  let serve: ServeProcess;
  let browser: Browser;

  before(async () => {
    store = await createTestStore("sqlite");
    idp = await startTestIdp({ users: [ANALYST] });
    const secret = join(tempDir("ictsguard-oidc-secret-"), "client-secret");
    writeFileSync(secret, `${idp.clientSecret}\n`, { mode: 0o600 });
    serve = await spawnServe(store, ["--no-jobs", "--oidc-issuer", idp.issuer, "--oidc-client-id", idp.clientId, "--oidc-client-secret-file", secret, "--oidc-group", "fleet-analysts=analyst"]);
    idp.addRedirectUri(`${serve.url}/auth/callback`);
    assert.match(serve.stderr(), new RegExp(`redirect URI ${serve.url}/auth/callback`));
    const { chromium } = await import("playwright-core");
    const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...(asRoot ? ["--no-sandbox"] : [])] });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await idp?.close();
    await store?.drop();
  });

  it("signs in through the provider's forms and lands signed in", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signInWithTestIdp(page, serve.url, ANALYST, { returnTo: "/api/v1/session" });
      assert.equal(new URL(page.url()).pathname, "/api/v1/session");
      const cookie = (await context.cookies(serve.url)).find((c) => c.name === "ictsguard_session")!;
      assert.ok(cookie, "the session cookie is set");
      assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite, cookie.path], [true, true, "Lax", "/"]);
      const seen = await page.evaluate(async () => {
        const res = await fetch("/api/v1/session");
        return { status: res.status, body: (await res.json()) as { user: { sub: string; email: string }; role: string; sites: null; csrfToken: string; oidc: boolean }, script: (globalThis as unknown as { document: { cookie: string } }).document.cookie };
      });
      assert.equal(seen.status, 200);
      assert.deepEqual([seen.body.user.sub, seen.body.user.email, seen.body.role, seen.body.sites, seen.body.oidc], ["b-analyst", "bea@example.org", "analyst", null, true]);
      assert.ok(!seen.script.includes("ictsguard_session"), "the page's script cannot read the session cookie");
      // the page reaches the API with its cookie; an unsafe request needs the CSRF token
      const calls = await page.evaluate(async (csrf) => {
        const hosts = (await fetch("/api/v1/hosts")).status;
        const noToken = (await fetch("/auth/logout", { method: "POST" })).status;
        const out = (await fetch("/auth/logout", { method: "POST", headers: { "X-CSRF-Token": csrf } })).status;
        const after = (await fetch("/api/v1/session")).status;
        return { hosts, noToken, out, after };
      }, seen.body.csrfToken);
      assert.deepEqual(calls, { hosts: 200, noToken: 403, out: 204, after: 401 });
      assert.equal((await context.cookies(serve.url)).find((c) => c.name === "ictsguard_session"), undefined, "signing out cleared the cookie");
    } finally {
      await context.close();
    }
  });
});
