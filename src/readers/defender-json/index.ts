/**
 * @module
 * Reader for Microsoft Defender for Endpoint / Defender Vulnerability Management software
 * inventories in JSON (docs formats.md §7): the export API "software inventory assessment per
 * device" (`/api/machines/SoftwareInventoryByMachine`, pages of `{"@odata.context", "value": [...]}`
 * or, "via files", gzipped JSON lines), its non-CPE twin, and advanced hunting results over
 * `DeviceTvmSoftwareInventory` (`{"Schema": [...], "Results": [...]}`). Each row is one
 * observation: `DeviceName` is the host, `SoftwareVendor` / `SoftwareName` / `SoftwareVersion`
 * the software, the first of `DiskPaths[]` the path, `ProductCodeCpe` a CPE, and
 * `SoftwareLastSeenTimestamp` (else `Timestamp`, `SoftwareFirstSeenTimestamp`) when it was seen.
 *
 * Defender's vendor and name are lowercase CPE-style tokens (`kaspersky`, `endpoint_security`),
 * kept as they are: the matcher reads a known publisher token plus a brand-less name as the
 * product (`kaspersky` + `endpoint_security` → Kaspersky Endpoint Security). The CSV exports of
 * the same tables go through the CSV reader.
 */
import { jsonRecords } from "../_json-records.js";
import { scanJsonHead } from "../_json-head.js";
import { watchJsonFailures } from "../_sbom.js";
import { createIssueLog } from "../_issues.js";
import { clean, observe } from "../_observe.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";

export const defenderJsonReader = defineReader({
  name: "inventory/defender-json",
  version: 1,
  description: "Microsoft Defender software inventory JSON: SoftwareInventoryByMachine pages or JSON lines, DeviceTvmSoftwareInventory hunting results",
  detect,
  read,
});

const WRAPPERS = ["value", "Results"] as const;

function detect(probe: Probe): number {
  const head = scanJsonHead(probe.text, WRAPPERS);
  const k = head.recordKeys;
  return k.has("SoftwareName") && k.has("SoftwareVendor") && (k.has("DeviceName") || k.has("DeviceId") || k.has("SoftwareVersion")) ? 0.9 : 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The first path of `DiskPaths`: an array, or (in some exports) the array as a JSON string. */
function firstPath(v: unknown): string | undefined {
  let list = v;
  if (typeof v === "string" && v.trim().startsWith("[")) {
    try {
      list = JSON.parse(v);
    } catch {
      return clean(v);
    }
  }
  if (Array.isArray(list)) return list.map(clean).find((p) => p !== undefined);
  return clean(list);
}

function iso(v: unknown): string | undefined {
  const d = typeof v === "string" ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/** The observation of one inventory row; a row without SoftwareName is reported. */
export function defenderObservation(row: unknown, source: SourceRef, report: (i: ReportableIssue) => void): Observation | undefined {
  if (!isObject(row)) {
    report({ code: "defender/row", message: "expected a software inventory row (an object with SoftwareVendor, SoftwareName ...); it was skipped", source });
    return undefined;
  }
  const cpe = clean(row.ProductCodeCpe);
  const o = observe({
    kind: "software",
    name: clean(row.SoftwareName),
    vendor: clean(row.SoftwareVendor),
    version: clean(row.SoftwareVersion),
    path: firstPath(row.DiskPaths),
    host: clean(row.DeviceName),
    seenAt: iso(row.SoftwareLastSeenTimestamp) ?? iso(row.Timestamp) ?? iso(row.SoftwareFirstSeenTimestamp),
    ids: { cpe: cpe && /^cpe:/i.test(cpe) ? cpe : undefined },
    source,
  });
  if (!o) report({ code: "defender/row", severity: "warning", message: "a row without SoftwareName; it was skipped", source });
  return o;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const watched = watchJsonFailures(ctx);
  const issues = createIssueLog(watched.ctx, input.path);
  let rows = 0;
  for await (const { value, source } of jsonRecords(input, watched.ctx, { what: "a Defender software inventory (JSON rows with SoftwareVendor, SoftwareName)", wrappers: WRAPPERS })) {
    ctx.signal?.throwIfAborted();
    rows++;
    const o = defenderObservation(value, source, (i) => issues.report(i));
    if (o) yield o;
  }
  issues.finish();
  if (rows === 0 && !watched.failed()) {
    ctx.report({ code: "defender/empty", severity: "warning", message: "no inventory rows: expected a value or Results array, or one row per line", source: { file: input.path, line: 1 } });
  }
}
