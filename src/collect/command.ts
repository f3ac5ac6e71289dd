/**
 * @module
 * A command's output as a reader input: the collectors hand it to the same readers that read
 * exported files (`rpm -qa` output to the rpm reader, `reg export` files to the .reg reader),
 * streamed. The label is what reports name as the source: `host:command rpm -qa`.
 */
import type { ReadInput } from "../readers/types.js";
import { peekInput } from "./fs.js";
import { describeExit, notInstalled, type CommandExit, type RunOptions } from "./runner.js";

export type { CommandExit };
import { hostRef, type CollectContext } from "./types.js";

export type CommandOutput = {
  /** The output as an input labelled `host:command <label>`; undefined when the command printed nothing. */
  input: ReadInput | undefined;
  /**
   * How the command ended. If its output was not read to the end (a reader gave up on bad
   * output, the scan was stopped), the command is stopped first, so it neither blocks on a full
   * pipe nor outlives the scan; `stopped` then says so.
   */
  exit(): Promise<CommandExit & { stopped?: boolean }>;
};

export async function commandOutput(
  ctx: CollectContext,
  command: string,
  args: readonly string[],
  label: string,
  options: RunOptions = {},
): Promise<CommandOutput> {
  const running = ctx.runner.run(command, args, { ...(ctx.signal ? { signal: ctx.signal } : {}), ...options });
  const { input, empty } = await peekInput(running.stdout, commandRef(label));
  const exit = async (): Promise<CommandExit & { stopped?: boolean }> => {
    if (running.stdout.readableEnded) return running.done;
    running.stop();
    return { ...(await running.done), stopped: true };
  };
  if (empty) {
    input.stream.destroy();
    return { input: undefined, exit };
  }
  return { input, exit };
}

export type CommandSpec = {
  command: string;
  args: readonly string[];
  /** Names the command in reports: `host:command <label>`. */
  label: string;
  /** The source's skip reason when the command is not installed; none: the caller decides. */
  missing?: string;
  timeoutMs?: number;
};

/**
 * Runs a command and yields what `read` makes of its output, one item at a time; a command not
 * installed skips the source (`missing`), a failing one is a warning; a consumer that stops early
 * stops the command. Returns how the command ended (`ran`: it ran and succeeded).
 */
export async function* readCommand<T>(
  ctx: CollectContext,
  spec: CommandSpec,
  read: (input: ReadInput) => AsyncIterable<T>,
): AsyncGenerator<T, CommandExit & { stopped?: boolean; ran: boolean }> {
  const out = await commandOutput(ctx, spec.command, spec.args, spec.label, spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs });
  let exit: (CommandExit & { stopped?: boolean }) | undefined;
  try {
    if (out.input) yield* read(out.input);
  } finally {
    exit = await out.exit();
  }
  const ran = await finishCommand(ctx, exit, spec.label, spec.missing);
  return { ...exit, ran };
}

/** `host:command <label>`. */
export function commandRef(label: string): string {
  return hostRef(`command ${label}`);
}

/**
 * Reads a command's end after its output: true when it ran. Not installed → the source is
 * skipped with `missing`; another failure is a warning naming the command.
 */
export async function finishCommand(ctx: CollectContext, exit: CommandExit & { stopped?: boolean }, label: string, missing?: string): Promise<boolean> {
  if (exit.stopped) return false; // we stopped it: whatever made us stop was reported
  if (notInstalled(exit)) {
    if (missing !== undefined) ctx.skip(missing);
    return false;
  }
  if (exit.error || exit.code !== 0) {
    ctx.report({
      code: "host/command-failed",
      severity: "warning",
      message: `${label} failed (${describeExit(exit)}); what it printed before was kept`,
      source: { file: commandRef(label) },
    });
    return false;
  }
  return true;
}
