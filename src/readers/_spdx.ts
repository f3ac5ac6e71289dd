/**
 * @module
 * SPDX package mapping shared by the SPDX readers (2.x JSON, 2.x tag-value, 3.0 JSON-LD).
 *
 * SPDX 2 packages arrive in the JSON shape (`{name, versionInfo, supplier, originator,
 * externalRefs: [{referenceType, referenceLocator}], checksums: [...]}`); the tag-value reader
 * builds that shape from its tags, so both give the same observations. SPDX 3 has other field
 * names and resolves agents by id; it fills `SpdxPackageFields` itself (its vendor, supplier
 * first, as `supplier`). In SPDX 2 the vendor is the originator when it is an organization (who
 * made it: Kaspersky's engine supplied by the integrator that ships it is Kaspersky's software),
 * else the supplier (who distributes it), else the originator (a person); NOASSERTION / NONE
 * count as absent.
 */
import { field, kindFromPurl, observation, spdxActorName, spdxText } from "./_sbom.js";
import type { Observation, SourceRef } from "../model/observation.js";

/** Package purposes that are equipment (SPDX 2.3 `DEVICE`, `FIRMWARE`; SPDX 3 `device`, `firmware`). */
const DEVICE_PURPOSES: ReadonlySet<string> = new Set(["DEVICE", "FIRMWARE"]);

/** A package as every SPDX version can say it; any field may be missing. */
export type SpdxPackageFields = {
  name: string | undefined;
  version?: string | undefined;
  /** Supplier and originator as names (actor prefixes and e-mail already removed). */
  supplier?: string | undefined;
  originator?: string | undefined;
  /** The originator is an `Organization:` (not a `Person:`): it then names the vendor before the supplier. */
  originatorIsOrganization?: boolean | undefined;
  fileName?: string | undefined;
  /** `primaryPackagePurpose` (2.3) / `software_primaryPurpose` (3.0), any case. */
  purpose?: string | undefined;
  purl?: string | undefined;
  cpe?: string | undefined;
  swid?: string | undefined;
  sha256?: string | undefined;
};

/** The observation of one package; undefined when it has no usable name. */
export function spdxPackageObservation(p: SpdxPackageFields, source: SourceRef): Observation | undefined {
  const name = spdxText(p.name);
  if (name === undefined) return undefined;
  return observation({
    kind: p.purpose?.toUpperCase() === "FILE" ? "file" : DEVICE_PURPOSES.has(p.purpose?.toUpperCase() ?? "") ? "device" : kindFromPurl(p.purl),
    name,
    vendor: (p.originatorIsOrganization ? spdxText(p.originator) : undefined) ?? spdxText(p.supplier) ?? spdxText(p.originator),
    version: spdxText(p.version),
    path: spdxText(p.fileName),
    ids: { purl: p.purl, cpe: p.cpe, swidTagId: p.swid, sha256: p.sha256?.toLowerCase() },
    source,
  });
}

/** One SPDX 2 package in the JSON shape; undefined when it has no name. */
export function spdx2PackageObservation(p: Record<string, unknown>, source: SourceRef): Observation | undefined {
  const refs = externalRefs(p.externalRefs);
  return spdxPackageObservation(
    {
      name: spdxText(p.name),
      version: spdxText(p.versionInfo),
      supplier: spdxActorName(p.supplier),
      originator: spdxActorName(p.originator),
      originatorIsOrganization: typeof p.originator === "string" && /^\s*organization\s*:/i.test(p.originator),
      fileName: spdxText(p.packageFileName),
      purpose: field(p, "primaryPackagePurpose"),
      purl: refs.purl,
      cpe: refs.cpe23 ?? refs.cpe22,
      swid: refs.swid,
      sha256: sha256Of(p.checksums),
    },
    source,
  );
}

/**
 * The first purl, CPE 2.3, CPE 2.2 and SWID reference. Only `referenceType` is looked at: it
 * alone says what the locator is, so both category spellings (PACKAGE-MANAGER of SPDX 2.3,
 * PACKAGE_MANAGER of 2.2 and some tools) and miscategorised references are read alike.
 */
function externalRefs(refs: unknown): { purl?: string; cpe23?: string; cpe22?: string; swid?: string } {
  const out: { purl?: string; cpe23?: string; cpe22?: string; swid?: string } = {};
  for (const r of Array.isArray(refs) ? refs : []) {
    const locator = field(r, "referenceLocator");
    if (locator === undefined) continue;
    switch (field(r, "referenceType")?.toLowerCase()) {
      case "purl":
        out.purl ??= locator;
        break;
      case "cpe23type":
        out.cpe23 ??= locator;
        break;
      case "cpe22type":
        out.cpe22 ??= locator;
        break;
      case "swid":
        // SPDX 2.3 writes the tag id as a `swid:` URI.
        out.swid ??= locator.replace(/^swid:/i, "");
        break;
    }
  }
  return out;
}

function sha256Of(checksums: unknown): string | undefined {
  if (!Array.isArray(checksums)) return undefined;
  const c = checksums.find((x) => field(x, "algorithm")?.toUpperCase().replace("-", "") === "SHA256");
  return field(c, "checksumValue")?.toLowerCase();
}
