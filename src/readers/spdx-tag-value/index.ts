/**
 * @module
 * Reader `sbom/spdx-tag-value`: SPDX 2.x tag-value documents (`.spdx`; trivy and syft write them
 * too). Lines are `Tag: value`; a value that starts with `<text>` runs until `</text>`, over as
 * many lines as it needs; `#` lines are comments; tags repeat (`ExternalRef:`, `PackageChecksum:`).
 *
 * A package runs from its `PackageName:` to the next element (`PackageName:`, `FileName:`,
 * `SnippetSPDXID:`, `LicenseID:`) or the end of the file. Its tags are put into the SPDX JSON
 * shape (`PackageSupplier` → `supplier`, `ExternalRef: CATEGORY TYPE LOCATOR` →
 * `externalRefs[]`, `PackageChecksum: SHA256: …` → `checksums[]`, ...) and mapped by the JSON
 * reader's code (`../_spdx.ts`), so the same document in either serialisation gives the same
 * observations. Only the current package is held; `<text>` values of other tags (licence
 * texts, notices) are skipped, not collected.
 */
import { noLineMessage, readLines } from "../_text.js";
import { text } from "../_sbom.js";
import { spdx2PackageObservation } from "../_spdx.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";

const WHAT = "an SPDX 2.x tag-value document";
/** Tags that start a new element: the package being read ends there. */
const ELEMENT_STARTS = new Set(["PackageName", "FileName", "SnippetSPDXID", "LicenseID"]);
/** Longest value kept of a package tag (a runaway `<text>` must not grow memory). */
const MAX_VALUE_CHARS = 64 * 1024;
/** Bad lines reported one by one; the rest are counted in one summary issue. */
const BAD_LINES_LISTED = 10;

type Json = Record<string, unknown>;

/** How each package tag lands in the SPDX JSON shape; a returned string says what was wrong. */
const PACKAGE_TAGS: Record<string, (p: Json, value: string) => string | void> = {
  PackageName: (p, v) => void (p.name = v),
  PackageVersion: (p, v) => void (p.versionInfo ??= v),
  PackageSupplier: (p, v) => void (p.supplier ??= v),
  PackageOriginator: (p, v) => void (p.originator ??= v),
  PackageFileName: (p, v) => void (p.packageFileName ??= v),
  PrimaryPackagePurpose: (p, v) => void (p.primaryPackagePurpose ??= v),
  PackageChecksum: (p, v) => {
    // "SHA256: 11b6d3ee..." (algorithm, colon, value)
    const m = /^([A-Za-z0-9-]+)\s*:\s*(\S+)$/.exec(v);
    if (!m) return 'expected "PackageChecksum: ALGORITHM: VALUE"';
    push(p, "checksums", { algorithm: m[1], checksumValue: m[2] });
  },
  ExternalRef: (p, v) => {
    // "PACKAGE-MANAGER purl pkg:deb/debian/kesl@12" (category, type, locator)
    const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(v);
    if (!m) return 'expected "ExternalRef: CATEGORY TYPE LOCATOR"';
    push(p, "externalRefs", { referenceCategory: m[1], referenceType: m[2], referenceLocator: m[3] });
  },
};

export const spdxTagValueReader = defineReader({
  name: "sbom/spdx-tag-value",
  version: 1,
  description: "SPDX 2.x tag-value SBOM (.spdx): packages with supplier/originator, purl and CPE references",
  detect,
  read,
});

