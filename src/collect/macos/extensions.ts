/**
 * @module
 * System extensions and kernel extensions:
 *
 * - `systemextensionsctl list`: per category (`--- com.apple.system_extension.endpoint_security`),
 *   tab-separated rows `enabled  active  teamID  bundleID (version/build)  name  [state]`; each a
 *   `driver` observation with its bundle id, version and Team ID (as signer);
 * - loaded kernel extensions: `kmutil showloaded` (macOS 11 and later), or `kextstat` on older
 *   systems: rows `Index Refs Address Size Wired Name (Version) UUID <Linked Against>`, each a
 *   `driver` observation named by its bundle id (`com.kaspersky.kext.klif`).
 */
import type { Observation } from "../../model/observation.js";
import { readLines } from "../../readers/_text.js";
import type { ReadInput } from "../../readers/types.js";
import { readCommand } from "../command.js";
import { notInstalled } from "../runner.js";
import { defineSource, type CollectContext } from "../types.js";

const SYSEXT = "systemextensionsctl list";

export const systemExtensionsSource = defineSource({
  name: "macos/system-extensions",
  description: "system extensions",
  reads: SYSEXT,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const spec = { command: "systemextensionsctl", args: ["list"], label: SYSEXT, missing: "systemextensionsctl is not available on this machine (macOS 10.15 or later has it)" };
    yield* readCommand(ctx, spec, (input) => rows(input, ctx, systemExtension));
  },
});

/** One row of `systemextensionsctl list`; undefined for headers and category lines. */
export function systemExtension(text: string): Omit<Observation, "source"> | undefined {
  const cols = text.split("\t");
  if (cols.length < 5 || cols[2]!.trim() === "teamID") return undefined; // category lines, the header
  const m = /^(\S+)\s+\(([^)]*)\)$/.exec(cols[3]!.trim());
  if (!m) return undefined;
  let bundleId = m[1]!;
  let team = cols[2]!.trim();
  // some tools print the Team ID joined to the id: 2Y8XE5CQ94.com.kaspersky.kav.sysext
  const joined = /^([A-Z0-9]{10})\.(.+)$/.exec(bundleId);
  if (joined) {
    team ||= joined[1]!;
    bundleId = joined[2]!;
  }
  const o: Omit<Observation, "source"> = { kind: "driver", name: bundleId, ids: { bundleId } };
  const version = m[2]!.split("/")[0]?.trim();
  if (version) o.version = version;
  if (team && team !== "-") o.ids!.signer = team;
  return o;
}

export const kextsSource = defineSource({
  name: "macos/kernel-extensions",
  description: "loaded kernel extensions",
  reads: "kmutil showloaded (kextstat before macOS 11)",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    for (const [command, args, label] of [
      ["kmutil", ["showloaded"], "kmutil showloaded"],
      ["kextstat", [], "kextstat"],
    ] as const) {
      const exit = yield* readCommand(ctx, { command, args, label }, (input) => rows(input, ctx, loadedKext));
      if (!notInstalled(exit)) return; // else an older macOS: try kextstat
    }
    ctx.skip("neither kmutil nor kextstat is available on this machine");
  },
});

/** The observations of a command's lines that `parse` recognizes, located by line. */
async function* rows(input: ReadInput, ctx: CollectContext, parse: (text: string) => Omit<Observation, "source"> | undefined): AsyncIterable<Observation> {
  for await (const { text, line } of readLines(input, ctx)) {
    const o = parse(text);
    if (o) yield { ...o, source: { file: input.path, line } };
  }
}

const KEXT_ROW = /^\s*\d+\s+\d+\s+\S+\s+\S+\s+\S+\s+(\S+)\s+\(([^)]*)\)/;

/** One row of `kmutil showloaded` / `kextstat`; undefined for the header and notes. */
export function loadedKext(text: string): Omit<Observation, "source"> | undefined {
  const m = KEXT_ROW.exec(text);
  if (!m) return undefined;
  const o: Omit<Observation, "source"> = { kind: "driver", name: m[1]!, ids: { bundleId: m[1]! } };
  if (m[2]!.trim()) o.version = m[2]!.trim();
  return o;
}
