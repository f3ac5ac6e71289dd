/**
 * @module
 * A scan report as one HTML document a person can read and an auditor can keep: the scope,
 * a one-minute summary with a chart by status and vendor, what could not be read (unknown is not
 * clean, so it comes before the findings), every finding with its evidence, the rules and
 * citations that decide it (primary instrument first, as the document orders them) and its
 * remediation, the accepted exceptions with owner and expiry, the rules referred to, and the
 * catalog's version and digest. Everything from an inventory goes through `h`, which escapes it.
 */
import type { ReportDocument, Status } from "../../model/finding.js";
import { formatSource } from "../../model/errors.js";
import { asOfLabel, createResolver, type ResolvedFinding } from "../../report/document.js";
import { statusByVendorChart, type ChartRow, type ChartSeries } from "./chart.js";
import { htmlPage } from "./page.js";
import { h, link, type SafeHtml } from "./safe.js";
import type { RenderedCitation } from "../../model/finding.js";

const STATUS_TEXT: Record<Status, string> = {
  prohibited: "Prohibited: holding it is prohibited for this profile on the date",
  unsupported: "Unsupported: lawful updates have ended; replace it",
  deadline: "Deadline: a coming date changes this finding's position",
  review: "Review: a person must decide (low confidence or a condition the tool cannot see)",
};

const EFFECT_TEXT: Record<string, string> = {
  prohibits: "prohibits holding it",
  conditional: "would prohibit it; a condition decides",
  "ends-updates": "ends lawful updates",
  upcoming: "a coming date",
  "restricts-transactions": "restricts transactions",
  excluded: "excludes this category",
  lists: "lists the vendor",
};

export type ReportHtmlOptions = {
  /** The document's title; default "ictsguard compliance report". */
  title?: string;
};

function badge(status: Status | "accepted"): SafeHtml {
  return h`<span class="badge s-${status}">${status === "accepted" ? "accepted exception" : status}</span>`;
}

function citationList(citations: readonly RenderedCitation[]): SafeHtml {
  if (citations.length === 0) return h``;
  return h`<ol class="citations">${citations.map(
    (c, i) =>
      h`<li class="${i === 0 ? "primary" : ""}">${link(c.url, c.text)}${c.note ? h` <span class="muted">(${c.note})</span>` : ""}</li>`,
  )}</ol>`;
}

function hostOf(f: { observation: { host?: string | undefined }; network?: { client?: string | undefined } | undefined }): string | undefined {
  return f.observation.host ?? f.network?.client;
}

function observed(f: ResolvedFinding): SafeHtml {
  const o = f.observation;
  const ids = Object.entries(o.ids ?? {}).filter(([, v]) => typeof v === "string");
  return h`<table class="kv">
<tr><th>Host</th><td>${hostOf(f) ?? h`<span class="muted">none named (an SBOM or inventory without hosts)</span>`}</td></tr>
<tr><th>Found as</th><td>${o.name ?? ""}${o.version ? h` <span class="muted">version</span> ${o.version}` : ""}${o.vendor ? h` <span class="muted">by</span> ${o.vendor}` : ""} <span class="muted">(${o.kind})</span></td></tr>
${o.path ? h`<tr><th>Path</th><td class="mono">${o.path}</td></tr>` : ""}
${ids.map(([k, v]) => h`<tr><th>${k}</th><td class="mono">${v as string}</td></tr>`)}
<tr><th>Product</th><td>${f.product.name} <span class="muted">(${f.vendorName}; ${f.product.category}${f.product.relation === "integration" ? "; embeds the vendor's software" : ""})</span></td></tr>
<tr><th>Read from</th><td class="mono">${formatSource(f.source)}${f.lastSource ? h` … ${formatSource(f.lastSource)}` : ""}${f.count > 1 ? h` <span class="muted">(${f.count} observations)</span>` : ""}</td></tr>
<tr><th>Confidence</th><td>${f.confidence.toFixed(2)}</td></tr>
</table>`;
}

function evidence(f: ResolvedFinding): SafeHtml {
  return h`<h4>Evidence</h4><table><thead><tr><th>matcher</th><th>type</th><th>catalog identifier</th><th>searched</th><th>confidence</th></tr></thead><tbody>${f.evidence.map(
    (e) =>
      h`<tr><td>${e.matcher}</td><td>${e.type}</td><td><code>${e.found.rule}</code> = ${e.found.value}</td><td>${
        e.searchedBy ? Object.entries(e.searchedBy).map(([k, v]) => h`${k}: ${v}<br>`) : (e.searched ?? []).join(", ")
      }${e.role ? h` <span class="muted">(${e.role})</span>` : ""}</td><td>${e.confidence.toFixed(2)}</td></tr>`,
  )}</tbody></table>${
    f.network
      ? h`<p>Network: ${f.network.total} lookups${f.network.firstSeen ? h` from ${f.network.firstSeen}` : ""}${f.network.lastSeen ? h` to ${f.network.lastSeen}` : ""}: ${f.network.domains.map(
          (d, i) => h`${i > 0 ? ", " : ""}<code>${d.domain}</code> ×${d.count}`,
        )}</p>`
      : ""
  }`;
}

