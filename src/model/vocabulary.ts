/**
 * @module
 * The model's closed word lists (observation kinds, catalog categories, roles, actions, domain
 * roles, decisions) and the small helpers on them, without the zod schemas built from them in
 * ./catalog.ts, ./observation.ts and ./decision.ts. Code a scan runs on every start (its worker
 * threads, the scanner, the readers) takes them from here: loading zod and building those
 * schemas costs a start about 20 ms, and a scan of files validates nothing with them.
 */
import type { DomainRole, Obligation, Role } from "./catalog.js";

export const OBSERVATION_KINDS = [
  "software", // an installed program (Uninstall key, osquery programs/apps, CSV inventory row)
  "package", // an OS package (deb, rpm, apk ...) or a package-manager package
  "component", // an SBOM component whose nature is not more precise
  "process",
  "service",
  "driver",
  "extension", // browser extension
  "mobile-app",
  "domain",
  "signer", // code-signing subject
  "file",
  "device", // equipment: hardware or its firmware (CycloneDX device/hardware/firmware, SPDX DEVICE/FIRMWARE, asset lists)
] as const;

export const CATEGORIES = [
  "antivirus",
  "endpoint-security",
  "cybersecurity", // other security software: VPN, password manager, parental control, removal tools
  "security-management", // management consoles and agents of security products
  "security-sdk", // engines and SDKs built into third-party products (integration)
  "threat-intelligence",
  "security-training",
  "consulting",
  "telecom-equipment",
  "telecom-service",
  "video-surveillance",
  "other-software", // software of a listed vendor that is none of the above
] as const;

export const ROLES = [
  "federal-agency",
  "federal-contractor",
  "state-local-government",
  "critical-infrastructure",
  "reseller",
  "business",
  "individual",
  "exporter",
] as const;

/** Profiles are the roles a scan can be judged for (exporting is a transaction, not a holding). */
export const PROFILES = ROLES.filter((r) => r !== "exporter") as Exclude<Role, "exporter">[];

export const ACTIONS = ["buy", "renew", "install", "update", "use", "resell", "license", "integrate", "support", "export"] as const;

export const DOMAIN_ROLES = ["update", "activation", "telemetry", "download", "crl", "product", "vendor", "browsing"] as const;

/** Roles whose traffic is reported as information, not as a finding. */
export const INFORMATIONAL_ROLES: ReadonlySet<DomainRole> = new Set(["browsing"]);

export const DECISIONS = ["prohibited", "license-required", "review", "allowed"] as const;
/** Strictness, highest first: the strictest decision of the covering rules wins. */
export const DECISION_RANK: Record<(typeof DECISIONS)[number], number> = { prohibited: 4, "license-required": 3, review: 2, allowed: 1 };

/** An obligation as one line of text: its text, then its deadlines in business days. */
export function obligationText(o: string | Obligation): string {
  if (typeof o === "string") return o;
  return o.text.trim();
}
