/**
 * @module
 * `ictsguard check`: is this transaction prohibited, for whom, as of when? One transaction from
 * the flags, or a batch (`--batch FILE`, CSV or JSONL, `-` for stdin) with one decision per row;
 * the flags then fill cells a row leaves empty. Exit codes mirror `scan`: 0 nothing at or over
 * `--fail-on`, 1 a decision at or over it, 2 a usage or input error (which wins).
 */
import { createReadStream, createWriteStream, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Command, Option } from "commander";
import { resolveActiveCatalog } from "../../catalog/active.js";
import { createScreeningScorer } from "../../screen/party-scorer.js";
import { parseCheckInput, runBatch, type BatchFormat, type RowDefaults } from "../../check/index.js";
import { openDecisionLog, type DecisionLog } from "../../check/decision-log.js";
import { loadConfig } from "../../config/index.js";
import { ACTIONS, CATEGORIES, ROLES } from "../../model/catalog.js";
import { DECISION_RANK, DECISIONS, type CheckDecision } from "../../model/decision.js";
import { formatSource } from "../../model/issue.js";
import { createChecker } from "../../policy/check.js";
import { today } from "../../policy/time.js";
import { CHECK_FORMATS, createCheckWriter, type CheckFormat } from "../../report/check/index.js";
import { UsageError } from "../../scan/index.js";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "../exit-codes.js";
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
  failOn: CheckDecision | "none";
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
      new Option("--fail-on <decision>", "exit 1 when a decision is this one or stricter: prohibited > license-required > review > allowed")
        .choices([...DECISIONS, "none"])
        .default("review"),
    )
    .option("--log <file>", "append every decision to this JSONL decision log (for audit)")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "catalog folder to use instead of the bundled one")
    .option("--require-fresh", "fail (exit 2) when the catalog is older than catalogMaxAgeDays")
    .option("-q, --quiet", "no progress bar and no messages on stderr")
    .option("--no-color", "no colors in the table")
    .action(async (flags: CheckFlags) => {
      process.exitCode = await check(flags);
    });
}

async function check(flags: CheckFlags): Promise<number> {
  const { config } = loadConfig(flags.config);
  // The same catalog a scan would use (flag, installed signed update, bundled), so scan and check agree.
  const active = await resolveActiveCatalog({ flag: flags.catalog, config });
  const { catalog } = active;
  if (flags.requireFresh && active.stale) {
    process.stderr.write(`ictsguard: --require-fresh: ${active.warnings.find((w) => w.code === "catalog/stale")!.message}\n`);
    return EXIT_ERROR;
  }
  if (!flags.quiet) for (const w of active.warnings) process.stderr.write(`ictsguard: ${w.severity}: ${formatSource(w.source)}: ${w.message}\n`);
  // A vendor name no exact tier resolves is screened like `ictsguard screen` would (review, never a decision).
  const checker = createChecker(catalog, { fuzzy: createScreeningScorer(catalog) });
  const toFile = flags.outputFile !== undefined;
  const format: CheckFormat = flags.output ?? (process.stdout.isTTY && !toFile ? "table" : "json");
  const color = format === "table" && !toFile && flags.color && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const defaults: RowDefaults = {
    ...(flags.role ?? config.profile ? { role: flags.role ?? config.profile } : {}),
    ...(flags.action ? { action: flags.action } : {}),
    ...(flags.vendor ? { vendor: flags.vendor } : {}),
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(flags.product ? { product: flags.product } : {}),
    ...(flags.category ? { category: flags.category } : {}),
    ...(flags.country ? { country: flags.country } : {}),
    ...(flags.counterparty ? { counterparty: flags.counterparty } : {}),
    ...(flags.funding ? { funding: flags.funding } : {}),
    date: flags.date ?? today(),
  };

  // Validate a single transaction before opening anything for writing.
  let single;
  if (flags.batch === undefined) {
    if (!defaults.role) throw new UsageError("check needs --role (or a profile in the config file), --action, and --vendor, --entity or --product; or --batch FILE");
    const parsed = parseCheckInput(defaults);
    if (!parsed.ok) throw new UsageError(`invalid transaction: ${parsed.message}`);
    single = parsed.input;
  }

  let log: DecisionLog | undefined;
  if (flags.log) log = openDecisionLog(flags.log);
  const out = toFile ? createWriteStream(flags.outputFile!) : process.stdout;
  // `check ... | head`: a reader that stops early is not an error of ours
  if (!toFile) {
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  const writer = createCheckWriter(format, out, {
    batch: single === undefined,
    color,
    ...(flags.batch ? { input: flags.batch } : {}),
    catalog: { version: catalog.version, digest: catalog.digest },
  });
  let code: number;
  try {
    if (single) {
      const result = checker.check(single);
      log?.append(result);
      await writer.result(result);
      await writer.end();
      code = flags.failOn !== "none" && DECISION_RANK[result.decision] >= DECISION_RANK[flags.failOn] ? EXIT_FINDINGS : EXIT_OK;
    } else {
      const { stream, size, bytesRead } = openBatch(flags.batch!);
      const progress = createCountProgress(!flags.quiet, "checking", "rows decided", size);
      const printIssues = !flags.quiet && (format !== "table" || toFile);
      const summary = await runBatch({
        path: flags.batch!,
        stream,
        checker,
        defaults,
        ...(flags.batchFormat ? { format: flags.batchFormat } : {}),
        failOn: flags.failOn,
        onRow: (rows) => progress.update(bytesRead(), rows),
        onResult: async (r) => {
          log?.append(r);
          await writer.result(r);
        },
        onIssue: async (issue) => {
          if (printIssues) process.stderr.write(`ictsguard: ${issue.severity}: ${formatSource(issue.source)}: ${issue.message}\n`);
          await writer.issue(issue);
        },
      });
      progress.stop();
      await writer.end(summary);
      code = summary.errors > 0 ? EXIT_ERROR : summary.failed ? EXIT_FINDINGS : EXIT_OK;
    }
  } finally {
    log?.close();
    if (toFile) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  return code;
}

/** The batch's byte stream (gunzipped when it is gzip), its size and bytes read so far, for progress. */
function openBatch(path: string): { stream: Readable; size?: number; bytesRead(): number } {
  if (path === "-") return { stream: process.stdin, bytesRead: () => 0 };
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
  } catch (err) {
    throw new UsageError(`cannot read the batch file ${path}: ${(err as Error).message}`);
  }
  const file = createReadStream(path);
  const stream = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  return { stream, size, bytesRead: () => file.bytesRead };
}
