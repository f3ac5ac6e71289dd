/**
 * @module
 * The screening report in three formats, all from the same stream of results: JSON (the shape
 * docs/cli.md describes: `results`, one per input in input order), CSV (one row per candidate)
 * and a table for people. JSON and CSV are written as the results come, so memory does not
 * follow the number of inputs; the table is drawn at the end.
 */
import type { Issue } from "../../model/issue.js";
import type { ListInfo, ScreenResult, ScreenSummary } from "../run.js";
import { writeCsv } from "./csv.js";
import { writeJson } from "./json.js";
import { writeTable } from "./table.js";
import { writeText } from "../../report/common.js";

export const SCREEN_FORMATS = ["table", "json", "csv"] as const;
export type ScreenFormat = (typeof SCREEN_FORMATS)[number];

export type ReportHead = {
  tool: { name: string; version: string };
  generatedAt: string;
  threshold: number;
  lists: ListInfo[];
};

/** What is known only at the end: the summary and the input problems. */
export type ReportTail = () => { summary: ScreenSummary; errors: Issue[] };

export type WriteOptions = { color: boolean };

export async function writeScreenReport(
  format: ScreenFormat,
  out: NodeJS.WritableStream,
  head: ReportHead,
  results: AsyncIterable<ScreenResult>,
  tail: ReportTail,
  options: WriteOptions = { color: false },
): Promise<void> {
  if (format === "json") return writeJson(out, head, results, tail);
  if (format === "csv") return writeCsv(out, results);
  return writeTable(out, head, results, tail, options);
}

/**
 * Writes and waits for the stream to take it (backpressure). The write's own callback settles
 * it, so a reader that went away (EPIPE) ends the writing with an error instead of a wait for a
 * `drain` that never comes.
 */
export const put: (out: NodeJS.WritableStream, text: string) => Promise<void> = writeText;
