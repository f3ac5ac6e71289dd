/**
 * @module
 * Reader for the dpkg status database of Debian and Ubuntu (`/var/lib/dpkg/status`, the
 * per-package files of distroless images' `status.d/`) and the opkg status file of OpenWrt
 * (`/usr/lib/opkg/status`): deb822 stanzas separated by blank lines, `Field: value` lines,
 * continuation lines starting with a space (docs formats.md §6a). Only installed packages are
 * observations: `install ok installed` and `hold ok installed` (opkg also writes the flag
 * `user`); removed packages whose configuration files remain (`deinstall ok config-files`) and
 * half-installed ones are not. The Maintainer (without e-mail) is the vendor; dpkg packages get
 * a `pkg:deb` purl, so the catalog's `deb/kesl` finds `kesl`. Each stanza is located by the line
 * of its first field; bad lines are reported and the next stanza is read. In a scan (given the
 * catalog prefilter) UTF-8 input takes the fast path of fast.ts, which reads plain stanzas as
 * bytes and hands every other one to this line parser.
 *
 * `parseDpkgStatus(text)` reads a status text already in memory.
 */
import type { Line } from "../_text.js";
import { parseWithLineParser, readWithLineParser, type CreateLineParser } from "../_lines.js";
import { headLines } from "../_head.js";
import { createIssueLog, type IssueLog } from "../_issues.js";
import { observe, withoutEmail } from "../_observe.js";
import { debPackageUrl } from "../_purl.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";
import { fastPathSound, readDpkgFast } from "./fast.js";

export const dpkgStatusReader = defineReader({
  name: "linux/dpkg-status",
  version: 1,
  description: "dpkg status database (/var/lib/dpkg/status, status.d/*) and opkg status: installed packages, Maintainer as vendor, deb purls",
  detect,
  read,
});

/** The fields a package is read by (lower case); the others (Description, Conffiles ...) are skipped unread. */
const FIELDS = new Set(["package", "status", "version", "architecture", "maintainer", "installed-time"]);
const FIELD_LINE = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(?:[ \t]+(.*)|)$/;

function detect(probe: Probe): number {
  const lines = headLines(probe.text).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (!/^Package:/i.test(lines[0] ?? "")) return 0;
  const has = (field: string) => lines.some((l) => l.toLowerCase().startsWith(`${field}:`));
  if (has("status") && has("version")) return 0.9;
  // an apt Packages index (available, not installed packages) also looks like this
  return has("version") ? 0.6 : 0;
}

type Stanza = { line: number; fields: Map<string, string> };

/** An opkg status file by its path (`/usr/lib/opkg/status`): its packages get no purl. */
function isOpkgPath(file: string): boolean {
  return /(^|[\\/])opkg([\\/]|$)/.test(file);
}

/** Installed: want install or hold, flag ok (or opkg's user), state installed. */
export function isInstalled(status: string): boolean | undefined {
  const words = status.trim().split(/\s+/);
  if (words.length !== 3) return undefined;
  const [want, flag, state] = words as [string, string, string];
  return (want === "install" || want === "hold") && (flag === "ok" || flag === "user") && state === "installed";
}

/** The installed-package observations of one status input, fed line by line. */
export class DpkgStatusReader {
  private stanza: Stanza | undefined;
  private readonly issues: IssueLog;
  private readonly opkg: boolean;

  constructor(
    private readonly file: string,
    report: (issue: ReportableIssue) => void,
  ) {
    this.issues = createIssueLog({ report }, file);
    this.opkg = isOpkgPath(file);
  }

