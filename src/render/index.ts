/**
 * @module
 * Documents for people, drawn from the scan's report document and the catalog: the report as
 * HTML (`renderReportHtml`) and PDF (`renderPdf`, Chromium through playwright-core, loaded only
 * when called), the ban timeline, and the FAR 52.204-23 / 52.204-25(d) report drafts. Library
 * functions (document in, string or bytes out), shared by the CLI and the fleet server.
 */
export { parseReportDocument } from "./input.js";
export { renderReportHtml, type ReportHtmlOptions } from "./html/report.js";
export { CONTENT_SECURITY_POLICY } from "./html/page.js";
export { escapeHtml } from "./html/safe.js";
export { renderPdf, type PdfOptions } from "./pdf.js";
export { CHROMIUM_ARGS, CHROMIUM_ENV, CHROMIUM_INSTALL_HINT, DEFAULT_CHROMIUM, chromiumPath, launchChromium, type LaunchedChromium } from "./chromium.js";
export { buildTimeline, type Timeline, type TimelineStep, type TimelineOptions } from "./timeline/model.js";
export { renderTimelineTable } from "./timeline/table.js";
export { renderTimelineHtml } from "./timeline/html.js";
export { buildFarDraft, FAR_CLAUSES, DIBNET_URL, type FarClause, type FarDraft } from "./far/model.js";
export { renderFarMarkdown } from "./far/markdown.js";
export { renderFarHtml } from "./far/html.js";
