/**
 * @module
 * The JSON screening report, written piecewise: the head (tool, time, threshold, lists), each
 * result as it is screened, then the summary and the errors.
 */
import type { ScreenResult } from "../run.js";
import { put, type ReportHead, type ReportTail } from "./index.js";

export async function writeJson(out: NodeJS.WritableStream, head: ReportHead, results: AsyncIterable<ScreenResult>, tail: ReportTail): Promise<void> {
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
