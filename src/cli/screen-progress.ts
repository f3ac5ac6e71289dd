/**
 * @module
 * The progress bar of `ictsguard screen FILE` and `ictsguard lists import`, in the way of the
 * scan's (src/cli/progress.ts): on stderr, only when stderr is a terminal and not `--quiet`.
 */
import cliProgress from "cli-progress";

export type CountProgress = { update(bytesRead: number, count: number): void; stop(): void };

const SILENT: CountProgress = { update() {}, stop() {} };

export function createCountProgress(enabled: boolean, label: string, unit: string, totalBytes: number | undefined, stream: NodeJS.WriteStream = process.stderr): CountProgress {
  if (!enabled || !stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} [{bar}] {percentage}% | {count} ${unit}`, hideCursor: true, clearOnComplete: true, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
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
