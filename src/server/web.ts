/**
 * @module
 * The web dashboard's files (built by Vite from web/ into dist/web/, shipped in the package) served
 * at `/`, and the security headers every answer carries. Static files are not API routes: they
 * take no key (the page holds no data; every datum comes from the API, which checks the caller),
 * so they are mounted after the route table, for GET and HEAD of paths outside `/api/`,
 * `/auth/` and the system routes:
 * - a file of the build (`/assets/index-3f9a1c.js`): its bytes; hashed names under `/assets/`
 *   are cached a year as immutable, everything else is revalidated;
 * - any other path without a file extension (`/hosts/h_1`, a client route): the app's
 *   index.html (the SPA fallback), so a reload or a shared link opens the page;
 * - anything else: the JSON 404 of the API.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import type { Hono, MiddlewareHandler } from "hono";
import { packagePath } from "../util/package-root.js";
import type { AppEnv } from "./route.js";

/**
 * The dashboard's policy: its own scripts and styles only (no inline script, no eval), data
 * from its own API, no framing, no plugins, no base-URI tricks.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** Paths that are never the dashboard's (an unknown one there is the API's JSON 404). */
const NOT_WEB = /^\/(api|auth)(\/|$)|^\/(healthz|readyz|metrics)$/;

/** Where the built dashboard is: dist/web under the package root. */
export function webRoot(): string {
  return packagePath("dist", "web");
}

/** X-Content-Type-Options, Referrer-Policy and X-Frame-Options on every answer, and the dashboard's CSP unless the route set its own (the report's). */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    if (!h.has("content-security-policy")) h.set("content-security-policy", WEB_CONTENT_SECURITY_POLICY);
    h.set("x-content-type-options", "nosniff");
    h.set("referrer-policy", "no-referrer");
    h.set("x-frame-options", "DENY");
    h.set("cross-origin-opener-policy", "same-origin");
  };
}

/** Mounts the dashboard on the app (after the API routes). */
export function mountWeb(app: Hono<AppEnv>, root: string = webRoot()): void {
  const cache = new Map<string, { body: Uint8Array; type: string }>();
  const read = (file: string) => {
    let hit = cache.get(file);
    if (!hit) {
      hit = { body: new Uint8Array(readFileSync(file)), type: TYPES[extname(file)] ?? "application/octet-stream" };
      cache.set(file, hit);
    }
    return hit;
  };
  const handler: MiddlewareHandler<AppEnv> = async (c) => {
    c.set("routeId", "web");
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (NOT_WEB.test(path) || path.includes("\0")) return c.notFound();
    const index = join(root, "index.html");
    if (!existsSync(index)) {
      return c.text("The web dashboard is not built: run `npm run build` (Vite 7 needs Node 20.19 or newer). The API is at /api/v1.\n", 503);
    }
    const file = normalize(join(root, path));
    if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      const { body, type } = read(file);
      const immutable = path.startsWith("/assets/");
      return c.body(body as never, 200, { "content-type": type, "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" });
    }
    if (extname(path) !== "") return c.notFound();
    const { body, type } = read(index);
    return c.body(body as never, 200, { "content-type": type, "cache-control": "no-cache" });
  };
  app.get("*", handler);
}
