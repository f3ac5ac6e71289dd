/**
 * @module
 * Temporary folders of zip archives that are not files on disk (./archive.ts): named
 * `ictsguard-zip-<pid>-XXXXXX` in the system's temporary folder. A run killed with -9 leaves its
 * folder behind; the next scan removes such leftovers. Only folders that are ours and stale go:
 * the name has our prefix, the folder belongs to this user, and the process id in its name is
 * no longer running (a folder of a scan running at the same time is kept). A folder named in the
 * older form without a process id goes once it is a day old.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning, pidInName } from "../util/pid.js";

export const SPILL_PREFIX = "ictsguard-zip-";
const OLD_FORM_AGE_MS = 24 * 60 * 60 * 1000;

/** Removes leftover spill folders of runs that are gone; returns the paths removed. Never throws. */
export async function cleanStaleSpills(dir: string = tmpdir(), now: number = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(SPILL_PREFIX)) continue;
    const path = join(dir, name);
    try {
      const s = await stat(path);
      if (!s.isDirectory() || (process.getuid && s.uid !== process.getuid())) continue;
      const pid = pidInName(name, SPILL_PREFIX);
      const stale = pid !== undefined ? !isRunning(pid) : now - s.mtimeMs > OLD_FORM_AGE_MS;
      if (!stale) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove: left alone
    }
  }
  return removed;
}