  push({ text, line }: Line): Observation[] {
    if (text.trim() === "") return this.finish();
    if (text.startsWith("#")) return [];
    if (text.startsWith(" ") || text.startsWith("\t")) {
      if (!this.stanza) this.badLine(line, "a continuation line (starting with a space) before any field");
      // continuation lines only extend long fields (Description, Conffiles), which are not read
      return [];
    }
    const m = FIELD_LINE.exec(text);
    if (!m) {
      this.badLine(line, `"${text.slice(0, 40)}"`);
      return [];
    }
    const name = m[1]!.toLowerCase();
    this.stanza ??= { line, fields: new Map() };
    if (FIELDS.has(name)) this.stanza.fields.set(name, (m[2] ?? "").trim());
    return [];
  }

  end(): Observation[] {
    const out = this.finish();
    this.issues.finish();
    return out;
  }

  private badLine(line: number, found: string): void {
    this.issues.report({
      code: "dpkg/line",
      message: `expected "Field: value", a continuation line starting with a space, or a blank line between packages; found ${found}; the line was skipped`,
      source: { file: this.file, line },
    });
  }

  private finish(): Observation[] {
    const stanza = this.stanza;
    this.stanza = undefined;
    if (!stanza) return [];
    const f = stanza.fields;
    const source = { file: this.file, line: stanza.line };
    const name = f.get("package");
    if (!name) {
      this.issues.report({ code: "dpkg/no-package", message: "stanza without a Package field: expected every stanza to name its package; it was skipped", source });
      return [];
    }
    const status = f.get("status");
    if (status === undefined) {
      this.issues.report({
        code: "dpkg/no-status",
        severity: "warning",
        message: `package "${name}" has no Status field, so it is not known to be installed (an apt Packages index lists available packages, not installed ones); it was skipped`,
        source,
      });
      return [];
    }
    const installed = isInstalled(status);
    if (installed === undefined) {
      this.issues.report({
        code: "dpkg/status",
        message: `package "${name}": expected a Status of three words such as "install ok installed", found "${status}"; it was skipped`,
        source,
      });
      return [];
    }
    if (!installed) return [];
    const opkg = this.opkg || f.has("installed-time") || status.split(/\s+/)[1] === "user";
    const o = packageObservation({ name, version: f.get("version"), arch: f.get("architecture"), maintainer: f.get("maintainer") }, opkg, source);
    return o ? [o] : [];
  }
}

/** An installed package's fields as the reader reads them: trimmed values, undefined when absent. */
export type PackageFields = { name: string; version: string | undefined; arch: string | undefined; maintainer: string | undefined };

/** The observation of an installed package: Maintainer without e-mail as vendor, a deb purl unless it is opkg's. */
export function packageObservation(f: PackageFields, opkg: boolean, source: SourceRef): Observation | undefined {
  return observe({
    kind: "package",
    name: f.name,
    vendor: withoutEmail(f.maintainer),
    version: f.version,
    // opkg has no purl type; its packages are matched by name
    ids: { purl: opkg ? undefined : debPackageUrl(f.name, f.version, f.arch) },
    source,
  });
}

const createDpkgStatusReader: CreateLineParser = (file, report) => new DpkgStatusReader(file, report);

const EMPTY = { code: "dpkg/empty", expected: "a dpkg status database (Package: stanzas)" };

/**
 * Given the catalog prefilter (a scan), UTF-8 dpkg input takes the fast path (fast.ts): stanzas
 * the prefilter clears are counted, the others read here line by line. Otherwise, and for opkg
 * files, every line is read here.
 */
async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  const prefilter = ctx.prefilter;
  if (prefilter && input.encoding === "utf-8" && !isOpkgPath(input.path) && fastPathSound(prefilter)) {
    yield* readDpkgFast(input, ctx, new DpkgStatusReader(input.path, (issue) => ctx.report(issue)), prefilter, { isInstalled, packageObservation }, EMPTY);
    return;
  }
  yield* readWithLineParser(input, ctx, createDpkgStatusReader, EMPTY);
}

/** The installed packages in a dpkg or opkg status text held in memory, and the problems found. */
export function parseDpkgStatus(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  return parseWithLineParser(text, file, createDpkgStatusReader);
}
