/**
 * @module
 * How long a name screening reads. Real names are short (the longest in the OFAC SDN list is
 * 165 characters); a "name" of hundreds of kilobytes is a wrong column or a broken export, and
 * must neither stall the screening nor pass unnoticed. Names are cut at MAX_NAME_LENGTH
 * characters: the normalizer cuts every name it is given (queries, list entries, allow-list
 * entries), and the counterparty readers report each cut name with its file and line.
 */
import type { Issue } from "../model/issue.js";
import type { SourceRef } from "../model/observation.js";

export const MAX_NAME_LENGTH = 1000;

/** The name cut at MAX_NAME_LENGTH characters (never inside a surrogate pair), or the name itself. */
export function capName(name: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  const cut = name.slice(0, MAX_NAME_LENGTH);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The name to screen, cut when too long, with a located warning added to `issues` when it was. */
export function capNameReported(name: string, issues: Issue[], source: SourceRef): string {
  const capped = capName(name);
  if (capped !== name) {
    issues.push({
      code: "screen/name-too-long",
      severity: "warning",
      message: `the name is ${name.length.toLocaleString("en-US")} characters long; only its first ${MAX_NAME_LENGTH.toLocaleString("en-US")} were screened (is this the right column?)`,
      source,
    });
  }
  return capped;
}
