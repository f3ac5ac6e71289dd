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
 * The mapping of one component or service (vendor order, path, identifiers) is shared with the
 * XML reader in `../_cyclonedx.ts`.
 */
import { isObject, streamJson } from "../_json.js";
import { describeValue } from "../../text/describe-value.js";
import { text, watchJsonFailures } from "../_sbom.js";
import { componentObservation, metadataVendors, NAMELESS_COMPONENT, serviceObservations } from "../_cyclonedx.js";
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
    const paths = ["$.bomFormat", "$.serialNumber", "$.metadata", "$.components.*", "$.services.*"];
    let bomFormat: string | undefined;
    // The document's identity keys findings without a host (src/scan/finding-id.ts); CycloneDX
    // writers put it before the components, and components read before it go without.
    let document: string | undefined;
    let emitted = 0;
    // the scan's emit, when given, takes each observation at once: a yield costs an asynchronous
    // step per component through this generator and the scan's loop
    const emit = ctx.emit;
    for await (const hit of streamJson(input, ctx, paths, WHAT)) {
      const at = (pointer: string): SourceRef => ({ file: input.path, record: hit.record, pointer, ...(document ? { document } : {}) });
      let observations: Iterable<Observation>;
      if (hit.pointer === "/bomFormat") {
        bomFormat = text(hit.value);
        continue;
      } else if (hit.pointer === "/serialNumber") {
        document = text(hit.value);
        continue;
      } else if (hit.pointer === "/metadata") {
        if (!isObject(hit.value) || hit.value.component === undefined) continue;
        observations = walkComponents(hit.value.component, "/metadata/component", at, ctx, metadataVendors(hit.value));
      } else if (hit.pointer.startsWith("/components/")) {
        observations = walkComponents(hit.value, hit.pointer, at, ctx);
      } else {
        observations = walkServices(hit.value, hit.pointer, at, ctx);
      }
      for (const o of observations) {
        emitted++;
        if (emit) emit(o);
        else yield o;
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
    else ctx.report({ code: "cyclonedx/component", message: NAMELESS_COMPONENT, source: at(pointer) });
    if (Array.isArray(value.components)) {
      for (let i = value.components.length - 1; i >= 0; i--) stack.push({ value: value.components[i], pointer: `${pointer}/components/${i}` });
    }
  }
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
    yield* serviceObservations(value, at(pointer), (i) => at(`${pointer}/endpoints/${i}`), ctx);
    if (Array.isArray(value.services)) {
      for (let i = value.services.length - 1; i >= 0; i--) stack.push({ value: value.services[i], pointer: `${pointer}/services/${i}` });
    }
  }
}
