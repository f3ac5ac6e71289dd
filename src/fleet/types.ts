/**
 * @module
 * The fleet service: what the HTTP server (src/server) and the `server` commands call. One
 * `Fleet` is one open store (SQLite file or PostgreSQL) plus the catalog the server judges with.
 * Every method that reads or changes data takes the caller's `Principal` and enforces its role
 * and site limits itself (a key limited to site A never sees site B, whatever the route does);
 * a refusal is a `FleetError` with code `forbidden` (or `not-found` when the thing is in a site
 * the key cannot see, so its existence does not leak).
 *
 * Times are ISO 8601 strings in UTC (`2024-09-29T04:00:00.000Z`); the service's clock is
 * injectable (`FleetOptions.clock`) so tests drive phase boundaries and exception expiry.
 */
import type { ActiveCatalog } from "../catalog/active.js";
import type { Freshness } from "../catalog/freshness.js";
import type { Catalog, Profile } from "../model/catalog.js";
import type { Evidence, ReportDocument, RuleRef, Status } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import type * as N from "./notify-types.js";
import type { UploadWarning } from "./ingest-inventory.js";
import type { RefusalIssue } from "./read-inventory.js";

/** The roles of an API key. `ingest` may only upload inventories for its sites. */
export const ROLES = ["admin", "analyst", "viewer", "ingest"] as const;
export type KeyRole = (typeof ROLES)[number];

/** Who is calling: an authenticated API key, or the local operator (`server` commands). */
export type Principal = {
  /** The key's public id (16 base32 characters), `local` for the CLI acting on the store directly, `system` for the job loop. */
  keyId: string;
  role: KeyRole;
  /** The sites this key may see and change; `null` for every site. */
  sites: string[] | null;
};

/** The CLI's principal: an admin over every site (it holds the database itself). */
export const LOCAL_ADMIN: Principal = { keyId: "local", role: "admin", sites: null };

/** A finding's lifecycle state (its verdict is `status`). */
export const FINDING_STATES = ["open", "removal-pending", "resolved", "excepted"] as const;
export type FindingState = (typeof FINDING_STATES)[number];

/** Why a finding changed; history events carry it. */
export type ChangeCause = "ingest" | "rejudge" | "exception" | "exception-expired" | "exception-revoked" | "merge";

export type CatalogProvider = () => Promise<ActiveCatalog> | ActiveCatalog;

export type FleetOptions = {
  /**
   * Where the store is: a `postgres://` / `postgresql://` URL, or a SQLite file path. Default:
   * `DATABASE_URL` when set, else `fleet.sqlite` under `home`.
   */
  db?: string;
  /** ICTSGUARD_HOME (default from the environment): the SQLite default and the installed catalog. */
  home?: string;
  /**
   * The catalog the server judges with: a resolved active catalog, a function resolving it
   * (called at open and by `catalogChanged()`), or a bare Catalog (origin "flag"). Default:
   * `resolveActiveCatalog({ home })` (installed, else bundled).
   */
  catalog?: ActiveCatalog | Catalog | CatalogProvider;
  /** The instant now (default `() => new Date()`); tests move it across phase boundaries. */
  clock?: () => Date;
  /** Clean inventories of a host, after a finding vanished, before it is `resolved` (default 2). */
  judgeAfterClean?: number;
  /** Poll interval of the background job loop started by `startJobs()` (default 5000 ms). */
  jobIntervalMs?: number;
  /** The SQLite or pg pool size for PostgreSQL (default 10). */
  poolSize?: number;
  /** Hosts per re-judgment shard job, the unit `serve` processes share (default 500). */
  rejudgeShardHosts?: number;
  /** How long findings history and upload records are kept (retention.ts; defaults 7 years and 90 days, shorter only with `allowShorter`). */
  retention?: Partial<import("./retention.js").RetentionSettings>;
  /** How often (real time) the job loop looks for a newly installed catalog, as `catalogChanged()` does (default 60000 ms; 0: never). */
  catalogCheckMs?: number;
  /** Webhook delivery: timeout and retry schedule (defaults in src/fleet/delivery.ts). */
  delivery?: Partial<import("./context.js").DeliverySettings>;
  /**
   * How counterparties and `POST /screen` names are screened: the config file's `screen:`
   * threshold and allow-list, as `ictsguard screen` reads them (default: the CLI's defaults, no
   * allow-list).
   */
  screen?: Partial<import("./context.js").ScreenSettings>;
};

