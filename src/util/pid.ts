/**
 * @module
 * Whether a process still runs, to tell a leftover of a killed run (a staging, download or
 * spill folder whose name carries the process id) from one a concurrent run is using.
 */

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
