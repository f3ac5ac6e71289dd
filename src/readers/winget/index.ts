/**
 * @module
 * Reader for `winget export -o packages.json [--include-versions]` files (docs formats.md §4e),
 * schema 2.0 (`PackageIdentifier`) and 1.0 (`Id`): `{"$schema", "CreationDate", "Sources":
 * [{"Packages": [{"PackageIdentifier", "Version"?}], "SourceDetails": {"Name", ...}}],
 * "WinGetVersion"}`. Each package is one observation of kind `package` named by its identifier
 * (`Publisher.Product` from the winget source, a Store product id such as `9NBLGGH5Q5FV` from
 * msstore), matched against the catalog's `packages: winget/<identifier>` entries. winget is not a
 * purl type, so no purl is made up. The export's CreationDate is when the packages were seen.
 * winget exports only packages it can match to a source, so the list under-reports; the file
 * names no host.
 */
import { streamJson } from "../_json.js";
import { watchJsonFailures } from "../_sbom.js";
import { scanJsonHead } from "../_json-head.js";
import { clean, observe } from "../_observe.js";
import { createIssueLog } from "../_issues.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation } from "../../model/observation.js";

export const wingetReader = defineReader({
  name: "windows/winget",
  version: 1,
  description: "winget export JSON (schema 1.0 and 2.0): package identifiers per source (winget, msstore)",
  detect,
  read,
});

function detect(probe: Probe): number {
  const head = scanJsonHead(probe.text);
  if (head.top !== "{") return 0;
  if (/"\$schema"\s*:\s*"https?:\/\/aka\.ms\/winget-packages\.schema/i.test(probe.text.slice(0, 2048))) return 0.95;
  return head.topKeys.has("Sources") && (head.topKeys.has("WinGetVersion") || head.topKeys.has("CreationDate")) ? 0.85 : 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** One `Sources[].Packages[]` entry as an observation; a package without identifier is reported. */
function packageObservation(p: unknown, at: { file: string; record: number; pointer: string }, seenAt: string | undefined, report: (i: ReportableIssue) => void): Observation | undefined {
  const id = isObject(p) ? (clean(p.PackageIdentifier) ?? clean(p.Id)) : undefined;
  const o = id ? observe({ kind: "package", name: id, version: isObject(p) ? clean(p.Version) : undefined, seenAt, source: at }) : undefined;
  if (!o) report({ code: "winget/package", message: "expected a package with a PackageIdentifier (schema 2.0) or Id (schema 1.0); it was skipped", source: at });
  return o;
}

/** Sources that say where they are (SourceDetails) but list no packages. */
function emptySources(details: Map<number, string>, withPackages: Set<number>, file: string, report: (i: ReportableIssue) => void): void {
  for (const [index, name] of details) {
    if (withPackages.has(index)) continue;
    report({ code: "winget/source", severity: "warning", message: `source ${name ? `"${name}" ` : ""}lists no packages: expected a Packages array`, source: { file, pointer: `/Sources/${index}` } });
  }
}

const dateOf = (v: unknown): string | undefined => {
  const date = typeof v === "string" ? new Date(v) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
};

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const watched = watchJsonFailures(ctx);
  const issues = createIssueLog(ctx, input.path);
  const details = new Map<number, string>();
  const withPackages = new Set<number>();
  let seenAt: string | undefined;
  let record = 0;
  // packages are streamed one by one, so a file cut anywhere keeps every package before the cut
  const paths = ["$.CreationDate", "$.Sources.*.Packages.*", "$.Sources.*.SourceDetails"];
  for await (const hit of streamJson(input, watched.ctx, paths, "a winget export (JSON with Sources[].Packages[])")) {
    ctx.signal?.throwIfAborted();
    if (hit.pointer === "/CreationDate") {
      seenAt = dateOf(hit.value);
      continue;
    }
    const source = Number(/^\/Sources\/(\d+)/.exec(hit.pointer)?.[1]);
    if (hit.pointer.endsWith("/SourceDetails")) {
      details.set(source, isObject(hit.value) ? (clean(hit.value.Name) ?? "") : "");
      continue;
    }
    withPackages.add(source);
    const o = packageObservation(hit.value, { file: input.path, record: ++record, pointer: hit.pointer }, seenAt, (i) => issues.report(i));
    if (o) yield o;
  }
  emptySources(details, withPackages, input.path, (i) => issues.report(i));
  issues.finish();
  if (record === 0 && details.size === 0 && !watched.failed()) {
    ctx.report({ code: "winget/no-sources", message: "no Sources[].Packages[]: expected a winget export (winget export -o file.json)", source: { file: input.path, line: 1 } });
  }
}

/** The packages of a winget export held in memory, and the problems found. */
export function parseWingetExport(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  const issues: ReportableIssue[] = [];
  const log = createIssueLog({ report: (i) => issues.push(i) }, file);
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    issues.push({ code: "json/syntax", message: `malformed JSON, expected a winget export: ${(err as Error).message}`, source: { file, line: 1 } });
    return { observations: [], issues };
  }
  if (!isObject(doc) || !Array.isArray(doc.Sources)) {
    issues.push({ code: "winget/no-sources", message: "no Sources array: expected a winget export (winget export -o file.json)", source: { file, line: 1 } });
    return { observations: [], issues };
  }
  const seenAt = dateOf(doc.CreationDate);
  const observations: Observation[] = [];
  const details = new Map<number, string>();
  const withPackages = new Set<number>();
  let record = 0;
  doc.Sources.forEach((s: unknown, i: number) => {
    if (isObject(s) && isObject(s.SourceDetails)) details.set(i, clean(s.SourceDetails.Name) ?? "");
    if (!isObject(s) || !Array.isArray(s.Packages)) return;
    withPackages.add(i);
    s.Packages.forEach((p: unknown, k: number) => {
      const o = packageObservation(p, { file, record: ++record, pointer: `/Sources/${i}/Packages/${k}` }, seenAt, (x) => log.report(x));
      if (o) observations.push(o);
    });
  });
  emptySources(details, withPackages, file, (x) => log.report(x));
  log.finish();
  return { observations, issues };
}
