/**
 * @module
 * Browser sign-in (OpenID Connect, authorization code with PKCE; sign-in.ts) and the session:
 * `GET /auth/login` sends the browser to the identity provider, `GET /auth/callback` makes the
 * session and sets its cookie, `POST /auth/logout` ends it, `GET /api/v1/session` says who is
 * signed in (and the CSRF token unsafe requests must send). The two browser-facing steps answer
 * small HTML pages when something is wrong (a person in no mapped group, an expired sign-in),
 * with a Content-Security-Policy that allows nothing to run.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrfMatches } from "../../fleet/sessions.js";
import { escapeHtml } from "../../render/html/safe.js";
import { SESSION_COOKIE_OPTIONS } from "../auth.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf, type Services } from "../route.js";
import { RoleEnum } from "../schemas.js";
import { BINDING, LOGIN_COOKIE, LOGIN_TTL_MS, SESSION_COOKIE, SignInError, grantOf, newBinding, safeReturnTo, type SignIn } from "../sign-in.js";
import { READERS, json } from "./common.js";

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A short page for the browser (every value escaped). */
function page(c: Context, status: 400 | 403 | 404 | 502, title: string, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · ictsguard</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}a{color:#0b57d0}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/auth/login">Sign in again</a></p></main></body></html>`;
  return c.body(html, status, { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_CSP, "cache-control": "no-store" });
}

const NOT_CONFIGURED =
  "sign-in with OpenID Connect is not configured on this server: start `ictsguard serve` with --oidc-issuer, --oidc-client-id, --oidc-client-secret-file and --public-url, or give the config file's server.oidc block with its groups mapping (docs/server.md)";

function signInOf(services: Services): SignIn {
  if (!services.signIn) throw new ApiError(404, "oidc-not-configured", NOT_CONFIGURED);
  return services.signIn;
}

const LOGIN_COOKIE_OPTIONS = { path: "/auth", httpOnly: true, secure: true, sameSite: "Lax", maxAge: LOGIN_TTL_MS / 1000 } as const;

const html = (description: string) => ({ content: { "text/html": { schema: z.string() } }, description });

const login = defineRoute({
  id: "auth.login",
  access: "public",
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/auth/login",
    tags: ["session"],
    summary: "Sign in: redirects the browser to the identity provider (authorization code with PKCE)",
    request: {
      query: z.object({
        returnTo: z.string().max(2000).optional().openapi({ param: { name: "returnTo", in: "query" }, description: "A path on this server to return to after sign-in (default `/`); anything else is refused." }),
      }),
    },
    responses: {
      302: { description: "To the identity provider's authorization endpoint; sets the short `ictsguard_login` cookie" },
      400: html("returnTo is not a path on this server"),
      502: html("The identity provider could not be reached"),
    },
  }),
  handler: async (c, services) => {
    const signIn = signInOf(services);
    const returnTo = safeReturnTo(c.req.valid("query").returnTo);
    if (returnTo === null) return page(c, 400, "Sign-in refused", "returnTo must be a path on this server (starting with a single /); sign-in never sends you to another site.");
    const existing = getCookie(c, LOGIN_COOKIE);
    const binding = existing && BINDING.test(existing) ? existing : newBinding();
    let url: URL;
    try {
      url = await signIn.begin(binding, returnTo);
    } catch (err) {
      if (err instanceof SignInError) return page(c, 502, "The identity provider is unavailable", err.message);
      throw err;
    }
    setCookie(c, LOGIN_COOKIE, binding, LOGIN_COOKIE_OPTIONS);
    c.header("cache-control", "no-store");
    return c.redirect(url.href, 302);
  },
});

