/**
 * @module
 * Match, Finding and the report document: what the pipeline produces after the readers.
 */
import type { Category, Citation, DomainRole, Profile } from "./catalog.js";
import type { Issue } from "./issue.js";
import type { Observation, SourceRef } from "./observation.js";

export type MatcherName =
  | "purl"
  | "cpe"
  | "bundle-id"
  | "android-package"
  | "extension-id"
  | "process"
  | "service"
  | "driver"
  | "domain"
  | "signer"
  | "path"
  | "product-name"
  | "publisher"
  | "device";

/** Why a match was made: which identifier or rule fired, on what, and how sure it is. */
export type Evidence = {
  matcher: MatcherName;
  /** exact-id: an identifier equal to a catalog identifier; alias: a normalized name or publisher equal to an alias; fuzzy-name: a brand word in a name. */
  type: "exact-id" | "alias" | "fuzzy-name";
  /**
   * The observation fields that were searched, e.g. `{ name: "Kaspersky Endpoint Security 12" }`.
   * In a report's findings it gives way to `searched` when every value is a field of the
   * finding's own `observation` (it is kept for evidence merged in from another observation).
   */
  searchedBy?: Record<string, string>;
  /** The keys of `searchedBy`, when its values are the finding's own observation's fields. */
  searched?: string[];
  /** The catalog rule that fired: which identifier list and which value. */
  found: { rule: string; value: string };
  confidence: number;
  /** Domain evidence: what traffic to the catalog host shows (update, telemetry, browsing ...). */
  role?: DomainRole;
};

export type ProductRef = {
  id: string;
  name: string;
  category: Category;
  relation: "own" | "integration";
  /** Set for equipment (hardware judged by its category); absent for software. */
  form?: "equipment";
  /** Set for the vendor's own removal tool: finding it means removal is under way. */
  removalTool?: true;
};
export type EntityRef = { id: string; name: string; country?: string };

export type Match = {
  observation: Observation;
  product: ProductRef;
  /** The top-level vendor entity (group). */
  vendor: EntityRef;
  /** Overall confidence: the best evidence, raised a little when independent evidence agrees. */
  confidence: number;
  evidence: Evidence[];
};

/** A match that a catalog look-alike rule stopped, kept so users can see why it was not reported. */
export type LookalikeHit = {
  observation: Observation;
  lookalike: { id: string; description: string };
  /** The product it would otherwise have matched. */
  product?: string;
};

export const STATUSES = ["prohibited", "unsupported", "deadline", "review"] as const;
export type Status = (typeof STATUSES)[number];
/** Severity order, highest first; `--fail-on S` fails on S and everything above it. */
export const STATUS_RANK: Record<Status, number> = { prohibited: 4, unsupported: 3, deadline: 2, review: 1 };

export type AppliedRule = {
  id: string;
  title: string;
  /** The phase that decides for this profile and date (in force, or the next to come). */
  phase?: { id: string; label: string; from: string; fromConfirmed: boolean; inForce: boolean };
  /**
   * What this rule does to the profile on the date: prohibits holding, ended updates, a coming
   * date, or only lists the vendor; `conditional`: it would prohibit holding, but the law is
   * narrower than the rule as encoded and a condition the tool cannot see decides (see `condition`).
   */
  effect: "prohibits" | "conditional" | "ends-updates" | "upcoming" | "restricts-transactions" | "lists" | "excluded";
  /** With effect `conditional`: the condition the user must check, and its citations. */
  condition?: { id: string; text: string; citations: RenderedCitation[] };
  /** The first citation, rendered: `source title, locator`. */
  citation: string;
  citations: RenderedCitation[];
  obligations: string[];
};

/** A catalog citation with its source's title and address resolved, ready to print. */
export type RenderedCitation = Citation & { text: string; url?: string };

/**
 * Network evidence folded per client: every lookup (or connection) of the vendor's hosts that one
 * client made, by domain, with counts and the first and last time seen. Times are as the logs
 * gave them (ISO 8601; logs without a time zone, such as dnsmasq or the Windows DNS debug log,
 * give local times without an offset).
 */
export type NetworkEvidence = {
  /** The client address (or name) that made the lookups; absent when the inputs named none. */
  client?: string;
  /** Lookups of all the domains below. */
  total: number;
  firstSeen?: string;
  lastSeen?: string;
  /** One entry per domain, in the order first seen. */
  domains: NetworkDomain[];
};

