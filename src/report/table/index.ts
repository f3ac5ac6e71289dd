/**
 * @module
 * The human report, the default on a terminal: a borderless table with one row per finding
 * (like Grype's), then what a person needs to act on it: per product and status the rules,
 * their citations, the deadline and the remediation; then suppressed findings, exceptions that
 * expired, look-alikes, input problems, and a one-line summary.
 *
 * Every value printed here may come from an untrusted inventory, so control characters
 * (including escape sequences that could drive the terminal) are replaced before printing.
 */
import { asOfLabel, createResolver, type ResolvedFinding } from "../document.js";
import { cleanForTerminal } from "../text.js";
import * as util from "node:util";
import {
  STATUSES,
  type CollectedSource,
  type ExceptionRef,
  type InformationalHit,
  type NetworkEvidence,
  type ReportDocument,
  type Status,
} from "../../model/finding.js";
import { formatSource } from "../../model/errors.js";
import type { ReportOptions } from "../index.js";
import { definePresenter } from "../presenter.js";
import { decisiveRules, observedLabel, plural, ruleCitations, whereLabel, writeText } from "../common.js";
import { borderlessTable } from "./grid.js";

export const tablePresenter = definePresenter<"table", ReportDocument, ReportOptions>({
  format: "table",
  write: async (doc, out, options) => {
    // a piece at a time (the findings table in chunks of rows), each once the stream has taken the one before
    let pending = "";
    for (const piece of tablePieces(doc, options.color)) {
      pending += piece;
      if (pending.length >= WRITE_CHARS) {
        await writeText(out, pending);
        pending = "";
      }
    }
    await writeText(out, pending);
  },
});

/** Widest a cell may be; longer values are cut with `…` so a row fits a wide terminal. */
const MAX = { vendor: 18, product: 30, observed: 40, purl: 52, where: 36, rules: 54 } as const;
/** Prose under the table is wrapped to this width. */
const WRAP = 100;
/** Network evidence printed per product block and in the informational section; the JSON report has all of it. */
const NETWORK_CLIENTS_SHOWN = 10;
const NETWORK_HOSTS_SHOWN = 5;
const INFORMATIONAL_SHOWN = 20;
/** Text collected before each write of the table report. */
const WRITE_CHARS = 64 * 1024;

type Style = "red" | "yellow" | "magenta" | "cyan" | "bold" | "dim";
type Paint = (style: Style, text: string) => string;

const STATUS_STYLE: Record<Status, Style> = { prohibited: "red", unsupported: "magenta", deadline: "yellow", review: "cyan" };

/** Renders the whole report as text (exported for tests and for callers that want a string). */
export function renderTable(doc: ReportDocument, color: boolean): string {
  return Array.from(tablePieces(doc, color)).join("");
}

/**
 * The report as pieces of text that make it when joined: the findings table a chunk of rows at
 * a time, then each section. Sections are separated by a blank line; the text ends with a newline.
 */
function* tablePieces(doc: ReportDocument, color: boolean): Generator<string> {
  const paint = painter(color);
  const status = (s: Status): string => paint(STATUS_STYLE[s], s);
  const resolve = createResolver(doc);
  const findings = doc.findings.map((f) => resolve(f));
  if (findings.length > 0) yield* findingsTable(findings, status, paint);
  for (const [i, section] of restSections(doc, findings, resolve, status, paint).entries()) yield findings.length > 0 || i > 0 ? `\n\n${section}` : section;
  yield "\n";
}

