/**
 * @module
 * Applications with their bundle ids: `system_profiler -xml SPApplicationsDataType` (every app
 * Spotlight knows, with path, version and signer), read by the system_profiler reader
 * (src/readers/system-profiler); system_profiler does not give bundle ids, so each app's
 * `Contents/Info.plist` is read with the Info.plist reader (src/readers/info-plist) for its
 * CFBundleIdentifier (and its vendor, when the signer named none). system_profiler is slow
 * (seconds to minutes on a full disk) and finds nothing with Spotlight indexing off.
 */
import type { Observation } from "../../model/observation.js";
import { parseInfoPlist } from "../../readers/info-plist/index.js";
import { systemProfilerReader } from "../../readers/system-profiler/index.js";
import { readCommand } from "../command.js";
import { fsFailure, inRoot, readSmallFile, reportFsFailure } from "../fs.js";
import { defineSource, type CollectContext } from "../types.js";

const LABEL = "system_profiler -xml SPApplicationsDataType";
const MAX_INFO_PLIST = 4 * 1024 * 1024;

export const applicationsSource = defineSource({
  name: "macos/applications",
  description: "applications with bundle ids",
  reads: `${LABEL}, and each app's Contents/Info.plist`,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const spec = { command: "system_profiler", args: ["-xml", "SPApplicationsDataType"], label: LABEL, missing: "system_profiler is not available on this machine", timeoutMs: 15 * 60 * 1000 };
    yield* readCommand(ctx, spec, async function* (input) {
      for await (const app of systemProfilerReader.read(input, ctx)) yield await withBundleId(ctx, app);
    });
  },
});

async function withBundleId(ctx: CollectContext, app: Observation): Promise<Observation> {
  if (!app.path || !app.path.startsWith("/")) return app;
  const plistPath = inRoot(ctx.root, `${app.path}/Contents/Info.plist`);
  let bytes: Buffer;
  try {
    bytes = await readSmallFile(plistPath, MAX_INFO_PLIST);
  } catch (err) {
    // an app deleted since Spotlight saw it, or one in a folder we may not read
    if (fsFailure(err) !== "missing") reportFsFailure(ctx, err, plistPath, "app Info.plist");
    return app;
  }
  const info = (await parseInfoPlist(bytes, plistPath)).observations[0];
  const bundleId = info?.ids?.bundleId;
  if (bundleId) app.ids = { ...app.ids, bundleId };
  if (!app.vendor && info?.vendor) app.vendor = info.vendor;
  return app;
}