const callback = defineRoute({
  id: "auth.callback",
  access: "public",
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/auth/callback",
    tags: ["session"],
    summary: "The identity provider's redirect: makes the session (cookie `ictsguard_session`) and returns to `returnTo`",
    request: {
      query: z.object({
        code: z.string().optional().openapi({ param: { name: "code", in: "query" } }),
        state: z.string().optional().openapi({ param: { name: "state", in: "query" } }),
        error: z.string().optional().openapi({ param: { name: "error", in: "query" } }),
        error_description: z.string().optional().openapi({ param: { name: "error_description", in: "query" } }),
        iss: z.string().optional().openapi({ param: { name: "iss", in: "query" } }),
      }),
    },
    responses: {
      302: { description: "Signed in: to `returnTo`, with the session cookie (HttpOnly, Secure, SameSite=Lax)" },
      400: html("The sign-in expired, was started in another browser, or the identity provider's answer failed its checks"),
      403: html("The person is in no group mapped to a role"),
      502: html("The identity provider could not be reached"),
    },
  }),
  handler: async (c, services) => {
    const signIn = signInOf(services);
    const q = c.req.valid("query");
    if (q.error) return page(c, 400, "The identity provider refused the sign-in", `${q.error}${q.error_description ? `: ${q.error_description}` : ""}`);
    const binding = getCookie(c, LOGIN_COOKIE);
    const loginRequest = binding && q.state && BINDING.test(binding) ? await services.fleet.takeLoginRequest(binding, q.state) : null;
    if (!loginRequest) {
      return page(c, 400, "This sign-in has expired", "The sign-in was not started in this browser, took more than 10 minutes, or was already used. Start again.");
    }
    let person;
    try {
      person = await signIn.finish(loginRequest, new URL(c.req.url).search);
    } catch (err) {
      if (err instanceof SignInError) return page(c, err.status, "Sign-in failed", err.message);
      throw err;
    }
    const grant = grantOf(person.groups, signIn.options.oidc.groups);
    if (!grant) {
      const reason = person.groups.length ? `none of the groups ${person.groups.join(", ")} is mapped to a role` : "the identity provider named no groups";
      await services.fleet.recordRefusedSignIn({ sub: person.sub, issuer: signIn.options.oidc.issuer, groups: person.groups, reason });
      return page(
        c,
        403,
        "No access to ictsguard",
        `You signed in as ${person.email ?? person.name ?? person.sub}, but ${reason}. An administrator gives access by mapping one of your identity provider's groups to a role (server.oidc.groups in the server's config).`,
      );
    }
    // a session this browser had is ended, not kept beside the new one
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) await services.fleet.endSession(previous);
    const { token } = await services.fleet.createSession({
      sub: person.sub,
      ...(person.name ? { name: person.name } : {}),
      ...(person.email ? { email: person.email } : {}),
      issuer: signIn.options.oidc.issuer,
      groups: grant.groups,
      role: grant.role,
      sites: grant.sites,
      idleMs: signIn.timeouts.idleMs,
      absoluteMs: signIn.timeouts.absoluteMs,
    });
    setCookie(c, SESSION_COOKIE, token, SESSION_COOKIE_OPTIONS);
    c.header("cache-control", "no-store");
    return c.redirect(loginRequest.returnTo, 302);
  },
});

const logout = defineRoute({
  id: "auth.logout",
  access: "public",
  scope: "none",
  body: "none",
  route: createRoute({
    method: "post",
    path: "/auth/logout",
    tags: ["session"],
    summary: "Sign out: ends the session and clears its cookie (a session must send X-CSRF-Token)",
    request: { headers: z.object({ "x-csrf-token": z.string().optional().openapi({ param: { name: "x-csrf-token", in: "header" }, description: "The session's csrfToken (GET /api/v1/session)." }) }) },
    responses: { 204: { description: "Signed out (or there was no session)" }, 403: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), "A session without its CSRF token") },
  }),
  handler: async (c, { fleet }) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) {
      const session = await fleet.getSession(id);
      if (session) {
        if (!csrfMatches(id, c.req.header("x-csrf-token"))) throw new ApiError(403, "csrf", "signing out must send the X-CSRF-Token header with the session's csrfToken (GET /api/v1/session)");
        await fleet.endSession(id);
      }
      deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    }
    return c.body(null, 204);
  },
});

const SessionSchema = z
  .object({
    user: z.object({ sub: z.string(), name: z.string().optional(), email: z.string().optional() }).nullable().openapi({ description: "The signed-in person; null for an API key." }),
    key: z.object({ id: z.string() }).optional().openapi({ description: "With an API key: its id." }),
    role: RoleEnum,
    sites: z.array(z.string()).nullable().openapi({ description: "The sites the caller may see; null for every site." }),
    csrfToken: z.string().nullable().openapi({ description: "Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE of this session; null for an API key (none needed)." }),
    idleExpiresAt: z.string().nullable(),
    absoluteExpiresAt: z.string().nullable(),
    oidc: z.boolean().openapi({ description: "True for a session made by OpenID Connect sign-in; false for an API key." }),
  })
  .openapi("Session");

const session = defineRoute({
  id: "session",
  access: READERS,
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/session",
    tags: ["session"],
    summary: "Who is calling: the signed-in person (with the CSRF token) or the API key",
    responses: { 200: json(SessionSchema, "The caller") },
  }),
  handler: (c) => {
    const s = c.get("session");
    c.header("cache-control", "no-store");
    if (s) {
      return c.json(
        { user: s.user, role: s.principal.role, sites: s.principal.sites, csrfToken: s.csrfToken, idleExpiresAt: s.idleExpiresAt, absoluteExpiresAt: s.absoluteExpiresAt, oidc: true },
        200,
      );
    }
    const p = principalOf(c);
    return c.json({ user: null, key: { id: p.keyId }, role: p.role, sites: p.sites, csrfToken: null, idleExpiresAt: null, absoluteExpiresAt: null, oidc: false }, 200);
  },
});

export const AUTH_ROUTES = [login, callback, logout, session];
