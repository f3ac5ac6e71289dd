/**
 * @module
 * Reader `sbom/spdx3-jsonld`: SPDX 3.0 JSON-LD documents (`"@context":
 * "https://spdx.org/rdf/3.0.x/spdx-context.jsonld"`, elements in `@graph`). Read as plain JSON
 * with the context's fixed names, never through a JSON-LD processor (no remote context is
 * fetched). The SPDX 2 JSON reader scores these documents 0, so the two never compete.
 *
 * Emits one observation per `software_Package`: `name`, `software_packageVersion`,
 * `software_packageUrl` (else an `externalIdentifier` of type packageUrl/purl), CPE 2.3 / 2.2 and
 * SWID from `externalIdentifier`, the SHA-256 of `verifiedUsing`, `software_primaryPurpose`
 * (`file` makes a file). The vendor is the name of the first `originatedBy` agent that is an
 * Organization (who made it), else of the agent `suppliedBy` points to, else of the first
 * `originatedBy` agent, as for SPDX 2 packages (`../_spdx.ts`).
 *
 * Streaming: `@graph` elements are picked one at a time. Agents (Organization, Person,
 * SoftwareAgent, Agent) are remembered by id as a name only. A package whose agent has not been
 * seen yet (JSON-LD does not order elements) waits, as a small record, until that agent arrives
 * or the document ends; then it is emitted with what is known. So memory follows the number of
 * agents and of packages waiting for one, both bounded (DEFAULT_LIMITS): past the bound
 * the oldest waiting package is emitted without its vendor, with one warning.
 */
import { isObject, streamJson } from "../_json.js";
import { describeValue } from "../../text/describe-value.js";
import { field, spdxText, text, watchJsonFailures } from "../_sbom.js";
import { spdxPackageObservation, type SpdxPackageFields } from "../_spdx.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";

const WHAT = "an SPDX 3.0 JSON-LD document";
const CONTEXT = /spdx\.org\/rdf\/3\.\d+(?:\.\d+)?\//;
const AGENT_TYPES = new Set(["Agent", "Organization", "Person", "SoftwareAgent"]);

/** How much the reader remembers while streaming (see the module comment). */
export type Spdx3Limits = { maxAgents: number; maxWaiting: number };
export const DEFAULT_LIMITS: Spdx3Limits = { maxAgents: 200_000, maxWaiting: 100_000 };

/** The reader with other memory bounds (tests use small ones). */
export function createSpdx3JsonLdReader(limits: Spdx3Limits = DEFAULT_LIMITS) {
  return defineReader({
    name: "sbom/spdx3-jsonld",
    version: 1,
    description: "SPDX 3.0 JSON-LD SBOM: software_Package elements, suppliedBy/originatedBy agents, purl and CPE identifiers",
    detect,
    read: (input: ReadInput, ctx: ReadContext) => read(input, ctx, limits),
  });
}

export const spdx3JsonLdReader = createSpdx3JsonLdReader();

