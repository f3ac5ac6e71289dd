/**
 * @module
 * A PostgreSQL database of its own for one test file: created with a random name on the
 * server at 127.0.0.1:5432 (user postgres, trust; PGHOST/PGPORT/PGUSER override), dropped by
 * `drop()`. No test skips for lack of PostgreSQL: a missing server fails the test loudly.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

function adminUrl(database: string): string {
  const host = process.env.PGHOST ?? "127.0.0.1";
  const port = process.env.PGPORT ?? "5432";
  const user = process.env.PGUSER ?? "postgres";
  return `postgres://${encodeURIComponent(user)}@${host}:${port}/${database}`;
}

export async function createTestDatabase(prefix = "ictsguard_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl("postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: adminUrl(name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl("postgres") });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
