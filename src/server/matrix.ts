/**
 * @module
 * The authorisation matrix, computed from the route table: for every route and every kind of
 * caller (anonymous, each role with a key for the route's site, and an admin key limited to
 * another site), whether the call is allowed and, if not, the status it gets. docs/api.md
 * carries it as a table (a test keeps the two in step) and the matrix test calls every cell.
 */
import type { ApiRoute } from "./route.js";

export const PRINCIPALS = ["anonymous", "viewer", "analyst", "ingest", "admin", "other-site"] as const;
export type PrincipalKind = (typeof PRINCIPALS)[number];

/**
 * Expected outcome of one cell. The role keys are limited to no site, except `ingest`, which is
 * limited to the site the request names (ingest keys are given to machines of one site);
 * `other-site` is an admin key limited to a site the request does not name.
 * - `allow`: answered (2xx).
 * - 401 / 403: refused.
 * - 404: a thing looked up by id in a site the key cannot see is not found, so keys cannot learn
 *   what exists in other sites.
 */
export type Expected = "allow" | 401 | 403 | 404;

export function expectedAccess(route: Pick<ApiRoute, "access" | "scope" | "siteBy">, who: PrincipalKind): Expected {
  if (route.access === "public") return "allow";
  // osquery's credential is in the body: whatever Authorization says, a valid node key is answered
  if (route.access === "osquery") return "allow";
  // the agent's credential is the Authorization header: the anonymous call sends it, an API key is not one
  if (route.access === "agent") return who === "anonymous" ? "allow" : 401;
  if (who === "anonymous") return 401;
  const role = who === "other-site" ? "admin" : who;
  if (!route.access.includes(role)) return 403;
  if (who !== "other-site" && who !== "ingest") return "allow";
  // a key limited to sites
  if (route.scope === "fleet") return 403;
  if (route.scope === "none") return "allow";
  if (who === "ingest") return "allow";
  switch (route.siteBy) {
    case "id":
      return 404;
    case "filtered":
      return "allow";
    default:
      return 403; // the request names the site: query, path or body
  }
}

/** The matrix as a Markdown table (docs/api.md). */
export function authorisationMatrix(routes: readonly ApiRoute[]): string {
  const cell = (e: Expected) => (e === "allow" ? "yes" : String(e));
  const lines = [
    `| route | method and path | scope | ${PRINCIPALS.join(" | ")} |`,
    `|---|---|---|${PRINCIPALS.map(() => "---").join("|")}|`,
  ];
  for (const r of routes) {
    // routes whose credential is not an API key say which one
    const credential = r.access === "agent" ? " (agent credential)" : r.access === "osquery" ? " (osquery node key)" : "";
    lines.push(`| \`${r.id}\` | \`${r.route.method.toUpperCase()} ${r.route.path}\` | ${r.scope}${credential} | ${PRINCIPALS.map((p) => cell(expectedAccess(r, p))).join(" | ")} |`);
  }
  return lines.join("\n");
}