function detect(probe: Probe): number {
  const head = probe.text.trimStart();
  if (!head.startsWith("{")) return 0;
  if (/"@context"\s*:\s*(?:\[[^\]]*)?"https?:\/\/spdx\.org\/rdf\/3\.\d/.test(head)) return 0.95;
  // @context normally comes first; elements with SPDX 3 type names are a weaker sign
  if (/"@graph"\s*:/.test(head) && /"type"\s*:\s*"(?:software_Package|ai_AIPackage|dataset_DatasetPackage|SpdxDocument|software_Sbom|CreationInfo)"/.test(head)) return 0.6;
  return 0;
}

type Fields = SpdxPackageFields;

/** Software packages, and the AI and dataset profiles' packages, which are software packages too (their classes extend software_Package). */
const PACKAGE_TYPES = new Set(["software_Package", "ai_AIPackage", "dataset_DatasetPackage"]);
/** A package waiting for agents: what it says, and the agent ids it names (supplier first). */
type Waiting = { fields: Fields; source: SourceRef; supplier?: string | undefined; originators: string[]; missing: Set<string> };

async function* read(input: ReadInput, outerCtx: ReadContext, { maxAgents, maxWaiting }: Spdx3Limits): AsyncIterable<Observation> {
  const { ctx, failed } = watchJsonFailures(outerCtx);
  const agents = new Map<string, string>();
  /** Agents that are organizations: an organization that made a package names its vendor before its supplier. */
  const organizations = new Set<string>();
  // packages waiting for an agent, in document order; and who waits for which agent id
  const waiting = new Set<Waiting>();
  const waitingFor = new Map<string, Set<Waiting>>();
  let context: string | undefined;
  let sawGraph = false;
  let emitted = 0;
  let warnedAgents = false;
  let warnedWaiting = false;

  const finish = (w: Waiting): Observation | undefined => {
    waiting.delete(w);
    for (const id of w.missing) {
      const set = waitingFor.get(id);
      set?.delete(w);
      if (set?.size === 0) waitingFor.delete(id);
    }
    // who made it (an organization) before who supplies it: Kaspersky's engine shipped by an integrator is Kaspersky's software
    const maker = w.originators.filter((id) => organizations.has(id)).map((id) => agents.get(id)).find((n) => n !== undefined);
    const vendor = maker ?? (w.supplier !== undefined ? agents.get(w.supplier) : undefined) ?? w.originators.map((id) => agents.get(id)).find((n) => n !== undefined);
    const o = spdxPackageObservation({ ...w.fields, supplier: vendor }, w.source);
    if (o) emitted++;
    return o;
  };

  for await (const hit of streamJson(input, ctx, ["$.@context", "$.@graph.*"], WHAT)) {
    ctx.signal?.throwIfAborted();
    if (hit.pointer === "/@context") {
      context = contextUrl(hit.value);
      continue;
    }
    sawGraph = true;
    const source: SourceRef = { file: input.path, ...(hit.record ? { record: hit.record } : {}), pointer: hit.pointer };
    const el = hit.value;
    if (!isObject(el)) {
      ctx.report({ code: "spdx3/element", message: `expected an element object in @graph, got ${describeValue(el)}; skipped`, source });
      continue;
    }
    const type = typeName(el.type ?? el["@type"]);
    if (type !== undefined && AGENT_TYPES.has(type)) {
      const id = text(el.spdxId) ?? text(el["@id"]);
      const name = text(el.name);
      if (id === undefined || name === undefined) continue;
      if (agents.size >= maxAgents && !agents.has(id)) {
        if (!warnedAgents) {
          warnedAgents = true;
          ctx.report({ code: "spdx3/agents", severity: "warning", message: `more than ${maxAgents} agents: later ones are not remembered, so packages naming them get no vendor`, source });
        }
        continue;
      }
      agents.set(id, name);
      if (type === "Organization") organizations.add(id);
      for (const w of [...(waitingFor.get(id) ?? [])]) {
        w.missing.delete(id);
        waitingFor.get(id)?.delete(w);
        if (w.missing.size === 0) {
          const o = finish(w);
          if (o) yield o;
        }
      }
      waitingFor.delete(id);
      continue;
    }
    if (!PACKAGE_TYPES.has(type ?? "")) continue; // files, relationships, licences, the document itself ...

    const fields = packageFields(el);
    if (spdxText(fields.name) === undefined) {
      ctx.report({ code: "spdx/package", message: `${type} has no "name" (expected a non-empty string other than NOASSERTION or NONE); skipped`, source });
      continue;
    }
    const supplier = agentRef(el.suppliedBy, agents, maxAgents, organizations);
    const originators = (Array.isArray(el.originatedBy) ? el.originatedBy : el.originatedBy === undefined ? [] : [el.originatedBy])
      .map((a) => agentRef(a, agents, maxAgents, organizations))
      .filter((id): id is string => id !== undefined);
    const w: Waiting = { fields, source, supplier, originators, missing: new Set() };
    for (const id of [supplier, ...originators]) {
      if (id === undefined || agents.has(id)) continue;
      w.missing.add(id);
      const set = waitingFor.get(id) ?? new Set<Waiting>();
      set.add(w);
      waitingFor.set(id, set);
    }
    waiting.add(w);
    if (w.missing.size === 0) {
      const o = finish(w);
      if (o) yield o;
    } else if (waiting.size > maxWaiting) {
      if (!warnedWaiting) {
        warnedWaiting = true;
        ctx.report({
          code: "spdx3/agents",
          severity: "warning",
          message: `more than ${maxWaiting} packages name agents not seen yet; the oldest are read now, without the vendor those agents would give`,
          source,
        });
      }
      const oldest = waiting.values().next().value as Waiting;
      const o = finish(oldest);
      if (o) yield o;
    }
  }

  // The document has ended: agents not seen by now are not in it (or were imported from elsewhere).
  for (const w of [...waiting]) {
    const o = finish(w);
    if (o) yield o;
  }
  if (failed()) return;
  if (context === undefined || !CONTEXT.test(context) || !sawGraph) {
    const found = context === undefined ? 'no "@context"' : !CONTEXT.test(context) ? `"@context": ${JSON.stringify(context)}` : 'no "@graph"';
    ctx.report({
      code: "spdx3/format",
      severity: emitted > 0 ? "warning" : "error",
      message: `${found}, expected "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld" and an "@graph" array in ${WHAT} (SPDX 2 JSON is read by sbom/spdx-json); ${emitted} observation(s) read`,
      source: { file: input.path },
    });
  }
}

/** The context URL (`@context` may be a string or an array holding one). */
function contextUrl(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === "string" && CONTEXT.test(v)) ?? value.find((v): v is string => typeof v === "string");
  return undefined;
}

