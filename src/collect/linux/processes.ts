/**
 * @module
 * Running processes, from /proc: for each process its name (`/proc/<pid>/comm`) and the program
 * it runs (the `/proc/<pid>/exe` link). Command lines are never read: they can hold passwords,
 * tokens and file names, and the program is what identifies the software. Kernel threads (children
 * of kthreadd) run no program and are left out. A program running many times is one observation
 * (the first process seen), so a host's report does not list every worker of one daemon.
 *
 * Another user's /proc/<pid>/exe can only be read by root (or the same user): such processes are
 * still listed by name, and one warning says how many had no readable program.
 */
import { readlink } from "node:fs/promises";
import posixPath from "node:path/posix";
import type { Observation } from "../../model/observation.js";
import { fsFailure, inRoot, listDir, readSmallFile } from "../fs.js";
import { defineSource, hostRef, type CollectContext } from "../types.js";

/** Paths listed in the warning about unreadable programs. */
const DENIED_LISTED = 5;

export const processesSource = defineSource({
  name: "linux/processes",
  description: "running processes (names and programs; no command lines)",
  reads: "/proc/<pid>/comm, /proc/<pid>/exe",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const proc = inRoot(ctx.root, "/proc");
    const pids = ((await listDir(ctx, proc, "process folder")) ?? []).filter((e) => /^\d+$/.test(e.name) && (e.isDirectory() || e.isSymbolicLink()));
    if (pids.length === 0) {
      ctx.skip(
        ctx.root === "/"
          ? "no process in /proc (is /proc mounted?)"
          : `no process in ${proc}: a mounted image has no running processes`,
      );
      return;
    }
    pids.sort((a, b) => Number(a.name) - Number(b.name));
    const seen = new Set<string>();
    const denied: string[] = [];
    let deniedCount = 0;
    for (const entry of pids) {
      ctx.signal?.throwIfAborted();
      const dir = `${proc}/${entry.name}`;
      const stat = await readText(`${dir}/stat`);
      if (stat !== undefined && isKernelThread(entry.name, stat)) continue;
      const comm = (await readText(`${dir}/comm`))?.replace(/\n$/, "") ?? commFromStat(stat);
      if (comm === undefined) continue; // ended while we looked
      let exe: string | undefined;
      try {
        exe = (await readlink(`${dir}/exe`)).replace(/ \(deleted\)$/, "");
      } catch (err) {
        if (fsFailure(err) === "denied") {
          deniedCount++;
          if (denied.length < DENIED_LISTED) denied.push(`${dir}/exe`);
        }
      }
      const key = exe ? `exe:${exe}` : `comm:${comm}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = exe ? posixPath.basename(exe) : comm;
      if (!name.trim()) continue;
      const o: Observation = { kind: "process", name: name.trim(), source: { file: hostRef(exe ? `${dir}/exe` : `${dir}/comm`) } };
      if (exe) o.path = exe;
      yield o;
    }
    if (deniedCount > 0) {
      ctx.report({
        code: "host/permission-denied",
        severity: "warning",
        message:
          `permission denied: the program of ${deniedCount} process(es) could not be read (${denied.join(", ")}${deniedCount > denied.length ? ", ..." : ""}); ` +
          `they are listed by name only; ${asRoot() ? "the kernel refuses this even to root here (ptrace restrictions of a hardened kernel or container)" : "run as root to collect their programs"}`,
        source: { file: hostRef(denied[0]!) },
      });
    }
  },
});

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readSmallFile(path, 64 * 1024)).toString("utf8");
  } catch {
    return undefined;
  }
}

/** `/proc/<pid>/stat` is `pid (comm) state ppid ...`; comm may hold spaces and parentheses. */
function statFields(stat: string): string[] {
  const close = stat.lastIndexOf(")");
  return close === -1 ? [] : stat.slice(close + 1).trim().split(/\s+/);
}

function commFromStat(stat: string | undefined): string | undefined {
  if (!stat) return undefined;
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  return open !== -1 && close > open ? stat.slice(open + 1, close) : undefined;
}

/** kthreadd (pid 2) and its children are kernel threads. */
export function isKernelThread(pid: string, stat: string): boolean {
  if (pid === "2") return true;
  return statFields(stat)[1] === "2";
}
