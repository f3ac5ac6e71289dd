/**
 * @module
 * SARIF 2.1.0 output, for code-scanning dashboards (GitHub, Azure DevOps, IDE viewers).
 *
 * One run. Each restricted product seen is a rule (`ictsguard/<product-id>`, stable across
 * scans and catalogs); each finding is a result at the inventory file and line that named it.
 * Suppressed findings are results with an accepted external suppression, so dashboards can show
 * who excepted what and why. Input problems are tool execution notifications.
 *
 * Kept deliberately conservative, because consumers reject more than the schema does: every
 * message has text, every uri is a valid URI reference (relative where the input path was, a
 * `file://` URI for absolute paths, never a bare Windows path), and regions appear only with a
 * real line number.
 */
import type { ReportDocument, Status } from "../../model/finding.js";
import type { Issue } from "../../model/issue.js";
import type { SourceRef } from "../../model/observation.js";
import type { ReportOptions } from "../index.js";
import { definePresenter } from "../presenter.js";
import { decisiveRules, findingCitations, observedLabel } from "../common.js";
import { createResolver, type ResolvedFinding } from "../document.js";
import { escapeControls } from "../text.js";
import { exitCodeOf } from "../../model/exit-code.js";
import { writeJson } from "../json-stream.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const INFORMATION_URI = "https://github.com/ictsguard/ictsguard";
/** The partialFingerprints key: bumped whenever Finding.id is computed differently (v2: host and product only). */
export const FINGERPRINT_KEY = "ictsguard/v2";

export type SarifLevel = "error" | "warning" | "note";

/** Prohibited and unsupported both need action now; a coming date warns; review is a note. */
export const LEVELS: Record<Status, SarifLevel> = {
  prohibited: "error",
  unsupported: "error",
  deadline: "warning",
  review: "note",
};

export const sarifPresenter = definePresenter<"sarif", ReportDocument, ReportOptions>({
  format: "sarif",
  write: (doc, out) => writeJson(out, toSarif(doc)),
});

// The slice of the SARIF object model this writer produces (see the schema for the rest).
type Message = { text: string };
type Location = {
  physicalLocation: { artifactLocation: { uri?: string; description?: Message }; region?: { startLine: number } };
  logicalLocations?: { name: string; fullyQualifiedName?: string; kind: string }[];
};
type ReportingDescriptor = {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  properties: { tags: string[] };
};
type Result = {
  ruleId: string;
  ruleIndex: number;
  /** Only informational results say so; findings are the default kind, `fail`. */
  kind?: "informational";
  level: SarifLevel | "none";
  message: Message;
  locations: Location[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: "external"; status: "accepted"; justification: string; properties: Record<string, unknown> }[];
  properties: Record<string, unknown>;
};
type Notification = { level: "error" | "warning"; message: Message; locations: Location[]; descriptor: { id: string } };
export type SarifLog = {
  $schema: string;
  version: "2.1.0";
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: ReportingDescriptor[] } };
    invocations: { executionSuccessful: boolean; exitCode: number; toolExecutionNotifications: Notification[] }[];
    results: Result[];
    properties: Record<string, unknown>;
  }[];
};

