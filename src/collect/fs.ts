/**
 * @module
 * Reading the file system of a host, or of a mounted image or fake root given with --host-root:
 * host paths (`/var/lib/dpkg/status`) are read under the root, absolute symbolic links are
 * followed inside the root (an image's `/etc/systemd/system/x.service -> /lib/...` must not
 * lead to the scanning machine's own files), and failures are sorted into what they mean for a
 * collector: missing (the source is not on this machine), denied (a warning naming the path),
 * or another problem (a warning with the system's message).
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, readlink, open } from "node:fs/promises";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import type { ReadInput } from "../readers/types.js";
import { openInput } from "../io/open.js";
import type { CollectContext } from "./types.js";
import { hostRef } from "./types.js";

export type FsFailure = "missing" | "denied" | "other";

export function fsFailure(err: unknown): FsFailure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return "missing";
  if (code === "EACCES" || code === "EPERM") return "denied";
  return "other";
}

/** The real path of a host path under the root (`/` reads the machine itself). */
export function inRoot(root: string, hostPath: string): string {
  return root === "/" ? hostPath : join(root, hostPath);
}

/**
 * Reports why `path` could not be read, as a warning: the collector goes on with the rest.
 * Missing paths are not reported (the caller decides whether that means "skipped").
 */
export function reportFsFailure(ctx: Pick<CollectContext, "report">, err: unknown, path: string, what: string): FsFailure {
  const kind = fsFailure(err);
  if (kind === "missing") return kind;
  const message =
    kind === "denied"
      ? `permission denied: cannot read ${what} ${path}; run as root (or an administrator) to collect it`
      : `cannot read ${what} ${path}: ${(err as Error).message}`;
  ctx.report({ code: kind === "denied" ? "host/permission-denied" : "host/unreadable", severity: "warning", message, source: { file: hostRef(path) } });
  return kind;
}

/** The entries of a folder sorted by name; undefined if it is missing (or unreadable, which is reported). */
export async function listDir(ctx: Pick<CollectContext, "report">, path: string, what: string): Promise<Dirent[] | undefined> {
  try {
    return (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    reportFsFailure(ctx, err, path, what);
    return undefined;
  }
}

export class TooLargeError extends Error {
  override name = "TooLargeError";
}

/**
 * A small file's text (UTF-8), for files that are small by nature (a manifest, a unit file, a
 * plist, /proc/<pid>/comm). Larger than `maxBytes` is an error, so a damaged or hostile file
 * cannot make the collector hold an unbounded amount of memory.
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new TooLargeError(`larger than ${Math.round(maxBytes / 1024)} KiB`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** Symbolic links followed before a path is taken for a loop. */
const MAX_LINKS = 40;

/**
 * The real path under `root` of a host path, following symbolic links the way the host would:
 * an absolute link target is taken inside the root. Returns undefined when the path (or a link
 * on the way) does not exist. With root `/` the path is returned as is (the OS follows links).
 */
export async function resolveInRoot(root: string, hostPath: string): Promise<string | undefined> {
  if (root === "/") return hostPath;
  const pending = hostPath.split("/").filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const real = join(root, ...done, part);
    let isLink: boolean;
    try {
      isLink = (await lstat(real)).isSymbolicLink();
    } catch (err) {
      if (fsFailure(err) === "missing") return undefined;
      throw err;
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) return undefined;
    const target = await readlink(real);
    const parts = target.split("/").filter(Boolean);
    if (target.startsWith("/")) done.length = 0;
    pending.unshift(...parts);
  }
  return join(root, ...done);
}

/** The target of a symbolic link, made a host path (absolute, inside the root's view). */
export function linkTargetAsHostPath(linkHostPath: string, target: string): string {
  return target.startsWith("/") ? posix.normalize(target) : posix.normalize(posix.join(posix.dirname(linkHostPath), target));
}

/**
 * Opens a host file as a reader input, its encoding sniffed from its first bytes. Its label in
 * reports is `host:<realPath>` unless another is given (a temporary export's: `host:reg HKLM\...`).
 * Missing → "missing"; unreadable → reported as a warning, "failed".
 */
export async function openHostFile(
  ctx: Pick<CollectContext, "report">,
  realPath: string,
  what: string,
  label: string = hostRef(realPath),
): Promise<ReadInput | "missing" | "failed"> {
  let handle;
  try {
    handle = await open(realPath, "r");
  } catch (err) {
    return reportFsFailure(ctx, err, realPath, what) === "missing" ? "missing" : "failed";
  }
  try {
    return await streamInput(handle.createReadStream(), label);
  } catch (err) {
    await handle.close().catch(() => {});
    return reportFsFailure(ctx, err, realPath, what) === "missing" ? "missing" : "failed";
  }
}

/** A byte stream as a reader input labelled `path`, its encoding sniffed from its first bytes. */
export async function streamInput(stream: Readable, path: string): Promise<ReadInput> {
  return (await peekInput(stream, path)).input;
}

/** As streamInput, and whether the stream had any byte at all (opened by the shared opener, src/io). */
export async function peekInput(stream: Readable, path: string): Promise<{ input: ReadInput; empty: boolean }> {
  const opened = await openInput({ path, stream });
  return { input: { path, stream: opened.stream, encoding: opened.encoding }, empty: opened.probe.head.length === 0 };
}
