/**
 * @module
 * The HTTP app, built from the route table (routes/index.ts): each route is registered with its
 * middleware (its id for the metrics, the authorisation its table entry asks for, the body limit
 * of its body kind) and its zod schemas, which validate the request and make the OpenAPI 3.1
 * document. Every refusal and failure is answered as `{ "error": { "code", "message" } }`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fleet } from "../fleet/types.js";
import { PACKAGE_VERSION } from "../util/package-root.js";
import { authorize } from "./auth.js";
import { createEngines, type Engines } from "./engines.js";
import { ApiError, errorBody, errorResponse, fromFleetError, isFleetError } from "./errors.js";
import { createMetrics, type ServerMetrics } from "./metrics.js";
import { createAuthLimiter, DEFAULT_AUTH_LIMIT, type AuthLimitOptions } from "./rate-limit.js";
import { DEFAULT_BODY_LIMITS, takesNoApiKey, type ApiRoute, type AppEnv, type BodyLimits, type Services } from "./route.js";
import { ROUTES } from "./routes/index.js";
import { createSignIn, type SignInOptions } from "./sign-in.js";
import { ErrorSchema } from "./schemas.js";
import { mountWeb, securityHeaders } from "./web.js";

export type AppOptions = {
  fleet: Fleet;
  limits?: Partial<BodyLimits>;
  authLimit?: AuthLimitOptions;
  /** Default: a registry of its own, with Node's default metrics. */
  metrics?: ServerMetrics;
  engines?: Engines;
  /** The routes to serve (default: the route table). */
  routes?: readonly ApiRoute[];
  /** Where unexpected errors are logged (default: stderr). */
  log?: (line: string) => void;
  /** The built web dashboard's folder (default dist/web), or false to serve none. */
  web?: string | false;
  /** OpenID Connect sign-in for browsers (default: none; `/auth/login` answers 404). */
  signIn?: SignInOptions;
};

export type App = {
  app: OpenAPIHono<AppEnv>;
  services: Services;
  /** Marks the server as shutting down (/readyz answers 503). */
  drain(): void;
  /** The URL the server listens on (startServer sets it): the sign-in's public URL when none is configured. */
  setListenUrl(url: string): void;
};

type Env = AppEnv;

export function createApp(options: AppOptions): App {
  const { fleet } = options;
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.limits };
  const metrics = options.metrics ?? createMetrics(fleet);
  const engines = options.engines ?? createEngines(() => fleet.catalog.catalog, process.env, () => new Date(), fleet.screen);
  const limiter = createAuthLimiter(options.authLimit ?? DEFAULT_AUTH_LIMIT);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const routes = options.routes ?? ROUTES;
  let draining = false;
  let document: unknown;
  let listenUrl: string | undefined;
  const signIn = options.signIn ? createSignIn(options.signIn, fleet, () => listenUrl) : undefined;

  const app = new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: [result.target, ...i.path.map(String)].join("."), message: i.message }));
        return c.json(errorBody("invalid-request", `the request's ${result.target} is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues), 400);
      }
      return undefined;
    },
  });

  const services: Services = {
    fleet,
    metrics,
    engines,
    limits,
    document: () => (document ??= makeDocument(app)),
    draining: () => draining,
    ...(signIn ? { signIn } : {}),
  };

  // CSP, nosniff, no referrer, no framing: on every answer (web.ts)
  app.use("*", securityHeaders());

  // timing and counting, by route id (set by the route's first middleware), after the answer
  app.use("*", async (c, next) => {
    const start = process.hrtime.bigint();
    await next();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    metrics.request(c.get("routeId") ?? "unmatched", c.req.method, c.res.status, seconds);
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer", description: "An API key: `ictsguard server key create`." });
  app.openAPIRegistry.registerComponent("securitySchemes", "Session", {
    type: "apiKey",
    in: "cookie",
    name: "ictsguard_session",
    description: "A browser session from OpenID Connect sign-in (/auth/login); POST, PUT, PATCH and DELETE also need the X-CSRF-Token header.",
  });

  const clientAddress = (c: Context): string => {
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    return incoming?.socket?.remoteAddress ?? "unknown";
  };

  for (const r of routes) {
    const middleware: MiddlewareHandler<Env>[] = [
      async (c, next) => {
        c.set("routeId", r.id);
        await next();
      },
      authorize(r, { fleet, limiter, metrics, clientAddress }),
    ];
    if (r.body === "json" || r.body === "text") {
      middleware.push(
        bodyLimit({
          maxSize: limits.jsonBytes,
          onError: () => {
            throw new ApiError(413, "payload-too-large", `the request body is larger than ${limits.jsonBytes} bytes`);
          },
        }),
      );
    }
    const config = {
      ...r.route,
      middleware,
      ...(r.access === "public" || r.access === "osquery"
        ? { security: [] }
        : r.access === "agent"
          ? { security: [{ Bearer: [] }] }
          : { security: [{ Bearer: [] }, { Session: [] }] as Record<string, string[]>[] }),
      responses: { ...r.route.responses, ...errorResponses(r) },
      "x-ictsguard-roles": takesNoApiKey(r.access) ? [r.access] : [...r.access],
      "x-ictsguard-site-scope": r.scope,
    };
    app.openapi(config as typeof r.route, ((c: Parameters<ApiRoute["handler"]>[0]) => r.handler(c, services)) as never);
  }

  // the dashboard's files and client routes, after the API (web.ts)
  if (options.web !== false) mountWeb(app, options.web);

  app.notFound((c) => c.json(errorBody("not-found", `no route ${c.req.method} ${new URL(c.req.url).pathname}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    if (isFleetError(err)) return errorResponse(c, fromFleetError(err));
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const code = status === 413 ? "payload-too-large" : status === 415 ? "unsupported-media-type" : status === 400 ? "invalid-request" : "http-error";
      return c.json(errorBody(code, err.message || `HTTP ${status}`), status);
    }
    log(`ictsguard serve: ${c.req.method} ${new URL(c.req.url).pathname}: ${(err as Error).stack ?? String(err)}`);
    return c.json(errorBody("internal", "the server failed to answer this request; it was logged"), 500);
  });

  return {
    app,
    services,
    drain() {
      draining = true;
    },
    setListenUrl(url) {
      listenUrl = url;
    },
  };
}