export type NetworkDomain = {
  domain: string;
  /** The catalog product whose host it is, and the role of that host. */
  product: string;
  role?: DomainRole;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Where the domain was first seen. */
  source: SourceRef;
};

/** Traffic that is information, not a finding: a client reading the vendor's web sites. */
export type InformationalHit = {
  vendor: string;
  vendorName: string;
  /** Why it is not a finding. */
  reason: string;
  network: NetworkEvidence;
};

export type Deadline = { date: string; ruleId: string; phase: string; label: string; actions: string[] };

/** How to remove a product from one platform, verify it is gone and settle the licence (catalog data, cited). */
export type RemovalGuideView = {
  platforms: string[];
  remove: string;
  verify: string;
  licence?: string;
  confirmed: boolean;
  citations: RenderedCitation[];
};

/** Removal advice for a finding; `underWay` when what was found is the vendor's own removal tool. */
export type RemovalView = { underWay: boolean; guides: RemovalGuideView[] };

/**
 * A rule as a finding refers to it: the rule's id, what it does to this profile on the report's
 * date, and the phase that decides (in force, or the next to come). The rule's title, phases,
 * citations and obligations are in the document's `rules` table, once per report.
 */
export type RuleRef = {
  id: string;
  /** Absent for `lists`: the rule names the vendor and restricts nothing this profile does. */
  effect?: Exclude<AppliedRule["effect"], "lists">;
  /** The deciding phase's id (see `rules[].phases`). */
  phase?: string;
  /** With effect `conditional`: the id of the condition the user must check (see `rules[].conditions`). */
  condition?: string;
};

/** A coming date that changes this finding's position: which rule's phase, and which actions it ends. */
export type DeadlineRef = { date: string; rule: string; phase: string; actions: string[] };

/** A rule of the document's `rules` table: title, phases and citations, each once per report. */
export type ReportRule = {
  id: string;
  title: string;
  /** The rule's own citations, primary instrument first. */
  citations: RenderedCitation[];
  phases: ReportPhase[];
  /** The IANA zone its bare dates are read in (US Eastern unless the rule says otherwise). */
  timeZone?: string;
  /** Conditions that left a finding's answer to review: what the user must check, cited. */
  conditions?: { id: string; text: string; citations: RenderedCitation[] }[];
};

export type ReportPhase = {
  id: string;
  label: string;
  /** A date (`YYYY-MM-DD`) or a zoned instant. */
  from: string;
  /** When the phase ends, if it does. */
  to?: string;
  fromConfirmed: boolean;
  /** The phase's own citations (when empty, the rule's apply). */
  citations: RenderedCitation[];
  /**
   * The vendors (corporate families, as findings' `vendor`) the phase concerns, when it names
   * them: a listing's inclusion (the FCC Covered List's of Kaspersky in 2022). Absent: every one.
   */
  vendors?: string[];
  /** Its duties that fall on the report's profile. */
  obligations: string[];
};

/** A product of the document's `products` table. */
export type ReportProduct = ProductRef & { vendor: string; vendorName: string; country?: string };

/**
 * A remediation of the document's `remediations` table; findings refer to it by id: what to do,
 * and the product's cited removal guides per platform (`underWay` when the vendor's own removal
 * tool was found).
 */
export type ReportRemediation = { id: string; text: string; removal?: RemovalView };

/**
 * One restricted product on one host (report version 2). Observations of the same product on
 * the same host (the installed program, its service, its update traffic; the same inventory read
 * twice) are one finding with one stable id: `count` says how many were merged, `source` is the
 * first and `lastSource` the last, and `evidence` is the union of what fired.
 */
