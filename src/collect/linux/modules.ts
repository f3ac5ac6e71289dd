/**
 * @module
 * Loaded kernel modules, from /proc/modules (`name size refcount deps state address`, one per
 * line), each a `driver` observation located by its line, with the version the module declares
 * in /sys/module/<name>/version when it declares one. A kernel built without loadable modules
 * (or an image, which has no /proc) has no /proc/modules: the source is skipped.
 */
import type { Observation } from "../../model/observation.js";
import { readLines } from "../../readers/_text.js";
import { inRoot, openHostFile, readSmallFile } from "../fs.js";
import { defineSource, type CollectContext } from "../types.js";

export const modulesSource = defineSource({
  name: "linux/kernel-modules",
  description: "loaded kernel modules",
  reads: "/proc/modules",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const path = inRoot(ctx.root, "/proc/modules");
    const input = await openHostFile(ctx, path, "module list");
    if (input === "missing") {
      ctx.skip(
        ctx.root === "/"
          ? "no /proc/modules: this kernel has no loadable modules"
          : `no ${path}: a mounted image has no loaded modules`,
      );
      return;
    }
    if (input === "failed") return;
    for await (const { text, line } of readLines(input, ctx)) {
      ctx.signal?.throwIfAborted();
      const name = text.trim().split(/\s+/)[0];
      if (!name) continue;
      const o: Observation = { kind: "driver", name, source: { file: input.path, line } };
      const version = await moduleVersion(ctx.root, name);
      if (version) o.version = version;
      yield o;
    }
  },
});

async function moduleVersion(root: string, name: string): Promise<string | undefined> {
  if (!/^[\w-]+$/.test(name)) return undefined;
  try {
    return (await readSmallFile(inRoot(root, `/sys/module/${name}/version`), 4096)).toString("utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