function rulesOf(f: ResolvedFinding): SafeHtml {
  const deciding = f.rules.filter((r) => r.effect !== "lists");
  const listing = f.rules.filter((r) => r.effect === "lists");
  return h`<h4>Rules and citations</h4>${deciding.map(
    (r) => h`<div><strong>${r.title}</strong>: ${EFFECT_TEXT[r.effect] ?? r.effect}${
      r.phase ? h`, ${r.phase.label} (${r.phase.inForce ? "since" : "from"} ${r.phase.from}${r.phase.fromConfirmed ? "" : ", start unconfirmed"})` : ""
    }${r.condition ? h`<p class="notice">${r.condition.text}</p>` : ""}${citationList(r.citations)}${
      r.obligations.length > 0 ? h`<p class="small">Duties: </p><ul class="tight small">${r.obligations.map((o) => h`<li>${o}</li>`)}</ul>` : ""
    }</div>`,
  )}${
    listing.length > 0
      ? h`<p class="small muted">Also names the vendor, restricting nothing this profile does here: ${listing.map((r, i) => h`${i > 0 ? "; " : ""}${r.title} (${r.citation})`)}.</p>`
      : ""
  }${
    f.deadlines.length > 0
      ? h`<p><strong>Coming dates:</strong> ${f.deadlines.map((d, i) => h`${i > 0 ? "; " : ""}${d.date}: ${d.label} (${d.actions.join(", ")})`)}</p>`
      : ""
  }`;
}

function remediation(f: ResolvedFinding): SafeHtml {
  const removal = f.removal;
  return h`<h4>Remediation</h4><p>${f.remediation}</p>${
    removal?.underWay ? h`<p class="notice">What was found is the vendor's own removal tool: removal is under way.</p>` : ""
  }${(removal?.guides ?? []).map(
    (g) => h`<table class="kv small"><tr><th>Remove (${g.platforms.join(", ")})</th><td>${g.remove}</td></tr><tr><th>Verify</th><td>${g.verify}</td></tr>${
      g.licence ? h`<tr><th>Licence</th><td>${g.licence}</td></tr>` : ""
    }${g.confirmed ? "" : h`<tr><th></th><td><em>These steps are not confirmed.</em></td></tr>`}</table>${citationList(g.citations)}`,
  )}${
    f.expiredExceptions && f.expiredExceptions.length > 0
      ? h`<p class="notice">Expired exceptions no longer apply: ${f.expiredExceptions.map((e, i) => h`${i > 0 ? "; " : ""}${e.reason} (${e.author}, expired ${e.expires})`)}</p>`
      : ""
  }`;
}

function findingSection(f: ResolvedFinding, n: number): SafeHtml {
  return h`<section class="finding f-${f.status}" id="f-${f.id}">
<h3>${n}. ${f.product.name} on ${hostOf(f) ?? "no host named"} ${badge(f.status)}</h3>
<p>${f.reason}</p>
${observed(f)}${evidence(f)}${rulesOf(f)}${remediation(f)}
<p class="small muted">Finding id <code>${f.id}</code></p>
</section>`;
}

function chartRows(doc: ReportDocument): ChartRow[] {
  const rows = new Map<string, ChartRow>();
  const name = new Map(doc.products.map((p) => [p.vendor, p.vendorName]));
  const add = (vendor: string, series: ChartSeries): void => {
    const row = rows.get(vendor) ?? { label: name.get(vendor) ?? vendor, counts: {} };
    row.counts[series] = (row.counts[series] ?? 0) + 1;
    rows.set(vendor, row);
  };
  for (const f of doc.findings) add(f.vendor, f.status);
  for (const f of doc.suppressed) add(f.vendor, "accepted");
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label));
}

function errorsSection(doc: ReportDocument): SafeHtml {
  const errors = doc.errors.filter((e) => e.severity === "error");
  const warnings = doc.errors.filter((e) => e.severity === "warning");
  const skipped = (doc.collected ?? []).filter((c) => c.skipped);
  const rows = doc.errors.map(
    (e) => h`<tr><td class="nowrap">${e.severity}</td><td class="nowrap"><code>${e.code}</code></td><td class="mono" style="min-width:10rem">${formatSource(e.source)}</td><td>${e.message}</td></tr>`,
  );
  const table = h`<table><thead><tr><th>severity</th><th>code</th><th>where</th><th>what</th></tr></thead><tbody>${rows}</tbody></table>`;
  if (errors.length > 0) {
    return h`<section class="alert" id="errors"><h2>Unread input: this report is incomplete</h2>