/** A page of a list: keyset `next` cursor (null at the end) and a total counted up to a cap. */
export type Page<T> = {
  items: T[];
  next: string | null;
  /** Matching rows, counted up to `TOTAL_CAP`; with `totalCapped` there are more. */
  total: number;
  totalCapped: boolean;
};

/** Totals are exact up to this many; beyond it `total` is this and `totalCapped` is true. */
export const TOTAL_CAP = 10_000;
/** The largest `limit` a list takes. */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export type PageQuery = {
  /** 1..1000 (default 100). */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string | null;
};

export type Site = {
  /** The site's name, its id in the API: `[a-z0-9][a-z0-9._-]{0,62}`. */
  name: string;
  /** The scan profile its findings are judged for (a catalog profile). */
  profile: Profile;
  description?: string;
  createdAt: string;
};

export type ApiKeyInfo = {
  /** Public id, 16 lower-case base32 characters; the token is `ictg_<id>_<secret>`. */
  id: string;
  role: KeyRole;
  sites: string[] | null;
  label?: string;
  createdAt: string;
  /** The key id that created it (`local` for `server init` / `server key create`). */
  createdBy: string;
  revokedAt?: string;
  lastUsedAt?: string;
};

/** A key just created: `token` is shown once and never stored (only the SHA-256 of its secret is). */
export type CreatedApiKey = { key: ApiKeyInfo; token: string };

export type EnrollmentTokenInfo = {
  /** Public id, 16 lower-case base32 characters; the token is `ictge_<id>_<secret>`. */
  id: string;
  site: string;
  label?: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt?: string;
};

export type CreatedEnrollmentToken = { enrollment: EnrollmentTokenInfo; token: string };

export type Host = {
  /** Server id: `h_` + 20 hex of SHA-256(site NUL lower-case name); stable for (site, name). */
  id: string;
  site: string;
  /** The name as first reported; hosts are matched on its lower case. */
  name: string;
  firstSeen: string;
  lastSeen: string;
  /** Findings not resolved (open, removal-pending, excepted), by status. */
  findings: Record<Status, number>;
  /** Sources (upload `source.name`) with their latest upload time and observation count. */
  sources: HostSource[];
  /** A host identified by its agent's credential (docs/server.md, "Agents and host identity"): the agent's id. */
  agentId?: string;
  /** The machine id its agent last reported (evidence, not identity). */
  machineId?: string;
  /** Hosts flagged as possibly the same machine (or the same credential on another machine), not merged. */
  possibleDuplicates?: string[];
};

export type HostSource = { source: string; format?: string; lastSeen: string; observations: number; scanId: string };

export type HostDetail = Host & { findingList: FleetFinding[] };

export type FleetFinding = {
  /** Server id: `f_` + 20 hex of SHA-256(site NUL engineId); unique across the server. */
  id: string;
  /** The engine's stable id (src/scan/finding-id.ts): host key and product. */
  engineId: string;
  site: string;
  hostId: string;
  host: string;
  vendor: string;
  vendorName?: string;
  product: string;
  productName?: string;
  /** The engine's verdict for the site's profile on the last judgment. */
  status: Status;
  state: FindingState;
  reason: string;
  confidence: number;
  /** The next date that changes this finding's position. */
  deadline?: string;
  rules: RuleRef[];
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  /** Times it came back after removal-pending or resolved. */
  reopened: number;
  /** Clean inventories since it vanished (removal-pending); 0 otherwise. */
  cleanCount: number;
  /** The upload sources that reported it in their latest inventory. */
  sources: string[];
  /** With getHost / getFinding only: the evidence (at most 16 pieces) and the first observation. */
  evidence?: Evidence[];
  observation?: Observation | Record<string, unknown>;
  exceptionId?: string;
};

