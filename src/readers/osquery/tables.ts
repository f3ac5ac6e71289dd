/**
 * @module
 * The osquery tables this reader understands, as data: how to recognise a row of each table from
 * its column set (a results log names the query, not the table) and how its columns become an
 * Observation. Column lists follow osquery's table specs (`specs/windows/programs.table`,
 * `specs/darwin/apps.table`, `specs/linux/deb_packages.table`, ...; see docs formats.md §3).
 *
 * Each table gives the Observation kind the matchers look for: running programs are `process`,
 * Windows services `service`, drivers, kernel modules and extensions and macOS system
 * extensions `driver` (a kext or system extension also carries its bundle id), code signatures
 * `signer`, installed programs and registered security products `software`.
 */
import { packageUrl as purl } from "../_purl.js";
import { str } from "../_json.js";
import type { Observation } from "../../model/observation.js";
import { stripTrailingGroup } from "../../util/trailing.js";

/** One result row: column name → value (strings, or numbers with `--logger_numerics`). */
export type Row = Record<string, unknown>;

/** What a table row says about the thing; the reader adds host, time and source. */
export type RowFacts = Omit<Observation, "source" | "host" | "seenAt">;

export type TableSpec = {
  table: string;
  /** A row is from this table when it has every `required` column and, if given, one of `anyOf`. */
  required: readonly string[];
  anyOf?: readonly string[];
  /** The observation for a row; undefined when the row has no usable name. */
  toFacts(row: Row): RowFacts | undefined;
  /** Rows that say nothing to match (an unsigned file in `authenticode`): skipped without a warning. */
  skip?(row: Row): boolean;
  /**
   * Columns any one of which, when it is a non-blank string or a number, makes `toFacts` give
   * facts and `skip` say no: a results-log line the catalog prefilter clears then counts as one
   * observation without being parsed (checked for every table by the tests).
   */
  nameColumns: readonly string[];
  /**
   * Columns `toFacts` reads for the observation's version and nothing else (not for a purl):
   * a results-log line's repeat key leaves their values out (`ReadContext.repeat`; checked for
   * every table by the tests).
   */
  versionOnly?: readonly string[];
};

