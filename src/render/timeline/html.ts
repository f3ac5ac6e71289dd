/**
 * @module
 * The timeline as one self-contained HTML page (the same shell and safety as the report: no
 * script, everything escaped), with today marked as a row in the table.
 */
import { htmlPage } from "../html/page.js";
import { h, link } from "../html/safe.js";
import type { Timeline } from "./model.js";

export function renderTimelineHtml(timeline: Timeline): string {
  const todayRow = h`<tr class="today" id="today"><td>▶ ${timeline.today}</td><td colspan="4">Today</td></tr>`;
  const rows = timeline.steps.map(
    (s, i) => h`${i === timeline.todayAt ? todayRow : ""}<tr class="${s.state === "upcoming" ? "" : "past"} state-${s.state}">
<td class="nowrap">${s.from}${s.fromConfirmed ? "" : h`<br><em class="small">start unconfirmed</em>`}${s.to ? h`<br>to ${s.to}` : ""}</td>
<td>${s.state}</td>
<td><strong>${s.rule.title}</strong><br>${s.phase.label}</td>
<td>${s.changes.length === 0 && s.obligations.length === 0 ? h`<span class="muted">lists; no prohibition of its own</span>` : ""}<ul class="tight">${s.changes.map(
      (c) => h`<li><strong>${c.decision}</strong> for ${c.roles.join(", ")}: ${c.actions.join(", ")}${
        c.when ? h` <em>(when ${Object.entries(c.when).map(([k, v]) => `${k} ${v}`).join(", ")})</em>` : ""
      }${c.note ? h`<br><span class="small muted">${c.note}</span>` : ""}</li>`,
    )}${s.obligations.map((o) => h`<li>Duty: ${o.text}</li>`)}</ul></td>
<td class="small"><ol class="citations">${s.citations.map((c, j) => h`<li class="${j === 0 ? "primary" : ""}">${link(c.url, c.text)}</li>`)}</ol></td>
</tr>`,
  );
  const body = h`<header class="cover"><h1>Timeline${timeline.vendor ? h` for ${timeline.vendor.name}` : ""}</h1>
<p class="muted">${timeline.role ? h`For the role <strong>${timeline.role}</strong>` : "For every role"}; today is <strong>${timeline.today}</strong>. Dates without a time start at 00:00 in the rule's zone (US Eastern).</p></header>
<table><thead><tr><th>from</th><th>state</th><th>rule and phase</th><th>what changes</th><th>citations</th></tr></thead><tbody>${rows}${
    timeline.todayAt === timeline.steps.length ? todayRow : ""
  }</tbody></table>
<footer class="small muted"><p>Catalog ${timeline.catalog.version} (${timeline.catalog.date}), sha256 <span class="mono">${timeline.catalog.digest}</span>. Not legal advice.</p></footer>`;
  return htmlPage({ title: `ictsguard timeline${timeline.vendor ? `: ${timeline.vendor.name}` : ""}`, body });
}