export type FindingFilter = {
  status?: Status | Status[];
  state?: FindingState | FindingState[];
  vendor?: string;
  product?: string;
  /** Host id or host name. */
  host?: string;
  site?: string;
  /** Last seen at or after this instant. */
  lastSeenSince?: string;
};

export type HostFilter = { site?: string; name?: string; lastSeenSince?: string };

export type UploadSource = {
  /** What kind of inventory this is for the host (`programs`, `dns`, `osquery`, a file name ...): absence is judged per (host, source). */
  name: string;
  /** The reader that read it (`csv`, `osquery` ...), for the record. */
  format?: string;
};

export type IngestRequest = {
  principal: Principal;
  site: string;
  /** Every observation belongs to this host; without it, each observation's own `host` (one without is an error). */
  host?: string;
  /** With `host`: the host's identity key when it is not its name (an agent's host: `agent:<agent id>`, src/fleet/agents.ts). */
  hostKey?: string;
  /** With `hostKey`: the agent and the machine id it reported, kept on the host as evidence. */
  hostEvidence?: { agentId: string; machineId: string | null };
  observations: AsyncIterable<Observation> | Iterable<Observation>;
  source: UploadSource;
  /** A retry with the same key (per site) stores nothing and answers the first scan with `duplicate: true`. */
  idempotencyKey?: string;
  /** Default: the clock. */
  receivedAt?: string;
  /** Located problems the reader reported (kept on the scan record, counted). */
  issues?: number;
};

export type ScanRecord = {
  /** `s_` + 24 hex. */
  id: string;
  site: string;
  /** Every host the upload was received for, `superseded` ones included. */
  hosts: string[];
  /** The hosts' ids, in the order of `hosts` (records stored before this field have only names). */
  hostIds?: string[];
  /**
   * Hosts of `hosts` that already held an inventory of this source later than `receivedAt` (a
   * queued upload judged after a newer synchronous one): the upload changed nothing of theirs (no
   * inventory, no finding, no last seen). Absent when there is none.
   */
  superseded?: string[];
  source: UploadSource;
  keyId: string;
  receivedAt: string;
  catalogVersion: string;
  catalogDigest: string;
  profile: Profile;
  observations: number;
  /** Findings of the hosts this upload was applied to (not `superseded` ones) after it, by status (not resolved ones). */
  byStatus: Record<Status, number>;
  /** Findings made by this upload, reopened and marked removal-pending / resolved by it (none on `superseded` hosts). */
  changes: { new: number; reopened: number; removalPending: number; resolved: number; statusChanged: number };
  issues: number;
  idempotencyKey?: string;
  /** True when the idempotency key was seen: this is the first upload's record, nothing was stored. */
  duplicate: boolean;
};

/** Where a queued upload is: waiting, being judged, judged and stored, or refused (nothing stored). */
export const QUEUED_UPLOAD_STATUSES = ["queued", "processing", "done", "failed"] as const;
export type QueuedUploadStatus = (typeof QUEUED_UPLOAD_STATUSES)[number];

/** An upload accepted into the queue (`Prefer: respond-async`) and what became of it. */
export type QueuedUpload = {
  /** `u_` + 24 hex. */
  id: string;
  site: string;
  status: QueuedUploadStatus;
  /** The accept instant: the upload is judged as of it (findings' first and last seen follow it). */
  receivedAt: string;
  /** When it was done or failed. */
  finishedAt?: string;
  /** The upload's host, when it named one (else hosts come from the data). */
  host?: string;
  source: { name: string; format?: string };
  idempotencyKey?: string;
  /** The body's size as uploaded (gzip counted compressed). */
  bytes: number;
  /** Done: the scan it was stored as (a retry that found its key stored answers that scan, `duplicate: true`). */
  scan?: ScanRecord;
  /** Failed: why; nothing was stored (as the synchronous upload would have been refused). */
  error?: { code: string; message: string; issues?: RefusalIssue[] };
  /** Done: the reader's warnings. */
  warnings?: UploadWarning[];
};

