/**
 * @module
 * Reader for macOS `system_profiler SPApplicationsDataType -json` and `-xml` output (and System
 * Information `.spx` files, the same XML): one observation per application, located by record and
 * JSON pointer (JSON) or by the line its entry starts on (XML). Both forms are streamed: the JSON
 * with the project's streaming JSON parser, the XML by handing each `_items` entry to the plist
 * parser on its own (xml-items.ts), so a Mac with thousands of apps costs one entry of memory.
 * system_profiler's output names no host, so observations carry none.
 *
 * `parseSystemProfiler(text)` reads either form already in memory.
 */
import { Readable } from "node:stream";
import { peekHead } from "../_head.js";
import { streamJson } from "../_json.js";
import { decodeChunks } from "../_text.js";
import { watchJsonFailures } from "../_sbom.js";
import { PlistError, isDict, parseXmlPlist } from "../_plist.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation } from "../../model/observation.js";
import { appObservation, isEntry } from "./app.js";
import { SpItemScanner } from "./xml-items.js";

export { appObservation } from "./app.js";
export { SpItemScanner } from "./xml-items.js";

export const systemProfilerReader = defineReader({
  name: "macos/system-profiler",
  version: 1,
  description: "macOS system_profiler SPApplicationsDataType -json or -xml (and .spx): apps with path, version and Developer ID signer",
  detect,
  read,
});

const DATA_TYPE = "SPApplicationsDataType";

function detect(probe: Probe): number {
  const text = probe.text.trimStart();
  if (text.startsWith("{")) return /^\{\s*"SPApplicationsDataType"\s*:/.test(text) ? 0.95 : 0;
  if (text.startsWith("<")) return /<plist\b/.test(text) && /<string>SPApplicationsDataType<\/string>/.test(text) ? 0.95 : 0;
  return 0;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const { head, input: replayed } = await peekHead(input);
  const first = head.trimStart()[0];
  if (first === "{") yield* readJson(replayed, ctx);
  else if (first === "<") yield* readXml(replayed, ctx);
  else {
    replayed.stream.destroy();
    ctx.report({
      code: "system-profiler/format",
      message: `expected system_profiler SPApplicationsDataType output, -json (starting with {) or -xml (starting with <), found ${first === undefined ? "an empty file" : `"${first}" first`}`,
      source: { file: input.path, line: 1 },
    });
  }
}

async function* readJson(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const watched = watchJsonFailures(ctx);
  let entries = 0;
  for await (const hit of streamJson(input, watched.ctx, [`$.${DATA_TYPE}.*`], "system_profiler SPApplicationsDataType -json output")) {
    ctx.signal?.throwIfAborted();
    entries++;
    const source = { file: input.path, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer };
    const o = isEntry(hit.value) ? appObservation(hit.value, source) : undefined;
    if (o) yield o;
    else ctx.report({ code: "system-profiler/entry", message: "expected an application entry with _name or path; it was skipped", source });
  }
  if (entries === 0 && !watched.failed()) {
    ctx.report({ code: "system-profiler/no-apps", message: `no ${DATA_TYPE} array: expected the output of system_profiler ${DATA_TYPE} -json`, source: { file: input.path, line: 1 } });
  }
}

async function* readXml(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const scanner = new SpItemScanner();
  const file = input.path;
  let entries = 0;
  const fromItems = async (items: { xml: string; line: number }[]): Promise<Observation[]> => {
    const out: Observation[] = [];
    for (const item of items) {
      entries++;
      const o = await itemObservation(item, file, (i) => ctx.report(i));
      if (o) out.push(o);
    }
    return out;
  };
  for await (const chunk of decodeChunks(input.stream, input.encoding)) {
    ctx.signal?.throwIfAborted();
    const { items, problem } = scanner.push(chunk);
    yield* await fromItems(items);
    if (problem) {
      input.stream.destroy();
      ctx.report({ code: "plist/syntax", message: `${problem.message}; ${entries} application(s) before this point were read, the rest of the file was not`, source: { file, line: problem.line } });
      return;
    }
  }
  const problem = scanner.end();
  if (problem) ctx.report({ code: "plist/truncated", message: `${problem.message}; ${entries} application(s) before this point were read`, source: { file, line: problem.line } });
  else if (!scanner.dataTypes.has(DATA_TYPE)) {
    ctx.report({ code: "system-profiler/no-apps", message: `no ${DATA_TYPE} data type in this plist (found ${[...scanner.dataTypes].join(", ") || "none"}): expected the output of system_profiler -xml ${DATA_TYPE}`, source: { file, line: 1 } });
  }
}

/** One `_items` entry of the XML: parsed as a plist of its own, errors located in the file. */
async function itemObservation(item: { xml: string; line: number }, file: string, report: (issue: ReportableIssue) => void): Promise<Observation | undefined> {
  const source = { file, line: item.line };
  let value;
  try {
    value = await parseXmlPlist(`<plist version="1.0">${item.xml}</plist>`);
  } catch (err) {
    const line = err instanceof PlistError && err.line !== undefined ? item.line + err.line - 1 : item.line;
    report({ code: "plist/syntax", message: `${(err as Error).message}; this application entry was skipped`, source: { file, line } });
    return undefined;
  }
  const o = isDict(value) ? appObservation(value, source) : undefined;
  if (!o) report({ code: "system-profiler/entry", message: "expected an application entry with _name or path; it was skipped", source });
  return o;
}

/** The applications in system_profiler -json or -xml output held in memory, and the problems found. */
export async function parseSystemProfiler(text: string, file = "-"): Promise<{ observations: Observation[]; issues: ReportableIssue[] }> {
  const issues: ReportableIssue[] = [];
  const observations: Observation[] = [];
  const input = { path: file, stream: Readable.from([Buffer.from(text, "utf8")]), encoding: "utf-8" as const };
  for await (const o of read(input, { report: (i) => issues.push(i) })) observations.push(o);
  return { observations, issues };
}
