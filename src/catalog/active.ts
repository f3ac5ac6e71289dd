/**
 * @module
 * Which catalog is in use, and where it came from: the one answer every command asks for
 * (scan, check, catalog list/show/status). In order:
 *
 * 1. `flag`: a folder named explicitly, by `--catalog DIR` or the config's `catalog:`;
 * 2. `installed`: the verified bundle `ictsguard catalog update` installed under
 *    ICTSGUARD_HOME, re-checked (hash against its signed metadata, schema, digest);
 * 3. `bundled`: the catalog shipped in the package.
 *
 * An installed catalog that fails its re-check is not used: the bundled one is, with a warning
 * naming the damaged file. Staleness is judged for whichever catalog is chosen.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Catalog } from "../model/catalog.js";
import type { CatalogOriginInfo } from "../model/finding.js";
import type { Issue } from "../model/issue.js";
import { IctsError } from "../model/errors.js";
import { ictsguardHome } from "../util/home.js";
import { catalogFreshness, DEFAULT_MAX_AGE_DAYS, describeStale, type Freshness } from "./freshness.js";
import { activePointerFile, BUNDLE_FILE } from "./install-paths.js";
import type { InstallRecord } from "./installed.js";
import { defaultCatalogDir, loadCatalogOrThrow } from "./load.js";

export type CatalogOriginKind = CatalogOriginInfo["kind"];

/** Where the catalog in use came from (the report carries it too). */
export type CatalogOrigin = CatalogOriginInfo;

export type ActiveCatalog = {
  catalog: Catalog;
  origin: CatalogOrigin;
  /** Older than `catalogMaxAgeDays`. */
  stale: boolean;
  freshness: Freshness;
  /** What the caller should show or report: a stale catalog, an unusable install. */
  warnings: Issue[];
  /** The install record, for an installed catalog. */
  install?: InstallRecord;
};

export type ResolveOptions = {
  /** `--catalog DIR`. */
  flag?: string | undefined;
  /** The config's `catalog:` and `catalogMaxAgeDays`. */
  config?: { catalog?: string | undefined; catalogMaxAgeDays?: number | undefined };
  /** ICTSGUARD_HOME (default from the environment). */
  home?: string;
  now?: Date;
};

export async function resolveActiveCatalog(options: ResolveOptions = {}): Promise<ActiveCatalog> {
  const warnings: Issue[] = [];
  const explicit = options.flag ?? options.config?.catalog;
  let catalog: Catalog;
  let origin: CatalogOrigin;
  let install: InstallRecord | undefined;

  if (explicit !== undefined) {
    catalog = await loadCatalogOrThrow(explicit);
    origin = { kind: "flag", path: explicit, source: options.flag !== undefined ? "--catalog" : "config" };
  } else {
    const installed = await tryInstalled(options.home ?? ictsguardHome(), warnings);
    if (installed) {
      catalog = installed.catalog;
      install = installed.record;
      origin = { kind: "installed", path: installed.path, source: installed.record.source.location, installedAt: installed.record.installedAt };
    } else {
      catalog = await loadCatalogOrThrow();
      origin = { kind: "bundled", path: defaultCatalogDir() };
    }
  }

  const freshness = catalogFreshness(catalog.date, options.config?.catalogMaxAgeDays ?? DEFAULT_MAX_AGE_DAYS, options.now);
  if (freshness.stale) warnings.push({ code: "catalog/stale", severity: "warning", message: describeStale(catalog, freshness), source: { file: origin.path } });
  return { catalog, origin, stale: freshness.stale, freshness, warnings, ...(install ? { install } : {}) };
}

async function tryInstalled(home: string, warnings: Issue[]): Promise<{ catalog: Catalog; record: InstallRecord; path: string } | undefined> {
  // nothing installed: the install code (and the zod it checks records with) is not loaded
  if (!existsSync(activePointerFile(home))) return undefined;
  try {
    const { loadInstalledCatalog } = await import("./installed.js");
    const installed = await loadInstalledCatalog(home);
    return installed && { catalog: installed.catalog, record: installed.record, path: join(installed.dir, BUNDLE_FILE) };
  } catch (err) {
    if (!(err instanceof IctsError)) throw err;
    warnings.push({
      code: "catalog/installed-unusable",
      severity: "warning",
      message: `the installed catalog cannot be used, so the bundled one is (run \`ictsguard catalog update\` to reinstall): ${err.message}`,
      source: err.source ?? { file: home },
    });
    return undefined;
  }
}
