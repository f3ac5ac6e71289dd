/**
 * @module
 * The project's error class and how a location reads in a message, without the zod schema of
 * an Issue (./issue.ts): code that throws or prints errors on every start (a scan and its
 * worker threads) loads no zod for them.
 */
import type { SourceRef } from "./observation.js";

/** The one error class of the project: carries a stable code and an optional location. */
export class IctsError extends Error {
  readonly code: string;
  readonly source?: SourceRef;
  constructor(code: string, message: string, options: { cause?: unknown; source?: SourceRef } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "IctsError";
    this.code = code;
    if (options.source) this.source = options.source;
  }
}

/** Formats a location as `file:line` / `file record N` for human messages. */
export function formatSource(source: SourceRef): string {
  let where = source.file;
  if (source.line !== undefined) where += `:${source.line}`;
  else if (source.record !== undefined) where += ` record ${source.record}`;
  if (source.pointer) where += ` (${source.pointer})`;
  return where;
}
