/**
 * @module
 * Progress bars for long work (a scan, a batch check, screening a file, importing a list): on
 * stderr, only when stderr is a terminal and not `--quiet`, so pipes and CI logs stay clean.
 */
import cliProgress from "cli-progress";
import type { ScanProgress } from "../scan/index.js";
import { cleanForTerminal } from "../report/text.js";

export type ProgressReporter = { update(p: ScanProgress): void; stop(): void };
/** Bytes read of a known (or unknown) total, and a count of what was done ("1,024 rows decided"). */
export type CountProgress = { update(bytesRead: number, count: number): void; stop(): void };

const SILENT = { update() {}, stop() {} };

function createBar(stream: NodeJS.WriteStream, format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ stream, format, hideCursor: true, clearOnComplete: true, fps: 10 }, cliProgress.Presets.shades_classic);
}

/** The scan's bar: bytes of all inputs, observations so far, the file being read. */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!enabled || !stream.isTTY) return SILENT;
  const bar = createBar(stream, "scanning [{bar}] {percentage}% | {done}/{size} | {observations} observations | {file}");
  let started = false;
  return {
    update(p) {
      const total = Math.max(p.totalBytes, p.bytesRead, 1);
      const payload = { done: mib(p.bytesRead), size: mib(total), observations: p.observations, file: shorten(p.file) };
      if (!started) {
        bar.start(total, p.bytesRead, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.bytesRead, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * A bar over one input of `totalBytes` (no percentage when it is unknown, as on stdin) that
 * counts `unit`: `createCountProgress(true, "checking", "rows decided", size)`.
 */
export function createCountProgress(
  enabled: boolean,
  label: string,
  unit: string,
  totalBytes: number | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): CountProgress {
  if (!enabled || !stream.isTTY) return SILENT;
  const bar = createBar(stream, totalBytes ? `${label} [{bar}] {percentage}% | {count} ${unit}` : `${label} | {count} ${unit}`);
  let started = false;
  return {
    update(bytesRead, count) {
      const total = Math.max(totalBytes ?? 0, bytesRead, 1);
      if (!started) {
        bar.start(total, bytesRead, { count });
        started = true;
      } else bar.update(Math.min(bytesRead, total), { count });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function mib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The file being read, for the bar: an input's name is untrusted text (a file can be named with
 * an escape sequence that sets the window title or with U+202E), so it is escaped as every
 * terminal text is, then cut from the left (code points, so no half emoji), keeping its end.
 */
function shorten(path: string): string {
  const chars = Array.from(cleanForTerminal(path));
  return chars.length > 40 ? "…" + chars.slice(-39).join("") : chars.join("");
}
