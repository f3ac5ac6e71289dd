/**
 * @module
 * Loading the restriction catalog: every `*.yaml`/`*.yml` under a folder (sorted, so the result
 * is the same on every machine), each validated against the schema of `model/catalog.ts` with
 * its problems located at `file:line` (`yaml-location.ts`), then cross-checked as a whole
 * (`cross-check.ts`). A valid catalog is assembled from its files and gets a content digest
 * (`digest.ts`).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { CatalogFile, type Catalog } from "../model/catalog.js";
import { type Issue } from "../model/issue.js";
import { IctsError, formatSource } from "../model/errors.js";
import { packagePath } from "../util/package-root.js";
import { compiledKey, readCompiledCatalog, writeCompiledCatalog } from "./compiled.js";
import { crossCheck } from "./cross-check.js";
import { contentDigest } from "./digest.js";
import { at, findUnknownFields, formatPath, issue, pushZodIssue, where, type ParsedFile, type ZodIssue } from "./yaml-location.js";
import { lazyRequire } from "../util/lazy-require.js";

/** Loaded only when the catalog is read from its YAML sources (not from the compiled catalog). */
const yaml = lazyRequire<typeof import("yaml")>("yaml");

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
  return loadCatalogTexts(texts, shownDir);
}

/**
 * Loads the catalog folder `dir` the full way and, when it is valid with no warnings, writes its
 * compiled form to `file` (the build's step for the bundled catalog; see compiled.ts).
 */
export async function compileCatalogFolder(dir: string, file: string): Promise<"written" | "invalid" | "warnings"> {
  const texts: CatalogText[] = [];
  for (const path of await yamlFiles(dir)) texts.push({ path, display: displayPath(path), text: await readFile(path, "utf8") });
  const result = loadCatalogTexts(texts, displayPath(dir));
  if (!result.ok) return "invalid";
  if (result.warnings.length > 0) return "warnings";
  writeCompiledCatalog(compiledKey(dir, texts), result.catalog, file);
  return "written";
}

/** One catalog file's text, with the name its problems are reported under. */
export type CatalogText = { path: string; display: string; text: string };

/**
 * Validates and cross-checks catalog files given as texts, in the order given (the caller sorts
 * them as {@link loadCatalog} does). A catalog bundle is loaded this way, so an installed
 * bundle passes exactly the checks of a catalog folder.
 */
export function loadCatalogTexts(texts: readonly CatalogText[], shownDir: string): LoadResult {
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  if (texts.length === 0) {
    return { ok: false, issues: [issue("catalog/empty", `no catalog files in ${shownDir}`, { file: shownDir })] };
  }
  const files: ParsedFile[] = [];
  for (const t of texts) {
    const parsed = parseText(t, issues, warnings);
    if (parsed) files.push(parsed);
  }
  // Cross-checks only make sense over a complete catalog: a file that failed would show up as
  // spurious unknown references. Fix the located schema problems first.
  if (issues.length > 0) return { ok: false, issues };

  crossCheck(files, shownDir, issues, warnings);
  if (issues.length > 0) return { ok: false, issues };

  const catalog = assemble(files);
  return { ok: true, catalog, warnings };
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

function parseText({ path, display, text }: CatalogText, issues: Issue[], warnings: Issue[]): ParsedFile | undefined {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  for (const e of doc.errors) {
    issues.push(issue("catalog/yaml", `YAML: ${firstLine(e.message)}`, at(display, lineAt(e.pos[0]))));
  }
  for (const w of doc.warnings) {
    warnings.push(issue("catalog/yaml", `YAML: ${firstLine(w.message)}`, at(display, lineAt(w.pos[0])), "warning"));
  }
  if (doc.errors.length > 0) return undefined;

  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const result = CatalogFile.safeParse(raw);
  if (!result.success) {
    const file = { path, display, doc, lines, data: {} as CatalogFile };
    for (const zi of result.error.issues) pushZodIssue(file, raw, zi as ZodIssue, [], issues);
    return undefined;
  }
  const parsed: ParsedFile = { path, display, doc, lines, data: result.data };
  // Only the top level of a file is strict in the schema; below it zod drops unknown fields
  // silently. A misspelt field (`fromConfimed: false`) must not vanish: report every one.
  const before = issues.length;
  findUnknownFields(raw, result.data, [], (p, key) =>
    issues.push(issue("catalog/schema", `${formatPath([...p, key])}: unknown field ${JSON.stringify(key)}`, where(parsed, [...p, key]))),
  );
  return issues.length === before ? parsed : undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

// ---------------------------------------------------------------------------------------------
// The loaded catalog

function assemble(files: ParsedFile[]): Catalog {
  const meta = files.find((f) => f.data.catalog)!.data.catalog!;
  const content = {
    version: meta.version,
    date: meta.date,
    sources: files.flatMap((f) => f.data.sources),
    entities: files.flatMap((f) => f.data.entities),
    products: files.flatMap((f) => f.data.products),
    lookalikes: files.flatMap((f) => f.data.lookalikes),
    rules: files.flatMap((f) => f.data.rules),
    profiles: files.flatMap((f) => f.data.profiles),
  };
  const digest = contentDigest({ ...content, description: meta.description ?? null });
  return { ...content, digest };
}
