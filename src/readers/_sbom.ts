/**
 * @module
 * Small helpers shared by the SBOM readers (CycloneDX, SPDX): trimmed strings from untrusted
 * JSON, the observation kind implied by a purl, SPDX actor strings, endpoint host names,
 * observations without undefined members, and a watch on JSON failures (so a reader's own
 * "wrong format" check stays quiet when the JSON itself was broken).
 */
import type { Observation, ObservationIds, ObservationKind } from "../model/observation.js";
import type { ReadContext, ReportableIssue } from "./types.js";
import { stripTrailingGroup } from "../util/trailing.js";

/**
 * A trimmed, non-empty string (numbers are accepted: `"version": 2` occurs in hand-written
 * SBOMs), or undefined.
 */
export function text(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return t === "" ? undefined : t;
}

/**
 * `text`, with SPDX's "we do not know" values (NOASSERTION, NONE; upper case as the spec spells
 * them) counted as absent: they must never become a name, vendor or version.
 */
export function spdxText(value: unknown): string | undefined {
  const t = text(value);
  return t === "NOASSERTION" || t === "NONE" ? undefined : t;
}

/** `text` of one property of an object-like value. */
export function field(obj: unknown, key: string): string | undefined {
  return obj !== null && typeof obj === "object" && !Array.isArray(obj) ? text((obj as Record<string, unknown>)[key]) : undefined;
}

/** The first argument that is a usable string. */
export function firstText(...values: unknown[]): string | undefined {
  for (const v of values) {
    const t = text(v);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** purl types of operating-system package managers: such a component is an installed package. */
const OS_PURL_TYPES = new Set(["deb", "rpm", "apk", "alpm"]);

/**
 * The purl type in lower case (`pkg:deb/...` → `deb`), or undefined when the value is not a
 * purl. A regex rather than packageurl-js: only the type is needed, and SBOMs carry enough
 * malformed purls (syft's test output has `a-purl-1`) that a throwing parser would be noise.
 */
export function purlType(purl: string | undefined): string | undefined {
  const m = purl ? /^pkg:\/*([a-z][a-z0-9.+-]*)\//i.exec(purl) : null;
  return m?.[1]?.toLowerCase();
}

/** "package" for OS package purls (deb, rpm, apk, alpm), otherwise the given fallback. */
export function kindFromPurl(purl: string | undefined, fallback: ObservationKind = "component"): ObservationKind {
  const type = purlType(purl);
  return type !== undefined && OS_PURL_TYPES.has(type) ? "package" : fallback;
}

/**
 * The name in an SPDX 2 actor string: `Organization: AO Kaspersky Lab (info@kaspersky.com)` →
 * `AO Kaspersky Lab`; `Person: Jane Doe ()` → `Jane Doe`; `NOASSERTION` → undefined. A trailing
 * parenthesis is dropped only when it is empty or holds an e-mail or URL, so a name such as
 * `Example (Russia)` survives whole.
 */
export function spdxActorName(value: unknown): string | undefined {
  let s = spdxText(value);
  if (s === undefined) return undefined;
  s = s.replace(/^(?:organization|person|tool)\s*:\s*/i, "");
  s = stripTrailingGroup(s, "(", (inside) => !/[()]/.test(inside) && (inside.trim() === "" || inside.includes("@") || inside.includes("://")));
  return spdxText(s);
}

/**
 * The host name of a service endpoint (`https://ms-1.example.com:5432/x` → `ms-1.example.com`).
 * Endpoints without a scheme (`ms-1.example.com/api`) are read as https URLs; undefined when no
 * host can be read.
 */
export function endpointHost(endpoint: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let host: string;
  try {
    host = new URL(withScheme).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  return host === "" ? undefined : host;
}

/** The fields of an observation as a reader has them: any of them may be missing. */
export type ObservationFields = {
  kind: ObservationKind;
  name: string;
  vendor?: string | undefined;
  version?: string | undefined;
  path?: string | undefined;
  ids?: { [K in keyof ObservationIds]?: string | undefined };
  source: Observation["source"];
};

/**
 * An Observation without undefined members (and without `ids` when there are none), so the
 * JSON report and deep-equal tests see only what the SBOM said.
 */
export function observation(fields: ObservationFields): Observation {
  const out: Observation = { kind: fields.kind, name: fields.name, source: fields.source };
  if (fields.vendor !== undefined) out.vendor = fields.vendor;
  if (fields.version !== undefined) out.version = fields.version;
  if (fields.path !== undefined) out.path = fields.path;
  const ids: ObservationIds = {};
  for (const [k, v] of Object.entries(fields.ids ?? {}) as [keyof ObservationIds, string | undefined][]) if (v !== undefined) ids[k] = v;
  if (Object.keys(ids).length > 0) out.ids = ids;
  return out;
}

/**
 * Wraps a ReadContext to remember whether the JSON itself failed (streamJson reports `json/*`),
 * so a reader does not pile a "wrong format" issue on top of a syntax or empty-file issue.
 */
export function watchJsonFailures(ctx: ReadContext): { ctx: ReadContext; failed: () => boolean } {
  let failed = false;
  return {
    ctx: {
      ...ctx,
      report(issue: ReportableIssue) {
        if (issue.code.startsWith("json/")) failed = true;
        ctx.report(issue);
      },
    },
    failed: () => failed,
  };
}
