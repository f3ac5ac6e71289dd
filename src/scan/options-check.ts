/**
 * @module
 * What `createScanner` refuses in its options before it builds anything. Code calls it (the
 * library, the fleet server), and what the type system would catch in TypeScript passes
 * silently in JavaScript: a `new Date()` as `asOf` judged every finding on no date at all (a
 * federal agency's Kaspersky was "deadline", not "prohibited"), and a misspelt `failOn` made
 * `summary.failed` false; a missing or misspelt profile said `the catalog defines no profile
 * "undefined"`. A date string keeps its own check (policy/time.ts), which names the date forms.
 */
import { isValidDate } from "../model/date.js";
import { STATUSES } from "../model/finding.js";
import { describeGot, describeValue } from "../text/describe-value.js";

const CATALOG_LISTS = ["sources", "entities", "products", "lookalikes", "rules", "profiles"] as const;
const CATALOG_TEXTS = ["version", "date", "digest"] as const;

/** What is wrong with the options (`asOf: …`), or undefined. */
export function scannerOptionsProblem(options: unknown): string | undefined {
  if (typeof options !== "object" || options === null) return "expected an options object ({ catalog, profile, asOf })";
  const o = options as Record<string, unknown>;
  const catalog = catalogProblem(o.catalog);
  if (catalog) return `catalog: ${catalog}`;
  const profiles = (o.catalog as { profiles: { id?: unknown }[] }).profiles.map((p) => String(p.id));
  if (typeof o.profile !== "string" || !profiles.includes(o.profile)) {
    return `profile: expected one of the catalog's profiles (${profiles.join(", ")}); got ${o.profile === undefined ? "nothing" : describeGot(o.profile)}`;
  }
  if (typeof o.asOf !== "string" && !isAsOf(o.asOf)) {
    const got = o.asOf instanceof Date ? "a Date (pass its toISOString() to judge at that instant, or its YYYY-MM-DD)" : o.asOf === undefined ? "nothing" : typeof o.asOf === "object" && o.asOf !== null ? "an object that is not { date: YYYY-MM-DD, instant? }" : describeGot(o.asOf);
    return `asOf: expected a date (YYYY-MM-DD), an ISO 8601 timestamp with an offset, or what parseAsOf returns; got ${got}`;
  }
  if (o.failOn !== undefined && o.failOn !== "none" && !(STATUSES as readonly unknown[]).includes(o.failOn)) return `failOn: expected one of ${STATUSES.join(", ")}, none; got ${describeGot(o.failOn)}`;
  if (o.today !== undefined && !(typeof o.today === "string" && isValidDate(o.today))) return `today: expected a date (YYYY-MM-DD) or nothing (the machine's clock); got ${describeGot(o.today)}`;
  if (o.exceptions !== undefined && !Array.isArray(o.exceptions)) return "exceptions: expected an array of exception rules (the config file's `exceptions`)";
  for (const hook of ["onFinding", "onIssue", "onMatched", "keepsLookalikes"] as const) if (o[hook] !== undefined && typeof o[hook] !== "function") return `${hook}: expected a function`;
  return undefined;
}

/** `{ date, instant? }` as parseAsOf makes it. */
function isAsOf(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const a = value as { date?: unknown; instant?: unknown };
  return typeof a.date === "string" && isValidDate(a.date) && (a.instant === undefined || (typeof a.instant === "number" && Number.isFinite(a.instant)));
}

function catalogProblem(value: unknown): string | undefined {
  const how = "load one with loadActiveCatalog() or loadCatalog()";
  if (typeof value !== "object" || value === null) return `expected a catalog, got ${describeValue(value)}; ${how}`;
  if (typeof (value as { then?: unknown }).then === "function") return `expected a catalog, got a Promise: await loadActiveCatalog() or loadCatalog() first`;
  const c = value as Record<string, unknown>;
  if ("ok" in c && !Array.isArray(c.sources)) return `expected a catalog, got a load result ({ ok, ... }): pass its .catalog when ok is true (loadCatalogOrThrow() throws instead)`;
  for (const f of CATALOG_LISTS) if (!Array.isArray(c[f])) return `expected a catalog, whose ${f} is a list; ${how}`;
  for (const f of CATALOG_TEXTS) if (typeof c[f] !== "string") return `expected a catalog, whose ${f} is a string; ${how}`;
  return undefined;
}
