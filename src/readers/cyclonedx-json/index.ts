/**
 * @module
 * Reader `sbom/cyclonedx-json`: CycloneDX JSON SBOMs, spec 1.2 to 1.7 (unknown fields ignored).
 *
 * Emits one observation per component (`metadata.component` and `components[*]`, nested
 * `components` included, in document order) and per service (`services[*]`, nested `services`
 * included), plus one `domain` observation per distinct endpoint host of each service. Each
 * top-level component or service is streamed whole and walked here, so memory follows the
 * largest top-level component, not the document.
 *
 * Vendor is the first of: `supplier.name`, `manufacturer.name`, then for `metadata.component`
 * only `metadata.supplier.name` and the deprecated `metadata.manufacture.name` (both describe
 * that component), then `publisher`, `author`, `authors[].name`, and last `group`. Organisations
 * come before free-text people fields; `group` comes last because it is a namespace (Maven
 * groupId, npm scope) that only sometimes names the vendor. The name is the bare `name`, never `group/name`, so
 * it matches product names as vendors publish them.
 */
import { isObject, streamJson } from "../_json.js";
import { describeValue, endpointHost, field, firstText, kindFromPurl, observation, text, watchJsonFailures } from "../_sbom.js";
import { defineReader } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";
import type { ReadContext } from "../types.js";

const WHAT = "a CycloneDX JSON document";

export const cyclonedxJsonReader = defineReader({
  name: "sbom/cyclonedx-json",
  version: 1,
  description: "CycloneDX JSON SBOM 1.2-1.7: components (nested too), metadata.component, services and their endpoints",

  detect(probe) {
    const head = probe.text.trimStart();
    if (!head.startsWith("{")) return 0;
    if (/"bomFormat"\s*:\s*"CycloneDX"/.test(head)) return 0.95;
    // bomFormat is required but may sit after a large metadata block; the $schema URL is a
    // weaker sign (the JSON Schema file itself names it in "$id", not "$schema").
    if (/"\$schema"\s*:\s*"https?:\/\/cyclonedx\.org\/schema\/bom-1\./.test(head)) return 0.6;
    return 0;
  },

  async *read(input, outerCtx) {
    const { ctx, failed } = watchJsonFailures(outerCtx);
    const paths = ["$.bomFormat", "$.metadata", "$.components.*", "$.services.*"];
    let bomFormat: string | undefined;
    let emitted = 0;
    for await (const hit of streamJson(input, ctx, paths, WHAT)) {
      const at = (pointer: string): SourceRef => ({ file: input.path, record: hit.record, pointer });
      let observations: Iterable<Observation>;
      if (hit.pointer === "/bomFormat") {
        bomFormat = text(hit.value);
        continue;
      } else if (hit.pointer === "/metadata") {
        if (!isObject(hit.value) || hit.value.component === undefined) continue;
        const metadataVendor = [field(hit.value.supplier, "name"), field(hit.value.manufacture, "name")];
        observations = walkComponents(hit.value.component, "/metadata/component", at, ctx, metadataVendor);
      } else if (hit.pointer.startsWith("/components/")) {
        observations = walkComponents(hit.value, hit.pointer, at, ctx);
      } else {
        observations = walkServices(hit.value, hit.pointer, at, ctx);
      }
      for (const o of observations) {
        emitted++;
        yield o;
      }
    }
    // A document that parsed but is not CycloneDX (e.g. --input-format forced on an SPDX file)
    // would otherwise look like a clean, empty SBOM.
    if (!failed() && bomFormat !== "CycloneDX") {
      const found = bomFormat === undefined ? 'no "bomFormat"' : `"bomFormat": "${bomFormat}"`;
      ctx.report({
        code: "cyclonedx/format",
        severity: emitted > 0 ? "warning" : "error",
        message: `${found}, expected "bomFormat": "CycloneDX" in ${WHAT}; ${emitted} observation(s) read`,
        source: { file: input.path },
      });
    }
  },
});

type Locate = (pointer: string) => SourceRef;

/** A component and all its nested `components`, in document order (pre-order). */
function* walkComponents(root: unknown, rootPointer: string, at: Locate, ctx: ReadContext, inheritedVendor: unknown[] = []): Iterable<Observation> {
  // An explicit stack instead of recursion: nesting depth comes from the input.
  const stack = [{ value: root, pointer: rootPointer }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (!isObject(value)) {
      ctx.report({ code: "cyclonedx/component", message: `expected a component object, got ${describeValue(value)}; skipped`, source: at(pointer) });
      continue;
    }
    const o = componentObservation(value, at(pointer), pointer === rootPointer ? inheritedVendor : []);
    if (o) yield o;
    else ctx.report({ code: "cyclonedx/component", message: 'component has no "name" (expected a non-empty string); skipped, its nested components are still read', source: at(pointer) });
    if (Array.isArray(value.components)) {
      for (let i = value.components.length - 1; i >= 0; i--) stack.push({ value: value.components[i], pointer: `${pointer}/components/${i}` });
    }
  }
}

function componentObservation(c: Record<string, unknown>, source: SourceRef, inheritedVendor: unknown[]): Observation | undefined {
  const name = text(c.name);
  if (name === undefined) return undefined;
  const purl = text(c.purl);
  const authors = Array.isArray(c.authors) ? c.authors.map((a) => field(a, "name")) : [];
  return observation({
    kind: text(c.type) === "file" ? "file" : kindFromPurl(purl),
    name,
    vendor: firstText(field(c.supplier, "name"), field(c.manufacturer, "name"), ...inheritedVendor, c.publisher, c.author, ...authors, c.group),
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

/** A service, its endpoint hosts as `domain` observations, then its nested `services`. */
function* walkServices(root: unknown, rootPointer: string, at: Locate, ctx: ReadContext): Iterable<Observation> {
  const stack = [{ value: root, pointer: rootPointer }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (!isObject(value)) {
      ctx.report({ code: "cyclonedx/service", message: `expected a service object, got ${describeValue(value)}; skipped`, source: at(pointer) });
      continue;
    }
    const name = text(value.name);
    const vendor = firstText(field(value.provider, "name"), value.group);
    if (name !== undefined) {
      yield observation({ kind: "component", name, vendor, version: text(value.version), source: at(pointer) });
    } else {
      ctx.report({ code: "cyclonedx/service", message: 'service has no "name" (expected a non-empty string); skipped, its endpoints and nested services are still read', source: at(pointer) });
    }
    // One domain per host: "https://example.com/" and "https://example.com/app" are one host.
    const endpoints = Array.isArray(value.endpoints) ? value.endpoints : [];
    const seen = new Set<string>();
    for (const [i, endpoint] of endpoints.entries()) {
      const url = typeof endpoint === "string" ? text(endpoint) : undefined;
      const host = url === undefined ? undefined : endpointHost(url);
      if (host === undefined) {
        const got = url === undefined ? describeValue(endpoint) : JSON.stringify(url);
        ctx.report({ code: "cyclonedx/endpoint", severity: "warning", message: `expected an endpoint URL, got ${got}; skipped`, source: at(`${pointer}/endpoints/${i}`) });
      } else if (!seen.has(host)) {
        seen.add(host);
        yield observation({ kind: "domain", name: host, vendor, source: at(`${pointer}/endpoints/${i}`) });
      }
    }
    if (Array.isArray(value.services)) {
      for (let i = value.services.length - 1; i >= 0; i--) stack.push({ value: value.services[i], pointer: `${pointer}/services/${i}` });
    }
  }
}
