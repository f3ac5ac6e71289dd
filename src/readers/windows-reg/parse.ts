/**
 * @module
 * A parser for Windows registry export files (`regedit` / `reg export`, docs formats.md §4a), fed
 * one line at a time so it works over a stream or a string alike. It knows the whole `.reg`
 * syntax: the `Windows Registry Editor Version 5.00` and `REGEDIT4` headers, `[key]` and `[-key]`
 * lines, `"name"=` and `@=` values, quoted strings with `\\` and `\"` escapes (and line breaks
 * inside them), `dword:`, `hex:` and `hex(N):` data continued over lines that end in `\`, `=-`
 * deletions and `;` comments. `hex(2)` (REG_EXPAND_SZ) and `hex(7)` (REG_MULTI_SZ) are UTF-16LE
 * in version 5 files and bytes of the ANSI code page in REGEDIT4 files.
 *
 * Keys are handed out when the next key starts (or at the end); only the keys and value names a
 * caller asks for are kept, so an export of a whole hive costs no more memory than one key.
 */
import type { Line } from "../_text.js";
import type { ReportableIssue } from "../types.js";
import { trimEndChars } from "../../util/trailing.js";

export type RegValue = string | number | string[] | Uint8Array;

export type RegKey = {
  /** The key path as written, e.g. `HKEY_LOCAL_MACHINE\SOFTWARE\...\Uninstall\{GUID}`. */
  path: string;
  /** Line of the `[key]` line. */
  line: number;
  /** A `[-key]` line: the export deletes this key. */
  deleted: boolean;
  /** Kept values by lower-cased name (`""` is the default value `@`). */
  values: Map<string, RegValue>;
};

export type RegDialect = "5.00" | "REGEDIT4";

export type RegParserOptions = {
  /** Which keys to keep values of (default: every key). */
  keepKey?: (path: string) => boolean;
  /** Which value names (lower case) to keep (default: every value). */
  keepValue?: (name: string) => boolean;
};

/** A value longer than this never ended: it is dropped instead of buffering the file. */
const MAX_VALUE_CHARS = 1 << 20;

/** A value continued over lines; `scan` is how far a string value's quote has been read (each line is read once, not the whole value again). */
type Pending = { name: string; kind: "hex" | "string"; text: string; line: number; keep: boolean; scan?: QuoteScan };

export class RegExportParser {
  private dialect: RegDialect | undefined;
  private sawFirstLine = false;
  private stopped = false;
  private key: RegKey | undefined;
  private keepCurrent = false;
  private pending: Pending | undefined;
  /** After a broken key line: its values are skipped without an issue each. */
  private inBrokenKey = false;

  constructor(
    private readonly file: string,
    private readonly report: (issue: ReportableIssue) => void,
    private readonly options: RegParserOptions = {},
  ) {}

  /** The header's dialect, once the first line was read. */
  get format(): RegDialect | undefined {
    return this.dialect;
  }

