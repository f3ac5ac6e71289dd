/**
 * @module
 * `ictsguard screen FILE` and `ictsguard screen --name NAME [--country CC]`: counterparty names
 * against the restricted entities of the catalog and of the imported lists, with a score, a
 * match decision at the threshold, an explanation and the allow-list applied. `ictsguard screen
 * eval` (src/cli/commands/screen-eval.ts) measures the matcher on a labelled set.
 * Exit codes: 0 no match, 1 a match, 2 a usage or input error (an input error wins).
 */
import { Command, Option } from "commander";
import { DEFAULTS } from "../../config/defaults.js";
import { resolveSettings } from "../../config/settings.js";
import { openInput, type OpenedInput } from "../../io/open.js";
import type { Issue } from "../../model/issue.js";
import { IctsError } from "../../model/errors.js";
import { UsageError } from "../../scan/index.js";
import { loadAllowFile } from "../../screen/allow-list.js";
import { readCounterparties } from "../../screen/inputs.js";
import { SCREEN_SCHEMAS, type ScreenSchema } from "../../screen/model.js";
import { presenterFor } from "../../report/presenter.js";
import { SCREEN_FORMATS, SCREEN_PRESENTERS, type ScreenFormat } from "../../screen/output/index.js";
import { loadScreeningLists, ScreeningRun, type ScreenResult } from "../../screen/run.js";
import { PACKAGE_VERSION } from "../../util/package-root.js";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "../exit-codes.js";
import { openOutput, printIssue } from "../output.js";
import { createCountProgress } from "../progress.js";
import { screenEvalCommand } from "./screen-eval.js";

type ScreenFlags = {
  name?: string;
  country?: string;
  type?: ScreenSchema;
  list?: string[];
  threshold?: string;
  candidates?: string;
  minScore?: string;
  allTypes?: boolean;
  allow?: string[];
  output?: ScreenFormat;
  outputFile?: string;
  config?: string;
  catalog?: string;
  quiet?: boolean;
  color: boolean;
};

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

export function screenCommand(): Command {
  const cmd = new Command("screen")
    .description("screen counterparty names (a CSV or JSON Lines file, - for stdin, or --name) against restricted entities")
    .argument("[file]", "CSV with a name column (optional country, address, type, id), or JSON Lines; - for standard input")
    .option("--name <name>", "screen this one name")
    .option("--country <country>", "the counterparty's country (ISO code or name), with --name")
    .addOption(new Option("--type <type>", "what the counterparty is, with --name").choices(SCREEN_SCHEMAS))
    .option("-l, --list <names>", "screen against these lists only (repeatable or comma-separated; catalog = the catalog; default: the catalog and every imported list)", collect)
    .option("-t, --threshold <score>", `score from which a candidate is a match, 0 to 1 (default: config, else ${DEFAULTS.screen.threshold})`)
    .option("--candidates <n>", `candidates shown per input (default: ${DEFAULTS.screen.candidates})`)
    .option("--min-score <score>", `candidates under this score are not shown (default: ${DEFAULTS.screen.minScore})`)
    .option("--all-types", "also screen against vessels and aircraft (default: organizations and people)")
    .option("--allow <file>", "allow-list file (YAML or JSON) of decided false positives, besides the config's screen.allow (repeatable)", collect)
    .addOption(new Option("-o, --output <format>", "report format (default: table on a terminal, json otherwise)").choices(SCREEN_FORMATS))
    .option("--output-file <path>", "write the report to this file instead of standard output")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "catalog folder to use instead of the installed or bundled one")
    .option("-q, --quiet", "no progress bar and no messages on stderr")
    .option("--no-color", "no colors in the table")
    .action(async (file: string | undefined, flags: ScreenFlags) => {
      process.exitCode = await screen(file, flags);
    });
  // `screen eval` has options of its own (-o): the parent's options stop at the subcommand's name
  cmd.enablePositionalOptions();
  cmd.addCommand(screenEvalCommand());
  return cmd;
}

async function screen(file: string | undefined, flags: ScreenFlags): Promise<number> {
  if (file && flags.name) throw new UsageError("give a FILE or --name, not both");
  if (!file && !flags.name) throw new UsageError("nothing to screen: give a FILE (CSV or JSON Lines, - for stdin) or --name NAME");
  if (file && (flags.country || flags.type)) throw new UsageError("--country and --type go with --name; in a file, use country and type columns");
  const settings = await resolveSettings<ScreenFormat>("screen", { ...flags, lists: flags.list });
  const { catalog, active } = settings;
  if (!flags.quiet) for (const w of active.warnings) printIssue(w);
  const { threshold, candidates, minScore, lists: chosen } = settings.screen!;
  const allow = [...settings.screen!.allow, ...(flags.allow ?? []).flatMap(loadAllowFile)];
  const { corpus, lists } = loadScreeningLists(catalog, chosen);
  const run = new ScreeningRun(corpus, {
    threshold,
    limit: candidates,
    minScore,
    allow,
    today: settings.today,
    ...(flags.allTypes ? { schemas: SCREEN_SCHEMAS } : {}),
  });

  const { format, toFile, color } = settings.output;
  const output = openOutput(flags.outputFile);
  const issues: Issue[] = [];
  let results: AsyncIterable<ScreenResult>;
  let stopProgress = () => {};
  if (file) {
    let opened: OpenedInput;
    try {
      opened = await openInput(file);
    } catch (err) {
      if (err instanceof IctsError && err.code.startsWith("input/")) throw new UsageError(`${file}: ${err.message}`);
      throw err;
    }
    const progress = createCountProgress(!flags.quiet, "screening", "names", opened.size);
    let count = 0;
    const inputs = readCounterparties(opened, { issues });
    results = (async function* () {
      for await (const r of run.screenAll(inputs, file)) {
        progress.update(opened.bytesRead(), ++count);
        yield r;
      }
    })();
    stopProgress = () => progress.stop();
  } else {
    results = (async function* () {
      yield run.screen({ name: flags.name!, ...(flags.country ? { country: flags.country } : {}), ...(flags.type ? { schema: flags.type } : {}) }, 1);
    })();
  }

  const head = { tool: { name: "ictsguard", version: PACKAGE_VERSION }, generatedAt: new Date().toISOString(), threshold, lists };
  const tail = () => {
    stopProgress();
    run.countErrors(issues);
    return { summary: run.summary, errors: issues };
  };
  // The presenter pulls the results through this view, whose loop ending does not close them: when the
  // reader went away (`| head`), the rest of the names are screened without being written, one at a
  // time, so the exit code is the one the whole input earns.
  const source = results[Symbol.asyncIterator]();
  const pulled: AsyncIterable<ScreenResult> = { [Symbol.asyncIterator]: () => ({ next: () => source.next() }) };
  let written: boolean;
  try {
    written = await output.write((out) => presenterFor(SCREEN_PRESENTERS, format, "screen report").write({ head, results: pulled, tail }, out, { color }));
  } catch (err) {
    await Promise.resolve(source.return?.()).catch(() => {}); // the input is closed; the write error is the one to tell
    stopProgress();
    // the write error is the one to tell: closing the file after it only says the stream was destroyed
    await output.end().catch(() => {});
    throw err;
  }
  if (!written) while (!(await source.next()).done);
  stopProgress();
  await output.end();
  // (a table shows its errors; one cut short by the reader does not)
  if (!flags.quiet && (format !== "table" || toFile || !written)) {
    for (const e of issues) printIssue(e);
  }
  if (issues.some((i) => i.severity === "error")) return EXIT_ERROR;
  return run.summary.matched > 0 ? EXIT_FINDINGS : EXIT_OK;
}
