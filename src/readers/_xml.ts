/**
 * @module
 * Streaming XML for readers: feeds decoded chunks to `saxes` (a strict, namespace-aware SAX
 * parser), hands each element to the reader's handlers, and turns malformed or cut-off XML into
 * one located issue. Nothing is kept but what the handlers keep, so memory follows the reader's
 * own state (and the longest single text node, which saxes buffers whole), not the document.
 *
 * saxes never fetches external entities or expands DTD-declared ones (an undefined entity is a
 * syntax error), so a hostile document cannot make the reader read files or grow without bound.
 * XML cannot be resumed after a well-formedness error: what the handlers emitted before it is
 * kept, and the issue says the rest was not read.
 */
import type { SaxesParser, SaxesTagNS } from "saxes";
import { lazyRequire } from "../util/lazy-require.js";
import { decodeChunks } from "./_text.js";
import { DEFAULT_LIMITS } from "../io/limits.js";
import type { ReadContext, ReadInput } from "./types.js";

/** saxes loads on first use: every `scan` loads this module with the XML readers. */
const saxes = lazyRequire<typeof import("saxes")>("saxes");

export type XmlTag = SaxesTagNS;

export type XmlHandlers = {
  /** A start tag; `line` is the 1-based line where it ends (start tags are usually one line). */
  open(tag: XmlTag, line: number): void;
  /** Character data (text or CDATA) of the current element; may come in pieces. */
  text(text: string): void;
  close(tag: XmlTag, line: number): void;
  /** Once, after the last event; `failed` when the XML was malformed, cut off or stopped. */
  end?(failed: boolean): void;
};

export type XmlControl<T> = {
  /** Hands an item to the reader's consumer (after the current chunk is parsed). */
  emit(item: T): void;
  /** Ends parsing here (e.g. the root element is not the expected one); no issue is added. */
  stop(): void;
};

/** Raised inside saxes callbacks to end the parse; never escapes `streamXml`. */
class Stop extends Error {}

/**
 * Parses `input` as XML, yielding what the handlers emit, in document order. `what` names the
 * expected document in error messages, e.g. "a CycloneDX XML document".
 */
