/**
 * @module
 * Where ictsguard keeps its own state on this machine: the installed catalog and its trusted
 * update metadata, imported screening lists, decision logs. `ICTSGUARD_HOME` sets it (tests and
 * scripts point it at a temporary folder); the default is `~/.ictsguard`.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The state folder, absolute. It is not created here: each user of it creates its own part. */
export function ictsguardHome(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.ICTSGUARD_HOME?.trim();
  return set ? resolve(set) : join(homedir(), ".ictsguard");
}
