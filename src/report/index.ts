/**
 * @module
 * The presenters of `scan` (src/report/presenter.ts). Each format turns the one ReportDocument
 * into text and reads nothing else: what a report says is decided by the scan core, how it
 * looks here. The document arrives sorted; writers keep its order.
 */
import type { ReportDocument } from "../model/finding.js";
import { csvPresenter } from "./csv/index.js";
import { jsonPresenter } from "./json/index.js";
import type { Presenter, Presenters } from "./presenter.js";
import { presenterFor } from "./presenter.js";
import { sarifPresenter } from "./sarif/index.js";
import { tablePresenter } from "./table/index.js";

/** The formats `--output` takes; the first is the default on a terminal. */
export const REPORT_FORMATS = ["table", "json", "sarif", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type ReportOptions = {
  /** ANSI colors; only the table uses them, and only when the caller knows a terminal reads it. */
  color: boolean;
};

/** A presenter of the scan report. */
export type ReportPresenter = Presenter<ReportFormat, ReportDocument, ReportOptions>;

/** The scan presenters, in the order of REPORT_FORMATS. */
export const REPORT_PRESENTERS: Presenters<ReportFormat, ReportDocument, ReportOptions> = {
  table: tablePresenter,
  json: jsonPresenter,
  sarif: sarifPresenter,
  csv: csvPresenter,
};

/** Writes the document in a format; the stream is left open (it may be stdout). */
export function writeReport(
  doc: ReportDocument,
  format: ReportFormat,
  out: NodeJS.WritableStream,
  options: Partial<ReportOptions> = {},
): Promise<void> {
  return presenterFor(REPORT_PRESENTERS, format, "report").write(doc, out, { color: options.color ?? false });
}
