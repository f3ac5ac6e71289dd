/**
 * @module
 * Backing up and restoring the store (`ictsguard server backup | restore`).
 *
 * SQLite: better-sqlite3's online backup API (SQLite's backup API) copies the database page by
 * page while `serve` keeps writing (WAL), into a file that is itself a complete store. Restore
 * checks the file (a SQLite database that holds a migrated ictsguard store and passes
 * `integrity_check`), refuses to replace a store that holds anything unless forced, writes the
 * copy beside the target and renames it over it (removing the old `-wal` and `-shm`, which
 * would otherwise be replayed over the restored pages). Stop `serve` before a restore.
 *
 * PostgreSQL: pg_dump and pg_restore do this better than we could (consistent snapshot,
 * parallel restore); docs/server.md gives the commands, and a test runs the round trip.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { isPostgresUrl, storeLocation, type StoreOptions } from "./open.js";

/** Tables that mean a store is in use: restoring over them needs `force`. */
const CONTENT_TABLES = ["sites", "api_keys", "hosts", "findings", "scans"] as const;

export class BackupError extends Error {
  override name = "BackupError";
}

type SqliteDatabase = import("better-sqlite3").Database;

async function openSqlite(path: string, readonly: boolean): Promise<SqliteDatabase> {
  const Sqlite = (await import("better-sqlite3")).default;
  return new Sqlite(path, { readonly, fileMustExist: true });
}

function sqlitePath(options: StoreOptions): string {
  const location = storeLocation(options);
  if (isPostgresUrl(location)) {
    throw new BackupError(
      `the store is PostgreSQL: back it up with pg_dump --format=custom --file=ictsguard.dump '${redact(location)}' and restore it with pg_restore --no-owner --exit-on-error --dbname=URL ictsguard.dump (docs/server.md, "Operations")`,
    );
  }
  return location.replace(/^sqlite:(\/\/)?/i, "");
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

export type BackupResult = { file: string; bytes: number; pages: number };

/** An online backup of the SQLite store into `output` (which must not exist). */
export async function backupStore(options: StoreOptions & { output: string }): Promise<BackupResult> {
  const path = sqlitePath(options);
  if (!existsSync(path)) throw new BackupError(`no store at ${path}`);
  if (existsSync(options.output)) throw new BackupError(`${options.output} exists: name a new file`);
  // its folder made when missing, as every --output-file is
  try {
    mkdirSync(dirname(options.output), { recursive: true });
  } catch (err) {
    throw new BackupError(`cannot create the folder for ${options.output}: ${(err as Error).message}`);
  }
  const db = await openSqlite(path, true);
  try {
    const r = await db.backup(options.output);
    return { file: options.output, bytes: statSync(options.output).size, pages: r.totalPages };
  } catch (err) {
    rmSync(options.output, { force: true });
    // a file that cannot be written (a full disk, no permission) is the user's to fix, not a bug
    throw new BackupError(`cannot write the backup ${options.output}: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
}

/** What a backup file holds, checked before anything is replaced. */
async function checkBackup(file: string): Promise<{ migrations: string[] }> {
  if (!existsSync(file)) throw new BackupError(`${file}: no such file`);
  let db: SqliteDatabase;
  try {
    db = await openSqlite(file, true);
  } catch (err) {
    throw new BackupError(`${file}: not a SQLite database (${(err as Error).message})`);
  }
  try {
    const ok = db.pragma("integrity_check", { simple: true });
    if (ok !== "ok") throw new BackupError(`${file}: integrity check failed: ${String(ok)}`);
    const has = db.prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    if (!has) throw new BackupError(`${file}: not an ictsguard store (no migrations table)`);
    const migrations = (db.prepare("select name from kysely_migration order by name").all() as { name: string }[]).map((r) => r.name);
    if (!migrations.includes("001-initial")) throw new BackupError(`${file}: not an ictsguard store (no 001-initial migration)`);
    return { migrations };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file}: not a SQLite database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/** What the store at `path` holds (rows of the tables that mean it is in use); 0 when there is none. */
async function contentRows(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  const db = await openSqlite(path, true);
  try {
    let n = 0;
    for (const t of CONTENT_TABLES) {
      const exists = db.prepare("select name from sqlite_master where type = 'table' and name = ?").get(t);
      if (exists) n += (db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
    }
    return n;
  } finally {
    db.close();
  }
}

export type RestoreResult = { file: string; store: string; replaced: boolean; migrations: string[] };

/** Replaces the SQLite store with a backup (refused over a store in use unless `force`). */
export async function restoreStore(options: StoreOptions & { file: string; force?: boolean }): Promise<RestoreResult> {
  const path = sqlitePath(options);
  const { migrations } = await checkBackup(options.file);
  const rows = await contentRows(path);
  if (rows > 0 && !options.force) throw new BackupError(`the store at ${path} is not empty (${rows} rows of sites, keys, hosts, findings and scans): stop serve, and restore with --force to replace it`);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new BackupError(`cannot create the folder for the store ${path}: ${(err as Error).message}`, { cause: err });
  }
  const staging = join(dirname(path), `.restore-${process.pid}-${Date.now()}.sqlite`);
  const from = await openSqlite(options.file, true);
  try {
    await from.backup(staging);
  } catch (err) {
    rmSync(staging, { force: true });
    // a store folder that cannot be written (a full disk, no permission) is the user's to fix, not a bug
    throw new BackupError(`cannot restore ${options.file} into ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    from.close();
  }
  // the old store's log would be replayed over the restored pages
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${path}${suffix}`, { force: true });
  renameSync(staging, path);
  return { file: options.file, store: path, replaced: rows > 0, migrations };
}
