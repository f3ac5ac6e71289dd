/**
 * @module
 * Issues: problems with the input (or the catalog, or the config), located precisely.
 * Readers report issues and go on; they do not throw for a bad record.
 */
import { SourceRef } from "./observation.js";
import * as z from "zod";

export const IssueSeverity = z.enum(["error", "warning"]);
export type IssueSeverity = z.infer<typeof IssueSeverity>;

export const Issue = z.object({
  /** Stable machine code, e.g. `json/syntax`, `csv/columns`, `input/unknown-format`. */
  code: z.string(),
  severity: IssueSeverity.default("error"),
  /** One sentence: what was wrong and what was expected. */
  message: z.string(),
  source: SourceRef,
});
export type Issue = z.infer<typeof Issue>;

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
