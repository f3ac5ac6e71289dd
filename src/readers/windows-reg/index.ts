/**
 * @module
 * Reader for Windows registry exports of the Uninstall keys (`regedit` File > Export, or
 * `reg export HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall uninstall.reg`): UTF-16LE
 * with a BOM as Windows writes them, or UTF-8, version 5.00 or REGEDIT4. Every program key under
 * HKLM, HKLM\SOFTWARE\WOW6432Node, HKEY_USERS\<SID> and HKCU is one observation, located by the
 * line of its `[key]` line and its key path; keys without DisplayName and updates are skipped.
 * A `.reg` file says nothing about the machine it came from, so observations carry no host.
 *
 * `parseRegExport(text)` reads a `.reg` text already in memory; `RegExportParser` (parse.ts)
 * reads any keys, for collectors that export other parts of the registry.
 */
import type { Line } from "../_text.js";
import { parseWithLineParser, readWithLineParser, type CreateLineParser } from "../_lines.js";
import { observe } from "../_observe.js";
import { createIssueLog, type IssueLog } from "../_issues.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation } from "../../model/observation.js";
import { RegExportParser, type RegKey } from "./parse.js";
import { UNINSTALL_VALUES, installPath, isUninstallKey, notAProgram } from "./uninstall.js";

export { RegExportParser, type RegKey, type RegValue, type RegDialect } from "./parse.js";
export { isUninstallKey, installPath, notAProgram, registryPathOf, type UninstallFacts } from "./uninstall.js";

export const windowsRegReader = defineReader({
  name: "windows/reg",
  version: 1,
  description: "Windows registry export (.reg from regedit or reg export) of the Uninstall keys: HKLM, WOW6432Node, HKU\\<SID>, HKCU; UTF-16 or UTF-8, version 5.00 or REGEDIT4",
  detect,
  read,
});

function detect(probe: Probe): number {
  const text = probe.text.replace(/^\uFEFF/, "").trimStart();
  if (/^(Windows Registry Editor Version 5\.00|REGEDIT4)\s*(\r?\n|$)/i.test(text)) return 0.95;
  // a header-less file of registry keys (hand-trimmed exports)
  return /^\[HKEY_[A-Z_]+(\\[^\]\r\n]*)?\]\s*\r?\n/.test(text) ? 0.6 : 0;
}

/**
 * The program observations of one `.reg` input, fed line by line: the parser keeps only
 * Uninstall keys and the values a program is read by.
 */
export class RegProgramReader {
  private readonly parser: RegExportParser;
  private readonly issues: IssueLog;
  private programs = 0;
  private lastLine = 0;

  constructor(
    private readonly file: string,
    report: (issue: ReportableIssue) => void,
  ) {
    this.issues = createIssueLog({ report }, file);
    this.parser = new RegExportParser(file, (i) => this.issues.report(i), { keepKey: isUninstallKey, keepValue: (name) => UNINSTALL_VALUES.has(name) });
  }

  push(line: Line): Observation[] {
    this.lastLine = line.line;
    return this.programsOf(this.parser.push(line));
  }

  end(): Observation[] {
    const out = this.programsOf(this.parser.end(Math.max(1, this.lastLine)));
    if (this.programs === 0 && this.parser.format !== undefined) {
      this.issues.report({
        code: "reg/no-programs",
        severity: "warning",
        message:
          "no program found: expected Uninstall keys (...\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\<program>) with a DisplayName; export HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall (and its WOW6432Node and per-user twins)",
        source: { file: this.file },
      });
    }
    this.issues.finish();
    return out;
  }

  private programsOf(keys: RegKey[]): Observation[] {
    const out: Observation[] = [];
    for (const key of keys) {
      if (key.deleted || !isUninstallKey(key.path)) continue;
      const text = (name: string): string | undefined => {
        const v = key.values.get(name);
        return typeof v === "string" ? v : Array.isArray(v) ? v.join(" ") : undefined;
      };
      const facts = {
        name: text("displayname"),
        version: text("displayversion"),
        publisher: text("publisher"),
        installLocation: text("installlocation"),
        displayIcon: text("displayicon"),
        parentKeyName: text("parentkeyname"),
        releaseType: text("releasetype"),
      };
      if (notAProgram(facts)) continue;
      const o = observe({
        kind: "software",
        name: facts.name,
        vendor: facts.publisher,
        version: facts.version,
        path: installPath(facts),
        source: { file: this.file, line: key.line, pointer: key.path },
      });
      if (o) {
        this.programs++;
        out.push(o);
      }
    }
    return out;
  }
}

const createRegProgramReader: CreateLineParser = (file, report) => new RegProgramReader(file, report);

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  yield* readWithLineParser(input, ctx, createRegProgramReader);
}

/** The programs in a `.reg` text held in memory, and the problems found, as the reader reports them. */
export function parseRegExport(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  return parseWithLineParser(text, file, createRegProgramReader);
}
