/**
 * @module
 * A real OpenID Connect provider for the tests (oidc-provider, a development dependency, loaded
 * only when a test starts one) on 127.0.0.1 and a port the system picks, with its own login
 * form (which checks the password) and consent form, and the ways through it:
 *
 * - `startTestIdp({ users })` → `{ issuer, clientId, clientSecret, addRedirectUri(uri), close() }`.
 *   The client is confidential (client_secret_basic), authorization code only, PKCE (S256)
 *   required. `groups` is released with the `openid` scope: in UserInfo, and in the ID token too
 *   with `groupsInIdToken`. Register the server's `<url>/auth/callback` once the server listens
 *   (`addRedirectUri`), or give `redirectUris` up front.
 * - `signInOverHttp(baseUrl, user)`: the whole code flow through real HTTP, as a browser would
 *   (redirects followed by hand, the provider's forms posted, cookies kept per host).
 * - `signInWithTestIdp(page, baseUrl, user)`: the same in a Playwright page; it ends on the
 *   `returnTo` page (default `/`) once the session cookie is set, whatever that page shows.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { newKeyPair } from "../util/key-pair.js";

export type TestUser = { sub: string; email: string; name: string; groups: string[]; password: string };

export type TestIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The redirect URIs registered so far. */
  redirectUris: string[];
  /** Registers another redirect URI of the client (a server's `<url>/auth/callback`). */
  addRedirectUri(uri: string): void;
  close(): Promise<void>;
};

