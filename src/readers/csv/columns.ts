/**
 * @module
 * Which CSV columns mean what, as data. Inventory exports name the same thing many ways
 * (PowerShell `DisplayName`, Intune `ApplicationName`, Defender `SoftwareName`, Lansweeper
 * `softwareName`, docs formats.md §4b/§7); headers are compared after folding case and dropping
 * punctuation and spaces, so `Application Title`, `application_title` and `ApplicationTitle` are
 * one name. When a header has several columns for one field, the alias listed first wins.
 */
import type { ObservationIds, ObservationKind } from "../../model/observation.js";
import { OBSERVATION_KINDS } from "../../model/vocabulary.js";

/** What a column can hold. Kind columns (`process`, `domain` ...) both name the thing and set its kind. */
export type CsvField =
  | "name"
  | "vendor"
  | "version"
  | "host"
  | "path"
  | "kind"
  | "identifier"
  | keyof Pick<ObservationIds, "bundleId" | "packageId" | "extensionId" | "purl" | "cpe" | "sha256" | "model" | "mac">
  | KindColumn
  | UninstallColumn;

/**
 * Columns of registry Uninstall exports (PowerShell `Get-ItemProperty ... | Export-Csv`): the key
 * a row came from (`PSPath`), and the two that mark an update of another program rather than a
 * program (`ParentKeyName`, `ReleaseType`).
 */
export type UninstallColumn = "registryKey" | "parentKeyName" | "releaseType";

/** Columns whose value is the name of a thing of one kind. */
export type KindColumn = "process" | "service" | "driver" | "domain" | "signer";

/** Kind columns, in the order their observations come out of one row (a Sysmon DNS row has a process and a domain). */
export const KIND_COLUMNS: readonly KindColumn[] = ["process", "service", "driver", "domain", "signer"];

/** Folded header spellings per field (see foldHeader), most specific first. */
export const COLUMN_ALIASES: Readonly<Record<CsvField, readonly string[]>> = {
  name: [
    "displayname", // PowerShell Get-ItemProperty Uninstall, Graph detectedApps
    "name", // Defender portal, generic, Get-Package, Win32_Product
    "softwarename", // Defender DeviceTvmSoftwareInventory, Lansweeper
    "applicationname", // Intune AppInvAggregate / AppInvRawData
    "application",
    "applicationtitle", // Jamf advanced search
    "software",
    "product",
    "program",
    "title",
    "package",
  ],
  vendor: [
    "publisher",
    "vendor",
    "softwarevendor", // Defender TVM: lowercase CPE-style token, kept as given
    "softwarepublisher", // Lansweeper
    "applicationpublisher", // Intune
    "manufacturer",
    "company",
    "maintainer",
  ],
  version: [
    "displayversion", // before `version`: in Uninstall keys `Version` is a packed DWORD
    "version",
    "softwareversion",
    "applicationversion",
    "applicationshortversion", // Intune, when ApplicationVersion is absent
    "installedversions", // Defender portal software inventory
  ],
  host: ["host", "hostname", "computername", "devicename", "assetname", "device", "pscomputername", "node" /* wmic /format:csv */],
  path: ["path", "installlocation", "diskpaths", "location"],
  kind: ["kind", "type"],
  identifier: ["identifier"],
  bundleId: ["bundleid", "bundleidentifier"],
  packageId: ["packageid", "appid", "androidpackage"],
  extensionId: ["extensionid"],
  purl: ["purl", "packageurl"],
  cpe: ["cpe", "productcodecpe", "cpe23"],
  sha256: ["sha256", "sha256hash"],
  // asset lists and network inventories: a row with a model or a MAC address is a device
  model: ["model", "modelnumber", "modelname", "devicemodel", "hardwaremodel"],
  mac: ["macaddress", "mac", "physicaladdress", "hwaddress", "ethernetaddress"],
  process: ["process", "processname", "image"],
  service: ["service", "servicename"],
  driver: ["driver", "drivername"],
  domain: ["domain", "domainname", "query", "queryname", "dnsquery", "fqdn", "requesthost", "requesthostname", "remoteurl", "url"],
  signer: ["signer", "signersubject"],
  registryKey: ["pspath", "pschildname"], // the key; only its subkey name when PSPath was not selected
  parentKeyName: ["parentkeyname"],
  releaseType: ["releasetype"],
};

/** `Application Title`, `application_title`, `ApplicationTitle` → `applicationtitle`. */
export function foldHeader(header: string): string {
  return header.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Field → column index, for the fields this header has. */
export type ColumnMap = Partial<Record<CsvField, number>>;

export function mapColumns(headers: readonly string[]): ColumnMap {
  const folded = headers.map(foldHeader);
  const map: ColumnMap = {};
  for (const [field, aliases] of Object.entries(COLUMN_ALIASES) as [CsvField, readonly string[]][]) {
    for (const alias of aliases) {
      const index = folded.indexOf(alias);
      if (index !== -1) {
        map[field] = index;
        break;
      }
    }
  }
  return map;
}

/** Whether a header can name rows: a name column, a kind column, or a device's model or MAC address. */
export function hasNameColumn(map: ColumnMap): boolean {
  return map.name !== undefined || map.model !== undefined || map.mac !== undefined || KIND_COLUMNS.some((k) => map[k] !== undefined);
}

/** Spellings users write in a kind/type column besides the observation kinds themselves. */
const KIND_ALIASES: Readonly<Record<string, ObservationKind>> = {
  app: "software",
  application: "software",
  program: "software",
  "browser-extension": "extension",
  addon: "extension",
  "add-on": "extension",
  mobileapp: "mobile-app",
  "android-app": "mobile-app",
  "ios-app": "mobile-app",
  dns: "domain",
  "kernel-driver": "driver",
  hardware: "device",
  equipment: "device",
  firmware: "device",
  appliance: "device",
};

/** A kind/type cell as an observation kind; undefined for anything else (e.g. Intune `Win32`). */
export function parseKind(value: string | undefined): ObservationKind | undefined {
  if (!value) return undefined;
  const k = value.trim().toLowerCase().replace(/[\s_]+/g, "-");
  return (OBSERVATION_KINDS as readonly string[]).includes(k) ? (k as ObservationKind) : KIND_ALIASES[k];
}
