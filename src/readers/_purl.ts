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

/**
 * The characters packageurl-js writes as they are in a deb purl (it lower-cases a deb name), by
 * component: a name, a version or an arch made only of these needs no percent-encoding. A little
 * narrower than what packageurl-js leaves alone (`!'()*` are left out), so that a deb purl of
 * such parts is plainly `pkg:deb/<name>@<version>?arch=<arch>`; `_purl.test.ts` checks it
 * against packageurl-js on random strings.
 */
export const DEB_PLAIN = {
  name: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-",
  version: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+:-",
  arch: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-",
} as const;

const PLAIN_NAME = /^[A-Za-z0-9._~-]+$/;
const PLAIN_VERSION = /^[A-Za-z0-9._~+:-]*$/;
const PLAIN_ARCH = /^[A-Za-z0-9._-]*$/;

/**
 * `packageUrl("deb", name, version, { arch })`, written directly when every part is plain (see
 * {@link DEB_PLAIN}): packageurl-js cost about a sixth of reading a large dpkg status file.
 */
export function debPackageUrl(name: string | undefined, version: string | undefined, arch: string | undefined): string | undefined {
  if (!name || !PLAIN_NAME.test(name) || (version !== undefined && !PLAIN_VERSION.test(version)) || (arch !== undefined && !PLAIN_ARCH.test(arch))) {
    return packageUrl("deb", name, version, { arch });
  }
  return `pkg:deb/${name.toLowerCase()}${version ? `@${version}` : ""}${arch ? `?arch=${arch}` : ""}`;
}
