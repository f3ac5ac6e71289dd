/**
 * @module
 * The `ictsguard` command line. Usage errors exit 2; see docs/cli.md for every command.
 *
 * Commands load lazily: a run defines only the command it names (`ictsguard scan ...` loads the
 * scan command's definition, and its work modules only when its action runs), and `--version`
 * loads none. Top-level help, `help`, and a name that is not a command define them all, so every
 * help text and error is the same as with all commands defined.
 */
import { Command, CommanderError } from "commander";
import { PACKAGE_VERSION } from "../util/package-root.js";
import { cleanForTerminal } from "../report/text.js";
import { EXIT_ERROR } from "./exit-codes.js";
import { watchStdout } from "./stdout.js";

/** Each command's definition, loaded only when it is needed, in the order help lists them. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => (await import("./commands/scan.js")).scanCommand(),
  check: async () => (await import("./commands/check.js")).checkCommand(),
  screen: async () => (await import("./commands/screen.js")).screenCommand(),
  lists: async () => (await import("./commands/lists.js")).listsCommand(),
  catalog: async () => (await import("./commands/catalog.js")).catalogCommand(),
  report: async () => (await import("./commands/report.js")).reportCommand(),
  timeline: async () => (await import("./commands/timeline.js")).timelineCommand(),
  formats: async () => (await import("./commands/formats.js")).formatsCommand(),
  serve: async () => (await import("./commands/serve.js")).serveCommand(),
  upload: async () => (await import("./commands/upload.js")).uploadCommand(),
  server: async () => (await import("./commands/server.js")).serverCommand(),
  attest: async () => (await import("./commands/attest.js")).attestCommand(),
  agent: async () => (await import("./commands/agent.js")).agentCommand(),
};

/**
 * The program, with the commands `argv` needs: none for `--version`, the one it names, or all
 * (no command, `help`, an unknown name). Without `argv`, all.
 */
export async function createProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command("ictsguard")
    .description("Find restricted foreign-adversary technology (Kaspersky first) and judge it against cited, time-phased US rules.")
    .version(PACKAGE_VERSION)
    .showHelpAfterError()
    // taken out of argv by main() wherever it stands; declared here for the help text
    .option("--debug", "on an unexpected error (a bug), print its stack trace")
    .enablePositionalOptions() // so `screen eval -o json` gives -o to eval, not to screen
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const names = argv ? needed(argv.slice(2)) : Object.keys(COMMANDS);
  const subs = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const sub of subs) program.addCommand(sub);
  // subcommands inherit exitOverride only when added before it is set, so set it on each
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/** The commands a run needs: the first word that is not an option names it. */
function needed(args: readonly string[]): string[] {
  for (const arg of args) {
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (arg === "-V" || arg === "--version") return []; // the program's own option, before any command
      if (arg === "-h" || arg === "--help") break; // the program's help lists every command
      continue; // the program has no option that takes a value
    }
    return arg in COMMANDS ? [arg] : Object.keys(COMMANDS);
  }
  return Object.keys(COMMANDS);
}

/** What the catch-all prints for an error no command expected: a bug, with the stack only under `--debug`. */
export function unexpectedErrorMessage(err: unknown, debug: boolean): string {
  const e = err as Error | undefined;
  // the message may quote input (a parser's excerpt): cut, then escaped, as printIssue does
  const what = cleanForTerminal(`${e?.name ?? "Error"}: ${String(e?.message ?? err).split("\n")[0]!.slice(0, 300)}`);
  return (
    `ictsguard: internal error (internal/unexpected): ${what}\n` +
    "ictsguard: this is a bug in ictsguard, not a problem with your input; please report it with the command you ran" +
    (debug ? `\n${e?.stack ?? String(err)}\n` : " (run it again with --debug to see the stack trace)\n")
  );
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // before anything writes: `| head` ends quietly, a full disk is reported as such (./stdout.ts)
  watchStdout();
  // --debug is global: accepted before or after the command, up to a `--`
  const end = argv.indexOf("--") === -1 ? argv.length : argv.indexOf("--");
  const debug = argv.slice(2, end).includes("--debug");
  if (debug) argv = argv.filter((a, i) => !(a === "--debug" && i < end));
  // an error raised outside any awaited call (a stream's 'error' event nobody listens to) is a bug too: never exit 1, which reads as findings
  const onUncaught = (err: unknown): void => {
    process.stderr.write(unexpectedErrorMessage(err, debug));
    process.exit(EXIT_ERROR);
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  try {
    await (await createProgram(argv)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR;
      return;
    }
    // by name, so that the error classes' modules need not load for a run that throws none
    const name = (err as Error | undefined)?.name;
    if (name === "IctsError" || name === "UsageError") {
      // messages quote inputs (file names, ids, a parser's excerpt): each line cut and escaped, as every issue is
      const { capped } = await import("./output.js");
      process.stderr.write(`ictsguard: ${String((err as Error).message).split("\n").map(capped).join("\n")}\n`);
      if (debug) process.stderr.write(`${(err as Error).stack}\n`);
      process.exitCode = EXIT_ERROR;
      return;
    }
    process.stderr.write(unexpectedErrorMessage(err, debug));
    process.exitCode = EXIT_ERROR;
  }
}
