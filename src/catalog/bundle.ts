/**
 * @module
 * The catalog bundle: the one file a catalog is published, signed and installed as.
 *
 * A bundle is a JSON document holding the catalog's YAML sources verbatim (with their relative
 * paths), its version, date and content digest. It is written as canonical JSON (keys sorted,
 * no spaces), so the same sources always give the same bytes and the same SHA-256, and a
 * publisher can rebuild and compare. Keeping the sources (rather than a compiled form) means an
 * installed bundle passes exactly the checks of a catalog folder (schema, cross-checks, located
 * errors), the digest is computed by the same code, and `catalog show` prints the same facts.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { relative, sep } from "node:path";
import * as z from "zod";
import type { Catalog } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import { IctsError, formatSource } from "../model/errors.js";
import { canonicalJson } from "./digest.js";
import { catalogFiles, loadCatalog } from "./load.js";
import { loadCatalogTexts, type CatalogText } from "./parse.js";

export const BUNDLE_FORMAT = "ictsguard-catalog-bundle";
export const BUNDLE_FORMAT_VERSION = 1;

/** A relative path inside the catalog folder: `/`-separated, no `..`, a YAML file. */
const BundlePath = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\\\u0000]+\.ya?ml$/i, "expected a relative path of a .yaml file, without '..'");

export const CatalogBundle = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    version: z.string().min(1),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** The catalog's content digest (the one reports carry), hex SHA-256. */
    digest: z.string().regex(/^[0-9a-f]{64}$/),
    files: z.array(z.object({ path: BundlePath, text: z.string() }).strict()).min(1),
  })
  .strict();
export type CatalogBundle = z.infer<typeof CatalogBundle>;

/** A built bundle: its document, its exact bytes and their SHA-256 (what TUF signs). */
export type BuiltBundle = { bundle: CatalogBundle; bytes: Buffer; sha256: string; catalog: Catalog };

/** The bundle's file name, which carries the catalog version: `ictsguard-catalog-2026.11.22.json`. */
export function bundleFileName(version: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) {
    throw new IctsError("bundle/version", `catalog version "${version}" cannot name a file: use letters, digits, '.', '_' and '-'`);
  }
  return `ictsguard-catalog-${version}.json`;
}

/** Builds the bundle of the catalog folder `dir`; the catalog must be valid. */
export async function buildBundle(dir: string): Promise<BuiltBundle> {
  const loaded = await loadCatalog(dir);
  if (!loaded.ok) throw invalid(`the catalog in ${dir}`, loaded.issues);
  const files: CatalogBundle["files"] = [];
  for (const path of await catalogFiles(dir)) {
    files.push({ path: relative(dir, path).split(sep).join("/"), text: await readFile(path, "utf8") });
  }
  const c = loaded.catalog;
  const bundle: CatalogBundle = { format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, version: c.version, date: c.date, digest: c.digest, files };
  bundleFileName(c.version); // the version must be able to name the target
  const bytes = serializeBundle(bundle);
  return { bundle, bytes, sha256: sha256(bytes), catalog: c };
}

/** The canonical bytes of a bundle. */
export function serializeBundle(bundle: CatalogBundle): Buffer {
  return Buffer.from(canonicalJson(bundle) + "\n", "utf8");
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Reads a bundle back and re-checks it: JSON, the bundle schema, every catalog check of the
 * sources, and that the version, date and digest it states are those of its content.
 * `shown` names the bundle in messages (problems in a source are `shown#products/x.yaml:12`).
 */
export function parseBundle(bytes: Uint8Array, shown: string): { bundle: CatalogBundle; catalog: Catalog } {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    throw new IctsError("bundle/json", `${shown}: not a catalog bundle: invalid JSON (${(err as Error).message})`, { source: { file: shown } });
  }
  const parsed = CatalogBundle.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new IctsError("bundle/schema", `${shown}: not a catalog bundle of format ${BUNDLE_FORMAT} v${BUNDLE_FORMAT_VERSION}: ${problems.slice(0, 5).join("; ")}`, {
      source: { file: shown },
    });
  }
  const bundle = parsed.data;
  const texts: CatalogText[] = [...bundle.files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ path: f.path, display: `${shown}#${f.path}`, text: f.text }));
  const loaded = loadCatalogTexts(texts, shown);
  if (!loaded.ok) throw invalid(`the catalog in bundle ${shown}`, loaded.issues);
  const c = loaded.catalog;
  for (const field of ["version", "date", "digest"] as const) {
    if (c[field] !== bundle[field]) {
      throw new IctsError("bundle/mismatch", `${shown}: the bundle says ${field} ${bundle[field]} but its content has ${field} ${c[field]}`, {
        source: { file: shown },
      });
    }
  }
  return { bundle, catalog: c };
}

/** Reads and re-checks the bundle file at `path`. */
export async function readBundle(path: string, shown: string = path): Promise<{ bundle: CatalogBundle; catalog: Catalog; bytes: Buffer; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new IctsError("bundle/io", `cannot read catalog bundle ${shown}: ${(err as Error).message}`, { source: { file: shown } });
  }
  return { ...parseBundle(bytes, shown), bytes, sha256: sha256(bytes) };
}

function invalid(what: string, issues: Issue[]): IctsError {
  const lines = issues.slice(0, 20).map((i) => `  ${formatSource(i.source)}: ${i.message}`);
  const more = issues.length > 20 ? `\n  ... and ${issues.length - 20} more` : "";
  return new IctsError("catalog/invalid", `${what} is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}${more}`, {
    ...(issues[0] ? { source: issues[0].source } : {}),
  });
}
