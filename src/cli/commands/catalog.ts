/**
 * @module
 * `ictsguard catalog list | show <id> | validate [dir]`: look into the restriction catalog.
 */
import Table from "cli-table3";
import { Command, Option } from "commander";
import { stringify } from "yaml";
import { loadCatalog } from "../../catalog/index.js";
import { resolveCatalogSettings } from "../../config/settings.js";
import type { Catalog } from "../../model/catalog.js";
import { EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import { capped, printIssue } from "../output.js";
import { catalogPublishCommand } from "./catalog-publish.js";
import { catalogStatusCommand, catalogUpdateCommand } from "./catalog-update.js";

const SECTIONS = ["rules", "entities", "products", "lookalikes", "sources", "profiles"] as const;
type Section = (typeof SECTIONS)[number];

export function catalogCommand(): Command {
  const cmd = new Command("catalog").description("list, show, validate, update and publish the restriction catalog");
  cmd
    .command("list")
    .description("list the catalog's entries (all sections, or one with --section)")
    .addOption(new Option("-s, --section <section>", "only this section").choices(SECTIONS))
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .option("--catalog <dir>", "catalog folder (default: the installed catalog, else the bundled one)")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .action(async (flags: { section?: Section; output: "table" | "json"; catalog?: string; config?: string }) => {
      const { catalog } = (await resolveCatalogSettings(flags)).active;
      const sections = flags.section ? [flags.section] : SECTIONS;
      if (flags.output === "json") {
        const out = Object.fromEntries(sections.map((s) => [s, rows(catalog, s)]));
        process.stdout.write(JSON.stringify({ version: catalog.version, date: catalog.date, digest: catalog.digest, ...out }, null, 2) + "\n");
        return;
      }
      process.stdout.write(`catalog ${catalog.version} (${catalog.date}) sha256:${catalog.digest}\n`);
      for (const section of sections) {
        const list = rows(catalog, section);
        const table = new Table({ head: ["id", "name", "detail"], style: { head: [], border: [] }, wordWrap: true, colWidths: [40, 50, 40] });
        for (const r of list) table.push([r.id, r.name, r.detail]);
        process.stdout.write(`\n${section} (${list.length})\n${table.toString()}\n`);
      }
    });
  cmd
    .command("show")
    .description("show one entry (rule, entity, product, look-alike, source or profile) by id, with its citations")
    .argument("<id>", "the entry's id, e.g. us-bis-icts-fd-kaspersky-2024")
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("--catalog <dir>", "catalog folder (default: the installed catalog, else the bundled one)")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .action(async (id: string, flags: { output: "yaml" | "json"; catalog?: string; config?: string }) => {
      const { catalog } = (await resolveCatalogSettings(flags)).active;
      const hits = SECTIONS.flatMap((s) => (catalog[s] as { id: string }[]).filter((e) => e.id === id).map((entry) => ({ section: s, entry })));
      if (hits.length === 0) {
        process.stderr.write(`ictsguard: no catalog entry with id ${capped(JSON.stringify(id))} (try: ictsguard catalog list)\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      for (const { section, entry } of hits) {
        const body = { section, ...entry };
        process.stdout.write(flags.output === "json" ? JSON.stringify(body, null, 2) + "\n" : stringify(body));
      }
    });
  cmd
    .command("validate")
    .description("check a catalog folder against the schema and its cross-references")
    .argument("[dir]", "catalog folder (default: the bundled one)")
    .action(async (dir: string | undefined) => {
      const result = await loadCatalog(dir);
      if (!result.ok) {
        // a catalog folder is input like any other: its text is escaped and cut on the terminal
        for (const issue of result.issues) printIssue(issue, "");
        process.stderr.write(`catalog invalid: ${result.issues.length} problem(s)\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      for (const w of result.warnings) printIssue(w, "");
      const c = result.catalog;
      process.stdout.write(
        `catalog ${c.version} (${c.date}) is valid: ${c.rules.length} rules, ${c.entities.length} entities, ${c.products.length} products, ` +
          `${c.lookalikes.length} look-alikes, ${c.sources.length} sources; sha256:${c.digest}\n`,
      );
      process.exitCode = EXIT_OK;
    });
  for (const sub of [catalogStatusCommand(), catalogUpdateCommand(), catalogPublishCommand()]) cmd.addCommand(sub);
  return cmd;
}

type Row = { id: string; name: string; detail: string };

function rows(catalog: Catalog, section: Section): Row[] {
  switch (section) {
    case "rules":
      return catalog.rules.map((r) => ({ id: r.id, name: r.title, detail: r.phases.map((p) => `${p.from.slice(0, 10)} ${p.label}`).join("\n") }));
    case "entities":
      return catalog.entities.map((e) => ({ id: e.id, name: e.name, detail: [e.type, e.country, e.parent && `in ${e.parent}`].filter(Boolean).join(", ") }));
    case "products":
      return catalog.products.map((p) => ({ id: p.id, name: p.name, detail: `${p.vendor}, ${p.category}` }));
    case "lookalikes":
      return catalog.lookalikes.map((l) => ({ id: l.id, name: l.description, detail: [...l.names, ...l.publishers].slice(0, 3).join(", ") }));
    case "sources":
      return catalog.sources.map((s) => ({ id: s.id, name: s.title, detail: s.url ?? "" }));
    case "profiles":
      return catalog.profiles.map((p) => ({ id: p.id, name: p.label, detail: `holding = ${p.holdingActions.join(", ")}` }));
  }
}
