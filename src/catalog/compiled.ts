/**
 * @module
 * The bundled catalog, compiled at build time: `npm run build` loads the bundled catalog folder
 * once (YAML parsing, schema validation, cross-checks: about a quarter of a second, paid by every
 * command that loads the catalog) and writes the result as JSON next to the compiled code
 * (`dist/catalog.compiled.json`). {@link loadCatalog} then uses it instead of parsing, but only
 * for exactly the texts it was made from, by exactly the loader code that made it: the file
 * holds a key, SHA-256 over this format's version, the compiled loader's own modules and every
 * catalog file's relative path and text, and any difference (an edited catalog file, another
 * folder, a rebuilt loader) means the folder is parsed and checked as before.
 *
 * Beside the catalog it holds the transliterations of the non-ASCII names its match index folds
 * (Cyrillic, Chinese), made by the library at build time, so that a scan's start-up does not load
 * the transliteration library (about 40 ms); the library's version is part of the key.
 *
 * It is part of the package, as trusted as the code beside it, and never written at run time.
 * An installed signed update is not compiled: it is re-verified and parsed on every load.
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { createRequire } from "node:module";
import type { Catalog } from "../model/catalog.js";
import { buildCatalogIndex } from "../match/catalog-index.js";
import { buildPrefilter } from "../match/prefilter.js";
import { addTransliterations, recordTransliterations } from "../text/fold.js";
import { packagePath } from "../util/package-root.js";

const require = createRequire(import.meta.url);

/** Bumped when the file's layout changes. */
const FORMAT = "ictsguard-compiled-catalog/2";

/**
 * Where the build writes it: the root of the compiled output (dist/). Named from the package's
 * root, not from this module: the command line runs this code bundled into dist/cli/.
 */
export const COMPILED_CATALOG_FILE = packagePath("dist", "catalog.compiled.json");

/** The modules whose code decides what a catalog folder loads to (compiled, under dist/src/catalog/; bundled from these). */
const LOADER_MODULES = ["./load.js", "./parse.js", "./cross-check.js", "./digest.js", "./yaml-location.js", "../model/catalog.js", "../model/vocabulary.js"];
const LOADER_DIR = packagePath("dist", "src", "catalog");

type CompiledFile = {
  format: string;
  key: string;
  catalog: Catalog;
  /**
   * The transliterations (NFKC text → Latin) that building the match index and the prefilter of
   * this catalog needs, made by the library at build time: a scan then starts without loading it.
   */
  transliterations: Record<string, string>;
};

/** The key of a catalog folder's texts (`path` absolute, under `dir`), loaded by this code. */
export function compiledKey(dir: string, texts: readonly { path: string; text: string }[]): string {
  const hash = createHash("sha256").update(FORMAT).update("\u0000");
  for (const m of LOADER_MODULES) hash.update(readFileSync(join(LOADER_DIR, m))).update("\u0000");
  // the stored transliterations are this version's
  hash.update(readFileSync(require.resolve("transliteration/package.json"))).update("\u0000");
  for (const t of texts) hash.update(relative(dir, t.path).split(sep).join("/")).update("\u0000").update(t.text).update("\u0000");
  return hash.digest("hex");
}

/** The compiled catalog if `file` holds the one for this key; undefined otherwise (missing, another key, unreadable). */
export function readCompiledCatalog(key: string, file: string = COMPILED_CATALOG_FILE): Catalog | undefined {
  let parsed: CompiledFile;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as CompiledFile;
  } catch {
    return undefined;
  }
  if (parsed.format !== FORMAT || parsed.key !== key || !parsed.catalog || !parsed.transliterations) return undefined;
  addTransliterations(parsed.transliterations);
  return parsed.catalog;
}

/** Writes the compiled form of a catalog loaded without warnings (atomically: a reader never sees half a file). */
export function writeCompiledCatalog(key: string, catalog: Catalog, file: string = COMPILED_CATALOG_FILE): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: FORMAT, key, catalog, transliterations: recordTransliterations(() => buildPrefilter(buildCatalogIndex(catalog))) } satisfies CompiledFile));
  renameSync(tmp, file);
}