  /** Feeds one line; returns the keys that are complete. */
  push({ text, line }: Line): RegKey[] {
    if (this.stopped) return [];
    if (this.pending) {
      this.continuePending(text, line);
      return [];
    }
    if (!this.sawFirstLine) {
      if (text.trim() === "") return [];
      this.sawFirstLine = true;
      const header = text.replace(/^\uFEFF/, "").trim();
      if (/^Windows Registry Editor Version 5\.00$/i.test(header)) {
        this.dialect = "5.00";
        return [];
      }
      if (/^REGEDIT4$/i.test(header)) {
        this.dialect = "REGEDIT4";
        return [];
      }
      if (/^WINE REGISTRY Version/i.test(header)) {
        this.stopped = true;
        this.issue("reg/wine", "a Wine registry file (WINE REGISTRY Version 2), not a regedit export: expected `Windows Registry Editor Version 5.00` or `REGEDIT4`; the file was not read", line);
        return [];
      }
      this.dialect = "5.00";
      this.issue("reg/header", "expected `Windows Registry Editor Version 5.00` or `REGEDIT4` on the first line (a regedit or reg export file); read on as version 5.00", line);
    }
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith(";")) return [];
    if (trimmed.startsWith("[")) return this.startKey(trimmed, line);
    this.valueLine(trimmed, line);
    return [];
  }

  /** Ends the input; returns the last key. */
  end(lastLine: number): RegKey[] {
    if (this.pending) {
      const what = this.pending.kind === "hex" ? "continued hex data (a line ending in \\)" : "a quoted string";
      this.issue("reg/truncated", `the file ends inside ${what} of value "${this.pending.name}" begun on line ${this.pending.line} (truncated?); that value was not read`, lastLine);
      this.pending = undefined;
    }
    if (!this.sawFirstLine) {
      this.issue("reg/header", "empty file, expected a regedit export starting with `Windows Registry Editor Version 5.00` or `REGEDIT4`", 1);
    }
    return this.finishKey();
  }

  private startKey(trimmed: string, line: number): RegKey[] {
    const done = this.finishKey();
    if (!trimmed.endsWith("]")) {
      this.issue("reg/key", `expected a key line [HKEY_...\\...] closed by "]"; the values up to the next key line were skipped`, line);
      this.key = undefined;
      this.keepCurrent = false;
      this.inBrokenKey = true;
      return done;
    }
    this.inBrokenKey = false;
    let path = trimmed.slice(1, -1).trim();
    const deleted = path.startsWith("-");
    if (deleted) path = path.slice(1).trim();
    this.key = { path, line, deleted, values: new Map() };
    this.keepCurrent = !deleted && (this.options.keepKey?.(path) ?? true);
    return done;
  }

  private finishKey(): RegKey[] {
    const key = this.key;
    this.key = undefined;
    return key && (key.deleted || this.keepCurrent) ? [key] : [];
  }

  private valueLine(trimmed: string, line: number): void {
    let name: string;
    let rest: string;
    if (trimmed.startsWith("@")) {
      name = "";
      rest = trimmed.slice(1).trimStart();
    } else if (trimmed.startsWith('"')) {
      const s = readQuoted(trimmed, 0);
      if (!s) {
        this.issue("reg/value", 'expected a value line "Name"=data: the value name\'s closing quote is missing; the line was skipped', line);
        return;
      }
      name = s.value;
      rest = trimmed.slice(s.end).trimStart();
    } else {
      this.issue("reg/value", `expected a value line "Name"=data or @=data, or a [key] line, found "${trimmed.slice(0, 40)}"; the line was skipped`, line);
      return;
    }
    if (!rest.startsWith("=")) {
      this.issue("reg/value", `expected "=" after the value name "${name}"; the line was skipped`, line);
      return;
    }
    const data = rest.slice(1).trimStart();
    if (!this.key) {
      if (this.inBrokenKey) return;
      this.issue("reg/value", `value "${name}" comes before any [key] line; it was skipped`, line);
      return;
    }
    const keep = this.keepCurrent && (this.options.keepValue?.(name.toLowerCase()) ?? true);
    if (data === "-") {
      this.key.values.delete(name.toLowerCase());
      return;
    }
    if (data.startsWith('"')) {
      const scan: QuoteScan = { at: 1, value: "", chars: data.length };
      const s = readQuoted(data, 0, scan);
      if (!s) {
        this.pending = { name, kind: "string", text: data, line, keep, scan };
        return;
      }
      if (data.slice(s.end).trim() !== "") {
        this.issue("reg/value", `unexpected text after the closing quote of value "${name}"; the value was read up to the quote`, line);
      }
      if (keep) this.key.values.set(name.toLowerCase(), s.value);
      return;
    }
    if (/^hex(\([0-9a-f]+\))?:/i.test(data)) {
      if (data.endsWith("\\")) {
        this.pending = { name, kind: "hex", text: data.slice(0, -1), line, keep };
        return;
      }
      this.finishHex(name, data, line, keep);
      return;
    }
    const dword = /^dword:([0-9a-f]{1,8})$/i.exec(data);
    if (dword) {
      if (keep) this.key.values.set(name.toLowerCase(), Number.parseInt(dword[1]!, 16));
      return;
    }
    this.issue("reg/value", `value "${name}": expected a quoted string, dword:XXXXXXXX, hex:..., hex(N):... or -, found "${data.slice(0, 40)}"; the value was skipped`, line);
  }

  private continuePending(text: string, line: number): void {
    const p = this.pending!;
    if (p.kind === "hex") {
      const t = text.trim();
      const more = t.endsWith("\\");
      p.text += more ? t.slice(0, -1) : t;
      if (p.text.length > MAX_VALUE_CHARS) return this.dropPending(line);
      if (!more) {
        this.pending = undefined;
        this.finishHex(p.name, p.text, p.line, p.keep);
      }
      return;
    }
    // a string value with a line break in it (regedit writes REG_SZ line breaks as they are): only
    // the new line is read, from where the quote's reading stopped (see readQuoted)
    const scan = p.scan!;
    scan.chars += 1 + text.length;
    if (scan.chars > MAX_VALUE_CHARS) return this.dropPending(line);
    scan.at = 0;
    const s = readQuoted("\n" + text, 0, scan);
    if (s) {
      this.pending = undefined;
      if (p.keep && this.key) this.key.values.set(p.name.toLowerCase(), s.value);
    }
  }

  private dropPending(line: number): void {
    const p = this.pending!;
    this.pending = undefined;
    this.stopped = p.kind === "string"; // an unclosed quote: nothing after it can be trusted
    this.issue(
      "reg/value",
      `value "${p.name}" begun on line ${p.line} did not end within ${MAX_VALUE_CHARS} characters (an unclosed quote?); ${p.kind === "string" ? "the rest of the file was not read" : "the value was skipped"}`,
      line,
    );
  }

  private finishHex(name: string, data: string, line: number, keep: boolean): void {
    const m = /^hex(?:\(([0-9a-f]+)\))?:(.*)$/is.exec(data)!;
    const type = m[1] === undefined ? 3 : Number.parseInt(m[1], 16);
    const bytes = parseHexBytes(m[2]!);
    if (!bytes) {
      this.issue("reg/value", `value "${name}": expected hex data as comma-separated byte pairs (e.g. 25,00,50,00); the value was skipped`, line);
      return;
    }
    if (!keep || !this.key) return;
    this.key.values.set(name.toLowerCase(), decodeHexValue(type, bytes, this.dialect ?? "5.00"));
  }

  private issue(code: string, message: string, line: number): void {
    this.report({ code, message, source: { file: this.file, line } });
  }
}

