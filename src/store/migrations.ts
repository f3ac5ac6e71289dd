/**
 * @module
 * The store's migrations, in order, for both backends (kysely's Migrator runs them at open and
 * records them in `kysely_migration`; on PostgreSQL it holds an advisory lock while it does, so
 * several servers starting at once migrate once). Never edit a released migration: add one.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

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

/** Every migration by name; names sort in the order they run. */
export const MIGRATIONS: Record<string, Migration> = {
  "001-initial": m001,
  "002-day-deltas-and-host-counts": m002,
  "003-agents": m003,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
