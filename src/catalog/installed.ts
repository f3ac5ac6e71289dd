/**
 * @module
 * The installed catalog under ICTSGUARD_HOME: each install is a complete folder (the verified
 * bundle, the trusted TUF metadata it was verified with, and a record of where and when it came
 * from), and `active.json` names the one in use. An update builds a new folder under a staging
 * name, renames it into place and then replaces `active.json` by a rename, so a crash or a
 * failure at any point leaves the last good catalog in use.
 *
 * ```
 * $ICTSGUARD_HOME/catalog/active.json              {"install": "<id>"}
 * $ICTSGUARD_HOME/catalog/installs/<id>/bundle.json the catalog bundle (a TUF target)
 * $ICTSGUARD_HOME/catalog/installs/<id>/install.json what it is, where it came from, when
 * $ICTSGUARD_HOME/catalog/installs/<id>/tuf/        root.json timestamp.json snapshot.json targets.json
 * ```
 *
 * Loading re-checks an install before a scan trusts it: the bundle's SHA-256 must be the one the
 * installed targets metadata lists (itself verified against the installed root), and the bundle
 * passes every catalog check again, with its digest recomputed.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import type { Catalog } from "../model/catalog.js";
import { IctsError } from "../model/errors.js";
import { ictsguardHome } from "../util/home.js";
import { lockDown, privateDir, writePrivateFile, writePrivateFileAtomic } from "../util/private-fs.js";
import { parseBundle, sha256 } from "./bundle.js";
import { activePointerFile, BUNDLE_FILE, catalogHome, cleanStaleStaging, installsDir, RECORD_FILE, STAGING_PREFIX, TUF_DIR } from "./install-paths.js";
import { lazyRequire } from "../util/lazy-require.js";

/** Loaded only when an installed catalog's signatures are checked. */
const tufModels = lazyRequire<typeof import("@tufjs/models")>("@tufjs/models");

