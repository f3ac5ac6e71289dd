/**
 * @module
 * Reader `sbom/cyclonedx-xml`: CycloneDX XML BOMs (`<bom xmlns="http://cyclonedx.org/schema/bom/1.N">`,
 * the namespace carrying the version; 1.2 to 1.7, unknown elements and foreign namespaces ignored).
 *
 * Emits the same observations as the JSON reader for the same BOM (the mapping is shared in
 * `../_cyclonedx.ts`): one per component (`metadata/component` and `components/component`,
 * nested `components` included) and per service (nested `services` included), plus one `domain`
 * per distinct endpoint host.
 *
 * Streaming: only the fields the mapping needs are collected (name, group, version, supplier,
 * manufacturer, publisher, author(s), purl, cpe, swid tagId, SHA-256 hash, syft's location
 * property, evidence occurrences); licence texts, pedigree, signatures and the like are never
 * kept. A component is emitted when its end tag is read, because the schema puts `evidence`
 * after the nested `components`; so nested components come before their parent, and memory
 * follows the nesting depth, not the number of components. `metadata/component` waits for the
 * end of `metadata`, whose `supplier` follows it in the schema. Where a file ends early or is
 * malformed, the components still open that have a name are emitted with what was read.
 *
 * Locations are the line of the element's start tag and an XPath-like pointer with 1-based
 * positions, e.g. `/bom/components/component[3]/components/component[1]`.
 */
import { attribute, streamXml, type XmlControl, type XmlHandlers, type XmlTag } from "../_xml.js";
import { componentObservation, metadataVendors, NAMELESS_COMPONENT, serviceObservations } from "../_cyclonedx.js";
import { text } from "../_sbom.js";
import { defineReader, type ReadContext } from "../types.js";
import type { Observation, SourceRef } from "../../model/observation.js";

