/**
 * @module
 * `ictsguard lists`: the screening lists imported on this machine; `lists import FILE...` reads
 * a list (CSL, OFAC SDN, OpenSanctions FtM and its deltas, the UN consolidated list, plain CSV)
 * and stores it under ICTSGUARD_HOME/lists, streaming; `lists remove NAME` forgets one. Bad
 * records are reported with their location and the rest is imported; the exit code is then 2,
 * so a script notices. An import that is empty, or would replace a stored list although it had
 * errors or keeps under half of its entries, is refused (exit 2, the old list kept) unless
 * `--force` is given.
 */
import { statSync } from "node:fs";
import Table from "cli-table3";
import { Command, Option } from "commander";
import { printIssue } from "../output.js";
import { FORMAT_DESCRIPTIONS, importListTo } from "../../screen/lists/import.js";
import { checkReplace } from "../../screen/lists/replace.js";
import { listNames, openListWriter, readListHeader, removeList, type ListWriter } from "../../screen/lists/store.js";
import { LIST_FORMATS, type ListFormat } from "../../screen/model.js";
import { EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import { createCountProgress } from "../progress.js";

export function listsCommand(): Command {
  const cmd = new Command("lists")
    .description("screening lists imported on this machine (ICTSGUARD_HOME/lists); import and remove them")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action((flags: { output: "table" | "json" }) => {
      const rows = listNames().map((name) => {
        const l = readListHeader(name);
        return { name: l.name, format: l.format, source: l.source.files.map((f) => f.path), entries: l.counts.entries, aliases: l.counts.aliases, addresses: l.counts.addresses, skipped: l.counts.skipped, importedAt: l.importedAt };
      });
      if (flags.output === "json") {
        process.stdout.write(JSON.stringify({ lists: rows }, null, 2) + "\n");
        return;
      }
      if (rows.length === 0) {
        process.stdout.write("no lists imported (ictsguard lists import FILE...); screening uses the catalog alone\n");
        return;
      }
      const table = new Table({ head: ["name", "format", "source", "entries", "aliases", "imported at"], style: { head: [], border: [] }, wordWrap: true, colWidths: [16, 10, 46, 9, 9, 26] });
      for (const r of rows) table.push([r.name, r.format, r.source.join("\n"), String(r.entries), String(r.aliases), r.importedAt]);
      process.stdout.write(table.toString() + "\n");
    });
  cmd
    .command("import")
    .description("import a screening list: " + LIST_FORMATS.join(", "))
    .argument("<files...>", "the list's files (OFAC: sdn.csv with alt.csv and add.csv, or their folder)")
    .addOption(new Option("-f, --format <format>", "skip detection: " + LIST_FORMATS.map((f) => `${f} = ${FORMAT_DESCRIPTIONS[f]}`).join("; ")).choices(LIST_FORMATS))
    .option("-n, --name <name>", "store it under this name (default: ofac-sdn, csl, or the file's name)")
    .option("-q, --quiet", "no progress bar and no messages on stderr")
    .option("--force", "store the import even if it is empty, had errors, or keeps under half of the stored list's entries")
    .action(async (files: string[], flags: { format?: ListFormat; name?: string; quiet?: boolean; force?: boolean }) => {
      const total = files.reduce((s, f) => {
        try {
          return s + (statSync(f).isFile() ? statSync(f).size : 0);
        } catch {
          return s;
        }
      }, 0);
      const progress = createCountProgress(!flags.quiet, "importing", "bytes", total || undefined);
      let writer: ListWriter | undefined;
      let summary;
      try {
        summary = await importListTo(
          files,
          { ...(flags.format ? { format: flags.format } : {}), ...(flags.name ? { name: flags.name } : {}), onBytes: (n) => progress.update(n, n) },
          (name) => (writer = openListWriter(name)),
        );
      } catch (err) {
        writer?.abort();
        throw err;
      } finally {
        progress.stop();
      }
      const { header, issues } = summary;
      for (const i of issues) printIssue(i);
      const errors = header.counts.skipped; // every error, those the throttle only counted included
      let previous;
      try {
        previous = listNames().includes(header.name) ? readListHeader(header.name) : undefined;
      } catch {
        previous = undefined; // a damaged stored list may be replaced
      }
      const check = checkReplace(previous, header, errors);
      if (!check.ok && !flags.force) {
        writer!.abort();
        process.stderr.write(`ictsguard: ${previous ? `the list "${header.name}" was not replaced` : `the list "${header.name}" was not stored`}: ${check.reason}; give --force to store it anyway\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      const path = writer!.commit(header);
      const c = header.counts;
      process.stdout.write(
        `imported ${header.name} (${header.format}): ${c.entries} entries, ${c.aliases} aliases, ${c.addresses} addresses` +
          `${c.skipped ? `, ${c.skipped} record(s) skipped` : ""}${previous ? ` (was ${previous.counts.entries} entries)` : ""} → ${path}\n`,
      );
      process.exitCode = errors > 0 ? EXIT_ERROR : EXIT_OK;
    });
  cmd
    .command("remove")
    .description("remove an imported list")
    .argument("<name>", "the list's name (ictsguard lists)")
    .action((name: string) => {
      if (!removeList(name)) {
        process.stderr.write(`ictsguard: no imported list named "${name}"\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      process.stdout.write(`removed ${name}\n`);
    });
  return cmd;
}
