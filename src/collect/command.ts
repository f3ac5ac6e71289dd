/**
 * @module
 * A command's output as a reader input: the collectors hand it to the same readers that read
 * exported files (`rpm -qa` output to the rpm reader, `reg export` files to the .reg reader),
 * streamed. The label is what reports name as the source: `host:command rpm -qa`.
 */
import type { ReadInput } from "../readers/types.js";
import { peekInput } from "./fs.js";
import { describeExit, notInstalled, type CommandExit, type RunOptions } from "./runner.js";
import { hostRef, type CollectContext } from "./types.js";

export type CommandOutput = {
  /** The output as an input labelled `host:command <label>`; undefined when the command printed nothing. */
  input: ReadInput | undefined;
  done: Promise<CommandExit>;
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
  if (empty) {
    input.stream.destroy();
    return { input: undefined, done: running.done };
  }
  return { input, done: running.done };
}

/** `host:command <label>`. */
export function commandRef(label: string): string {
  return hostRef(`command ${label}`);
}

/**
 * Reads a command's end after its output: true when it ran. Not installed → the source is
 * skipped with `missing`; another failure is a warning naming the command.
 */
export async function finishCommand(ctx: CollectContext, done: Promise<CommandExit>, label: string, missing: string): Promise<boolean> {
  const exit = await done;
  if (notInstalled(exit)) {
    ctx.skip(missing);
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
