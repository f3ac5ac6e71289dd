/**
 * @module
 * What a killed run (kill -9, a power cut) left behind is removed at the start of the next
 * `scan` and `catalog update`: catalog staging folders and download folders under
 * ICTSGUARD_HOME, and zip spill folders in the system's temporary folder. Each carries the
 * process id of the run that made it; only those whose process no longer runs, and (spills)
 * that belong to this user, are removed, so a run going on at the same time keeps its own.
 */
import { cleanStaleStaging } from "../catalog/install-paths.js";
import { cleanStaleDownloads } from "../catalog/tuf/downloads.js";
import { cleanStaleSpills } from "../scan/spill.js";
import { ictsguardHome } from "../util/home.js";

/** Removes stale leftovers of killed runs; never fails a command (what cannot be removed stays). */
export async function cleanLeftovers(home: string = ictsguardHome()): Promise<string[]> {
  const removed: string[] = [];
  try {
    removed.push(...cleanStaleStaging(home), ...cleanStaleDownloads(home));
  } catch {
    // a folder we may not touch: left as it is
  }
  removed.push(...(await cleanStaleSpills()));
  return removed;
}
