/**
 * @module
 * Install folders: every top-level folder in /opt (where vendors' Linux products install, e.g.
 * /opt/kaspersky), and every absolute install path the catalog names (`paths` identifiers such
 * as /opt/kaspersky/kesl/, /var/opt/kaspersky/, /etc/kaspersky/) that exists under the root.
 * Each is a `file` observation named by its path; folders end in `/`, so the catalog's path
 * prefixes match them. A path is reported once, however it was found.
 */
import { lstat, stat } from "node:fs/promises";
import posixPath from "node:path/posix";
import type { Observation } from "../../model/observation.js";
import { identifierValue } from "../../match/catalog-index.js";
import { fsFailure, inRoot, listDir, reportFsFailure, resolveInRoot } from "../fs.js";
import { defineSource, hostRef, type CollectContext } from "../types.js";

export const installPathsSource = defineSource({
  name: "linux/install-paths",
  description: "install folders (/opt and the catalog's install paths)",
  reads: "/opt/*, and the catalog's install paths",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const seen = new Set<string>();
    const observed = (hostPath: string, isDir: boolean, real: string): Observation | undefined => {
      const path = isDir && !hostPath.endsWith("/") ? `${hostPath}/` : hostPath;
      if (seen.has(path)) return undefined;
      seen.add(path);
      return { kind: "file", name: path, path, source: { file: hostRef(isDir && !real.endsWith("/") ? `${real}/` : real) } };
    };

    const opt = inRoot(ctx.root, "/opt");
    for (const entry of (await listDir(ctx, opt, "folder")) ?? []) {
      ctx.signal?.throwIfAborted();
      const hostPath = `/opt/${entry.name}`;
      const real = inRoot(ctx.root, hostPath);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) isDir = await isFolder(ctx.root, hostPath);
      if (!isDir) continue;
      const o = observed(hostPath, true, real);
      if (o) yield o;
    }

    for (const hostPath of catalogPaths(ctx)) {
      ctx.signal?.throwIfAborted();
      const trimmed = hostPath.length > 1 ? hostPath.replace(/\/+$/, "") : hostPath;
      const real = inRoot(ctx.root, trimmed);
      let resolved: string | undefined;
      try {
        resolved = await resolveInRoot(ctx.root, trimmed);
        if (resolved === undefined) continue;
        const s = await stat(resolved);
        const o = observed(trimmed, s.isDirectory(), real);
        if (o) yield o;
      } catch (err) {
        if (fsFailure(err) !== "missing") reportFsFailure(ctx, err, resolved ?? real, "install path");
      }
    }
  },
});

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
