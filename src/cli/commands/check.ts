/**
 * @module
 * `ictsguard check`: is this transaction prohibited, for whom, as of when? One transaction from
 * the flags, or a batch (`--batch FILE`, CSV or JSONL, `-` for stdin) with one decision per row;
 * the flags then fill cells a row leaves empty. Exit codes mirror `scan`: 0 nothing at or over
 * `--fail-on`, 1 a decision at or over it, 2 a usage or input error (which wins).
 */
import { Command, Option } from "commander";
import { createScreeningScorer } from "../../screen/party-scorer.js";
import { parseCheckInput, runBatch, type BatchFormat, type BatchSummary, type RowDefaults } from "../../check/index.js";
import type { CheckDecision, CheckInput } from "../../model/decision.js";
import { openDecisionLog, type DecisionLog } from "../../check/decision-log.js";
import { DEFAULTS, LIMITS } from "../../config/defaults.js";
import { resolveSettings } from "../../config/settings.js";
import { ACTIONS, CATEGORIES, DECISION_RANK, DECISIONS, ROLES } from "../../model/vocabulary.js";
import { openInput, type OpenedInput } from "../../io/open.js";
import { IctsError } from "../../model/errors.js";
import { createChecker } from "../../policy/check.js";
import { CHECK_FORMATS, CHECK_PRESENTERS, type CheckEvent, type CheckFormat, type CheckReport } from "../../report/check/index.js";
import { presenterFor } from "../../report/presenter.js";
import { UsageError } from "../../scan/index.js";
import { ChannelClosedError, produce } from "../../util/channel.js";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "../exit-codes.js";
import { openOutput, printIssue } from "../output.js";
import { createCountProgress } from "../progress.js";

type CheckFlags = {
  role?: string;
  action?: string;
  vendor?: string;
  entity?: string;
  product?: string;
  category?: string;
  country?: string;
  counterparty?: string;
  funding?: string;
  date?: string;
  batch?: string;
  batchFormat?: BatchFormat;
  output?: CheckFormat;
  outputFile?: string;
  failOn?: CheckDecision | "none";
  log?: string;
  config?: string;
  catalog?: string;
  requireFresh?: boolean;
  quiet?: boolean;
  color: boolean;
};

export function checkCommand(): Command {
  return new Command("check")
    .description("decide whether a transaction (buy, renew, install, update, use, resell, license, integrate, support, export) is prohibited, for your role, on a date; or a batch of them")
    .addOption(new Option("--role <role>", "who you are (default: the config's profile)").choices(ROLES))
    .addOption(new Option("--action <action>", "what you want to do").choices(ACTIONS))
    .addOption(new Option("--vendor <name>", "the counterparty by name (matched against entity names and aliases, Latin or Cyrillic)").conflicts("entity"))
    .option("--entity <id>", "the counterparty by catalog entity id (ictsguard catalog list -s entities)")
    .option("--product <name>", "the product by name or catalog product id (gives its category and maker)")
    .addOption(new Option("--category <category>", "the product category (overrides the product's)").choices(CATEGORIES))
    .option("--country <cc>", "the counterparty's country (ISO 3166-1 alpha-2), to tell same-named entities apart")
    .addOption(
      new Option("--counterparty <kind>", "government: the transaction supplies a US federal agency (sale, resale, integration, installation, support or licence under a contract; FAR 52.204-25(b)(1))").choices(["government"]),
    )
    .addOption(new Option("--funding <source>", "federal: the purchase is paid with federal grant or loan funds (2 CFR 200.216)").choices(["federal"]))
    .option("--date <date>", "decide as of this date (YYYY-MM-DD) or instant (ISO 8601 with an offset) (default: today)")
    .option("--batch <file>", "decide every transaction of a CSV or JSONL file (- for standard input), one decision per row")
    .addOption(new Option("--batch-format <format>", "skip detection of the batch format").choices(["csv", "jsonl"]))
    .addOption(new Option("-o, --output <format>", "output format (default: table on a terminal, json otherwise)").choices(CHECK_FORMATS))
    .option("--output-file <path>", "write the output to this file instead of standard output")
    .addOption(
      new Option("--fail-on <decision>", `exit 1 when a decision is this one or stricter: prohibited > license-required > review > allowed (default: ${DEFAULTS.failOn.check})`)
        .choices([...DECISIONS, "none"]),
    )
    .option("--log <file>", "append every decision to this JSONL decision log (for audit)")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "catalog folder to use instead of the installed or bundled one")
    .option("--require-fresh", "fail (exit 2) when the catalog is older than catalogMaxAgeDays")
    .option("-q, --quiet", "no progress bar and no messages on stderr")
    .option("--no-color", "no colors in the table")
    .action(async (flags: CheckFlags) => {
      process.exitCode = await check(flags);
    });
}

