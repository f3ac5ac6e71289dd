/**
 * @module
 * The presenters of `ictsguard check` (src/report/presenter.ts). One decision: a short block
 * (table) or the decision object (json). A batch streams: its report carries the decisions and
 * row errors as an AsyncIterable of events, pulled one at a time as the output takes them; the
 * table prints one line per row as it is decided and ends with a summary of counts per
 * decision; json writes one document whose `decisions` array is written piece by piece (errors
 * and the summary follow it); jsonl writes one decision per line. Nothing is held but the
 * errors to list at the end (at most MAX_ERRORS_KEPT), so any batch size fits.
 *
 * Values from users' files may hold control characters: they are replaced before printing.
 */
import Table from "cli-table3";
import * as util from "node:util";
import type { CheckDecision, CheckResult } from "../../model/decision.js";
import { DECISIONS } from "../../model/vocabulary.js";
import type { Issue } from "../../model/issue.js";
import { formatSource } from "../../model/errors.js";
import type { BatchSummary } from "../../check/index.js";
import { formatStart } from "../../policy/explain.js";
import { PACKAGE_VERSION } from "../../util/package-root.js";
import { writeText } from "../common.js";
import { definePresenter, type Presenters } from "../presenter.js";
import { cleanForTerminal } from "../text.js";

export const CHECK_FORMATS = ["table", "json", "jsonl"] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** One step of a batch, in input order: a row's decision, or a problem with the input. */
export type CheckEvent = { result: CheckResult } | { issue: Issue };

/** What `check` reports: one decision, or a batch streamed as it is decided. */
export type CheckReport =
  | { kind: "single"; result: CheckResult }
  | {
      kind: "batch";
      /** The batch input's name, shown in the output. */
      input: string;
      catalog: { version: string; digest: string };
      events: AsyncIterable<CheckEvent>;
      /** The counts, known once `events` has ended (read only after it). */
      summary(): BatchSummary;
    };

export type CheckOptions = { color: boolean };

/** The check presenters, in the order of CHECK_FORMATS. */
export const CHECK_PRESENTERS: Presenters<CheckFormat, CheckReport, CheckOptions> = {
  table: definePresenter({
    format: "table",
    write: (report, out, options) => present(report, report.kind === "batch" ? tableBatchWriter(out, report, options) : tableSingleWriter(out, options)),
  }),
  json: definePresenter({
    format: "json",
    write: (report, out) => present(report, report.kind === "batch" ? jsonBatchWriter(out, report) : jsonSingleWriter(out)),
  }),
  jsonl: definePresenter({
    format: "jsonl",
    write: (report, out) => present(report, jsonlWriter(out)),
  }),
};

/** A format's writer, fed one event at a time (private: the presenters are the interface). */
type CheckWriter = {
  result(r: CheckResult): Promise<void>;
  issue(i: Issue): Promise<void>;
  /** Ends the output; a batch gives its summary. */
  end(summary?: BatchSummary): Promise<void>;
};

type BatchReport = Extract<CheckReport, { kind: "batch" }>;

/** Feeds the report to a writer, pulling the next event only once the last one is written. */
async function present(report: CheckReport, writer: CheckWriter): Promise<void> {
  if (report.kind === "single") {
    await writer.result(report.result);
    await writer.end();
    return;
  }
  for await (const event of report.events) {
    if ("result" in event) await writer.result(event.result);
    else await writer.issue(event.issue);
  }
  await writer.end(report.summary());
}

/** Errors listed in the JSON document (all are counted in the summary). */
const MAX_ERRORS_KEPT = 1000;
const WRAP = 100;

type Style = "red" | "yellow" | "cyan" | "green" | "bold" | "dim";
const DECISION_STYLE: Record<CheckDecision, Style> = { prohibited: "red", "license-required": "yellow", review: "cyan", allowed: "green" };

