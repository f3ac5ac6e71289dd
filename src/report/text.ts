/**
 * @module
 * Text from inventories is untrusted: a program name can hold terminal escapes that rewrite the
 * screen, bidi controls that show `exe.txt` as `txt.exe` (CVE-2021-42574, "Trojan Source"), or a
 * leading `=` that a spreadsheet runs as a formula. Every human-facing output (table, CSV, SARIF
 * text, stderr) passes input-derived text through here. One CSV field escaper serves the scan,
 * check and screen reports.
 */
import { stripVTControlCharacters } from "node:util";
import { escapeControls } from "../text/controls.js";

export { escapeControls };

/** For a terminal: escape sequences dropped whole, other controls turned to spaces, bidi characters made visible. */
export function cleanForTerminal(text: string): string {
  return escapeControls(stripVTControlCharacters(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, " "));
}

/**
 * One CSV field (RFC 4180): controls escaped, a value a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, or a tab or CR first) prefixed with `'` — except a plain number such as
 * `-1` or a lone `-` (standard input), which are harmless — and quoted when it needs quotes.
 */
export function csvField(value: string | number | boolean | undefined): string {
  let v = value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v) && v !== "-") v = `'${v}`;
  v = escapeControls(v);
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
