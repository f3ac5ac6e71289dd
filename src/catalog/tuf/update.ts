/**
 * @module
 * `ictsguard catalog update`: fetch the newest catalog bundle from a TUF repository, over
 * HTTP(S) or from a folder, verify it with tuf-js, and install it atomically.
 *
 * The tuf-js Updater runs the client workflow of the specification in a staging folder under
 * ICTSGUARD_HOME, starting from the installed trusted metadata (or from the trusted root when
 * nothing is installed yet from that root): root (walking every new version, each signed by
 * its predecessor's threshold) → timestamp → snapshot → targets, then the bundle, checked
 * against its signed length and hash. Then the bundle passes every catalog check again and
 * must be what its signed `custom` says. Only then does the staging folder become the active
 * install; on any failure it is removed, and the catalog in use stays as it was.
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { Metadata, MetadataKind, type TargetFile } from "@tufjs/models";
import { Updater } from "tuf-js";
import * as z from "zod";
import { IctsError } from "../../model/errors.js";
import { ictsguardHome } from "../../util/home.js";
import { PACKAGE_VERSION } from "../../util/package-root.js";
import { BUNDLE_FORMAT_VERSION, readBundle, sha256 } from "../bundle.js";
import { commitInstall, createStaging, discardStaging, loadInstalledCatalog, type InstallRecord } from "../installed.js";
import { BUNDLE_FILE, cleanStaleStaging, TUF_DIR } from "../install-paths.js";
import { explainTufError, type UpdateFailureKind } from "./explain.js";
import { cleanStaleDownloads, DirectoryFetcher, HttpFetcher, TracingFetcher } from "./fetchers.js";
import { CATALOG_TARGET_DIR, METADATA_DIR, pinnedRootPath, TARGETS_DIR } from "./layout.js";

export type UpdateOptions = {
  /** A repository URL (http, https, file) or folder. */
  from: string;
  /** A root to trust instead of the package's pinned one (a private mirror). */
  trustedRoot?: string;
  home?: string;
  /** Install even when the offered catalog is older than the installed one. */
  allowDowngrade?: boolean;
  /** Follow HTTP redirects to another host or port than the repository's (refused otherwise). */
  allowRedirects?: boolean;
  now?: () => Date;
};

export type UpdateResult = {
  /** `installed`: a different catalog is now active; `current`: the same catalog, with refreshed trusted metadata. */
  outcome: "installed" | "current";
  record: InstallRecord;
  previous?: { version: string; date: string; digest: string };
  /** True when the trust chain started over from the given root (nothing installed from it before). */
  freshTrust: boolean;
};

/** An update that failed; the catalog in use did not change. */
export class UpdateError extends IctsError {
  readonly kind: UpdateFailureKind | "downgrade" | "no-catalog" | "bundle" | "trusted-root";
  constructor(kind: UpdateError["kind"], message: string, options: { cause?: unknown } = {}) {
    super(`catalog/update-${kind}`, message, options);
    this.kind = kind;
  }
}

const CatalogCustom = z.object({ version: z.string(), date: z.string(), digest: z.string(), formatVersion: z.number() });

type Source = { kind: "url" | "dir"; location: string; baseUrl: string };

