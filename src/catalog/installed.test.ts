import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { catalogVersion, dayOffset } from "../testing/tuf.js";
import { activeInstallDir, createStaging, loadInstalledCatalog } from "./installed.js";
import { catalogHome } from "./install-paths.js";
import { publishRepository } from "./tuf/publish.js";
import { updateCatalog } from "./tuf/update.js";
import { tempDir } from "../testing/temp.js";

describe("installs under ICTSGUARD_HOME", () => {
  let dir: string;
  let repo: string;
  let root1: string;
  before(async () => {
    dir = tempDir("ictsguard-installed-");
    repo = join(dir, "repo");
    for (const [i, d] of [[1, -3], [2, -2], [3, -1]] as const) {
      await publishRepository({ catalogDir: catalogVersion(`${dayOffset(d)}.${i}`, dayOffset(d), dir), keysDir: join(dir, "keys"), outDir: repo });
      cpSync(repo, join(dir, `repo-${i}`), { recursive: true }); // the repository as it was after each publication
    }
    root1 = join(dir, "repo-1", "metadata", "1.root.json");
  });
  const update = (home: string, from: string) => updateCatalog({ from, trustedRoot: root1, home });
  const installs = (home: string) => readdirSync(join(catalogHome(home), "installs")).sort();

  it("keeps the active install and the previous one, and removes older ones", async () => {
    const home = join(dir, "home-prune");
    const a = await update(home, join(dir, "repo-1"));
    const first = activeInstallDir(home)!.id;
    await update(home, join(dir, "repo-2"));
    const second = activeInstallDir(home)!.id;
    await update(home, join(dir, "repo-3"));
    const third = activeInstallDir(home)!.id;
    assert.deepEqual(installs(home), [second, third].sort());
    assert.ok(!installs(home).includes(first));
    assert.equal((await loadInstalledCatalog(home))!.catalog.version, `${dayOffset(-1)}.3`);
    assert.equal(a.record.version, `${dayOffset(-3)}.1`);
  });

  it("a failed update leaves no staging folder and the pointer unchanged", async () => {
    const home = join(dir, "home-fail");
    await update(home, join(dir, "repo-1"));
    const pointer = readFileSync(join(catalogHome(home), "active.json"), "utf8");
    await assert.rejects(updateCatalog({ from: join(dir, "repo-3"), trustedRoot: join(dir, "nope.json"), home }), /cannot read --trusted-root/);
    // a repository whose timestamp is missing: tuf-js fails mid-update
    const broken = join(dir, "repo-broken");
    cpSync(join(dir, "repo-3"), broken, { recursive: true });
    renameSync(join(broken, "metadata", "timestamp.json"), join(broken, "metadata", "timestamp.old"));
    await assert.rejects(update(home, broken), /timestamp\.json not found/);
    assert.equal(readFileSync(join(catalogHome(home), "active.json"), "utf8"), pointer);
    assert.deepEqual(installs(home).filter((n) => n.startsWith(".staging-")), []);
    assert.equal((await loadInstalledCatalog(home))!.catalog.version, `${dayOffset(-3)}.1`);
  });

  it("an update interrupted before the pointer moved leaves the old catalog active; its leftovers go later", async () => {
    const home = join(dir, "home-crash");
    await update(home, join(dir, "repo-1"));
    const active = activeInstallDir(home)!;
    // A crash mid-download (kill -9) leaves a staging folder behind, named with the process id of
    // an update that no longer runs (a child process that has exited stands for it).
    const made = createStaging(home);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const leftover = made.replace(`.staging-${process.pid}-`, `.staging-${dead}-`);
    renameSync(made, leftover);
    assert.equal((await loadInstalledCatalog(home))!.dir, active.dir, "staging folders are never active");
    const running = createStaging(home); // one of an update running right now (this process)
    await update(home, join(dir, "repo-2"));
    assert.equal(existsSync(leftover), false, "a staging folder whose process is gone is removed");
    assert.equal(existsSync(running), true, "a running update's staging folder is left alone");
  });
});
