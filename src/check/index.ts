/**
 * @module
 * The batch of `ictsguard check`: rows in (batch-input.ts), one decision out per row, in input
 * order, as it is made (nothing is held but the counts), with located errors for rows that
 * cannot be decided. Also the one place that turns a raw row or the command's flags into a
 * validated transaction, so single and batch checks read their input the same way.
 */
import { CheckInput, type CheckDecision, type CheckResult } from "../model/decision.js";
import { DECISION_RANK, DECISIONS } from "../model/vocabulary.js";
import type { Issue } from "../model/issue.js";
import { IctsError } from "../model/errors.js";
import { boundMessage, type InputLimits } from "../io/limits.js";
import type { SourceRef } from "../model/observation.js";
import type { Checker } from "../policy/check.js";
import { readTransactions, type BatchFormat, type BatchInput, type TransactionField, type TransactionRow } from "./batch-input.js";

export { readTransactions, type BatchFormat } from "./batch-input.js";

/** Values that apply to rows whose cell is empty or whose column is missing (from the command's flags). */
export type RowDefaults = Partial<Record<TransactionField, string>>;

export type ParsedInput = { ok: true; input: CheckInput } | { ok: false; message: string };

/** Validates one transaction's fields; the message names each wrong field and what was expected. */
export function parseCheckInput(fields: Partial<Record<TransactionField, string>>, ref?: Record<string, string>): ParsedInput {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v.trim() !== "") raw[k] = v.trim();
  if (ref && Object.keys(ref).length > 0) raw.ref = ref;
  const parsed = CheckInput.safeParse(raw);
  if (parsed.success) return { ok: true, input: stripUndefined(parsed.data) as CheckInput };
  const message = parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
  return { ok: false, message };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export type BatchSummary = {
  rows: number;
  decided: number;
  byDecision: Record<CheckDecision, number>;
  errors: number;
  warnings: number;
  failOn: CheckDecision | "none";
  failed: boolean;
};

export type BatchOptions = {
  /** The batch: opened by src/io (the CLI opens files first, for their size), or a named byte stream. */
  input: BatchInput;
  checker: Checker;
  defaults: RowDefaults;
  format?: BatchFormat;
  failOn: CheckDecision | "none";
  onResult(result: CheckResult): void | Promise<void>;
  onIssue(issue: Issue): void | Promise<void>;
  onRow?(rows: number): void;
  /** Record size and nesting limits (default: src/io/limits.ts). */
  limits?: InputLimits;
};

/** Decides every row of one batch input, in order; returns the counts. */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const byDecision = Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<CheckDecision, number>;
  const summary: BatchSummary = { rows: 0, decided: 0, byDecision, errors: 0, warnings: 0, failOn: options.failOn, failed: false };
  const pending: Issue[] = [];
  const report = (issue: Issue): void => {
    if (issue.severity === "warning") summary.warnings++;
    else summary.errors++;
    pending.push(boundMessage(issue)); // no message quotes more than a bounded piece of its row
  };
  const flush = async (): Promise<void> => {
    while (pending.length > 0) await options.onIssue(pending.shift()!);
  };
  for await (const row of readTransactions(options.input, { report }, options.format, options.limits)) {
    await flush();
    summary.rows++;
    options.onRow?.(summary.rows);
    const source: SourceRef = { file: options.input.path, line: row.line };
    const result = decideRow(row, options, source);
    if ("error" in result) {
      report({ code: result.code, severity: "error", message: result.error, source });
      await flush();
      continue;
    }
    summary.decided++;
    byDecision[result.decision]++;
    if (options.failOn !== "none" && DECISION_RANK[result.decision] >= DECISION_RANK[options.failOn]) summary.failed = true;
    await options.onResult(result);
  }
  await flush();
  return summary;
}

function decideRow(row: TransactionRow, options: BatchOptions, source: SourceRef): CheckResult | { error: string; code: string } {
  const fields = { ...options.defaults, ...row.fields };
  // a row that names its own counterparty does not inherit the other form from the flags
  if (row.fields.vendor) delete fields.entity;
  if (row.fields.entity) delete fields.vendor;
  const parsed = parseCheckInput(fields, row.ref);
  if (!parsed.ok) return { code: "batch/row", error: `${parsed.message}` };
  try {
    const result = options.checker.check(parsed.input);
    return { ...result, source: { file: source.file, line: source.line! } };
  } catch (err) {
    if (err instanceof IctsError) return { code: err.code, error: err.message };
    throw err;
  }
}
