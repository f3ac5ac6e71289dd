/**
 * @module
 * State under ICTSGUARD_HOME (the installed catalog and its TUF metadata, imported lists,
 * decision logs) is private to its user, whatever the umask: folders 0700, files 0600, set
 * explicitly after creation (a umask only removes bits, and a library such as tuf-js writes its
 * files with the default 0666 & ~umask, so what it wrote is locked down with `lockDown`).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `path` (and the folders between `root` and it) as 0700 folders; `root` is made 0700 too. */
export function privateDir(root: string, path: string = root): string {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(root, PRIVATE_DIR_MODE);
  const rel = relative(root, path);
  if (rel && !rel.startsWith("..")) {
    let at = root;
    for (const part of rel.split(sep)) {
      at = join(at, part);
      chmodSync(at, PRIVATE_DIR_MODE);
    }
  }
  return path;
}

/** Writes a 0600 file through a temporary name and a rename, so it is never seen half-written. */
export function writePrivateFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writePrivateFile(tmp, data);
  renameSync(tmp, path);
}

/** Writes a file, mode 0600. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Sets every folder under `dir` (itself included) to 0700 and every file to 0600; symbolic links are not followed. */
export function lockDown(dir: string): void {
  chmodSync(dir, PRIVATE_DIR_MODE);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = lstatSync(path);
    if (s.isDirectory()) lockDown(path);
    else if (s.isFile()) chmodSync(path, PRIVATE_FILE_MODE);
  }
}
