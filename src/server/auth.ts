/**
 * @module
 * Who may call a route, enforced from the route table (route.ts): `Authorization: Bearer <API
 * key>`, the key's role against the route's roles, and its site limits against the route's
 * scope. Refusals: 401 (no key, a malformed, unknown or revoked one), 403 (the role, or a site
 * the key is not limited to), 429 with Retry-After once an address failed too often (rate-limit.ts).
 * The fleet service checks roles and sites again itself: the table is the first gate, not the only one.
 */
import type { MiddlewareHandler } from "hono";
import type { Fleet, Principal } from "../fleet/types.js";
import { ApiError } from "./errors.js";
import type { ServerMetrics } from "./metrics.js";
import type { AuthLimiter } from "./rate-limit.js";
import { takesNoApiKey, type ApiRoute, type AppEnv } from "./route.js";

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
    if (token) principal = await deps.fleet.authenticate(token);
    if (!principal) {
      deps.metrics.authFailure(header || token ? "invalid" : "missing");
      const blocked = deps.limiter.fail(address);
      if (blocked > 0) throw tooMany(blocked);
      c.header("www-authenticate", 'Bearer realm="ictsguard"');
      throw header
        ? new ApiError(401, "unauthenticated", "the API key is not valid (unknown, revoked or malformed)")
        : new ApiError(401, "unauthenticated", "an API key is required: send Authorization: Bearer <key>");
    }
    if (!route.access.includes(principal.role)) {
      throw new ApiError(403, "forbidden", `a key with the role ${principal.role} may not do this (allowed: ${route.access.join(", ")})`);
    }
    if (route.scope === "fleet" && principal.sites !== null) {
      throw new ApiError(403, "forbidden", "this is fleet-wide administration: a key limited to sites may not do it");
    }
    if (route.scope === "site" && principal.sites !== null) {
      // a site named in the query or the path; one named in a body is checked by its handler (allowSite)
      for (const site of [c.req.query("site"), c.req.param("site")]) if (site !== undefined) allowSite(principal, site);
    }
    c.set("principal", principal);
    return next();
  };
}

/** Refuses (403) a site the key is not limited to. */
export function allowSite(principal: Principal, site: string): void {
  if (principal.sites !== null && !principal.sites.includes(site)) {
    throw new ApiError(403, "forbidden", `this key is limited to the site${principal.sites.length === 1 ? "" : "s"} ${principal.sites.join(", ")}; it may not reach the site ${site}`);
  }
}

function tooMany(seconds: number): ApiError {
  return new ApiError(429, "rate-limited", `too many failed authentications from this address; try again in ${seconds} s`, undefined, { "retry-after": String(seconds) });
}
