/**
 * @module
 * Helpers shared by tests: paths into the repository (tests run from dist/, fixtures stay in
 * src/), and running a reader over a real file the way the scan core does.
 */
import { createReadStream, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PACKAGE_ROOT } from "../util/package-root.js";
import { decodeHead, sniffEncoding } from "../readers/_text.js";
import type { Observation } from "../model/observation.js";
import type { Probe, Reader, ReportableIssue } from "../readers/types.js";

export const REPO_ROOT: string = PACKAGE_ROOT;

/** Absolute path of a file given relative to the repository root. */
export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}

/** A probe of in-memory UTF-8 text, for detection tests. */
export function textProbe(text: string, path = "x"): Probe {
  return { path, head: new TextEncoder().encode(text), text, encoding: "utf-8" };
}

export function probeFile(path: string): Probe {
  const head = readFileSync(path).subarray(0, 64 * 1024);
  const encoding = sniffEncoding(head);
  return { path, head, encoding, text: decodeHead(head, encoding) };
}

/** Runs one reader over a file; returns what it yielded and what it reported. */
export async function readAll(
  reader: Reader,
  path: string,
): Promise<{ observations: Observation[]; issues: ReportableIssue[] }> {
  const probe = probeFile(path);
  const observations: Observation[] = [];
  const issues: ReportableIssue[] = [];
  const input = { path, stream: createReadStream(path), encoding: probe.encoding };
  for await (const o of reader.read(input, { report: (i) => issues.push(i) })) observations.push(o);
  return { observations, issues };
}
