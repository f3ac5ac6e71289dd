/**
 * @module
 * Reader for Intune discovered apps from Microsoft Graph (docs formats.md §7):
 * `GET /deviceManagement/detectedApps` (and a device's `/managedDevices/{id}/detectedApps`) pages
 * `{"@odata.context", "value": [{id, displayName, version, sizeInByte, deviceCount, publisher,
 * platform}]}`. With `$expand=managedDevices`, each app lists the devices it was found on: one
 * observation per device, the device name as host (and its last sync as when it was seen);
 * without, one observation per app. Apps of mobile platforms are mobile apps. The report
 * exports (AppInvAggregate, AppInvRawData) come as CSV and go through the CSV reader.
 */
import { jsonRecords } from "../_json-records.js";
import { scanJsonHead } from "../_json-head.js";
import { watchJsonFailures } from "../_sbom.js";
import { createIssueLog } from "../_issues.js";
import { clean, observe } from "../_observe.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";

export const intuneJsonReader = defineReader({
  name: "inventory/intune-json",
  version: 1,
  description: "Intune discovered apps from Microsoft Graph (detectedApps JSON pages, with or without $expand=managedDevices)",
  detect,
  read,
});

function detect(probe: Probe): number {
  if (/"@odata\.context"\s*:\s*"[^"]*#deviceManagement\/(?:managedDevices\([^)]*\)\/)?detectedApps/.test(probe.text.slice(0, 4096))) return 0.95;
  const k = scanJsonHead(probe.text, ["value"]).recordKeys;
  return k.has("displayName") && (k.has("deviceCount") || k.has("sizeInByte")) && (k.has("publisher") || k.has("platform")) ? 0.9 : 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const MOBILE = /^(android|ios|ipad|iphone|windowsphone)/i;

function iso(v: unknown): string | undefined {
  const d = typeof v === "string" ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1 ? d.toISOString() : undefined;
}

/** The observations of one detected app: one per device it lists, else one. */
export function detectedAppObservations(app: unknown, source: SourceRef, report: (i: ReportableIssue) => void): Observation[] {
  if (!isObject(app)) {
    report({ code: "intune/app", message: "expected a detectedApp object (displayName, version, publisher ...); it was skipped", source });
    return [];
  }
  const fields = {
    kind: MOBILE.test(clean(app.platform) ?? "") ? ("mobile-app" as const) : ("software" as const),
    name: clean(app.displayName),
    vendor: clean(app.publisher),
    version: clean(app.version),
  };
  if (!fields.name) {
    report({ code: "intune/app", severity: "warning", message: "a detected app without displayName; it was skipped", source });
    return [];
  }
  const devices = Array.isArray(app.managedDevices) ? app.managedDevices.filter(isObject) : [];
  if (devices.length === 0) return [observe({ ...fields, source })!];
  return devices.map((d) => observe({ ...fields, host: clean(d.deviceName) ?? clean(d.id), seenAt: iso(d.lastSyncDateTime), source })!);
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const watched = watchJsonFailures(ctx);
  const issues = createIssueLog(watched.ctx, input.path);
  let apps = 0;
  for await (const { value, source } of jsonRecords(input, watched.ctx, { what: "Microsoft Graph detectedApps JSON", wrappers: ["value"] })) {
    ctx.signal?.throwIfAborted();
    apps++;
    yield* detectedAppObservations(value, source, (i) => issues.report(i));
  }
  issues.finish();
  if (apps === 0 && !watched.failed()) {
    ctx.report({ code: "intune/empty", severity: "warning", message: "no detected apps: expected a value array of detectedApp objects", source: { file: input.path, line: 1 } });
  }
}
