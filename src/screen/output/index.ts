/**
 * @module
 * The screening report in three formats, all from the same stream of results: JSON (the shape
 * docs/cli.md describes: `results`, one per input in input order), CSV (one row per candidate)
 * and a table for people. JSON and CSV are written as the results come, so memory does not
 * follow the number of inputs; the table is drawn at the end. Each format is a presenter
 * (src/report/presenter.ts) of the one ScreenReport.
 */
import type { Presenters } from "../../report/presenter.js";
import { csvPresenter } from "./csv.js";
import { jsonPresenter } from "./json.js";
import type { ScreenReport, WriteOptions } from "./report.js";
import { tablePresenter } from "./table.js";

export type { ReportHead, ReportTail, ScreenReport, WriteOptions } from "./report.js";

export const SCREEN_FORMATS = ["table", "json", "csv"] as const;
export type ScreenFormat = (typeof SCREEN_FORMATS)[number];

/** The screen presenters, in the order of SCREEN_FORMATS. */
export const SCREEN_PRESENTERS: Presenters<ScreenFormat, ScreenReport, WriteOptions> = {
  table: tablePresenter,
  json: jsonPresenter,
  csv: csvPresenter,
};