export async function updateCatalog(options: UpdateOptions): Promise<UpdateResult> {
  const home = options.home ?? ictsguardHome();
  const now = options.now ?? (() => new Date());
  const source = resolveSource(options.from);
  const anchor = readAnchor(options.trustedRoot);
  // what killed updates left (their process is gone); a concurrent update's folders stay
  cleanStaleStaging(home);
  cleanStaleDownloads(home);

  let current: Awaited<ReturnType<typeof loadInstalledCatalog>>;
  try {
    current = await loadInstalledCatalog(home);
  } catch {
    current = undefined; // a damaged install is replaced; its metadata is not trusted
  }
  let staging: string | undefined;
  try {
    staging = createStaging(home);
    // Start from the metadata of the install made from the same root, else from the root itself.
    const tufDir = join(staging, TUF_DIR);
    // The same root it was installed from, or the root it has rotated to since: keep the chain.
    const sameTrust =
      current !== undefined &&
      (current.record.trustAnchor.sha256 === anchor.sha256 || sha256(readFileSync(join(current.dir, TUF_DIR, "root.json"))) === anchor.sha256);
    if (sameTrust) {
      for (const name of ["root.json", "timestamp.json", "snapshot.json", "targets.json"]) {
        const from = join(current!.dir, TUF_DIR, name);
        if (existsSync(from)) copyFileSync(from, join(tufDir, name));
      }
    } else {
      copyFileSync(anchor.path, join(tufDir, "root.json"));
    }

    const fetcher = new TracingFetcher(
      source.kind === "dir"
        ? new DirectoryFetcher(home)
        : new HttpFetcher(home, { userAgent: `ictsguard/${PACKAGE_VERSION}`, ...(options.allowRedirects ? { allowRedirects: true } : {}) }),
    );
    let updater: Updater;
    try {
      updater = new Updater({
        metadataDir: tufDir,
        metadataBaseUrl: `${source.baseUrl}${METADATA_DIR}/`,
        targetBaseUrl: `${source.baseUrl}${TARGETS_DIR}/`,
        targetDir: staging,
        fetcher,
      });
    } catch (err) {
      throw new UpdateError("trusted-root", `${anchor.shown} is not a valid, self-signed TUF root (${(err as Error).message})`, { cause: err });
    }

    let info: TargetFile;
    try {
      await updater.refresh();
      const path = newestCatalogTarget(tufDir);
      const found = await updater.getTargetInfo(path);
      if (!found) throw new UpdateError("no-catalog", `the repository's targets metadata lists no catalog bundle under ${CATALOG_TARGET_DIR}/`);
      info = found;
      await updater.downloadTarget(info, join(staging, BUNDLE_FILE));
    } catch (err) {
      if (err instanceof UpdateError) throw err;
      const explained = explainTufError(err, fetcher.last);
      throw new UpdateError(explained.kind, explained.message, { cause: err });
    }

    const custom = CatalogCustom.safeParse(info.custom.ictsguard);
    if (!custom.success) throw new UpdateError("bundle", `target ${info.path} carries no ictsguard catalog description (custom.ictsguard)`);
    let loaded;
    try {
      loaded = await readBundle(join(staging, BUNDLE_FILE), info.path);
    } catch (err) {
      throw new UpdateError("bundle", `the signed bundle ${info.path} failed the catalog checks: ${(err as Error).message}`, { cause: err });
    }
    for (const field of ["version", "date", "digest"] as const) {
      if (loaded.catalog[field] !== custom.data[field]) {
        throw new UpdateError("bundle", `the bundle ${info.path} holds catalog ${field} ${loaded.catalog[field]}, but its signed metadata says ${custom.data[field]}`);
      }
    }

    if (current && !options.allowDowngrade && loaded.catalog.date < current.catalog.date) {
      throw new UpdateError(
        "downgrade",
        `the repository offers catalog ${loaded.catalog.version} (${loaded.catalog.date}), older than the installed ${current.catalog.version} (${current.catalog.date}); ` +
          `refused (pass --allow-downgrade to install it anyway)`,
      );
    }

    const timestamp = Metadata.fromJSON(MetadataKind.Timestamp, readJson(join(tufDir, "timestamp.json")));
    const record: InstallRecord = {
      formatVersion: 1,
      version: loaded.catalog.version,
      date: loaded.catalog.date,
      digest: loaded.catalog.digest,
      target: { path: info.path, length: info.length, sha256: loaded.sha256 },
      source: { kind: source.kind, location: source.location },
      installedAt: now().toISOString(),
      trustAnchor: { kind: anchor.kind, path: anchor.path, sha256: anchor.sha256 },
      tuf: {
        root: Metadata.fromJSON(MetadataKind.Root, readJson(join(tufDir, "root.json"))).signed.version,
        targets: Metadata.fromJSON(MetadataKind.Targets, readJson(join(tufDir, "targets.json"))).signed.version,
        snapshot: Metadata.fromJSON(MetadataKind.Snapshot, readJson(join(tufDir, "snapshot.json"))).signed.version,
        timestamp: timestamp.signed.version,
        timestampExpires: timestamp.signed.expires,
      },
    };
    commitInstall(staging, record, home);
    return {
      outcome: current?.catalog.digest === record.digest ? "current" : "installed",
      record,
      ...(current ? { previous: { version: current.catalog.version, date: current.catalog.date, digest: current.catalog.digest } } : {}),
      freshTrust: !sameTrust,
    };
  } catch (err) {
    if (staging) discardStaging(staging);
    if (err instanceof UpdateError) throw err;
    // Anything else (a full disk, a folder that cannot be written) fails the update the same way.
    throw new UpdateError("other", (err as Error).message, { cause: err });
  }
}