const WHAT = "a CycloneDX XML document";
const NAMESPACE = /^http:\/\/cyclonedx\.org\/schema\/bom\/(1\.\d+)$/;
/** The root start tag of a CycloneDX XML BOM (any prefix), for detection. */
const ROOT = /<(?:[A-Za-z_][\w.-]*:)?bom\b[^>]*?\sxmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*["']http:\/\/cyclonedx\.org\/schema\/bom\/1\.\d+["']/;

export const cyclonedxXmlReader = defineReader({
  name: "sbom/cyclonedx-xml",
  version: 1,
  description: "CycloneDX XML SBOM 1.2-1.7: components (nested too), metadata component, services and their endpoints",

  detect(probe) {
    const head = probe.text.trimStart();
    if (!head.startsWith("<")) return 0;
    return ROOT.test(head) ? 0.95 : 0;
  },

  read(input, ctx) {
    return streamXml<Observation>(input, ctx, WHAT, (control) => new BomHandlers(input.path, ctx, control));
  },
});

type Json = Record<string, unknown>;

/** A component or service being read: its fields so far, in the JSON shape. */
type Owner = {
  type: "component" | "service";
  /** Length of the element path when this element was opened. */
  depth: number;
  record: Json;
  source: SourceRef & { pointer: string };
  /** Nested components or services seen so far (for their pointers). */
  children: number;
  /** Line of each endpoint of a service. */
  endpointLines: number[];
  metadata: boolean;
};

/** A field element whose text is being collected. */
type Capture = { owner: Owner | undefined; rel: string; depth: number; tag: XmlTag; line: number; text: string };

/** Element paths below a component whose text the mapping uses. */
const COMPONENT_TEXT = new Set([
  "name", "group", "version", "publisher", "author", "purl", "cpe",
  "supplier/name", "manufacturer/name", "authors/author/name",
  "hashes/hash", "properties/property", "evidence/occurrences/occurrence/location",
]);
const SERVICE_TEXT = new Set(["name", "group", "version", "provider/name", "endpoints/endpoint"]);
const METADATA_TEXT = new Set(["bom/metadata/supplier/name", "bom/metadata/manufacturer/name", "bom/metadata/manufacture/name"]);

class BomHandlers implements XmlHandlers {
  /** Local names of the open CycloneDX elements, from the root. */
  private path: string[] = [];
  /** Depth inside an element of another namespace (skipped whole). */
  private foreign = 0;
  private namespace: string | undefined;
  /** The bom's `serialNumber`. */
  private document: string | undefined;
  private owners: Owner[] = [];
  private capture: Capture | undefined;
  private topComponents = 0;
  private topServices = 0;
  private metadata: Json = {};
  private metadataComponent: Owner | undefined;

  constructor(
    private readonly file: string,
    private readonly ctx: ReadContext,
    private readonly control: XmlControl<Observation>,
  ) {}

  open(tag: XmlTag, line: number): void {
    if (this.foreign > 0) {
      this.foreign++;
      return;
    }
    if (this.namespace === undefined) return this.openRoot(tag);
    if (tag.uri !== this.namespace) {
      this.foreign = 1; // e.g. the extension elements of valid-external-elements-1.6
      return;
    }
    this.path.push(tag.local);
    const owner = this.owners[this.owners.length - 1];
    const rel = this.path.slice(owner ? owner.depth : 0).join("/");
    if (!owner) {
      if (rel === "bom/components/component") this.startOwner("component", tag, line, `/bom/components/component[${++this.topComponents}]`, false);
      else if (rel === "bom/services/service") this.startOwner("service", tag, line, `/bom/services/service[${++this.topServices}]`, false);
      else if (rel === "bom/metadata/component") this.startOwner("component", tag, line, "/bom/metadata/component", true);
      else if (METADATA_TEXT.has(rel)) this.startCapture(undefined, rel, tag, line);
      return;
    }
    if (owner.type === "component") {
      if (rel === "components/component") this.startOwner("component", tag, line, `${owner.source.pointer}/components/component[${++owner.children}]`, false);
      else if (rel === "swid") setIfAbsent(owner.record, "swid", { tagId: attribute(tag, "tagId") });
      else if (COMPONENT_TEXT.has(rel)) this.startCapture(owner, rel, tag, line);
    } else if (rel === "services/service") {
      this.startOwner("service", tag, line, `${owner.source.pointer}/services/service[${++owner.children}]`, false);
    } else if (SERVICE_TEXT.has(rel)) {
      this.startCapture(owner, rel, tag, line);
    }
  }

  text(text: string): void {
    if (this.capture && this.foreign === 0 && this.path.length === this.capture.depth) this.capture.text += text;
  }

  close(tag: XmlTag): void {
    if (this.foreign > 0) {
      this.foreign--;
      return;
    }
    if (this.capture && this.path.length === this.capture.depth) {
      this.store(this.capture);
      this.capture = undefined;
    }
    const owner = this.owners[this.owners.length - 1];
    if (owner && this.path.length === owner.depth) {
      this.owners.pop();
      if (owner.metadata) this.metadataComponent = owner;
      else this.finish(owner);
    }
    if (this.path.length === 2 && this.path[1] === "metadata" && tag.local === "metadata") this.finishMetadata();
    this.path.pop();
  }

  end(failed: boolean): void {
    if (!failed) return;
    // The file ended (or broke) inside these: what was read of them is still worth matching.
    for (let i = this.owners.length - 1; i >= 0; i--) {
      const owner = this.owners[i]!;
      if (owner.metadata) this.metadataComponent = owner;
      else if (text(owner.record.name) !== undefined) this.finish(owner);
    }
    this.owners = [];
    if (text(this.metadataComponent?.record.name) !== undefined) this.finishMetadata();
  }

  private openRoot(tag: XmlTag): void {
    const version = NAMESPACE.exec(tag.uri)?.[1];
    if (tag.local !== "bom" || version === undefined) {
      const ns = tag.uri === "" ? "no namespace" : `namespace "${tag.uri}"`;
      this.ctx.report({
        code: "cyclonedx/format",
        message: `the root element is <${tag.name}> in ${ns}, expected <bom xmlns="http://cyclonedx.org/schema/bom/1.N"> in ${WHAT}; nothing was read`,
        source: { file: this.file, line: 1 },
      });
      this.control.stop();
    }
    this.namespace = tag.uri;
    // the document's identity keys findings without a host (src/scan/finding-id.ts)
    this.document = attribute(tag, "serialNumber")?.trim() || undefined;
    this.path.push("bom");
  }

  private startOwner(type: Owner["type"], tag: XmlTag, line: number, pointer: string, metadata: boolean): void {
    const record: Json = {};
    const kind = attribute(tag, "type");
    if (type === "component" && kind !== undefined) record.type = kind;
    const source = { file: this.file, line, pointer, ...(this.document ? { document: this.document } : {}) };
    this.owners.push({ type, depth: this.path.length, record, source, children: 0, endpointLines: [], metadata });
  }

  private startCapture(owner: Owner | undefined, rel: string, tag: XmlTag, line: number): void {
    this.capture = { owner, rel, depth: this.path.length, tag, line, text: "" };
  }

  /** Puts a collected text where the JSON shape has it. */
  private store({ owner, rel, tag, line, text }: Capture): void {
    if (!owner) {
      // bom/metadata/supplier/name → metadata.supplier.name (also manufacturer, manufacture)
      setIfAbsent(this.metadata, rel.split("/")[2]!, { name: text });
      return;
    }
    const r = owner.record;
    switch (rel) {
      case "supplier/name":
      case "manufacturer/name":
      case "provider/name":
        setIfAbsent(r, rel.slice(0, rel.indexOf("/")), { name: text });
        break;
      case "authors/author/name":
        push(r, "authors", { name: text });
        break;
      case "hashes/hash":
        push(r, "hashes", { alg: attribute(tag, "alg"), content: text });
        break;
      case "properties/property":
        push(r, "properties", { name: attribute(tag, "name"), value: text });
        break;
      case "evidence/occurrences/occurrence/location": {
        const evidence = (r.evidence ??= { occurrences: [] }) as { occurrences: Json[] };
        evidence.occurrences.push({ location: text });
        break;
      }
      case "endpoints/endpoint":
        push(r, "endpoints", text);
        owner.endpointLines.push(line);
        break;
      default:
        setIfAbsent(r, rel, text); // name, group, version, publisher, author, purl, cpe
    }
  }

  private finish(owner: Owner, inheritedVendor: unknown[] = []): void {
    if (owner.type === "service") {
      const at = (i: number): SourceRef => ({ ...owner.source, line: owner.endpointLines[i] ?? owner.source.line, pointer: `${owner.source.pointer}/endpoints/endpoint[${i + 1}]` });
      for (const o of serviceObservations(owner.record, owner.source, at, this.ctx)) this.control.emit(o);
      return;
    }
    const o = componentObservation(owner.record, owner.source, inheritedVendor);
    if (o) this.control.emit(o);
    else this.ctx.report({ code: "cyclonedx/component", message: NAMELESS_COMPONENT, source: owner.source });
  }

  private finishMetadata(): void {
    if (this.metadataComponent) this.finish(this.metadataComponent, metadataVendors(this.metadata));
    this.metadataComponent = undefined;
  }
}

function setIfAbsent(record: Json, key: string, value: unknown): void {
  if (record[key] === undefined) record[key] = value;
}

function push(record: Json, key: string, value: unknown): void {
  const list = (record[key] ??= []) as unknown[];
  list.push(value);
}
