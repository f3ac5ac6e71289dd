/**
 * End-to-end tests of catalog updates from a folder (a copy of the repository carried to an
 * air-gapped network), of the config keys for updates, and of stale catalogs: warnings in
 * scans and reports, `--require-fresh` failures. Catalog ages are set through the catalogs'
 * own dates, never by waiting.
 */
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { catalogVersion, dayOffset } from "../src/testing/tuf.js";
import { cli, closeWorlds, FLEET, installed, scanReport, status, world, type Status, type World } from "../src/testing/tuf-world.js";
import { tempDir } from "../src/testing/temp.js";

after(closeWorlds);

describe("catalog update from a folder (air-gapped)", () => {
  it("installs from a copy of the repository with the same checks, and refuses a tampered copy", async () => {
    const w = await world();
    const media = join(w.dir, "usb-stick");
    cpSync(w.repo, media, { recursive: true });
    const r = await cli(["catalog", "update", "--from", media, "--trusted-root", w.root1], w.home);
    assert.equal(r.code, 0, r.stderr);
    const s = await status(w.home);
    assert.equal(s.origin.kind, "installed");
    assert.equal(s.origin.source, media);
    assert.equal(s.version, `${dayOffset(-1)}.1`);

    // A newer publication carried over, with its bundle altered on the way.
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    const media2 = join(w.dir, "usb-stick-2");
    cpSync(w.repo, media2, { recursive: true });
    const targetsDir = join(media2, "targets", "catalog");
    const bundle = join(targetsDir, readdirSync(targetsDir).find((f) => f.includes(`${dayOffset(0)}.2`))!);
    writeFileSync(bundle, readFileSync(bundle, "utf8").replace("Kaspersky", "Kaspersxy"));
    const bad = await cli(["catalog", "update", "--from", media2, "--trusted-root", w.root1], w.home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /altered after signing/);
    assert.equal((await status(w.home)).version, `${dayOffset(-1)}.1`);

    // The intact copy installs; a folder that is no repository is a clear error.
    const good = await cli(["catalog", "update", "--from", w.repo, "--trusted-root", w.root1], w.home);
    assert.equal(good.code, 0, good.stderr);
    assert.equal((await status(w.home)).version, `${dayOffset(0)}.2`);
    const none = await cli(["catalog", "update", "--from", w.dir + "/nowhere", "--trusted-root", w.root1], w.home);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /is not a catalog repository: it has no metadata\/ folder/);
  });

  it("takes the repository and the trusted root from the config", async () => {
    const w = await world();
    const cwd = tempDir("ictsguard-cfg-");
    writeFileSync(join(cwd, "ictsguard.yaml"), `updateUrl: ${w.repo}\ntrustedRoot: ${w.root1}\ncatalogMaxAgeDays: 5\n`);
    const r = await cli(["catalog", "update"], w.home, cwd);
    assert.equal(r.code, 0, r.stderr);
    const s = await cli(["catalog", "status", "-o", "json"], w.home, cwd);
    const body = JSON.parse(s.stdout) as Status & { maxAgeDays: number };
    assert.equal(body.origin.source, w.repo);
    assert.equal(body.maxAgeDays, 5);

    const none = await cli(["catalog", "update"], w.home);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no repository to update from: pass --from URL\|DIR or set updateUrl/);
  });
});

describe("stale catalogs", () => {
  let w: World;
  before(async () => {
    w = await world({ version: "2020.01.01", date: "2020-01-01" });
    const r = await w.update();
    assert.equal(r.code, 0, r.stderr);
  });

  it("catalog status shows the age and STALE; --require-fresh exits 2", async () => {
    const r = await cli(["catalog", "status"], w.home);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /catalog\s+2020\.01\.01 \(2020-01-01\)/);
    assert.match(r.stdout, /age\s+\d+ days \(maximum 30\): STALE/);
    assert.match(r.stdout, new RegExp(`origin\\s+installed from ${w.server.url}`));
    const strict = await cli(["catalog", "status", "--require-fresh"], w.home);
    assert.equal(strict.code, 2);
  });

  it("a scan warns on stderr and in the report; --quiet keeps stderr empty", async () => {
    const { code, doc, stderr } = await scanReport(w.home);
    assert.equal(code, 1, "findings, not an error: a stale catalog only warns");
    assert.match(stderr, /warning: .*bundle\.json: catalog 2020\.01\.01 \(2020-01-01\) is \d+ days old; the maximum is 30 .*ictsguard catalog update/);
    const warning = doc.errors.find((e) => e.code === "catalog/stale");
    assert.equal(warning?.severity, "warning");
    assert.equal(doc.catalog.stale, true);
    assert.ok((doc.catalog.ageDays ?? 0) > 30);
    assert.equal(doc.summary.errors, 0);
    const quiet = await scanReport(w.home, ["--quiet"]);
    assert.equal(quiet.stderr, "");
    const table = await cli(["scan", FLEET, "-o", "table", "--as-of", "2025-01-01"], w.home);
    assert.match(table.stdout, /warning: catalog 2020\.01\.01 \(2020-01-01\) is \d+ days old/);
    assert.match(table.stdout, new RegExp(`catalog 2020\\.01\\.01 \\(installed, sha256:${doc.catalog.digest.slice(0, 12)}, stale\\) · profile business`));
  });

  it("scan --require-fresh fails with exit 2 and says why", async () => {
    const r = await cli(["scan", FLEET, "-o", "json", "--require-fresh"], w.home);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /--require-fresh: catalog 2020\.01\.01 \(2020-01-01\) is \d+ days old; the maximum is 30/);
  });

  it("check warns on a stale catalog, and --require-fresh fails it with exit 2", async () => {
    const args = ["check", "--role", "business", "--action", "buy", "--product", "Kaspersky Endpoint Security", "--date", "2025-01-01", "-o", "json"];
    const warned = await cli(args, w.home);
    assert.equal(warned.code, 1, warned.stderr);
    assert.match(warned.stderr, /warning: .*bundle\.json: catalog 2020\.01\.01 \(2020-01-01\) is \d+ days old/);
    assert.equal((JSON.parse(warned.stdout) as { catalogVersion: string }).catalogVersion, "2020.01.01");
    const strict = await cli([...args, "--require-fresh"], w.home);
    assert.equal(strict.code, 2);
    assert.equal(strict.stdout, "");
    assert.match(strict.stderr, /--require-fresh: catalog 2020\.01\.01 \(2020-01-01\) is \d+ days old; the maximum is 30/);
  });

  it("a fresh catalog passes --require-fresh", async () => {
    const fresh = await installed();
    const r = await cli(["scan", FLEET, "-o", "json", "--quiet", "--require-fresh", "--as-of", "2025-01-01"], fresh.home);
    assert.equal(r.code, 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as ReportDocument).catalog.stale, false);
  });
});

