/**
 * @module
 * MSIX and Microsoft Store packages: `Get-AppxPackage -AllUsers` (every user's packages; it needs
 * administrator rights, without them the current user's packages are read and a warning says
 * so). Each package is a `software` observation: its Name, Version, InstallLocation, and its
 * Publisher, which is the subject of the certificate the package is signed with, as signer
 * (the organization in it as vendor).
 */
import type { Observation } from "../../model/observation.js";
import { commandRef } from "../command.js";
import type { CommandExit } from "../runner.js";
import { defineSource, type CollectContext } from "../types.js";
import { powershellRecords, prop } from "./powershell.js";

const LABEL = "Get-AppxPackage -AllUsers";
/** Written to standard error by the script when it had to fall back to the current user. */
export const CURRENT_USER_ONLY = "ictsguard: Get-AppxPackage -AllUsers needs administrator rights; current user only";

export const APPX_SCRIPT =
  "try { $p = Get-AppxPackage -AllUsers -ErrorAction Stop } catch { $p = Get-AppxPackage; [Console]::Error.WriteLine('" +
  CURRENT_USER_ONLY +
  "') }; $p | Select-Object Name,PackageFullName,PackageFamilyName,Publisher,Version,InstallLocation,IsFramework,SignatureKind | ConvertTo-Json -Compress";

export const appxSource = defineSource({
  name: "windows/appx",
  description: "MSIX and Microsoft Store packages",
  reads: LABEL,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    let exit: CommandExit | undefined;
    for await (const { value, source } of powershellRecords(ctx, { script: APPX_SCRIPT, label: LABEL, what: "AppX packages as JSON" }, (e) => (exit = e))) {
      const name = prop(value, "Name");
      if (!name) continue;
      const o: Observation = { kind: "software", name, source };
      const publisher = prop(value, "Publisher");
      const vendor = publisher ? organizationOf(publisher) : undefined;
      if (vendor) o.vendor = vendor;
      const version = prop(value, "Version");
      if (version) o.version = version;
      const path = prop(value, "InstallLocation");
      if (path) o.path = path;
      if (publisher) o.ids = { signer: publisher };
      yield o;
    }
    if (exit?.stderr.includes(CURRENT_USER_ONLY)) {
      ctx.report({
        code: "host/permission-denied",
        severity: "warning",
        message: "permission denied: Get-AppxPackage -AllUsers needs administrator rights; only the current user's packages were read",
        source: { file: commandRef(LABEL) },
      });
    }
  },
});

/** `CN=Spotify AB, O=Spotify AB, L=Stockholm, C=SE` → `Spotify AB` (the O=, else the CN=). */
export function organizationOf(subject: string): string | undefined {
  const rdns = new Map<string, string>();
  for (const part of subject.split(/,\s*(?=[A-Za-z]+=)/)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(part.trim());
    if (m) rdns.set(m[1]!.toUpperCase(), m[2]!.replace(/^"(.*)"$/, "$1").trim());
  }
  return rdns.get("O") || rdns.get("CN") || undefined;
}
