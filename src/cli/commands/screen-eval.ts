/**
 * @module
 * `ictsguard screen eval [--set FILE]`: precision, recall and F1 over thresholds on a labelled
 * set, for ictsguard and, in the same run, for fuse.js and a CSL-style per-term edit-distance
 * matcher (src/screen/eval/). fuse.js is a development dependency: without it the report says
 * so and shows the other two.
 */
import { Command, Option } from "commander";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { formatEvalReport, runEval } from "../../screen/eval/run-eval.js";

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

export function screenEvalCommand(): Command {
  return new Command("eval")
    .description("measure screening on a labelled set: precision, recall, F1 over thresholds, beside fuse.js and CSL-style per-term edit distance")
    .option("--set <file>", "labelled pairs CSV: input,country,entity,label,treatment,note (default: the bundled set, src/screen/eval/pairs.csv)")
    .option("-l, --list <names>", "reference: the catalog and these imported lists (default: the catalog and the bundled OFAC SDN sample)", collect)
    .option("--no-baselines", "score ictsguard alone")
    .addOption(new Option("-o, --output <format>", "report format").choices(["table", "json"]).default("table"))
    .option("--catalog <dir>", "catalog folder to use instead of the bundled one")
    .action(async (flags: { set?: string; list?: string[]; baselines: boolean; output: "table" | "json"; catalog?: string }) => {
      const catalog = await loadCatalogOrThrow(flags.catalog);
      const report = await runEval(catalog, { ...(flags.set ? { set: flags.set } : {}), ...(flags.list ? { lists: flags.list } : {}), baselines: flags.baselines });
      process.stdout.write(flags.output === "json" ? JSON.stringify(report, null, 2) + "\n" : formatEvalReport(report));
    });
}
