/**
 * @module
 * Installed Debian packages: the dpkg status database under the root (`/var/lib/dpkg/status`,
 * and the per-package files of distroless images in `/var/lib/dpkg/status.d/`), read file by
 * file, stanza by stanza, with the dpkg status reader (src/readers/dpkg-status), so a package
 * found on a host is described exactly as one found in an exported status file, with its
 * `pkg:deb` purl and located by line (`host:/var/lib/dpkg/status:123`).
 */
import type { Observation } from "../../model/observation.js";
import { dpkgStatusReader } from "../../readers/dpkg-status/index.js";
import { inRoot, listDir, openHostFile } from "../fs.js";
import { defineSource, type CollectContext } from "../types.js";

export const DPKG_STATUS = "/var/lib/dpkg/status";

export const dpkgSource = defineSource({
  name: "linux/dpkg",
  description: "installed Debian packages (dpkg)",
  reads: `${DPKG_STATUS}, ${DPKG_STATUS}.d/*`,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const files = [inRoot(ctx.root, DPKG_STATUS)];
    const statusD = inRoot(ctx.root, `${DPKG_STATUS}.d`);
    for (const entry of (await listDir(ctx, statusD, "dpkg status folder")) ?? []) {
      // distroless writes one stanza file per package, plus .md5sums files beside them
      if (entry.isFile() && !entry.name.endsWith(".md5sums")) files.push(`${statusD}/${entry.name}`);
    }
    let found = false;
    for (const file of files) {
      const input = await openHostFile(ctx, file, "dpkg status database");
      if (input === "missing") continue;
      found = true;
      if (input === "failed") continue;
      yield* dpkgStatusReader.read(input, ctx);
    }
    if (!found) ctx.skip(`no dpkg database (${DPKG_STATUS}): not a Debian-based system`);
  },
});
