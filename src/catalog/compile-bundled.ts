/**
 * @module
 * Build step (`npm run build`): compiles the bundled catalog (see compiled.ts). A catalog that
 * loads with problems or warnings is not compiled; every load then reports them as before.
 */
import { rmSync } from "node:fs";
import { COMPILED_CATALOG_FILE } from "./compiled.js";
import { compileCatalogFolder, defaultCatalogDir } from "./load.js";

rmSync(COMPILED_CATALOG_FILE, { force: true });
const outcome = await compileCatalogFolder(defaultCatalogDir(), COMPILED_CATALOG_FILE);
process.stdout.write(`compiled catalog: ${outcome}\n`);
