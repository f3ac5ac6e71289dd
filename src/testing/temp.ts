/**
 * @module
 * Temporary folders for tests that clean up after themselves: every folder made here is removed
 * when the test file's process exits (node --test runs each file in its own process), passed
 * or failed, so a test run leaves nothing behind in the system's temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
let hooked = false;

/** A new empty folder under the system's temporary folder, removed at exit. */
export function tempDir(prefix = "ictsguard-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on("exit", removeAll);
  }
  return dir;
}

function removeAll(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a folder a test made unreadable on purpose: nothing more to do at exit
    }
  }
}
