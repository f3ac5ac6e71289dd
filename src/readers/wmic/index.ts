/**
 * @module
 * Reader for `wmic product get ...` output (Win32_Product, MSI-installed products only; docs
 * formats.md §4d), in its three layouts:
 *
 * - the default table: a header of property names (in alphabetical order, whatever order was
 *   asked for) padded to fixed-width columns; values hold single spaces, so rows are cut at the
 *   header's column starts;
 * - `/format:csv`: a blank first line, then `Node,<properties>`; Node is the computer name. wmic
 *   does not quote values, so a comma inside one (`ESET, spol. s r.o.`, `Cisco Systems, Inc.`)
 *   splits it: a cell that is only a legal form (`Inc.`, `Ltd.`, `spol. s r.o.`) is joined back to
 *   the cell before it, and any other surplus is given to Vendor with a warning;
 * - `/format:list`: `Property=Value` lines in blocks separated by blank lines.
 *
 * Redirected to a file, wmic writes UTF-16LE with a BOM; through cmd pipes lines end in `\r\r\n`.
 * Both are handled by the shared line reader. `parseWmic(text)` reads such output in memory.
 */
import type { Line } from "../_text.js";
import { parseWithLineParser, readWithLineParser, type CreateLineParser } from "../_lines.js";
import { headLines } from "../_head.js";
import { createIssueLog, type IssueLog } from "../_issues.js";
import { observe } from "../_observe.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation } from "../../model/observation.js";

export const wmicReader = defineReader({
  name: "windows/wmic",
  version: 1,
  description: "wmic product get output (Win32_Product): default table, /format:csv (Node = host) and /format:list; UTF-16 or UTF-8",
  detect,
  read,
});

/** Win32_Product properties (and `Node`, which /format:csv adds), lower case. */
const PROPERTIES = new Set(
  [
    "AssignmentType", "Caption", "Description", "HelpLink", "HelpTelephone", "IdentifyingNumber", "InstallDate", "InstallDate2",
    "InstallLocation", "InstallSource", "InstallState", "Language", "LocalPackage", "Name", "PackageCache", "PackageCode",
    "PackageName", "ProductID", "RegCompany", "RegOwner", "SKUNumber", "Transforms", "URLInfoAbout", "URLUpdateInfo", "Vendor",
    "Version", "WordCount",
  ].map((p) => p.toLowerCase()),
);
const known = (p: string): boolean => PROPERTIES.has(p.trim().toLowerCase());

/** A cell that is only a company's legal form: the tail of a vendor name split at its comma. */
const LEGAL_FORM = /^\s*(?:inc|ltd|llc|l\.l\.c|co|corp|corporation|incorporated|limited|gmbh|ag|plc|pty\.?\s*ltd|s\.?\s*a|s\.?\s*r\.?\s*o|spol\.\s*s\s*r\.\s*o|s\.?\s*p\.?\s*a|b\.?\s*v|n\.?\s*v|a\.?\s*s|oy|ab|kk|srl|sarl)\.?\s*$/i;

type Layout = "table" | "csv" | "list";

function layoutOf(line: string): Layout | undefined {
  const t = line.trim();
  if (/^Node,/i.test(t)) return t.split(",").slice(1).filter(known).length >= 1 ? "csv" : undefined;
  const kv = /^([A-Za-z0-9]+)=/.exec(t);
  if (kv) return known(kv[1]!) ? "list" : undefined;
  const names = t.split(/\s+/);
  return names.length > 0 && names.every(known) ? "table" : undefined;
}

function detect(probe: Probe): number {
  const lines = headLines(probe.text, 40).filter((l) => l.trim() !== "");
  const first = lines[0];
  if (first === undefined) return 0;
  const layout = layoutOf(first);
  if (layout === "csv") return 0.9;
  if (layout === "list") return lines.filter((l) => /^([A-Za-z0-9]+)=/.test(l) && known(l.slice(0, l.indexOf("=")))).length >= 2 ? 0.85 : 0;
  if (layout === "table") return first.trim().split(/\s+/).length >= 2 ? 0.85 : lines.length >= 2 ? 0.6 : 0;
  return 0;
}

type Columns = { names: string[]; starts: number[] };

/** The product observations of one wmic output, fed line by line. */
export class WmicReader {
  private layout: Layout | undefined;
  private columns: Columns | undefined;
  private block: { line: number; values: Map<string, string> } | undefined;
  private readonly issues: IssueLog;

  constructor(
    private readonly file: string,
    report: (issue: ReportableIssue) => void,
  ) {
    this.issues = createIssueLog({ report }, file);
  }

