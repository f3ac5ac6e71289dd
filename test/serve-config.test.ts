/**
 * `ictsguard serve` reads the config file as the CLI does, so one config gives one answer:
 * - the catalog (`catalog:`, or `--catalog`) it judges with, as `scan` resolves it: a custom
 *   catalog used by `scan` and ignored by the server would judge the same host two ways;
 * - the screening threshold and allow-list of decided false positives, for `POST /api/v1/screen`
 *   and stored counterparties. Without that, a party the compliance team cleared in the config
 *   would be a "match" on the server, and a threshold they lowered to catch more would be ignored
 *   there (fewer matches than the CLI: a wrong "clear").
 *
 * - A real `ictsguard serve` process with `--config`, beside the real CLI on the same config:
 *   the same catalog, the same status for each name, and counterparties get `allowed` with the
 *   entry that decided it.
 * - In process, on SQLite and PostgreSQL with an injected clock: an allow-list entry that expires
 *   makes the standing re-screen record `allowed` → `match`.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ActiveCatalog } from "../src/catalog/active.js";
import { catalogFreshness } from "../src/catalog/freshness.js";
import { clockAt } from "../src/fleet/fleet-suite.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { BACKENDS, api, createTestStore, runCli, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";
import { miniCatalog } from "../src/testing/mini-catalog.js";
import { tempDir } from "../src/testing/temp.js";
import { repoPath } from "../src/testing/index.js";

/** A copy of the bundled catalog under another version: which catalog a process judges with is then plain to see. */
function customCatalog(version: string): string {
  const dir = tempDir("ictsguard-catalog-");
  cpSync(repoPath("catalog"), dir, { recursive: true });
  const meta = join(dir, "catalog.yaml");
  const text = readFileSync(meta, "utf8");
  const next = text.replace(/^  version: ".*"$/m, `  version: "${version}"`);
  assert.notEqual(next, text);
  writeFileSync(meta, next);
  return dir;
}

const ALLOWED = "KASPERSKY LAB, AO";
const MATCHED = "АО Лаборатория Касперского";
/** Scores about 0.85 against Kaspersky: a match at the default threshold (0.75), not at the config's 0.9. */
const BELOW = "Kaspersky Lab Switzerland GmbH";
const CLEAR = "Northwind Traders";