/** Most specific first: `apps` and `chrome_extensions` also have `path`, `name` and `version`. */
export const TABLES: readonly TableSpec[] = [
  {
    // macOS >= 10.15: endpoint-security, network and driver extensions (com.kaspersky.kav.sysext)
    table: "system_extensions",
    nameColumns: ["identifier"],
    versionOnly: ["version"],
    required: ["identifier", "category"],
    anyOf: ["team", "bundle_path", "state", "UUID"],
    toFacts: (row) =>
      named({
        kind: "driver",
        name: str(row, "identifier"),
        version: str(row, "version"),
        // the original path lies inside the app that installed it, which names the product
        path: str(row, "path") ?? str(row, "bundle_path"),
        ids: ids({ bundleId: str(row, "identifier") }),
      }),
  },
  {
    // macOS kexts: `name` is the bundle id (com.kaspersky.kext.klif)
    table: "kernel_extensions",
    nameColumns: ["name"],
    versionOnly: ["version"],
    required: ["name", "linked_against"],
    anyOf: ["idx", "refs", "size"],
    toFacts: (row) =>
      named({ kind: "driver", name: str(row, "name"), version: str(row, "version"), path: str(row, "path"), ids: ids({ bundleId: str(row, "name") }) }),
  },
  {
    // Windows code signatures; `subject_name` is the signer (AO Kaspersky Lab), empty when unsigned
    table: "authenticode",
    nameColumns: ["subject_name"],
    required: ["path", "subject_name"],
    anyOf: ["issuer_name", "serial_number", "result", "original_program_name"],
    skip: (row) => str(row, "subject_name") === undefined,
    toFacts: (row) => named({ kind: "signer", name: str(row, "subject_name"), path: str(row, "path") }),
  },
  {
    // products registered with Windows Security Center (antivirus, firewall, antispyware)
    table: "windows_security_products",
    nameColumns: ["name"],
    required: ["type", "name", "state"],
    anyOf: ["remediation_path", "signatures_up_to_date", "state_timestamp"],
    toFacts: (row) => {
      const remediation = str(row, "remediation_path");
      return named({ kind: "software", name: str(row, "name"), path: remediation && !/^[a-z][a-z0-9+.-]*:\/\//i.test(remediation) ? remediation : undefined });
    },
  },
  {
    // Windows device drivers (osquery 3 and later): one row per device; `image` is the .sys file
    table: "drivers",
    nameColumns: ["service", "device_name"],
    versionOnly: ["version"],
    required: ["device_id"],
    anyOf: ["image", "service", "driver_key", "provider", "signed"],
    toFacts: (row) => {
      const image = str(row, "image");
      return named({
        kind: "driver",
        name: (image ? fileName(image) : undefined) ?? str(row, "service") ?? str(row, "device_name"),
        vendor: str(row, "provider"),
        version: str(row, "version"),
        path: image,
      });
    },
  },
  {
    // Windows drivers as older osquery listed them (service-like columns and the .inf file)
    table: "drivers",
    nameColumns: ["name"],
    required: ["name", "start_type", "inf"],
    toFacts: (row) => named({ kind: "driver", name: str(row, "name"), path: executablePath(str(row, "path")) }),
  },
  {
    table: "apps",
    nameColumns: ["display_name", "bundle_name"],
    versionOnly: ["bundle_short_version", "bundle_version"],
    required: ["bundle_identifier"],
    toFacts: (row) =>
      named({
        kind: "software",
        name: str(row, "display_name") ?? str(row, "bundle_name") ?? str(row, "name")?.replace(/\.app$/i, ""),
        version: str(row, "bundle_short_version") ?? str(row, "bundle_version"),
        path: str(row, "path"),
        ids: ids({ bundleId: str(row, "bundle_identifier") }),
      }),
  },
  {
    table: "chrome_extensions",
    nameColumns: ["name"],
    versionOnly: ["version"],
    required: ["identifier"],
    anyOf: ["from_webstore", "update_url", "browser_type", "permissions", "profile", "author"],
    toFacts: (row) =>
      named({
        kind: "extension",
        name: str(row, "name"),
        vendor: str(row, "author"),
        version: str(row, "version"),
        path: str(row, "path"),
        ids: ids({ extensionId: str(row, "identifier") }),
      }),
  },
  {
    table: "firefox_addons",
    nameColumns: ["name"],
    versionOnly: ["version"],
    required: ["identifier"],
    anyOf: ["creator", "source_url", "location", "autoupdate", "visible", "native"],
    toFacts: (row) =>
      named({
        kind: "extension",
        name: str(row, "name"),
        vendor: str(row, "creator"),
        version: str(row, "version"),
        path: str(row, "path"),
        ids: ids({ extensionId: str(row, "identifier") }),
      }),
  },
  {
    table: "rpm_packages",
    nameColumns: ["name"],
    required: ["name", "release"],
    anyOf: ["arch", "vendor", "package_group", "sha1", "epoch"],
    toFacts: (row) => {
      const name = str(row, "name");
      const version = str(row, "version");
      const release = str(row, "release");
      const full = version && release ? `${version}-${release}` : version;
      const epoch = str(row, "epoch");
      return named({
        kind: "package",
        name,
        vendor: str(row, "vendor"),
        version: full,
        ids: ids({
          purl: purl("rpm", name, full, { arch: str(row, "arch"), epoch: epoch && epoch !== "0" ? epoch : undefined }),
        }),
      });
    },
  },
  {
    table: "deb_packages",
    nameColumns: ["name"],
    required: ["name", "maintainer"],
    anyOf: ["arch", "section", "priority", "admindir", "revision"],
    toFacts: (row) => {
      const name = str(row, "name");
      const version = str(row, "version");
      return named({
        kind: "package",
        name,
        vendor: withoutEmail(str(row, "maintainer")),
        version,
        ids: ids({ purl: purl("deb", name, version, { arch: str(row, "arch") }) }),
      });
    },
  },
  {
    table: "programs",
    nameColumns: ["name"],
    versionOnly: ["version"],
    required: ["name"],
    anyOf: ["identifying_number", "install_location", "uninstall_string", "install_source"],
    toFacts: (row) =>
      named({
        kind: "software",
        name: str(row, "name"),
        vendor: str(row, "publisher"),
        version: str(row, "version"),
        path: str(row, "install_location"),
      }),
  },
  {
    // Windows services: `path` is the command line (quoted, with arguments); a ServiceDll is `module_path`
    table: "services",
    nameColumns: ["name"],
    required: ["name", "start_type"],
    anyOf: ["module_path", "service_type", "display_name"],
    toFacts: (row) => named({ kind: "service", name: str(row, "name"), path: executablePath(str(row, "path")) ?? str(row, "module_path") }),
  },
  {
    table: "processes",
    nameColumns: ["name"],
    required: ["name", "pid"],
    anyOf: ["cmdline", "parent", "cwd"],
    toFacts: (row) => named({ kind: "process", name: str(row, "name"), path: str(row, "path") }),
  },
  {
    // Linux kernel modules (/proc/modules and the module search path)
    table: "kernel_modules",
    nameColumns: ["name"],
    required: ["name", "used_by"],
    anyOf: ["address", "status", "size"],
    toFacts: (row) => named({ kind: "driver", name: str(row, "name") }),
  },
];

/** Columns that hold a vendor in tables we do not know, most telling first. */
const VENDOR_COLUMNS = ["publisher", "vendor", "author", "maintainer"] as const;

/** A row of a table not in TABLES: a `name` is enough for a software observation. */
export function genericFacts(row: Row): RowFacts | undefined {
  const vendor = VENDOR_COLUMNS.map((c) => str(row, c)).find((v) => v !== undefined);
  return named({
    kind: "software",
    name: str(row, "name"),
    vendor: withoutEmail(vendor),
    version: str(row, "version"),
    path: str(row, "path") ?? str(row, "install_location"),
  });
}

/** The table a row comes from, by its column set; undefined for a table not in TABLES. */
export function tableOf(columns: ReadonlySet<string>): TableSpec | undefined {
  return TABLES.find(
    (t) => t.required.every((c) => columns.has(c)) && (!t.anyOf || t.anyOf.some((c) => columns.has(c))),
  );
}

/** The last path segment, either slash (`C:\Windows\System32\drivers\klif.sys` → `klif.sys`). */
function fileName(path: string): string | undefined {
  const name = path.split(/[\\/]/).pop()?.trim();
  return name ? name : undefined;
}

/**
 * The executable of a Windows command line: `"C:\Program Files\x\a.exe" -service` → the quoted
 * part; `C:\Windows\system32\svchost.exe -k netsvcs` → up to `.exe`. Anything else as given.
 */
function executablePath(commandLine: string | undefined): string | undefined {
  if (commandLine === undefined) return undefined;
  const quoted = /^"([^"]+)"/.exec(commandLine);
  if (quoted) return quoted[1]!.trim() || undefined;
  const exe = /^(.+?\.(?:exe|sys|dll|com))(?:\s|$)/i.exec(commandLine);
  return exe ? exe[1] : commandLine;
}

/** `Kaspersky Lab <support@kaspersky.com>` → `Kaspersky Lab` (deb Maintainer style). */
function withoutEmail(value: string | undefined): string | undefined {
  const cleaned = (value === undefined ? undefined : stripTrailingGroup(value, "<", (inside) => !inside.includes(">")).trim());
  return cleaned ? cleaned : undefined;
}


function ids(values: Observation["ids"] & object): Observation["ids"] {
  const present = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  return Object.keys(present).length > 0 ? present : undefined;
}

/** Drops undefined fields, and the whole row when it has no name. */
function named(facts: Omit<RowFacts, "name"> & { name: string | undefined }): RowFacts | undefined {
  if (!facts.name) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in facts) {
    const v = (facts as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as RowFacts;
}
