/**
 * @module
 * The shell of every HTML document ictsguard writes: one self-contained file with its styles
 * inline, a Content-Security-Policy that allows no script, no fetch, no frame and no font or
 * image from anywhere (images only as data: URIs; the charts are inline SVG), and print styles
 * for A4 and Letter (page numbers, table headers repeated on each page, no row split across pages).
 */
import { h, type SafeHtml, trusted } from "./safe.js";

/** No script of any kind; styles only inline; images only data: URIs; nothing else from anywhere. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root { --ink:#1d2330; --muted:#5b6474; --line:#d5dae1; --soft:#f4f6f9; --accent:#1f3a5f;
  --prohibited:#b3261e; --unsupported:#c2410c; --deadline:#a16207; --review:#4b5563; --ok:#2e7d32; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "Segoe UI", Arial, sans-serif;
  color: var(--ink); font-size: 10.5pt; line-height: 1.4; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; color: var(--accent); }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); color: var(--accent); break-after: avoid; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; break-after: avoid; }
p { margin: .3rem 0 .5rem; }
.muted { color: var(--muted); }
.small { font-size: .85em; }
code, .mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: .9em; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: .4rem 0 .8rem; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { text-align: left; vertical-align: top; padding: .25rem .4rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; overflow-wrap: normal; }
table.kv th { width: 11rem; background: none; color: var(--muted); font-weight: 500; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .8em; font-weight: 600; color: #fff; white-space: nowrap; }
.s-prohibited { background: var(--prohibited); } .s-unsupported { background: var(--unsupported); }
.s-deadline { background: var(--deadline); } .s-review { background: var(--review); } .s-accepted { background: var(--ok); }
.alert { border: 2px solid var(--prohibited); background: #fdecea; padding: .6rem .8rem; margin: .8rem 0; break-inside: avoid; }
.alert h2, .alert h3 { margin-top: 0; border: 0; color: var(--prohibited); }
.notice { border-left: 4px solid var(--deadline); background: #fff8e6; padding: .4rem .7rem; margin: .6rem 0; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--review); padding: .5rem .8rem; margin: .8rem 0; break-inside: avoid-page; }
.finding.f-prohibited { border-left-color: var(--prohibited); } .finding.f-unsupported { border-left-color: var(--unsupported); }
.finding.f-deadline { border-left-color: var(--deadline); }
.finding h3 { margin-top: .1rem; }
.cite { margin: .1rem 0 .1rem 1rem; font-size: .9em; }
.cite .primary { font-weight: 600; }
ol.citations, ul.tight { margin: .2rem 0 .4rem; padding-left: 1.2rem; }
.chart { margin: .4rem 0; }
.today td { background: #e8f0fb; font-weight: 600; }
.past td { color: var(--muted); }
.cover { border-bottom: 1px solid var(--line); padding-bottom: .6rem; margin-bottom: .6rem; }
footer { margin-top: 2rem; border-top: 1px solid var(--line); padding-top: .4rem; }
a { color: var(--accent); }
.nowrap { white-space: nowrap; overflow-wrap: normal; }
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-left { content: "ictsguard"; font-size: 8pt; color: #5b6474; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #5b6474; } }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  .page-break { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
`;

export function htmlPage(options: { title: string; body: SafeHtml; lang?: string }): string {
  return h`<!DOCTYPE html>
<html lang="${options.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
${options.body}
</body>
</html>
`.html;
}
