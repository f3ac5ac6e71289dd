/**
 * @module
 * Reader for inventory CSV exports with a header row: PowerShell `Export-Csv` (with or without the
 * `#TYPE` line), Intune discovered apps, Defender vulnerability management, Lansweeper, Jamf, and
 * the hand-written generic form `host,kind,name,vendor,version,path,identifier`. Columns are
 * mapped by name (columns.ts). The text is decoded by the input's encoding (UTF-8, or UTF-16 by
 * BOM), CRLF is folded to LF so csv-parse counts lines right, and the delimiter (`,` `;` tab) is
 * sniffed from the header line. Records stream through csv-parse one at a time.
 */
import { Readable, pipeline } from "node:stream";
import { parse, type CsvError } from "csv-parse";
import { decodeChunks } from "../_text.js";
import { registryPathOf } from "../windows-reg/uninstall.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation, ObservationIds, ObservationKind, SourceRef } from "../../model/observation.js";
import {
  COLUMN_ALIASES,
  KIND_COLUMNS,
  hasNameColumn,
  mapColumns,
  parseKind,
  type ColumnMap,
  type CsvField,
  type KindColumn,
} from "./columns.js";

export const csvReader = defineReader({
  name: "inventory/csv",
  version: 1,
  description: "inventory CSV with a header row: PowerShell Export-Csv, Intune, Defender, Lansweeper, generic host,kind,name,vendor,version,path,identifier",
  detect,
  read,
});

const DELIMITERS = [",", ";", "\t"] as const;
/** A record longer than this never ended (an unclosed quote): stop instead of buffering the file. */
const MAX_RECORD_CHARS = 1 << 20;
/** How many line numbers a summary issue lists. */
const LINES_LISTED = 10;

function detect(probe: Probe): number {
  const { header } = findHeader(probe.text);
  if (header === undefined || /^\s*[[{<]/.test(header)) return 0; // JSON and XML are others' formats
  const cells = splitHeader(header, sniffDelimiter(header));
  if (cells.length < 2) return 0;
  const map = mapColumns(cells);
  if (!hasNameColumn(map)) return 0;
  // below the JSON readers (0.9): a header row is weaker evidence than a format marker
  const recognized = Object.keys(map).length;
  return recognized >= 4 ? 0.8 : recognized >= 2 ? 0.7 : 0.6;
}

type ParsedRecord = { record: string[]; info: { lines: number }; raw?: string };

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const file = input.path;
  const text = lfText(input)[Symbol.asyncIterator]();

  // Read up to the header line to learn the delimiter and whether a #TYPE line comes first.
  let head = "";
  while (findHeader(head).complete === false && head.length < MAX_RECORD_CHARS) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
  }
  const { header, typeLine } = findHeader(head);
  const delimiter = sniffDelimiter(header ?? "");

  let charsSinceRecord = 0;
  let runaway = false;
  async function* replay(): AsyncGenerator<string> {
    try {
      yield head;
      for (;;) {
        if (charsSinceRecord > MAX_RECORD_CHARS) {
          runaway = true; // end the input here; csv-parse then reports the open quote
          return;
        }
        const next = await text.next();
        if (next.done) return;
        charsSinceRecord += next.value.length;
        yield next.value;
      }
    } finally {
      await text.return(undefined);
    }
  }

  const parser = parse({
    delimiter,
    bom: true,
    from_line: typeLine ? 2 : 1,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    // csv-parse resumes after a bad record (it skips to the next record delimiter after the error)
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      charsSinceRecord = 0;
      if (err) reportMalformed(err, raw);
      return undefined;
    },
  });
  const reportMalformed = (err: CsvError, raw: string | undefined): void => {
    const end = typeof err.lines === "number" ? err.lines : undefined;
    const line = end === undefined ? undefined : startLine(end, raw);
    const reason = err.message.replace(/\s*at line \d+/, "");
    const lost =
      err.code === "CSV_QUOTE_NOT_CLOSED"
        ? runaway
          ? `no record ended within ${MAX_RECORD_CHARS} characters, so reading stopped: the rest of the file was not read`
          : "the rest of the file was not read"
        : end !== undefined && line !== undefined && end > line
          ? `lines ${line}-${end} were skipped; reading went on after them`
          : "the row was skipped; reading went on after it";
    ctx.report({
      code: "csv/malformed",
      message: `malformed CSV row (${reason}): ${lost}`,
      source: { file, ...(line !== undefined ? { line } : {}) },
    });
  };

  const records = pipeline(Readable.from(replay(), { objectMode: false }), parser, () => {}) as AsyncIterable<ParsedRecord>;
  let columns: ColumnMap | undefined; // set from the first record, the header
  const emptyNameLines: number[] = [];
  let emptyNames = 0;
  let badTextRows = 0;
  let asciiWarned = false;

  for await (const { record, info, raw } of records) {
    ctx.signal?.throwIfAborted();
    charsSinceRecord = 0;
    const line = startLine(info.lines, raw);
    if (record.some((cell) => cell.includes("\uFFFD")) && ++badTextRows === 1) {
      ctx.report({
        code: "input/encoding",
        severity: "warning",
        message: `not valid ${input.encoding.toUpperCase()} text (expected UTF-8, or UTF-16 with a BOM; a legacy code page such as Windows-1252?); unreadable characters were replaced and the row was still read`,
        source: { file, line },
      });
    }
    if (!columns) {
      const headers = record.map((h) => h.trim());
      columns = mapColumns(headers);
      if (!hasNameColumn(columns)) {
        ctx.report({
          code: "csv/no-name-column",
          message: `no column names the software: found ${headers.map((h) => `"${h}"`).join(", ")}; expected a name column such as ${COLUMN_ALIASES.name.join(", ")} (case, spaces and punctuation ignored), or one of ${KIND_COLUMNS.join(", ")}`,
          source: { file, line },
        });
        return; // leaving the loop closes the parser and the input
      }
      continue;
    }
    if (record.every((cell) => cell.trim() === "")) continue; // a row of empty cells is a blank line
    // an Uninstall key that is an update of another program (a patch, a hotfix) is not a program
    if (isUpdate(record, columns)) continue;
    if (!asciiWarned && record.some((cell) => /\?{3,}/.test(cell))) {
      asciiWarned = true;
      ctx.report({
        code: "csv/ascii",
        severity: "warning",
        message:
          "letters written as ? (Windows PowerShell 5.1 Export-Csv writes ASCII unless told otherwise): names in other scripts, such as Russian ones, cannot be matched; export again with -Encoding UTF8 (or Unicode)",
        source: { file, line },
      });
    }
    const pointer = cellOf(record, columns, "registryKey");
    const source: SourceRef = pointer ? { file, line, pointer: registryPathOf(pointer) } : { file, line };
    const observations = toObservations(record, columns, source);
    if (observations.length > 0) {
      yield* observations;
      continue;
    }
    // Uninstall-key exports hold many nameless keys (updates, components): one located issue, then a count
    if (++emptyNames <= LINES_LISTED) emptyNameLines.push(line);
    if (emptyNames === 1) {
      ctx.report({ code: "csv/empty-name", severity: "warning", message: "row has an empty name; it was skipped", source });
    }
  }

  if (!columns) {
    ctx.report({ code: "csv/no-header", message: "no header row: expected a CSV header naming the columns", source: { file, line: 1 } });
  }
  if (emptyNames > 1) {
    const more = emptyNames > LINES_LISTED ? ", ..." : "";
    ctx.report({
      code: "csv/empty-name",
      severity: "warning",
      message: `${emptyNames} rows in all had an empty name and were skipped (lines ${emptyNameLines.join(", ")}${more})`,
      source: { file },
    });
  }
  if (badTextRows > 1) {
    ctx.report({
      code: "input/encoding",
      severity: "warning",
      message: `${badTextRows} rows in all were not valid ${input.encoding.toUpperCase()} text`,
      source: { file },
    });
  }
}

