import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { catalogVersion, dayOffset } from "../testing/tuf.js";
import { resolveActiveCatalog } from "./active.js";
import { activeInstallDir } from "./installed.js";
import { BUNDLE_FILE } from "./install-paths.js";
import { defaultCatalogDir } from "./load.js";
import { publishRepository } from "./tuf/publish.js";
import { updateCatalog } from "./tuf/update.js";
import { tempDir } from "../testing/temp.js";

describe("the active catalog", () => {
  let dir: string;
  let repo: string;
  const version = `${dayOffset(0)}.9`;
  before(async () => {
    dir = tempDir("ictsguard-active-");
    repo = join(dir, "repo");
    await publishRepository({ catalogDir: catalogVersion(version, dayOffset(0), dir), keysDir: join(dir, "keys"), outDir: repo });
  });
  const install = async (home: string) => updateCatalog({ from: repo, trustedRoot: join(repo, "metadata", "1.root.json"), home });

  it("is the bundled catalog when nothing is installed", async () => {
    const a = await resolveActiveCatalog({ home: join(dir, "empty-home") });
    assert.equal(a.origin.kind, "bundled");
    assert.equal(a.origin.path, defaultCatalogDir());
    assert.equal(a.catalog.version, "2026.12.07.1");
    assert.equal(a.install, undefined);
  });

  it("is the installed catalog once one is installed, with where and when it came from", async () => {
    const home = join(dir, "home-1");
    const result = await install(home);
    const a = await resolveActiveCatalog({ home });
    assert.equal(a.origin.kind, "installed");
    assert.equal(a.catalog.version, version);
    assert.equal(a.catalog.digest, result.record.digest);
    assert.equal(a.origin.source, repo);
    assert.equal(a.origin.installedAt, result.record.installedAt);
    assert.equal(a.origin.path, join(activeInstallDir(home)!.dir, BUNDLE_FILE));
    assert.equal(a.stale, false);
    assert.deepEqual(a.warnings, []);
  });

  it("is the --catalog folder, then the config's catalog:, over an installed one", async () => {
    const home = join(dir, "home-2");
    await install(home);
    const other = catalogVersion("flag.1", dayOffset(0), dir);
    const byFlag = await resolveActiveCatalog({ home, flag: other, config: { catalog: defaultCatalogDir() } });
    assert.deepEqual([byFlag.origin.kind, byFlag.origin.source, byFlag.catalog.version], ["flag", "--catalog", "flag.1"]);
    const byConfig = await resolveActiveCatalog({ home, config: { catalog: other } });
    assert.deepEqual([byConfig.origin.kind, byConfig.origin.source], ["flag", "config"]);
  });

  it("falls back to the bundled catalog, with a warning naming the file, when the install was altered", async () => {
    const home = join(dir, "home-3");
    await install(home);
    const bundle = join(activeInstallDir(home)!.dir, BUNDLE_FILE);
    writeFileSync(bundle, readFileSync(bundle, "utf8").replace("Kaspersky", "Kaspersxy"));
    const a = await resolveActiveCatalog({ home });
    assert.equal(a.origin.kind, "bundled");
    const w = a.warnings.find((x) => x.code === "catalog/installed-unusable");
    assert.ok(w, JSON.stringify(a.warnings));
    assert.equal(w.severity, "warning");
    assert.equal(w.source.file, bundle);
    assert.match(w.message, /is not the [0-9a-f]{64} it was installed with: the file was changed/);
  });

  it("refuses an install whose signed metadata no longer vouches for the bundle", async () => {
    const home = join(dir, "home-4");
    const { record } = await install(home);
    const installDir = activeInstallDir(home)!.dir;
    // Someone edits the bundle (here: only a trailing space) and the install record to match;
    // the signed targets metadata still lists the original hash.
    const recordPath = join(installDir, "install.json");
    const bundlePath = join(installDir, BUNDLE_FILE);
    const altered = readFileSync(bundlePath, "utf8") + " ";
    writeFileSync(bundlePath, altered);
    const sha = createHash("sha256").update(altered).digest("hex");
    writeFileSync(recordPath, JSON.stringify({ ...record, target: { ...record.target, sha256: sha, length: Buffer.byteLength(altered) } }));
    const a = await resolveActiveCatalog({ home });
    assert.equal(a.origin.kind, "bundled");
    assert.match(a.warnings[0]!.message, /the installed TUF metadata does not vouch for the bundle/);
  });

  it("is stale past catalogMaxAgeDays, with a warning", async () => {
    const old = catalogVersion("old.1", "2020-01-01", dir);
    const a = await resolveActiveCatalog({ flag: old, config: { catalogMaxAgeDays: 10 }, now: new Date("2020-01-12T00:00:00Z") });
    assert.equal(a.stale, true);
    assert.deepEqual(a.freshness, { ageDays: 11, maxAgeDays: 10, stale: true });
    assert.equal(a.warnings[0]!.code, "catalog/stale");
    assert.equal(a.warnings[0]!.source.file, old);
    const fresh = await resolveActiveCatalog({ flag: old, config: { catalogMaxAgeDays: 10 }, now: new Date("2020-01-11T00:00:00Z") });
    assert.equal(fresh.stale, false);
    assert.deepEqual(fresh.warnings, []);
  });
});
