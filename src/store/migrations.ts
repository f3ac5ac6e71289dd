/**
 * @module
 * The store's migrations, in order, for both backends (kysely's Migrator runs them at open and
 * records them in `kysely_migration`; on PostgreSQL it holds an advisory lock while it does, so
 * several servers starting at once migrate once). Never edit a released migration: add one.
 */
import { PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

const m001: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("sites")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("profile", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("api_keys")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("sites", "text")
      .addColumn("label", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .addColumn("last_used_at", "text")
      .execute();
    await db.schema
      .createTable("enrollment_tokens")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("label", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema
      .createTable("hosts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("name_key", "text", (c) => c.notNull())
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addColumn("last_seen", "text", (c) => c.notNull())
      .addUniqueConstraint("hosts_site_name_key", ["site", "name_key"])
      .execute();
    await db.schema.createIndex("hosts_site_last_seen").on("hosts").columns(["site", "last_seen", "id"]).execute();
    await db.schema.createIndex("hosts_last_seen").on("hosts").columns(["last_seen", "id"]).execute();
    await db.schema
      .createTable("host_sources")
      .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id"))
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("format", "text")
      .addColumn("last_seen", "text", (c) => c.notNull())
      .addColumn("observations", "integer", (c) => c.notNull())
      .addColumn("scan_id", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("host_sources_pk", ["host_id", "source"])
      .execute();
    await db.schema
      .createTable("scans")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("idempotency_key", "text")
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("record", "text", (c) => c.notNull())
      .addUniqueConstraint("scans_site_idempotency", ["site", "idempotency_key"])
      .execute();
    await db.schema.createIndex("scans_site_received").on("scans").columns(["site", "received_at", "id"]).execute();
    await db.schema.createIndex("scans_received").on("scans").columns(["received_at", "id"]).execute();
    await db.schema
      .createTable("findings")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id"))
      .addColumn("host_name", "text", (c) => c.notNull())
      .addColumn("engine_id", "text", (c) => c.notNull())
      .addColumn("vendor", "text", (c) => c.notNull())
      .addColumn("product", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("confidence", "real", (c) => c.notNull())
      .addColumn("deadline", "text", (c) => c.notNull())
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addColumn("last_seen", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .addColumn("reopened", "integer", (c) => c.notNull())
      .addColumn("clean_count", "integer", (c) => c.notNull())
      .addColumn("sources", "text", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull())
      .addColumn("exception_id", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    // keyset pagination (newest last seen first) with and without each common filter
    await db.schema.createIndex("findings_last_seen").on("findings").columns(["last_seen", "id"]).execute();
    await db.schema.createIndex("findings_site_last_seen").on("findings").columns(["site", "last_seen", "id"]).execute();
    await db.schema.createIndex("findings_status_last_seen").on("findings").columns(["status", "last_seen", "id"]).execute();
    await db.schema.createIndex("findings_state_last_seen").on("findings").columns(["state", "last_seen", "id"]).execute();
    await db.schema.createIndex("findings_vendor_last_seen").on("findings").columns(["vendor", "last_seen", "id"]).execute();
    await db.schema.createIndex("findings_product_last_seen").on("findings").columns(["product", "last_seen", "id"]).execute();
    await db.schema.createIndex("findings_host").on("findings").columns(["host_id", "last_seen", "id"]).execute();
    await db.schema
      .createTable("finding_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("finding_id", "text", (c) => c.notNull())
      .addColumn("host_id", "text", (c) => c.notNull())
      .addColumn("site", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("cause", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("prev_status", "text")
      .addColumn("prev_state", "text")
      .addColumn("ref", "text")
      .execute();
    await db.schema.createIndex("finding_events_finding").on("finding_events").columns(["finding_id", "at", "id"]).execute();
    await db.schema.createIndex("finding_events_host").on("finding_events").columns(["host_id", "at", "id"]).execute();
    await db.schema
      .createTable("posture_counts")
      .addColumn("site", "text", (c) => c.notNull())
      .addColumn("vendor", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("deadline", "text", (c) => c.notNull())
      .addColumn("n", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("posture_counts_pk", ["site", "vendor", "status", "state", "deadline"])
      .execute();
    await db.schema
      .createTable("posture_deltas")
      .addColumn("site", "text", (c) => c.notNull())
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("delta", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("posture_deltas_pk", ["site", "bucket", "status", "state"])
      .execute();
    await db.schema.createIndex("posture_deltas_bucket").on("posture_deltas").columns(["bucket"]).execute();
    await db.schema
      .createTable("exceptions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("finding_id", "text", (c) => c.notNull().references("findings.id"))
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .addColumn("revoked_by", "text")
      .addColumn("expired_at", "text")
      .execute();
    await db.schema.createIndex("exceptions_site_created").on("exceptions").columns(["site", "created_at", "id"]).execute();
    await db.schema.createIndex("exceptions_created").on("exceptions").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("exceptions_expiry").on("exceptions").columns(["expires_at"]).execute();
    await db.schema
      .createTable("assets")
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("name_key", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("imported_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("assets_pk", ["site", "name_key"])
      .execute();
    await db.schema
      .createTable("audit_log")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("site", "text")
      .addColumn("target", "text")
      .addColumn("detail", "text")
      .execute();
    await db.schema.createIndex("audit_at").on("audit_log").columns(["at", "id"]).execute();
    await db.schema.createIndex("audit_site_at").on("audit_log").columns(["site", "at", "id"]).execute();
    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("key", "text", (c) => c.notNull().unique())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("run_at", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("locked_by", "text")
      .addColumn("locked_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("result", "text")
      .addColumn("error", "text")
      .execute();
    await db.schema.createIndex("jobs_queue").on("jobs").columns(["state", "run_at", "id"]).execute();
    await db.schema
      .createTable("meta")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Counts that make totals cheap at 100,000 hosts: the trend's deltas per UTC day (day and week
 * points read these instead of hours) and the number of hosts per site. Filled from what 001 kept.
 */
const m002: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("posture_deltas_day")
      .addColumn("site", "text", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("delta", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("posture_deltas_day_pk", ["site", "day", "status", "state"])
      .execute();
    await db.schema.createIndex("posture_deltas_day_day").on("posture_deltas_day").columns(["day"]).execute();
    await sql`insert into posture_deltas_day (site, day, status, state, delta)
      select site, substr(bucket, 1, 10), status, state, sum(delta) from posture_deltas group by site, substr(bucket, 1, 10), status, state`.execute(db);
    await db.schema
      .createTable("site_hosts")
      .addColumn("site", "text", (c) => c.primaryKey())
      .addColumn("hosts", "integer", (c) => c.notNull())
      .execute();
    await sql`insert into site_hosts (site, hosts) select site, count(*) from hosts group by site`.execute(db);
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Agents, host identity and native ingest (issue 15): agents enrolled with an enrollment token
 * and the host each reports into (identified by site and credential, the machine id kept as
 * evidence), possible duplicate hosts (two credentials with one machine id, one credential on two
 * machines) until an admin merges or dismisses them, osquery enroll secrets per site and the
 * osquery nodes they enrolled (node keys hashed like every other secret).
 */
const m003: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("agents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("host_id", "text", (c) => c.notNull())
      .addColumn("machine_id", "text")
      .addColumn("hostname", "text", (c) => c.notNull())
      .addColumn("os", "text")
      .addColumn("enrollment_id", "text", (c) => c.notNull())
      .addColumn("enrolled_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text")
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema.createIndex("agents_site_machine").on("agents").columns(["site", "machine_id"]).execute();
    await db.schema.createIndex("agents_host").on("agents").columns(["host_id"]).execute();
    await db.schema.alterTable("hosts").addColumn("machine_id", "text").execute();
    await db.schema.alterTable("hosts").addColumn("agent_id", "text").execute();
    // an agent's host is keyed by its credential; people still look it up by its name
    await db.schema.createIndex("hosts_site_lower_name").on("hosts").columns(["site"]).expression(sql`lower(name)`).execute();
    await db.schema
      .createTable("host_duplicates")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("machine_id", "text")
      .addColumn("host_a", "text", (c) => c.notNull())
      .addColumn("host_b", "text", (c) => c.notNull())
      .addColumn("detected_at", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .addColumn("resolution", "text")
      .addUniqueConstraint("host_duplicates_pair", ["site", "kind", "host_a", "host_b"])
      .execute();
    await db.schema.createIndex("host_duplicates_site").on("host_duplicates").columns(["site", "detected_at", "id"]).execute();
    await db.schema
      .createTable("osquery_secrets")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("label", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema
      .createTable("osquery_nodes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("key_hash", "text", (c) => c.notNull())
      .addColumn("secret_id", "text", (c) => c.notNull())
      .addColumn("host_identifier", "text", (c) => c.notNull())
      .addColumn("details", "text", (c) => c.notNull())
      .addColumn("enrolled_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text")
      .execute();
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Notifications and counterparties (issue 15): webhook subscriptions, the outbox of events
 * (written in the transaction that records the change) with one delivery per (event,
 * subscription) and every attempt; counterparties per site with their latest screening verdict
 * and its history; scheduled list refreshes with the provenance of each run.
 */
const m004: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("webhooks")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text")
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("active", "integer", (c) => c.notNull())
      .addColumn("lead_days", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("outbox_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("site", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("dedupe_key", "text", (c) => c.unique())
      .addColumn("body", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("event_id", "text", (c) => c.notNull().references("outbox_events.id"))
      .addColumn("webhook_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "text", (c) => c.notNull())
      .addColumn("locked_by", "text")
      .addColumn("locked_at", "text")
      .addColumn("last_status", "integer")
      .addColumn("last_error", "text")
      .addColumn("delivered_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint("webhook_deliveries_event_hook", ["event_id", "webhook_id"])
      .execute();
    await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["state", "next_attempt_at", "id"]).execute();
    await db.schema.createIndex("webhook_deliveries_hook").on("webhook_deliveries").columns(["webhook_id", "created_at", "id"]).execute();
    await db.schema
      .createTable("webhook_attempts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("status_code", "integer")
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addColumn("error", "text")
      .execute();
    await db.schema.createIndex("webhook_attempts_delivery").on("webhook_attempts").columns(["delivery_id", "at"]).execute();
    await db.schema
      .createTable("counterparties")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("name_key", "text", (c) => c.notNull())
      .addColumn("country", "text")
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("identifiers", "text", (c) => c.notNull())
      .addColumn("verdict", "text", (c) => c.notNull())
      .addColumn("matches", "text", (c) => c.notNull())
      .addColumn("screened_at", "text", (c) => c.notNull())
      .addColumn("screened_with", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addUniqueConstraint("counterparties_site_name_role", ["site", "name_key", "role"])
      .execute();
    await db.schema
      .createTable("counterparty_verdicts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("counterparty_id", "text", (c) => c.notNull())
      .addColumn("site", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("cause", "text", (c) => c.notNull())
      .addColumn("verdict", "text", (c) => c.notNull())
      .addColumn("prev_verdict", "text")
      .addColumn("matches", "text", (c) => c.notNull())
      .addColumn("screened_with", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("counterparty_verdicts_party").on("counterparty_verdicts").columns(["counterparty_id", "at", "id"]).execute();
    await db.schema
      .createTable("list_sources")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("format", "text")
      .addColumn("interval_minutes", "integer", (c) => c.notNull())
      .addColumn("next_run_at", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("list_refreshes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("list", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("sha256", "text")
      .addColumn("entries", "integer")
      .addColumn("previous_entries", "integer")
      .addColumn("message", "text")
      .execute();
    await db.schema.createIndex("list_refreshes_list").on("list_refreshes").columns(["list", "at", "id"]).execute();
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Browser sessions (OpenID Connect sign-in), the sign-ins in progress, and the server's ed25519
 * signing keys for attestations (shared by every serve process on the store). Sessions and
 * sign-ins keep only the SHA-256 of their random ids. One signing key is `current` (a partial
 * unique index keeps it one, however many processes create or rotate at once); the others are
 * `retired` and kept so old statements still verify. History by site, for attestations.
 */
const m005: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("sessions")
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("sub", "text", (c) => c.notNull())
      .addColumn("issuer", "text", (c) => c.notNull())
      .addColumn("name", "text")
      .addColumn("email", "text")
      .addColumn("groups", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("sites", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .addColumn("idle_ms", "integer", (c) => c.notNull())
      .addColumn("idle_expires_at", "text", (c) => c.notNull())
      .addColumn("absolute_expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("sessions_absolute").on("sessions").columns(["absolute_expires_at"]).execute();
    await db.schema.createIndex("sessions_idle").on("sessions").columns(["idle_expires_at"]).execute();
    await db.schema
      .createTable("login_requests")
      .addColumn("state_hash", "text", (c) => c.primaryKey())
      .addColumn("binding_hash", "text", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addColumn("code_verifier", "text", (c) => c.notNull())
      .addColumn("return_to", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("login_requests_expiry").on("login_requests").columns(["expires_at"]).execute();
    await db.schema
      .createTable("signing_keys")
      .addColumn("key_id", "text", (c) => c.primaryKey())
      .addColumn("algorithm", "text", (c) => c.notNull())
      .addColumn("public_key", "text", (c) => c.notNull())
      .addColumn("private_key", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("retired_at", "text")
      .execute();
    await db.schema.createIndex("signing_keys_one_current").on("signing_keys").column("state").unique().where(sql.ref("state"), "=", "current").execute();
    await db.schema.createIndex("finding_events_site_finding").on("finding_events").columns(["site", "finding_id", "at", "id"]).execute();
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Many `serve` processes and years of history. `rejudges` is one row per re-judgment trigger
 * (a catalog change, a phase boundary): its shards and what they did, so the last shard to
 * finish closes it. `rejudge_hosts` records each host a trigger re-judged and how many times,
 * so "each host once per trigger" can be checked. On PostgreSQL `finding_events` becomes a
 * table partitioned by month of its instant (`at`, compared as C-collated text): the old table
 * is renamed, a partitioned one made with the same columns and indexes, a partition per month
 * from the oldest row to three months ahead plus a default one, the rows copied, the old table
 * dropped. Retention then drops whole months. SQLite keeps one table.
 */
const m006: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("rejudges")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("as_of", "text", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("shards", "integer", (c) => c.notNull())
      .addColumn("shards_done", "integer", (c) => c.notNull())
      .addColumn("hosts", "integer", (c) => c.notNull())
      .addColumn("changed", "integer", (c) => c.notNull())
      .addColumn("planned_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .execute();
    await db.schema
      .createTable("rejudge_hosts")
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("host_id", "text", (c) => c.notNull())
      .addColumn("runs", "integer", (c) => c.notNull())
      .addColumn("worker", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("rejudge_hosts_pk", ["trigger", "host_id"])
      .execute();
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await sql`alter table finding_events rename to finding_events_unpartitioned`.execute(db);
    await sql`alter index finding_events_finding rename to finding_events_unpartitioned_finding`.execute(db);
    await sql`alter index finding_events_host rename to finding_events_unpartitioned_host`.execute(db);
    await sql`alter table finding_events_unpartitioned rename constraint finding_events_pkey to finding_events_unpartitioned_pkey`.execute(db);
    await sql`create table finding_events (
      id text not null, finding_id text not null, host_id text not null, site text not null,
      at text collate "C" not null, cause text not null, status text not null, state text not null,
      prev_status text, prev_state text, ref text,
      primary key (id, at)
    ) partition by range (at)`.execute(db);
    await sql`create index finding_events_finding on finding_events (finding_id, at, id)`.execute(db);
    await sql`create index finding_events_host on finding_events (host_id, at, id)`.execute(db);
    await sql`create table finding_events_default partition of finding_events default`.execute(db);
    const span = (await sql<{ lo: string | null; hi: string | null }>`select min(at) as lo, max(at) as hi from finding_events_unpartitioned`.execute(db)).rows[0];
    const now = new Date().toISOString();
    const first = span?.lo && span.lo < now ? span.lo : now;
    const last = addMonths(span?.hi && span.hi > now ? span.hi : now, 3);
    for (let m = first.slice(0, 7); m <= last.slice(0, 7); m = addMonths(`${m}-01T00:00:00.000Z`, 1).slice(0, 7)) {
      const lo = `${m}-01T00:00:00.000Z`;
      const hi = addMonths(lo, 1);
      await sql.raw(`create table if not exists ${monthPartitionName(m)} partition of finding_events for values from ('${lo}') to ('${hi}')`).execute(db);
    }
    await sql`insert into finding_events (id, finding_id, host_id, site, at, cause, status, state, prev_status, prev_state, ref)
      select id, finding_id, host_id, site, at, cause, status, state, prev_status, prev_state, ref from finding_events_unpartitioned`.execute(db);
    await sql`drop table finding_events_unpartitioned`.execute(db);
    // 005's index for attestations went with the old table
    await sql`create index if not exists finding_events_site_finding on finding_events (site, finding_id, at, id)`.execute(db);
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Queued ingest (issue 15: ingest at the database's insert speed): an upload sent with `Prefer:
 * respond-async` is stored here as it came (its bytes, gzip or not) in one insert and answered
 * 202; the job loop judges it later (src/fleet/upload-queue.ts). `seq` is the accept order (a
 * sequence: PostgreSQL `bigserial`, SQLite's integer primary key), which judging follows per site
 * and host; `id` is what the API shows. (site, idempotency key) is unique, so a retry never queues
 * twice. The body is dropped once the upload is done or failed; the row stays as its status.
 */
const m007: Migration = {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable("queued_uploads")
      .addColumn("seq", postgres ? "bigserial" : "integer", (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn("id", "text", (c) => c.notNull().unique())
      .addColumn("site", "text", (c) => c.notNull().references("sites.name"))
      .addColumn("host", "text")
      .addColumn("host_key", "text")
      .addColumn("filename", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("format", "text")
      .addColumn("idempotency_key", "text")
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("sites", "text")
      .addColumn("body", postgres ? "bytea" : "blob")
      .addColumn("bytes", "integer", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("locked_by", "text")
      .addColumn("locked_at", "text")
      .addColumn("scan_id", "text")
      .addColumn("result", "text")
      .addColumn("error", "text")
      .addUniqueConstraint("queued_uploads_site_idempotency", ["site", "idempotency_key"])
      .execute();
    // claims: the oldest pending first; the order check looks for older unfinished uploads of a site
    await db.schema.createIndex("queued_uploads_state").on("queued_uploads").columns(["state", "seq"]).execute();
    await db.schema.createIndex("queued_uploads_site_state").on("queued_uploads").columns(["site", "state", "seq"]).execute();
    await db.schema.createIndex("queued_uploads_finished").on("queued_uploads").columns(["finished_at"]).execute();
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/**
 * Hosts get `name_lower`, the name folded as `hostNameKey` folds it (in JavaScript), which
 * replaces SQL `lower(name)` for finding an agent's host by its name: SQLite's lower() folds
 * ASCII only (as PostgreSQL's does in a database of the C locale), so a name such as
 * "ÄRZTE-PC" never met its asset "ärzte-pc". Existing rows are filled here: in SQL where the name
 * is ASCII and trimmed (lower() is then the same), in JavaScript for the rest.
 */
const m008: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("hosts").addColumn("name_lower", "text").execute();
    await sql`update hosts set name_lower = lower(name)`.execute(db);
    const rows = (await db.selectFrom("hosts").select(["id", "name"]).execute()) as { id: string; name: string }[];
    for (const r of rows) {
      // the fold of hostNameKey (src/fleet/ids.ts), written out: a migration must not change with the code after it
      const folded = r.name.trim().toLowerCase();
      if (/[^\x00-\x7f]/.test(r.name) || folded !== r.name.toLowerCase()) await db.updateTable("hosts").set({ name_lower: folded }).where("id", "=", r.id).execute();
    }
    await db.schema.dropIndex("hosts_site_lower_name").execute();
    await db.schema.createIndex("hosts_site_name_lower").on("hosts").columns(["site", "name_lower"]).execute();
  },
  async down() {
    throw new Error("the store's migrations do not go down");
  },
};

/** `finding_events_y2026m03` for month "2026-03". */
export function monthPartitionName(month: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  return `finding_events_y${month.slice(0, 4)}m${month.slice(5, 7)}`;
}

/** The first instant of the month `n` months after the one `iso` falls in. */
export function addMonths(iso: string, n: number): string {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString();
}

/** Every migration by name; names sort in the order they run. */
export const MIGRATIONS: Record<string, Migration> = {
  "001-initial": m001,
  "002-day-deltas-and-host-counts": m002,
  "003-agents": m003,
  "004-notifications-and-counterparties": m004,
  "005-sessions-and-signing-keys": m005,
  "006-history-by-month-and-retention": m006,
  "007-queued-uploads": m007,
  "008-host-name-lower": m008,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
