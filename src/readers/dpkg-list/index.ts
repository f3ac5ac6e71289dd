/**
 * @module
 * Reader for the package lists Debian tools print (docs formats.md §6b):
 *
 * - `dpkg-query -W` in its default format (`${binary:Package}\t${Version}`) and in the format
 *   collectors should use, `-f='${binary:Package}\t${Version}\t${Architecture}\t${Maintainer}\t${db:Status-Abbrev}\n'`
 *   (other `-f` layouts with tab-separated fields are read by the shape of each field);
 * - `dpkg -l`: five header lines, then a ruler (`+++-====-====-...`) whose `=` runs give the
 *   column widths, then one `ii  name  version  arch  description` row per package.
 *
 * Only installed packages are observations: status `ii` or `hi` (desired install or hold,
 * state installed). The default `dpkg-query -W` format carries no status, so it also lists
 * removed packages whose configuration files remain; use the recommended format where possible.
 * `name:arch` (multi-arch) becomes the name and the architecture. Packages get a `pkg:deb` purl.
 *
 * `parseDpkgList(text)` reads such a list already in memory.
 */
import type { Line } from "../_text.js";
import { parseWithLineParser, readWithLineParser, type CreateLineParser } from "../_lines.js";
import { headLines } from "../_head.js";
import { createIssueLog, type IssueLog } from "../_issues.js";
import { observe, withoutEmail } from "../_observe.js";
import { packageUrl } from "../_purl.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation } from "../../model/observation.js";

export const dpkgListReader = defineReader({
  name: "linux/dpkg-list",
  version: 1,
  description: "Debian package lists: dpkg-query -W (default or tab-separated -f with ${db:Status-Abbrev}) and dpkg -l",
  detect,
  read,
});

const DEB_NAME = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?$/;
const DEB_VERSION = /^(?:\d+:)?\d[A-Za-z0-9.+~:-]*$/;
const STATUS_ABBREV = /^[uirph][ncHUFWti][ R]?\s*$/;
const STATUS_WORDS = /^(?:unknown|install|hold|deinstall|purge) (?:ok|reinstreq) \S+$/;
const ARCH = /^(?:all|any|amd64|arm64|armel|armhf|i386|mips64el|mipsel|ppc64el|riscv64|s390x|x32|ia64|powerpc|ppc64|sparc64|loong64|alpha|hppa|m68k|sh4|hurd-i386|kfreebsd-amd64|kfreebsd-i386)$/;

function detect(probe: Probe): number {
  const lines = headLines(probe.text, 60).filter((l) => l.trim() !== "");
  if (lines.length === 0) return 0;
  if (/^Desired=Unknown\/Install/.test(lines[0]!) || lines.slice(0, 6).some((l) => /^\+\+\+-=+/.test(l))) return 0.95;
  let rows = 0;
  let withStatus = 0;
  for (const l of lines) {
    const cells = l.split("\t");
    if (cells.length < 2 || !DEB_NAME.test(cells[0]!) || !(cells[1] === "" || DEB_VERSION.test(cells[1]!))) continue;
    rows++;
    if (cells.slice(2).some((c) => STATUS_ABBREV.test(c) || STATUS_WORDS.test(c))) withStatus++;
  }
  // most lines: a list with a few damaged lines is still this format (they are reported when read)
  if (rows < Math.max(1, lines.length * 0.6)) return 0;
  return withStatus >= rows * 0.8 ? 0.9 : lines.every((l) => l.split("\t").length === 2) ? 0.8 : 0;
}

/** `ii` and `hi`: desired install or hold, state installed (the third character is the error flag). */
export function isInstalledAbbrev(abbrev: string): boolean {
  return (abbrev[0] === "i" || abbrev[0] === "h") && abbrev[1] === "i";
}

type Columns = { starts: number[] };

/** The installed-package observations of one list, fed line by line. */
export class DpkgListReader {
  private mode: "dpkg-l" | "query" | undefined;
  private columns: Columns | undefined;
  private readonly issues: IssueLog;

  constructor(
    private readonly file: string,
    report: (issue: ReportableIssue) => void,
  ) {
    this.issues = createIssueLog({ report }, file);
  }

  push({ text, line }: Line): Observation[] {
    if (text.trim() === "") return [];
    if (this.mode === undefined) {
      this.mode = /^(Desired=|\| Status=|\|\|\/ |\+\+\+-)/.test(text) ? "dpkg-l" : "query";
    }
    return this.mode === "dpkg-l" ? this.listRow(text, line) : this.queryRow(text, line);
  }

  end(): Observation[] {
    if (this.mode === "dpkg-l" && !this.columns) {
      this.issues.report({ code: "dpkg/ruler", message: "dpkg -l output without its ruler line (+++-===-...): expected the five header lines of dpkg -l before the packages", source: { file: this.file } });
    }
    this.issues.finish();
    return [];
  }

