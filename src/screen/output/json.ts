/**
 * @module
 * The JSON screening report, written piecewise: the head (tool, time, threshold, lists), each
 * result as it is screened, then the summary and the errors.
 */
import type { ScreenResult } from "../run.js";
import { definePresenter } from "../../report/presenter.js";
import { writeText as put } from "../../report/common.js";
import type { ReportHead, ReportTail, ScreenReport, WriteOptions } from "./report.js";

export const jsonPresenter = definePresenter<"json", ScreenReport, WriteOptions>({
  format: "json",
  write: (report, out) => writeJson(out, report.head, report.results, report.tail),
});

async function writeJson(out: NodeJS.WritableStream, head: ReportHead, results: AsyncIterable<ScreenResult>, tail: ReportTail): Promise<void> {
  const h = JSON.stringify(head, null, 2);
  await put(out, h.slice(0, h.lastIndexOf("}")).trimEnd() + ',\n  "results": [');
  let first = true;
  for await (const r of results) {
    await put(out, (first ? "\n    " : ",\n    ") + JSON.stringify(r));
    first = false;
  }
  const { summary, errors } = tail();
  await put(out, `${first ? "" : "\n  "}],\n  "summary": ${JSON.stringify(summary)},\n  "errors": ${JSON.stringify(errors)}\n}\n`);
}
