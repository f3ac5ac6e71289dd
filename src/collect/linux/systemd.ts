/**
 * @module
 * systemd service units: the `*.service` unit files in /etc/systemd/system, /run/systemd/system,
 * /usr/lib/systemd/system and /lib/systemd/system (in systemd's order of precedence; a folder
 * that is a link to one already read, like /lib on merged-/usr systems, is read once). Each unit
 * is one `service` observation named like systemd names the service (`kesl` for kesl.service,
 * `getty` for the template getty@.service), with the program its `ExecStart=` runs as path, so
 * both the catalog's service names and its install paths can match. A unit masked by a link to
 * /dev/null is not a service; one unit name is reported once, from the folder that wins.
 */
import { readlink, stat } from "node:fs/promises";
import type { Observation } from "../../model/observation.js";
import { listDir, readSmallFile, reportFsFailure, resolveInRoot, linkTargetAsHostPath, TooLargeError } from "../fs.js";
import { defineSource, hostRef, type CollectContext } from "../types.js";

/** System unit folders, highest precedence first. */
export const UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"] as const;
/** Unit files are a few KiB; anything this big is not one. */
const MAX_UNIT_BYTES = 256 * 1024;

export const systemdSource = defineSource({
  name: "linux/systemd-units",
  description: "systemd service units",
  reads: UNIT_DIRS.map((d) => `${d}/*.service`).join(", "),
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const readDirs = new Set<string>();
    const units = new Set<string>();
    let anyDir = false;
    for (const dir of UNIT_DIRS) {
      const real = await resolveInRoot(ctx.root, dir).catch(() => undefined);
      if (real === undefined || readDirs.has(await realKey(real))) continue;
      readDirs.add(await realKey(real));
      const entries = await listDir(ctx, real, "unit folder");
      if (!entries) continue;
      anyDir = true;
      for (const entry of entries) {
        ctx.signal?.throwIfAborted();
        if (!entry.name.endsWith(".service") || !(entry.isFile() || entry.isSymbolicLink()) || units.has(entry.name)) continue;
        const hostPath = `${dir}/${entry.name}`;
        const file = `${real}/${entry.name}`;
        if (entry.isSymbolicLink() && (await isMasked(file, hostPath))) continue;
        units.add(entry.name);
        yield await unitObservation(ctx, entry.name, hostPath, file);
      }
    }
    if (!anyDir) ctx.skip(`no systemd unit folder (${UNIT_DIRS.join(", ")}): this system does not use systemd`);
  },
});

/** `kesl.service` → `kesl`; the template `getty@.service` → `getty`. */
export function serviceName(unitFile: string): string {
  return unitFile.replace(/\.service$/, "").replace(/@.*$/, "");
}

async function unitObservation(ctx: CollectContext, unit: string, hostPath: string, file: string): Promise<Observation> {
  const o: Observation = { kind: "service", name: serviceName(unit) || unit, source: { file: hostRef(file) } };
  try {
    const real = (await resolveInRoot(ctx.root, hostPath)) ?? file;
    const exec = execStartOf((await readSmallFile(real, MAX_UNIT_BYTES)).toString("utf8"));
    if (exec) {
      o.path = exec.program;
      o.source.line = exec.line;
    }
  } catch (err) {
    if (err instanceof TooLargeError) {
      ctx.report({ code: "host/too-large", severity: "warning", message: `unit file ${file} is ${err.message}: not a unit file; listed by name only`, source: { file: hostRef(file) } });
    } else {
      reportFsFailure(ctx, err, file, "unit file");
    }
  }
  return o;
}

/**
 * The program of the first `ExecStart=` in the `[Service]` section (prefixes `@-:+!` and quotes
 * removed; its arguments are not kept) and its line.
 */
export function execStartOf(text: string): { program: string; line: number } | undefined {
  let section = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith("[")) {
      section = line;
      continue;
    }
    if (section !== "[Service]") continue;
    const m = /^ExecStart\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const command = m[1]!.replace(/^[@\-:+!]+/, "").trim();
    const program = command.startsWith('"') ? command.slice(1, command.indexOf('"', 1) > 0 ? command.indexOf('"', 1) : undefined) : command.split(/\s+/)[0];
    if (program) return { program, line: i + 1 };
  }
  return undefined;
}

/** A unit linked to /dev/null is masked: systemd will not start it. */
async function isMasked(file: string, hostPath: string): Promise<boolean> {
  try {
    return linkTargetAsHostPath(hostPath, await readlink(file)) === "/dev/null";
  } catch {
    return false;
  }
}

/** A folder's identity (device and inode), so a folder reached twice through links is read once. */
async function realKey(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return path;
  }
}
