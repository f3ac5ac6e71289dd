/**
 * @module
 * What the agent says about its machine: the OS machine id, the host name and the OS. The machine
 * id is read where each OS keeps it (Linux `/etc/machine-id`, else `/var/lib/dbus/machine-id`, read
 * under the collectors' root so an image or a test's fake root answers; macOS `IOPlatformUUID`
 * from `ioreg`; Windows `MachineGuid` under HKLM\SOFTWARE\Microsoft\Cryptography) and never sent as
 * it is: `machine-id(5)` asks that it be kept confidential, so the agent sends an app-specific
 * hash of it, SHA-256("ictsguard-machine-id/1" NUL id), first 32 hex digits, as systemd's
 * `sd_id128_get_machine_app_specific` recommends. Equal machine ids still compare equal.
 */
import { createHash } from "node:crypto";
import { release } from "node:os";
import { join } from "node:path";
import { readFile } from "node:fs/promises";
import { hostNameOf } from "../collect/index.js";
import type { CommandRunner } from "../collect/runner.js";
import type { Platform } from "../collect/types.js";

export type MachineFacts = { machineId: string | null; hostname: string; os?: string };

/** The hash the agent sends for a raw machine id (lower-cased, dashes and spaces removed). */
export function appSpecificMachineId(raw: string): string {
  const id = raw.trim().toLowerCase().replace(/[\s-]/g, "");
  return createHash("sha256").update(`ictsguard-machine-id/1\u0000${id}`).digest("hex").slice(0, 32);
}

async function readUnder(root: string, path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(root === "/" ? path : join(root, path), "utf8")).trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}

async function commandOutput(runner: CommandRunner, command: string, args: string[]): Promise<string | undefined> {
  const running = runner.run(command, args, { timeoutMs: 30_000 });
  let out = "";
  for await (const chunk of running.stdout) out += String(chunk);
  const exit = await running.done;
  return exit.code === 0 ? out : undefined;
}

/** The raw machine id, or undefined when the OS does not tell. */
export async function rawMachineId(platform: Platform, root: string, runner: CommandRunner): Promise<string | undefined> {
  if (platform === "linux") {
    for (const path of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
      const id = await readUnder(root, path);
      if (id && /^[0-9a-f]{32}$/i.test(id)) return id;
    }
    return undefined;
  }
  if (platform === "macos") {
    const out = await commandOutput(runner, "ioreg", ["-rd1", "-c", "IOPlatformExpertDevice"]);
    return out?.match(/"IOPlatformUUID"\s*=\s*"([0-9A-Fa-f-]{36})"/)?.[1];
  }
  const out = await commandOutput(runner, "reg", ["query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid"]);
  return out?.match(/MachineGuid\s+REG_SZ\s+([0-9A-Fa-f-]{36})/)?.[1];
}

/** The OS in words: Linux's PRETTY_NAME from os-release (under the root), else the platform and kernel release. */
async function osOf(platform: Platform, root: string): Promise<string> {
  if (platform === "linux") {
    const text = (await readUnder(root, "/etc/os-release")) ?? (await readUnder(root, "/usr/lib/os-release"));
    const pretty = text?.match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1]?.trim();
    if (pretty) return `linux (${pretty})`.slice(0, 100);
    return root === "/" ? `linux ${release()}` : "linux";
  }
  return `${platform} ${release()}`.slice(0, 100);
}

export async function machineFacts(options: { platform: Platform; root: string; runner: CommandRunner; host?: string }): Promise<MachineFacts> {
  const raw = await rawMachineId(options.platform, options.root, options.runner);
  return {
    machineId: raw ? appSpecificMachineId(raw) : null,
    hostname: options.host ?? (await hostNameOf(options.root)),
    os: await osOf(options.platform, options.root),
  };
}