<p><strong>${errors.length} error${errors.length === 1 ? "" : "s"}</strong> stopped part of the input from being read${warnings.length ? h` (and ${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : ""}. What was not read was not checked: <strong>unknown is not clean</strong>. Fix the input and scan again before relying on this report.</p>
${table}</section>`;
  }
  if (warnings.length > 0 || skipped.length > 0) {
    return h`<section class="notice" id="errors"><h3>Warnings</h3>${warnings.length > 0 ? table : ""}${
      skipped.length > 0
        ? h`<p>Collector sources skipped on the host: ${skipped.map((c, i) => h`${i > 0 ? "; " : ""}${c.source} (${c.reason ?? "not present"})`)}</p>`
        : ""
    }</section>`;
  }
  return h`<p id="errors">Every input was read without errors.</p>`;
}

/** Renders a report document (report version 2) as one self-contained HTML page. */
export function renderReportHtml(doc: ReportDocument, options: ReportHtmlOptions = {}): string {
  const resolve = createResolver(doc);
  const findings = doc.findings.map((f) => resolve(f));
  const suppressed = doc.suppressed.map((f) => resolve(f));
  const hosts = [...new Set([...doc.findings, ...doc.suppressed].map(hostOf).filter((x): x is string => x !== undefined))].sort();
  const collectedHosts = [...new Set((doc.collected ?? []).map((c) => c.host))];
  const s = doc.summary;
  const counts = (["prohibited", "unsupported", "deadline", "review"] as const).filter((k) => s.byStatus[k] > 0);
  const vendors = [...new Set(findings.map((f) => f.vendorName))];
  const title = options.title ?? "ictsguard compliance report";
  const errorCount = doc.errors.filter((e) => e.severity === "error").length;

  const headline =
    findings.length === 0
      ? errorCount > 0
        ? h`No restricted product was found in what could be read, but <strong>${errorCount} input error${errorCount === 1 ? "" : "s"}</strong> left part of the input unread: this is not a clean result.`
        : h`No restricted product was found in the inputs for the profile <strong>${doc.profile}</strong> on ${asOfLabel(doc)}${
            s.suppressed > 0 ? h`, apart from ${s.suppressed} accepted exception${s.suppressed === 1 ? "" : "s"}` : ""
          }.`
      : h`<strong>${findings.length} finding${findings.length === 1 ? "" : "s"}</strong> of restricted ${vendors.join(", ")} products on ${hosts.length} host${
          hosts.length === 1 ? "" : "s"
        }: ${counts.map((k, i) => h`${i > 0 ? ", " : ""}${s.byStatus[k]} ${k}`)}. ${
          s.suppressed > 0 ? h`${s.suppressed} more ${s.suppressed === 1 ? "is" : "are"} covered by accepted exceptions. ` : ""
        }${errorCount > 0 ? h`<strong>${errorCount} input error${errorCount === 1 ? "" : "s"}</strong> left part of the input unread.` : "Every input was read."}`;

  const body = h`
<header class="cover">
<h1>${title}</h1>
<p class="muted">Restricted foreign-adversary technology, judged for the profile <strong>${doc.profile}</strong> on <strong>${asOfLabel(doc)}</strong>. Generated ${doc.generatedAt} by ${doc.tool.name} ${doc.tool.version}.</p>
</header>

<section id="summary">
<h2>Summary</h2>
<p>${headline}</p>
${
  findings.length + suppressed.length > 0
    ? h`<table><thead><tr><th>status</th><th>findings</th><th>what it means</th></tr></thead><tbody>${counts.map(
        (k) => h`<tr><td>${badge(k)}</td><td>${s.byStatus[k]}</td><td>${STATUS_TEXT[k]}</td></tr>`,
      )}${s.suppressed > 0 ? h`<tr><td>${badge("accepted")}</td><td>${s.suppressed}</td><td>Covered by an exception in the config, with an owner and an expiry (below)</td></tr>` : ""}</tbody></table>
${statusByVendorChart(chartRows(doc), "Findings by vendor and status")}`
    : ""
}
${s.lookalikes > 0 ? h`<p class="small muted">${s.lookalikes} known look-alike${s.lookalikes === 1 ? "" : "s"} (products with similar names that are not restricted) were seen and not reported.</p>` : ""}
</section>

${errorsSection(doc)}

<section id="scope">
<h2>Scope</h2>
<table class="kv">
<tr><th>Profile</th><td>${doc.profile}</td></tr>
<tr><th>As of</th><td>${asOfLabel(doc)}</td></tr>
<tr><th>Generated</th><td>${doc.generatedAt}</td></tr>
<tr><th>Inputs (${doc.inputs.length})</th><td>${doc.inputs.length === 0 ? h`<span class="muted">none</span>` : h`<ul class="tight mono">${doc.inputs.map((i) => h`<li>${i}</li>`)}</ul>`}</td></tr>
<tr><th>Hosts with findings (${hosts.length})</th><td>${hosts.length === 0 ? h`<span class="muted">none</span>` : hosts.map((x, i) => h`${i > 0 ? ", " : ""}<span class="mono">${x}</span>`)}</td></tr>
${collectedHosts.length > 0 ? h`<tr><th>Hosts collected</th><td>${collectedHosts.join(", ")}</td></tr>` : ""}
<tr><th>Observations read</th><td>${s.observations}</td></tr>
<tr><th>Catalog</th><td>version ${doc.catalog.version} of ${doc.catalog.date}${doc.catalog.origin ? h` (${doc.catalog.origin.kind})` : ""}${
    doc.catalog.stale ? h` <strong>stale: ${doc.catalog.ageDays ?? "?"} days old</strong>` : ""
  }<br><span class="mono small">sha256 ${doc.catalog.digest}</span></td></tr>
</table>
</section>

<section id="findings" class="page-break">
<h2>Findings (${findings.length})</h2>
${
  findings.length === 0
    ? h`<p>None.</p>`
    : h`<table><thead><tr><th>#</th><th>host</th><th>product</th><th>found as</th><th>status</th></tr></thead><tbody>${findings.map(
        (f, i) => h`<tr><td><a href="#f-${f.id}">${i + 1}</a></td><td class="nowrap">${hostOf(f) ?? "—"}</td><td>${f.product.name}</td><td>${f.observation.name ?? ""}</td><td>${badge(f.status)}</td></tr>`,
      )}</tbody></table>
