/**
 * @module
 * Reader `sbom/spdx-json`: SPDX 2.2 / 2.3 JSON documents. SPDX 3.0 JSON-LD is a different model
 * (an `@graph` of elements linked by id) and is left to its own reader: detection scores it 0.
 *
 * Emits one observation per `packages[*]` entry. `files`, `snippets` and `relationships` are not
 * picked at all (they dominate large documents and name no vendor), so memory follows the
 * largest package. Vendor is the `supplier` (who distributes it), else the `originator` (who
 * made it), as actor strings (`Organization: AO Kaspersky Lab (email)`) reduced to the name;
 * NOASSERTION / NONE are treated as absent everywhere.
 */
import { isObject, streamJson } from "../_json.js";
import { describeValue } from "../../text/describe-value.js";
import { text, watchJsonFailures } from "../_sbom.js";
import { spdx2PackageObservation } from "../_spdx.js";
import { defineReader } from "../types.js";
import type { SourceRef } from "../../model/observation.js";

const WHAT = "an SPDX 2.2/2.3 JSON document";

export const spdxJsonReader = defineReader({
  name: "sbom/spdx-json",
  version: 1,
  description: "SPDX 2.2/2.3 JSON SBOM: packages with supplier/originator, purl and CPE references",

  detect(probe) {
    const head = probe.text.trimStart();
    if (!head.startsWith("{")) return 0;
    // SPDX 3 JSON-LD also says "spdx" everywhere; never claim it.
    if (/"@context"\s*:/.test(head) && /spdx\.org\/rdf\/3/.test(head)) return 0;
    if (/"spdxVersion"\s*:\s*"SPDX-2\./.test(head)) return 0.95;
    // spdxVersion is normally first, but nothing requires it: the document's own id is a weaker sign.
    if (/"SPDXID"\s*:\s*"SPDXRef-DOCUMENT"/.test(head)) return 0.6;
    return 0;
  },

  async *read(input, outerCtx) {
    const { ctx, failed } = watchJsonFailures(outerCtx);
    let spdxVersion: string | undefined;
    // The document namespace keys findings without a host (src/scan/finding-id.ts); writers put
    // it before the packages, and packages read before it go without.
    let document: string | undefined;
    let emitted = 0;
    for await (const hit of streamJson(input, ctx, ["$.spdxVersion", "$.documentNamespace", "$.packages.*"], WHAT)) {
      if (hit.pointer === "/spdxVersion") {
        spdxVersion = text(hit.value);
        continue;
      }
      if (hit.pointer === "/documentNamespace") {
        document = text(hit.value);
        continue;
      }
      const source: SourceRef = { file: input.path, record: hit.record, pointer: hit.pointer, ...(document ? { document } : {}) };
      if (!isObject(hit.value)) {
        ctx.report({ code: "spdx/package", message: `expected a package object, got ${describeValue(hit.value)}; skipped`, source });
        continue;
      }
      const o = spdx2PackageObservation(hit.value, source);
      if (o === undefined) {
        ctx.report({ code: "spdx/package", message: 'package has no "name" (expected a non-empty string); skipped', source });
        continue;
      }
      emitted++;
      yield o;
    }
    // A document that parsed but is not SPDX 2 (e.g. --input-format forced on SPDX 3 or on a
    // CycloneDX file) would otherwise look like a clean, empty SBOM.
    if (!failed() && !spdxVersion?.startsWith("SPDX-2.")) {
      const found = spdxVersion === undefined ? 'no "spdxVersion"' : `"spdxVersion": "${spdxVersion}"`;
      ctx.report({
        code: "spdx/format",
        severity: emitted > 0 ? "warning" : "error",
        message: `${found}, expected "SPDX-2.2" or "SPDX-2.3" in ${WHAT} (SPDX 3.0 JSON-LD is read by sbom/spdx3-jsonld); ${emitted} observation(s) read`,
        source: { file: input.path },
      });
    }
  },
});
