/**
 * @module
 * Batch input for `ictsguard check --batch`: purchase orders, renewals and resale orders as CSV
 * (with a header) or JSONL (one object per line), streamed one row at a time. The format is
 * sniffed from the first bytes (a `{` starts JSONL); gzip and the encoding (BOM, UTF-16) are found
 * by the shared opener (src/io).
 *
 * Columns (CSV headers and JSON keys are matched ignoring case, spaces and punctuation):
 * `role`, `action`, `vendor` (or `counterparty`, `supplier`, `seller`), `entity` (an entity
 * id), `product`, `category`, `date` (or `as_of`, `order_date`), `country`, `counterparty_type`
 * (or `supply_to`: `government`) and `funding` (`federal`). Every other column is
 * echoed with the decision (`id`, `po_number`, `reference` ...). A bad row is reported with its
 * line and what was expected, and the rest is still read.
 */
import type { Readable } from "node:stream";
import { readCsvRecords } from "../io/csv.js";
import { DEFAULT_LIMITS, excerpt, jsonTooDeep, listExcerpt, type InputLimits } from "../io/limits.js";
import { IctsError } from "../model/errors.js";
import { inputDeadline } from "../io/deadline.js";
import { openInput, type OpenedInput } from "../io/open.js";
import type { TextEncoding } from "../io/types.js";
import type { Issue } from "../model/issue.js";
import { readLines } from "../readers/_text.js";

export type TransactionField = "role" | "action" | "vendor" | "entity" | "product" | "category" | "date" | "country" | "counterparty" | "funding";

/** Accepted column names per field, compared without case, spaces or punctuation. */
export const FIELD_ALIASES: Record<TransactionField, readonly string[]> = {
  role: ["role", "profile"],
  action: ["action", "transaction", "transactiontype"],
  vendor: ["vendor", "vendorname", "counterparty", "supplier", "suppliername", "seller", "party"],
  entity: ["entity", "entityid"],
  product: ["product", "productname", "item"],
  category: ["category", "productcategory"],
  date: ["date", "asof", "orderdate", "transactiondate", "effectivedate"],
  country: ["country", "vendorcountry", "countrycode"],
  // `counterparty` alone names the vendor (above); the kind of counterparty has its own columns
  counterparty: ["counterpartytype", "counterpartykind", "supplyto", "customertype"],
  funding: ["funding", "fundingsource", "funds"],
};

const FIELD_OF = new Map<string, TransactionField>(
  (Object.entries(FIELD_ALIASES) as [TransactionField, readonly string[]][]).flatMap(([f, names]) => names.map((n) => [n, f] as const)),
);

