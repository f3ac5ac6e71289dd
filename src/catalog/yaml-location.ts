/**
 * @module
 * Where a catalog problem is: from a path into a parsed YAML file (`["products", 3, "category"]`)
 * to the `file:line` and JSON pointer of the node, and the path written for people
 * (`products[3].category`). Also turns zod's issues, and the fields zod drops without a word,
 * into such located issues, so every schema problem names the line to fix.
 */
import type { Document, LineCounter, Node } from "yaml";
import { lazyRequire } from "../util/lazy-require.js";

/** Loaded with the YAML sources (see load.ts). */
const yaml = lazyRequire<typeof import("yaml")>("yaml");
import type * as z from "zod";
import type { CatalogFile } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import type { SourceRef } from "../model/observation.js";

export type PathSegment = string | number;
/** One catalog file: its YAML document, kept to locate problems, and the validated data. */
export type ParsedFile = { path: string; display: string; doc: Document; lines: LineCounter; data: CatalogFile };

export function issue(code: string, message: string, source: SourceRef, severity: "error" | "warning" = "error"): Issue {
  return { code, severity, message, source };
}

export function at(file: string, line: number | undefined, pointer?: string): SourceRef {
  const ref: SourceRef = { file };
  if (line !== undefined) ref.line = line;
  if (pointer !== undefined) ref.pointer = pointer;
  return ref;
}

/** The line of the YAML node at `path`, or of its nearest existing ancestor. */
export function lineOf(file: ParsedFile, path: readonly PathSegment[]): number | undefined {
  let node: Node | null | undefined = file.doc.contents as Node | null;
  let best: number | undefined = node?.range?.[0];
  for (const seg of path) {
    if (yaml().isMap(node)) {
      const pair = node.items.find((p) => (yaml().isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      // the key's line: for a block value (a list under `citations:`) that is where it starts
      best = (pair.key as Node | null)?.range?.[0] ?? best;
      node = pair.value as Node | null;
    } else if (yaml().isSeq(node) && typeof seg === "number") {
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

export function where(file: ParsedFile, path: readonly PathSegment[]): SourceRef {
  return at(file.display, lineOf(file, path), pointer(path));
}

export function pointer(path: readonly PathSegment[]): string {
  return "/" + path.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

/** `products[3].category` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out === "" ? "(file)" : out;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as PropertyKey];
  }
  return v;
}

export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 57) + "..." : v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${String(v)}`;
}

export type ZodIssue = z.core.$ZodIssue;

export function pushZodIssue(file: ParsedFile, raw: unknown, zi: ZodIssue, base: PathSegment[], out: Issue[]): void {
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

/** Keys of the raw YAML that the parsed value no longer has: fields the schema does not know. */
export function findUnknownFields(raw: unknown, parsed: unknown, path: PathSegment[], report: (path: PathSegment[], key: string) => void): void {
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