  /** A `dpkg -l` line: header lines up to the ruler, then rows sliced at the ruler's columns. */
  private listRow(text: string, line: number): Observation[] {
    if (!this.columns) {
      const ruler = /^\+\+\+(-=+)+\s*$/.exec(text);
      if (ruler) {
        const starts: number[] = [];
        for (let i = 0; i < text.length; i++) if (text[i] === "-" && text[i + 1] === "=") starts.push(i + 1);
        this.columns = { starts };
        return [];
      }
      if (/^(Desired=|\| |\|\/ |\|\|\/ )/.test(text)) return [];
      this.issues.report({ code: "dpkg/ruler", message: "expected the ruler line of dpkg -l (+++-===-...) before the first package; the line was skipped", source: { file: this.file, line } });
      return [];
    }
    const status = text.slice(0, 3);
    if (!/^[uirph][ncHUFWti]/.test(status)) {
      this.issues.report({ code: "dpkg/row", message: `expected a package row starting with a status such as "ii", found "${text.slice(0, 20)}"; the line was skipped`, source: { file: this.file, line } });
      return [];
    }
    if (!isInstalledAbbrev(status)) return [];
    const cells = this.slice(text);
    const hasArch = this.columns.starts.length >= 4;
    const [rawName, version] = [cells[0], cells[1]];
    return this.package(rawName, version, hasArch ? cells[2] : undefined, undefined, line);
  }

  /**
   * Cells at the ruler's column starts. A value wider than its column (a hand-edited list, or
   * dpkg -l piped with COLUMNS set small) pushes the rest right: then the fixed columns, which
   * hold no spaces, are split on whitespace instead.
   */
  private slice(text: string): string[] {
    const starts = this.columns!.starts;
    const aligned = starts.every((s) => s === 0 || text.length <= s || text[s - 1] === " ");
    if (aligned) return starts.map((s, i) => text.slice(s, starts[i + 1] === undefined ? undefined : starts[i + 1]! - 1).trim());
    const words = text.slice(3).trim().split(/\s+/);
    const fixed = starts.length - 1; // the last column (description) may hold spaces
    return [...words.slice(0, fixed), words.slice(fixed).join(" ")];
  }

  /** A `dpkg-query -W` line: tab-separated, package and version first, then what `-f` asked for. */
  private queryRow(text: string, line: number): Observation[] {
    const cells = text.split("\t");
    if (cells.length < 2 || !DEB_NAME.test(cells[0]!.trim())) {
      this.issues.report({
        code: "dpkg/row",
        message: `expected "package<TAB>version" (dpkg-query -W), optionally with more tab-separated fields, found "${text.slice(0, 40)}"; the line was skipped`,
        source: { file: this.file, line },
      });
      return [];
    }
    const [rawName, version] = [cells[0]!.trim(), cells[1]!.trim()];
    let arch: string | undefined;
    let maintainer: string | undefined;
    let status: string | undefined;
    const rest = cells.slice(2);
    if (rest.length === 3 && STATUS_ABBREV.test(rest[2]!)) {
      // the recommended layout: arch, maintainer, status abbreviation
      [arch, maintainer, status] = [rest[0]!.trim(), rest[1]!.trim(), rest[2]!];
    } else {
      for (const cell of rest) {
        const c = cell.trim();
        if (status === undefined && (STATUS_ABBREV.test(cell) || STATUS_WORDS.test(c))) status = cell;
        else if (arch === undefined && ARCH.test(c)) arch = c;
        else if (maintainer === undefined && /\S\s*<[^>]*@[^>]*>$/.test(c)) maintainer = c;
      }
    }
    if (status !== undefined) {
      const installed = STATUS_WORDS.test(status.trim()) ? /^(install|hold) ok installed$/.test(status.trim()) : isInstalledAbbrev(status);
      if (!installed) return [];
    } else if (version === "") return []; // listed but not installed
    return this.package(rawName, version, arch, maintainer, line);
  }

  private package(rawName: string | undefined, version: string | undefined, arch: string | undefined, maintainer: string | undefined, line: number): Observation[] {
    if (!rawName) return [];
    const colon = rawName.indexOf(":");
    const name = colon === -1 ? rawName : rawName.slice(0, colon);
    const architecture = arch || (colon === -1 ? undefined : rawName.slice(colon + 1));
    const o = observe({
      kind: "package",
      name,
      vendor: withoutEmail(maintainer),
      version,
      ids: { purl: packageUrl("deb", name, version || undefined, { arch: architecture }) },
      source: { file: this.file, line },
    });
    return o ? [o] : [];
  }
}

const createDpkgListReader: CreateLineParser = (file, report) => new DpkgListReader(file, report);

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  yield* readWithLineParser(input, ctx, createDpkgListReader, { code: "dpkg/empty", expected: "dpkg-query -W or dpkg -l output" });
}

/** The installed packages in dpkg-query -W or dpkg -l output held in memory, and the problems found. */
export function parseDpkgList(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  return parseWithLineParser(text, file, createDpkgListReader);
}
