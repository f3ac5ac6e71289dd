/**
 * @module
 * The fleet server (`ictsguard serve`): a JSON API under /api/v1 with its OpenAPI 3.1 document,
 * built from one route table (routes/index.ts) over the fleet service (src/fleet). See
 * docs/api.md.
 */
export { createApp, type App, type AppOptions } from "./app.js";
export { startServer, parseListen, DEFAULT_LISTEN, type RunningServer, type ServerOptions, type ListenAddress } from "./serve.js";
export { ROUTES, DEFAULT_SITE } from "./routes/index.js";
export { DEFAULT_BODY_LIMITS, type ApiRoute, type Access, type SiteScope, type BodyLimits } from "./route.js";
export { authorisationMatrix, PRINCIPALS, expectedAccess, type PrincipalKind } from "./matrix.js";
export { createSignIn, grantOf, safeReturnTo, DEFAULT_SESSION_TIMEOUTS, SESSION_COOKIE, type SignInOptions, type OidcOptions, type GroupGrant, type SessionTimeouts } from "./sign-in.js";