export function fieldOf(column: string): TransactionField | undefined {
  return FIELD_OF.get(column.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

/** One row as read: the known fields, and the other columns to echo. */
export type TransactionRow = {
  line: number;
  fields: Partial<Record<TransactionField, string>>;
  ref: Record<string, string>;
};

export type BatchFormat = "csv" | "jsonl";

/** An input opened by the shared opener (src/io), or a byte stream with its name (opened here). */
export type BatchInput = OpenedInput | { path: string; stream: Readable };
export type BatchContext = { report(issue: Issue): void };

/** Probes the input (gzip, encoding: src/io) to learn its format, then streams the rows. */
export async function* readTransactions(input: BatchInput, ctx: BatchContext, forced?: BatchFormat, limits: InputLimits = DEFAULT_LIMITS): AsyncIterable<TransactionRow> {
  let opened: OpenedInput;
  try {
    opened = "probe" in input ? input : await openInput({ path: input.path, stream: input.stream }, { maxGzipRatio: limits.maxGzipRatio });
  } catch (err) {
    // the first bytes could not be read (a gzip stream cut off at once): a located batch error
    ctx.report({ code: err instanceof IctsError ? err.code : "batch/read", severity: "error", message: `cannot read the batch: ${excerpt((err as Error).message, 300)}`, source: { file: input.path, line: 1 } });
    return;
  }
  if (opened.probe.head.length === 0) {
    opened.stream.destroy();
    ctx.report({ code: "batch/empty", severity: "error", message: "empty input: expected CSV with a header row, or JSON Lines", source: { file: opened.path } });
    return;
  }
  const format = forced ?? (/^\s*\{/.test(opened.probe.text) ? "jsonl" : "csv");
  let last = 0;
  // the per-input time limit (src/io/deadline.ts): checked between rows, and it fails the stream when reading waits
  const deadline = inputDeadline(limits.maxSecondsPerInput, () => new IctsError("limit/time", `the batch took longer than the limit of ${limits.maxSecondsPerInput} s (limits.maxSecondsPerInput)`, { source: { file: opened.path, line: last + 1 } }));
  const { signal } = deadline;
  signal.addEventListener("abort", () => opened.stream.destroy(signal.reason as Error), { once: true });
  try {
    const rows = format === "jsonl" ? readJsonl({ path: opened.path, stream: opened.stream, encoding: opened.encoding }, ctx, limits, signal) : readCsv(opened, ctx, limits);
    for await (const row of rows) {
      signal.throwIfAborted();
      last = row.line;
      yield row;
    }
  } catch (err) {
    // the input failed under the reader (a cut-off gzip stream): a located error, the rows before it kept
    ctx.report({
      code: err instanceof IctsError ? err.code : "batch/read",
      severity: "error",
      message: `reading stopped after line ${last}: ${excerpt((err as Error).message, 300)}; the rows before it were decided`,
      source: { file: opened.path, line: last + 1 },
    });
  } finally {
    deadline.clear();
    opened.stream.destroy();
  }
}

type DecodedInput = { path: string; stream: Readable; encoding: TextEncoding };

async function* readJsonl(input: DecodedInput, ctx: BatchContext, limits: InputLimits, signal: AbortSignal): AsyncIterable<TransactionRow> {
  const file = input.path;
  for await (const { text, line } of readLines(input, { report: (i) => ctx.report({ severity: "error", ...i }), signal }, { maxLineChars: limits.maxRecordChars })) {
    if (text.trim() === "") continue;
    // JSON.parse and JSON.stringify recurse: a value nested past the limit is a row error, not a RangeError that ends the batch
    const deep = jsonTooDeep(text, limits.maxDepth);
    if (deep !== undefined) {
      ctx.report({ code: "batch/json", severity: "error", message: `value nested deeper than ${limits.maxDepth} levels (at character ${deep + 1}): expected one flat JSON object per line; the row was skipped`, source: { file, line } });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      ctx.report({ code: "batch/json", severity: "error", message: `invalid JSON (${excerpt((err as Error).message, 160)}): expected one JSON object per line`, source: { file, line } });
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      ctx.report({ code: "batch/json", severity: "error", message: `expected a JSON object with role, action and vendor, entity or product (got ${Array.isArray(value) ? "an array" : excerpt(JSON.stringify(value))})`, source: { file, line } });
      continue;
    }
    const row: TransactionRow = { line, fields: {}, ref: {} };
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const field = fieldOf(key);
      if (key === "ref" && v !== null && typeof v === "object" && !Array.isArray(v)) {
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) row.ref[k] = scalar(x);
      } else if (field) {
        if (v !== null && v !== undefined) row.fields[field] = scalar(v);
      } else {
        row.ref[key] = scalar(v);
      }
    }
    yield capNames(row, ctx, file);
  }
}

/**
 * Longest counterparty or product name read from a row: longer ones are cut here, with a located
 * warning, so a wrong column or a pasted document neither slows the resolver (it stays linear in
 * this bound) nor floods the output (the same bound as screening's, src/screen/name-length.ts).
 */
export const MAX_BATCH_NAME = 1000;

function capNames(row: TransactionRow, ctx: BatchContext, file: string): TransactionRow {
  for (const field of ["vendor", "product"] as const) {
    const v = row.fields[field];
    if (v === undefined || v.length <= MAX_BATCH_NAME) continue;
    const cut = v.slice(0, MAX_BATCH_NAME);
    row.fields[field] = /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
    ctx.report({
      code: "batch/name-too-long",
      severity: "warning",
      message: `the ${field} is ${v.length.toLocaleString("en-US")} characters long; only its first ${MAX_BATCH_NAME.toLocaleString("en-US")} were read (is this the right column?)`,
      source: { file, line: row.line },
    });
  }
  return row;
}

function scalar(v: unknown): string {
  return typeof v === "string" ? v : v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
}

async function* readCsv(input: DecodedInput, ctx: BatchContext, limits: InputLimits): AsyncIterable<TransactionRow> {
  const file = input.path;
  const records = readCsvRecords(input, {
    maxRecordChars: limits.maxRecordChars,
    onMalformed: ({ reason, line }) =>
      ctx.report({
        code: "batch/csv",
        severity: "error",
        message: `malformed CSV row (${reason}): the row was skipped`,
        source: { file, ...(line !== undefined ? { line } : {}) },
      }),
  });
  let header: { field?: TransactionField; name: string }[] | undefined;
  for await (const { cells: record, line } of records) {
    if (!header) {
      header = record.map((name) => {
        const field = fieldOf(name.trim());
        return field ? { field, name: name.trim() } : { name: name.trim() };
      });
      const fields = new Set(header.map((h) => h.field).filter(Boolean));
      if (!fields.has("vendor") && !fields.has("entity") && !fields.has("product")) {
        ctx.report({
          code: "batch/columns",
          severity: "error",
          message: `the header names no vendor, entity or product column: found ${listExcerpt(record)}; expected columns role, action, vendor or entity, product, category, date (case and punctuation ignored)`,
          source: { file, line },
        });
        return;
      }
      continue;
    }
    if (record.every((c) => c.trim() === "")) continue;
    const row: TransactionRow = { line, fields: {}, ref: {} };
    header.forEach((h, i) => {
      const value = record[i]?.trim() ?? "";
      if (h.field) {
        if (value !== "") row.fields[h.field] = value;
      } else if (h.name !== "") row.ref[h.name] = value;
    });
    if (record.length > header.length) {
      ctx.report({
        code: "batch/columns",
        severity: "warning",
        message: `row has ${record.length} cells, the header ${header.length}: the extra cells were ignored`,
        source: { file, line },
      });
    }
    yield capNames(row, ctx, file);
  }
  if (!header) ctx.report({ code: "batch/no-header", severity: "error", message: "no header row: expected a CSV header naming the columns", source: { file, line: 1 } });
}
