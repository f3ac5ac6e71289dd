/**
 * @module
 * What a Windows Uninstall key says about an installed program (docs formats.md §4a), shared by
 * the `.reg`, PowerShell CSV and PowerShell JSON readers: which keys are programs (HKLM, the
 * 32-bit WOW6432Node view, HKEY_USERS\<SID> and HKCU per-user installs), which are not (no
 * `DisplayName`; updates with `ParentKeyName` or `ReleaseType`), and where the program lives
 * (`InstallLocation`, else the file `DisplayIcon` points at).
 */

/** A program's Uninstall subkey, in any hive or view: `...\Microsoft\Windows\CurrentVersion\Uninstall\<subkey>`. */
const UNINSTALL_SUBKEY = /\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\([^\\]+)$/i;

export function isUninstallKey(path: string): boolean {
  return UNINSTALL_SUBKEY.test(path);
}

/** The value names an Uninstall key is read by (lower case). */
export const UNINSTALL_VALUES = new Set(["displayname", "displayversion", "publisher", "installlocation", "displayicon", "parentkeyname", "releasetype"]);

/** Why an Uninstall key gives no program: it has no display name, or it is an update of another program. */
export type NotAProgram = "no-name" | "update";

export type UninstallFacts = {
  name?: string | undefined;
  version?: string | undefined;
  publisher?: string | undefined;
  installLocation?: string | undefined;
  displayIcon?: string | undefined;
  parentKeyName?: string | undefined;
  releaseType?: string | undefined;
};

/**
 * Whether the key is a program the user installed; `SystemComponent`=1 keys (hidden in
 * Programs and Features) are still programs.
 */
export function notAProgram(facts: UninstallFacts): NotAProgram | undefined {
  if (!facts.name?.trim()) return "no-name";
  if (facts.parentKeyName?.trim() || facts.releaseType?.trim()) return "update";
  return undefined;
}

/** `InstallLocation`, else the file `DisplayIcon` names (quotes and `,0` icon index removed; the MSI icon cache is not a location). */
export function installPath(facts: UninstallFacts): string | undefined {
  const location = facts.installLocation?.trim().replace(/^"(.*)"$/, "$1");
  if (location) return location;
  const icon = facts.displayIcon?.trim().replace(/,\s*-?\d+$/, "").replace(/^"(.*)"$/, "$1").trim();
  if (!icon || /\\Windows\\Installer\\/i.test(icon)) return undefined;
  return icon;
}

/** `Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\...` (a PowerShell PSPath) → `HKEY_LOCAL_MACHINE\...`. */
export function registryPathOf(psPath: string): string {
  return psPath.replace(/^(?:Microsoft\.PowerShell\.Core\\)?Registry::/i, "");
}
