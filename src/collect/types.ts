/**
 * @module
 * The collector interface: `ictsguard scan --host` reads the machine it runs on through a list of
 * small sources per platform (dpkg, systemd units, processes, Windows services ...). Each source
 * is an async iterable of Observations, yielded one at a time, located by what was read
 * (`host:/var/lib/dpkg/status:123`, `host:/proc/1234/exe`, `host:reg HKLM\...`, `host:command
 * Get-Service`). A source that does not exist on this machine says so with `skip(reason)`; what
 * it cannot read (permission denied) is a warning, and the source goes on with the rest.
 */
import type { Catalog } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import type { ReportableIssue } from "../readers/types.js";
import type { CommandRunner } from "./runner.js";

export type Platform = "linux" | "windows" | "macos";

export type CollectContext = {
  /** The file system root read: `/`, or the folder given with --host-root (Linux only). */
  root: string;
  /** The machine's host name, stamped on every observation. */
  host: string;
  /** Runs the platform's commands; tests inject recorded outputs. */
  runner: CommandRunner;
  /** The catalog, for sources that look for its identifiers (install paths). */
  catalog: Catalog;
  signal?: AbortSignal;
  /** A located problem: unreadable files are warnings; the source goes on. */
  report(issue: ReportableIssue): void;
  /** This source does not exist on this machine (no rpm, no /proc/modules): reported as skipped. */
  skip(reason: string): void;
};

export interface HostSource {
  /** Stable name, shown in the report's `collected` list and as the observations' reader: `linux/dpkg`. */
  readonly name: string;
  /** What it collects, in words. */
  readonly description: string;
  /** The files, folders or commands it reads, in words: `/var/lib/dpkg/status`. */
  readonly reads: string;
  collect(ctx: CollectContext): AsyncIterable<Observation>;
}

/** Identity helper for type inference, in the style of `defineReader`. */
export function defineSource<S extends HostSource>(source: S): S {
  return source;
}

/** The `source.file` of what a collector read: `host:/var/lib/dpkg/status`, `host:command rpm -qa`. */
export function hostRef(what: string): string {
  return `host:${what}`;
}
