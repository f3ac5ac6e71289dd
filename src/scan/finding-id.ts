/**
 * @module
 * Finding ids: the same restricted product on the same host is the same finding, whatever file,
 * format, line, process id or time it was seen in. The fleet server keys first-seen, last-seen
 * and remediation on this id, so the recipe is part of the report's contract
 * (docs/report-format.md):
 *
 *     hostKey = lower-case trimmed host name             (an inventory row, an osquery host, a DNS client)
 *             | "doc:" + the document's own identity      (an SBOM's serialNumber or SPDX namespace, when no host)
 *             | "-"                                       (neither: one fixed value meaning "no host")
 *     id      = first 16 hex digits of SHA-256("ictsguard-finding/2" NUL hostKey NUL productId)
 *
 * Nothing else goes in: not the path, line, record, pid, time, evidence or observed name.
 */
import { hash } from "node:crypto";
import type { Observation } from "../model/observation.js";

/** The host key of an observation with no host and no document identity. */
export const NO_HOST = "-";

/** The key that stands for "where" in a finding's id. */
export function hostKeyOf(o: Pick<Observation, "host" | "source">): string {
  const host = o.host?.trim().toLowerCase();
  if (host) return host;
  const doc = o.source.document?.trim();
  return doc ? `doc:${doc}` : NO_HOST;
}

export function findingId(hostKey: string, productId: string): string {
  // the one-shot hash: a third of createHash's time, which a scan of many hosts paid per finding
  return hash("sha256", `ictsguard-finding/2\u0000${hostKey}\u0000${productId}`, "hex").slice(0, 16);
}
