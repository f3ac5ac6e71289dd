/**
 * @module
 * launchd jobs, two ways:
 *
 * - the job definitions: property lists in /Library/LaunchDaemons, /Library/LaunchAgents and
 *   each user's ~/Library/LaunchAgents (XML or binary plists), each a `service` observation
 *   named by its Label (`com.kaspersky.kav`, which is also its bundle-style id) with the program
 *   it runs (Program, else the first ProgramArguments) as path;
 * - the jobs launchd has loaded: `launchctl list` (`PID  Status  Label` lines).
 *
 * Apple's own jobs (/System/Library) are not read: they are the operating system.
 */
import type { Observation } from "../../model/observation.js";
import { isBinaryPlist, isDict, parseBinaryPlist, parseXmlPlist, plistText, type PlistValue } from "../../readers/_plist.js";
import { readLines } from "../../readers/_text.js";
import { readCommand } from "../command.js";
import { inRoot, listDir, readSmallFile, reportFsFailure } from "../fs.js";
import { defineSource, hostRef, type CollectContext } from "../types.js";

export const LAUNCHD_FOLDERS = ["/Library/LaunchDaemons", "/Library/LaunchAgents"] as const;
const MAX_PLIST = 1024 * 1024;

export const launchdPlistsSource = defineSource({
  name: "macos/launchd-jobs",
  description: "launchd job definitions (daemons and agents)",
  reads: "/Library/LaunchDaemons/*.plist, /Library/LaunchAgents/*.plist, /Users/*/Library/LaunchAgents/*.plist",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const folders: string[] = LAUNCHD_FOLDERS.map((f) => inRoot(ctx.root, f));
    const users = inRoot(ctx.root, "/Users");
    for (const user of (await listDir(ctx, users, "users folder")) ?? []) {
      if (user.isDirectory() && !user.name.startsWith(".") && user.name !== "Shared") folders.push(`${users}/${user.name}/Library/LaunchAgents`);
    }
    for (const folder of folders) {
      for (const entry of (await listDir(ctx, folder, "launchd folder")) ?? []) {
        ctx.signal?.throwIfAborted();
        if (!entry.name.endsWith(".plist") || !(entry.isFile() || entry.isSymbolicLink())) continue;
        const o = await jobObservation(ctx, `${folder}/${entry.name}`, entry.name);
        if (o) yield o;
      }
    }
  },
});

async function jobObservation(ctx: CollectContext, file: string, fileName: string): Promise<Observation | undefined> {
  let value: PlistValue;
  try {
    const bytes = await readSmallFile(file, MAX_PLIST);
    value = isBinaryPlist(bytes) ? await parseBinaryPlist(bytes) : await parseXmlPlist(bytes.toString("utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) reportFsFailure(ctx, err, file, "launchd job");
    else ctx.report({ code: "host/malformed", severity: "warning", message: `launchd job ${file}: ${(err as Error).message}; expected a property list`, source: { file: hostRef(file) } });
    // the file name is the label by convention: still worth matching
    return { kind: "service", name: fileName.replace(/\.plist$/, ""), ids: { bundleId: fileName.replace(/\.plist$/, "") }, source: { file: hostRef(file) } };
  }
  if (!isDict(value)) return undefined;
  const label = plistText(value.Label) ?? fileName.replace(/\.plist$/, "");
  const o: Observation = { kind: "service", name: label, ids: { bundleId: label }, source: { file: hostRef(file) } };
  const args = Array.isArray(value.ProgramArguments) ? value.ProgramArguments : [];
  const program = plistText(value.Program) ?? plistText(args[0]);
  if (program) o.path = program;
  return o;
}

const LAUNCHCTL = "launchctl list";

export const launchctlSource = defineSource({
  name: "macos/launchctl",
  description: "launchd jobs loaded now",
  reads: LAUNCHCTL,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const spec = { command: "launchctl", args: ["list"], label: LAUNCHCTL, missing: "launchctl is not available on this machine" };
    yield* readCommand(ctx, spec, async function* (input): AsyncIterable<Observation> {
      for await (const { text, line } of readLines(input, ctx)) {
        const cols = text.split("\t");
        const label = cols[2]?.trim();
        if (cols.length < 3 || !label || (cols[0] === "PID" && label === "Label")) continue;
        yield { kind: "service", name: label, ids: { bundleId: label }, source: { file: input.path, line } };
      }
    });
  },
});