export type Finding = {
  /**
   * Stable id: derived from the host key (the host in lower case, else the SBOM's own identity,
   * else "no host") and the product id only; docs/report-format.md gives the recipe.
   */
  id: string;
  /** The first observation's source. */
  source: SourceRef;
  /** The last observation's source, when more than one was merged. */
  lastSource?: SourceRef;
  /** Observations merged into this finding. */
  count: number;
  /** The first observation (the one `source` locates); `confidence` and `status` are the strongest observation's. */
  observation: Pick<Observation, "name" | "vendor" | "version" | "kind" | "path" | "host" | "ids">;
  /** Vendor group id (the `products` table has its name). */
  vendor: string;
  /** Product id, a key of the `products` table. */
  product: string;
  status: Status;
  /** Why the status: one or two plain sentences. */
  reason: string;
  confidence: number;
  evidence: Evidence[];
  rules: RuleRef[];
  /** The next date that changes this profile's position, if any is still to come. */
  deadline?: string;
  deadlines?: DeadlineRef[];
  /** Id of the remediation text in the `remediations` table. */
  remediation: string;
  /** Exceptions from the config that matched but had expired (they no longer apply). */
  expiredExceptions?: ExceptionRef[];
  /** Network logs: the client's lookups of the vendor's hosts, folded into this one finding. */
  network?: NetworkEvidence;
};

export type ExceptionRef = {
  index: number;
  reason: string;
  author: string;
  expires: string;
  match: Record<string, string>;
};

export type SuppressedFinding = Finding & { exception: ExceptionRef };

export type Summary = {
  observations: number;
  inputs: number;
  findings: number;
  byStatus: Record<Status, number>;
  suppressed: number;
  lookalikes: number;
  /** Clients whose traffic was only informational (browsing the vendor's web sites). */
  informational?: number;
  errors: number;
  warnings: number;
  /** The threshold used and whether it was reached. */
  failOn: Status | "none";
  failed: boolean;
};

export type ToolInfo = { name: "ictsguard"; version: string };

/** Where the catalog a report used came from (src/catalog/active.ts decides). */
export type CatalogOriginInfo = {
  /** flag: `--catalog` or the config's `catalog:`; installed: verified from a TUF repository; bundled: shipped in the package. */
  kind: "flag" | "installed" | "bundled";
  path: string;
  /** Installed: the repository URL or folder it came from; flag: `--catalog` or `config`. */
  source?: string;
  installedAt?: string;
};

/** The catalog a report used: its version, date and digest, where it came from and its age. */
export type ReportCatalog = {
  version: string;
  date: string;
  digest: string;
  origin?: CatalogOriginInfo;
  /** Whole days from the catalog's date to the day of the scan. */
  ageDays?: number;
  /** Older than the configured `catalogMaxAgeDays`. */
  stale?: boolean;
};

/** The one report model: every output format reads it, and the JSON output is it. */
export type ReportDocument = {
  /** 2 since rules, products and remediations moved to top-level tables and findings merged per id. */
  reportVersion: 2;
  tool: ToolInfo;
  catalog: ReportCatalog;
  /** The date judged on: YYYY-MM-DD, the calendar date `--as-of` gave (an instant's own date). */
  asOf: string;
  /**
   * The instant judged at, in UTC (ISO 8601), when `--as-of` gave one: `2024-09-29T00:00:00+14:00`
   * is still 28 September in US Eastern, where the rules are dated, so `asOf` alone misleads.
   */
  asOfInstant?: string;
  profile: Profile;
  generatedAt: string;
  inputs: string[];
  /** Every rule a finding refers to, once. */
  rules: ReportRule[];
  /** Every product a finding, suppressed finding or look-alike refers to, once. */
  products: ReportProduct[];
  remediations: ReportRemediation[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
  lookalikes: LookalikeHit[];
  /** Informational traffic (browsing), one entry per client and vendor; at most 1,000 listed. */
  informational?: InformationalHit[];
  summary: Summary;
  errors: Issue[];
  /** With `scan --host`: what each collector source read on the machine, or why it was skipped. */
  collected?: CollectedSource[];
};

/** One source of a host collector (`scan --host`): how many items it read, or why it was skipped. */
export type CollectedSource = {
  /** Stable source name, e.g. `linux/dpkg`, `windows/services`. */
  source: string;
  /** What it collects, in words. */
  description: string;
  /** The files, folders or commands it reads, e.g. `/var/lib/dpkg/status`. */
  reads: string;
  /** The host name it ran on (or the image it read, with --host-root). */
  host: string;
  /** Observations it yielded (one per package, unit, distinct executable ...). */
  items: number;
  /** The source does not exist on this machine (no rpm, no /proc/modules ...); `reason` says why. */
  skipped?: boolean;
  /** Why it was skipped, or what could not be read. */
  reason?: string;
  /** Warnings it reported (unreadable files, permission denied ...), listed under `errors`. */
  warnings?: number;
};
