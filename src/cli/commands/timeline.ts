/**
 * @module
 * `ictsguard timeline`: every catalog rule's phases (what changes on which date, for whom, with
 * its duties and citations), for a role and a vendor, with today marked. The catalog is the one
 * scan would use (src/config/settings.ts resolves it).
 */
import { Command, Option } from "commander";
import { ROLE_CHOICES } from "../choices.js";

export const TIMELINE_FORMATS = ["table", "json", "html"] as const;
type TimelineFormat = (typeof TIMELINE_FORMATS)[number];

type TimelineFlags = {
  vendor?: string;
  role?: string;
  output?: TimelineFormat;
  outputFile?: string;
  today?: string;
  asOf?: string;
  config?: string;
  catalog?: string;
  requireFresh?: boolean;
};

export function timelineCommand(): Command {
  return new Command("timeline")
    .description("show every rule's phases (what changes on which date, with citations) for a role and a vendor, with today marked")
    .option("--vendor <id>", "only rules that reach this catalog entity (a group such as kaspersky, huawei, hikvision, or one of its members)")
    .addOption(new Option("--role <role>", "only what changes for this role (default: the config's profile, else every role)").choices(ROLE_CHOICES))
    .addOption(new Option("-o, --output <format>", "table, json or html (default: table on a terminal, json otherwise)").choices(TIMELINE_FORMATS))
    .option("--output-file <path>", "write to this file instead of standard output")
    .option("--today <date>", "mark this date as today: YYYY-MM-DD, or an instant with an offset such as 2024-09-29T00:00:00-04:00 (default: today)")
    .option("--as-of <date>", "the same as --today")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "catalog folder to use instead of the installed or bundled one")
    .option("--require-fresh", "fail (exit 2) when the catalog is older than catalogMaxAgeDays")
    .action(async (flags: TimelineFlags) => {
      process.exitCode = await timeline(flags);
    });
}

async function timeline(flags: TimelineFlags): Promise<number> {
  const [{ resolveSettings }, render, { openOutput }] = await Promise.all([
    import("../../config/settings.js"),
    import("../../render/index.js"),
    import("../output.js"),
  ]);
  const settings = await resolveSettings<TimelineFormat>("scan", {
    config: flags.config,
    catalog: flags.catalog,
    requireFresh: flags.requireFresh,
    profile: flags.role,
    asOf: flags.today ?? flags.asOf,
    outputFile: flags.outputFile,
  });
  const format: TimelineFormat = flags.output ?? (settings.output.format === "table" ? "table" : "json");
  const tl = render.buildTimeline(settings.catalog, {
    today: settings.asOf(),
    todayText: settings.date,
    ...(settings.profileGiven ? { role: settings.profile } : {}),
    ...(flags.vendor !== undefined ? { vendor: flags.vendor } : {}),
  });
  const text = format === "json" ? `${JSON.stringify(tl, null, 2)}\n` : format === "html" ? render.renderTimelineHtml(tl) : render.renderTimelineTable(tl);
  const out = openOutput(flags.outputFile);
  await out.write(
    (stream) =>
      new Promise<void>((resolve, reject) => {
        stream.write(text, (err) => (err ? reject(err) : resolve()));
      }),
  );
  await out.end();
  for (const w of settings.active.warnings) process.stderr.write(`ictsguard: ${w.message}\n`);
  return 0;
}
