/**
 * @module
 * JSON output: the ReportDocument itself, pretty-printed. It is the contract for machines, so
 * nothing is renamed, added or dropped here.
 */
import type { Reporter } from "../index.js";
import { writeJson } from "../json-stream.js";

export const jsonReporter: Reporter = {
  format: "json",
  write: (doc, out) => writeJson(out, doc),
};