/**
 * The observations of one data row; none when the row has no name. A row names one thing by its
 * name column (or by its kind column plus that kind's column); a row with neither, such as a
 * Sysmon DNS export (`Image`, `QueryName`), gives one observation per filled kind column.
 */
function toObservations(record: readonly string[], columns: ColumnMap, source: SourceRef): Observation[] {
  const cell = (field: CsvField): string | undefined => {
    const index = columns[field];
    const value = index === undefined ? undefined : record[index]?.trim();
    return value ? value : undefined;
  };
  const kindColumn = (kind: ObservationKind): KindColumn | undefined => KIND_COLUMNS.find((k) => k === kind);

  const explicit = parseKind(cell("kind"));
  const name = cell("name");
  const model = cell("model");
  const mac = cell("mac");
  let named: [ObservationKind, string][];
  if (explicit === "device" || (explicit === undefined && (columns.model !== undefined || columns.mac !== undefined))) {
    // an asset list or network inventory: the row is a piece of equipment, named by its name, model or MAC address
    const value = name ?? model ?? mac ?? cell("host") ?? cell("vendor");
    named = value ? [["device", value]] : [];
  } else if (explicit) {
    const column = kindColumn(explicit);
    const value = name ?? (column ? cell(column) : undefined);
    named = value ? [[explicit, value]] : [];
  } else if (name) {
    named = [[cell("extensionId") ? "extension" : cell("packageId") ? "mobile-app" : "software", name]];
  } else {
    named = KIND_COLUMNS.flatMap((k): [ObservationKind, string][] => {
      const value = cell(k);
      return value ? [[k, value]] : [];
    });
  }

  const vendor = cell("vendor");
  const version = cell("version");
  const host = cell("host");
  return named.map(([kind, value]) => {
    let thing = value;
    let path = firstPath(cell("path"));
    if (kind === "domain") thing = hostOf(thing);
    if ((kind === "process" || kind === "driver") && /[\\/]/.test(thing)) {
      // Sysmon-style `Image` holds the full path: keep it as the path, match on the file name
      path ??= thing;
      thing = thing.slice(Math.max(thing.lastIndexOf("\\"), thing.lastIndexOf("/")) + 1);
    }
    const ids = idsOf(kind, cell);
    return {
      kind,
      name: thing,
      ...(vendor ? { vendor } : {}),
      ...(version ? { version } : {}),
      ...(path ? { path } : {}),
      ...(ids ? { ids } : {}),
      ...(host ? { host } : {}),
      source: { ...source },
    };
  });
}

