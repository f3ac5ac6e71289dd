/**
 * @module
 * The restriction catalog: load, validate and cross-check the YAML data under `catalog/`.
 */
export { canonicalJson, defaultCatalogDir, formatPath, loadCatalog, loadCatalogOrThrow, type LoadResult } from "./load.js";
