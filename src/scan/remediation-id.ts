/**
 * @module
 * Remediation texts are shared by many findings, so the report lists each once (`remediations`)
 * and findings refer to it by an id made from the text itself: the same advice has the same id
 * in every report of the same catalog.
 */
import { createHash } from "node:crypto";

export function remediationId(text: string): string {
  return `rem-${createHash("sha256").update(text).digest("hex").slice(0, 12)}`;
}
