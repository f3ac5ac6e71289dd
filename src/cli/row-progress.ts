/**
 * @module
 * The progress bar of a batch check: rows decided and bytes read, on stderr, only when stderr
 * is a terminal and not `--quiet`, so pipes and CI logs stay clean.
 */
import cliProgress from "cli-progress";

export type RowProgress = { update(rows: number, bytesRead: number): void; stop(): void };

const SILENT: RowProgress = { update() {}, stop() {} };

export function createRowProgress(enabled: boolean, totalBytes: number | undefined, stream: NodeJS.WriteStream = process.stderr): RowProgress {
  if (!enabled || !stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: totalBytes ? "checking [{bar}] {percentage}% | {rows} rows decided" : "checking | {rows} rows decided",
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(rows, bytesRead) {
      if ((rows & 0xff) !== 1 && started) return; // every 256 rows is plenty
      const total = Math.max(totalBytes ?? 1, bytesRead, 1);
      if (!started) {
        bar.start(total, bytesRead, { rows });
        started = true;
      } else bar.update(bytesRead, { rows });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
