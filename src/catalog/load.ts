/**
 * @module
 * Loading the restriction catalog: every `*.yaml`/`*.yml` under a folder (sorted, so the result
 * is the same on every machine), each validated against the schema of `model/catalog.ts` with
 * its problems located at `file:line`, then cross-checked as a whole (one metadata section,
 * unique ids, citations that resolve, references between entries, the confirmed/unconfirmed
 * convention, identifiers the matchers can use). A valid catalog gets a content digest.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import {
  CatalogFile,
  PROFILES,
  type Alias,
  type Catalog,
  type Citation,
  type Entity,
  type IdentifierKind,
  type IdentifierValue,
  type Lookalike,
  type Product,
  type ProfileDef,
  type Rule,
  type Source,
} from "../model/catalog.js";
import { IctsError, formatSource, type Issue } from "../model/issue.js";
import type { SourceRef } from "../model/observation.js";
import { identifierKey } from "../match/catalog-index.js";
import { normalizeOrgName, normalizeProductName } from "../match/normalize.js";
import { packagePath } from "../util/package-root.js";

export type LoadResult = { ok: true; catalog: Catalog; warnings: Issue[] } | { ok: false; issues: Issue[] };

/** The catalog bundled with the package. */
export function defaultCatalogDir(): string {
  return packagePath("catalog");
}

type PathSegment = string | number;
type ParsedFile = { path: string; display: string; doc: Document; lines: LineCounter; data: CatalogFile };
type Section = "sources" | "entities" | "products" | "lookalikes" | "rules" | "profiles";
/** An entry of a section, with the file and YAML path it came from. */
type Located<T> = { value: T; file: ParsedFile; path: PathSegment[] };

// ---------------------------------------------------------------------------------------------
// Entry points