/** An upload to queue: what ingest needs later, and the body as uploaded. */
export type QueueUploadRequest = {
  principal: Principal;
  site: string;
  host?: string;
  filename: string;
  source: string;
  format?: string;
  idempotencyKey?: string;
  body: Uint8Array;
};

/** One change of one finding, as history stores it. */
export type FindingEvent = {
  findingId: string;
  hostId: string;
  site: string;
  at: string;
  cause: ChangeCause;
  status: Status;
  state: FindingState;
  previousStatus: Status | null;
  previousState: FindingState | null;
  /** The scan, job or exception that made it. */
  ref?: string;
};

/** What was on a host at an instant: each finding's status and state then (resolved ones omitted). */
export type HostHistory = {
  host: Host;
  at: string;
  findings: { id: string; engineId: string; vendor: string; product: string; status: Status; state: FindingState; since: string }[];
  events: FindingEvent[];
};

export type TrendInterval = "hour" | "day" | "week";

export type TrendPoint = {
  /** The instant the point describes: the end of its interval (UTC-aligned). */
  at: string;
  /** Findings not resolved at that instant, by status. */
  byStatus: Record<Status, number>;
  byState: Record<FindingState, number>;
};

export type Summary = {
  at: string;
  /** Findings not resolved, by status / vendor / site. */
  byStatus: Record<Status, number>;
  byState: Record<FindingState, number>;
  byVendor: { vendor: string; byStatus: Record<Status, number>; total: number }[];
  bySite: { site: string; profile: Profile; byStatus: Record<Status, number>; total: number }[];
  /** The coming phase starts that change findings' positions, soonest first, with how many findings each affects. */
  nextDeadlines: { date: string; findings: number }[];
  hosts: number;
  coverage: CoverageSummary;
};

export type CoverageSummary = {
  /** Assets imported from asset lists. */
  assets: number;
  /** Assets that have reported at least once. */
  reported: number;
  neverReported: number;
  /** Reported, but not since `silentSince` (default: 7 days before now). */
  silent: number;
  silentSince: string;
  /** Hosts that report but are on no asset list. */
  unlisted: number;
};

export type Asset = { site: string; name: string; hostId: string | null; lastSeen: string | null; importedAt: string };

export type CoverageQuery = PageQuery & { site?: string; kind: "never-reported" | "silent"; since?: string };

export type Exception = {
  /** `x_` + 20 hex. */
  id: string;
  site: string;
  findingId: string;
  owner: string;
  /** Why, citing the legal basis (e.g. "FAR 52.204-25(b)... waiver granted ..."). */
  reason: string;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
  /** Set when expiry reopened the finding. */
  expiredAt?: string;
};

export type AuditEntry = {
  id: string;
  at: string;
  keyId: string;
  action: string;
  site?: string;
  target?: string;
  detail?: Record<string, unknown>;
};

export type CatalogStatus = {
  version: string;
  date: string;
  digest: string;
  origin: ActiveCatalog["origin"];
  freshness: Freshness;
  stale: boolean;
  /** The digest stored hosts were last judged with; differs from `digest` until the re-judge job ran. */
  judgedDigest: string | null;
};

export type RejudgeResult = {
  reason: string;
  /** The instant the changes are dated to (a phase start, or the catalog change). */
  at: string;
  hosts: number;
  /** Findings whose status or state changed (new, vanished, status changed). */
  changed: number;
};

export type JobInfo = { id: string; key: string; kind: string; state: "queued" | "running" | "done" | "failed"; runAt: string; attempts: number; result?: unknown; error?: string };

// --- sessions (OpenID Connect sign-in) and attestations ---

/** Who a signed-in person is, as the identity provider said. */
export type SessionUser = { sub: string; name?: string; email?: string };

/** A browser session: the person, the principal their groups gave them at sign-in, its expiries. */
export type Session = {
  user: SessionUser;
  issuer: string;
  /** The identity provider's groups that granted the role. */
  groups: string[];
  /** `keyId` is `user:<sub>`; role and sites from the group mapping. */
  principal: Principal;
  createdAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  /** What unsafe requests of this session must send as `X-CSRF-Token`. */
  csrfToken: string;
};