/**
 * The compact type name: `software_Package` as the context spells it, also from a full IRI
 * (`https://spdx.org/rdf/3.0.1/terms/Software/Package` → `software_Package`,
 * `…/terms/Core/Organization` → `Organization`) or an `spdx:` prefix.
 */
function typeName(value: unknown): string | undefined {
  const t = text(Array.isArray(value) ? value[0] : value);
  if (t === undefined) return undefined;
  const iri = /\/terms\/([A-Za-z]+)\/([A-Za-z]+)$/.exec(t);
  if (iri) return iri[1] === "Core" ? iri[2] : `${iri[1]!.toLowerCase()}_${iri[2]}`;
  return t.replace(/^spdx:/, "");
}

/** An agent reference: an id string, or an embedded agent (remembered here, by id or name, and whether it is an organization). */
function agentRef(value: unknown, agents: Map<string, string>, maxAgents: number, organizations: Set<string>): string | undefined {
  if (typeof value === "string") return text(value);
  if (!isObject(value)) return undefined;
  const name = text(value.name);
  const id = text(value.spdxId) ?? text(value["@id"]) ?? (name === undefined ? undefined : `inline:${name}`);
  if (id !== undefined && name !== undefined && agents.size < maxAgents) {
    agents.set(id, name);
    if (typeName(value.type ?? value["@type"]) === "Organization") organizations.add(id);
  }
  return id;
}

function packageFields(el: Record<string, unknown>): Fields {
  const ids = externalIdentifiers(el.externalIdentifier);
  return {
    name: text(el.name),
    version: text(el.software_packageVersion),
    purpose: text(el.software_primaryPurpose),
    purl: text(el.software_packageUrl) ?? ids.purl,
    cpe: ids.cpe23 ?? ids.cpe22,
    swid: ids.swid,
    sha256: sha256Of(el.verifiedUsing),
  };
}

/** First identifier of each kind; SPDX 3.0 spells the purl type `packageUrl`. */
function externalIdentifiers(list: unknown): { purl?: string; cpe23?: string; cpe22?: string; swid?: string } {
  const out: { purl?: string; cpe23?: string; cpe22?: string; swid?: string } = {};
  for (const x of Array.isArray(list) ? list : []) {
    const id = field(x, "identifier");
    if (id === undefined) continue;
    switch (field(x, "externalIdentifierType")?.toLowerCase()) {
      case "packageurl":
      case "purl":
        out.purl ??= id;
        break;
      case "cpe23":
        out.cpe23 ??= id;
        break;
      case "cpe22":
        out.cpe22 ??= id;
        break;
      case "swid":
        out.swid ??= id.replace(/^swid:/i, "");
        break;
    }
  }
  return out;
}

function sha256Of(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const h = list.find((x) => field(x, "algorithm")?.toLowerCase().replace("-", "") === "sha256");
  return field(h, "hashValue")?.toLowerCase();
}
