/**
 * @module
 * The screening report for people: one row per input with its best candidate, score, status and
 * why; allowed pairs name their allow-list entry; expired entries are called out. Written as it
 * is screened, in pieces of rows (./table-pieces.ts): one cli-table3 table of every row took
 * time quadratic in the rows.
 */
import type { ScreenResult } from "../run.js";
import { cleanForTerminal as clean } from "../../report/text.js";
import { definePresenter } from "../../report/presenter.js";
import { writeText as put } from "../../report/common.js";
import type { ReportHead, ReportTail, ScreenReport, WriteOptions } from "./report.js";
import { createPiecedTable } from "./table-pieces.js";

const paint = (on: boolean, code: number, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export const tablePresenter = definePresenter<"table", ScreenReport, WriteOptions>({
  format: "table",
  write: (report, out, options) => writeTable(out, report.head, report.results, report.tail, options),
});

const COLUMNS = { head: ["#", "input", "status", "best candidate", "score", "why"], colWidths: [6, 28, 10, 34, 7, 60] };

async function writeTable(out: NodeJS.WritableStream, head: ReportHead, results: AsyncIterable<ScreenResult>, tail: ReportTail, options: WriteOptions): Promise<void> {
  const lists = head.lists.map((l) => `${l.name} (${l.entries})`).join(", ");
  await put(out, `screened against ${lists} at threshold ${head.threshold}\n`);
  const table = createPiecedTable(COLUMNS);
  const notes: string[] = [];
  for await (const r of results) {
    const best = r.candidates[0];
    const status = r.status === "match" ? paint(options.color, 31, "MATCH") : r.status === "allowed" ? paint(options.color, 33, "allowed") : paint(options.color, 32, "clear");
    const who = best ? `${best.entity.name}${best.entity.group ? ` (${best.entity.group})` : ""}\n${best.entity.list}:${best.entity.id}` : "";
    let why = best ? best.explanation.summary : "no candidate";
    if (best?.allowedBy) why = `allowed by #${best.allowedBy.index} (${best.allowedBy.author}, until ${best.allowedBy.expires}): ${best.allowedBy.reason}\n${why}`;
    const more = r.candidates.filter((c, i) => i > 0 && c.match).length;
    const piece = table.push([String(r.record), clean(r.input.name) + (r.input.country ? ` [${clean(r.input.country)}]` : ""), status, who + (more ? `\n+${more} more match(es)` : ""), best ? best.score.toFixed(3) : "", why]);
    if (piece !== undefined) await put(out, piece);
    for (const c of r.candidates) for (const x of c.expiredAllows ?? []) notes.push(`record ${r.record}: allow-list entry #${x.index} (${x.author}: ${x.reason}) expired on ${x.expires} and no longer applies to ${c.entity.list}:${c.entity.id}`);
  }
  const { summary, errors } = tail();
  let text = `${table.end()}\n`;
  text += `${summary.inputs} input(s): ${summary.matched} match, ${summary.allowed} allowed, ${summary.clear} clear${summary.errors ? `, ${summary.errors} error(s)` : ""}\n`;
  for (const n of notes) text += `note: ${n}\n`;
  for (const e of errors) text += `${e.severity}: ${clean(e.source.file)}${e.source.line ? `:${e.source.line}` : ""}: ${clean(e.message)}\n`;
  await put(out, text);
}
