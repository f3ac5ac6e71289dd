/**
 * @module
 * Remediation texts are shared by many findings, so the report lists each once (`remediations`)
 * and findings refer to it by an id made from the text (and the removal guides) itself: the same
 * advice has the same id in every report of the same catalog.
 */
import { createHash } from "node:crypto";
import type { RemovalView } from "../model/finding.js";

export function remediationId(text: string, removal?: RemovalView): string {
  const hash = createHash("sha256").update(text);
  if (removal) hash.update(`\u0000${JSON.stringify(removal)}`);
  return `rem-${hash.digest("hex").slice(0, 12)}`;
}
