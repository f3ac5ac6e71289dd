/**
 * @module
 * A FAR report draft as one self-contained HTML page (the report's shell: no script, escaped
 * text), for printing or saving as PDF.
 */
import { htmlPage } from "../html/page.js";
import { h, link } from "../html/safe.js";
import { DIBNET_URL, type FarDraft } from "./model.js";

const BLANK = h`<span class="blank">&nbsp;</span>`;

export function renderFarHtml(d: FarDraft): string {
  const is25 = d.clause.clause.startsWith("FAR 52.204-25");
  const contractFields = ["Contract number", "Order number(s)", "Contracting officer", "Contractor name", "Contractor UEI and CAGE code", "Point of contact (name, phone, email)", ...(is25 ? ["Supplier name", "Supplier UEI and CAGE code"] : [])];
  const body = h`<style>.blank{display:inline-block;min-width:16rem;border-bottom:1px solid #1d2330}</style>
<header class="cover"><h1>DRAFT: ${d.clause.clause}</h1><p><strong>${d.clause.title}</strong></p>
<p class="muted">Draft prepared by ictsguard from a scan report. Check every item, fill in the contract fields and submit it yourself; it is not sent anywhere and it is not legal advice.</p></header>
${d.warnings.map((w) => h`<p class="notice"><strong>Check:</strong> ${w}</p>`)}
<h2>The duty</h2><p>${d.duty.text}</p><ol class="citations">${d.duty.citations.map((c) => h`<li>${link(c.url, c.text)}</li>`)}</ol>
<h2>Where to report</h2><ul><li><strong>Department of Defense contracts:</strong> report through DIBNet, ${link(DIBNET_URL, DIBNET_URL)}.</li><li><strong>Other contracts:</strong> report to the contracting officer (or as the contract directs).</li></ul>
<h2>Deadlines</h2>
<p>Discovered on <strong>${d.discovered}</strong> (${d.discoveredFrom === "flag" ? "given with --discovered" : "the date of the scan in US Eastern; give --discovered if it was identified on another day"}). Business days are counted from the day after, skipping Saturdays, Sundays and US federal holidays (5 U.S.C. 6103).</p>
<table><thead><tr><th>what</th><th>within</th><th>due by</th><th>days skipped</th></tr></thead><tbody>${d.deadlines.map(
    (x) => h`<tr><td>${x.what}</td><td>${x.businessDays} business day${x.businessDays === 1 ? "" : "s"}</td><td><strong>${x.due}</strong></td><td>${x.skipped.length === 0 ? "none" : x.skipped.map((s) => `${s.date} (${s.why})`).join(", ")}</td></tr>`,
  )}</tbody></table>
${d.deadlines.length > 1 ? h`<p class="small">Each deadline is counted from the discovery date, as the catalog gives them; this is the earliest reading.</p>` : ""}
<h2>Contract (fill in)</h2><table class="kv">${contractFields.map((f) => h`<tr><th>${f}</th><td>${BLANK}</td></tr>`)}</table>
<h2>What was found (${d.items.length} ${d.clause.item})</h2>
${d.items.map(
  (x) => h`<section class="finding"><h3>${x.n}. ${x.product} on ${x.host ?? "no host named"}</h3><table class="kv">
<tr><th>Brand</th><td>${x.vendorName}</td></tr>
<tr><th>Item</th><td>${x.product} (${x.category})</td></tr>
<tr><th>Found as</th><td>${x.foundAs.name ?? ""}${x.foundAs.version ? h`, version ${x.foundAs.version}` : ""}${x.foundAs.vendor ? h`, by ${x.foundAs.vendor}` : ""}</td></tr>
${is25 ? h`<tr><th>Model number</th><td>${x.foundAs.name ?? ""} (check: OEM, manufacturer part or wholesaler number)</td></tr>` : ""}
${x.foundAs.path ? h`<tr><th>Path</th><td class="mono">${x.foundAs.path}</td></tr>` : ""}
${x.foundAs.ids.map(([k, v]) => h`<tr><th>${k}</th><td class="mono">${v}</td></tr>`)}
<tr><th>Where</th><td class="mono">${x.where}</td></tr>
<tr><th>How identified</th><td>${x.howIdentified}</td></tr>
<tr><th>When</th><td>scanned ${d.scan.generatedAt}; discovered ${d.discovered}</td></tr>
<tr><th>Status in the scan</th><td>${x.status} (confidence ${x.confidence.toFixed(2)})</td></tr>
${x.exception ? h`<tr><th>Exception</th><td>${x.exception.reason} (owner ${x.exception.author}, expires ${x.exception.expires})</td></tr>` : ""}
<tr><th>Mitigation (recommended)</th><td>${x.remediation}</td></tr>
<tr><th>Mitigation actions taken</th><td>${BLANK}</td></tr></table></section>`,
)}
<footer class="small muted"><p>Scan report generated ${d.scan.generatedAt}, judged for ${d.scan.profile} on ${d.scan.asOf}; inputs: ${d.scan.inputs.join(", ")}; catalog ${d.scan.catalog.version}, sha256 <span class="mono">${d.scan.catalog.digest}</span>.</p></footer>`;
  return htmlPage({ title: `DRAFT ${d.clause.clause}`, body });
}
