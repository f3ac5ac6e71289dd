/**
 * @module
 * Precision, recall and F1 of pair scores over thresholds: a pair is predicted a match when its
 * score is at or above the threshold; true pairs so predicted are true positives, hard negatives
 * so predicted false positives.
 */
export type Scored = { label: boolean; score: number; treatment: string };
export type CurvePoint = { threshold: number; tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };

export const THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => Math.round((0.5 + i * 0.05) * 100) / 100);

export function curve(scores: readonly Scored[], thresholds: readonly number[] = THRESHOLDS): CurvePoint[] {
  return thresholds.map((threshold) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const s of scores) {
      const hit = s.score >= threshold;
      if (s.label && hit) tp++;
      else if (s.label) fn++;
      else if (hit) fp++;
    }
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { threshold, tp, fp, fn, precision, recall, f1 };
  });
}

export function best(points: readonly CurvePoint[]): CurvePoint {
  return points.reduce((a, b) => (b.f1 > a.f1 ? b : a));
}

/** Recall of true pairs per treatment, and the share of hard negatives flagged, at a threshold. */
export function byTreatment(scores: readonly Scored[], threshold: number): Map<string, { n: number; hit: number }> {
  const out = new Map<string, { n: number; hit: number }>();
  for (const s of scores) {
    const t = out.get(s.treatment) ?? { n: 0, hit: 0 };
    t.n++;
    if (s.score >= threshold) t.hit++;
    out.set(s.treatment, t);
  }
  return out;
}
