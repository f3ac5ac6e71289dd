/**
 * @module
 * The screening report every screen presenter reads (src/screen/output/index.ts), apart from
 * the presenters so that they and their registry do not import each other.
 */
import type { Issue } from "../../model/issue.js";
import type { ListInfo, ScreenResult, ScreenSummary } from "../run.js";

export type ReportHead = {
  tool: { name: string; version: string };
  generatedAt: string;
  threshold: number;
  lists: ListInfo[];
};

/** What is known only at the end: the summary and the input problems. */
export type ReportTail = () => { summary: ScreenSummary; errors: Issue[] };

/** The screening report: what is known first, the results as they are screened, what is known at the end. */
export type ScreenReport = {
  head: ReportHead;
  results: AsyncIterable<ScreenResult>;
  /** Called once the results are all read. */
  tail: ReportTail;
};

export type WriteOptions = { color: boolean };
