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
    "productname", // MSI's ProductName property; asset lists' "Product Name"
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

/**
 * Shapes of values that no column is named like. A header cell of one of these shapes makes the
 * "header" a data row: a CSV exported without its header line (see headerProblem).
 */
const VALUE_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/^v?\d+(\.\d+)+([-+~_][0-9a-z.+~_-]*)?$/i, "a version number"],
  [/^(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})([T ]\S.*)?$/i, "a date"],
  [/^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/, "a date"], // Uninstall InstallDate
  [/^([a-z]:[\\/]|\\\\[^\\\s])/i, "a path"],
  [/(^|::)(hkey_[a-z_]+|hk(lm|cu|cr|u):?)\\/i, "a registry path"],
  [/^~?\/[^/\s]+\/\S*/, "a path"],
  [/^[a-z][a-z0-9+.-]*:\/\/\S/i, "a URL"],
  [/^pkg:[a-z]/i, "a package URL"],
  [/^cpe:(2\.3:|\/)/i, "a CPE name"],
  [/^\{?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\}?$/i, "a GUID"],
  [/^[0-9a-f]{32,}$/i, "a hexadecimal id or hash"],
  [/^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i, "a MAC address"],
  [/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i, "an e-mail address"],
  [/^[^\s*?][^*?]*\.(exe|dll|sys|msi|app|pkg|deb|rpm|apk|ipa|dmg)$/i, "a file name"],
];

/** What a header cell is shaped like when it is a value, not a column name: "a version number", a path ...; undefined for a name. */
export function valueShape(cell: string): string | undefined {
  const text = cell.trim();
  if (text === "") return undefined;
  for (const [shape, what] of VALUE_SHAPES) if (shape.test(text)) return what;
  return undefined;
}

/**
 * Why a first row taken for the header is a data row, or undefined when it may be a header: one
 * of its cells is a value no column is named like (a version, a path, a GUID ...). Real headers
 * (PowerShell, Intune, Defender, Lansweeper, Jamf, the generic form) never hold one; empty and
 * unknown cells are common in them and prove nothing. Once per file.
 */
export function headerProblem(headers: readonly string[]): string | undefined {
  for (let i = 0; i < headers.length; i++) {
    const what = valueShape(headers[i]!);
    if (what) return `cell ${i + 1} (${JSON.stringify(headers[i]!.trim())}) is ${what}, not a column name`;
  }
  return undefined;
}

/**
 * The header cells to compare with the first data row (see echoProblem): those named like a
 * column that names things (a name column, a kind column), whether or not that column was
 * chosen (a data row taken for a header may hold `software` and also a program called `Name`).
 */
export function namingColumns(headers: readonly string[]): number[] {
  const indexes: number[] = [];
  headers.forEach((header, i) => {
    if (NAMING_ALIASES.has(foldHeader(header))) indexes.push(i);
  });
  return indexes;
}

const NAMING_ALIASES: ReadonlySet<string> = new Set([...COLUMN_ALIASES.name, ...KIND_COLUMNS.flatMap((k) => COLUMN_ALIASES[k])]);

/**
 * Why the first data row shows the header to be a data row too, or undefined: in a column named
 * like one that names things, the row holds the header cell's own text again, or both hold a
 * kind (`software`, `process` ...). A header-less generic CSV (`host,kind,name,...` without its
 * first line) has a kind in every row; its kind cell passes for a name column (`software`,
 * `package`), and every row would be read as a program of that name.
 */
export function echoProblem(headers: readonly string[], record: readonly string[], columns: readonly number[]): string | undefined {
  for (const i of columns) {
    const head = headers[i]?.trim() ?? "";
    const value = record[i]?.trim() ?? "";
    if (head === "" || value === "") continue;
    if (foldHeader(head) === foldHeader(value)) return `the next row holds ${JSON.stringify(value)} in column ${i + 1} too`;
    if (parseKind(head) !== undefined && parseKind(value) !== undefined) {
      return `column ${i + 1} holds a kind in both rows (${JSON.stringify(head)}, then ${JSON.stringify(value)})`;
    }
  }
  return undefined;
}
