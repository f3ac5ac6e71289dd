/**
 * @module
 * Running the platform's own commands (`reg export`, PowerShell, `system_profiler`, `rpm`)
 * behind one small interface, so that the collectors stream a command's output into the
 * readers the same way whether it comes from a real process or, in tests, from a recorded
 * output. A command that is not installed ends with an `ENOENT` error: the source then reports
 * itself as skipped.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PassThrough, type Readable } from "node:stream";

export type CommandExit = {
  /** Exit code; null when the command was killed or never started. */
  code: number | null;
  /** The start of its standard error, for messages. */
  stderr: string;
  /** Why it could not run: `ENOENT` = not installed; a timeout is `ETIMEDOUT`. */
  error?: NodeJS.ErrnoException;
};

export type RunningCommand = {
  /** Standard output, streamed. Read it to the end (or stop the command) before awaiting `done`. */
  stdout: Readable;
  done: Promise<CommandExit>;
  /** Ends the command early (its output is not wanted any more). */
  stop(): void;
};

export type RunOptions = {
  /** Kill the command after this long (default 5 minutes: `system_profiler` is slow). */
  timeoutMs?: number;
  signal?: AbortSignal;
};

export interface CommandRunner {
  run(command: string, args: readonly string[], options?: RunOptions): RunningCommand;
}

/** Standard error kept for messages. */
const STDERR_KEPT = 16 * 1024;
export const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;

/** The real runner: `child_process.spawn` without a shell (arguments are never re-parsed). */
export function createSpawnRunner(): CommandRunner {
  return {
    run(command, args, options = {}) {
      const stdout = new PassThrough();
      let stop = (): void => {};
      const done = new Promise<CommandExit>((resolve) => {
        let stderr = "";
        let error: NodeJS.ErrnoException | undefined;
        let child;
        try {
          child = spawn(command, [...args], {
            stdio: ["ignore", "pipe", "pipe"],
            windowsHide: true,
            ...(options.signal ? { signal: options.signal } : {}),
          });
        } catch (err) {
          stdout.end();
          resolve({ code: null, stderr: "", error: err as NodeJS.ErrnoException });
          return;
        }
        // our own timer: spawn's `timeout` option leaves its timer running when the command is
        // not installed, which keeps the process alive for the whole timeout
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill();
        }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        timer.unref();
        stop = () => {
          child.kill();
          stdout.resume(); // nothing reads it any more: let it drain so the command is not blocked
        };
        child.stdout.pipe(stdout);
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (s: string) => {
          if (stderr.length < STDERR_KEPT) stderr += s.slice(0, STDERR_KEPT - stderr.length);
        });
        child.on("error", (err: NodeJS.ErrnoException) => {
          // a PATH folder this user may not search makes a missing command EACCES, not ENOENT
          if (err.code === "EACCES" && child.pid === undefined && !findOnPath(command)) err.code = "ENOENT";
          error ??= err;
        });
        // 'close' follows the end of the output, and also a failed spawn (after 'error')
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          if (!stdout.writableEnded) stdout.end();
          if (signal && !error) {
            error = Object.assign(new Error(timedOut ? `${command} took too long and was stopped` : `${command} was stopped (${signal})`), {
              code: timedOut ? "ETIMEDOUT" : signal,
            });
          }
          // a command that never started has no exit code (Node reports the errno)
          const exitCode = child.pid === undefined ? null : code;
          resolve(error ? { code: exitCode, stderr, error } : { code: exitCode, stderr });
        });
      });
      return { stdout, done, stop: () => stop() };
    },
  };
}

/** Whether a bare command name is an executable file in a folder of PATH (with PATHEXT on Windows). */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (/[\\/]/.test(command)) return undefined;
  const exts = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT;.COM").split(";")] : [""];
  for (const dir of (env.PATH ?? env.Path ?? "").split(delimiter)) {
    for (const ext of exts) {
      const candidate = join(dir || ".", command + ext);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here, or this folder may not be searched
      }
    }
  }
  return undefined;
}

/** Whether a command's end means it is not installed here. */
export function notInstalled(exit: CommandExit): boolean {
  return exit.error?.code === "ENOENT";
}

/** A one-line description of how a command ended, for warnings: `exit code 1: ERROR: ...`. */
export function describeExit(exit: CommandExit): string {
  const why = exit.error ? exit.error.message : `exit code ${exit.code ?? "none"}`;
  const said = exit.stderr.trim().split(/\r?\n/).filter(Boolean).slice(0, 2).join(" ");
  return said ? `${why}: ${said}` : why;
}