describe("catalog publish (the maintainers' command) feeding an air-gapped update", () => {
  it("creates keys and a repository, rotates the root, re-signs the timestamp; a client installs each from a copy", async () => {
    const dir = tempDir("ictsguard-publish-cli-");
    const home = join(dir, "home");
    const keys = join(dir, "keys");
    const repo = join(dir, "repo");
    const catalogDir = catalogVersion(`${dayOffset(0)}.1`, dayOffset(0), dir);

    const first = await cli(["catalog", "publish", "--keys", keys, "--out", repo, "--catalog", catalogDir, "--threshold", "2", "--threshold", "timestamp=1", "--expires", "timestamp=3"], home);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /created repository .*: root v1 \(new\), targets v1, snapshot v1, timestamp v1/);
    assert.match(first.stdout, new RegExp(`target catalog/ictsguard-catalog-${dayOffset(0)}\\.1\\.json: catalog ${dayOffset(0)}\\.1`));
    assert.equal((first.stdout.match(/^new root key /gm) ?? []).length, 2);
    assert.equal((first.stdout.match(/^new timestamp key /gm) ?? []).length, 1);
    assert.match(first.stdout, new RegExp(`timestamp ${dayOffset(3)}T`));
    const root1 = join(dir, "root-v1.json");
    cpSync(join(repo, "metadata", "1.root.json"), root1);

    const media = join(dir, "media-1");
    cpSync(repo, media, { recursive: true });
    const u1 = await cli(["catalog", "update", "--from", media, "--trusted-root", root1, "-o", "json"], home);
    assert.equal(u1.code, 0, u1.stderr);
    const j1 = JSON.parse(u1.stdout) as { ok: boolean; outcome: string; installed: { tuf: { root: number } } };
    assert.deepEqual([j1.ok, j1.outcome, j1.installed.tuf.root], [true, "installed", 1]);

    const rotated = await cli(["catalog", "publish", "--keys", keys, "--out", repo, "--catalog", catalogDir, "--rotate-root", "-o", "json"], home);
    assert.equal(rotated.code, 0, rotated.stderr);
    const r = JSON.parse(rotated.stdout) as { versions: { root: number }; keysRetired: { role: string }[]; keysCreated: { role: string }[] };
    assert.equal(r.versions.root, 2);
    assert.deepEqual(r.keysRetired.map((k) => k.role), ["root", "root"]);
    assert.deepEqual(r.keysCreated.map((k) => k.role), ["root", "root"]);
    const ts = await cli(["catalog", "publish", "--keys", keys, "--out", repo, "--timestamp-only"], home);
    assert.equal(ts.code, 0, ts.stderr);
    assert.match(ts.stdout, /root v2, targets v2, snapshot v2, timestamp v3/);

    const media2 = join(dir, "media-2");
    cpSync(repo, media2, { recursive: true });
    const u2 = await cli(["catalog", "update", "--from", media2, "--trusted-root", root1], home);
    assert.equal(u2.code, 0, u2.stderr);
    assert.match(u2.stdout, /is current; trusted metadata refreshed/);
    assert.match(u2.stdout, /verified: root v2, targets v2, snapshot v2, timestamp v3/);

    for (const bad of [["--expires", "timestamp"], ["--threshold", "root=0"], ["--rotate-keys", "mirror"]]) {
      const u = await cli(["catalog", "publish", "--keys", keys, "--out", repo, ...bad], home);
      assert.equal(u.code, 2, bad.join(" "));
      assert.match(u.stderr, /--expires: expected role=days|--threshold: "0" is not a whole number|--rotate-keys: unknown role "mirror"/);
    }
  });
});
