/**
 * @module
 * CycloneDX mapping shared by the JSON and XML readers: one component or one service, given in
 * the JSON shape (`{name, supplier: {name}, authors: [{name}], hashes: [{alg, content}], ...}`),
 * becomes observations. The XML reader builds that shape from elements, so both serialisations
 * give the same observations, vendors and identifiers for the same BOM.
 *
 * Vendor is the first of: `manufacturer.name` (1.6: who made it), `supplier.name` (who supplied
 * it: an integrator or reseller of Kaspersky's engine supplies Kaspersky's software), then for
 * `metadata.component` only what the metadata says of it (`metadata.manufacturer` (1.6), the
 * deprecated `metadata.manufacture`, `metadata.supplier`), then `publisher`, `author`,
 * `authors[].name`, and last `group`. Organisations come before free-text people fields; `group` comes last because it is
 * a namespace (Maven groupId, npm scope) that only sometimes names the vendor. The name is the
 * bare `name`, never `group/name`, so it matches product names as vendors publish them.
 */
import { isObject } from "./_json.js";
import { describeValue } from "../text/describe-value.js";
import { endpointHost, field, firstText, kindFromPurl, observation, text } from "./_sbom.js";
import type { Observation, SourceRef } from "../model/observation.js";
import type { ReadContext } from "./types.js";

export const NAMELESS_COMPONENT = 'component has no "name" (expected a non-empty string); skipped, its nested components are still read';
export const NAMELESS_SERVICE = 'service has no "name" (expected a non-empty string); skipped, its endpoints and nested services are still read';

/** Component types that are equipment: judged by the category of their maker's covered equipment. */
const DEVICE_TYPES: ReadonlySet<string> = new Set(["device", "hardware", "firmware"]);

/** The vendor candidates `metadata` gives for `metadata.component`, most telling first. */
export function metadataVendors(metadata: Record<string, unknown>): unknown[] {
  return [field(metadata.manufacturer, "name"), field(metadata.manufacture, "name"), field(metadata.supplier, "name")];
}

/** One component (its nested `components` are not looked at); undefined when it has no name. */
export function componentObservation(c: Record<string, unknown>, source: SourceRef, inheritedVendor: unknown[] = []): Observation | undefined {
  const name = text(c.name);
  if (name === undefined) return undefined;
  const purl = text(c.purl);
  const authors = Array.isArray(c.authors) ? c.authors.map((a) => field(a, "name")) : [];
  return observation({
    kind: text(c.type) === "file" ? "file" : DEVICE_TYPES.has(text(c.type) ?? "") ? "device" : kindFromPurl(purl),
    name,
    // the maker before the supplier: Kaspersky's engine supplied by the integrator that ships it is Kaspersky's software
    vendor: firstText(field(c.manufacturer, "name"), field(c.supplier, "name"), ...inheritedVendor, c.publisher, c.author, ...authors, c.group),
    version: text(c.version),
    path: componentPath(c),
    ids: { purl, cpe: text(c.cpe), swidTagId: field(c.swid, "tagId"), sha256: sha256Of(c.hashes) },
    source,
  });
}

/** Where the component was found: CycloneDX 1.5+ evidence, else syft's location property. */
function componentPath(c: Record<string, unknown>): string | undefined {
  const evidence = isObject(c.evidence) ? c.evidence : {};
  const occurrences = Array.isArray(evidence.occurrences) ? evidence.occurrences : [];
  const fromEvidence = firstText(...occurrences.map((o) => field(o, "location")));
  if (fromEvidence !== undefined) return fromEvidence;
  const properties = Array.isArray(c.properties) ? c.properties : [];
  const syft = properties.find((p) => field(p, "name") === "syft:location:0:path");
  return field(syft, "value");
}

function sha256Of(hashes: unknown): string | undefined {
  if (!Array.isArray(hashes)) return undefined;
  const h = hashes.find((x) => field(x, "alg")?.toUpperCase() === "SHA-256");
  return field(h, "content")?.toLowerCase();
}

/**
 * One service (its nested `services` are not looked at): the service itself, then one `domain`
 * per distinct endpoint host. `endpointPointer(i)` locates endpoint i in this serialisation.
 */
export function* serviceObservations(
  s: Record<string, unknown>,
  source: SourceRef,
  endpointSource: (i: number) => SourceRef,
  ctx: ReadContext,
): Iterable<Observation> {
  const name = text(s.name);
  const vendor = firstText(field(s.provider, "name"), s.group);
  if (name !== undefined) {
    yield observation({ kind: "component", name, vendor, version: text(s.version), source });
  } else {
    ctx.report({ code: "cyclonedx/service", message: NAMELESS_SERVICE, source });
  }
  // One domain per host: "https://example.com/" and "https://example.com/app" are one host.
  const endpoints = Array.isArray(s.endpoints) ? s.endpoints : [];
  const seen = new Set<string>();
  for (const [i, endpoint] of endpoints.entries()) {
    const url = typeof endpoint === "string" ? text(endpoint) : undefined;
    const host = url === undefined ? undefined : endpointHost(url);
    if (host === undefined) {
      const got = url !== undefined ? JSON.stringify(url) : typeof endpoint === "string" ? "an empty string" : describeValue(endpoint);
      ctx.report({ code: "cyclonedx/endpoint", severity: "warning", message: `expected an endpoint URL, got ${got}; skipped`, source: endpointSource(i) });
    } else if (!seen.has(host)) {
      seen.add(host);
      yield observation({ kind: "domain", name: host, vendor, source: endpointSource(i) });
    }
  }
}
