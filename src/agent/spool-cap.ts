/**
 * @module
 * The spool's cap, so a long outage of the server cannot fill the disk: at most `maxUploads`
 * spooled collections and `maxBytes` bytes (defaults 100 and 256 MiB: at the default 4-hour
 * interval, more than 16 days of collections kept whole).
 *
 * What goes when the spool is over its cap: the oldest collections. Every collection the agent
 * spools is the whole inventory of its one host under one source (`agent`), so each newer one
 * supersedes every older one: the server's current view of the host rests on the newest alone,
 * and an older one adds only what changed in between (the days a program came and went; the
 * clean inventories that resolve a finding sooner). The newest collection is never dropped, even
 * when it alone is over `maxBytes`: it is the host's newest state. If the agent ever spools
 * collections of more than one source, this must keep the newest of each.
 */
import { statSync } from "node:fs";
import { deleteSpooled, spooled } from "./state.js";

export type SpoolCap = { maxUploads: number; maxBytes: number };

export const DEFAULT_SPOOL_CAP: Readonly<SpoolCap> = { maxUploads: 100, maxBytes: 256 * 1024 * 1024 };

export type SpoolTrim = {
  /** The collections dropped, oldest first (their file names). */
  dropped: string[];
  /** What is left: collections and bytes. */
  uploads: number;
  bytes: number;
  /** The newest collection alone is over `maxBytes` (kept all the same). */
  newestOverCap: boolean;
};

/** Drops the oldest spooled collections until the spool is within the cap, never the newest one. */
export function trimSpool(stateDir: string, cap: SpoolCap): SpoolTrim {
  const files = spooled(stateDir).map((path) => ({ path, bytes: statSync(path, { throwIfNoEntry: false })?.size ?? 0 }));
  let bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const dropped: string[] = [];
  while (files.length > 1 && (files.length > cap.maxUploads || bytes > cap.maxBytes)) {
    const oldest = files.shift()!;
    deleteSpooled(oldest.path);
    bytes -= oldest.bytes;
    dropped.push(oldest.path.split(/[\\/]/).pop()!);
  }
  return { dropped, uploads: files.length, bytes, newestOverCap: files.length === 1 && bytes > cap.maxBytes };
}