/** Identifier columns, plus a generic `identifier` cell put where its shape and the kind say. */
function idsOf(kind: ObservationKind, cell: (field: CsvField) => string | undefined): ObservationIds | undefined {
  const ids: ObservationIds = {};
  for (const field of ["bundleId", "packageId", "extensionId", "purl", "cpe", "sha256", ...(kind === "device" ? (["model", "mac"] as const) : [])] as const) {
    const value = cell(field);
    if (value) ids[field] = value;
  }
  const identifier = cell("identifier");
  const slot = identifier ? identifierSlot(kind, identifier) : undefined;
  if (slot && ids[slot] === undefined) ids[slot] = identifier;
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/** Which ids field a generic `identifier` cell belongs in, by its shape and the row's kind. */
function identifierSlot(kind: ObservationKind, value: string): keyof ObservationIds | undefined {
  if (/^pkg:/i.test(value)) return "purl";
  if (/^cpe:/i.test(value)) return "cpe";
  if (/^[0-9a-f]{64}$/i.test(value)) return "sha256";
  if (kind === "extension") return "extensionId";
  if (kind === "mobile-app") return "packageId";
  // reverse-DNS (`com.kaspersky.kav`) on an installed program is a macOS/iOS bundle id
  if ((kind === "software" || kind === "component" || kind === "file") && /^[a-z][\w-]*(\.[\w-]+){2,}$/i.test(value)) {
    return "bundleId";
  }
  return undefined;
}

/** Defender `DiskPaths` may hold a JSON array of paths; the first one is kept. */
function firstPath(value: string | undefined): string | undefined {
  if (!value?.startsWith("[")) return value;
  try {
    const paths: unknown = JSON.parse(value);
    if (Array.isArray(paths)) return paths.find((p): p is string => typeof p === "string" && p.trim() !== "");
  } catch {
    // not JSON after all: keep the cell as it is
  }
  return value;
}

/** A URL in a domain column (`https://host/path`) → its host name. */
function hostOf(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    return new URL(value).hostname || value;
  } catch {
    return value;
  }
}

/**
 * The first line of a record: csv-parse reports the line a record ends on, and `raw` (the record's
 * text, after any skipped blank lines) says how many line breaks the record spans.
 */
function startLine(endLine: number, raw: string | undefined): number {
  if (!raw) return endLine;
  const body = raw.replace(/^\n+/, "").replace(/\n$/, "");
  let breaks = 0;
  for (let i = body.indexOf("\n"); i !== -1; i = body.indexOf("\n", i + 1)) breaks++;
  return Math.max(1, endLine - breaks);
}

/** Decoded text with CRLF (and wmic's CRCRLF) folded to LF; a CR at a chunk end waits for the next chunk. */
async function* lfText(input: ReadInput): AsyncGenerator<string> {
  let carry = "";
  for await (const chunk of decodeChunks(input.stream, input.encoding)) {
    const text = carry + chunk;
    let cut = text.length;
    while (cut > 0 && text.charCodeAt(cut - 1) === 13) cut--;
    carry = text.slice(cut);
    if (cut > 0) yield text.slice(0, cut).replace(/\r+\n/g, "\n");
  }
  if (carry) yield carry;
}

/**
 * The header line of a CSV text: the first non-blank line, or the one after a PowerShell
 * `#TYPE ...` line. `complete` is false while the text may still end inside it.
 */
function findHeader(text: string): { header?: string; typeLine: boolean; complete: boolean } {
  let typeLine = false;
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const line = (nl === -1 ? text.slice(start) : text.slice(start, nl)).replace(/\r+$/, "");
    if (nl === -1) return line.trim() === "" ? { typeLine, complete: false } : { header: line, typeLine, complete: false };
    if (start === 0 && /^\uFEFF?#TYPE\b/i.test(line)) typeLine = true;
    else if (line.trim() !== "") return { header: line, typeLine, complete: true };
    start = nl + 1;
  }
}

/** The delimiter that splits the header line most often (outside quotes); `,` when none does. */
function sniffDelimiter(header: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Header cells for detection only (reading uses csv-parse): split, then unquote. */
function splitHeader(header: string, delimiter: string): string[] {
  return header.split(delimiter).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1").replace(/""/g, '"'));
}

/** A trimmed, non-empty cell of a field, if the header has that field. */
function cellOf(record: readonly string[], columns: ColumnMap, field: CsvField): string | undefined {
  const index = columns[field];
  const value = index === undefined ? undefined : record[index]?.trim();
  return value ? value : undefined;
}

/** An Uninstall-key row of an update (ParentKeyName or ReleaseType set): skipped, as in `.reg` exports. */
function isUpdate(record: readonly string[], columns: ColumnMap): boolean {
  return cellOf(record, columns, "parentKeyName") !== undefined || cellOf(record, columns, "releaseType") !== undefined;
}
