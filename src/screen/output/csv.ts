/**
 * @module
 * The CSV screening report: one row per candidate (an input without candidates has one row with
 * status clear), in input order, candidates best first.
 */
import type { ScreenResult } from "../run.js";
import { csvField } from "../../report/text.js";
import { definePresenter } from "../../report/presenter.js";
import { writeText as put } from "../../report/common.js";
import type { ScreenReport, WriteOptions } from "./report.js";

export const CSV_COLUMNS = [
  "record", "input", "country", "status", "rank", "list", "entity_id", "entity_name", "score", "match", "candidate_status", "matched_name", "allowed_by", "explanation",
] as const;

export const csvPresenter = definePresenter<"csv", ScreenReport, WriteOptions>({
  format: "csv",
  write: (report, out) => writeCsv(out, report.results),
});

async function writeCsv(out: NodeJS.WritableStream, results: AsyncIterable<ScreenResult>): Promise<void> {
  await put(out, CSV_COLUMNS.join(",") + "\n");
  for await (const r of results) {
    const base = [r.record, r.input.name, r.input.country, r.status];
    if (r.candidates.length === 0) {
      await put(out, [...base, "", "", "", "", "", "", "", "", "", ""].map(csvField).join(",") + "\n");
      continue;
    }
    let rows = "";
    r.candidates.forEach((c, i) => {
      const allowed = c.allowedBy ? `#${c.allowedBy.index} ${c.allowedBy.author}: ${c.allowedBy.reason} (until ${c.allowedBy.expires})` : "";
      rows +=
        [...base, i + 1, c.entity.list, c.entity.id, c.entity.name, c.score, c.match, c.status, c.explanation.matchedName.name, allowed, c.explanation.summary]
          .map(csvField)
          .join(",") + "\n";
    });
    await put(out, rows);
  }
}