export type NewSession = SessionUser & {
  issuer: string;
  groups: string[];
  role: Exclude<KeyRole, "ingest">;
  sites: string[] | null;
  idleMs: number;
  absoluteMs: number;
};

/** A sign-in in progress (authorization code with PKCE). */
export type LoginRequest = { state: string; nonce: string; codeVerifier: string; returnTo: string };

export type SigningKeyInfo = {
  /** SHA-256 (hex) of the raw 32-byte ed25519 public key. */
  keyId: string;
  algorithm: "ed25519";
  /** SPKI PEM. */
  publicKey: string;
  state: "current" | "retired";
  createdAt: string;
  createdBy: string;
  retiredAt?: string;
};

/** A signed attestation: a DSSE envelope (src/attest/envelope.ts). */
export type AttestationEnvelope = { payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] };

export interface Fleet {
  readonly backend: "sqlite" | "postgres";
  /** Agents, host identity (duplicates, merge) and osquery nodes (src/fleet/agents.ts, osquery.ts). */
  readonly agents: import("./agent-types.js").FleetAgents;
  /** The catalog in use (re-resolved by `catalogChanged()`). */
  readonly catalog: ActiveCatalog;
  /** The screening settings counterparties and `POST /screen` are screened with. */
  readonly screen: import("./context.js").ScreenSettings;

  // --- auth ---
  /** The principal of an API key token, or null (unknown, wrong secret, revoked, malformed). Records last use. */
  authenticate(token: string): Promise<Principal | null>;
  /** Needs admin; an admin limited to sites can only make keys within its sites. */
  createApiKey(principal: Principal, input: { role: KeyRole; sites?: string[] | null; label?: string }): Promise<CreatedApiKey>;
  revokeApiKey(principal: Principal, id: string): Promise<ApiKeyInfo>;
  listApiKeys(principal: Principal): Promise<ApiKeyInfo[]>;
  /** Admin only; the site must exist. `expiresAt` default: 7 days from now. */
  createEnrollmentToken(principal: Principal, input: { site: string; expiresAt?: string; label?: string }): Promise<CreatedEnrollmentToken>;
  listEnrollmentTokens(principal: Principal, filter?: { site?: string }): Promise<EnrollmentTokenInfo[]>;
  revokeEnrollmentToken(principal: Principal, id: string): Promise<EnrollmentTokenInfo>;
  /** The site a valid enrollment token admits to, or null (unknown, wrong secret, revoked, expired). */
  verifyEnrollmentToken(token: string): Promise<{ id: string; site: string } | null>;

  // --- sites ---
  /** Admin only (over every site). */
  createSite(principal: Principal, input: { name: string; profile: Profile; description?: string }): Promise<Site>;
  listSites(principal: Principal): Promise<Site[]>;
  getSite(principal: Principal, name: string): Promise<Site>;

  // --- ingest ---
  /** Admin, analyst or ingest within their sites. The scan is stored only after its commit. */
  ingest(request: IngestRequest): Promise<ScanRecord>;
  getScan(principal: Principal, id: string): Promise<ScanRecord>;
  /**
   * Admin, analyst or ingest within their sites: stores the upload's body for the job loop to judge
   * (upload-queue.ts), in one insert. The same idempotency key (per site) answers the upload
   * already queued, `replayed: true`, and queues nothing.
   */
  queueUpload(request: QueueUploadRequest): Promise<{ upload: QueuedUpload; replayed: boolean }>;
  /** A queued upload's status: readers of its site, or the ingest key that uploaded it. */
  getUpload(principal: Principal, id: string): Promise<QueuedUpload>;
  /** Queued uploads waiting and being judged, store-wide (the metrics' queue depth; no principal: nothing of any site is named). */
  uploadQueueDepth(): Promise<{ queued: number; processing: number }>;
  /** Newest first. `host` (a host id): the scans that wrote the host's current inventories (one per source). */
  listScans(principal: Principal, query?: PageQuery & { site?: string; host?: string }): Promise<Page<ScanRecord>>;