describe("serve judges and screens with the config's catalog, threshold and allow-list, as the CLI does", () => {
  let store: TestStore;
  let serve: ServeProcess;
  let admin: string;
  const cwd = tempDir("ictsguard-cwd-");
  const config = join(cwd, "ictsguard.yaml");

  const catalogDir = customCatalog("2099.01.01-config");

  before(async () => {
    writeFileSync(
      config,
      [
        `catalog: ${JSON.stringify(catalogDir)}`,
        "screen:",
        "  threshold: 0.9",
        "  allow:",
        "    - name: Kaspersky Lab AO",
        "      entity: catalog:*kaspersky*",
        "      reason: Our own test account, ticket COMP-7",
        "      author: compliance@example.org",
        "      expires: 2999-12-31",
        "",
      ].join("\n"),
    );
    store = await createTestStore("sqlite");
    const init = await runCli(["server", "init", "--db", store.db, "-o", "json"], { env: { ICTSGUARD_HOME: store.home } });
    assert.equal(init.code, 0, init.stderr);
    admin = JSON.parse(init.stdout).apiKey;
    serve = await spawnServe(store, ["--config", config, "--no-jobs"]);
  });
  after(async () => {
    await serve?.stop();
    await store?.drop();
  });

  it("judges with the config's catalog, as scan does; --catalog wins over it", async () => {
    const status = await api(serve.url, "/api/v1/catalog", { key: admin });
    assert.equal(status.status, 200);
    assert.equal(status.body.version, "2099.01.01-config");
    assert.deepEqual([status.body.origin.kind, status.body.origin.source, status.body.origin.path], ["flag", "config", catalogDir]);
    const scan = await runCli(["catalog", "list", "-o", "json"], { cwd, env: { ICTSGUARD_HOME: store.home } });
    assert.equal(scan.code, 0, scan.stderr);
    const listed = JSON.parse(scan.stdout);
    assert.deepEqual([listed.version, listed.digest], [status.body.version, status.body.digest], "the CLI in the same folder resolves the same catalog");
    const flagDir = customCatalog("2099.01.02-flag");
    const other = await spawnServe(store, ["--config", config, "--catalog", flagDir, "--no-jobs"]);
    try {
      const s2 = await api(other.url, "/api/v1/catalog", { key: admin });
      assert.deepEqual([s2.body.version, s2.body.origin.source], ["2099.01.02-flag", "--catalog"]);
    } finally {
      await other.stop();
    }
  });

  it("POST /screen gives each name the status `ictsguard screen` gives it with the same config", async () => {
    const names = [ALLOWED, MATCHED, BELOW, CLEAR];
    const r = await api(serve.url, "/api/v1/screen", { key: admin, body: { names: names.map((name) => ({ name })) } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const server = r.body.items.map((i: { status: string }) => i.status);
    const cli = await Promise.all(
      names.map(async (name) => {
        const out = await runCli(["screen", "--name", name, "-o", "json"], { cwd, env: { ICTSGUARD_HOME: store.home } });
        return JSON.parse(out.stdout).results[0].status as string;
      }),
    );
    assert.deepEqual(cli, ["allowed", "match", "clear", "clear"], "the CLI's answer with this config");
    assert.deepEqual(server, cli);
    // without the config the CLI matches BELOW (and the allowed name): the config is what made the difference
    for (const name of [BELOW, ALLOWED]) {
      const bare = await runCli(["screen", "--name", name, "-o", "json"], { env: { ICTSGUARD_HOME: store.home } });
      assert.equal(JSON.parse(bare.stdout).results[0].status, "match", `${name} without the config`);
    }
    const allowed = r.body.items[0].candidates.find((c: { status: string }) => c.status === "allowed");
    assert.equal(allowed.allowedBy.reason, "Our own test account, ticket COMP-7");
    assert.equal(r.body.summary.threshold, 0.9, "the config's threshold, not the default");
  });

  it("a stored counterparty on the allow-list is `allowed`, with the entry that decided it; the others match or are clear", async () => {
    const site = await api(serve.url, "/api/v1/sites", { key: admin, body: { name: "acme", profile: "business" } });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const csv = `name,country,role\n"${ALLOWED}",RU,vendor\n${MATCHED},RU,vendor\n${BELOW},CH,vendor\n${CLEAR},US,customer\n`;
    const r = await api(serve.url, "/api/v1/sites/acme/counterparties", { key: admin, body: csv, headers: { "content-type": "text/csv" } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.byVerdict, { match: 1, allowed: 1, clear: 2 });
    const page = await api(serve.url, "/api/v1/counterparties?site=acme&limit=10", { key: admin });
    const byName = new Map(page.body.items.map((c: { name: string }) => [c.name, c]));
    const allowed = byName.get(ALLOWED) as { verdict: string; matches: { entityId: string; allowedBy?: { reason: string; author: string; expires: string; entry: number; file?: string } }[] };
    assert.equal(allowed.verdict, "allowed");
    assert.ok(allowed.matches.length > 0 && allowed.matches.every((m) => m.allowedBy?.author === "compliance@example.org" && m.allowedBy.entry === 1 && m.allowedBy.file === config));
    assert.match(allowed.matches[0]!.entityId, /kaspersky/);
    assert.equal((byName.get(MATCHED) as { verdict: string }).verdict, "match");
    assert.equal((byName.get(BELOW) as { verdict: string }).verdict, "clear");
    assert.equal((byName.get(CLEAR) as { verdict: string }).verdict, "clear");
  });
});

for (const backend of BACKENDS) {
  describe(`an allow-list entry that expires makes the standing re-screen record the match (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    const t = clockAt("2026-02-01T00:00:00Z");
    const catalog = miniCatalog();
    const active = (): ActiveCatalog => {
      const freshness = catalogFreshness(catalog.date, undefined, t.clock());
      return { catalog, origin: { kind: "flag", path: "(test)" }, stale: freshness.stale, freshness, warnings: [] };
    };

    before(async () => {
      store = await createTestStore(backend, "ictsguard_screen_settings");
      fleet = await openFleet({
        db: store.db,
        home: store.home,
        clock: t.clock,
        catalog: active,
        screen: { allow: [{ name: "Zeta Telecom Co., Ltd.", entity: "catalog:zeta", reason: "the Zeta in Ohio, not the covered one", author: "legal@example.org", expires: "2026-02-10" }] },
      });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
    });
    after(async () => {
      await fleet?.close();
      await store?.drop();
    });

    it("allowed while the entry is in force; `match` after it expires, with the change in the history", async () => {
      const r = await fleet.importCounterparties(LOCAL_ADMIN, { site: "acme", text: 'name,country\n"Zeta Telecom Co., Ltd.",US\n' });
      assert.deepEqual(r.byVerdict, { match: 0, allowed: 1, clear: 0 });
      await fleet.tick(); // nothing changed: no re-screen
      const id = (await fleet.listCounterparties(LOCAL_ADMIN, { site: "acme" })).items[0]!.id;
      assert.equal((await fleet.getCounterparty(LOCAL_ADMIN, id)).verdict, "allowed");
      t.set("2026-02-11T00:00:00Z");
      await fleet.tick();
      await fleet.tick();
      const after = await fleet.getCounterparty(LOCAL_ADMIN, id);
      assert.equal(after.verdict, "match");
      assert.equal(after.matches[0]!.entityId, "zeta");
      assert.equal(after.matches[0]!.allowedBy, undefined);
      assert.deepEqual(after.history.map((h) => `${h.cause}:${h.previous}->${h.verdict}`), ["import:null->allowed", "rescreen:allowed->match"]);
    });
  });
}
