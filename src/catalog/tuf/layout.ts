/**
 * @module
 * Where things are in a catalog TUF repository, and what the package trusts out of the box.
 *
 * A repository (what `ictsguard catalog publish --out DIR` writes, what a web server or a USB
 * stick serves) uses consistent snapshots, so a mirror can be copied or synced file by file
 * while clients read it and never see a mix of two publications:
 *
 * ```
 * DIR/metadata/1.root.json, 2.root.json ...   every root version (clients walk the chain)
 * DIR/metadata/root.json                       the newest root, to hand to new clients
 * DIR/metadata/timestamp.json                  the only unversioned file clients read
 * DIR/metadata/<N>.snapshot.json, <N>.targets.json
 * DIR/targets/catalog/<sha256>.ictsguard-catalog-<version>.json   the bundle
 * ```
 */
import { packagePath } from "../../util/package-root.js";

export const METADATA_DIR = "metadata";
export const TARGETS_DIR = "targets";
/** Target paths of catalog bundles start with this; the rest is the bundle's file name. */
export const CATALOG_TARGET_DIR = "catalog";

/** The trusted root shipped with the package (public keys only). */
export function pinnedRootPath(): string {
  return packagePath("tuf", "root.json");
}

/**
 * The repository `catalog update` reads when neither `--from` nor the config's `updateUrl`
 * names one. Unset until the project publishes its repository: see tuf/README.md.
 */
export const DEFAULT_UPDATE_URL: string | undefined = undefined;

/** Default expiry per role, in days. The timestamp's is the freeze window (and how long a copy
 * carried to an air-gapped network stays usable). */
export const DEFAULT_EXPIRY_DAYS = { root: 365, targets: 90, snapshot: 30, timestamp: 7 } as const;