${findings.map((f, i) => findingSection(f, i + 1))}`
}
</section>

<section id="exceptions">
<h2>Exceptions (${suppressed.length})</h2>
${
  suppressed.length === 0
    ? h`<p>No finding is covered by an exception.</p>`
    : h`<p>These findings are covered by exceptions the organisation accepted in its config file. Each has an owner and an expiry; after it, the finding is reported again.</p>
<table><thead><tr><th>host</th><th>product</th><th>found as</th><th>status</th><th>reason</th><th>owner</th><th>expires</th></tr></thead><tbody>${suppressed.map(
        (f) =>
          h`<tr><td>${hostOf(f) ?? "—"}</td><td>${f.product.name}</td><td>${f.observation.name ?? ""}</td><td>${badge(f.status)}</td><td>${f.exception.reason}</td><td>${f.exception.author}</td><td>${f.exception.expires}</td></tr>`,
      )}</tbody></table>`
}
</section>

<section id="rules" class="page-break">
<h2>Rules referred to</h2>
${doc.rules.map(
  (r) => h`<h3>${r.title}</h3>${citationList(r.citations)}${
    r.phases.length > 0
      ? h`<table><thead><tr><th>from</th><th>phase</th><th>duties for ${doc.profile}</th></tr></thead><tbody>${r.phases.map(
          (p) => h`<tr><td>${p.from}${p.to ? h` to ${p.to}` : ""}${p.fromConfirmed ? "" : h`<br><em class="small">start unconfirmed</em>`}</td><td>${p.label}</td><td>${
            p.obligations.length > 0 ? h`<ul class="tight">${p.obligations.map((o) => h`<li>${o}</li>`)}</ul>` : h`<span class="muted">—</span>`
          }</td></tr>`,
        )}</tbody></table>`
      : ""
  }${(r.conditions ?? []).map((c) => h`<p class="notice small">Condition: ${c.text}</p>`)}`,
)}
</section>

<footer class="small muted">
<p>Catalog ${doc.catalog.version} (${doc.catalog.date}), sha256 <span class="mono">${doc.catalog.digest}</span>. Report version ${doc.reportVersion}, ${doc.tool.name} ${doc.tool.version}. This report states what the listed inputs showed on the date given; it is not legal advice.</p>
</footer>`;
  return htmlPage({ title: `${title}: ${doc.profile}, ${asOfLabel(doc)}`, body });
}

