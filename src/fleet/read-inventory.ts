/**
 * @module
 * An uploaded inventory's body → Observations, read exactly as `ictsguard scan` reads a file
 * (src/scan `readStreamInput`: gzip by its magic bytes, zip entry by entry, the format detected
 * by the readers, or forced with `?format=`), streamed: the fleet's ingest pulls observations
 * one at a time and the body is read at its pace, so an upload's size does not drive memory.
 *
 * An inventory that could not be read whole must never count as a clean inventory (that would
 * move findings towards `resolved`: a wrong answer). So the observations end with an error, and
 * the fleet stores nothing, when the body goes over the size limit, is cut off, or a reader
 * reported an error (unknown format, a malformed record ...). Warnings are kept and answered.
 */
import { Readable, Transform, type TransformCallback } from "node:stream";
import type { Issue } from "../model/issue.js";
import type { Observation } from "../model/observation.js";
import { formatSource } from "../model/errors.js";
import { readStreamInput } from "../scan/index.js";
import { produce } from "../util/channel.js";

/** A located problem quoted in a refusal (the API's error `issues`). */
export type RefusalIssue = { path?: string; message: string; line?: number; file?: string };

/**
 * Why an inventory was refused: the HTTP status the synchronous upload answers (413 over the
 * limit, 422 unreadable, 400 cut off), a stable code, a message and the first error issues. The
 * server answers it as an error; a queued upload keeps it as its `failed` status.
 */
export class InventoryRefusal extends Error {
  override readonly name = "InventoryRefusal";
  constructor(
    readonly status: 400 | 413 | 422,
    readonly code: string,
    message: string,
    readonly issues?: RefusalIssue[],
  ) {
    super(message);
  }
}

/** Error issues quoted in a refusal; the rest are counted. */
const ISSUES_QUOTED = 20;

export type InventoryReading = {
  /** Pull these once; they end with an InventoryRefusal (413, 422, 400) when the inventory was not read whole. */
  observations: AsyncIterable<Observation>;
  /** Issues reported so far (all of them once `observations` ended). */
  issues(): Issue[];
  /** The reader that read the first observation. */
  format(): string | undefined;
  /** Why the inventory was refused, once `observations` ended with an error. */
  failure(): InventoryRefusal | undefined;
};

/** Reads a request body as an inventory named `name` (the upload's file name, for every location). */
export function readInventory(body: ReadableStream<Uint8Array> | Uint8Array | null, options: { name: string; maxBytes: number; inputFormat?: string }): InventoryReading {
  const issues: Issue[] = [];
  let format: string | undefined;
  const limit = new ByteLimit(options.maxBytes);
  const source = !body ? Readable.from([]) : body instanceof Uint8Array ? Readable.from([body]) : Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("error", (err) => limit.destroy(err));
  source.pipe(limit);

  let failure: InventoryRefusal | undefined;
  const fail = (err: InventoryRefusal): never => {
    failure = err;
    throw err;
  };
  const production = produce<Observation, void>(async (push) => {
    await readStreamInput(options.name, limit, {
      ...(options.inputFormat ? { inputFormat: options.inputFormat } : {}),
      report: (issue) => {
        issues.push({ ...issue, severity: issue.severity ?? "error" });
      },
      onObservation: (o) => {
        format ??= o.source.reader;
        return push(o);
      },
    });
    if (limit.exceeded) fail(new InventoryRefusal(413, "payload-too-large", `the inventory is larger than the upload limit of ${options.maxBytes} bytes; nothing was stored`));
    const errors = issues.filter((i) => i.severity === "error");
    if (source.errored) {
      fail(new InventoryRefusal(400, "upload-incomplete", "the upload was cut off before its end; nothing was stored"));
    }
    if (errors.length > 0) {
      const quoted: RefusalIssue[] = errors.slice(0, ISSUES_QUOTED).map((e) => ({
        message: `${e.code}: ${e.message}`,
        file: e.source.file,
        ...(e.source.line !== undefined ? { line: e.source.line } : {}),
        path: formatSource(e.source),
      }));
      const more = errors.length > ISSUES_QUOTED ? ` (the first ${ISSUES_QUOTED} are listed)` : "";
      fail(new InventoryRefusal(
        422,
        "inventory-unreadable",
        `the inventory has ${errors.length} error${errors.length === 1 ? "" : "s"}${more}; a partly read inventory is not stored, because it would count as clean for what it failed to list`,
        quoted,
      ));
    }
  });
  return { observations: production.items, issues: () => issues, format: () => format, failure: () => failure };
}

/** Passes bytes through until `max`; past it, fails the stream (and remembers why). */
class ByteLimit extends Transform {
  exceeded = false;
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      this.exceeded = true;
      done(new Error(`over the upload limit of ${this.max} bytes`));
      return;
    }
    done(null, chunk);
  }
}
