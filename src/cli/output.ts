/**
 * @module
 * Where a command writes: standard output, or `--output-file` (its folder made when missing).
 * `ictsguard scan ... | head` is normal use: when the reader goes away (EPIPE), writing stops
 * quietly and the command ends with the exit code its run earned, never a stack trace; any other
 * failure to write (a full disk) is a usage error that says so, exit 2 (./stdout.ts). Every
 * line written to stderr about the input goes through `printIssue`, which escapes what the
 * input put in it.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Issue } from "../model/issue.js";
import { formatSource } from "../model/errors.js";
import { cleanForTerminal } from "../report/text.js";
import { UsageError } from "../scan/index.js";
import { fileSink } from "../io/file-sink.js";
import { stdoutFailureMessage, watchStdout } from "./stdout.js";

export type Output = {
  stream: NodeJS.WritableStream;
  toFile: boolean;
  /** True once the reader of standard output has gone away. */
  readonly closed: boolean;
  /**
   * Runs the writing; a write that failed because the reader went away ends it quietly
   * (resolves `false`); any other failure is thrown as a UsageError naming the output and the
   * first error it had (`cannot write standard output: ENOSPC ...`).
   */
  write(fn: (out: NodeJS.WritableStream) => Promise<void>): Promise<boolean>;
  /** Flushes and closes a file (standard output stays open); rejects with the first error the file had. */
  end(): Promise<void>;
};

export function openOutput(file: string | undefined): Output {
  let closed = false;
  let failure: Error | undefined;
  let stream: NodeJS.WritableStream;
  const stdout = file === undefined ? watchStdout() : undefined;
  if (file !== undefined) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create the folder for --output-file ${file}: ${(err as Error).message}`);
    }
    // written synchronously: a chunk at a time through the thread pool cost a large report 30 ms and more (io/file-sink.ts)
    const f = fileSink(file);
    f.on("error", (err) => (failure ??= err));
    stream = f;
  } else {
    // `| head`: the reader stopped early; that is not an error of ours (watched for the whole run by ./stdout.ts)
    stream = process.stdout;
  }
  const fileError = (err: Error): UsageError => new UsageError(`cannot write --output-file ${file}: ${err.message}`);
  const stdoutError = (err: Error): UsageError => {
    stdout!.told = true; // thrown to main(), which prints it: not again at exit
    return new UsageError(stdoutFailureMessage(err));
  };
  return {
    stream,
    toFile: file !== undefined,
    get closed() {
      return closed || (stdout?.closed ?? false);
    },
    async write(fn) {
      try {
        await fn(stream);
        return true;
      } catch (err) {
        if (closed || stdout?.closed || (err as NodeJS.ErrnoException).code === "EPIPE") {
          closed = true;
          return false;
        }
        if (file !== undefined) throw fileError(failure ?? (err as Error));
        // standard output failed (its 'error' event comes before the failed write's callback is seen here): the first error, as it is
        if (stdout!.failure) throw stdoutError(stdout!.failure);
        throw err;
      }
    },
    end() {
      if (file === undefined) return Promise.resolve();
      return new Promise<void>((resolve, reject) =>
        stream.end((err?: Error | null) => {
          // the first failure: after a failed write, end() only says the stream was destroyed
          const e = failure ?? err;
          if (e) reject(fileError(e));
          else resolve();
        }),
      );
    },
  };
}

/** The most characters of one issue's message (and of its location) printed to stderr. */
export const MAX_ISSUE_CHARS = 1000;

/**
 * One issue as a line for people on stderr: `ictsguard: error: file:line: message`, escaped
 * (terminal escapes dropped, controls and bidi characters made visible) and cut to
 * MAX_ISSUE_CHARS, so no input can write megabytes, or act on the terminal, through an error.
 */
export function printIssue(issue: Issue, prefix = "ictsguard: "): void {
  process.stderr.write(`${prefix}${issue.severity}: ${capped(formatSource(issue.source))}: ${capped(issue.message)}\n`);
}

/** Cut (before escaping, so the cost is bounded too), then escaped; says how much was left out. */
export function capped(text: string): string {
  if (text.length <= MAX_ISSUE_CHARS) return cleanForTerminal(text);
  return `${cleanForTerminal(text.slice(0, MAX_ISSUE_CHARS))}... (${text.length - MAX_ISSUE_CHARS} more characters)`;
}