/** Every section after the findings table: per product blocks, suppressed findings, …, the summary line. */
function restSections(
  doc: ReportDocument,
  findings: ResolvedFinding[],
  resolve: ReturnType<typeof createResolver>,
  status: (s: Status) => string,
  paint: Paint,
): string[] {
  const sections: string[] = [];
  if (findings.length > 0) {
    sections.push(...productBlocks(findings, status, paint));
  } else {
    sections.push(
      doc.summary.errors > 0
        ? `No restricted software found in what could be read (${plural(doc.summary.observations, "observation")} from ${plural(doc.summary.inputs, "input")}), but ${plural(doc.summary.errors, "input error")} below: this is no clean result.`
        : `No restricted software found in ${plural(doc.summary.observations, "observation")} from ${plural(doc.summary.inputs, "input")}.`,
    );
  }

  if (doc.suppressed.length > 0) {
    const lines = [paint("bold", `Suppressed by exceptions (${doc.suppressed.length}):`)];
    for (const f of doc.suppressed.map((x) => resolve(x))) {
      const e = f.exception;
      lines.push(`  ${clean(f.product.name)} (${status(f.status)}) at ${clean(whereLabel(f))}`);
      lines.push(wrap(`exception #${e.index}: ${clean(e.reason)} (${clean(e.author)}, expires ${e.expires})`, "    "));
    }
    sections.push(lines.join("\n"));
  }

  const expired = expiredExceptions(findings);
  if (expired.length > 0) {
    sections.push(
      expired
        .map(({ e, count }) =>
          wrap(
            `${paint("yellow", "Warning:")} exception #${e.index} (${cut(clean(e.reason), 40)}, ${clean(e.author)}) ` +
              `expired on ${e.expires} and no longer applies (${plural(count, "finding")}).`,
            "",
          ),
        )
        .join("\n"),
    );
  }

  const informational = doc.informational ?? [];
  if (informational.length > 0) sections.push(informationalBlock(informational, paint));

  if (doc.summary.lookalikes > 0) {
    sections.push(
      wrap(
        `${plural(doc.summary.lookalikes, "look-alike")} not reported: names that resemble a restricted product ` +
          `but that the catalog knows are something else (the JSON report lists them).`,
        "",
      ),
    );
  }

  if (doc.collected && doc.collected.length > 0) sections.push(collectedBlock(doc.collected, paint));

  if (doc.errors.length > 0) {
    const lines = [paint("bold", `Input problems (${doc.errors.length}):`)];
    for (const e of doc.errors) {
      const severity = e.severity === "error" ? paint("red", "error") : paint("yellow", "warning");
      // an input-derived message is cut (before escaping, so the cost is bounded too)
      lines.push(`  ${cut(clean(formatSource(e.source).slice(0, 2000)), 1000)}: ${severity}: ${cut(clean(e.message.slice(0, 2000)), 1000)}`);
    }
    sections.push(lines.join("\n"));
  }

  sections.push(summaryLine(doc, status));
  return sections;
}

const HEAD = ["STATUS", "VENDOR", "PRODUCT", "OBSERVED", "WHERE", "DEADLINE/RULES"];

/** The findings table, a header and one row per finding, as pieces of text (grid.ts). */
function findingsTable(findings: ResolvedFinding[], status: (s: Status) => string, paint: Paint): Iterable<string> {
  return borderlessTable([HEAD, ...findings.map((f) => findingRow(f, status, paint))]);
}

function findingRow(f: ResolvedFinding, status: (s: Status) => string, paint: Paint): string[] {
  const rules = decisiveRules(f).map((r) => r.id);
  const ruleText = rules.length > 1 ? `${rules[0]} +${rules.length - 1}` : (rules[0] ?? "");
  return [
    status(f.status),
    cut(clean(f.vendorName), MAX.vendor),
    cut(clean(f.product.name), MAX.product),
    observedCell(f),
    cutLeft(clean(whereCell(f)), MAX.where),
    f.deadline ? `${paint("yellow", f.deadline)} ${cut(ruleText, MAX.rules - 11)}` : cut(ruleText, MAX.rules),
  ];
}

