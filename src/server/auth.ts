/**
 * @module
 * Who may call a route, enforced from the route table (route.ts): `Authorization: Bearer <API
 * key>` or a signed-in browser's session cookie (`ictsguard_session`; the header wins when both
 * come), the caller's role against the route's roles, and its site limits against the route's
 * scope. A request on a session that changes something (POST, PUT, PATCH, DELETE) must carry
 * `X-CSRF-Token` (403 `csrf` without it); API keys need none, as no browser sends them by itself. Refusals: 401 (no key, a malformed, unknown or revoked one), 403 (the role, or a site
 * the key is not limited to), 429 with Retry-After once an address failed too often (rate-limit.ts).
 * The fleet service checks roles and sites again itself: the table is the first gate, not the only one.
 */
import type { MiddlewareHandler } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { csrfMatches } from "../fleet/sessions.js";
import type { Fleet, Principal, Session } from "../fleet/types.js";
import { ApiError } from "./errors.js";
import type { ServerMetrics } from "./metrics.js";
import type { AuthLimiter } from "./rate-limit.js";
import { takesNoApiKey, type ApiRoute, type AppEnv } from "./route.js";
import { SESSION_COOKIE } from "./sign-in.js";

/** Where a browser signs in; every 401 names it. */
export const SIGN_IN_PATH = "/auth/login";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The session cookie's attributes (also to clear it: the same path and flags). */
export const SESSION_COOKIE_OPTIONS = { path: "/", httpOnly: true, secure: true, sameSite: "Lax" } as const;

export type AuthDeps = { fleet: Fleet; limiter: AuthLimiter; metrics: ServerMetrics; clientAddress(c: Parameters<MiddlewareHandler>[0]): string };

/** The middleware of one route: sets `principal` for the handler, or refuses. */
export function authorize(route: Pick<ApiRoute, "access" | "scope" | "apiKeyHeader">, deps: AuthDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (takesNoApiKey(route.access)) return next(); // public, or a credential the handler checks (agent, osquery)
    const address = deps.clientAddress(c);
    const wait = deps.limiter.blockedFor(address);
    if (wait > 0) {
      deps.metrics.authFailure("rate-limited");
      throw tooMany(wait);
    }
    const header = c.req.header("authorization");
    const token = header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1] ?? (route.apiKeyHeader ? c.req.header("x-api-key")?.trim() : undefined);
    let principal: Principal | null = null;
    let session: Session | null = null;
    const cookie = header ? undefined : getCookie(c, SESSION_COOKIE);
    if (token) principal = await deps.fleet.authenticate(token);
    else if (cookie) {
      session = await deps.fleet.getSession(cookie);
      if (session) principal = session.principal;
      else {
        // expired, ended or unknown: the browser should stop sending it and sign in again
        deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
        deps.metrics.authFailure("session");
        throw unauthenticated("the session has expired or was ended: sign in again");
      }
    }
    if (!principal) {
      deps.metrics.authFailure(header || token ? "invalid" : "missing");
      const blocked = deps.limiter.fail(address);
      if (blocked > 0) throw tooMany(blocked);
      c.header("www-authenticate", 'Bearer realm="ictsguard"');
      throw header ? unauthenticated("the API key is not valid (unknown, revoked or malformed)") : unauthenticated("an API key or a signed-in session is required: send Authorization: Bearer <key>, or sign in at /auth/login");
    }
    if (session && UNSAFE.has(c.req.method) && !csrfMatches(cookie!, c.req.header("x-csrf-token"))) {
      throw new ApiError(403, "csrf", "a signed-in request that changes something must send the X-CSRF-Token header with the session's csrfToken (GET /api/v1/session)");
    }
    if (!route.access.includes(principal.role)) {
      throw new ApiError(403, "forbidden", `${session ? "a signed-in user" : "a key"} with the role ${principal.role} may not do this (allowed: ${route.access.join(", ")})`);
    }
    if (route.scope === "fleet" && principal.sites !== null) {
      throw new ApiError(403, "forbidden", "this is fleet-wide administration: a key limited to sites may not do it");
    }
    if (route.scope === "site" && principal.sites !== null) {
      // a site named in the query or the path; one named in a body is checked by its handler (allowSite)
      for (const site of [c.req.query("site"), c.req.param("site")]) if (site !== undefined) allowSite(principal, site);
    }
    c.set("principal", principal);
    if (session) c.set("session", session);
    return next();
  };
}

/** Refuses (403) a site the key is not limited to. */
export function allowSite(principal: Principal, site: string): void {
  if (principal.sites !== null && !principal.sites.includes(site)) {
    throw new ApiError(403, "forbidden", `this key is limited to the site${principal.sites.length === 1 ? "" : "s"} ${principal.sites.join(", ")}; it may not reach the site ${site}`);
  }
}

function unauthenticated(message: string): ApiError {
  return new ApiError(401, "unauthenticated", message, undefined, undefined, { signIn: SIGN_IN_PATH });
}

function tooMany(seconds: number): ApiError {
  return new ApiError(429, "rate-limited", `too many failed authentications from this address; try again in ${seconds} s`, undefined, { "retry-after": String(seconds) });
}