/** The catalog target with the newest date (then version) the verified targets metadata lists. */
function newestCatalogTarget(tufDir: string): string {
  // tuf-js has just verified and persisted this file; only the names are read from it, and the
  // chosen entry is then taken from tuf-js's trusted set (getTargetInfo).
  const targets = Metadata.fromJSON(MetadataKind.Targets, readJson(join(tufDir, "targets.json")));
  const candidates = Object.values(targets.signed.targets)
    .filter((t) => t.path.startsWith(`${CATALOG_TARGET_DIR}/`))
    .map((t) => ({ path: t.path, custom: CatalogCustom.safeParse(t.custom.ictsguard) }))
    .filter((t) => t.custom.success && t.custom.data.formatVersion === BUNDLE_FORMAT_VERSION)
    .map((t) => ({ path: t.path, ...t.custom.data! }))
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.version < b.version ? 1 : -1));
  if (candidates.length === 0) {
    throw new UpdateError("no-catalog", `the repository's targets metadata lists no catalog bundle of format ${BUNDLE_FORMAT_VERSION} under ${CATALOG_TARGET_DIR}/`);
  }
  return candidates[0]!.path;
}

/** `--from`: an http(s) URL, a file: URL, or a folder. */
export function resolveSource(from: string): Source {
  if (/^https?:\/\//i.test(from)) {
    let url: URL;
    try {
      url = new URL(from);
    } catch {
      throw new UpdateError("not-found", `--from ${from}: not a valid URL`);
    }
    const href = url.href.endsWith("/") ? url.href : `${url.href}/`;
    return { kind: "url", location: url.href, baseUrl: href };
  }
  const dir = /^file:/i.test(from) ? fileURLToPath(from) : isAbsolute(from) ? from : resolve(from);
  if (!existsSync(join(dir, METADATA_DIR))) {
    throw new UpdateError("not-found", `${dir} is not a catalog repository: it has no ${METADATA_DIR}/ folder (copy the whole folder \`ictsguard catalog publish --out\` wrote)`);
  }
  const href = pathToFileURL(dir).href;
  return { kind: "dir", location: dir, baseUrl: href.endsWith("/") ? href : `${href}/` };
}

type Anchor = { kind: "pinned" | "file"; path: string; shown: string; sha256: string };

function readAnchor(trustedRoot: string | undefined): Anchor {
  const path = trustedRoot ? resolve(trustedRoot) : pinnedRootPath();
  const shown = trustedRoot ? `--trusted-root ${trustedRoot}` : `the pinned root ${path}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UpdateError(
      "trusted-root",
      trustedRoot ? `cannot read ${shown}: ${(err as Error).message}` : `this package ships no trusted root (${path}); pass --trusted-root FILE`,
      { cause: err },
    );
  }
  try {
    const root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(bytes.toString("utf8")));
    root.verifyDelegate(MetadataKind.Root, root);
  } catch (err) {
    throw new UpdateError("trusted-root", `${shown} is not a valid, self-signed TUF root (${(err as Error).message})`, { cause: err });
  }
  return { kind: trustedRoot ? "file" : "pinned", path, shown, sha256: sha256(bytes) };
}

function readJson(path: string): Parameters<typeof Metadata.fromJSON>[1] {
  return JSON.parse(readFileSync(path, "utf8"));
}
