/**
 * @module
 * The restriction catalog: load, validate and cross-check the YAML data under `catalog/`.
 */
export { canonicalJson, defaultCatalogDir, formatPath, loadCatalog, loadCatalogOrThrow, type LoadResult } from "./load.js";
export { resolveActiveCatalog, type ActiveCatalog, type CatalogOrigin, type CatalogOriginKind, type ResolveOptions } from "./active.js";
export { catalogFreshness, DEFAULT_MAX_AGE_DAYS, type Freshness } from "./freshness.js";
