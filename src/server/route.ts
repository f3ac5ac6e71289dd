/**
 * @module
 * What one API route is: its OpenAPI route (method, path, the zod schemas that validate the
 * request and describe the answers), who may call it, how it is limited to sites, and its
 * handler. The route table (routes/index.ts) is a list of these; the app, the OpenAPI document,
 * the authorisation matrix in docs/api.md and the matrix test are all built from that one list.
 */
import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Fleet, KeyRole, Principal, Session } from "../fleet/types.js";
import type { ServerMetrics } from "./metrics.js";
import type { Engines } from "./engines.js";
import type { SignIn } from "./sign-in.js";

/**
 * `public`: no key needed. `agent`: an enrolled agent's credential (`Authorization: Bearer
 * ictga_...`), checked by the handler; an API key is not one. `osquery`: osquery's enroll secret
 * or node key in the JSON body (the TLS remote API), checked by the handler; the Authorization
 * header is not read. Otherwise the roles whose keys may call the route.
 */
export type Access = "public" | "agent" | "osquery" | readonly KeyRole[];

/** True when the route takes no API key (public, or a credential its handler checks). */
export function takesNoApiKey(access: Access): access is "public" | "agent" | "osquery" {
  return typeof access === "string";
}

/**
 * How a route meets site limits (a key limited to sites):
 * - `none`: the route touches no site's data (the catalog, check, screen): any key with the role.
 * - `fleet`: fleet-wide administration (keys, audit, new sites, metrics, jobs): only keys that
 *   are limited to no site.
 * - `site`: one or more sites' data. A request that names a site (`?site=`, a `{site}` in the
 *   path, a `site` in the body) the key is not limited to is refused (403); lists are narrowed
 *   to the key's sites; a thing looked up by id in another site is not found (404), so a key
 *   cannot learn what exists elsewhere.
 */
export type SiteScope = "none" | "fleet" | "site";

/**
 * How a `site` route finds the site it works on, which decides what a key limited to other
 * sites gets: `query` (`?site=`, optional: without it a list is narrowed to the key's sites),
 * `path` (`{site}`) and `body` (a `site` field) are refused with 403; `id` (a thing looked up
 * by its id) is not found, 404; `filtered` (a list that takes no site) answers the key's sites only.
 */
export type SiteBy = "query" | "path" | "body" | "id" | "filtered";

/** Where a request carries its body: JSON (1 MiB limit), an inventory (the upload limit), a CSV. */
export type BodyKind = "none" | "json" | "inventory" | "text";

/** What every handler gets besides the request. */
export type Services = {
  fleet: Fleet;
  metrics: ServerMetrics;
  engines: Engines;
  limits: BodyLimits;
  /** The OpenAPI 3.1 document of the app, made from the route table on first use. */
  document(): unknown;
  /** True once shutdown began: /readyz then answers 503 so a load balancer stops sending. */
  draining(): boolean;
  /** OpenID Connect sign-in, when configured (docs/server.md). */
  signIn?: SignIn;
};

export type BodyLimits = {
  /** JSON and text bodies (default 1 MiB). */
  jsonBytes: number;
  /** Inventory uploads (default 256 MiB). */
  inventoryBytes: number;
};

export const DEFAULT_BODY_LIMITS: BodyLimits = { jsonBytes: 1024 * 1024, inventoryBytes: 256 * 1024 * 1024 };

/** Hono's environment: the caller, once authenticated. */
export type AppEnv = { Variables: { principal: Principal | undefined; routeId: string; /** Set when the caller is a signed-in browser session. */ session: Session | undefined } };

type RouteContext<R extends RouteConfig> = Parameters<RouteHandler<R, AppEnv>>[0];

export type ApiRoute<R extends RouteConfig = RouteConfig> = {
  /** Stable id, `group.action` (the matrix and the metrics use it). */
  id: string;
  route: R;
  access: Access;
  scope: SiteScope;
  /** With scope `site`: where the site comes from. */
  siteBy?: SiteBy;
  body: BodyKind;
  /** Also takes the API key in `X-Api-Key` (Dependency-Track's clients send it there). */
  apiKeyHeader?: boolean;
  /** Answers the request; errors are thrown (ApiError, FleetError) and answered as JSON. */
  handler: (c: RouteContext<R>, services: Services) => Promise<Response> | Response;
};

/** Identity helper, for the handler's request types (in the style of `defineReader`). */
export function defineRoute<R extends RouteConfig>(route: ApiRoute<R>): ApiRoute {
  return route as unknown as ApiRoute;
}

/** The caller of a route that needs a key (the auth middleware set it). */
export function principalOf(c: { get(key: "principal"): Principal | undefined }): Principal {
  const p = c.get("principal");
  if (!p) throw new Error("principalOf: the route is public; no caller");
  return p;
}

/** The path as Hono routes it (`/api/v1/hosts/:id`) from the OpenAPI path (`/api/v1/hosts/{id}`). */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}
