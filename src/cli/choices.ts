/**
 * @module
 * The choices the command definitions offer (report formats, profiles, reader names), as plain
 * data, so that defining the commands (for `--help`, `--version` and parsing) loads none of the
 * modules that own them: those load only when a command runs. choices.test.ts checks that each
 * list equals its owner's.
 */

/** = REPORT_FORMATS (report/index.ts). */
export const REPORT_FORMAT_CHOICES = ["table", "json", "sarif", "csv"] as const;

/** = PROFILES (model/catalog.ts). */
export const PROFILE_CHOICES = ["federal-agency", "federal-contractor", "state-local-government", "critical-infrastructure", "reseller", "business", "individual"] as const;

/** = READERS.map((r) => r.name) (readers/registry.ts), in the registry's order. */
export const READER_NAME_CHOICES = [
  "sbom/cyclonedx-json", "sbom/spdx-json", "osquery", "inventory/csv", "sbom/cyclonedx-xml", "sbom/spdx-tag-value", "sbom/spdx3-jsonld",
  "windows/reg", "linux/dpkg-status", "linux/dpkg-list", "linux/rpm-list", "macos/system-profiler", "macos/info-plist", "windows/winget",
  "windows/wmic", "windows/powershell-json", "inventory/defender-json", "inventory/intune-json", "inventory/nmap-xml", "network/zeek", "network/suricata-eve",
  "network/dnsmasq", "network/squid", "network/windows-dns",
] as const;

/** = ROLES (model/catalog.ts): the profiles and `exporter`, for `timeline --role`. */
export const ROLE_CHOICES = ["federal-agency", "federal-contractor", "state-local-government", "critical-infrastructure", "reseller", "business", "individual", "exporter"] as const;
