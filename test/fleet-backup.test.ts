/**
 * `ictsguard server backup | restore` on SQLite (an online backup taken while `serve` runs and
 * takes uploads), and the PostgreSQL round trip through pg_dump and pg_restore that
 * docs/server.md gives, with the history's month partitions.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, test } from "node:test";
import pg from "pg";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { clockAt, observationsOf } from "../src/fleet/fleet-suite.js";
import { repoPath } from "../src/testing/index.js";
import { api, createTestStore, runCli, spawnServe, type TestStore } from "../src/testing/fleet-server.js";
import { createTestDatabase, type TestDatabase } from "../src/testing/pg-database.js";
import { tempDir } from "../src/testing/temp.js";

const CSV = repoPath("examples/fleet/windows-software.csv");
const run = promisify(execFile);
const stores: TestStore[] = [];
const databases: TestDatabase[] = [];
after(async () => {
  for (const s of stores) await s.drop();
  for (const d of databases) await d.drop();
});

async function upload(url: string, key: string, body: string, idem: string): Promise<void> {
  const r = await fetch(`${url}/api/v1/inventories?site=default&filename=programs.csv`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/octet-stream", "idempotency-key": idem }, body });
  assert.equal(r.status, 201, await r.text());
}

test("SQLite: server backup while serve runs and takes uploads, restore into an empty store, refusal over a store in use without --force", { timeout: 180_000 }, async () => {
  const store = await createTestStore("sqlite");
  const init = await runCli(["server", "init", "--db", store.db, "-o", "json"], { env: { ICTSGUARD_HOME: store.home } });
  assert.equal(init.code, 0, init.stderr);
  const key = (JSON.parse(init.stdout) as { apiKey: string }).apiKey;
  const serve = await spawnServe(store);
  const csv = readFileSync(CSV, "utf8");
  const backup = join(tempDir(), "fleet-backup.sqlite");
  let atBackup: unknown;
  try {
    await upload(serve.url, key, csv, "first-upload");
    atBackup = (await api(serve.url, "/api/v1/findings?limit=1000", { key })).body.items;
    // the backup runs while uploads keep coming (one before it is done and after)
    const more = csv.replace(/ws-finance-01/g, "ws-later-01");
    const [b] = await Promise.all([runCli(["server", "backup", "--output-file", backup, "--db", store.db]), upload(serve.url, key, more, "second-upload")]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /backed up the store to .*fleet-backup\.sqlite/);
    const again = await runCli(["server", "backup", "--output-file", backup, "--db", store.db]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists: name a new file/);
  } finally {
    assert.equal((await serve.stop()).code, 0);
  }
  // into a new, empty store
  const target = join(tempDir(), "restored", "fleet.sqlite");
  const r = await runCli(["server", "restore", backup, "--db", target]);
  assert.equal(r.code, 0, r.stderr);
  const fleet: Fleet = await openFleet({ db: target, home: tempDir() });
  try {
    const items = (await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 })).items;
    const live = await openFleet({ db: store.db, home: tempDir() });
    const liveItems = (await live.listFindings(LOCAL_ADMIN, { limit: 1000 })).items;
    await live.close();
    // the backup holds the first upload at least, and nothing the live store lacks
    const ids = new Set(items.map((f) => f.id));
    assert.ok((atBackup as { id: string }[]).every((f) => ids.has(f.id)), "every finding of the first upload");
    assert.ok(items.every((f) => liveItems.some((l) => l.id === f.id)));
    assert.ok((await fleet.listApiKeys(LOCAL_ADMIN)).some((k) => k.role === "admin"));
  } finally {
    await fleet.close();
  }
  // over a store in use: refused, then forced
  const refused = await runCli(["server", "restore", backup, "--db", store.db]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /is not empty .*--force/);
  const forced = await runCli(["server", "restore", backup, "--db", store.db, "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /previous store was replaced/);
  // not a backup
  const bogus = join(tempDir(), "not-a-store.sqlite");
  writeFileSync(bogus, "host,name\nws-1,x\n");
  const bad = await runCli(["server", "restore", bogus, "--db", join(tempDir(), "x.sqlite")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not-a-store\.sqlite: not a SQLite database/);
  // a store folder that cannot be made is the user's to fix, not "internal error ... a bug"
  const notAFolder = join(tempDir(), "a-file");
  writeFileSync(notAFolder, "");
  const unmade = await runCli(["server", "restore", backup, "--db", join(notAFolder, "fleet.sqlite")]);
  assert.equal(unmade.code, 2);
  assert.match(unmade.stderr, /cannot create the folder for the store .*a-file\/fleet\.sqlite: EEXIST/);
  assert.doesNotMatch(unmade.stderr, /internal error|a bug/);
  // PostgreSQL is pg_dump's job: the command says how
  const onPg = await runCli(["server", "backup", "--output-file", join(tempDir(), "x"), "--db", "postgres://postgres@127.0.0.1:5432/test"]);
  assert.equal(onPg.code, 2);
  assert.match(onPg.stderr, /pg_dump --format=custom/);
});

test("PostgreSQL: pg_dump and pg_restore (the commands in docs/server.md) carry the store over whole, month partitions and all", { timeout: 180_000 }, async () => {
  const source = await createTestDatabase("ictsguard_backup_src");
  databases.push(source);
  const t = clockAt("2026-01-10T12:00:00Z");
  const fleet = await openFleet({ db: source.url, home: tempDir(), clock: t.clock });
  await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
  const obs = await observationsOf(CSV);
  await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs, source: { name: "programs" } });
  await fleet.tick();
  t.set("2026-03-02T12:00:00Z");
  await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs.filter((o) => !(o.host === "ws-finance-01" && /kaspersky|avp|klif/i.test(JSON.stringify(o)))), source: { name: "programs" } });
  await fleet.tick();
  const snapshot = async (f: Fleet) => {
    const findings = (await f.listFindings(LOCAL_ADMIN, { limit: 1000 })).items;
    return { summary: await f.summary(LOCAL_ADMIN), findings, history: await Promise.all(findings.map((x) => f.findingHistory(LOCAL_ADMIN, x.id))), audit: (await f.listAudit(LOCAL_ADMIN, { limit: 1000 })).items };
  };
  const before = await snapshot(fleet);
  await fleet.close();
  assert.ok(before.history.some((h) => h.length > 1), "some findings changed");

  const dump = join(tempDir(), "ictsguard.dump");
  await run("pg_dump", ["--format=custom", `--file=${dump}`, source.url]);
  const target = await createTestDatabase("ictsguard_backup_dst");
  databases.push(target);
  await run("pg_restore", ["--no-owner", "--exit-on-error", `--dbname=${target.url}`, dump]);

  const restored = await openFleet({ db: target.url, home: tempDir(), clock: t.clock });
  try {
    assert.deepEqual(await snapshot(restored), before);
    const parts = async (url: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'finding_events' order by 1")).rows.map((r: { relname: string }) => r.relname);
      } finally {
        await c.end();
      }
    };
    const restoredParts = await parts(target.url);
    assert.deepEqual(restoredParts, await parts(source.url));
    assert.ok(restoredParts.includes("finding_events_y2026m01") && restoredParts.includes("finding_events_y2026m03"), restoredParts.join(" "));
    // and it takes new history
    t.set("2026-03-05T12:00:00Z");
    const r = await restored.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs, source: { name: "programs" } });
    assert.ok(r.changes.reopened > 0);
  } finally {
    await restored.close();
  }
});
