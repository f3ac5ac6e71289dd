/**
 * @module
 * The world of the update tests: a publisher (keys, repository, catalog versions), a client
 * (its own ICTSGUARD_HOME) and a real HTTP server on 127.0.0.1 between them, and the commands a
 * user runs, run as child processes without blocking the server.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { resolveActiveCatalog } from "../catalog/active.js";
import { publishRepository, type PublishOptions } from "../catalog/tuf/publish.js";
import { updateCatalog } from "../catalog/tuf/update.js";
import type { ReportDocument } from "../model/finding.js";
import { repoPath } from "./index.js";
import { catalogVersion, dayOffset, serveDirectory, type Served } from "./tuf.js";
import { tempDir } from "./temp.js";

export const BIN = repoPath("bin/ictsguard.js");
export const FLEET = repoPath("examples/fleet/windows-software.csv");

export type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI without blocking this process (the HTTP server lives here). */
export function cli(args: string[], home: string, cwd: string = tempDir("ictsguard-cwd-")): Promise<Run> {
  return new Promise((ok) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ICTSGUARD_HOME: home, NO_COLOR: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : -1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}

export type Status = { version: string; date: string; digest: string; origin: { kind: string; source?: string; path: string }; stale: boolean; ageDays: number };

export async function status(home: string): Promise<Status> {
  const r = await cli(["catalog", "status", "-o", "json"], home);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Status;
}

export async function scanReport(home: string, extra: string[] = []): Promise<{ code: number; doc: ReportDocument; stderr: string }> {
  const r = await cli(["scan", FLEET, "-o", "json", "--as-of", "2025-01-01", ...extra], home);
  assert.ok(r.stdout.startsWith("{"), `no report: ${r.stdout.slice(0, 200)} ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as ReportDocument, stderr: r.stderr };
}

/** A publisher (keys, repository, catalog versions), a client home, and the server. */
export type World = {
  dir: string;
  keys: string;
  repo: string;
  home: string;
  root1: string;
  server: Served;
  publish(version: string, date: string, extra?: Partial<PublishOptions>): Promise<void>;
  update(extra?: string[]): Promise<Run>;
};

const servers: Served[] = [];

/** Serves `dir` on 127.0.0.1 until {@link closeWorlds}. */
export async function serve(dir: string): Promise<Served> {
  const server = await serveDirectory(dir);
  servers.push(server);
  return server;
}

export async function world(first: { version: string; date: string } = { version: `${dayOffset(-1)}.1`, date: dayOffset(-1) }, extra: Partial<PublishOptions> = {}): Promise<World> {
  const dir = tempDir("ictsguard-tuf-");
  const keys = join(dir, "keys");
  const repo = join(dir, "repo");
  const publish = async (version: string, date: string, more: Partial<PublishOptions> = {}) => {
    await publishRepository({ catalogDir: catalogVersion(version, date, dir), keysDir: keys, outDir: repo, ...more });
  };
  await publish(first.version, first.date, extra);
  const root1 = join(dir, "1.root.json");
  cpSync(join(repo, "metadata", "1.root.json"), root1); // what the client was given, out of band
  const server = await serve(repo);
  const w: World = {
    dir,
    keys,
    repo,
    home: join(dir, "home"),
    root1,
    server,
    publish,
    update: (more = []) => cli(["catalog", "update", "--from", server.url, "--trusted-root", root1, ...more], w.home),
  };
  return w;
}

/**
 * A world whose client has installed the first catalog. (Installed in-process, by the same
 * function the command calls, to keep the suite quick; the commands under test run as a user
 * runs them.)
 */
export async function installed(extra: Partial<PublishOptions> = {}): Promise<World & { v1: Status }> {
  const w = await world(undefined, extra);
  await updateCatalog({ from: w.server.url, trustedRoot: w.root1, home: w.home });
  const a = await resolveActiveCatalog({ home: w.home });
  assert.equal(a.origin.kind, "installed");
  const v1: Status = { version: a.catalog.version, date: a.catalog.date, digest: a.catalog.digest, origin: a.origin, stale: a.stale, ageDays: a.freshness.ageDays };
  return { ...w, v1 };
}

/** The previous catalog is still the one in use: status and a scan say so. */
export async function assertStillV1(w: World & { v1: Status }): Promise<void> {
  const s = await status(w.home);
  assert.equal(s.version, w.v1.version);
  assert.equal(s.digest, w.v1.digest);
  assert.equal(s.origin.kind, "installed");
  const { doc } = await scanReport(w.home, ["--quiet"]);
  assert.equal(doc.catalog.version, w.v1.version);
  assert.equal(doc.catalog.digest, w.v1.digest);
}

/** Closes every server the worlds started (call it from `after`); closing twice is harmless. */
export async function closeWorlds(): Promise<void> {
  for (const s of servers.splice(0)) await s.close();
}

