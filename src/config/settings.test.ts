/**
 * @module
 * Tests of settings resolution: defaults from one place, the config file over them, flags over
 * the config; the catalog resolved as scan resolves it (an installed signed update under
 * ICTSGUARD_HOME is used by scan, check and screen alike); --require-fresh; the output format.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { defaultCatalogDir, loadCatalogOrThrow } from "../catalog/load.js";
import { publishRepository } from "../catalog/tuf/publish.js";
import { updateCatalog } from "../catalog/tuf/update.js";
import { IctsError } from "../model/errors.js";
import { catalogVersion, dayOffset } from "../testing/tuf.js";
import { DEFAULTS } from "./defaults.js";
import { loadActiveCatalog, resolveSettings } from "./settings.js";
import { tempDir } from "../testing/temp.js";

const dir = tempDir("ictsguard-settings-");
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A working directory with this config file (or none), and an empty ICTSGUARD_HOME. */
function place(config?: string): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = join(dir, `cwd-${++n}`);
  mkdirSync(cwd);
  if (config !== undefined) writeFileSync(join(cwd, "ictsguard.yaml"), config);
  return { cwd, env: { ICTSGUARD_HOME: join(dir, `home-${n}`) } };
}

describe("resolveSettings", () => {
  it("applies the defaults with no flags and no config: business, deadline for scan, review for check, JSON when piped", async () => {
    const scan = await resolveSettings("scan", {}, { ...place(), stdoutIsTTY: false, now: new Date("2026-12-05T12:00:00Z") });
    assert.equal(scan.profile, DEFAULTS.profile);
    assert.equal(scan.profile, "business");
    assert.equal(scan.profileGiven, false);
    assert.equal(scan.failOn, "deadline");
    assert.deepEqual(scan.output, { format: "json", toFile: false, color: false });
    assert.equal(scan.date, "2026-12-05");
    assert.deepEqual(scan.asOf(), { date: "2026-12-05" });
    assert.deepEqual(scan.exceptions, []);
    assert.equal(scan.active.origin.kind, "bundled");
    assert.equal(scan.screen, undefined);
    const check = await resolveSettings("check", {}, { ...place(), stdoutIsTTY: false });
    assert.equal(check.failOn, "review");
  });

  it("gives a table with colours on a terminal, without colours under NO_COLOR or --no-color, and JSON into a file", async () => {
    const p = place();
    assert.deepEqual((await resolveSettings("scan", {}, { ...p, stdoutIsTTY: true })).output, { format: "table", toFile: false, color: true });
    assert.deepEqual((await resolveSettings("scan", {}, { ...p, env: { ...p.env, NO_COLOR: "1" }, stdoutIsTTY: true })).output.color, false);
    assert.deepEqual((await resolveSettings("scan", { color: false }, { ...p, stdoutIsTTY: true })).output.color, false);
    assert.deepEqual((await resolveSettings("scan", { outputFile: "r.json" }, { ...p, stdoutIsTTY: true })).output, { format: "json", toFile: true, color: false });
  });

  it("takes the config file over the defaults and the flags over the config", async () => {
    const p = place("profile: federal-contractor\nfailOn: prohibited\noutput: sarif\nscreen:\n  threshold: 0.8\n  lists: [catalog]\n");
    const fromConfig = await resolveSettings("scan", {}, { ...p, stdoutIsTTY: true });
    assert.deepEqual([fromConfig.profile, fromConfig.profileGiven, fromConfig.failOn, fromConfig.output.format], ["federal-contractor", true, "prohibited", "sarif"]);
    assert.equal(fromConfig.configPath, join(p.cwd, "ictsguard.yaml"));
    const fromFlags = await resolveSettings("scan", { profile: "reseller", failOn: "none", output: "csv", asOf: "2024-09-29" }, p);
    assert.deepEqual([fromFlags.profile, fromFlags.failOn, fromFlags.output.format, fromFlags.asOf().date], ["reseller", "none", "csv", "2024-09-29"]);
    // the config's output and failOn are scan settings: check keeps its own defaults
    const check = await resolveSettings("check", {}, { ...p, stdoutIsTTY: false });
    assert.deepEqual([check.failOn, check.output.format, check.profile], ["review", "json", "federal-contractor"]);
    const screen = await resolveSettings("screen", {}, p);
    assert.deepEqual(screen.screen, { threshold: 0.8, candidates: DEFAULTS.screen.candidates, minScore: DEFAULTS.screen.minScore, lists: ["catalog"], allow: [] });
    const screenFlags = await resolveSettings("screen", { threshold: "0.6", candidates: "5", minScore: "0.7", lists: ["ofac-sdn"] }, p);
    assert.deepEqual(screenFlags.screen, { threshold: 0.6, candidates: 5, minScore: 0.6, lists: ["ofac-sdn"], allow: [] });
  });

  it("rejects a bad threshold, candidate count or date with a usage error", async () => {
    const p = place();
    await assert.rejects(resolveSettings("screen", { threshold: "2" }, p), (e: unknown) => e instanceof IctsError && /--threshold must be a number from 0 to 1, got "2"/.test(e.message));
    await assert.rejects(resolveSettings("screen", { candidates: "0" }, p), /--candidates must be a whole number of at least 1, got "0"/);
    const s = await resolveSettings("scan", { asOf: "2024-02-30" }, p);
    assert.throws(() => s.asOf(), /invalid date "2024-02-30"/);
  });

  it("fails --require-fresh on a stale catalog, and only warns without it", async () => {
    const old = catalogVersion("old.1", "2020-01-01", dir);
    const p = place();
    const warned = await resolveSettings("scan", { catalog: old }, p);
    assert.equal(warned.active.stale, true);
    assert.deepEqual(warned.active.warnings.map((w) => w.code), ["catalog/stale"]);
    await assert.rejects(resolveSettings("scan", { catalog: old, requireFresh: true }, p), (e: unknown) => e instanceof IctsError && e.code === "catalog/stale" && /^--require-fresh: catalog old\.1 \(2020-01-01\) is \d+ days old/.test(e.message));
  });
});

describe("the installed signed catalog", () => {
  const version = `${dayOffset(0)}.77`;
  let home: string;
  let digest: string;
  before(async () => {
    const repo = join(dir, "repo");
    await publishRepository({ catalogDir: catalogVersion(version, dayOffset(0), dir), keysDir: join(dir, "keys"), outDir: repo });
    home = join(dir, "installed-home");
    digest = (await updateCatalog({ from: repo, trustedRoot: join(repo, "metadata", "1.root.json"), home })).record.digest;
  });

  for (const command of ["scan", "check", "screen"] as const) {
    it(`is the catalog ${command} uses`, async () => {
      const s = await resolveSettings(command, {}, { cwd: place().cwd, env: { ICTSGUARD_HOME: home } });
      assert.equal(s.active.origin.kind, "installed");
      assert.equal(s.catalog.version, version);
      assert.equal(s.catalog.digest, digest);
    });
  }

  it("is what loadActiveCatalog returns, unless a folder is named", async () => {
    const cwd = place().cwd;
    const active = await loadActiveCatalog({ cwd, env: { ICTSGUARD_HOME: home } });
    assert.deepEqual([active.version, active.digest], [version, digest]);
    const named = await loadActiveCatalog({ cwd, env: { ICTSGUARD_HOME: home }, catalog: defaultCatalogDir() });
    assert.equal(named.digest, (await loadCatalogOrThrow()).digest);
    assert.notEqual(named.digest, digest);
  });
});
