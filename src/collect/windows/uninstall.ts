/**
 * @module
 * Installed programs from the registry's Uninstall keys, exported with `reg export` to a
 * temporary .reg file each and read by the .reg reader (src/readers/windows-reg), exactly as a
 * `.reg` export a user hands in would be:
 *
 * - `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall` (64-bit programs),
 * - `HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall` (32-bit programs),
 * - `HKU\<SID>\Software\Microsoft\Windows\CurrentVersion\Uninstall` for every user hive under
 *   HKEY_USERS (`reg query HKU`): per-user installs. Windows loads the hive of users who are
 *   logged on (and of services' accounts); other users' hives are not loaded and not read
 *   (loading them with `reg load` would change the machine).
 *
 * A key that does not exist (a 32-bit-only Windows, a user without per-user programs) is not a
 * problem. Observations are located as `host:reg <key>` with the line and key of each program.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Observation } from "../../model/observation.js";
import { windowsRegReader } from "../../readers/windows-reg/index.js";
import { readLines } from "../../readers/_text.js";
import { readCommand } from "../command.js";
import { openHostFile } from "../fs.js";
import { describeExit, notInstalled } from "../runner.js";
import { defineSource, hostRef, type CollectContext } from "../types.js";

export const UNINSTALL = "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
export const MACHINE_KEYS = [`HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall`, `HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall`];
/** reg.exe's message for a key that is not there. */
const NO_SUCH_KEY = /unable to find the specified registry key/i;

export const uninstallSource = defineSource({
  name: "windows/uninstall",
  description: "installed programs (Uninstall keys of HKLM, WOW6432Node and every user hive)",
  reads: "reg export HKLM\\...\\Uninstall, HKLM\\SOFTWARE\\WOW6432Node\\...\\Uninstall, HKU\\<SID>\\...\\Uninstall",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const dir = await mkdtemp(join(tmpdir(), "ictsguard-reg-"));
    try {
      const keys = [...MACHINE_KEYS];
      const users = await userHives(ctx);
      if (users === undefined) return; // reg.exe is not there: skipped
      for (const sid of users) keys.push(`HKU\\${sid}\\${UNINSTALL}`);
      for (const [i, key] of keys.entries()) {
        ctx.signal?.throwIfAborted();
        yield* exportKey(ctx, key, join(dir, `uninstall-${i}.reg`));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});

/** The SIDs of the user hives loaded under HKEY_USERS (not `.DEFAULT`, not the `_Classes` hives); undefined without reg.exe. */
async function userHives(ctx: CollectContext): Promise<string[] | undefined> {
  const sids: string[] = [];
  const spec = { command: "reg.exe", args: ["query", "HKU"], label: "reg query HKU", missing: "reg.exe is not available on this machine" };
  const hives = readCommand(ctx, spec, async function* (input) {
    for await (const { text } of readLines(input, ctx)) {
      const m = /^HKEY_USERS\\(S-1-[0-9-]+)\s*$/i.exec(text.trim());
      if (m) yield m[1]!;
    }
  });
  let next = await hives.next();
  while (!next.done) {
    sids.push(next.value);
    next = await hives.next();
  }
  return notInstalled(next.value) ? undefined : sids;
}

async function* exportKey(ctx: CollectContext, key: string, file: string): AsyncIterable<Observation> {
  const running = ctx.runner.run("reg.exe", ["export", key, file, "/y"], ctx.signal ? { signal: ctx.signal } : {});
  running.stdout.resume(); // "The operation completed successfully."
  const exit = await running.done;
  if (exit.error || exit.code !== 0) {
    if (!NO_SUCH_KEY.test(exit.stderr)) {
      ctx.report({ code: "host/command-failed", severity: "warning", message: `reg export ${key} failed (${describeExit(exit)}); its programs were not read`, source: { file: hostRef(`reg ${key}`) } });
    }
    return;
  }
  const input = await openHostFile(ctx, file, "registry export", hostRef(`reg ${key}`));
  if (typeof input === "string") return;
  // an existing but empty Uninstall key is not worth a warning: the counts say it
  const quiet = { signal: ctx.signal, report: (issue: Parameters<CollectContext["report"]>[0]) => issue.code !== "reg/no-programs" && ctx.report(issue) };
  yield* windowsRegReader.read(input, quiet);
}
