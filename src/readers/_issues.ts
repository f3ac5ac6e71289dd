/**
 * @module
 * Issue reporting for inventory readers, where one bad pattern can repeat on every record of a
 * large file: the first few issues of each code are reported with their location, the rest are
 * counted and summed up in one issue at the end that lists more of their locations.
 */
import type { ReadContext, ReportableIssue } from "./types.js";

/** Located issues reported per code before the rest are only counted. */
export const ISSUES_PER_CODE = 5;
/** Locations listed in a summary. */
const LOCATIONS_LISTED = 10;

export type IssueLog = {
  report(issue: ReportableIssue): void;
  /** Reports the summaries of codes that had more issues than were reported. Call once, at the end. */
  finish(): void;
};

export function createIssueLog(ctx: ReadContext, file: string, perCode = ISSUES_PER_CODE): IssueLog {
  const extra = new Map<string, { count: number; severity: ReportableIssue["severity"]; where: string[] }>();
  const seen = new Map<string, number>();
  return {
    report(issue) {
      const n = (seen.get(issue.code) ?? 0) + 1;
      seen.set(issue.code, n);
      if (n <= perCode) {
        ctx.report(issue);
        return;
      }
      const e = extra.get(issue.code) ?? { count: 0, severity: issue.severity, where: [] };
      e.count++;
      if (e.severity === "warning" && issue.severity !== "warning") e.severity = issue.severity;
      const at = issue.source.line ?? issue.source.record;
      if (at !== undefined && e.where.length < LOCATIONS_LISTED) e.where.push(String(at));
      extra.set(issue.code, e);
    },
    finish() {
      for (const [code, e] of extra) {
        const more = e.where.length > 0 ? ` at ${e.where.join(", ")}${e.count > e.where.length ? ", ..." : ""}` : "";
        ctx.report({
          code,
          ...(e.severity ? { severity: e.severity } : {}),
          message: `${e.count} more ${code} issue(s) of the same kind${more}`,
          source: { file },
        });
      }
    },
  };
}