  // --- queries ---
  listHosts(principal: Principal, query?: PageQuery & HostFilter): Promise<Page<Host>>;
  /** By host id, or `{ site, name }`. */
  getHost(principal: Principal, host: string | { site: string; name: string }): Promise<HostDetail>;
  listFindings(principal: Principal, query?: PageQuery & FindingFilter): Promise<Page<FleetFinding>>;
  getFinding(principal: Principal, id: string): Promise<FleetFinding>;
  summary(principal: Principal, query?: { site?: string; silentSince?: string }): Promise<Summary>;
  /** At most 1000 points; `from`/`to` instants or dates. */
  trend(principal: Principal, query: { from: string; to: string; interval?: TrendInterval; site?: string }): Promise<TrendPoint[]>;
  /** What was on the host at `at`: each finding's last change at or before it. */
  hostHistory(principal: Principal, hostId: string, at: string): Promise<HostHistory>;
  findingHistory(principal: Principal, findingId: string): Promise<FindingEvent[]>;
  /** One site's report document: its hosts' latest inventories judged as of `at` (an instant), with the exceptions in force then (site-report.ts). */
  siteReport(principal: Principal, query: { site: string; at: string }): Promise<ReportDocument>;

  // --- exceptions ---
  /** Analyst or admin: the finding becomes `excepted` until `expiresAt` (then it reopens by itself, recorded). */
  createException(principal: Principal, input: { findingId: string; owner: string; reason: string; expiresAt: string }): Promise<Exception>;
  listExceptions(principal: Principal, query?: PageQuery & { site?: string; active?: boolean }): Promise<Page<Exception>>;
  /** The finding reopens (recorded). */
  revokeException(principal: Principal, id: string): Promise<Exception>;

  // --- coverage ---
  /** Admin: an asset list (CSV with a `name`/`host`/`hostname`/`id` column, or one name a line). Replaces the site's list when `replace`. */
  importAssets(principal: Principal, input: { site: string; csv: string; replace?: boolean }): Promise<{ imported: number; errors: { line: number; message: string }[] }>;
  coverage(principal: Principal, query: CoverageQuery): Promise<Page<Asset>>;

  // --- audit ---
  listAudit(principal: Principal, query?: PageQuery & { site?: string; since?: string }): Promise<Page<AuditEntry>>;

  // --- notifications (webhooks; notify-types.ts) ---
  /** Admin (of every site for a subscription to every site): the secret is answered once. */
  createWebhook(principal: Principal, input: N.WebhookInput): Promise<N.WebhookWithSecret>;
  listWebhooks(principal: Principal, query?: { site?: string }): Promise<N.Webhook[]>;
  getWebhook(principal: Principal, id: string): Promise<N.Webhook>;
  /** `rotateSecret`: a new secret, answered once. */
  updateWebhook(principal: Principal, id: string, patch: N.WebhookPatch): Promise<N.Webhook & { secret?: string }>;
  deleteWebhook(principal: Principal, id: string): Promise<N.Webhook>;
  /** Sends a `test` event now and answers the delivery with its attempt. */
  testWebhook(principal: Principal, id: string): Promise<N.WebhookDelivery>;
  listDeliveries(principal: Principal, webhookId: string, query?: PageQuery & { state?: N.DeliveryState }): Promise<Page<N.WebhookDelivery>>;
  /** Queues a delivery again (same event id and body), with a fresh set of attempts. */
  redeliver(principal: Principal, deliveryId: string): Promise<N.WebhookDelivery>;

