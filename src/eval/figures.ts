/**
 * @module
 * The recorded detection figures (`eval/detection/figures.json`) that the quality gate holds the
 * matcher to: F1 overall, per kind and per vendor, with precision and recall beside them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { packagePath } from "../util/package-root.js";
import type { DetectionReport, Scores } from "./evaluate.js";

export const FIGURES_PATH = packagePath("eval/detection/figures.json");

type Figure = { rows: number; precision: number; recall: number; f1: number };
export type RecordedFigures = { rows: number; overall: Figure; byKind: Record<string, Figure>; byVendor: Record<string, Figure> };

const round = (x: number) => Math.floor(x * 10000) / 10000; // rounded down, so the figure itself passes
const figure = (s: Scores): Figure => ({ rows: s.rows, precision: round(s.precision), recall: round(s.recall), f1: round(s.f1) });

export function figuresOf(r: DetectionReport): RecordedFigures {
  const map = (m: Record<string, Scores>) => Object.fromEntries(Object.entries(m).map(([k, s]) => [k, figure(s)]));
  return { rows: r.rows, overall: figure(r.ictsguard.overall), byKind: map(r.ictsguard.byKind), byVendor: map(r.ictsguard.byVendor) };
}

export function recordFigures(r: DetectionReport, path: string = FIGURES_PATH): void {
  writeFileSync(path, JSON.stringify(figuresOf(r), null, 2) + "\n");
}

export function readFigures(path: string = FIGURES_PATH): RecordedFigures {
  return JSON.parse(readFileSync(path, "utf8")) as RecordedFigures;
}