async function check(flags: CheckFlags): Promise<number> {
  // The same settings and catalog a scan would use (flag, installed signed update, bundled), so scan and check agree.
  const settings = await resolveSettings<CheckFormat, CheckDecision | "none">("check", { ...flags, profile: flags.role, asOf: flags.date });
  const { catalog, active } = settings;
  if (!flags.quiet) for (const w of active.warnings) printIssue(w);
  // A vendor name no exact tier resolves is screened like `ictsguard screen` would (review, never a decision).
  const checker = createChecker(catalog, { fuzzy: createScreeningScorer(catalog) });
  const { format, toFile, color } = settings.output;
  const failOn = settings.failOn;
  const defaults: RowDefaults = {
    ...(settings.profileGiven ? { role: settings.profile } : {}),
    ...(flags.action ? { action: flags.action } : {}),
    ...(flags.vendor ? { vendor: flags.vendor } : {}),
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(flags.product ? { product: flags.product } : {}),
    ...(flags.category ? { category: flags.category } : {}),
    ...(flags.country ? { country: flags.country } : {}),
    ...(flags.counterparty ? { counterparty: flags.counterparty } : {}),
    ...(flags.funding ? { funding: flags.funding } : {}),
    date: settings.date,
  };

  // Validate a single transaction before opening anything for writing.
  let single: CheckInput | undefined;
  if (flags.batch === undefined) {
    if (!defaults.role) throw new UsageError("check needs --role (or a profile in the config file), --action, and --vendor, --entity or --product; or --batch FILE");
    const parsed = parseCheckInput(defaults);
    if (!parsed.ok) throw new UsageError(`invalid transaction: ${parsed.message}`);
    single = parsed.input;
  }

  let log: DecisionLog | undefined;
  if (flags.log) log = openDecisionLog(flags.log);
  const output = openOutput(flags.outputFile);
  const presenter = presenterFor(CHECK_PRESENTERS, format, "check output");
  let code: number | undefined;
  // What stopped the batch (a read error, a bug); no presenter reports it once the reader has gone.
  let batchFailure: { error: unknown } | undefined;
  try {
    await output.write(async (out) => {
      if (single) {
        const result = checker.check(single);
        log?.append(result);
        code = failOn !== "none" && DECISION_RANK[result.decision] >= DECISION_RANK[failOn] ? EXIT_FINDINGS : EXIT_OK;
        await presenter.write({ kind: "single", result }, out, { color });
        return;
      }
      const limits = { ...LIMITS, ...settings.config.limits };
      const input = await openBatch(flags.batch!, limits.maxGzipRatio);
      const progress = createCountProgress(!flags.quiet, "checking", "rows decided", input.size);
      const printIssues = !flags.quiet && (format !== "table" || toFile);
      // Whether the presenter stopped because the reader went away (`| head`): settled once it stopped.
      let readerGone!: (gone: boolean) => void;
      const presenterStopped = new Promise<boolean>((resolve) => (readerGone = resolve));
      // Once it has, the rest of the batch is decided without being written (and still logged), so the
      // exit code is the one the whole batch earns; one row at a time, nothing kept.
      let draining = false;
      const hand = async (push: (event: CheckEvent) => Promise<void>, event: CheckEvent): Promise<void> => {
        if (draining) return;
        try {
          await push(event);
        } catch (err) {
          if (!(err instanceof ChannelClosedError) || !(await presenterStopped)) throw err;
          draining = true;
        }
      };
      // The batch decides as the presenter pulls: each decision waits until the output has taken the one before.
      const batch = produce<CheckEvent, BatchSummary>((push) =>
        runBatch({
          input,
          checker,
          defaults,
          ...(flags.batchFormat ? { format: flags.batchFormat } : {}),
          // the config's limits:, as a scan reads its inputs under them
          limits,
          failOn,
          onRow: (rows) => progress.update(input.bytesRead(), rows),
          onResult: async (r) => {
            log?.append(r);
            await hand(push, { result: r });
          },
          onIssue: async (issue) => {
            if (printIssues || (draining && !flags.quiet)) printIssue(issue);
            await hand(push, { issue });
          },
        }).catch((error: unknown) => {
          batchFailure = { error };
          throw error;
        }),
      );
      const report: CheckReport = { kind: "batch", input: flags.batch!, catalog: { version: catalog.version, digest: catalog.digest }, events: batch.items, summary: batch.result };
      try {
        await presenter.write(report, out, { color });
        readerGone(false);
      } catch (err) {
        readerGone(output.closed || (err as NodeJS.ErrnoException).code === "EPIPE");
        throw err;
      } finally {
        // The batch ends: drained to its end when the reader went away, stopped when writing failed otherwise.
        const summary = await batch.finish();
        if (summary) code = summary.errors > 0 ? EXIT_ERROR : summary.failed ? EXIT_FINDINGS : EXIT_OK;
        progress.stop();
      }
    });
    // drained after the reader went away, and then failed: an error all the same (exit 2)
    if (code === undefined && output.closed && batchFailure && !(batchFailure.error instanceof ChannelClosedError)) throw batchFailure.error;
  } catch (err) {
    log?.close();
    // the write error is the one to tell: closing the file after it only says the stream was destroyed
    await output.end().catch(() => {});
    throw err;
  }
  log?.close();
  await output.end();
  return code ?? EXIT_OK;
}

/** The batch, opened by the shared opener (gzip by its bytes, encoding, `-`); a bad path is a usage error. */
async function openBatch(path: string, maxGzipRatio: number): Promise<OpenedInput> {
  try {
    return await openInput(path, { maxGzipRatio });
  } catch (err) {
    if (err instanceof IctsError && err.code.startsWith("input/")) throw new UsageError(`cannot read the batch file ${path}: ${err.message}`);
    throw err;
  }
}