  push({ text, line }: Line): Observation[] {
    if (text.trim() === "") return this.layout === "list" ? this.endBlock() : [];
    if (this.layout === undefined) {
      this.layout = layoutOf(text);
      if (this.layout === undefined) {
        this.layout = "table";
        this.issues.report({
          code: "wmic/header",
          message: `expected a wmic product header (property names such as Name, Vendor, Version; "Node,..." with /format:csv; Name=... with /format:list), found "${text.trim().slice(0, 60)}"; read as a table`,
          source: { file: this.file, line },
        });
      }
      if (this.layout !== "list") {
        this.columns = this.layout === "csv" ? { names: text.trim().split(",").map((c) => c.trim()), starts: [] } : tableColumns(text);
        return [];
      }
    }
    if (this.layout === "list") return this.listLine(text, line);
    return this.layout === "csv" ? this.csvRow(text, line) : this.tableRow(text, line);
  }

  end(): Observation[] {
    const out = this.layout === "list" ? this.endBlock() : [];
    this.issues.finish();
    return out;
  }

  private tableRow(text: string, line: number): Observation[] {
    const { names, starts } = this.columns!;
    const misaligned = starts.some((s) => s > 0 && text.length > s && text[s - 1] !== " ");
    if (misaligned) {
      this.issues.report({
        code: "wmic/columns",
        severity: "warning",
        message: "the values do not line up with the header's columns (edited or re-wrapped output?); the row was cut at the header's column starts",
        source: { file: this.file, line },
      });
    }
    const values = new Map<string, string>();
    names.forEach((n, i) => values.set(n.toLowerCase(), text.slice(starts[i], starts[i + 1]).trim()));
    return this.product(values, line);
  }

  private csvRow(text: string, line: number): Observation[] {
    const names = this.columns!.names;
    let cells = text.split(",");
    if (cells.length > names.length) cells = joinLegalForms(cells, names.length);
    if (cells.length > names.length) {
      const into = names.findIndex((n) => n.toLowerCase() === "vendor");
      const at = into === -1 ? Math.max(0, names.findIndex((n) => n.toLowerCase() === "name")) : into;
      const surplus = cells.length - names.length;
      cells = [...cells.slice(0, at), cells.slice(at, at + surplus + 1).join(","), ...cells.slice(at + surplus + 1)];
      this.issues.report({
        code: "wmic/columns",
        severity: "warning",
        message: `${names.length + surplus} values for ${names.length} columns: wmic does not quote values, so a value holds a comma; the extra text was given to ${names[at]}`,
        source: { file: this.file, line },
      });
    }
    const short = cells.length < names.length;
    if (short) {
      this.issues.report({
        code: "wmic/columns",
        message: `${cells.length} values for ${names.length} columns (${names.join(",")}): a cut or damaged row; read as far as it goes`,
        source: { file: this.file, line },
      });
    }
    const values = new Map<string, string>();
    names.forEach((n, i) => values.set(n.toLowerCase(), (cells[i] ?? "").trim()));
    return this.product(values, line, short);
  }

  private listLine(text: string, line: number): Observation[] {
    const eq = text.indexOf("=");
    if (eq <= 0) {
      this.issues.report({ code: "wmic/list", message: `expected Property=Value (wmic /format:list), found "${text.trim().slice(0, 60)}"; the line was skipped`, source: { file: this.file, line } });
      return [];
    }
    this.block ??= { line, values: new Map() };
    this.block.values.set(text.slice(0, eq).trim().toLowerCase(), text.slice(eq + 1).trim());
    return [];
  }

  private endBlock(): Observation[] {
    const block = this.block;
    this.block = undefined;
    return block ? this.product(block.values, block.line) : [];
  }

  /** The product of one row or block; a nameless one is skipped with a warning (unless the row was already reported). */
  private product(values: Map<string, string>, line: number, reported = false): Observation[] {
    const o = observe({
      kind: "software",
      name: values.get("name") || values.get("caption") || values.get("description"),
      vendor: values.get("vendor"),
      version: values.get("version"),
      path: values.get("installlocation"),
      host: values.get("node"),
      source: { file: this.file, line },
    });
    if (o) return [o];
    if (!reported) this.issues.report({ code: "wmic/no-name", severity: "warning", message: "a product without Name, Caption or Description; it was skipped", source: { file: this.file, line } });
    return [];
  }
}

/** Column starts of a fixed-width header: where each property name begins. */
function tableColumns(header: string): Columns {
  const names: string[] = [];
  const starts: number[] = [];
  for (const m of header.matchAll(/\S+/g)) {
    names.push(m[0]);
    starts.push(m.index!);
  }
  return { names, starts };
}

/** Joins a cell that is only a legal form (`Inc.`) to the cell before it, while there are too many cells. */
function joinLegalForms(cells: string[], want: number): string[] {
  const out = [...cells];
  for (let i = out.length - 1; i > 0 && out.length > want; i--) {
    if (LEGAL_FORM.test(out[i]!)) {
      out.splice(i - 1, 2, `${out[i - 1]},${out[i]}`);
    }
  }
  return out;
}

const createWmicReader: CreateLineParser = (file, report) => new WmicReader(file, report);

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  yield* readWithLineParser(input, ctx, createWmicReader, { code: "wmic/empty", expected: "wmic product get output" });
}

/** The products in wmic product get output held in memory, and the problems found. */
export function parseWmic(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  return parseWithLineParser(text, file, createWmicReader);
}
