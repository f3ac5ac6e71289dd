/**
 * @module
 * Exit codes, documented in docs/cli.md: 0 nothing at or over the `--fail-on` threshold,
 * 1 findings at or over it, 2 a usage or input error (an input error wins over findings, so a
 * broken inventory never passes as clean). The report's own exit code is in SARIF too.
 */
import type { ReportDocument } from "./finding.js";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** The exit code a scan's report earns. */
export function exitCodeOf(doc: Pick<ReportDocument, "summary">): number {
  if (doc.summary.errors > 0) return EXIT_ERROR;
  return doc.summary.failed ? EXIT_FINDINGS : EXIT_OK;
}
