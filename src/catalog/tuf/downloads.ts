/**
 * @module
 * Where the update channel's downloads go, and the removal of a killed update's leftovers. Apart
 * from fetchers.ts so that every command can clean up at start without loading tuf-js.
 */
import { join } from "node:path";
import { removeLeftoversOfDeadProcesses } from "../../util/pid.js";

/** Downloads are written under ICTSGUARD_HOME/tmp, in folders named `tuf-<pid>-XXXXXX`. */
export const DOWNLOAD_PREFIX = "tuf-";

/** Removes download folders under `home/tmp` whose process no longer runs (a killed update's); returns them. */
export function cleanStaleDownloads(home: string): string[] {
  return removeLeftoversOfDeadProcesses(join(home, "tmp"), DOWNLOAD_PREFIX);
}
