/**
 * @module
 * The `ictsguard` command line. Usage errors exit 2; see docs/cli.md for every command.
 */
import { Command, CommanderError } from "commander";
import { IctsError } from "../model/issue.js";
import { UsageError } from "../scan/index.js";
import { PACKAGE_VERSION } from "../util/package-root.js";
import { catalogCommand } from "./commands/catalog.js";
import { checkCommand } from "./commands/check.js";
import { formatsCommand } from "./commands/formats.js";
import { scanCommand } from "./commands/scan.js";
import { listsCommand } from "./commands/lists.js";
import { screenCommand } from "./commands/screen.js";
import { EXIT_ERROR } from "./exit-codes.js";

export function createProgram(): Command {
  const program = new Command("ictsguard")
    .description("Find restricted foreign-adversary technology (Kaspersky first) and judge it against cited, time-phased US rules.")
    .version(PACKAGE_VERSION)
    .showHelpAfterError()
    .enablePositionalOptions() // so `screen eval -o json` gives -o to eval, not to screen
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const sub of [scanCommand(), checkCommand(), screenCommand(), listsCommand(), catalogCommand(), formatsCommand()]) program.addCommand(sub);
  // subcommands inherit exitOverride only when added before it is set, so set it on each
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR;
      return;
    }
    if (err instanceof IctsError || err instanceof UsageError) {
      process.stderr.write(`ictsguard: ${err.message}\n`);
      process.exitCode = EXIT_ERROR;
      return;
    }
    process.stderr.write(`ictsguard: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT_ERROR;
  }
}

