/**
 * @module
 * `ictsguard scan`: read inventories, find restricted products, judge them for a profile on a
 * date, and report. Flags override the config file, which overrides the defaults (all resolved
 * by src/config/settings.ts).
 */
import { Command, Option } from "commander";
import { DEFAULTS, LIMITS } from "../../config/defaults.js";
import type { Profile } from "../../model/catalog.js";
import { STATUSES, type Status } from "../../model/finding.js";
import type { ReportFormat } from "../../report/index.js";
import { PROFILE_CHOICES, READER_NAME_CHOICES, REPORT_FORMAT_CHOICES } from "../choices.js";
import { exitCodeOf } from "../exit-codes.js";

type ScanFlags = {
  output?: ReportFormat;
  outputFile?: string;
  profile?: Profile;
  asOf?: string;
  failOn?: Status | "none";
  inputFormat?: string;
  config?: string;
  catalog?: string;
  requireFresh?: boolean;
  quiet?: boolean;
  color: boolean;
  host?: boolean;
  hostRoot?: string;
  threads?: string;
};

export function scanCommand(): Command {
  return new Command("scan")
    .description("scan inventories (SBOMs, osquery results, CSV and OS exports) and network logs (Zeek, Suricata, dnsmasq/Pi-hole, Squid, Windows DNS) in files, directories or - for stdin, or this machine (--host), for restricted software")
    .argument("[inputs...]", "files, directories (walked recursively) or - for standard input (optional with --host)")
    .addOption(new Option("-o, --output <format>", "report format (default: table on a terminal, json otherwise)").choices(REPORT_FORMAT_CHOICES))
    .option("--output-file <path>", "write the report to this file instead of standard output")
    .addOption(new Option("-p, --profile <profile>", `who you are: decides which rules bind you (default: ${DEFAULTS.profile})`).choices(PROFILE_CHOICES))
    .option("--as-of <date>", "judge on this date, YYYY-MM-DD (default: today)")
    .addOption(
      new Option("--fail-on <status>", `exit 1 when a finding has this status or a more severe one (default: ${DEFAULTS.failOn.scan})`).choices([...STATUSES, "none"]),
    )
    .addOption(new Option("-f, --input-format <name>", "skip format detection and read every input as this format").choices(READER_NAME_CHOICES))
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "catalog folder to use instead of the installed or bundled one")
    .option("--require-fresh", "fail (exit 2) when the catalog is older than catalogMaxAgeDays")
    .option("-q, --quiet", "no progress bar and no messages on stderr")
    .option("--no-color", "no colors in the table")
    .option("--host", "also collect from this machine: packages, install folders, services, processes, drivers, extensions ...")
    .option("--host-root <dir>", "with --host, read this folder as the root of a Linux file system (a mounted image) instead of this machine; implies --host")
    .option("--threads <n>", "threads to read an osqueryd results log or a CSV of 64 MiB or more with (default: one per core, at most 4; 1: one thread)")
    .action(async (inputs: string[], flags: ScanFlags) => {
      process.exitCode = await scan(inputs, flags);
    });
}

async function scan(inputs: string[], flags: ScanFlags): Promise<number> {
  const threads = flags.threads === undefined ? undefined : Number(flags.threads);
  const threadsValid = threads === undefined || (Number.isInteger(threads) && threads >= 1 && threads <= 64);
  // first: threads to read a large file in parts load their code while this one loads the rest
  if (threadsValid) (await import("../../scan/part-workers.js")).startPartWorkersFor(inputs, threads);
  // Loaded when the command runs, not when it is defined: `--help` and `--version` stay fast.
  const [{ resolveSettings }, { writeReport }, { runScan, UsageError }, { openOutput, printIssue }, { cleanLeftovers }] = await Promise.all([
    import("../../config/settings.js"),
    import("../../report/index.js"),
    import("../../scan/index.js"),
    import("../output.js"),
    import("../leftovers.js"),
  ]);
  await cleanLeftovers();
  const host = flags.host === true || flags.hostRoot !== undefined;
  if (inputs.length === 0 && !host) {
    throw new UsageError("nothing to scan: name files, directories or - for standard input, or use --host to scan this machine");
  }
  if (!threadsValid) {
    throw new UsageError(`--threads: expected a whole number from 1 to 64, found "${flags.threads}"`);
  }
  const settings = await resolveSettings<ReportFormat, Status | "none">("scan", flags);
  const { catalog, active, configPath } = settings;
  // the host collectors and the progress bar are loaded only when they are used
  const collection = host ? await (await import("../../collect/index.js")).createHostCollection({ catalog, ...(flags.hostRoot !== undefined ? { root: flags.hostRoot } : {}) }) : undefined;
  const { format, toFile, color } = settings.output;
  const progress = flags.quiet || !process.stderr.isTTY ? { update() {}, stop() {} } : (await import("../progress.js")).createProgress(true);
  const doc = await runScan({
    inputs,
    catalog,
    profile: settings.profile,
    asOf: settings.asOf(),
    exceptions: settings.exceptions,
    failOn: settings.failOn,
    today: settings.today,
    ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}),
    ...(collection ? { observationInputs: [collection] } : {}),
    onProgress: (p) => progress.update(p),
    catalogInfo: { origin: active.origin, ageDays: active.freshness.ageDays, stale: active.stale },
    archiveLimits: { ...DEFAULTS.archive, ...settings.config.archive },
    notices: active.warnings,
    limits: { ...LIMITS, ...settings.config.limits },
    ...(threads !== undefined ? { parallel: { workers: threads } } : {}),
  });
  progress.stop();

  const out = openOutput(flags.outputFile);
  await out.write((stream) => writeReport(doc, format, stream, { color }));
  await out.end();

  // The table shows input errors itself; for machine formats they also go to stderr for people.
  if (!flags.quiet && (format !== "table" || toFile)) {
    for (const e of doc.errors) printIssue(e);
    if (configPath) process.stderr.write(`ictsguard: config ${configPath}\n`);
  }
  return exitCodeOf(doc);
}
