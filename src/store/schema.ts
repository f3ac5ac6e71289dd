/**
 * @module
 * The store's tables as kysely sees them: one schema for SQLite and PostgreSQL. Times are ISO
 * 8601 UTC strings with milliseconds (`2024-09-29T04:00:00.000Z`), so they sort as text the same
 * on both; JSON is text; flags and counts are integers. docs/server.md ("Store and lifecycle")
 * describes each table.
 */
import type { Generated } from "kysely";

export type SiteRow = { name: string; profile: string; description: string | null; created_at: string };

export type ApiKeyRow = {
  id: string;
  secret_hash: string;
  role: string;
  /** JSON array of site names, or null for every site. */
  sites: string | null;
  label: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

export type EnrollmentTokenRow = {
  id: string;
  secret_hash: string;
  site: string;
  label: string | null;
  created_at: string;
  created_by: string;
  expires_at: string;
  revoked_at: string | null;
};

export type HostRow = {
  id: string;
  site: string;
  name: string;
  name_key: string;
  /**
   * The name as `hostNameKey` folds it (trimmed, `toLowerCase`): how an agent's host (whose
   * name_key is `agent:<id>`) is found by its name. Kept in a column, not SQL `lower(name)`,
   * which folds ASCII only in SQLite (and in a PostgreSQL database of the C locale).
   */
  name_lower?: string | null;
  first_seen: string;
  last_seen: string;
  /** The machine id its agent last reported (evidence, not identity); null for hosts named by uploads. */
  machine_id?: string | null;
  /** The agent whose credential identifies the host (its name_key is `agent:<id>`); null for hosts named by uploads. */
  agent_id?: string | null;
};

/** An enrolled agent: its credential (SHA-256 of the secret), the host it reports into, what it said about its machine. */
export type AgentRow = {
  id: string;
  site: string;
  secret_hash: string;
  host_id: string;
  machine_id: string | null;
  hostname: string;
  os: string | null;
  enrollment_id: string;
  enrolled_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
};

/** A possible duplicate: two hosts that may be one machine (or one credential on two machines), until merged or dismissed. */
export type HostDuplicateRow = {
  id: string;
  site: string;
  /** `machine-id`: two credentials report one machine id; `credential`: one credential reports a second machine id. */
  kind: string;
  machine_id: string | null;
  host_a: string;
  host_b: string;
  detected_at: string;
  resolved_at: string | null;
  resolution: string | null;
};

export type OsquerySecretRow = { id: string; site: string; secret_hash: string; label: string | null; created_at: string; created_by: string; revoked_at: string | null };

export type OsqueryNodeRow = {
  id: string;
  site: string;
  key_hash: string;
  secret_id: string;
  host_identifier: string;
  /** JSON: the host_details osquery sent at enrollment. */
  details: string;
  enrolled_at: string;
  last_seen_at: string | null;
};

/** The latest inventory of one source of one host: its observations, to re-judge without an upload. */
export type HostSourceRow = {
  host_id: string;
  source: string;
  format: string | null;
  last_seen: string;
  observations: number;
  scan_id: string;
  /** JSON array of Observations. */
  data: string;
};

export type ScanRow = { id: string; site: string; idempotency_key: string | null; key_id: string; received_at: string; record: string };

export type FindingRow = {
  id: string;
  site: string;
  host_id: string;
  host_name: string;
  engine_id: string;
  vendor: string;
  product: string;
  status: string;
  state: string;
  reason: string;
  confidence: number;
  /** The next date that changes the finding's position ('' when none), as the engine gives it. */
  deadline: string;
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
  reopened: number;
  clean_count: number;
  /** JSON array of the upload sources that reported it last. */
  sources: string;
  /** JSON: evidence, rules, observation, names. */
  detail: string;
  exception_id: string | null;
  updated_at: string;
};

/** One change of one finding (history); never updated or deleted. */
export type FindingEventRow = {
  id: string;
  finding_id: string;
  host_id: string;
  site: string;
  at: string;
  cause: string;
  status: string;
  state: string;
  prev_status: string | null;
  prev_state: string | null;
  ref: string | null;
};

/** Current counts of findings per (site, vendor, status, state, deadline): the summary reads these. */
export type PostureCountRow = { site: string; vendor: string; status: string; state: string; deadline: string; n: number };

/** Changes of those counts per UTC hour: the trend sums them up to each point. */
export type PostureDeltaRow = { site: string; bucket: string; status: string; state: string; delta: number };

/** The same deltas per UTC day (YYYY-MM-DD): day and week trends read these. */
export type PostureDeltaDayRow = { site: string; day: string; status: string; state: string; delta: number };

/** Hosts per site, kept as hosts are made, so totals and the summary need not count 100,000 rows. */
export type SiteHostsRow = { site: string; hosts: number };

export type ExceptionRow = {
  id: string;
  site: string;
  finding_id: string;
  owner: string;
  reason: string;
  expires_at: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  expired_at: string | null;
};

export type AssetRow = { site: string; name_key: string; name: string; imported_at: string };

export type AuditRow = { id: string; at: string; key_id: string; action: string; site: string | null; target: string | null; detail: string | null };

export type JobRow = {
  id: string;
  /** Unique: the same trigger (a phase start, a catalog digest) queues one job, however many processes see it. */
  key: string;
  kind: string;
  payload: string;
  state: string;
  run_at: string;
  attempts: number;
  locked_by: string | null;
  locked_at: string | null;
  finished_at: string | null;
  result: string | null;
  error: string | null;
};

/**
 * An upload accepted into the queue (`Prefer: respond-async`), judged later by the job loop
 * (src/fleet/upload-queue.ts). `body` is null once it is done or failed.
 */
export type QueuedUploadRow = {
  /** The accept order (a sequence); judging follows it per site and host. */
  seq: Generated<number>;
  id: string;
  site: string;
  /** The upload's host (host and BOM routes), or null: hosts come from the data. */
  host: string | null;
  /** The lower-case host name the order is kept by, or null: the whole site (hosts unknown until read). */
  host_key: string | null;
  filename: string;
  source: string;
  format: string | null;
  idempotency_key: string | null;
  /** Who uploaded: the key id, its role and sites (JSON, null for every site), checked at accept. */
  key_id: string;
  role: string;
  sites: string | null;
  body: Buffer | Uint8Array | null;
  bytes: number;
  /** queued, processing, done, failed */
  state: string;
  received_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  /** The process judging it (processing), or that judged it (done, failed). */
  locked_by: string | null;
  /** The lease: renewed while judging. */
  locked_at: string | null;
  scan_id: string | null;
  /** JSON: the scan record and the reader's warnings, once done. */
  result: string | null;
  /** JSON: `{ code, message, issues? }`, once failed. */
  error: string | null;
};

/** One re-judgment trigger, planned into shard jobs; the last shard to finish closes it. */
export type RejudgeRow = {
  key: string;
  reason: string;
  at: string;
  as_of: string;
  digest: string;
  shards: number;
  shards_done: number;
  hosts: number;
  changed: number;
  planned_at: string;
  finished_at: string | null;
};

/** A host re-judged for a trigger, and how many times (once, unless a shard's process died mid-way). */
export type RejudgeHostRow = { trigger: string; host_id: string; runs: number; worker: string; at: string };
/** A webhook subscription: `site` null for every site; `events` and `lead_days` JSON arrays; the secret kept to sign (docs/SECURITY.md). */
export type WebhookRow = {
  id: string;
  site: string | null;
  url: string;
  events: string;
  secret: string;
  active: number;
  lead_days: string;
  description: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
};

/** One event, written in the transaction of the change it reports; `body` is the JSON delivered, byte for byte, on every attempt. */
export type OutboxEventRow = { id: string; type: string; site: string | null; created_at: string; dedupe_key: string | null; body: string };

/** One event to one subscription: pending (due at next_attempt_at), sending (claimed), delivered or failed. */
export type WebhookDeliveryRow = {
  id: string;
  event_id: string;
  webhook_id: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  locked_by: string | null;
  locked_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
};

export type WebhookAttemptRow = { id: string; delivery_id: string; at: string; ok: number; status_code: number | null; duration_ms: number; error: string | null };

/** A counterparty of a site and its latest screening verdict (`matches`: JSON array). */
export type CounterpartyRow = {
  id: string;
  site: string;
  name: string;
  name_key: string;
  country: string | null;
  role: string;
  /** JSON object of identifiers (LEI, DUNS, VAT ..., and the importer's id). */
  identifiers: string;
  verdict: string;
  matches: string;
  screened_at: string;
  /** The fingerprint of the catalog and lists it was screened with. */
  screened_with: string;
  created_at: string;
  updated_at: string;
};

/** Every verdict a counterparty had (first screening and each change); only inserted. */
export type CounterpartyVerdictRow = { id: string; counterparty_id: string; site: string; at: string; cause: string; verdict: string; prev_verdict: string | null; matches: string; screened_with: string };

/** A list refreshed on a schedule from a URL or a folder. */
export type ListSourceRow = { name: string; source: string; format: string | null; interval_minutes: number; next_run_at: string; created_at: string; created_by: string };

/** One run of a list refresh: its provenance (source, SHA-256 of what was read, date, entries) and outcome. */
export type ListRefreshRow = { id: string; list: string; source: string; at: string; outcome: string; sha256: string | null; entries: number | null; previous_entries: number | null; message: string | null };

export type MetaRow = { key: string; value: string };

/** A browser session (OpenID Connect sign-in): only the SHA-256 of its random id is stored. */
export type SessionRow = {
  id_hash: string;
  sub: string;
  issuer: string;
  name: string | null;
  email: string | null;
  /** JSON array: the identity provider's groups that granted the role. */
  groups: string;
  role: string;
  /** JSON array of site names, or null for every site. */
  sites: string | null;
  created_at: string;
  last_seen_at: string;
  idle_ms: number;
  idle_expires_at: string;
  absolute_expires_at: string;
};

/** A sign-in in progress: state (by its SHA-256), nonce and PKCE verifier, bound to the browser's cookie. */
export type LoginRequestRow = {
  state_hash: string;
  binding_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: string;
  expires_at: string;
};

/** An ed25519 signing key of attestations; `state` is `current` (one) or `retired`. */
export type SigningKeyRow = {
  key_id: string;
  algorithm: string;
  /** SPKI PEM. */
  public_key: string;
  /** PKCS#8 PEM. */
  private_key: string;
  state: string;
  created_at: string;
  created_by: string;
  retired_at: string | null;
};

export interface Database {
  sites: SiteRow;
  api_keys: ApiKeyRow;
  enrollment_tokens: EnrollmentTokenRow;
  hosts: HostRow;
  host_sources: HostSourceRow;
  scans: ScanRow;
  findings: FindingRow;
  finding_events: FindingEventRow;
  posture_counts: PostureCountRow;
  posture_deltas: PostureDeltaRow;
  posture_deltas_day: PostureDeltaDayRow;
  site_hosts: SiteHostsRow;
  exceptions: ExceptionRow;
  assets: AssetRow;
  audit_log: AuditRow;
  jobs: JobRow;
  meta: MetaRow;
  rejudges: RejudgeRow;
  rejudge_hosts: RejudgeHostRow;
  sessions: SessionRow;
  login_requests: LoginRequestRow;
  signing_keys: SigningKeyRow;
  webhooks: WebhookRow;
  outbox_events: OutboxEventRow;
  webhook_deliveries: WebhookDeliveryRow;
  webhook_attempts: WebhookAttemptRow;
  counterparties: CounterpartyRow;
  counterparty_verdicts: CounterpartyVerdictRow;
  list_sources: ListSourceRow;
  list_refreshes: ListRefreshRow;
  agents: AgentRow;
  host_duplicates: HostDuplicateRow;
  osquery_secrets: OsquerySecretRow;
  osquery_nodes: OsqueryNodeRow;
  queued_uploads: QueuedUploadRow;
}

/** Unused marker so `Generated` stays importable for later auto-increment columns. */
export type _Generated = Generated<number>;
