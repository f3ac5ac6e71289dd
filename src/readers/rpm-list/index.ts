/**
 * @module
 * Reader for RPM package lists (docs formats.md §6c):
 *
 * - `rpm -qa`: one NEVRA per line, `name-[epoch:]version-release.arch`
 *   (`bash-4.2.46-31.el7.x86_64`). Names and versions hold hyphens and releases hold dots, so the
 *   line is split from the right: the architecture after the last dot (when it is one, as
 *   `gpg-pubkey-…` lines have none), the release after the last hyphen, the version after the one
 *   before;
 * - the format collectors should use, `rpm -qa --queryformat
 *   '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{PACKAGER}\t%{INSTALLTIME}\n'`,
 *   where `(none)` is an unset tag. VENDOR is the vendor (PACKAGER when VENDOR is unset).
 *
 * Packages get a `pkg:rpm` purl (epoch as a qualifier), so the catalog's `rpm/klnagent64` finds
 * `klnagent64`. `parseRpmList(text)` reads such a list already in memory.
 */
import type { Line } from "../_text.js";
import { parseWithLineParser, readWithLineParser, type CreateLineParser } from "../_lines.js";
import { headLines } from "../_head.js";
import { createIssueLog, type IssueLog } from "../_issues.js";
import { observe, withoutEmail } from "../_observe.js";
import { packageUrl } from "../_purl.js";
import { defineReader, type Probe, type ReadContext, type ReadInput, type ReportableIssue } from "../types.js";
import type { Observation } from "../../model/observation.js";

export const rpmListReader = defineReader({
  name: "linux/rpm-list",
  version: 1,
  description: "RPM package lists: rpm -qa (name-version-release.arch) and rpm -qa --queryformat with tab-separated NAME, EPOCHNUM, VERSION, RELEASE, ARCH, VENDOR, PACKAGER, INSTALLTIME",
  detect,
  read,
});

/** RPM architectures (and the source pseudo-architectures) as they end a NEVRA. */
const RPM_ARCH = /^(?:noarch|x86_64|i[3-6]86|athlon|aarch64|arm64|armv[5-8][a-z0-9]*|armhfp|ppc|ppc64|ppc64le|ppc64p7|s390|s390x|riscv64|ia64|sparc|sparcv9|sparc64|mips|mipsel|mips64|mips64el|loongarch64|alpha|src|nosrc|e2k)$/;
const NEVRA = /^\S+-[^\s-]+-[^\s-]+$/;
const NONE = "(none)";

function detect(probe: Probe): number {
  const lines = headLines(probe.text, 60).filter((l) => l.trim() !== "");
  if (lines.length === 0) return 0;
  const tabbed = lines.filter((l) => {
    const c = l.split("\t");
    return c.length >= 5 && /^(\d+|\(none\))$/.test(c[1]!) && (RPM_ARCH.test(c[4]!) || c[4] === NONE);
  }).length;
  if (tabbed >= lines.length * 0.6) return 0.9;
  const nevras = lines.filter((l) => !l.includes("\t") && NEVRA.test(l.trim()));
  const withArch = nevras.filter((l) => RPM_ARCH.test(l.trim().slice(l.trim().lastIndexOf(".") + 1)));
  return nevras.length >= lines.length * 0.6 && withArch.length >= nevras.length * 0.5 ? 0.8 : 0;
}

export type Nevra = { name: string; epoch?: string; version: string; release: string; arch?: string };

/** `bash-4.2.46-31.el7.x86_64` → bash, 4.2.46, 31.el7, x86_64; `name-1:2.0-3.noarch` has epoch 1. */
export function splitNevra(text: string): Nevra | undefined {
  let rest = text.trim();
  if (/\s/.test(rest)) return undefined;
  let arch: string | undefined;
  const dot = rest.lastIndexOf(".");
  if (dot > 0 && RPM_ARCH.test(rest.slice(dot + 1))) {
    arch = rest.slice(dot + 1);
    rest = rest.slice(0, dot);
  }
  const r = rest.lastIndexOf("-");
  if (r <= 0) return undefined;
  const release = rest.slice(r + 1);
  rest = rest.slice(0, r);
  const v = rest.lastIndexOf("-");
  if (v <= 0) return undefined;
  let version = rest.slice(v + 1);
  const name = rest.slice(0, v);
  let epoch: string | undefined;
  const e = /^(\d+):(.+)$/.exec(version);
  if (e) [epoch, version] = [e[1]!, e[2]!];
  // every real version has a digit: "not-a-nevra" is not name "not", version "a"
  if (!name || !/\d/.test(version) || !release) return undefined;
  return { name, version, release, ...(epoch ? { epoch } : {}), ...(arch ? { arch } : {}) };
}

const unset = (v: string | undefined): string | undefined => (v === undefined || v.trim() === NONE ? undefined : v.trim());

/** The package observations of one list, fed line by line. */
export class RpmListReader {
  private readonly issues: IssueLog;
  constructor(
    private readonly file: string,
    report: (issue: ReportableIssue) => void,
  ) {
    this.issues = createIssueLog({ report }, file);
  }

  push({ text, line }: Line): Observation[] {
    if (text.trim() === "") return [];
    const source = { file: this.file, line };
    if (text.includes("\t")) {
      const c = text.split("\t");
      if (c.length < 5 || !c[0]!.trim() || !c[2]!.trim()) {
        this.issues.report({
          code: "rpm/row",
          message: `expected the tab-separated fields NAME, EPOCHNUM, VERSION, RELEASE, ARCH[, VENDOR, PACKAGER, INSTALLTIME] (rpm -qa --queryformat), found ${c.length} field(s); the line was skipped`,
          source,
        });
        return [];
      }
      const [name, epochnum, version, release, arch, vendor, packager] = c.map((x) => x.trim());
      const epoch = unset(epochnum);
      return this.package(
        { name: name!, version: version!, release: unset(release) ?? "", ...(epoch && epoch !== "0" ? { epoch } : {}), ...(unset(arch) ? { arch: unset(arch)! } : {}) },
        unset(vendor) ?? withoutEmail(unset(packager)),
        line,
      );
    }
    const nevra = splitNevra(text);
    if (!nevra) {
      this.issues.report({ code: "rpm/row", message: `expected name-version-release.arch (rpm -qa), found "${text.trim().slice(0, 60)}"; the line was skipped`, source });
      return [];
    }
    return this.package(nevra, undefined, line);
  }

  end(): Observation[] {
    this.issues.finish();
    return [];
  }

  private package(p: Nevra, vendor: string | undefined, line: number): Observation[] {
    const version = p.release ? `${p.version}-${p.release}` : p.version;
    const o = observe({
      kind: "package",
      name: p.name,
      vendor,
      version,
      ids: { purl: packageUrl("rpm", p.name, version, { arch: p.arch, epoch: p.epoch }) },
      source: { file: this.file, line },
    });
    return o ? [o] : [];
  }
}

const createRpmListReader: CreateLineParser = (file, report) => new RpmListReader(file, report);

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  yield* readWithLineParser(input, ctx, createRpmListReader, { code: "rpm/empty", expected: "rpm -qa output" });
}

/** The packages in rpm -qa output held in memory, and the problems found. */
export function parseRpmList(text: string, file = "-"): { observations: Observation[]; issues: ReportableIssue[] } {
  return parseWithLineParser(text, file, createRpmListReader);
}
