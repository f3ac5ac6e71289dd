/**
 * @module
 * A CommandRunner that replays recorded outputs of the platform's commands (PowerShell,
 * `reg.exe`, `system_profiler` ...), for collector tests on a machine that has none of them. It
 * behaves as the commands do: a command with no recording is not installed (`ENOENT`); `reg
 * export KEY FILE` writes its recorded .reg file to FILE; output is streamed in small chunks so
 * readers see chunk boundaries as with a real pipe. Every call is kept for assertions.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import type { CommandExit, CommandRunner, RunningCommand } from "../collect/runner.js";

export type Recording = {
  command: string;
  /** Which calls this answers: exact arguments, or a test of them (default: any call of the command). */
  args?: readonly string[] | ((args: readonly string[]) => boolean);
  /** Recorded standard output: its text, or `{ file }` to stream a fixture file. */
  stdout?: string | { file: string };
  stderr?: string;
  code?: number;
  /** The command writes this fixture file to the path in argument `arg` (`reg export KEY FILE /y` → arg 2). */
  writes?: { arg: number; file: string };
};

export type RecordedCall = { command: string; args: readonly string[]; stopped: boolean };
export type RecordedRunner = CommandRunner & { calls: RecordedCall[] };

/** Bytes per chunk of replayed output. */
const CHUNK = 1000;

export function createRecordedRunner(recordings: readonly Recording[]): RecordedRunner {
  const calls: RecordedCall[] = [];
  return {
    calls,
    run(command, args): RunningCommand {
      const call: RecordedCall = { command, args, stopped: false };
      calls.push(call);
      const known = recordings.filter((r) => r.command === command);
      if (known.length === 0) {
        const error = Object.assign(new Error(`spawn ${command} ENOENT`), { code: "ENOENT", errno: -2, syscall: `spawn ${command}` });
        return { stdout: Readable.from([]), done: Promise.resolve<CommandExit>({ code: null, stderr: "", error }), stop() {} };
      }
      const r = known.find((k) =>
        k.args === undefined ? true : typeof k.args === "function" ? k.args(args) : k.args.length === args.length && k.args.every((a, i) => a === args[i]),
      );
      if (!r) throw new Error(`no recording of ${command} ${args.join(" ")}`);
      if (r.writes) copyFileSync(r.writes.file, args[r.writes.arg]!);
      const bytes = r.stdout === undefined ? Buffer.alloc(0) : typeof r.stdout === "string" ? Buffer.from(r.stdout, "utf8") : readFileSync(r.stdout.file);
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
      const stdout = Readable.from(chunks, { objectMode: false });
      const done = new Promise<CommandExit>((resolve) => {
        // like a process: it ends after its output was read
        const end = () => resolve({ code: r.code ?? 0, stderr: r.stderr ?? "" });
        stdout.once("end", end);
        stdout.once("close", end);
      });
      const stop = (): void => {
        call.stopped = true;
        stdout.destroy();
      };
      return { stdout, done, stop };
    },
  };
}
