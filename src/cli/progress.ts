/**
 * @module
 * The progress bar for long scans: on stderr, only when stderr is a terminal and not `--quiet`,
 * so pipes and CI logs stay clean.
 */
import cliProgress from "cli-progress";
import type { ScanProgress } from "../scan/index.js";

export type ProgressReporter = { update(p: ScanProgress): void; stop(): void };

const SILENT: ProgressReporter = { update() {}, stop() {} };

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!enabled || !stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "scanning [{bar}] {percentage}% | {done}/{size} | {observations} observations | {file}",
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
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

function mib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function shorten(path: string): string {
  return path.length > 40 ? "…" + path.slice(-39) : path;
}
