/**
 * @module
 * Running a Windows PowerShell query and reading its `ConvertTo-Json` output record by record
 * (an array, or one object without `[]` when there is a single result, or nothing when there
 * is none), with the project's streaming JSON records (src/readers/_json-records.ts).
 *
 * `powershell.exe` (Windows PowerShell 5.1) is on every Windows since 7. Its output to a pipe is
 * in the console's OEM code page, which turns Cyrillic or Chinese names into `?`: every script
 * first switches the output to UTF-8. Scripts are passed with -Command, without -EncodedCommand
 * or -ExecutionPolicy Bypass, which endpoint protection rightly treats as suspicious.
 */
import { jsonRecords, type JsonRecord } from "../../readers/_json-records.js";
import { readCommand } from "../command.js";
import type { CommandExit } from "../runner.js";
import type { CollectContext } from "../types.js";

export const POWERSHELL = "powershell.exe";

export function powershellArgs(script: string): string[] {
  return ["-NoProfile", "-NonInteractive", "-Command", `[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; ${script}`];
}

export type PowerShellQuery = {
  script: string;
  /** Names the command in reports: `host:command Get-CimInstance Win32_Service`. */
  label: string;
  /** The expected output, for messages: "Win32_Service objects as JSON". */
  what: string;
};

/**
 * The records a query prints, then `onExit` with how the command ended. A missing PowerShell
 * skips the source; a failing query is a warning (src/collect/command.ts).
 */
export async function* powershellRecords(ctx: CollectContext, query: PowerShellQuery, onExit?: (exit: CommandExit) => void): AsyncIterable<JsonRecord> {
  const spec = { command: POWERSHELL, args: powershellArgs(query.script), label: query.label, missing: "PowerShell (powershell.exe) is not available on this machine" };
  // (not `onExit?.(yield* ...)`: an optional call skips evaluating its argument)
  const exit = yield* readCommand(ctx, spec, (input) => jsonRecords(input, ctx, { what: query.what }));
  onExit?.(exit);
}

/** A string property of a PowerShell object (PowerShell writes missing values as null). */
export function prop(record: unknown, key: string): string | undefined {
  if (record === null || typeof record !== "object") return undefined;
  const v = (record as Record<string, unknown>)[key];
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * The program of a service's or driver's PathName, without its arguments: `"C:\Program Files\X\x.exe" -k`
 * → `C:\Program Files\X\x.exe`; unquoted paths with spaces end at `.exe`/`.sys`; `\??\` removed.
 */
export function programOf(pathName: string | undefined): string | undefined {
  if (!pathName) return undefined;
  let p = pathName.trim();
  if (p.startsWith('"')) {
    const end = p.indexOf('"', 1);
    p = end > 0 ? p.slice(1, end) : p.slice(1);
  } else {
    const m = /^(.*?\.(?:exe|sys|com|dll|bin))(?=\s|$)/i.exec(p);
    p = m ? m[1]! : (p.split(/\s+/)[0] ?? p);
  }
  p = p.replace(/^\\\?\?\\/, "");
  return p.trim() === "" ? undefined : p.trim();
}
