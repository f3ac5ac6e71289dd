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