function jsonlWriter(out: NodeJS.WritableStream): CheckWriter {
  return {
    result: (r) => writeText(out, `${JSON.stringify(r)}\n`),
    issue: (i) => writeText(out, `${JSON.stringify({ error: i })}\n`),
    end: async () => {},
  };
}

function jsonSingleWriter(out: NodeJS.WritableStream): CheckWriter {
  return {
    result: (r) => writeText(out, `${JSON.stringify(r, null, 2)}\n`),
    issue: async () => {},
    end: async () => {},
  };
}

function jsonBatchWriter(out: NodeJS.WritableStream, report: BatchReport): CheckWriter {
  let started = false;
  let count = 0;
  const errors: Issue[] = [];
  const start = async (): Promise<void> => {
    if (started) return;
    started = true;
    const head = {
      tool: { name: "ictsguard", version: PACKAGE_VERSION },
      catalogVersion: report.catalog.version,
      catalogDigest: report.catalog.digest,
      input: report.input,
      generatedAt: new Date().toISOString(),
    };
    const fields = JSON.stringify(head, null, 2).slice(0, -2); // without the closing "\n}"
    await writeText(out, `${fields},\n  "decisions": [`);
  };
  return {
    async result(r) {
      await start();
      const text = JSON.stringify(r, null, 2).replace(/\n/g, "\n    ");
      await writeText(out, `${count++ === 0 ? "" : ","}\n    ${text}`);
    },
    async issue(i) {
      await start();
      if (errors.length < MAX_ERRORS_KEPT) errors.push(i);
    },
    async end(summary) {
      await start();
      const errs = JSON.stringify(errors, null, 2).replace(/\n/g, "\n  ");
      const sum = JSON.stringify(summary ?? null, null, 2).replace(/\n/g, "\n  ");
      await writeText(out, `${count > 0 ? "\n  " : ""}],\n  "errors": ${errs},\n  "summary": ${sum}\n}\n`);
    },
  };
}

function painter(color: boolean): (style: Style, text: string) => string {
  return (style, text) => (color ? util.styleText(style, text) : text);
}

/** Terminal escapes dropped, other control characters replaced, newlines folded, bidi controls shown. */
const clean = cleanForTerminal;

function cut(text: string, width: number): string {
  const t = clean(text);
  return t.length > width ? `${t.slice(0, width - 1)}…` : t;
}

function wrap(text: string, indent: string, width = WRAP): string {
  const words = clean(text).split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join("\n");
}

/** `Kaspersky Endpoint Security`, `"Acme Corp"`, `AO Kaspersky Lab`: what a row is about. */
function subjectLabel(r: CheckResult): string {
  const parts: string[] = [];
  if (r.party.how !== "none") parts.push(r.party.entity.name);
  else if (r.input.vendor) parts.push(`"${r.input.vendor}"`);
  if (r.product?.how === "catalog") parts.push(r.product.name);
  else if (r.input.product) parts.push(`"${r.input.product}"`);
  if (r.category.value && r.product?.how !== "catalog") parts.push(r.category.value);
  return parts.join(" · ");
}