export async function* streamXml<T>(
  input: ReadInput,
  ctx: ReadContext,
  what: string,
  build: (control: XmlControl<T>) => XmlHandlers,
): AsyncIterable<T> {
  const queue: T[] = [];
  let emitted = 0;
  let stopped = false;
  const handlers = build({
    emit(item) {
      emitted++;
      queue.push(item);
    },
    stop() {
      stopped = true;
      throw new Stop();
    },
  });
  const parser = new (saxes().SaxesParser)({ xmlns: true, position: true });
  let failure: { message: string; line: number; closing: boolean } | undefined;
  let closing = false;
  // Elements nested deeper than the limit (src/io/limits.ts) are skipped with one located error,
  // and reading goes on after them: readers keep per-level paths, so unbounded depth was quadratic
  // (40,000 levels of CycloneDX components: minutes).
  const maxDepth = ctx.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  let depth = 0;
  let tooDeep = 0;
  const namespaces = linearNamespaces(parser);
  parser.on("opentag", (tag) => {
    namespaces.open(tag);
    if (++depth > maxDepth) {
      if (++tooDeep === 1) {
        ctx.report({
          code: "xml/depth",
          message: `elements nested deeper than the limit of ${maxDepth} levels: what is inside them was skipped; reading went on after them`,
          source: { file: input.path, line: parser.line },
        });
      }
      return;
    }
    handlers.open(tag, parser.line);
  });
  parser.on("closetag", (tag) => {
    namespaces.close();
    if (depth-- > maxDepth) return;
    handlers.close(tag, parser.line);
  });
  parser.on("text", (t) => {
    if (depth <= maxDepth) handlers.text(t);
  });
  parser.on("cdata", (t) => {
    if (depth <= maxDepth) handlers.text(t);
  });
  parser.on("error", (err) => {
    // saxes prefixes "line:column: "; the line goes into the source, the column stays in the text
    const m = /^(\d+):(\d+): (.*)$/s.exec(err.message);
    failure = {
      message: m ? `${m[3]!.replace(/\.$/, "")} (line ${m[1]}, column ${Number(m[2]) + 1})` : err.message,
      line: m ? Number(m[1]) : parser.line,
      closing,
    };
    throw new Stop();
  });

  const fail = (): void => {
    if (!failure) return;
    const truncated = failure.closing && /unclosed tag|root element|unexpected end/i.test(failure.message);
    ctx.report({
      code: truncated ? "xml/truncated" : "xml/syntax",
      message: truncated
        ? `the file ends inside the document (truncated?), expected ${what}: ${failure.message}; ${emitted} value(s) before this point were read`
        : `malformed XML, expected ${what}: ${failure.message}; ${emitted} value(s) before this point were read, the rest of the file was not`,
      source: { file: input.path, line: failure.line },
    });
  };

  let sawAny = false;
  let ended = false;
  const end = (failed: boolean): void => {
    if (ended) return;
    ended = true;
    handlers.end?.(failed);
  };
  try {
    for await (const chunk of decodeChunks(input.stream, input.encoding)) {
      ctx.signal?.throwIfAborted(); // the per-input time limit (src/io/deadline.ts)
      if (!sawAny && chunk.trim().length > 0) {
        sawAny = true;
        // saxes would only complain at the end ("text outside of root node"): say it where it is
        const first = /\S/.exec(chunk)!;
        if (first[0] !== "<") {
          const line = 1 + (chunk.slice(0, first.index).match(/\n/g)?.length ?? 0);
          ctx.report({
            code: "xml/syntax",
            message: `not XML, expected ${what}: the document starts with ${JSON.stringify(first[0])}, not with "<"; nothing was read`,
            source: { file: input.path, line },
          });
          end(true);
          return;
        }
      }
      try {
        parser.write(chunk);
      } catch (err) {
        if (!(err instanceof Stop)) throw err;
      }
      while (queue.length > 0) yield queue.shift()!;
      if (failure || stopped) break;
    }
    if (!failure && !stopped) {
      if (!sawAny) {
        ctx.report({ code: "xml/empty", message: `empty file, expected ${what}`, source: { file: input.path, line: 1 } });
        end(true);
        return;
      }
      closing = true;
      try {
        parser.close();
      } catch (err) {
        if (!(err instanceof Stop)) throw err;
      }
    }
    try {
      end(failure !== undefined || stopped);
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
    }
    while (queue.length > 0) yield queue.shift()!;
    fail();
  } finally {
    input.stream.destroy();
  }
}

/** The value of an attribute by local name (any namespace prefix), or undefined. */
export function attribute(tag: XmlTag, local: string): string | undefined {
  for (const a of Object.values(tag.attributes)) if (a.local === local && (a.prefix === "" || a.uri === tag.uri)) return a.value;
  return undefined;
}

type NamespaceMap = Record<string, string>;
type SaxesInternals = { resolve(prefix: string): string | undefined; topNS: NamespaceMap | null; ns: NamespaceMap };

/**
 * saxes resolves a namespace prefix by walking every open element up to the root (`resolve`),
 * which made 600 kB of nested elements take 55 s. This keeps, per open element, the map of every
 * prefix in scope (shared with the parent's when the element declares none), so a look-up is one
 * map read. It replaces saxes 6's `resolve` (same answers: the element's own declarations, then
 * the nearest ancestor's, then the predefined `xml` and `xmlns`); `_xml.test.ts` checks both.
 */
function linearNamespaces(parser: SaxesParser): { open(tag: XmlTag): void; close(): void } {
  const internals = parser as unknown as SaxesInternals;
  const original = internals.resolve;
  const scopes: NamespaceMap[] = [];
  internals.resolve = (prefix: string): string | undefined => {
    const own = internals.topNS?.[prefix];
    if (own !== undefined) return own;
    const inScope = scopes[scopes.length - 1]?.[prefix];
    if (inScope !== undefined) return inScope;
    // the predefined prefixes (xml, xmlns); undefined: unbound, which saxes reports
    return internals.ns[prefix];
  };
  if (typeof original !== "function" || !("topNS" in internals)) throw new Error("saxes internals changed: src/readers/_xml.ts linearNamespaces needs updating");
  return {
    open(tag) {
      const parent = scopes[scopes.length - 1] ?? {};
      const declared = tag.ns && Object.keys(tag.ns).length > 0 ? tag.ns : undefined;
      scopes.push(declared ? { ...parent, ...declared } : parent);
    },
    close() {
      scopes.pop();
    },
  };
}
