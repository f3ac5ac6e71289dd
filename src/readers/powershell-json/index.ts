/**
 * @module
 * Reader for PowerShell inventories exported with `ConvertTo-Json` (docs formats.md §4b-§4d):
 *
 * - `Get-ItemProperty HKLM:\SOFTWARE\...\Uninstall\*` (and the WOW6432Node and HKCU ones): one
 *   object per Uninstall key, with `DisplayName`, `Publisher`, `DisplayVersion`, `InstallLocation`
 *   and PowerShell's `PSPath` (the registry key, kept as the record's pointer), `PSChildName` and,
 *   through `Invoke-Command`, `PSComputerName` (the host). Keys without DisplayName and updates
 *   (`ParentKeyName`/`ReleaseType`) are skipped, as in `.reg` exports;
 * - `Get-CimInstance Win32_Product` / `Get-WmiObject Win32_Product`: `Name`, `Vendor`, `Version`,
 *   `InstallLocation`, the host in `PSComputerName`, `__SERVER` or `CimSystemProperties.ServerName`;
 * - `Get-Package`: `Name`, `Version`, `ProviderName` (name and version only: its publisher does
 *   not survive serialization).
 *
 * A single object comes without `[]`; Windows PowerShell 5.1 escapes `<>&'` as `\u003c`...
 * (plain JSON escapes) and writes UTF-16LE from `Out-File` and `>`; `-Compress` in a loop gives
 * one object per line. Arrays are streamed (jsonRecords); each record is located by its number
 * and its registry key or JSON pointer.
 */
import { jsonRecords } from "../_json-records.js";
import { scanJsonHead } from "../_json-head.js";
import { watchJsonFailures } from "../_sbom.js";
import { createIssueLog } from "../_issues.js";
import { clean, observe } from "../_observe.js";
import { installPath, notAProgram, registryPathOf } from "../windows-reg/uninstall.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";

export const powershellJsonReader = defineReader({
  name: "windows/powershell-json",
  version: 1,
  description: "PowerShell ConvertTo-Json of Get-ItemProperty Uninstall keys, Get-CimInstance Win32_Product or Get-Package (array, single object or JSON lines; UTF-16 or UTF-8)",
  detect,
  read,
});

type Kind = "uninstall" | "win32-product" | "package";

/**
 * What a record is, by its properties. A registry key's object (PSPath and PSChildName) without
 * DisplayName is an Uninstall key that is no program, not an unknown object.
 */
function kindOf(keys: ReadonlySet<string>): Kind | undefined {
  if (keys.has("DisplayName") && ["PSPath", "PSChildName", "DisplayVersion", "Publisher", "UninstallString"].some((k) => keys.has(k))) return "uninstall";
  if (keys.has("PSPath") && keys.has("PSChildName")) return "uninstall";
  if (keys.has("Name") && keys.has("IdentifyingNumber") && (keys.has("Vendor") || keys.has("Version"))) return "win32-product";
  if (keys.has("Name") && keys.has("ProviderName") && (keys.has("Version") || keys.has("FastPackageReference"))) return "package";
  return undefined;
}

function detect(probe: Probe): number {
  const head = scanJsonHead(probe.text);
  if (head.top === undefined) return 0;
  const kind = kindOf(head.recordKeys);
  if (kind === "uninstall") return head.recordKeys.has("PSPath") || head.recordKeys.has("PSChildName") ? 0.9 : 0.85;
  return kind ? 0.85 : 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The observation of one exported object; undefined when it is not a program (reported only when it is not understood). */
export function powershellObservation(value: unknown, source: SourceRef, report: (i: ReportableIssue) => void): Observation | undefined {
  if (!isObject(value)) {
    report({ code: "powershell/record", message: "expected an object (one Uninstall key, Win32_Product or package); it was skipped", source });
    return undefined;
  }
  const text = (k: string): string | undefined => clean(value[k]);
  const kind = kindOf(new Set(Object.keys(value)));
  const host = text("PSComputerName") ?? text("__SERVER") ?? (isObject(value.CimSystemProperties) ? clean(value.CimSystemProperties.ServerName) : undefined);
  if (kind === "uninstall") {
    const facts = {
      name: text("DisplayName"),
      version: text("DisplayVersion"),
      publisher: text("Publisher"),
      installLocation: text("InstallLocation"),
      displayIcon: text("DisplayIcon"),
      parentKeyName: text("ParentKeyName"),
      releaseType: text("ReleaseType"),
    };
    if (notAProgram(facts)) return undefined;
    const key = text("PSPath");
    return observe({
      kind: "software",
      name: facts.name,
      vendor: facts.publisher,
      version: facts.version,
      path: installPath(facts),
      host,
      source: key ? { ...source, pointer: registryPathOf(key) } : source,
    });
  }
  if (kind === "win32-product") {
    return observe({ kind: "software", name: text("Name"), vendor: text("Vendor"), version: text("Version"), path: text("InstallLocation"), host, source });
  }
  if (kind === "package") {
    return observe({ kind: "software", name: text("Name"), version: text("Version"), path: text("FullPath"), host, source });
  }
  report({
    code: "powershell/record",
    message: `an object with ${Object.keys(value).slice(0, 8).join(", ") || "no properties"}: expected Get-ItemProperty Uninstall properties (DisplayName, Publisher, PSPath ...), Win32_Product (Name, Vendor, IdentifyingNumber) or Get-Package (Name, ProviderName); it was skipped`,
    source,
  });
  return undefined;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const watched = watchJsonFailures(ctx);
  const issues = createIssueLog(watched.ctx, input.path);
  let records = 0;
  for await (const { value, source } of jsonRecords(input, watched.ctx, { what: "PowerShell ConvertTo-Json output (Uninstall keys, Win32_Product or Get-Package objects)" })) {
    ctx.signal?.throwIfAborted();
    records++;
    const o = powershellObservation(value, source, (i) => issues.report(i));
    if (o) yield o;
  }
  issues.finish();
  if (records === 0 && !watched.failed()) {
    ctx.report({ code: "powershell/empty", severity: "warning", message: "no objects: expected PowerShell ConvertTo-Json output", source: { file: input.path, line: 1 } });
  }
}

/** The programs in PowerShell ConvertTo-Json output held in memory (an array, one object, or JSON lines), and the problems found. */
export function parsePowershellJson(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  const issues: ReportableIssue[] = [];
  const log = createIssueLog({ report: (i) => issues.push(i) }, file);
  const body = text.replace(/^\uFEFF/, "").trim();
  const values: [unknown, SourceRef][] = [];
  try {
    const doc: unknown = JSON.parse(body);
    if (Array.isArray(doc)) doc.forEach((v, i) => values.push([v, { file, record: i + 1, pointer: `/${i}` }]));
    else values.push([doc, { file, record: 1 }]);
  } catch (err) {
    // JSON lines
    let record = 0;
    body.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      record++;
      try {
        values.push([JSON.parse(line), { file, line: i + 1, record }]);
      } catch (lineErr) {
        log.report({ code: "json/syntax", message: `not valid JSON (${(lineErr as Error).message}), expected PowerShell ConvertTo-Json output; this line was skipped`, source: { file, line: i + 1 } });
      }
    });
    if (record === 0) log.report({ code: "json/syntax", message: `malformed JSON: ${(err as Error).message}`, source: { file, line: 1 } });
  }
  const observations = values.flatMap(([v, source]) => {
    const o = powershellObservation(v, source, (i) => log.report(i));
    return o ? [o] : [];
  });
  log.finish();
  return { observations, issues };
}