  // --- counterparties and screening lists ---
  createCounterparty(principal: Principal, input: N.CounterpartyInput): Promise<N.Counterparty>;
  /** CSV (a name column; country, role, id optional) or JSON Lines, as `screen` reads them. */
  importCounterparties(principal: Principal, input: { site: string; text: string; role?: N.CounterpartyRole }): Promise<N.CounterpartyImport>;
  listCounterparties(principal: Principal, query?: PageQuery & { site?: string; verdict?: N.CounterpartyVerdict; role?: N.CounterpartyRole }): Promise<Page<N.Counterparty>>;
  getCounterparty(principal: Principal, id: string): Promise<N.CounterpartyDetail>;
  updateCounterparty(principal: Principal, id: string, patch: { country?: string | null; identifiers?: Record<string, string> }): Promise<N.Counterparty>;
  deleteCounterparty(principal: Principal, id: string): Promise<N.Counterparty>;
  /** The lists the server screens with, with the last refresh of each. */
  screeningLists(principal: Principal): Promise<N.ScreeningListInfo[]>;
  setListSource(principal: Principal, input: { name: string; source: string; format?: string; intervalMinutes: number }): Promise<N.ListSource>;
  listListSources(principal: Principal): Promise<N.ListSource[]>;
  deleteListSource(principal: Principal, name: string): Promise<N.ListSource>;
  refreshListNow(principal: Principal, name: string): Promise<N.ListRefresh>;

  // --- continuous judgment ---
  checkCatalog(): Promise<CatalogStatus>;
  /**
   * Re-resolves the catalog (the provider, or the installed one under home); when its digest
   * differs from the one hosts were judged with, queues a re-judge job. True when it changed.
   */
  catalogChanged(): Promise<boolean>;
  /** Re-judges every stored host's latest observations now (outside the job queue), dated `at` (default now). */
  rejudgeAll(reason: string, options?: { at?: string; asOf?: string }): Promise<RejudgeResult>;
  /** The next phase start after `after` (default now) in the catalog's rules, as an instant. */
  nextPhaseBoundary(after?: string): string | null;
  /**
   * One pass of the job loop at the clock's instant: queues due work (a phase boundary passed,
   * the catalog changed, exceptions expired), then claims and runs queued jobs one at a time
   * (exclusive across processes sharing the database). Answers the jobs it ran.
   */
  tick(): Promise<JobInfo[]>;
  startJobs(): void;
  stopJobs(): Promise<void>;
  listJobs(principal: Principal): Promise<JobInfo[]>;

  // --- sessions and attestations ---
  /** A new session for a signed-in person (audited as `session.create` by `user:<sub>`); `token` goes in the cookie only. */
  createSession(input: NewSession): Promise<{ token: string; session: Session }>;
  /** The session of a cookie's id, or null (unknown, malformed or expired). Moves its idle expiry. */
  getSession(token: string): Promise<Session | null>;
  /** Deletes the session (sign-out); true when there was one. */
  endSession(token: string): Promise<boolean>;
  /** Audits a refused sign-in (`session.refused`). */
  recordRefusedSignIn(input: { sub: string; issuer: string; groups: string[]; reason: string }): Promise<void>;
  saveLoginRequest(binding: string, request: LoginRequest, ttlMs: number): Promise<void>;
  /** The sign-in of `state` when `binding` (the browser's cookie) made it; deleted as it is taken. */
  takeLoginRequest(binding: string, state: string): Promise<LoginRequest | null>;
  /** Every signing key, the current one first (made when there is none). Readers. */
  listSigningKeys(principal: Principal): Promise<SigningKeyInfo[]>;
  /** Retires the current key and makes a new one. Admin over every site. */
  rotateSigningKey(principal: Principal): Promise<{ current: SigningKeyInfo; retired: SigningKeyInfo | null }>;
  /** A signed statement of what the server knew of a site at an instant (default now). Readers within their sites. */
  attest(principal: Principal, query: { site: string; at?: string; silentSince?: string }): Promise<AttestationEnvelope>;

  /** Reachable database (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A refused or impossible request; `code` maps to an HTTP status. */
export class FleetError extends Error {
  override readonly name = "FleetError";
  constructor(
    readonly code: "forbidden" | "not-found" | "invalid" | "conflict" | "unauthenticated",
    message: string,
  ) {
    super(message);
  }
}

/** `openFleet` (src/fleet/index.ts): opens the store, runs migrations, resolves the catalog. */
export type OpenFleet = (options?: FleetOptions) => Promise<Fleet>;
