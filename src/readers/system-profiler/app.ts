/**
 * @module
 * One `SPApplicationsDataType` entry (JSON object or plist dict, the keys are the same) as an
 * observation (docs formats.md §5a): `_name`, `path`, `version`, and who signed it. The leaf of
 * `signed_by` is the signer; a `Developer ID Application: Vendor (TEAMID)` leaf names the vendor
 * (the matcher also reads the Team ID out of it). Apps Apple ships (`obtained_from: apple`) are
 * Apple's; Mac App Store apps are signed by Apple's store certificate, which names no vendor.
 */
import { clean, observe } from "../_observe.js";
import type { Observation, SourceRef } from "../../model/observation.js";
import { APPLE_APP_CERTIFICATES, appleCertificate } from "../../text/apple-certificate.js";

export type AppEntry = Record<string, unknown>;

export function isEntry(v: unknown): v is AppEntry {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The observation of one entry; undefined when it names no application (no `_name` or `path`). */
export function appObservation(entry: AppEntry, source: SourceRef): Observation | undefined {
  const path = clean(entry.path);
  const name = clean(entry._name) ?? path?.split("/").pop()?.replace(/\.app$/i, "");
  const signedBy = Array.isArray(entry.signed_by) ? entry.signed_by.map(clean).filter((s): s is string => s !== undefined) : [];
  const leaf = signedBy[0];
  const developer = leaf ? appleCertificate(leaf, APPLE_APP_CERTIFICATES) : undefined;
  const vendor = developer?.name ?? (clean(entry.obtained_from) === "apple" ? "Apple" : undefined);
  return observe({
    kind: "software",
    name,
    vendor,
    version: clean(entry.version),
    path,
    ids: { signer: leaf },
    source,
  });
}
