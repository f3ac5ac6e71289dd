/**
 * @module
 * The timeline as a table for a terminal (cli-table3, borderless like scan's table), with a
 * "today" row where today falls. Catalog text only, but it goes through the same control
 * escaping as every terminal output.
 */
import Table from "cli-table3";
import { BORDERLESS } from "../../report/table/grid.js";
import { cleanForTerminal } from "../../report/text.js";
import type { Timeline, TimelineStep } from "./model.js";

function changes(step: TimelineStep): string {
  const lines = step.changes.map(
    (c) => `${c.decision} for ${c.roles.join(", ")}: ${c.actions.join(", ")}${c.when ? ` (when ${Object.entries(c.when).map(([k, v]) => `${k} ${v}`).join(", ")})` : ""}`,
  );
  for (const o of step.obligations) lines.push(`duty: ${o.text}`);
  return lines.length > 0 ? lines.join("\n") : "(lists; no prohibition of its own)";
}

export function renderTimelineTable(timeline: Timeline): string {
  const table = new Table({
    head: ["FROM", "STATE", "RULE / PHASE", "WHAT CHANGES", "CITATION"],
    ...BORDERLESS,
    colWidths: [26, 10, 34, 60, 40],
    wordWrap: true,
  });
  const todayRow = (): string[] => [`▶ ${timeline.today}`, "TODAY", "", "", ""];
  timeline.steps.forEach((s, i) => {
    if (i === timeline.todayAt) table.push(todayRow());
    table.push([
      `${s.from}${s.fromConfirmed ? "" : " (start unconfirmed)"}${s.to ? `\nto ${s.to}` : ""}`,
      s.state,
      `${s.rule.title}\n${s.phase.label}`,
      changes(s),
      s.citations[0]?.text ?? "",
    ].map((cell) => cell.split("\n").map(cleanForTerminal).join("\n")));
  });
  if (timeline.todayAt === timeline.steps.length) table.push(todayRow());
  const head = [
    `Timeline${timeline.vendor ? ` for ${timeline.vendor.name}` : ""}${timeline.role ? `, role ${timeline.role}` : ", every role"}; today ${timeline.today}`,
    `Catalog ${timeline.catalog.version} (${timeline.catalog.date}), sha256 ${timeline.catalog.digest}`,
  ];
  return `${head.map(cleanForTerminal).join("\n")}\n\n${timeline.steps.length === 0 ? "No rule phase applies.\n" : `${table.toString()}\n`}`;
}
