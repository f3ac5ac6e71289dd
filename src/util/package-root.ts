/**
 * @module
 * The installed package's root folder (the one holding package.json), found from this compiled
 * file, so that bundled data (catalog/, examples/) is found from src/, dist/src/ and the
 * command line's bundle in dist/cli/ alike.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

export function packagePath(...parts: string[]): string {
  return resolve(PACKAGE_ROOT, ...parts);
}

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;
