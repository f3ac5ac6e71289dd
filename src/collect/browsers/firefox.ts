/**
 * @module
 * Firefox add-ons: each profile's `extensions.json` (the add-on database Firefox keeps in the
 * profile folder), streamed record by record. Every add-on of type `extension` is one
 * `extension` observation with its id (`urladvisor@kaspersky.com`, `{uuid}`), name, version and
 * creator. Firefox's own built-in features (locations `app-builtin`, `app-system-defaults`) are
 * not add-ons anyone installed and are left out.
 */
import type { Observation } from "../../model/observation.js";
import { streamJson } from "../../readers/_json.js";
import { listDir, openHostFile } from "../fs.js";
import type { ReportableIssue } from "../../readers/types.js";
import type { CollectContext } from "../types.js";

const BUILT_IN = new Set(["app-builtin", "app-system-defaults"]);

/** Every extension in every profile under one Firefox folder (`~/.mozilla/firefox`). */
export async function* firefoxExtensions(ctx: CollectContext, folder: string): AsyncIterable<Observation> {
  for (const profile of (await listDir(ctx, folder, "Firefox folder")) ?? []) {
    if (!profile.isDirectory()) continue;
    const input = await openHostFile(ctx, `${folder}/${profile.name}/extensions.json`, "Firefox add-on database");
    if (typeof input === "string") continue;
    // a damaged profile database is the browser's problem, not an inventory error: warn
    const warnOnly = { report: (issue: ReportableIssue) => ctx.report({ ...issue, severity: "warning" as const }) };
    for await (const hit of streamJson(input, warnOnly, ["$.addons.*"], "a Firefox extensions.json")) {
      ctx.signal?.throwIfAborted();
      const o = addon(hit.value);
      if (!o) continue;
      o.source = { file: input.path, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer };
      yield o;
    }
  }
}

function addon(value: unknown): Observation | undefined {
  if (!isRecord(value)) return undefined;
  const id = text(value.id);
  if (!id || text(value.type) !== "extension" || BUILT_IN.has(text(value.location) ?? "")) return undefined;
  const locale = isRecord(value.defaultLocale) ? value.defaultLocale : {};
  const o: Observation = { kind: "extension", name: text(locale.name) ?? id, ids: { extensionId: id }, source: { file: "" } };
  const version = text(value.version);
  if (version) o.version = version;
  const creator = text(locale.creator);
  if (creator) o.vendor = creator;
  const path = text(value.path);
  if (path) o.path = path;
  return o;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}
