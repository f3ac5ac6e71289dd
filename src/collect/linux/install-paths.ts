/**
 * @module
 * Install folders: every top-level folder in the platform's vendor folders (/opt on Linux, where
 * vendors' products install, e.g. /opt/kaspersky), and every absolute install path the catalog
 * names (`paths` identifiers such as /opt/kaspersky/kesl/, /var/opt/kaspersky/, /etc/kaspersky/,
 * /Library/Application Support/Kaspersky Lab/) that exists under the root. Each is a `file`
 * observation named by its path; folders end in `/`, so the catalog's path prefixes match them.
 * A path is reported once, however it was found.
 */
import { lstat, stat } from "node:fs/promises";
import posixPath from "node:path/posix";
import type { Observation } from "../../model/observation.js";
import { identifierValue } from "../../match/catalog-index.js";
import { fsFailure, inRoot, listDir, reportFsFailure, resolveInRoot } from "../fs.js";
import { defineSource, hostRef, type CollectContext, type HostSource } from "../types.js";

/** A source of install folders: the folders in `vendorFolders`, and the catalog's paths that exist. */
export function installPathsSourceOf(name: string, vendorFolders: readonly string[]): HostSource {
  const listed = vendorFolders.map((f) => `${f}/*`).join(", ");
  return defineSource({
    name,
    description: vendorFolders.length > 0 ? `install folders (${vendorFolders.join(", ")} and the catalog's install paths)` : "install folders (the catalog's install paths)",
    reads: listed ? `${listed}, and the catalog's install paths` : "the catalog's install paths",
    collect: (ctx) => installPaths(ctx, vendorFolders),
  });
}

export const installPathsSource = installPathsSourceOf("linux/install-paths", ["/opt"]);

async function* installPaths(ctx: CollectContext, vendorFolders: readonly string[]): AsyncIterable<Observation> {
  const seen = new Set<string>();
  const observed = (hostPath: string, isDir: boolean, real: string): Observation | undefined => {
    const path = isDir && !hostPath.endsWith("/") ? `${hostPath}/` : hostPath;
    if (seen.has(path)) return undefined;
    seen.add(path);
    return { kind: "file", name: path, path, source: { file: hostRef(isDir && !real.endsWith("/") ? `${real}/` : real) } };
  };

  for (const folder of vendorFolders) {
    for (const entry of (await listDir(ctx, inRoot(ctx.root, folder), "folder")) ?? []) {
      ctx.signal?.throwIfAborted();
      const hostPath = `${folder}/${entry.name}`;
      const isDir = entry.isSymbolicLink() ? await isFolder(ctx.root, hostPath) : entry.isDirectory();
      if (!isDir) continue;
      const o = observed(hostPath, true, inRoot(ctx.root, hostPath));
      if (o) yield o;
    }
  }

  for (const hostPath of catalogPaths(ctx)) {
    ctx.signal?.throwIfAborted();
    const trimmed = hostPath.length > 1 ? hostPath.replace(/\/+$/, "") : hostPath;
    const real = inRoot(ctx.root, trimmed);
    let resolved: string | undefined;
    try {
      resolved = await resolveInRoot(ctx.root, trimmed);
      if (resolved === undefined) continue;
      const o = observed(trimmed, (await stat(resolved)).isDirectory(), real);
      if (o) yield o;
    } catch (err) {
      if (fsFailure(err) !== "missing") reportFsFailure(ctx, err, resolved ?? real, "install path");
    }
  }
}

/** The catalog's absolute POSIX install paths (Windows paths are for the Windows collector's data). */
function catalogPaths(ctx: CollectContext): string[] {
  const out = new Set<string>();
  for (const product of ctx.catalog.products) {
    for (const raw of product.identifiers.paths ?? []) {
      const { value } = identifierValue(raw);
      if (value.startsWith("/")) out.add(posixPath.normalize(value.replace(/\*$/, "")));
    }
  }
  return [...out].sort();
}

async function isFolder(root: string, hostPath: string): Promise<boolean> {
  try {
    const real = await resolveInRoot(root, hostPath);
    if (real === undefined) return false;
    return (await (root === "/" ? stat(real) : lstat(real))).isDirectory();
  } catch {
    return false;
  }
}
