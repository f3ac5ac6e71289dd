/**
 * @module
 * Loading the restriction catalog: every `*.yaml`/`*.yml` under a folder (sorted, so the result
 * is the same on every machine). The bundled catalog's exact texts are taken compiled
 * (`compiled.ts`); any other texts are parsed and checked by `parse.ts`, loaded only then.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import type { Catalog } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import { IctsError, formatSource } from "../model/errors.js";
import { packagePath } from "../util/package-root.js";
import { compiledKey, readCompiledCatalog, writeCompiledCatalog } from "./compiled.js";
import { issue } from "./yaml-location.js";
import type { CatalogText } from "./parse.js";

// Re-exported so this module keeps the public names it had before the split (index.ts imports
// them from here).
export { canonicalJson } from "./digest.js";
export { formatPath } from "./yaml-location.js";

export type LoadResult = { ok: true; catalog: Catalog; warnings: Issue[] } | { ok: false; issues: Issue[] };

/** The catalog bundled with the package. */
export function defaultCatalogDir(): string {
  return packagePath("catalog");
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Loads, validates and cross-checks the catalog in `dir` (default: the bundled catalog). */
export async function loadCatalog(dir: string = defaultCatalogDir()): Promise<LoadResult> {
  const issues: Issue[] = [];
  const shownDir = displayPath(dir);

  let paths: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      return { ok: false, issues: [issue("catalog/io", `${shownDir} is not a folder`, { file: shownDir })] };
    }
    paths = await yamlFiles(dir);
  } catch (err) {
    return { ok: false, issues: [issue("catalog/io", `cannot read catalog folder ${shownDir}: ${(err as Error).message}`, { file: shownDir })] };
  }
  if (paths.length === 0) {
    return { ok: false, issues: [issue("catalog/empty", `no *.yaml or *.yml files in ${shownDir}`, { file: shownDir })] };
  }

  const texts: CatalogText[] = [];
  for (const path of paths) {
    const display = displayPath(path);
    try {
      texts.push({ path, display, text: await readFile(path, "utf8") });
    } catch (err) {
      issues.push(issue("catalog/io", `cannot read: ${(err as Error).message}`, { file: display }));
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  // the bundled catalog, compiled by the build, when these are exactly its texts (compiled.ts)
  const compiled = readCompiledCatalog(compiledKey(dir, texts));
  if (compiled) return { ok: true, catalog: compiled, warnings: [] };
  // parsed and checked: only now are the YAML parser and the catalog's zod schema loaded
  return (await import("./parse.js")).loadCatalogTexts(texts, shownDir);
}

/**
 * Loads the catalog folder `dir` the full way and, when it is valid with no warnings, writes its
 * compiled form to `file` (the build's step for the bundled catalog; see compiled.ts).
 */
export async function compileCatalogFolder(dir: string, file: string): Promise<"written" | "invalid" | "warnings"> {
  const texts: CatalogText[] = [];
  for (const path of await yamlFiles(dir)) texts.push({ path, display: displayPath(path), text: await readFile(path, "utf8") });
  const result = (await import("./parse.js")).loadCatalogTexts(texts, displayPath(dir));
  if (!result.ok) return "invalid";
  if (result.warnings.length > 0) return "warnings";
  writeCompiledCatalog(compiledKey(dir, texts), result.catalog, file);
  return "written";
}

/** The `*.yaml`/`*.yml` files of a catalog folder, sorted as the loader reads them. */
export async function catalogFiles(dir: string): Promise<string[]> {
  return yamlFiles(dir);
}

/** Like {@link loadCatalog}, but throws `IctsError("catalog/invalid")` listing the problems. */
export async function loadCatalogOrThrow(dir?: string): Promise<Catalog> {
  const result = await loadCatalog(dir);
  if (result.ok) return result.catalog;
  const shown = displayPath(dir ?? defaultCatalogDir());
  const lines = result.issues.map((i) => `  ${formatSource(i.source)}: ${i.message}`);
  const first = result.issues[0];
  throw new IctsError(
    "catalog/invalid",
    `the catalog in ${shown} is invalid (${result.issues.length} problem${result.issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    first ? { source: first.source } : {},
  );
}

// ---------------------------------------------------------------------------------------------
// Files

async function yamlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) found.push(full);
    }
  };
  await walk(dir);
  // Sorted by the path relative to the folder, with '/' separators: the same order everywhere.
  const key = (p: string) => relative(dir, p).split(sep).join("/");
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