export const InstallRecord = z
  .object({
    formatVersion: z.literal(1),
    version: z.string(),
    date: z.string(),
    digest: z.string(),
    /** The TUF target the bundle is. */
    target: z.object({ path: z.string(), length: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    /** Where it was fetched from: a repository URL, or a folder (an air-gapped copy). */
    source: z.object({ kind: z.enum(["url", "dir"]), location: z.string() }),
    installedAt: z.string(),
    /** The root the trust chain started from: the package's pinned root, or `--trusted-root`. */
    trustAnchor: z.object({ kind: z.enum(["pinned", "file"]), path: z.string(), sha256: z.string() }),
    /** Versions of the trusted metadata, and when the timestamp expires. */
    tuf: z.object({
      root: z.number().int(),
      targets: z.number().int(),
      snapshot: z.number().int(),
      timestamp: z.number().int(),
      timestampExpires: z.string(),
    }),
  })
  .strict();
export type InstallRecord = z.infer<typeof InstallRecord>;

const ActivePointer = z.object({ install: z.string().regex(/^[A-Za-z0-9._-]+$/) }).strict();

/** The active install's folder and id, or undefined when none is installed. */
export function activeInstallDir(home: string = ictsguardHome()): { id: string; dir: string } | undefined {
  const pointer = activePointerFile(home);
  if (!existsSync(pointer)) return undefined;
  let id: string;
  try {
    id = ActivePointer.parse(JSON.parse(readFileSync(pointer, "utf8"))).install;
  } catch (err) {
    throw new IctsError("installed/pointer", `${pointer}: unreadable (${(err as Error).message.split("\n")[0]})`, { source: { file: pointer } });
  }
  return { id, dir: join(installsDir(home), id) };
}

export type InstalledCatalog = { catalog: Catalog; record: InstallRecord; dir: string };

/**
 * The active installed catalog, re-checked; undefined when none is installed. Throws an
 * `IctsError` naming the file when an install exists but cannot be trusted.
 */
export async function loadInstalledCatalog(home: string = ictsguardHome()): Promise<InstalledCatalog | undefined> {
  const active = activeInstallDir(home);
  if (!active) return undefined;
  const { dir } = active;
  const record = readRecord(dir);
  const bundlePath = join(dir, BUNDLE_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(bundlePath);
  } catch (err) {
    throw new IctsError("installed/io", `cannot read the installed catalog ${bundlePath}: ${(err as Error).message}`, { source: { file: bundlePath } });
  }
  const hash = sha256(bytes);
  if (hash !== record.target.sha256) {
    throw new IctsError("installed/hash", `${bundlePath}: SHA-256 ${hash} is not the ${record.target.sha256} it was installed with: the file was changed`, { source: { file: bundlePath } });
  }
  checkSignedTarget(dir, record);
  const { catalog } = parseBundle(bytes, bundlePath);
  if (catalog.digest !== record.digest) {
    throw new IctsError("installed/digest", `${bundlePath}: catalog digest ${catalog.digest} is not the ${record.digest} it was installed with`, { source: { file: bundlePath } });
  }
  return { catalog, record, dir };
}

export function readRecord(dir: string): InstallRecord {
  const path = join(dir, RECORD_FILE);
  try {
    return InstallRecord.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new IctsError("installed/record", `${path}: unreadable install record (${(err as Error).message.split("\n")[0]})`, { source: { file: path } });
  }
}

/** The installed targets metadata, verified by the installed root, lists the bundle's hash. */
function checkSignedTarget(dir: string, record: InstallRecord): void {
  const tufDir = join(dir, TUF_DIR);
  try {
    const { Metadata, MetadataKind } = tufModels();
    const root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(readFileSync(join(tufDir, "root.json"), "utf8")));
    const targets = Metadata.fromJSON(MetadataKind.Targets, JSON.parse(readFileSync(join(tufDir, "targets.json"), "utf8")));
    root.verifyDelegate(MetadataKind.Targets, targets);
    const entry = targets.signed.targets[record.target.path];
    if (!entry || entry.hashes.sha256 !== record.target.sha256 || entry.length !== record.target.length) {
      throw new Error(`the signed targets metadata does not list ${record.target.path} with SHA-256 ${record.target.sha256}`);
    }
  } catch (err) {
    throw new IctsError("installed/metadata", `${tufDir}: the installed TUF metadata does not vouch for the bundle (${(err as Error).message})`, { source: { file: tufDir } });
  }
}

// ---------------------------------------------------------------------------------------------
// Installing

/** A new, empty staging folder under ICTSGUARD_HOME (on the same file system as the installs). */
export function createStaging(home: string = ictsguardHome()): string {
  const base = installsDir(home);
  const dir = join(base, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`);
  // 0700 from ICTSGUARD_HOME down: what tuf-js writes in it (0666 & ~umask) is unreachable to others
  privateDir(home, join(dir, TUF_DIR));
  return dir;
}

export function discardStaging(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Makes a complete staging folder the active install: rename it into place, then point
 * `active.json` at it (a rename too). Older installs but the previous one are removed.
 */
export function commitInstall(staging: string, record: InstallRecord, home: string = ictsguardHome()): { id: string; dir: string } {
  writePrivateFile(join(staging, RECORD_FILE), JSON.stringify(record, null, 2) + "\n");
  lockDown(staging); // the metadata tuf-js wrote and the bundle it downloaded: 0600, whatever the umask
  const stamp = record.installedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const id = `${record.version}-${stamp}-${randomBytes(3).toString("hex")}`;
  const dir = join(installsDir(home), id);
  const previous = activeInstallDir(home);
  renameSync(staging, dir);
  const pointer = activePointerFile(home);
  writePrivateFileAtomic(pointer, JSON.stringify({ install: id }) + "\n");
  prune(home, new Set([id, ...(previous ? [previous.id] : [])]));
  return { id, dir };
}

/** Removes installs other than `keep`, and staging folders left by killed updates (cleanStaleStaging). */
function prune(home: string, keep: Set<string>): void {
  cleanStaleStaging(home);
  const base = installsDir(home);
  for (const name of readdirSync(base)) {
    const path = join(base, name);
    if (name.startsWith(STAGING_PREFIX)) {
      continue; // a running update's (cleanStaleStaging removed the others)
    } else if (!keep.has(name)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}
