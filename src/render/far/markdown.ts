/**
 * @module
 * A FAR report draft as Markdown. Inventory text is escaped for Markdown (`<`, `>` and `&` as
 * entities, the characters that make links, images, emphasis, code and table cells
 * backslash-escaped, controls made visible; it never starts a line, so list and heading marks
 * are harmless), so a product name cannot become a link, an image or HTML wherever the draft is
 * rendered, and the text stays readable as plain text.
 */
import { escapeControls } from "../../report/text.js";
import { DIBNET_URL, type FarDraft } from "./model.js";

/** Text for Markdown inside a line: `<`, `>` and `&` as entities, link, emphasis, code and cell marks escaped. */
export function mdText(text: string): string {
  return escapeControls(text.replace(/\r?\n/g, " "))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|~]/g, "\\$&");
}

const BLANK = "____________________";

function skipped(list: FarDraft["deadlines"][number]["skipped"]): string {
  return list.length === 0 ? "none" : list.map((s) => `${s.date} (${s.why})`).join(", ");
}

export function renderFarMarkdown(d: FarDraft): string {
  const out: string[] = [];
  const is25 = d.clause.clause.startsWith("FAR 52.204-25");
  out.push(`# DRAFT: ${d.clause.clause}: ${d.clause.title}`, "");
  out.push(
    `> Draft prepared by ictsguard from a scan report. Check every item, fill in the contract fields and submit it yourself; it is not sent anywhere and it is not legal advice.`,
    "",
  );
  for (const w of d.warnings) out.push(`> **Check:** ${mdText(w)}`, ">");
  if (d.warnings.length > 0) out.push("");
  out.push("## The duty", "", mdText(d.duty.text), "");
  for (const c of d.duty.citations) out.push(`- ${mdText(c.text)}${c.url && /^https?:/.test(c.url) ? ` <${c.url}>` : ""}`);
  out.push("", "## Where to report", "");
  out.push(`- **Department of Defense contracts:** report through DIBNet, <${DIBNET_URL}>.`);
  out.push(`- **Other contracts:** report to the contracting officer (or as the contract directs).`, "");
  out.push("## Deadlines", "");
  out.push(
    `Discovered on **${d.discovered}** (${d.discoveredFrom === "flag" ? "given with --discovered" : "the date of the scan in US Eastern; give --discovered if it was identified on another day"}). Business days are counted from the day after, skipping Saturdays, Sundays and US federal holidays (5 U.S.C. 6103).`,
    "",
  );
  out.push("| what | within | due by | days skipped |", "|---|---|---|---|");
  for (const x of d.deadlines) out.push(`| ${x.what} | ${x.businessDays} business day${x.businessDays === 1 ? "" : "s"} | **${x.due}** | ${skipped(x.skipped)} |`);
  if (d.deadlines.length > 1) out.push("", "Each deadline is counted from the discovery date, as the catalog gives them; this is the earliest reading.");
  out.push("", "## Contract (fill in)", "");
  for (const f of ["Contract number", "Order number(s)", "Contracting officer", "Contractor name", "Contractor UEI and CAGE code", "Point of contact (name, phone, email)"]) out.push(`- ${f}: ${BLANK}`);
  if (is25) out.push(`- Supplier name: ${BLANK}`, `- Supplier UEI and CAGE code: ${BLANK}`);
  out.push("", `## What was found (${d.items.length} ${d.clause.item})`, "");
  for (const x of d.items) {
    out.push(`### ${x.n}. ${mdText(x.product)} on ${x.host ? mdText(x.host) : "no host named"}`, "");
    out.push(`- Brand: ${mdText(x.vendorName)}`);
    out.push(`- Item: ${mdText(x.product)} (${mdText(x.category)})`);
    out.push(
      `- Found as: ${mdText(x.foundAs.name ?? "")}${x.foundAs.version ? `, version ${mdText(x.foundAs.version)}` : ""}${x.foundAs.vendor ? `, by ${mdText(x.foundAs.vendor)}` : ""}`,
    );
    if (is25) out.push(`- Model number (OEM, manufacturer part or wholesaler number): ${x.foundAs.name ? mdText(x.foundAs.name) : BLANK} (check)`);
    if (x.foundAs.path) out.push(`- Path: ${mdText(x.foundAs.path)}`);
    for (const [k, v] of x.foundAs.ids) out.push(`- ${mdText(k)}: ${mdText(v)}`);
    out.push(`- Where: ${mdText(x.where)}`);
    out.push(`- How identified: ${mdText(x.howIdentified)}`);
    out.push(`- When: scanned ${mdText(d.scan.generatedAt)}; discovered ${d.discovered}`);
    out.push(`- Status in the scan: ${x.status} (confidence ${x.confidence.toFixed(2)})`);
    if (x.exception) out.push(`- Exception in the config: ${mdText(x.exception.reason)} (owner ${mdText(x.exception.author)}, expires ${mdText(x.exception.expires)})`);
    out.push(`- Mitigation (recommended): ${mdText(x.remediation)}`);
    out.push(`- Mitigation actions taken: ${BLANK}`, "");
  }
  out.push("## Source", "");
  out.push(`- Scan report generated ${mdText(d.scan.generatedAt)}, judged for ${mdText(d.scan.profile)} on ${mdText(d.scan.asOf)}`);
  out.push(`- Inputs: ${d.scan.inputs.map(mdText).join(", ") || "none"}`);
  out.push(`- Catalog ${mdText(d.scan.catalog.version)}, sha256 ${d.scan.catalog.digest}`, "");
  return out.join("\n");
}
