/**
 * @module
 * Package URLs for OS package observations (`pkg:deb/kesl@12.1.0.1543?arch=amd64`,
 * `pkg:rpm/klnagent64@15.1.0-20748?arch=x86_64`), built with packageurl-js so names and versions
 * are encoded as the purl spec says. The purl matcher compares `type/name` with the catalog's
 * `packages`.
 */
import type { PackageURL } from "packageurl-js";
import { lazyRequire } from "../util/lazy-require.js";

/** packageurl-js loads on first use: every `scan` loads this module, few inputs hold OS packages. */
const purlLibrary = lazyRequire<{ PackageURL: typeof PackageURL }>("packageurl-js");

export function packageUrl(
  type: string,
  name: string | undefined,
  version: string | undefined,
  qualifiers: Record<string, string | undefined> = {},
): string | undefined {
  if (!name) return undefined;
  const present = Object.fromEntries(Object.entries(qualifiers).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
  try {
    return new (purlLibrary().PackageURL)(type, undefined, name, version, Object.keys(present).length > 0 ? present : undefined, undefined).toString();
  } catch {
    return undefined; // a name packageurl-js refuses is still matched by name
  }
}
