/**
 * @module
 * Extensions installed in the profiles of a Chromium-family browser (Chrome, Chromium, Edge,
 * Brave): `<browser folder>/<profile>/Extensions/<id>/<version>/manifest.json`. Each extension
 * is one `extension` observation with its 32-letter id, its name, version and author. A name
 * given as `__MSG_key__` is looked up in `_locales/<default_locale>/messages.json` (keys are
 * case-insensitive, as in Chrome). When Chrome keeps an old version folder beside the new one,
 * the highest version is reported. A manifest that cannot be read still gives the extension by
 * its id, which is what identifies it.
 */
import type { Dirent } from "node:fs";
import type { Observation } from "../../model/observation.js";
import { listDir, readSmallFile, reportFsFailure, TooLargeError } from "../fs.js";
import { hostRef, type CollectContext } from "../types.js";

/** Chrome extension ids: 32 letters a–p. */
const EXTENSION_ID = /^[a-p]{32}$/;
const MAX_MANIFEST_BYTES = 1024 * 1024;

export type BrowserFolder = { browser: string; path: string };

/** Every extension of every profile in one browser folder (missing folders yield nothing). */
export async function* chromiumExtensions(ctx: CollectContext, folder: BrowserFolder): AsyncIterable<Observation> {
  const profiles = await listDir(ctx, folder.path, `${folder.browser} folder`);
  for (const profile of profiles ?? []) {
    if (!profile.isDirectory()) continue;
    const extDir = `${folder.path}/${profile.name}/Extensions`;
    const ids = await listDir(ctx, extDir, `${folder.browser} extensions folder`);
    for (const id of ids ?? []) {
      ctx.signal?.throwIfAborted();
      if (!id.isDirectory() || !EXTENSION_ID.test(id.name)) continue;
      const versions = await listDir(ctx, `${extDir}/${id.name}`, "extension folder");
      const version = newestVersion(versions ?? []);
      if (!version) continue;
      yield await extension(ctx, id.name, `${extDir}/${id.name}/${version}`, folder.browser);
    }
  }
}

async function extension(ctx: CollectContext, id: string, dir: string, browser: string): Promise<Observation> {
  const manifestPath = `${dir}/manifest.json`;
  const o: Observation = { kind: "extension", name: id, path: `${dir}/`, ids: { extensionId: id }, source: { file: hostRef(manifestPath) } };
  const manifest = await readJson(ctx, manifestPath, `${browser} extension manifest`);
  if (!isRecord(manifest)) return o;
  const name = await localized(ctx, dir, manifest, "name");
  if (name) o.name = name;
  const version = text(manifest.version);
  if (version) o.version = version;
  const author = isRecord(manifest.author) ? text(manifest.author.email) : text(manifest.author);
  if (author) o.vendor = author;
  return o;
}

/** A manifest string, resolved through `_locales` when it is `__MSG_key__`. */
async function localized(ctx: CollectContext, dir: string, manifest: Record<string, unknown>, key: string): Promise<string | undefined> {
  const value = text(manifest[key]);
  const m = value ? /^__MSG_(.+)__$/.exec(value) : null;
  if (!m) return value;
  const wanted = m[1]!.toLowerCase();
  const locales = text(manifest.default_locale);
  const candidates = [...new Set([locales, locales?.split(/[_-]/)[0], "en", "en_US"].filter((l): l is string => !!l))];
  for (const locale of candidates) {
    const messages = await readJson(ctx, `${dir}/_locales/${locale}/messages.json`, "extension messages");
    if (!isRecord(messages)) continue;
    for (const [k, v] of Object.entries(messages)) {
      if (k.toLowerCase() === wanted && isRecord(v) && text(v.message)) return text(v.message);
    }
  }
  return undefined;
}

/** A small JSON file (BOM allowed); a malformed one is a warning, and undefined. */
export async function readJson(ctx: CollectContext, path: string, what: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readSmallFile(path, MAX_MANIFEST_BYTES);
  } catch (err) {
    if (err instanceof TooLargeError) {
      ctx.report({ code: "host/too-large", severity: "warning", message: `${what} ${path} is ${err.message}; not read`, source: { file: hostRef(path) } });
    } else {
      reportFsFailure(ctx, err, path, what);
    }
    return undefined;
  }
  try {
    return JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (err) {
    ctx.report({
      code: "host/malformed",
      severity: "warning",
      message: `malformed ${what} ${path}: ${(err as Error).message}; expected JSON`,
      source: { file: hostRef(path) },
    });
    return undefined;
  }
}

/** The highest version folder (`1.2.10_0` > `1.2.9_0`). */
export function newestVersion(entries: Dirent[]): string | undefined {
  const dirs = entries.filter((e) => e.isDirectory() && /^\d/.test(e.name)).map((e) => e.name);
  return dirs.sort(compareVersions).pop();
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[._]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}
