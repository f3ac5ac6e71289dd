/**
 * @module
 * Opens the store: PostgreSQL (pg) for a `postgres://` or `postgresql://` URL, else a SQLite
 * file (better-sqlite3, WAL), and runs the migrations (kysely's Migrator) before anything else.
 * The drivers are imported here, only when a store is opened, so the CLI stays fast.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import { ictsguardHome } from "../util/home.js";
import { migrationProvider } from "./migrations.js";
import type { Database } from "./schema.js";

export type Backend = "sqlite" | "postgres";

export type Store = { db: Kysely<Database>; backend: Backend; location: string; close(): Promise<void> };

export type StoreOptions = { db?: string; home?: string; poolSize?: number; env?: NodeJS.ProcessEnv };

/** The file SQLite uses under ICTSGUARD_HOME when no database is given. */
export const DEFAULT_SQLITE_FILE = "fleet.sqlite";

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** Where the store is: the option, DATABASE_URL, or the SQLite file under home. */
export function storeLocation(options: StoreOptions = {}): string {
  const env = options.env ?? process.env;
  const given = options.db?.trim() || env.DATABASE_URL?.trim();
  if (given) return given;
  return join(options.home ?? ictsguardHome(env), DEFAULT_SQLITE_FILE);
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const location = storeLocation(options);
  let db: Kysely<Database>;
  let backend: Backend;
  if (isPostgresUrl(location)) {
    const pg = (await import("pg")).default;
    // counts come back as bigint strings; these are small enough for numbers
    pg.types.setTypeParser(20, (v: string) => Number(v));
    const pool = new pg.Pool({ connectionString: location, max: options.poolSize ?? 10 });
    // An idle pooled connection that PostgreSQL ends (a restart, a failover, an administrator)
    // makes the pool emit `error`; unheard, that would end the whole server. The pool drops the
    // connection and opens a new one for the next query, so saying so is enough.
    pool.on("error", (err) => process.stderr.write(`ictsguard: PostgreSQL closed an idle connection (${err.message}); the next query opens a new one\n`));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    backend = "postgres";
  } else {
    const path = location.replace(/^sqlite:(\/\/)?/i, "");
    mkdirSync(dirname(path), { recursive: true });
    const Sqlite = (await import("better-sqlite3")).default;
    const file = new Sqlite(path);
    file.pragma("journal_mode = WAL");
    file.pragma("synchronous = NORMAL");
    file.pragma("busy_timeout = 10000");
    file.pragma("foreign_keys = ON");
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
    backend = "sqlite";
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, backend, location, close: () => db.destroy() };
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`database migration ${failed ?? ""} failed: ${(error as Error).message ?? String(error)}`);
  }
}