/** The refusals a route can answer, from its table entry, for the document. */
function errorResponses(r: ApiRoute): Record<number, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }> {
  const e = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });
  const out: Record<number, ReturnType<typeof e>> = {};
  const req = r.route.request;
  if (req?.query || req?.params || req?.body || req?.headers) out[400] = e("The request is not valid");
  if (r.access === "agent" || r.access === "osquery") {
    out[401] = e(r.access === "agent" ? "No agent credential, or an unknown or revoked one" : "An unknown enroll secret or node key (`node_invalid: true`: osquery enrolls again)");
  } else if (r.access !== "public") {
    out[401] = e("No API key or session, or an unknown, revoked or malformed key, or an expired session (the body's `signIn` names the sign-in path)");
    out[403] = e("The caller's role or sites do not allow this, or a session's request lacks its X-CSRF-Token (code `csrf`)");
    out[429] = e("Too many failed authentications from this address (Retry-After)");
  }
  if (r.scope === "site" && req?.params) out[404] = e("Not found (or in a site the key cannot see)");
  if (r.body !== "none") out[413] = e("The body is over the size limit");
  if (r.body === "inventory") out[422] = e("The inventory could not be read whole (unknown format, malformed records): nothing was stored");
  return out;
}

function makeDocument(app: OpenAPIHono<Env>): unknown {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "ictsguard fleet API",
      version: PACKAGE_VERSION,
      description: "Findings of restricted foreign-adversary technology across a fleet, judged with cited, time-phased rules. See docs/api.md.",
    },
    tags: [
      { name: "inventories", description: "Uploads and the scans they make" },
      { name: "hosts" },
      { name: "findings" },
      { name: "posture", description: "Summary and trend" },
      { name: "exceptions" },
      { name: "coverage" },
      { name: "engines", description: "check, screen and the catalog" },
      { name: "admin", description: "Sites, keys, enrollment tokens, audit, jobs" },
      { name: "session", description: "Browser sign-in (OpenID Connect) and the session" },
      { name: "attestations", description: "Signed clean-as-of statements and the keys that verify them" },
      { name: "agents", description: "Agent enrollment and uploads, enrolled agents" },
      { name: "osquery", description: "osquery's TLS remote API (enroll, config, logger, distributed) and enroll secrets" },
      { name: "system" },
    ],
  });
}