/** Reading a quoted string over lines: where to start in the next text read, the value so far, and its length in the input. */
type QuoteScan = { at: number; value: string; chars: number };

/**
 * A quoted .reg string starting at `start`: the unescaped value and the index after its closing
 * quote; undefined when the text ends first. With `scan`, reading starts at `scan.at` with the
 * value read so far, and what was read is kept there, so a value continued over many lines is
 * read one line at a time, in linear time (appending each line to the value's text and reading
 * it again from its quote was quadratic). A backslash that ends a line is followed by the line
 * break the next piece starts with, so this reads as reading the whole text at once.
 */
function readQuoted(text: string, start: number, scan?: QuoteScan): { value: string; end: number } | undefined {
  let value = scan ? scan.value : "";
  let i = scan ? scan.at : start + 1;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      const next = text[i + 1]!;
      // regedit escapes only \ and "; anything else after a backslash is kept as written
      value += next === "\\" || next === '"' ? next : c + next;
      i++;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else value += c;
  }
  if (scan) {
    scan.at = i;
    scan.value = value;
  }
  return undefined;
}

function parseHexBytes(list: string): Uint8Array | undefined {
  const cells = list.split(",").map((c) => c.trim());
  if (cells.length > 0 && cells[cells.length - 1] === "") cells.pop(); // a trailing comma
  const bytes = new Uint8Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    if (!/^[0-9a-f]{1,2}$/i.test(cells[i]!)) return undefined;
    bytes[i] = Number.parseInt(cells[i]!, 16);
  }
  return bytes;
}

/** Registry value types by number (REG_EXPAND_SZ = 2, REG_DWORD = 4, REG_MULTI_SZ = 7, REG_QWORD = 0xb). */
function decodeHexValue(type: number, bytes: Uint8Array, dialect: RegDialect): RegValue {
  switch (type) {
    case 1: // REG_SZ written as hex
    case 2: {
      return trimEndChars(decodeRegText(bytes, dialect), "\0"); // not /\0+$/: quadratic on a run of NULs inside
    }
    case 7:
      return decodeRegText(bytes, dialect)
        .split("\0")
        .filter((s) => s !== "");
    case 4:
      return bytes.length >= 4 ? Buffer.from(bytes).readUInt32LE(0) : Buffer.from(bytes).readUIntLE(0, Math.max(1, bytes.length));
    case 0xb:
      return bytes.length >= 8 ? Number(Buffer.from(bytes).readBigUInt64LE(0)) : bytes;
    default:
      return bytes;
  }
}

/** Version 5 files hold UTF-16LE text in hex values; REGEDIT4 files bytes of the ANSI code page (unknown: UTF-8 if valid, else Windows-1252). */
function decodeRegText(bytes: Uint8Array, dialect: RegDialect): string {
  if (dialect === "5.00") return new TextDecoder("utf-16le").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}
