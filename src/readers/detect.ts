/**
 * @module
 * Picks the reader for an input: every reader scores the probe; the top score wins if it
 * reaches the threshold. `--input-format` bypasses this.
 */
import { READERS } from "./registry.js";
import type { Probe, Reader } from "./types.js";

export const DETECT_THRESHOLD = 0.5;

export function detectReader(probe: Probe, readers: readonly Reader[] = READERS): Reader | undefined {
  let best: Reader | undefined;
  let bestScore = 0;
  for (const reader of readers) {
    const score = reader.detect(probe);
    if (score > bestScore) {
      best = reader;
      bestScore = score;
    }
  }
  return bestScore >= DETECT_THRESHOLD ? best : undefined;
}