export type TestIdpOptions = {
  users: TestUser[];
  redirectUris?: string[];
  /** Put the scope's claims (groups, email, name) in the ID token too, not only in UserInfo. */
  groupsInIdToken?: boolean;
};

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function htmlPage(res: ServerResponse, status: number, prompt: string, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head><body><main data-prompt="${esc(prompt)}">${body}</main></body></html>`);
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return new URLSearchParams(text);
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const { default: Provider } = await import("oidc-provider");
  const clientId = `ictsguard-test-${randomBytes(4).toString("hex")}`;
  const clientSecret = randomBytes(32).toString("base64url");
  const redirectUris = [...(options.redirectUris ?? [])];
  // the provider's state, in memory; the client is found here too, so redirect URIs can be added after start
  const stores = new Map<string, Map<string, { payload: Record<string, unknown>; expiresAt: number | undefined }>>();
  const storeOf = (name: string) => stores.get(name) ?? stores.set(name, new Map()).get(name)!;
  type Entry = { payload: Record<string, unknown>; expiresAt: number | undefined };
  const live = (e: Entry | undefined): Entry | undefined => (e && (e.expiresAt === undefined || e.expiresAt > Date.now()) ? e : undefined);
  const clientMetadata = () => ({
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris.length ? [...redirectUris] : ["http://127.0.0.1/unregistered"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  });
  const adapter = (name: string) => ({
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
      storeOf(name).set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    },
    async find(id: string) {
      if (name === "Client") return id === clientId ? clientMetadata() : undefined;
      return live(storeOf(name).get(id))?.payload;
    },
    async findByUid(uid: string) {
      for (const e of storeOf(name).values()) if (e.payload.uid === uid && live(e)) return e.payload;
      return undefined;
    },
    async findByUserCode(code: string) {
      for (const e of storeOf(name).values()) if (e.payload.userCode === code && live(e)) return e.payload;
      return undefined;
    },
    async consume(id: string) {
      const e = storeOf(name).get(id);
      if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      storeOf(name).delete(id);
    },
    async revokeByGrantId(grantId: string) {
      for (const s of stores.values()) for (const [id, e] of s) if (e.payload.grantId === grantId) s.delete(id);
    },
  });

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = { ...newKeyPair("rsa-2048").privateKey.export({ format: "jwk" }), kid: "test-idp", alg: "RS256", use: "sig" };
  const users = new Map(options.users.map((u) => [u.sub, u]));
  const provider = new Provider(issuer, {
    adapter: adapter as never,
    jwks: { keys: [signingKey as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub", "groups"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: !options.groupsInIdToken,
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    pkce: { methods: ["S256"], required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const u = users.get(sub);
      if (!u) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: u.email, email_verified: true, name: u.name, groups: u.groups }) };
    },
  });
  provider.proxy = false;
  const handler = provider.callback();

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", issuer);
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm))?$/.exec(url.pathname);
    if (!m) return void handler(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== m[1]) throw new Error("interaction mismatch");
      if (req.method === "GET") {
        if (details.prompt.name === "login") return loginPage(res, details.uid);
        return htmlPage(
          res,
          200,
          "consent",
          `<h1>Allow access</h1><p>The application ${esc(String(details.params.client_id))} asks for ${esc(String(details.params.scope))}.</p><form method="post" action="/interaction/${details.uid}/confirm"><button type="submit" id="consent">Continue</button></form>`,
        );
      }
      if (m[2] === "login") {
        const form = await formOf(req);
        const login = form.get("login") ?? "";
        const user = [...users.values()].find((u) => u.sub === login || u.email === login);
        if (!user || user.password !== form.get("password")) return loginPage(res, details.uid, "Unknown user or wrong password.");
        return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      }
      if (m[2] === "confirm") {
        const { prompt, params, session } = details;
        const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
        const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
        if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(" "));
        if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant!.addResourceScope(indicator, scopes.join(" "));
        const grantId = await grant!.save();
        return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
      }
      res.writeHead(405).end();
    })().catch((err: unknown) => {
      if (!res.headersSent) htmlPage(res, 400, "error", `<h1>Error</h1><p>${esc((err as Error).message)}</p>`);
    });
  });

  function loginPage(res: ServerResponse, uid: string, error?: string): void {
    htmlPage(
      res,
      200,
      "login",
      `<h1>Sign in</h1>${error ? `<p role="alert">${esc(error)}</p>` : ""}<form method="post" action="/interaction/${uid}/login">` +
        `<label>User <input name="login" autocomplete="username"></label> <label>Password <input name="password" type="password" autocomplete="current-password"></label> ` +
        `<button type="submit" id="sign-in">Sign in</button></form>`,
    );
  }

  return {
    issuer,
    clientId,
    clientSecret,
    redirectUris,
    addRedirectUri(uri) {
      if (!redirectUris.includes(uri)) redirectUris.push(uri);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Cookies per host, as a browser keeps them (enough for these flows: paths are ignored). */
export class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();
  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? this.jar.set(host, new Map()).get(host)!;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now()));
      if (expired || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
  }
  header(url: string): string {
    return [...(this.jar.get(new URL(url).host) ?? new Map<string, string>()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  get(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }
}

export type HttpSignIn = {
  /** The callback request's final answer (302 to returnTo when signed in, 403 for a person in no mapped group ...). */
  status: number;
  location: string | null;
  /** The session cookie's value (the session id), when one was set. */
  session: string | undefined;
  /** Every Set-Cookie line of the callback's answer. */
  setCookies: string[];
  body: string;
  jar: CookieJar;
};

/**
 * Runs the code flow with real HTTP up to the server's callback (not requested yet): answers its
 * URL and the cookie jar holding the server's sign-in cookie.
 */
export async function flowToCallback(baseUrl: string, user: Pick<TestUser, "sub" | "password">, options: { returnTo?: string; jar?: CookieJar } = {}): Promise<{ callbackUrl: string; jar: CookieJar }> {
  const jar = options.jar ?? new CookieJar();
  const callback = `${baseUrl}/auth/callback`;
  let url = `${baseUrl}/auth/login${options.returnTo !== undefined ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ""}`;
  let method = "GET";
  let body: string | undefined;
  for (let step = 0; step < 30; step++) {
    const res = await fetch(url, {
      method,
      redirect: "manual",
      headers: { cookie: jar.header(url), ...(body !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    jar.store(url, res);
    const text = await res.text();
    method = "GET";
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get("location")!, url).href;
      if (url.startsWith(`${callback}?`)) return { callbackUrl: url, jar };
      continue;
    }
    const prompt = /data-prompt="([a-z]+)"/.exec(text)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(text)?.[1];
    if (res.status === 200 && prompt === "login" && action && !text.includes('role="alert"')) {
      url = new URL(action, url).href;
      method = "POST";
      body = new URLSearchParams({ login: user.sub, password: user.password }).toString();
      continue;
    }
    if (res.status === 200 && prompt === "consent" && action) {
      url = new URL(action, url).href;
      method = "POST";
      body = "";
      continue;
    }
    throw new Error(`sign-in stopped at ${url}: HTTP ${res.status}: ${text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 400)}`);
  }
  throw new Error("sign-in did not reach the callback in 30 steps");
}

/** The whole code flow with real HTTP, the server's callback included. */
export async function signInOverHttp(baseUrl: string, user: Pick<TestUser, "sub" | "password">, options: { returnTo?: string; jar?: CookieJar } = {}): Promise<HttpSignIn> {
  const { callbackUrl, jar } = await flowToCallback(baseUrl, user, options);
  const res = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: jar.header(callbackUrl) } });
  jar.store(callbackUrl, res);
  return {
    status: res.status,
    location: res.headers.get("location"),
    session: jar.get(baseUrl, "ictsguard_session"),
    setCookies: res.headers.getSetCookie(),
    body: await res.text(),
    jar,
  };
}

/**
 * Signs in through the test provider in a Playwright page: opens `/auth/login?returnTo=...`,
 * fills the provider's login form and its consent form when they come, and resolves once the
 * `ictsguard_session` cookie is set and the page is back on the server. Throws with the page's
 * text when the server refuses (a person in no mapped group, an expired sign-in).
 */
export async function signInWithTestIdp(page: Page, baseUrl: string, user: Pick<TestUser, "sub" | "password">, options: { returnTo?: string; timeoutMs?: number } = {}): Promise<void> {
  const returnTo = options.returnTo ?? "/";
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const hasSession = async () => (await page.context().cookies(baseUrl)).some((c) => c.name === "ictsguard_session");
  await page.goto(`${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  while (Date.now() < deadline) {
    if (await hasSession()) {
      await page.waitForURL((u) => u.href.startsWith(baseUrl) && !u.pathname.startsWith("/auth/"), { timeout: Math.max(1000, deadline - Date.now()) });
      return;
    }
    const before = page.url();
    const prompt = await page
      .locator("main[data-prompt]")
      .getAttribute("data-prompt", { timeout: 200 })
      .catch(() => null);
    if (prompt === "login") {
      if (await page.locator('[role="alert"]').count()) throw new Error(`the test identity provider refused ${user.sub}: ${await page.locator('[role="alert"]').innerText()}`);
      await page.locator('input[name="login"]').fill(user.sub);
      await page.locator('input[name="password"]').fill(user.password);
      await page.locator("#sign-in").click();
      await page.waitForURL((u) => u.href !== before, { timeout: Math.max(1000, deadline - Date.now()) });
      continue;
    }
    if (prompt === "consent") {
      await page.locator("#consent").click();
      await page.waitForURL((u) => u.href !== before, { timeout: Math.max(1000, deadline - Date.now()) });
      continue;
    }
    if (before.startsWith(`${baseUrl}/auth/`) && (await page.locator("h1").count())) {
      throw new Error(`sign-in failed at ${before}: ${(await page.locator("main").innerText().catch(() => "")).replace(/\s+/g, " ").slice(0, 400)}`);
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`sign-in to ${baseUrl} did not finish in time (at ${page.url()})`);
}
