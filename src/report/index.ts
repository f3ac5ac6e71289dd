/**
 * @module
 * The report writers (presenters). Each format turns the one ReportDocument into text and
 * reads nothing else: what a report says is decided by the scan core, how it looks here.
 * The document arrives sorted; writers keep its order.
 */
import type { ReportDocument } from "../model/finding.js";
import { csvReporter } from "./csv/index.js";
import { jsonReporter } from "./json/index.js";
import { sarifReporter } from "./sarif/index.js";
import { tableReporter } from "./table/index.js";

/** The formats `--output` takes; the first is the default on a terminal. */
export const REPORT_FORMATS = ["table", "json", "sarif", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type ReportOptions = {
  /** ANSI colors; only the table uses them, and only when the caller knows a terminal reads it. */
  color: boolean;
};

export interface Reporter {
  readonly format: ReportFormat;
  write(doc: ReportDocument, out: NodeJS.WritableStream, options: ReportOptions): Promise<void>;
}

const REPORTERS: Record<ReportFormat, Reporter> = {
  table: tableReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  csv: csvReporter,
};

export function getReporter(format: ReportFormat): Reporter {
  const reporter = REPORTERS[format];
  // Reachable from untyped callers (a config file, JavaScript): say what would have worked.
  if (!reporter) throw new Error(`unknown report format "${String(format)}"; known formats: ${REPORT_FORMATS.join(", ")}`);
  return reporter;
}

/** Writes the document in a format; the stream is left open (it may be stdout). */
export function writeReport(
  doc: ReportDocument,
  format: ReportFormat,
  out: NodeJS.WritableStream,
  options: Partial<ReportOptions> = {},
): Promise<void> {
  return getReporter(format).write(doc, out, { color: options.color ?? false });
}