export function toSarif(doc: ReportDocument): SarifLog {
  const resolve = createResolver(doc);
  const all: ResolvedFinding[] = [...doc.findings.map((f) => resolve(f)), ...doc.suppressed.map((f) => resolve(f))];
  // One rule per product, in order of first appearance, so output follows the document's order.
  const ruleIndex = new Map<string, number>();
  const rules: ReportingDescriptor[] = [];
  for (const f of all) {
    if (ruleIndex.has(f.product.id)) continue;
    ruleIndex.set(f.product.id, rules.length);
    rules.push(descriptor(f));
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "ictsguard", version: doc.tool.version, informationUri: INFORMATION_URI, rules } },
        // exit code 2 (an input or usage error) is a run that did not succeed: it read less than it was given
        invocations: [{ executionSuccessful: doc.summary.errors === 0, exitCode: exitCodeOf(doc), toolExecutionNotifications: doc.errors.map(notification) }],
        results: [...all.map((f) => result(f, ruleIndex.get(f.product.id)!)), ...informationalResults(doc, rules)],
        properties: {
          profile: doc.profile,
          asOf: doc.asOf,
          ...(doc.asOfInstant ? { asOfInstant: doc.asOfInstant } : {}),
          catalogVersion: doc.catalog.version,
          catalogDate: doc.catalog.date,
          catalogDigest: doc.catalog.digest,
          ...(doc.catalog.origin ? { catalogOrigin: doc.catalog.origin.kind, ...(doc.catalog.origin.source ? { catalogSource: doc.catalog.origin.source } : {}) } : {}),
        },
      },
    ],
  };
}

function descriptor(f: ResolvedFinding): ReportingDescriptor {
  const p = f.product;
  const rules = decisiveRules(f);
  const help = [
    `${p.name} is ${p.category} software of ${f.vendorName}, a vendor named by US restrictions.`,
    `Remediation: ${f.remediation}`,
    ...rules.map((r) => `Rule ${r.id}: ${r.title} (${r.citation}).`),
  ];
  return {
    id: ruleId(f),
    name: p.name,
    shortDescription: { text: `Restricted software: ${p.name} (${f.vendorName})` },
    fullDescription: {
      text:
        `${p.name} is ${p.category} software ${p.relation === "integration" ? "built on technology of" : "of"} ` +
        `${f.vendorName}, a vendor restricted by US rules.`,
    },
    help: { text: help.join("\n") },
    properties: { tags: ["restricted-software", f.vendor, p.category] },
  };
}

function result(f: ResolvedFinding, index: number): Result {
  const main = decisiveRules(f)[0];
  // what the inventory said (names, hosts, clients in the reason) is escaped: no controls, no bidi
  const seen = [`"${escapeControls(observedLabel(f))}"`, f.observation.host ? `on ${escapeControls(f.observation.host)}` : ""].filter(Boolean).join(" ");
  const message = [
    `${f.status}: ${f.product.name} (${f.vendorName}) found as ${seen}${f.count > 1 ? ` (seen ${f.count} times)` : ""}.`,
    escapeControls(f.reason),
    main ? `Rule: ${main.id}.` : "",
    f.deadline ? `Deadline: ${f.deadline}.` : "",
  ];
  const r: Result = {
    ruleId: ruleId(f),
    ruleIndex: index,
    level: LEVELS[f.status],
    message: { text: message.filter(Boolean).join(" ") },
    locations: [location(f.source)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    properties: {
      status: f.status,
      vendor: f.vendor,
      confidence: f.confidence,
      rules: decisiveRules(f).map((x) => x.id),
      ...(f.deadline ? { deadline: f.deadline } : {}),
      citations: findingCitations(f),
      ...(f.observation.host ? { host: f.observation.host } : {}),
      ...(f.source.record !== undefined ? { record: f.source.record } : {}),
      ...(f.source.pointer ? { pointer: f.source.pointer } : {}),
      ...(f.expiredExceptions?.length ? { expiredExceptions: f.expiredExceptions.map((e) => e.index) } : {}),
      ...(f.product.relation === "integration" ? { relation: "integration" } : {}),
      ...(f.network ? { network: f.network } : {}),
    },
  };
  if (f.exception) {
    const e = f.exception;
    r.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: e.reason,
        properties: { exception: e.index, author: e.author, expires: e.expires },
      },
    ];
  }
  return r;
}

/** The rule informational results point at: browsing, not software. */
export const INFORMATIONAL_RULE_ID = "ictsguard/informational/browsing";

/**
 * Browsing seen in network logs, as SARIF `informational` results (level `none`): shown by
 * viewers that list them, never counted as failures. One rule, added only when needed.
 */
