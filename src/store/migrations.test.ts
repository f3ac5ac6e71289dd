/**
 * A store made by an earlier version keeps working after the migrations that came later: hosts
 * it holds get what 007 adds (`name_lower`, folded in JavaScript), and are found by it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { migrationProvider } from "./migrations.js";
import { openStore } from "./open.js";

test("008 fills name_lower for the hosts of a store made before it: ASCII in SQL, the rest (any script, padded names) as hostNameKey folds them", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ictsguard-migrations-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "fleet.sqlite");
  const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new Sqlite(file) }) });
  const { error } = await new Migrator({ db: old, provider: migrationProvider }).migrateTo("006-history-by-month-and-retention");
  assert.equal(error, undefined);
  await old.insertInto("sites").values({ name: "acme", profile: "business", created_at: "2026-01-01T00:00:00.000Z" }).execute();
  const names = ["WS-1", "ÄRZTE-PC", "ПК-Бухгалтерия", " Padded-Host "];
  await old
    .insertInto("hosts")
    .values(names.map((name, i) => ({ id: `h_${i}`, site: "acme", name, name_key: `agent:a${i}`, first_seen: "2026-01-01T00:00:00.000Z", last_seen: "2026-01-01T00:00:00.000Z", agent_id: `a${i}` })))
    .execute();
  await old.destroy();

  const store = await openStore({ db: file });
  t.after(() => store.close());
  const rows = await store.db.selectFrom("hosts").select(["name", "name_lower"]).orderBy("id").execute();
  assert.deepEqual(
    rows.map((r) => [r.name, r.name_lower]),
    [
      ["WS-1", "ws-1"],
      ["ÄRZTE-PC", "ärzte-pc"],
      ["ПК-Бухгалтерия", "пк-бухгалтерия"],
      [" Padded-Host ", "padded-host"],
    ],
  );
});
