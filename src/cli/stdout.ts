/**
 * @module
 * Standard output, watched for the whole run. main() starts watching before any command is
 * defined, so every write is covered: the presenters (through `openOutput`), a command's own
 * `process.stdout.write` (catalog, formats, lists, server ...), and commander's help and version.
 *
 * - The reader went away (EPIPE: `| head`, `| true`): not an error of ours. The rest of the output
 *   is dropped, and the run ends quietly with the exit code it earned.
 * - Any other failure (ENOSPC on a full disk or /dev/full, EIO): the output is incomplete, so the run
 *   exits 2 and says why on stderr ("cannot write standard output: ENOSPC ..."), once, unless a
 *   command already reported it (`told`).
 *
 * A write to a pipe or a file fails asynchronously, as an 'error' event after `write()` returned,
 * so the event is the one place to catch it; without a listener it would be an uncaught exception
 * reported as a bug. No imports beyond the exit codes: main() loads this for every run.
 */
import { EXIT_ERROR } from "./exit-codes.js";

export type StdoutState = {
  /** The reader of standard output went away (EPIPE). */
  closed: boolean;
  /** The first write failure that is not EPIPE. */
  failure: Error | undefined;
  /** The failure was reported already (a command threw it as a usage error). */
  told: boolean;
};

export const stdoutState: StdoutState = { closed: false, failure: undefined, told: false };
let watching = false;

/** What a write failure of standard output is, for people: `cannot write standard output: ENOSPC: no space left on device, write`. */
export function stdoutFailureMessage(err: Error): string {
  return `cannot write standard output: ${String(err.message).split("\n")[0]}`;
}

/** Starts watching standard output (once; later calls do nothing). */
export function watchStdout(): StdoutState {
  if (watching) return stdoutState;
  watching = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") stdoutState.closed = true;
    else stdoutState.failure ??= err;
  });
  // at exit, so that a command that set its own code afterwards (0, 1) does not hide the failure
  process.on("exit", () => {
    const failure = stdoutState.failure;
    if (!failure) return;
    if (!stdoutState.told) process.stderr.write(`ictsguard: ${stdoutFailureMessage(failure)}\n`);
    process.exitCode = EXIT_ERROR;
  });
  return stdoutState;
}
