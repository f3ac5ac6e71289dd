/**
 * @module
 * Where installed catalog updates live under ICTSGUARD_HOME, and the removal of staging folders
 * killed updates left. Apart from ./installed.ts, which reads and writes installs and checks
 * their records with zod: a command that finds no install (`activePointerFile` is missing) and a
 * start that only cleans leftovers load no zod for it (about 20 ms of a start).
 */
import { join } from "node:path";
import { ictsguardHome } from "../util/home.js";
import { removeLeftoversOfDeadProcesses } from "../util/pid.js";

export const BUNDLE_FILE = "bundle.json";
export const RECORD_FILE = "install.json";
export const TUF_DIR = "tuf";
export const STAGING_PREFIX = ".staging-";

export function catalogHome(home: string = ictsguardHome()): string {
  return join(home, "catalog");
}

export function installsDir(home: string): string {
  return join(catalogHome(home), "installs");
}

/** The file that names the active install; none is installed while it is missing. */
export function activePointerFile(home: string): string {
  return join(catalogHome(home), "active.json");
}

/**
 * Removes staging folders of updates that were killed (kill -9, a power cut): a staging folder's
 * name carries the process id of its update, and one whose process no longer runs is a leftover.
 * A staging folder of an update running at this moment is never touched. Returns what it removed.
 */
export function cleanStaleStaging(home: string = ictsguardHome()): string[] {
  return removeLeftoversOfDeadProcesses(installsDir(home), STAGING_PREFIX);
}
