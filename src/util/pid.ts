/**
 * @module
 * Whether a process still runs, to tell a leftover of a killed run (a staging, download or
 * spill folder whose name carries the process id) from one a concurrent run is using.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** True when a process with this id runs (signal 0 only checks; EPERM means it runs as another user). */
export function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process id a leftover's name carries after `prefix` (`<prefix><pid>-...`), or undefined. */
export function pidInName(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const digits = /^(\d+)-/.exec(name.slice(prefix.length))?.[1];
  return digits === undefined ? undefined : Number(digits);
}

/**
 * Removes the folders in `base` named `<prefix><pid>-...` whose process no longer runs (the
 * leftovers of killed runs); a folder of a run alive at this moment is never touched. Returns
 * the paths removed; a missing `base` removes nothing.
 */
export function removeLeftoversOfDeadProcesses(base: string, prefix: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || isRunning(pidInName(name, prefix) ?? NaN)) continue;
    rmSync(join(base, name), { recursive: true, force: true });
    removed.push(join(base, name));
  }
  return removed;
}
