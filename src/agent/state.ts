/**
 * @module
 * The agent's state folder (default ICTSGUARD_HOME/agent, 0700): `agent.json` (0600) holds the
 * server, the site and the agent's credential; `spool/` holds the uploads not yet answered 2xx,
 * one gzip'd JSON file each, written under a temporary name and renamed (never seen half-written),
 * sent oldest first and deleted after the server's 2xx; `spool/rejected/` keeps uploads the
 * server refused for good (4xx), so one bad upload never blocks the others. spool-cap.ts keeps
 * the spool within its cap.
 */
import { readdirSync, readFileSync, renameSync, rmSync, mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ictsguardHome } from "../util/home.js";
import { privateDir, writePrivateFileAtomic } from "../util/private-fs.js";

export type AgentState = {
  version: 1;
  server: string;
  site: string;
  agentId: string;
  hostId: string;
  credential: string;
  enrolledAt: string;
};

export type SpooledUpload = {
  version: 1;
  uploadId: string;
  collectedAt: string;
  facts: { machineId: string | null; hostname: string; os?: string };
  observations: unknown[];
  issues: number;
};

export const defaultStateDir = (env: NodeJS.ProcessEnv = process.env): string => join(ictsguardHome(env), "agent");

export class AgentStateError extends Error {
  override name = "AgentStateError";
}

export function readState(dir: string): AgentState {
  const path = join(dir, "agent.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new AgentStateError(`${path}: not enrolled; run ictsguard agent enroll --server URL --token T${dir === defaultStateDir() ? "" : ` --state-dir ${dir}`}`);
  }
  const state = JSON.parse(text) as AgentState;
  if (state.version !== 1 || typeof state.credential !== "string" || typeof state.server !== "string") throw new AgentStateError(`${path}: not an agent state file of version 1`);
  return state;
}

export function writeState(dir: string, state: AgentState): void {
  privateDir(dir);
  writePrivateFileAtomic(join(dir, "agent.json"), `${JSON.stringify(state, null, 2)}\n`);
}

const spoolDir = (dir: string): string => join(dir, "spool");

/** Writes one upload to the spool (gzip'd JSON, atomically); answers its path. Names sort oldest first. */
export function spoolUpload(dir: string, upload: SpooledUpload): string {
  privateDir(dir, spoolDir(dir));
  const name = `${upload.collectedAt.replace(/[-:.]/g, "")}-${upload.uploadId}.json.gz`;
  const path = join(spoolDir(dir), name);
  writePrivateFileAtomic(path, gzipSync(JSON.stringify(upload)));
  return path;
}

/** The spooled uploads, oldest first (temporary files of a write cut short are left out). */
export function spooled(dir: string): string[] {
  const spool = spoolDir(dir);
  if (!existsSync(spool)) return [];
  return readdirSync(spool, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json.gz"))
    .map((e) => e.name)
    .sort()
    .map((n) => join(spool, n));
}

export function deleteSpooled(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Refused uploads kept in `spool/rejected/`: the newest ten. They are there for a person to look
 * at, and a server that refuses every collection (a site removed, a proxy answering 400) would
 * otherwise fill the disk one collection per interval, outside the spool's cap.
 */
export const REJECTED_KEPT = 10;

/** Moves a refused upload aside (kept for a person to look at), then drops the oldest refused ones over {@link REJECTED_KEPT}. */
export function rejectSpooled(dir: string, path: string): string {
  const rejected = join(spoolDir(dir), "rejected");
  mkdirSync(rejected, { recursive: true, mode: 0o700 });
  const to = join(rejected, path.split(/[\\/]/).pop()!);
  renameSync(path, to);
  const kept = readdirSync(rejected, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json.gz"))
    .map((e) => e.name)
    .sort();
  for (const name of kept.slice(0, Math.max(0, kept.length - REJECTED_KEPT))) rmSync(join(rejected, name), { force: true });
  return to;
}