function detect(probe: Probe): number {
  const t = probe.text;
  if (/^\s*[[{<]/.test(t)) return 0; // JSON, XML: others' formats
  if (/^SPDXVersion:[ \t]*SPDX-\d/m.test(t)) return 0.95;
  // SPDXVersion should come first, but a document id and package tags are a weaker sign
  if (/^SPDXID:[ \t]*SPDXRef-DOCUMENT[ \t]*$/m.test(t) && /^(?:DocumentName|DocumentNamespace|PackageName):/m.test(t)) return 0.6;
  return 0;
}

/** A package being read: its tags in the JSON shape, where it starts, its position. */
type Open = { record: Json; source: SourceRef };

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  let spdxVersion: string | undefined;
  /** The document namespace: keys findings without a host (src/scan/finding-id.ts). */
  let document: string | undefined;
  let current: Open | undefined;
  let packages = 0;
  let emitted = 0;
  let badLines = 0;
  let sawAny = false;
  // an open <text> value: the tag it belongs to, where it started, what it holds so far
  let textValue: { tag: string; line: number; parts: string[]; chars: number } | undefined;

  const finish = (): Observation | undefined => {
    const open = current;
    current = undefined;
    if (!open) return undefined;
    const o = spdx2PackageObservation(open.record, open.source);
    if (o) emitted++;
    else ctx.report({ code: "spdx/package", message: 'package has no name ("PackageName:" is empty, NOASSERTION or NONE); skipped', source: open.source });
    return o;
  };

  /** One complete `Tag: value`; returns a finished package when this tag ended it. */
  const apply = (tag: string, value: string, line: number): Observation | undefined => {
    let done: Observation | undefined;
    if (ELEMENT_STARTS.has(tag)) {
      done = finish();
      if (tag === "PackageName") current = { record: {}, source: { file: input.path, line, record: ++packages, ...(document ? { document } : {}) } };
    }
    if (tag === "SPDXVersion") spdxVersion ??= text(value);
    if (tag === "DocumentNamespace") document ??= text(value);
    const problem = current ? PACKAGE_TAGS[tag]?.(current.record, value) : undefined;
    if (problem) {
      ctx.report({ code: "spdx/tag-value", severity: "warning", message: `${problem}, got ${JSON.stringify(`${tag}: ${value}`.slice(0, 120))}; value skipped`, source: { file: input.path, line } });
    }
    return done;
  };

  for await (const { text: raw, line } of readLines(input, ctx)) {
    ctx.signal?.throwIfAborted();
    if (textValue) {
      const end = raw.indexOf("</text>");
      const piece = end === -1 ? raw : raw.slice(0, end);
      if (PACKAGE_TAGS[textValue.tag] && textValue.chars < MAX_VALUE_CHARS) {
        textValue.parts.push(piece);
        textValue.chars += piece.length + 1;
      }
      if (end === -1) continue;
      const { tag, line: start, parts } = textValue;
      textValue = undefined;
      const done = apply(tag, parts.join("\n").slice(0, MAX_VALUE_CHARS).trim(), start);
      if (done) yield done;
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    sawAny = true;
    if (trimmed.startsWith("#")) continue;
    const m = /^([A-Za-z][A-Za-z0-9_.-]*)[ \t]*:(.*)$/.exec(trimmed);
    if (!m) {
      if (++badLines <= BAD_LINES_LISTED) {
        ctx.report({
          code: "spdx/tag-value",
          message: `expected "Tag: value" (or a value inside <text>…</text>), got ${JSON.stringify(trimmed.slice(0, 80))}; line skipped`,
          source: { file: input.path, line },
        });
      }
      continue;
    }
    const tag = m[1]!;
    let value = m[2]!.trim();
    if (value.startsWith("<text>")) {
      value = value.slice("<text>".length);
      const end = value.indexOf("</text>");
      if (end === -1) {
        textValue = { tag, line, parts: [value], chars: value.length };
        continue;
      }
      value = value.slice(0, end).trim();
    }
    const done = apply(tag, value, line);
    if (done) yield done;
  }

  if (textValue) {
    ctx.report({
      code: "spdx/truncated",
      message: `the <text> value of "${textValue.tag}:" that starts here never ends (expected </text>): the file ends inside it (truncated?); what was read before it was kept`,
      source: { file: input.path, line: textValue.line },
    });
  }
  const last = finish();
  if (last) yield last;
  if (badLines > BAD_LINES_LISTED) {
    ctx.report({ code: "spdx/tag-value", message: `${badLines} lines in all were not "Tag: value" lines and were skipped`, source: { file: input.path } });
  }
  if (!sawAny) {
    ctx.report({ code: "spdx/empty", message: noLineMessage(input, WHAT), source: { file: input.path, line: 1 } });
    return;
  }
  if (!spdxVersion?.startsWith("SPDX-2.")) {
    const found = spdxVersion === undefined ? 'no "SPDXVersion:" line' : `"SPDXVersion: ${spdxVersion}"`;
    ctx.report({
      code: "spdx/format",
      severity: emitted > 0 ? "warning" : "error",
      message: `${found}, expected "SPDXVersion: SPDX-2.x" in ${WHAT}; ${emitted} observation(s) read`,
      source: { file: input.path },
    });
  }
}

function push(record: Json, key: string, value: unknown): void {
  const list = (record[key] ??= []) as unknown[];
  list.push(value);
}
