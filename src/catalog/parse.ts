/**
 * @module
 * Parsing and checking a catalog's files: each validated against the schema of
 * `model/catalog.ts` with its problems located at `file:line` (`yaml-location.ts`), then
 * cross-checked as a whole (`cross-check.ts`). A valid catalog is assembled from its files and
 * gets a content digest (`digest.ts`). Loaded by `load.ts` only for texts that are not the
 * compiled bundled catalog, so a command that uses the bundled one loads neither YAML nor zod.
 */
import { CatalogFile, type Catalog } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import { lazyRequire } from "../util/lazy-require.js";
import { crossCheck } from "./cross-check.js";
import { contentDigest } from "./digest.js";
import type { LoadResult } from "./load.js";
import { at, findUnknownFields, formatPath, issue, pushZodIssue, where, type ParsedFile, type ZodIssue } from "./yaml-location.js";

const yaml = lazyRequire<typeof import("yaml")>("yaml");

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