/** Name and version; a long name is cut, not the version, which says most about an install. */
function observedCell(f: ResolvedFinding): string {
  if (f.network) {
    // network evidence: the most looked-up host, how many others, and the lookups in all
    const more = f.network.domains.length > 1 ? ` +${f.network.domains.length - 1}` : "";
    const suffix = `${more} ×${f.network.total}`;
    return `${cut(clean(f.observation.name), Math.max(MAX.observed - suffix.length, 12))}${suffix}`;
  }
  const version = f.observation.version ? cut(clean(f.observation.version), 16) : "";
  // a package URL with a namespace (npm scope, Maven group) tells one SDK from another: shown
  // without its version and qualifiers, the version beside it as for names
  const purl = f.observation.ids?.purl?.replace(/[?#].*$/, "").replace(/@[^/@]*$/, "");
  if (purl && /^pkg:[^/]+\/[^/]+\/./.test(purl)) return version ? `${cutLeft(clean(purl), Math.max(MAX.purl - version.length - 1, 12))} ${version}` : cutLeft(clean(purl), MAX.purl);
  if (!version || f.observation.name.endsWith(f.observation.version!)) return cut(clean(observedLabel(f)), MAX.observed);
  return `${cut(clean(f.observation.name), Math.max(MAX.observed - version.length - 1, 12))} ${version}`;
}

/** Host and `file:line` / `file record N`; a JSON pointer is too long for a cell (the block and JSON have it). */
function whereCell(f: ResolvedFinding): string {
  const { pointer: _pointer, ...source } = f.source;
  const at = formatSource(source);
  return f.observation.host ? `${f.observation.host} · ${at}` : at;
}

/** One block per distinct product and status, in the order the table shows them. */
function productBlocks(findings: ResolvedFinding[], status: (s: Status) => string, paint: Paint): string[] {
  const groups = new Map<string, ResolvedFinding[]>();
  for (const f of findings) {
    const key = `${f.product.id}\u0000${f.status}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const relation = first.product.relation === "integration" ? ", integration" : "";
    const lines = [
      `${status(first.status)} · ${paint("bold", clean(first.product.name))} (${clean(first.vendorName)}, ${first.product.category}${relation}) · ${plural(group.length, "finding")} · ${confidenceLabel(group)}`,
      wrap(clean(first.reason), "  "),
    ];
    lines.push(...networkLines(group));
    // Findings of one product and status normally share their rules; show the union to be safe.
    const rules = new Map(group.flatMap((f) => decisiveRules(f)).map((r) => [r.id, r]));
    for (const r of rules.values()) {
      let when = "";
      if (r.phase) {
        const date = r.phase.from.slice(0, 10) + (r.phase.fromConfirmed ? "" : " (date unconfirmed)");
        when = r.phase.inForce ? `, in force since ${date}` : `, from ${date}`;
      }
      lines.push(wrap(`Rule ${paint("bold", r.id)}: ${clean(r.title)}${when}.`, "  "));
      lines.push(wrap(`Cites: ${ruleCitations(r).map(clean).join("; ")}`, "    "));
      for (const o of r.obligations) lines.push(wrap(`Must: ${clean(o)}`, "    "));
    }
    const deadlines = new Map(group.flatMap((f) => f.deadlines).map((d) => [`${d.date} ${d.ruleId} ${d.label}`, d]));
    for (const d of [...deadlines.values()].sort((a, b) => a.date.localeCompare(b.date))) {
      lines.push(wrap(`Deadline ${paint("yellow", d.date.slice(0, 10))}: ${clean(d.label)} (${d.ruleId}).`, "  "));
    }
    for (const text of new Set(group.map((f) => f.remediation))) lines.push(wrap(`Remediation: ${clean(text)}`, "  "));
    return lines.join("\n");
  });
}

/** The findings' own confidence (not their evidence's): one figure, or the range when the group's findings differ. */
function confidenceLabel(group: ResolvedFinding[]): string {
  // a loop, not Math.min(...values): spread into arguments, some 130,000 findings overflowed the stack
  let low = Infinity;
  let high = -Infinity;
  for (const f of group) {
    low = Math.min(low, f.confidence);
    high = Math.max(high, f.confidence);
  }
  return low === high ? `confidence ${low.toFixed(2)}` : `confidence ${low.toFixed(2)}–${high.toFixed(2)}`;
}

/** Network findings of a block: per client its lookups and hosts (bounded, the JSON report has them all). */
function networkLines(group: ResolvedFinding[]): string[] {
  const network = group.filter((f) => f.network);
  if (network.length === 0) return [];
  const lines = network.slice(0, NETWORK_CLIENTS_SHOWN).map((f) => wrap(`Client ${clean(f.network!.client ?? "?")}: ${networkSummary(f.network!)}`, "  "));
  if (network.length > NETWORK_CLIENTS_SHOWN) lines.push(`  … and ${plural(network.length - NETWORK_CLIENTS_SHOWN, "more client")} (the JSON report lists them all).`);
  return lines;
}

/** `42 lookups, 2024-… to 2024-…: host (role) ×40, host (role) ×2`, at most a few hosts. */
function networkSummary(n: NetworkEvidence): string {
  const span = n.firstSeen && n.lastSeen ? (n.firstSeen === n.lastSeen ? `, at ${clean(n.firstSeen)}` : `, ${clean(n.firstSeen)} to ${clean(n.lastSeen)}`) : "";
  const hosts = n.domains
    .slice(0, NETWORK_HOSTS_SHOWN)
    .map((d) => `${clean(d.domain)}${d.role ? ` (${d.role})` : ""} ×${d.count}`)
    .join(", ");
  const more = n.domains.length > NETWORK_HOSTS_SHOWN ? `, +${n.domains.length - NETWORK_HOSTS_SHOWN} more` : "";
  return `${plural(n.total, "lookup")}${span}: ${hosts}${more}`;
}

/** Browsing seen in network logs: listed for information, never a finding. */
function informationalBlock(hits: InformationalHit[], paint: Paint): string {
  const clients = plural(hits.length, "client");
  const lines = [paint("bold", `Informational, not findings (${clients} visited vendors' web sites: browsing, not software):`)];
  for (const hit of hits.slice(0, INFORMATIONAL_SHOWN)) {
    lines.push(wrap(`${clean(hit.network.client ?? "(no client)")} · ${clean(hit.vendorName)}: ${networkSummary(hit.network)}`, "  "));
  }
  if (hits.length > INFORMATIONAL_SHOWN) lines.push(`  … and ${plural(hits.length - INFORMATIONAL_SHOWN, "more client")} (the JSON report lists them all).`);
  return lines.join("\n");
}

/** Expired exceptions across findings, once each, with how many findings they no longer cover. */
function expiredExceptions(findings: ResolvedFinding[]): { e: ExceptionRef; count: number }[] {
  const byIndex = new Map<number, { e: ExceptionRef; count: number }>();
  for (const f of findings) {
    for (const e of f.expiredExceptions ?? []) {
      const seen = byIndex.get(e.index);
      if (seen) seen.count++;
      else byIndex.set(e.index, { e, count: 1 });
    }
  }
  return [...byIndex.values()].sort((a, b) => a.e.index - b.e.index);
}

/** What `scan --host` collected: per source its item count, or why it was skipped. */
function collectedBlock(collected: CollectedSource[], paint: Paint): string {
  const hosts = [...new Set(collected.map((c) => c.host))].map(clean).join(", ");
  const items = collected.reduce((n, c) => n + c.items, 0);
  const lines = [paint("bold", `Collected from ${hosts} (${plural(items, "item")} from ${plural(collected.length, "source")}):`)];
  const width = Math.max(...collected.map((c) => c.source.length));
  for (const c of collected) {
    const count = c.skipped ? paint("dim", "skipped".padStart(7)) : String(c.items).padStart(7);
    const notes = [c.reason, c.warnings ? plural(c.warnings, "warning") : undefined].filter((n): n is string => !!n).map(clean);
    const detail = `${clean(c.description)}${notes.length > 0 ? `: ${notes.join("; ")}` : ""}`;
    // aligned columns; the description wraps under itself
    const indent = " ".repeat(2 + width + 2 + 7 + 2);
    lines.push(`  ${clean(c.source).padEnd(width)}  ${count}  ${wrap(detail, indent).slice(indent.length)}`);
  }
  return lines.join("\n");
}

function summaryLine(doc: ReportDocument, status: (s: Status) => string): string {
  const s = doc.summary;
  const byStatus = STATUSES.filter((st) => s.byStatus[st] > 0).map((st) => `${s.byStatus[st]} ${status(st)}`);
  const counts = [
    `${plural(s.findings, "finding")}${byStatus.length > 0 ? ` (${byStatus.join(", ")})` : ""}`,
    `${s.suppressed} suppressed`,
    plural(s.errors, "error"),
    ...(s.warnings > 0 ? [plural(s.warnings, "warning")] : []),
    ...(s.informational ? [`${s.informational} informational`] : []),
  ];
  // Where the catalog came from, when the scan said (the CLI always does): `catalog 2026.11.22 (installed, sha256:290d0539b6fb)`.
  const origin = doc.catalog.origin ? ` (${doc.catalog.origin.kind}, sha256:${doc.catalog.digest.slice(0, 12)}${doc.catalog.stale ? ", stale" : ""})` : "";
  return [counts.join(", "), `catalog ${doc.catalog.version}${origin}`, `profile ${doc.profile}`, `as of ${asOfLabel(doc)}`].join(" · ");
}

/** styleText appeared in Node 20.12; on older 20.x the table is plain. */
function painter(color: boolean): Paint {
  const styleText = (util as { styleText?: (format: Style, text: string, options?: { validateStream?: boolean }) => string }).styleText;
  if (!color || typeof styleText !== "function") return (_style, text) => text;
  // The caller already decided that colors are wanted; newer Node versions would otherwise
  // second-guess that from process.stdout, which need not be the stream written to.
  return (style, text) => styleText(style, text, { validateStream: false });
}

/** Drops terminal escape sequences, turns other control characters into spaces, shows bidi controls. */
const clean = cleanForTerminal;

/** Cuts to `max` characters (code points, so no half emoji), ending with `…`. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

/** Cuts from the left: for locations, whose end (file name and line) matters most. */
function cutLeft(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `…${chars.slice(chars.length - max + 1).join("").trimStart()}`;
}

/** Wraps prose at word boundaries to WRAP columns, every line indented. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter(Boolean)) {
    if (line && visibleLength(indent + line + " " + word) > WRAP) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(indent + line);
  return lines.join("\n");
}

function visibleLength(text: string): number {
  return Array.from(util.stripVTControlCharacters(text)).length;
}