function tableSingleWriter(out: NodeJS.WritableStream, options: CheckOptions): CheckWriter {
  const paint = painter(options.color);
  return {
    async result(r) {
      const lines: string[] = [];
      lines.push(`${paint("bold", "Decision:")} ${paint(DECISION_STYLE[r.decision], r.decision.toUpperCase())}`);
      lines.push(`  ${cut([r.input.role, r.input.action, subjectLabel(r), r.input.date].join(" · "), WRAP - 2)}`);
      if (r.rules.length > 0) {
        lines.push(paint("bold", "Rules:"));
        for (const rule of r.rules) {
          const phase = rule.phase ? ` · ${rule.phase.label}, from ${formatStart(rule.phase.from)}${rule.phase.fromConfirmed ? "" : " (time of day unconfirmed)"}` : "";
          lines.push(`  ${paint(DECISION_STYLE[rule.decision], rule.decision.padEnd(16))} ${rule.id}${phase}`);
          lines.push(wrap(rule.citation, "                   "));
          if (rule.review) lines.push(wrap(`review: ${rule.review}`, "                   "));
        }
      }
      lines.push(paint("bold", "Why:"));
      lines.push(wrap(r.explanation, "  "));
      if (r.party.how !== "none") lines.push(`${paint("bold", "Party:")} ${cut(`${r.party.query} → ${r.party.entity.name} (${r.party.entity.id}; ${r.party.how}, score ${r.party.score.toFixed(2)})`, WRAP)}`);
      if (r.next) lines.push(`${paint("bold", "Next:")} from ${formatStart(r.next.from)} ${r.next.decision} (${r.next.rule}, ${r.next.label})`);
      lines.push(paint("dim", `catalog ${r.catalogVersion} (sha256:${r.catalogDigest.slice(0, 12)}…)`));
      await writeText(out, `${lines.join("\n")}\n`);
    },
    issue: async () => {},
    end: async () => {},
  };
}

const COLS = { line: 6, ref: 14, decision: 16, role: 24, action: 9, subject: 40, date: 25 } as const;

function tableBatchWriter(out: NodeJS.WritableStream, report: BatchReport, options: CheckOptions): CheckWriter {
  const paint = painter(options.color);
  let headed = false;
  const head = async (): Promise<void> => {
    if (headed) return;
    headed = true;
    const cells = ["line", "ref", "decision", "role", "action", "party / product", "date", "rules"];
    const widths = [COLS.line, COLS.ref, COLS.decision, COLS.role, COLS.action, COLS.subject, COLS.date];
    await writeText(out, `${paint("bold", cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join(" "))}\n`);
  };
  return {
    async result(r) {
      await head();
      const ref = Object.entries(r.input.ref ?? {}).find(([k]) => /^(id|ref|reference|po|ponumber|order|orderid|number)$/i.test(k.replace(/[^a-z0-9]/gi, "")))?.[1] ?? Object.values(r.input.ref ?? {})[0] ?? "";
      const cells = [
        String(r.source?.line ?? "").padEnd(COLS.line),
        cut(ref, COLS.ref).padEnd(COLS.ref),
        paint(DECISION_STYLE[r.decision], r.decision.padEnd(COLS.decision)),
        r.input.role.padEnd(COLS.role),
        r.input.action.padEnd(COLS.action),
        cut(subjectLabel(r) || "-", COLS.subject).padEnd(COLS.subject),
        cut(r.input.date, COLS.date).padEnd(COLS.date),
        r.rules.map((x) => x.id).join(", ") || "-",
      ];
      await writeText(out, `${cells.join(" ")}\n`);
    },
    async issue(i) {
      await head();
      const where = i.source.line !== undefined ? String(i.source.line) : "-";
      await writeText(out, `${where.padEnd(COLS.line)} ${paint(i.severity === "warning" ? "yellow" : "red", i.severity.padEnd(COLS.ref))} ${cut(`${formatSource(i.source)}: ${i.message}`, 160)}\n`);
    },
    async end(summary) {
      if (!summary) return;
      const table = new Table({ head: ["decision", "rows"], style: { head: [], border: [] } });
      for (const d of DECISIONS) table.push([paint(DECISION_STYLE[d], d), String(summary.byDecision[d])]);
      table.push(["rows with errors", String(summary.rows - summary.decided)]);
      table.push([paint("bold", "rows"), paint("bold", String(summary.rows))]);
      const failed = summary.failOn === "none" ? "" : summary.failed ? ` · at or over --fail-on ${summary.failOn}: yes` : ` · at or over --fail-on ${summary.failOn}: no`;
      await writeText(
        out,
        `\n${paint("bold", `Summary of ${report.input}`)}\n${table.toString()}\n${paint("dim", `catalog ${report.catalog.version} (sha256:${report.catalog.digest.slice(0, 12)}…)${failed}`)}\n`,
      );
    },
  };
}