/** Loads, validates and cross-checks the catalog in `dir` (default: the bundled catalog). */
export async function loadCatalog(dir: string = defaultCatalogDir()): Promise<LoadResult> {
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
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

  const files: ParsedFile[] = [];
  for (const path of paths) {
    const parsed = await parseFile(path, issues, warnings);
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

async function parseFile(path: string, issues: Issue[], warnings: Issue[]): Promise<ParsedFile | undefined> {
  const display = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    issues.push(issue("catalog/io", `cannot read: ${(err as Error).message}`, { file: display }));
    return undefined;
  }
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

/** Keys of the raw YAML that the parsed value no longer has: fields the schema does not know. */
function findUnknownFields(raw: unknown, parsed: unknown, path: PathSegment[], report: (path: PathSegment[], key: string) => void): void {
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    raw.forEach((item, i) => findUnknownFields(item, parsed[i], [...path, i], report));
  } else if (isPlainObject(raw) && isPlainObject(parsed)) {
    for (const key of Object.keys(raw)) {
      if (!(key in parsed)) report(path, key);
      else findUnknownFields(raw[key], parsed[key], [...path, key], report);
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

// ---------------------------------------------------------------------------------------------
// Locations and messages

function issue(code: string, message: string, source: SourceRef, severity: "error" | "warning" = "error"): Issue {
  return { code, severity, message, source };
}

function at(file: string, line: number | undefined, pointer?: string): SourceRef {
  const ref: SourceRef = { file };
  if (line !== undefined) ref.line = line;
  if (pointer !== undefined) ref.pointer = pointer;
  return ref;
}

/** The line of the YAML node at `path`, or of its nearest existing ancestor. */
function lineOf(file: ParsedFile, path: readonly PathSegment[]): number | undefined {
  let node: Node | null | undefined = file.doc.contents as Node | null;
  let best: number | undefined = node?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      // the key's line: for a block value (a list under `citations:`) that is where it starts
      best = (pair.key as Node | null)?.range?.[0] ?? best;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | null | undefined;
      if (!item) break;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      break;
    }
  }
  return best === undefined ? undefined : file.lines.linePos(best).line;
}

function where(file: ParsedFile, path: readonly PathSegment[]): SourceRef {
  return at(file.display, lineOf(file, path), pointer(path));
}

function pointer(path: readonly PathSegment[]): string {
  return "/" + path.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

/** `products[3].category` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out === "" ? "(file)" : out;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as PropertyKey];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 57) + "..." : v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${String(v)}`;
}

type ZodIssue = z.core.$ZodIssue;

function pushZodIssue(file: ParsedFile, raw: unknown, zi: ZodIssue, base: PathSegment[], out: Issue[]): void {
  const path = [...base, ...(zi.path as PathSegment[])];
  const got = valueAt(raw, path);
  const push = (p: PathSegment[], message: string) =>
    out.push(issue("catalog/schema", `${formatPath(p)}: ${message}`, where(file, p)));

  switch (zi.code) {
    case "invalid_value":
      push(path, `expected ${zi.values.length === 1 ? JSON.stringify(zi.values[0]) : `one of ${zi.values.join(", ")}`} (got ${describe(got)})`);
      return;
    case "invalid_type":
      if (got === undefined) push(path, `is required (expected ${zi.expected})`);
      else push(path, `expected ${zi.expected} (got ${describe(got)})`);
      return;
    case "invalid_format":
      push(path, `${zi.message} (got ${describe(got)})`);
      return;
    case "unrecognized_keys":
      for (const key of zi.keys) push([...path, key], `unknown field ${JSON.stringify(key)}`);
      return;
    case "too_small":
    case "too_big":
      push(path, zi.origin === "string" ? `${zi.message} (got ${describe(got)})` : zi.message);
      return;
    case "invalid_union": {
      // Report the branch that fits the value's shape (a mapping for an object branch ...).
      const branches = zi.errors.filter((branch) => !branch.some((e) => e.code === "invalid_type" && e.path.length === 0));
      if (branches.length > 0) {
        const fewest = branches.reduce((a, b) => (b.length < a.length ? b : a));
        for (const e of fewest) pushZodIssue(file, raw, e, path, out);
      } else {
        push(path, `expected a string or a mapping (got ${describe(got)})`);
      }
      return;
    }
    default:
      push(path, zi.message);
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-checks

function collect<T>(files: ParsedFile[], section: Section): Located<T>[] {
  const out: Located<T>[] = [];
  for (const file of files) {
    (file.data[section] as T[]).forEach((value, i) => out.push({ value, file, path: [section, i] }));
  }
  return out;
}

const SECTION_NOUN: Record<Section, string> = {
  sources: "source",
  entities: "entity",
  products: "product",
  lookalikes: "look-alike",
  rules: "rule",
  profiles: "profile",
};

/** Identifier kinds whose matcher also takes prefixes (a value ending in `*`). */
const PREFIX_KINDS = new Set<IdentifierKind>([
  "bundleIds",
  "bundleIdPrefixes",
  "androidPackages",
  "extensionIds",
  "processes",
  "services",
  "drivers",
  "cpes",
  "paths",
]);

function crossCheck(files: ParsedFile[], shownDir: string, issues: Issue[], warnings: Issue[]): void {
  const err = (code: string, message: string, source: SourceRef) => issues.push(issue(code, message, source));
  const warn = (code: string, message: string, source: SourceRef) => warnings.push(issue(code, message, source, "warning"));
  const loc = (l: Located<unknown>, ...sub: PathSegment[]) => where(l.file, [...l.path, ...sub]);
  const place = (l: Located<unknown>, ...sub: PathSegment[]) => {
    const s = loc(l, ...sub);
    return s.line === undefined ? s.file : `${s.file}:${s.line}`;
  };

  // --- metadata: exactly one `catalog:` section
  const metas = files.filter((f) => f.data.catalog !== undefined);
  if (metas.length === 0) {
    err("catalog/meta", "no file has the `catalog:` section (version and date)", { file: shownDir });
  }
  for (const extra of metas.slice(1)) {
    const first = metas[0]!;
    err("catalog/meta", `a second \`catalog:\` section (the first is at ${first.display}:${lineOf(first, ["catalog"]) ?? 1}); exactly one is allowed`, where(extra, ["catalog"]));
  }
  for (const f of metas) {
    if (!isRealDate(f.data.catalog!.date)) err("catalog/date", `catalog.date: ${f.data.catalog!.date} is not a calendar date`, where(f, ["catalog", "date"]));
  }

  const sources = collect<Source>(files, "sources");
  const entities = collect<Entity>(files, "entities");
  const products = collect<Product>(files, "products");
  const lookalikes = collect<Lookalike>(files, "lookalikes");
  const rules = collect<Rule>(files, "rules");
  const profiles = collect<ProfileDef>(files, "profiles");

  // --- unique ids per section
  const byId = <T extends { id: string }>(section: Section, list: Located<T>[]): Map<string, Located<T>> => {
    const map = new Map<string, Located<T>>();
    for (const l of list) {
      const first = map.get(l.value.id);
      if (first) {
        err("catalog/duplicate-id", `duplicate ${SECTION_NOUN[section]} id "${l.value.id}" (also at ${place(first, "id")})`, loc(l, "id"));
      } else {
        map.set(l.value.id, l);
      }
    }
    return map;
  };
  const sourceById = byId("sources", sources);
  const entityById = byId("entities", entities);
  byId("products", products);
  byId("lookalikes", lookalikes);
  byId("rules", rules);
  const profileById = byId("profiles", profiles);

  // --- citations resolve; the confirmed/unconfirmed convention
  const used = new Set<string>();
  const checkCitations = (l: Located<unknown>, cites: Citation[] | undefined, ...sub: PathSegment[]) => {
    (cites ?? []).forEach((c, i) => {
      used.add(c.source);
      if (!sourceById.has(c.source)) {
        err("catalog/unknown-source", `${formatPath([...l.path, ...sub, i, "source"])}: unknown source "${c.source}" (define it under sources:)`, loc(l, ...sub, i, "source"));
      }
      if (!c.confirmed && !c.note) {
        err("catalog/unconfirmed", `${formatPath([...l.path, ...sub, i])}: an unconfirmed citation needs a note saying what is not confirmed`, loc(l, ...sub, i));
      }
    });
  };
  const allUnconfirmed = (cites: Citation[] | undefined) => cites !== undefined && cites.length > 0 && cites.every((c) => !c.confirmed);
  const hasNote = (cites: Citation[] | undefined) => (cites ?? []).some((c) => c.note);

  const checkAliases = (l: Located<unknown>, aliases: (string | Alias)[]) => {
    aliases.forEach((a, i) => {
      if (typeof a === "string") return;
      checkCitations(l, a.citations, "aliases", i, "citations");
      if (!a.confirmed && !a.note) {
        err("catalog/unconfirmed", `${formatPath([...l.path, "aliases", i])}: an unconfirmed alias needs a note saying what is not confirmed`, loc(l, "aliases", i));
      }
      if (a.confirmed && allUnconfirmed(a.citations)) {
        err("catalog/unconfirmed", `${formatPath([...l.path, "aliases", i])}: alias "${a.name}" is marked confirmed but all its citations are unconfirmed`, loc(l, "aliases", i));
      }
    });
  };

  for (const l of entities) {
    const e = l.value;
    checkCitations(l, e.citations, "citations");
    checkAliases(l, e.aliases);
    if (e.address && !e.address.confirmed && !e.note) {
      err("catalog/unconfirmed", `${formatPath([...l.path, "address"])}: an unconfirmed address needs the entity's note to say what is not confirmed`, loc(l, "address"));
    }
    if (allUnconfirmed(e.citations)) warn("catalog/unconfirmed", `entity "${e.id}" rests only on unconfirmed citations`, loc(l, "citations"));
    if (e.country !== undefined && !/^[A-Z]{2}$/.test(e.country)) err("catalog/country", `${formatPath([...l.path, "country"])}: expected an upper-case ISO 3166-1 alpha-2 code (got "${e.country}")`, loc(l, "country"));
  }
  for (const l of products) {
    checkCitations(l, l.value.citations, "citations");
    checkAliases(l, l.value.aliases);
    if (allUnconfirmed(l.value.citations)) warn("catalog/unconfirmed", `product "${l.value.id}" rests only on unconfirmed citations`, loc(l, "citations"));
  }
  for (const l of lookalikes) checkCitations(l, l.value.citations, "citations");
  for (const l of rules) {
    const r = l.value;
    checkCitations(l, r.citations, "citations");
    r.penalties.forEach((p, i) => {
      checkCitations(l, p.citations, "penalties", i, "citations");
      if (!p.confirmed && !hasNote(p.citations)) {
        err("catalog/unconfirmed", `${formatPath([...l.path, "penalties", i])}: an unconfirmed penalty needs a citation with a note saying what is not confirmed`, loc(l, "penalties", i));
      }
      if (p.confirmed && allUnconfirmed(p.citations)) {
        err("catalog/unconfirmed", `${formatPath([...l.path, "penalties", i])}: marked confirmed but all its citations are unconfirmed`, loc(l, "penalties", i));
      }
    });
    const phaseIds = new Map<string, number>();
    r.phases.forEach((ph, i) => {
      checkCitations(l, ph.citations, "phases", i, "citations");
      const firstIdx = phaseIds.get(ph.id);
      if (firstIdx !== undefined) {
        err("catalog/duplicate-id", `duplicate phase id "${ph.id}" in rule "${r.id}" (also at ${place(l, "phases", firstIdx, "id")})`, loc(l, "phases", i, "id"));
      } else {
        phaseIds.set(ph.id, i);
      }
      if (!ph.fromConfirmed && !hasNote(ph.citations)) {
        err("catalog/unconfirmed", `${formatPath([...l.path, "phases", i])}: fromConfirmed is false, so a citation needs a note saying what is not confirmed`, loc(l, "phases", i, "fromConfirmed"));
      }
      if (ph.fromConfirmed && allUnconfirmed(ph.citations)) {
        err("catalog/unconfirmed", `${formatPath([...l.path, "phases", i])}: all citations are unconfirmed, so fromConfirmed must be false`, loc(l, "phases", i));
      }
      if (!isRealDateOrInstant(ph.from)) err("catalog/date", `${formatPath([...l.path, "phases", i, "from"])}: ${ph.from} is not a real date`, loc(l, "phases", i, "from"));
      if (ph.to !== undefined) {
        if (!isRealDateOrInstant(ph.to)) err("catalog/date", `${formatPath([...l.path, "phases", i, "to"])}: ${ph.to} is not a real date`, loc(l, "phases", i, "to"));
        else if (startOf(ph.to) <= startOf(ph.from)) err("catalog/date", `${formatPath([...l.path, "phases", i, "to"])}: ends (${ph.to}) before it starts (${ph.from})`, loc(l, "phases", i, "to"));
      }
    });
  }
  for (const l of sources) {
    if (!used.has(l.value.id)) warn("catalog/unused-source", `source "${l.value.id}" is cited nowhere`, loc(l, "id"));
  }

  // --- references between entries
  for (const l of entities) {
    const e = l.value;
    if (e.parent === undefined) continue;
    const parent = entityById.get(e.parent);
    if (!parent) err("catalog/unknown-entity", `${formatPath([...l.path, "parent"])}: unknown entity "${e.parent}"`, loc(l, "parent"));
    else if (parent.value.type === "person") err("catalog/unknown-entity", `${formatPath([...l.path, "parent"])}: "${e.parent}" is a person and cannot be a parent`, loc(l, "parent"));
  }
  // parents acyclic: follow each chain; report a cycle once, at the entity where it closes
  const reported = new Set<string>();
  for (const l of entities) {
    const seen: string[] = [];
    let cur: Located<Entity> | undefined = l;
    while (cur && cur.value.parent !== undefined) {
      if (seen.includes(cur.value.id)) {
        const cycle = seen.slice(seen.indexOf(cur.value.id));
        const key = [...cycle].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          err("catalog/parent-cycle", `entities form a parent cycle: ${[...cycle, cur.value.id].join(" → ")}`, loc(cur, "parent"));
        }
        break;
      }
      seen.push(cur.value.id);
      cur = entityById.get(cur.value.parent);
    }
  }
  for (const l of products) {
    const vendor = entityById.get(l.value.vendor);
    if (!vendor) err("catalog/unknown-entity", `${formatPath([...l.path, "vendor"])}: unknown vendor "${l.value.vendor}" (define it under entities:)`, loc(l, "vendor"));
    else if (vendor.value.type === "person") err("catalog/unknown-entity", `${formatPath([...l.path, "vendor"])}: "${l.value.vendor}" is a person, not a vendor`, loc(l, "vendor"));
  }
  for (const l of rules) {
    const r = l.value;
    r.entities.forEach((id, i) => {
      if (!entityById.has(id)) err("catalog/unknown-entity", `${formatPath([...l.path, "entities", i])}: unknown entity "${id}"`, loc(l, "entities", i));
    });
    r.countries.forEach((c, i) => {
      if (!/^[A-Z]{2}$/.test(c)) err("catalog/country", `${formatPath([...l.path, "countries", i])}: expected an upper-case ISO 3166-1 alpha-2 code (got "${c}")`, loc(l, "countries", i));
    });
    if (r.entities.length === 0 && r.countries.length === 0) err("catalog/rule", `rule "${r.id}" covers nothing: give entities or countries`, loc(l, "id"));
    const overlap = (r.categories ?? []).filter((c) => r.excludedCategories.includes(c));
    if (overlap.length > 0) err("catalog/rule", `rule "${r.id}": ${overlap.join(", ")} both in categories and excludedCategories`, loc(l, "excludedCategories"));
    const prohibits = r.phases.some((p) => p.prohibits.length > 0);
    if (r.kind === "prohibition" && !prohibits) warn("catalog/rule", `rule "${r.id}" is a prohibition but no phase prohibits anything`, loc(l, "kind"));
    if (r.kind !== "prohibition" && prohibits) warn("catalog/rule", `rule "${r.id}" is a ${r.kind} but has prohibitions (use kind: prohibition)`, loc(l, "kind"));
  }
  for (const p of PROFILES) {
    if (!profileById.has(p)) err("catalog/profile", `profile "${p}" is not defined (every scan profile needs its holdingActions)`, profiles[0] ? loc(profiles[0]) : { file: shownDir });
  }

  // Identifiers, names and publishers are compared per corporate family: only once references
  // and parents are sound.
  if (issues.length === 0) checkIdentifiers(products, lookalikes, entities, err, warn, loc, place);
}

function checkIdentifiers(
  products: Located<Product>[],
  lookalikes: Located<Lookalike>[],
  entities: Located<Entity>[],
  err: (code: string, message: string, source: SourceRef) => void,
  warn: (code: string, message: string, source: SourceRef) => void,
  loc: (l: Located<unknown>, ...sub: PathSegment[]) => SourceRef,
  place: (l: Located<unknown>, ...sub: PathSegment[]) => string,
): void {
  type Seen = { owner: Located<Product>; sub: PathSegment[] };
  const seen = new Map<string, Seen>();
  const keyOf = (kind: IdentifierKind, value: string) => {
    const prefix = kind === "bundleIdPrefixes" || kind === "paths" || value.endsWith("*");
    return `${kind}:${prefix ? "prefix:" : ""}${identifierKey(kind, value.replace(/\*$/, ""))}`;
  };

  const shapeProblem = (kind: IdentifierKind, value: string): string | undefined => {
    if (value !== value.trim()) return "has leading or trailing spaces";
    const star = value.indexOf("*");
    if (star >= 0 && star !== value.length - 1) return "a `*` may only end a value (a prefix)";
    if (star >= 0 && !PREFIX_KINDS.has(kind)) return `${kind} are matched exactly: no \`*\` prefixes`;
    switch (kind) {
      case "bundleIdPrefixes":
        return value.endsWith(".") ? undefined : "a bundle-id prefix ends in a dot, e.g. com.vendor.";
      case "packages":
        return /^[a-z0-9.+-]+\/\S+$/.test(value) ? undefined : "expected purl type and name, e.g. deb/kesl or npm/@scope/name";
      case "cpes":
        return /^[^:\s]+:[^:\s]+$/.test(value) ? undefined : "expected vendor:product, e.g. kaspersky:kaspersky_anti-virus";
      case "domains":
        return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/i.test(value) ? undefined : "expected a host or registrable domain name (no scheme, path or wildcard)";
      default:
        return undefined;
    }
  };

  for (const l of products) {
    for (const [kind, values] of Object.entries(l.value.identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      (values ?? []).forEach((raw, i) => {
        const value = typeof raw === "string" ? raw : raw.value;
        const sub: PathSegment[] = ["identifiers", kind, i];
        const problem = shapeProblem(kind, value);
        if (problem) err("catalog/identifier", `${formatPath([...l.path, ...sub])}: "${value}": ${problem}`, loc(l, ...sub));
        const key = keyOf(kind, value);
        const first = seen.get(key);
        if (!first) seen.set(key, { owner: l, sub });
        else if (first.owner.value.id !== l.value.id)
          err("catalog/identifier", `${formatPath([...l.path, ...sub])}: ${kind} "${value}" is also an identifier of product "${first.owner.value.id}" (${place(first.owner, ...first.sub)}); an identifier names one product`, loc(l, ...sub));
        else warn("catalog/identifier", `${formatPath([...l.path, ...sub])}: ${kind} "${value}" is listed twice`, loc(l, ...sub));
      });
    }
  }

  // product names and aliases, normalized as the matcher sees them
  const aliasOwner = new Map<string, { owner: Located<Product>; sub: PathSegment[] }>();
  for (const l of products) {
    const names: [string, PathSegment[]][] = [
      [l.value.name, ["name"]],
      ...l.value.aliases.map((a, i): [string, PathSegment[]] => [typeof a === "string" ? a : a.name, ["aliases", i]]),
    ];
    for (const [name, sub] of names) {
      const key = normalizeProductName(name);
      if (key === "") {
        if (sub[0] === "aliases") err("catalog/alias", `${formatPath([...l.path, ...sub])}: "${name}" is empty once versions and punctuation are removed`, loc(l, ...sub));
        continue;
      }
      const first = aliasOwner.get(key);
      if (!first) aliasOwner.set(key, { owner: l, sub });
      else if (first.owner.value.id !== l.value.id)
        warn("catalog/alias", `${formatPath([...l.path, ...sub])}: "${name}" reads the same as a name of product "${first.owner.value.id}" (${place(first.owner, ...first.sub)})`, loc(l, ...sub));
    }
  }

  // publisher strings and entity names, normalized as the matcher sees them: one group each
  const groupOf = new Map<string, string>();
  const entityMap = new Map(entities.map((l) => [l.value.id, l.value]));
  const topOf = (id: string): string => {
    const visited = new Set<string>();
    let e = entityMap.get(id);
    while (e?.parent && !visited.has(e.id)) {
      visited.add(e.id);
      const up = entityMap.get(e.parent);
      if (!up) break;
      e = up;
    }
    return e?.id ?? id;
  };
  const publisherOwner = new Map<string, { group: string; owner: Located<Entity>; sub: PathSegment[] }>();
  for (const l of entities) {
    if (l.value.type === "person") continue;
    const group = topOf(l.value.id);
    groupOf.set(l.value.id, group);
    const names: [string, PathSegment[]][] = [
      [l.value.name, ["name"]],
      ...l.value.aliases.map((a, i): [string, PathSegment[]] => [typeof a === "string" ? a : a.name, ["aliases", i]]),
      ...l.value.publishers.map((p, i): [string, PathSegment[]] => [p, ["publishers", i]]),
    ];
    for (const [name, sub] of names) {
      const key = normalizeOrgName(name.replace(/^["'«»]+|["'«»]+$/g, ""));
      if (key === "") continue;
      const first = publisherOwner.get(key);
      if (!first) publisherOwner.set(key, { group, owner: l, sub });
      else if (first.group !== group)
        err("catalog/publisher", `${formatPath([...l.path, ...sub])}: "${name}" reads the same as a name of "${first.owner.value.id}" (${place(first.owner, ...first.sub)}), in another corporate family`, loc(l, ...sub));
    }
  }

  // look-alikes must not hide a restricted product
  for (const l of lookalikes) {
    for (const [kind, values] of Object.entries(l.value.identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      (values ?? []).forEach((raw, i) => {
        const value = typeof raw === "string" ? raw : raw.value;
        const hit = seen.get(keyOf(kind, value));
        if (hit)
          err("catalog/lookalike-conflict", `${formatPath([...l.path, "identifiers", kind, i])}: ${kind} "${value}" is an identifier of product "${hit.owner.value.id}" (${place(hit.owner, ...hit.sub)}); the look-alike would hide it`, loc(l, "identifiers", kind, i));
      });
    }
    l.value.names.forEach((n, i) => {
      const prefix = n.endsWith("*");
      const key = normalizeProductName(prefix ? n.slice(0, -1) : n);
      if (key === "") {
        err("catalog/lookalike-conflict", `${formatPath([...l.path, "names", i])}: "${n}" is empty once normalized`, loc(l, "names", i));
        return;
      }
      for (const [alias, owner] of aliasOwner) {
        if (prefix ? alias.startsWith(key) : alias === key) {
          err("catalog/lookalike-conflict", `${formatPath([...l.path, "names", i])}: "${n}" would hide product "${owner.owner.value.id}" (its name "${alias}")`, loc(l, "names", i));
          break;
        }
      }
    });
    l.value.publishers.forEach((p, i) => {
      const hit = publisherOwner.get(normalizeOrgName(p));
      if (hit) err("catalog/lookalike-conflict", `${formatPath([...l.path, "publishers", i])}: "${p}" is a publisher or name of "${hit.owner.value.id}"; the look-alike would hide it`, loc(l, "publishers", i));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Dates

function isRealDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

function isRealDateOrInstant(value: string): boolean {
  if (!isRealDate(value.slice(0, 10))) return false;
  return value.length === 10 || !Number.isNaN(Date.parse(value));
}

/** A comparable start: instants as epoch ms, dates as midnight UTC. */
function startOf(value: string): number {
  return value.length === 10 ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
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
  const digest = createHash("sha256")
    .update(canonicalJson({ ...content, description: meta.description ?? null }))
    .digest("hex");
  return { ...content, digest };
}

/** JSON with object keys sorted at every level: the same text for the same content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