function informationalResults(doc: ReportDocument, rules: ReportingDescriptor[]): Result[] {
  const hits = doc.informational ?? [];
  if (hits.length === 0) return [];
  const index = rules.length;
  rules.push({
    id: INFORMATIONAL_RULE_ID,
    name: "Browsing, not software",
    shortDescription: { text: "A client visited a restricted vendor's web sites" },
    fullDescription: { text: "Lookups of a vendor's corporate, support or research web sites (catalog role browsing): they do not show that its software is installed." },
    help: { text: "Information only: no action is needed for browsing. Product traffic (updates, telemetry, activation) of the same vendor is reported as a finding." },
    properties: { tags: ["informational", "browsing"] },
  });
  return hits.map((hit) => {
    const first = hit.network.domains[0];
    const r: Result = {
      ruleId: INFORMATIONAL_RULE_ID,
      ruleIndex: index,
      kind: "informational",
      level: "none",
      message: { text: escapeControls(hit.reason) },
      locations: [location(first?.source ?? { file: doc.inputs[0] ?? "-" })],
      partialFingerprints: { [FINGERPRINT_KEY]: `informational:${hit.vendor}:${hit.network.client ?? ""}` },
      properties: { vendor: hit.vendor, network: hit.network },
    };
    return r;
  });
}

function notification(issue: Issue): Notification {
  return {
    level: issue.severity === "error" ? "error" : "warning",
    message: { text: escapeControls(issue.message) || issue.code },
    locations: [location(issue.source)],
    descriptor: { id: issue.code },
  };
}

function ruleId(f: ResolvedFinding): string {
  return `ictsguard/${f.product.id}`;
}

function location(source: SourceRef): Location {
  const loc: Location = { physicalLocation: { artifactLocation: artifactOf(source.file) } };
  if (source.line !== undefined) loc.physicalLocation.region = { startLine: source.line };
  // A record number or JSON pointer is not a region SARIF can express; name it logically.
  if (source.line === undefined && (source.record !== undefined || source.pointer)) {
    loc.logicalLocations = [
      {
        name: source.record !== undefined ? `record ${source.record}` : source.pointer!,
        ...(source.pointer ? { fullyQualifiedName: source.pointer } : {}),
        kind: "object",
      },
    ];
  }
  return loc;
}

/**
 * Where a finding was read. What a host collector read (`host:/proc/1234/exe`, `host:C:\\...`)
 * is a file on that host: a `file://` URI. A command or registry export it ran (`host:command
 * rpm -qa`, `host:reg HKLM\\...`) is no file: the artifact is described, with no URI.
 */
function artifactOf(file: string): { uri?: string; description?: Message } {
  if (!file.startsWith("host:")) return { uri: toUri(file) };
  const what = file.slice("host:".length);
  if (/^(\/|[A-Za-z]:[\\/])/.test(what)) return { uri: toUri(what) };
  return { description: { text: `on the scanned host: ${what}` } };
}

/**
 * An input path as a URI reference: `-` (standard input) is `stdin`; relative paths stay
 * relative (code scanning resolves them against the repository); absolute paths, Windows ones
 * included, become `file://` URIs. Each segment is percent-encoded, so spaces, `#` and `%`
 * in file names survive.
 */
export function toUri(file: string): string {
  if (file === "-") return "stdin";
  const path = file.replace(/\\/g, "/");
  const encode = (p: string): string => p.split("/").map(encodeURIComponent).join("/");
  const drive = /^([A-Za-z]):\//.exec(path);
  if (drive) return `file:///${drive[1]}:/${encode(path.slice(3))}`;
  if (path.startsWith("//")) return `file:${encode(path)}`; // UNC: //server/share/...
  if (path.startsWith("/")) return `file://${encode(path)}`;
  return encode(path.replace(/^(\.\/)+/, ""));
}
