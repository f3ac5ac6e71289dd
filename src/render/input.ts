/**
 * @module
 * Reads the JSON report document `ictsguard scan -o json` writes (report version 2,
 * docs/report-format.md) for the renderers. Only the fields the renderers read are checked, and
 * loosely (a newer scan may add fields); anything else is an IctsError naming the file, the line
 * and column of a JSON syntax error or the path of the bad field, and what was expected (exit 2).
 * Every id a finding refers to is resolved here too, so a renderer never meets a dangling one.
 */
import { JSONParser } from "@streamparser/json";
import * as z from "zod";
import type { ReportDocument } from "../model/finding.js";
import { IctsError } from "../model/errors.js";
import { createResolver } from "../report/document.js";

const Str = z.string();
const Citation = z.looseObject({ source: Str, text: Str, url: Str.optional(), locator: Str.optional(), confirmed: z.boolean().optional() });
const Phase = z.looseObject({ id: Str, label: Str, from: Str, to: Str.optional(), citations: z.array(Citation), obligations: z.array(Str) });
const Rule = z.looseObject({ id: Str, title: Str, citations: z.array(Citation), phases: z.array(Phase) });
const Product = z.looseObject({ id: Str, name: Str, category: Str, vendor: Str, vendorName: Str });
const Remediation = z.looseObject({ id: Str, text: Str });
const Source = z.looseObject({ file: Str });
const Finding = z.looseObject({
  id: Str,
  source: Source,
  count: z.number(),
  observation: z.looseObject({ name: Str.optional(), host: Str.optional() }),
  vendor: Str,
  product: Str,
  status: z.enum(["prohibited", "unsupported", "deadline", "review"]),
  reason: Str,
  confidence: z.number(),
  evidence: z.array(z.looseObject({ matcher: Str, found: z.looseObject({ rule: Str, value: Str }) })),
  rules: z.array(z.looseObject({ id: Str })),
  remediation: Str,
});
const Exception = z.looseObject({ reason: Str, author: Str, expires: Str });
const Issue = z.looseObject({ code: Str, severity: z.enum(["error", "warning"]), message: Str });

const ReportShape = z.looseObject({
  reportVersion: z.literal(2),
  tool: z.looseObject({ name: Str, version: Str }),
  catalog: z.looseObject({ version: Str, date: Str, digest: Str }),
  asOf: Str,
  profile: Str,
  generatedAt: Str,
  inputs: z.array(Str),
  rules: z.array(Rule),
  products: z.array(Product),
  remediations: z.array(Remediation),
  findings: z.array(Finding),
  suppressed: z.array(Finding.extend({ exception: Exception })),
  lookalikes: z.array(z.looseObject({})),
  summary: z.looseObject({ findings: z.number(), suppressed: z.number(), errors: z.number(), warnings: z.number() }),
  errors: z.array(Issue),
});

/** `findings[3].observation.name` for a zod issue path. */
function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out || "(the document)";
}

/** Line and column of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

/**
 * Where a JSON text first goes wrong: JSON.parse does not always say (Node 20 often gives only a
 * snippet), so the error path reads it again with @streamparser/json's tokenizer, which does.
 */
function syntaxErrorOffset(text: string): number | undefined {
  const parser = new JSONParser({ paths: [] });
  try {
    parser.write(text.replace(/^\uFEFF/, ""));
    parser.end();
  } catch (err) {
    const m = /absolute position "(\d+)"/.exec((err as Error).message) ?? /position "?(\d+)/.exec((err as Error).message);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * Parses and checks a scan report. `file` names the input in messages. Throws an IctsError
 * (`report/input`) for text that is not JSON, is not a report document, is another report
 * version, or refers to a rule, product or remediation it does not define.
 */
export function parseReportDocument(text: string, file: string): ReportDocument {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    const offset = syntaxErrorOffset(text) ?? Number(/position (\d+)/.exec((err as Error).message)?.[1] ?? Number.NaN);
    const where = Number.isFinite(offset) ? ` at ${lineColumn(text, offset)}` : "";
    const why = (err as Error).message.replace(/\s+/g, " ").slice(0, 160);
    throw new IctsError("report/input", `${file}: not JSON${where} (${why}); expected the report that \`ictsguard scan -o json\` writes`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new IctsError("report/input", `${file}: expected a JSON object, the report that \`ictsguard scan -o json\` writes`);
  }
  const version = (value as { reportVersion?: unknown }).reportVersion;
  if (version !== 2) {
    throw new IctsError(
      "report/input",
      `${file}: reportVersion is ${JSON.stringify(version) ?? "missing"}; expected 2 (a report of \`ictsguard scan -o json\` from this version; scan the inputs again)`,
    );
  }
  const parsed = ReportShape.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${pathText(i.path)}: ${i.message}`);
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : "";
    throw new IctsError("report/input", `${file}: not a valid report document: ${first.join("; ")}${more}`);
  }
  const doc = value as ReportDocument;
  const resolve = createResolver(doc);
  const check = (list: ReportDocument["findings"], name: string): void =>
    list.forEach((f, i) => {
      try {
        resolve(f);
      } catch (err) {
        throw new IctsError("report/input", `${file}: ${name}[${i}]: ${(err as Error).message.replace(/^report document: /, "")}`);
      }
      if (!doc.remediations.some((r) => r.id === f.remediation)) {
        throw new IctsError("report/input", `${file}: ${name}[${i}]: remediation "${f.remediation}" is not in "remediations"`);
      }
    });
  check(doc.findings, "findings");
  check(doc.suppressed, "suppressed");
  return doc;
}
