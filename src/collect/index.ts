/**
 * @module
 * `scan --host`: collects from the machine ictsguard runs on, through the sources of its
 * platform (src/collect/linux, windows, macos), one after the other. The scan pipeline takes the
 * result as one more input beside files: `observe()` yields the observations one at a time (each
 * stamped with the host name and its source as reader), and afterwards `collected()` says per
 * source how many items it read, or why it was skipped, for the report.
 *
 * `--host-root DIR` reads DIR as the root of a Linux file system (a mounted disk image, a
 * container's root, or a fake root in tests) with the Linux collector, on any platform: the
 * Windows and macOS collectors ask the running system's own commands, which cannot look into an
 * image.
 */
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { stat } from "node:fs/promises";
import type { Catalog } from "../model/catalog.js";
import type { CollectedSource } from "../model/finding.js";
import { IctsError } from "../model/errors.js";
import type { Observation } from "../model/observation.js";
import type { ReportableIssue } from "../readers/types.js";
import { readSmallFile } from "./fs.js";
import { LINUX_SOURCES } from "./linux/index.js";
import { MACOS_SOURCES } from "./macos/index.js";
import { createSpawnRunner, type CommandRunner } from "./runner.js";
import { hostRef, type CollectContext, type HostSource, type Platform } from "./types.js";
import { WINDOWS_SOURCES } from "./windows/index.js";

export type { CollectContext, HostSource, Platform } from "./types.js";
export { defineSource, hostRef } from "./types.js";
export type { CommandRunner, CommandExit, RunningCommand } from "./runner.js";

export const SOURCES: Record<Platform, readonly HostSource[]> = {
  linux: LINUX_SOURCES,
  windows: WINDOWS_SOURCES,
  macos: MACOS_SOURCES,
};

export type HostCollectOptions = {
  catalog: Catalog;
  /** Read this folder as a Linux root (--host-root) instead of the running machine. */
  root?: string;
  /** Default: the running platform (Linux whenever a root is given). */
  platform?: Platform;
  /** Default: spawns the real commands. */
  runner?: CommandRunner;
  /** Default: the machine's host name, or the image's /etc/hostname with a root. */
  host?: string;
  /** Default: every source of the platform. */
  sources?: readonly HostSource[];
  signal?: AbortSignal;
};

/** What the scan pipeline takes: observations to match, then what was collected. */
export type HostCollection = {
  /** Listed in the report's `inputs`: `host:<name>`. */
  name: string;
  host: string;
  platform: Platform;
  root: string;
  observe(report: (issue: ReportableIssue) => void): AsyncIterable<Observation>;
  /** Per source, after `observe()` ended. */
  collected(): CollectedSource[];
};

/** The platform the collector of this machine is for, or an error for one ictsguard has no collector for. */
export function runningPlatform(platform: NodeJS.Platform = process.platform): Platform {
  if (platform === "linux") return "linux";
  if (platform === "win32") return "windows";
  if (platform === "darwin") return "macos";
  throw new IctsError("host/platform", `scan --host has no collector for ${platform}; collect on Linux, Windows or macOS, or read a Linux image with --host-root`);
}

export async function createHostCollection(options: HostCollectOptions): Promise<HostCollection> {
  const root = options.root === undefined ? "/" : resolve(options.root);
  if (options.root !== undefined) {
    const s = await stat(root).catch(() => undefined);
    if (!s?.isDirectory()) throw new IctsError("host/root", `--host-root ${options.root}: not a folder; give the folder a Linux file system is mounted at`);
  }
  const platform = options.platform ?? (options.root !== undefined ? "linux" : runningPlatform());
  const host = options.host ?? (await hostNameOf(root));
  const sources = options.sources ?? SOURCES[platform];
  const runner = options.runner ?? createSpawnRunner();
  const collected: CollectedSource[] = [];

  async function* observe(report: (issue: ReportableIssue) => void): AsyncIterable<Observation> {
    const seenAt = new Date().toISOString();
    collected.length = 0; // a second run counts afresh
    for (const source of sources) {
      options.signal?.throwIfAborted();
      const entry: CollectedSource = { source: source.name, description: source.description, reads: source.reads, host, items: 0 };
      let warnings = 0;
      const ctx: CollectContext = {
        root,
        host,
        runner,
        catalog: options.catalog,
        ...(options.signal ? { signal: options.signal } : {}),
        report(issue) {
          if ((issue.severity ?? "error") === "warning") warnings++;
          report(issue);
        },
        skip(reason) {
          entry.skipped = true;
          entry.reason = reason;
        },
      };
      try {
        for await (const o of source.collect(ctx)) {
          o.host ??= host;
          o.seenAt ??= seenAt;
          o.source.reader = `host/${source.name}`;
          entry.items++;
          yield o;
        }
      } catch (err) {
        // A source that breaks loses only its own rest; the scan's exit code shows it (2).
        const message = `collecting ${source.description} failed: ${(err as Error).message}; the ${entry.items} item(s) read before were kept`;
        report({ code: "host/source-failed", message, source: { file: hostRef(source.reads) } });
        entry.reason = message;
      }
      if (warnings > 0) entry.warnings = warnings;
      collected.push(entry);
    }
  }

  return { name: `host:${host}`, host, platform, root, observe, collected: () => collected };
}

/** The running machine's host name; for an image, its /etc/hostname, else the folder itself. */
export async function hostNameOf(root: string): Promise<string> {
  if (root === "/") return hostname();
  try {
    const first = (await readSmallFile(join(root, "etc/hostname"), 4096)).toString("utf8").split("\n")[0]?.trim();
    if (first) return first;
  } catch {
    // no /etc/hostname in the image: name it by its folder
  }
  return root;
}
