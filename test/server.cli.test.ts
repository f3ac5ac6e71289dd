/**
 * `ictsguard server init` and `server key create/revoke` as a user runs them: the CLI spawned
 * with ICTSGUARD_HOME set to a temporary folder, on the SQLite default and on PostgreSQL
 * (`--db` and DATABASE_URL). The keys it prints are checked by authenticating them with the
 * fleet service on the same store.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { resolveActiveCatalog } from "../src/catalog/active.js";
import { repoPath } from "../src/testing/index.js";
import { createTestDatabase, type TestDatabase } from "../src/testing/pg-database.js";
import { tempDir } from "../src/testing/temp.js";

type Run = { code: number; stdout: string; stderr: string };

function cli(args: string[], home: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((ok) => {
    execFile(process.execPath, [repoPath("bin/ictsguard.js"), ...args], { cwd: home, env: { ...process.env, ICTSGUARD_HOME: home, DATABASE_URL: "", NO_COLOR: "1", ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}

async function principalOf(db: string, token: string) {
  const fleet = await openFleet({ db, catalog: await resolveActiveCatalog({ home: tempDir() }) });
  try {
    return await fleet.authenticate(token);
  } finally {
    await fleet.close();
  }
}

const databases: TestDatabase[] = [];
after(async () => {
  for (const d of databases) await d.drop();
});

type Where = { name: string; full: boolean; setup(home: string): Promise<{ args: string[]; env: Record<string, string>; db: string }> };

const WHERE: Where[] = [
  { name: "the SQLite default under ICTSGUARD_HOME", full: true, setup: async (home) => ({ args: [], env: {}, db: join(home, "fleet.sqlite") }) },
  {
    name: "PostgreSQL given by --db",
    full: true,
    setup: async () => {
      const d = await createTestDatabase("ictsguard_cli");
      databases.push(d);
      return { args: ["--db", d.url], env: {}, db: d.url };
    },
  },
  {
    name: "PostgreSQL given by DATABASE_URL",
    full: false,
    setup: async () => {
      const d = await createTestDatabase("ictsguard_cli");
      databases.push(d);
      return { args: [], env: { DATABASE_URL: d.url }, db: d.url };
    },
  },
];

for (const where of WHERE) {
  describe(`server commands on ${where.name}`, () => {
    test("init prints the admin key once, refuses a second init; key create and revoke work", async () => {
      const home = tempDir("ictsguard-server-");
      const { args, env, db } = await where.setup(home);
      const init = await cli(["server", "init", ...args, "-o", "json"], home, env);
      assert.equal(init.code, 0, init.stderr);
      const { apiKey } = JSON.parse(init.stdout) as { apiKey: string };
      assert.match(apiKey, /^ictg_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(Object.keys(JSON.parse(init.stdout)), ["apiKey"]);
      if (!db.startsWith("postgres")) assert.ok(existsSync(db), "the SQLite file is under ICTSGUARD_HOME");
      assert.deepEqual(await principalOf(db, apiKey), { keyId: apiKey.split("_")[1], role: "admin", sites: null });

      if (!where.full) return; // the rest is the same code as with --db; each CLI run loads the catalog, so it is run twice, not three times
      const again = await cli(["server", "init", ...args], home, env);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /initialised already/);

      const created = await cli(["server", "key", "create", "--role", "viewer", "--site", "default", ...args, "-o", "json"], home, env);
      assert.equal(created.code, 0, created.stderr);
      const viewer = JSON.parse(created.stdout) as { apiKey: string; id: string };
      assert.deepEqual(await principalOf(db, viewer.apiKey), { keyId: viewer.id, role: "viewer", sites: ["default"] });

      const text = await cli(["server", "key", "create", "--role", "ingest", ...args], home, env);
      assert.equal(text.code, 0, text.stderr);
      const ingestToken = text.stdout.trim().split("\n").at(-1)!;
      assert.equal((await principalOf(db, ingestToken))?.role, "ingest");

      const revoked = await cli(["server", "key", "revoke", viewer.id, ...args], home, env);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, new RegExp(`API key ${viewer.id} revoked`));
      assert.equal(await principalOf(db, viewer.apiKey), null);

      const unknown = await cli(["server", "key", "revoke", "aaaaaaaaaaaaaaaa", ...args], home, env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no API key "aaaaaaaaaaaaaaaa"/);
      const badRole = await cli(["server", "key", "create", "--role", "root", ...args], home, env);
      assert.equal(badRole.code, 2);
      const badSite = await cli(["server", "key", "create", "--role", "viewer", "--site", "nowhere", ...args], home, env);
      assert.equal(badSite.code, 2);
      assert.match(badSite.stderr, /no site "nowhere"/);

      const list = await cli(["server", "key", "list", ...args, "-o", "json"], home, env);
      const keys = JSON.parse(list.stdout) as { id: string; revokedAt?: string }[];
      assert.equal(keys.length, 3);
      assert.ok(keys.find((k) => k.id === viewer.id)?.revokedAt);
      assert.ok(!list.stdout.includes(viewer.apiKey.split("_").slice(2).join("_")), "no secret is listed");
    });
  });
}
