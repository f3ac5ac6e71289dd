/**
 * @module
 * JSON output: the ReportDocument itself, pretty-printed. It is the contract for machines, so
 * nothing is renamed, added or dropped here.
 */
import type { Reporter } from "../index.js";
import { writeText } from "../common.js";

export const jsonReporter: Reporter = {
  format: "json",
  write: (doc, out) => writeText(out, `${JSON.stringify(doc, null, 2)}\n`),
};
