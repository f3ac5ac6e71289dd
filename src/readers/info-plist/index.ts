/**
 * @module
 * Reader for one macOS or iOS app bundle's `Info.plist` (`Foo.app/Contents/Info.plist`), XML or
 * binary (`bplist00`), docs formats.md §5c: `CFBundleIdentifier` is the bundle id (the strongest
 * key: `com.kaspersky.*`), `CFBundleDisplayName`/`CFBundleName` the name,
 * `CFBundleShortVersionString` (else `CFBundleVersion`) the version, and the vendor is read from
 * `NSHumanReadableCopyright` ("© 2023 AO Kaspersky Lab. All rights reserved."). When the file
 * sits in a bundle, the `.app` folder is the path. An Info.plist is small; it is read whole (up to
 * 16 MiB).
 *
 * `parseInfoPlist(bytes)` reads one already in memory.
 */
import { clean, observe } from "../_observe.js";
import { PlistError, isBinaryPlist, isDict, parseBinaryPlist, parseXmlPlist, plistText, type PlistValue } from "../_plist.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue, type TextEncoding } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";
import { trimEndChars, WHITE_SPACE } from "../../util/trailing.js";

export const infoPlistReader = defineReader({
  name: "macos/info-plist",
  version: 1,
  description: "macOS/iOS app bundle Info.plist, XML or binary: CFBundleIdentifier, name, version, copyright holder",
  detect,
  read,
});

const MAX_BYTES = 16 * 1024 * 1024;
const BUNDLE_KEYS = ["CFBundleIdentifier", "CFBundleName", "CFBundleExecutable"];

function detect(probe: Probe): number {
  const infoName = /Info\.plist$/i.test(probe.path);
  if (isBinaryPlist(probe.head)) {
    const bytes = Buffer.from(probe.head).toString("latin1");
    if (BUNDLE_KEYS.some((k) => bytes.includes(k))) return 0.9;
    return infoName ? 0.8 : 0;
  }
  const text = probe.text.trimStart();
  if (!text.startsWith("<") || !/<plist\b/.test(text) || text.includes("<string>SPApplicationsDataType</string>")) return 0;
  if (BUNDLE_KEYS.some((k) => text.includes(`<key>${k}</key>`))) return 0.9;
  return infoName ? 0.8 : 0;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BYTES) {
      input.stream.destroy();
      ctx.report({ code: "plist/too-large", message: `larger than ${MAX_BYTES / 1024 / 1024} MiB: expected an app bundle's Info.plist (a few KiB); not read`, source: { file: input.path } });
      return;
    }
    chunks.push(buf);
  }
  const { observations, issues } = await parseInfoPlist(Buffer.concat(chunks), input.path, input.encoding);
  for (const issue of issues) ctx.report(issue);
  yield* observations;
}

/** The app an Info.plist describes (none when it is not an app bundle's), and the problems found. */
export async function parseInfoPlist(bytes: Uint8Array, file = "-", encoding: TextEncoding = "utf-8"): Promise<{ observations: Observation[]; issues: ReportableIssue[] }> {
  const issues: ReportableIssue[] = [];
  if (bytes.length === 0) {
    issues.push({ code: "plist/empty", message: "empty file, expected an app bundle's Info.plist", source: { file, line: 1 } });
    return { observations: [], issues };
  }
  let value: PlistValue;
  let source: SourceRef = { file, record: 1 };
  try {
    if (isBinaryPlist(bytes)) value = await parseBinaryPlist(bytes);
    else {
      const text = new TextDecoder(encoding).decode(bytes);
      value = await parseXmlPlist(text);
      const at = text.indexOf("<key>CFBundleIdentifier</key>");
      source = { file, line: at === -1 ? 1 : lineOf(text, at) };
    }
  } catch (err) {
    // an XML error has a line; a damaged binary plist has none to give
    const line = err instanceof PlistError ? err.line : undefined;
    const binary = isBinaryPlist(bytes);
    issues.push({
      code: "plist/syntax",
      message: `${(err as Error).message}${binary ? " (cut short or damaged?)" : ""}: expected an app bundle's Info.plist; nothing was read`,
      source: { file, ...(binary ? {} : { line: line ?? 1 }) },
    });
    return { observations: [], issues };
  }
  if (!isDict(value) || !BUNDLE_KEYS.some((k) => plistText(value[k]) !== undefined)) {
    issues.push({
      code: "plist/not-a-bundle",
      message: `a property list without ${BUNDLE_KEYS.join(", ")}: expected an app bundle's Info.plist; nothing was read`,
      source,
    });
    return { observations: [], issues };
  }
  const bundle = /^(.*\.app)[\\/]Contents[\\/]Info\.plist$/i.exec(file)?.[1];
  const o = observe({
    kind: "software",
    name: plistText(value.CFBundleDisplayName) ?? plistText(value.CFBundleName) ?? plistText(value.CFBundleExecutable) ?? bundle?.split(/[\\/]/).pop()?.replace(/\.app$/i, ""),
    vendor: copyrightHolder(plistText(value.NSHumanReadableCopyright)),
    version: plistText(value.CFBundleShortVersionString) ?? plistText(value.CFBundleVersion),
    path: bundle,
    ids: { bundleId: plistText(value.CFBundleIdentifier) },
    source,
  });
  return { observations: o ? [o] : [], issues };
}

/** `©2026 Slack Technologies LLC, a Salesforce company. All rights reserved.` → `Slack Technologies LLC, a Salesforce company`. */
export function copyrightHolder(copyright: string | undefined): string | undefined {
  if (!copyright) return undefined;
  const holder = copyright
    .replace(/all rights reserved\.?/gi, " ")
    .replace(/copyright|\(c\)|©/gi, " ")
    .replace(/\b(19|20)\d{2}(\s*[-–—,]\s*((19|20)\d{2}|present))*\b/gi, " ")
    .replace(/\s+/g, " ")
    // linear-time trims (util/trailing.ts): an anchored [x]+$ is quadratic on a long run inside
    .replace(/^[\s,.;:-]+/, "");
  const trimmed = trimEndChars(holder, `${WHITE_SPACE},;:-`)
    .replace(/\.$/, (dot, offset: number, s: string) => (/\b(inc|ltd|co|corp|s\.r\.o)$/i.test(s.slice(0, offset)) ? dot : ""));
  return clean(trimmed);
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
