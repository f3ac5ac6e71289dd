/**
 * @module
 * JSON output: the ReportDocument itself (report version 2, docs/report-format.md). It is the
 * contract for machines, so nothing is renamed, added or dropped here. The document is indented;
 * findings, suppressed findings and look-alikes are one compact line each.
 */
import type { ReportDocument } from "../../model/finding.js";
import type { ReportOptions } from "../index.js";
import { definePresenter } from "../presenter.js";
import { writeJson } from "../json-stream.js";

/** The document's arrays written one item per line. */
export const LINE_PER_ITEM = ["findings", "suppressed", "lookalikes"] as const;

export const jsonPresenter = definePresenter<"json", ReportDocument, ReportOptions>({
  format: "json",
  write: (doc, out) => writeJson(out, doc, { linePerItem: LINE_PER_ITEM }),
});
