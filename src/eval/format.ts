/**
 * @module
 * The detection evaluation as text tables: per observation kind and per vendor, ictsguard beside
 * the grep baseline, and the rows each system got wrong.
 */
import type { DetectionReport, RowOutcome, Scores } from "./evaluate.js";

const f = (x: number) => x.toFixed(3);

function table(title: string, keys: string[], ours: Record<string, Scores>, grep: Record<string, Scores>): string[] {
  const head = `${title.padEnd(14)} ${"rows".padStart(5)} ${"pos".padStart(5)} │ ${"P".padStart(5)} ${"R".padStart(5)} ${"F1".padStart(5)} ${"TP".padStart(4)} ${"FP".padStart(4)} ${"FN".padStart(4)} ${"rev".padStart(4)} │ grep -i: ${"P".padStart(5)} ${"R".padStart(5)} ${"F1".padStart(5)} ${"FP".padStart(4)} ${"FN".padStart(4)}`;
  const lines = [head, "─".repeat(head.length)];
  for (const k of keys) {
    const o = ours[k];
    const g = grep[k];
    if (!o) continue;
    lines.push(
      `${k.padEnd(14)} ${String(o.rows).padStart(5)} ${String(o.positives).padStart(5)} │ ${f(o.precision)} ${f(o.recall)} ${f(o.f1)} ${String(o.tp).padStart(4)} ${String(o.fp).padStart(4)} ${String(o.fn).padStart(4)} ${String(o.review).padStart(4)} │          ${g ? `${f(g.precision)} ${f(g.recall)} ${f(g.f1)} ${String(g.fp).padStart(4)} ${String(g.fn).padStart(4)}` : "-"}`,
    );
  }
  return lines;
}

function mistakes(label: string, outcomes: readonly RowOutcome[], limit: number): string[] {
  const wrong = outcomes.filter((o) => o.detected !== (o.row.expect === "clean" ? undefined : o.row.expect));
  const lines = [`${label}: ${wrong.length} rows wrong${wrong.length > limit ? ` (first ${limit})` : ""}`];
  for (const o of wrong.slice(0, limit)) {
    lines.push(`  ${o.row.file.split("/").pop()}:${o.row.line} ${o.row.observation.kind} "${o.row.observation.name}" expected ${o.row.expect}, got ${o.detected ?? (o.review ? "review only" : "nothing")}`);
  }
  return lines;
}

export function formatDetectionReport(r: DetectionReport, options: { mistakes?: number } = {}): string {
  const kinds = Object.keys(r.ictsguard.byKind);
  const vendors = [...new Set([...Object.keys(r.ictsguard.byVendor), ...Object.keys(r.grep.byVendor)])].sort();
  const all = { all: r.ictsguard.overall };
  const allGrep = { all: r.grep.overall };
  return [
    `Detection corpus: ${r.rows} labelled rows (${r.ictsguard.overall.positives} restricted, ${r.rows - r.ictsguard.overall.positives} clean). P = precision, R = recall; rev = rows left for review only (a match below 0.7).`,
    "",
    ...table("kind", kinds, r.ictsguard.byKind, r.grep.byKind),
    ...table("", ["all"], all, allGrep).slice(2),
    "",
    ...table("vendor", vendors, { ...Object.fromEntries(vendors.map((v) => [v, r.ictsguard.byVendor[v] ?? zero()])) }, r.grep.byVendor),
    "",
    ...mistakes("ictsguard", r.outcomes, options.mistakes ?? 40),
  ].join("\n");
}

function zero(): Scores {
  return { rows: 0, positives: 0, tp: 0, fp: 0, fn: 0, review: 0, precision: 1, recall: 1, f1: 1 };
}
