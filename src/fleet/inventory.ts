/**
 * @module
 * An uploaded inventory file → observations for `ingest`: opened by src/io (gzip, encoding),
 * its format detected (or named) by the readers' registry, as `scan` reads a file. Located
 * problems are collected, not thrown; an unknown format is an `invalid` FleetError. Without the
 * catalog prefilter: the server stores every observation of the latest inventory, so a later
 * catalog can judge what this one does not match.
 */
import type { Readable } from "node:stream";
import type { Issue } from "../model/issue.js";
import type { Observation } from "../model/observation.js";
import { openInput } from "../io/index.js";
import { detectReader } from "../readers/detect.js";
import { findReader, READERS } from "../readers/registry.js";
import { FleetError } from "./types.js";

export type Inventory = {
  /** The reader that read it. */
  format: string;
  observations: AsyncIterable<Observation>;
  /** Filled while `observations` is read. */
  issues: Issue[];
};

/** Opens an inventory (a path, or a stream with the name to report it by) and detects its format. */
export async function openInventory(input: string | { path: string; stream: Readable }, options: { format?: string } = {}): Promise<Inventory> {
  const forced = options.format ? findReader(options.format) : undefined;
  if (options.format && !forced) throw new FleetError("invalid", `unknown input format "${options.format}": expected one of ${READERS.map((r) => r.name).join(", ")}`);
  const opened = await openInput(input);
  const reader = forced ?? detectReader(opened.probe);
  if (!reader) {
    opened.stream.destroy();
    throw new FleetError("invalid", `${opened.path}: unknown input format: expected one of ${READERS.map((r) => r.name).join(", ")}; name one with the format`);
  }
  const issues: Issue[] = [];
  const report = (i: Omit<Issue, "severity"> & { severity?: Issue["severity"] }): void => void issues.push({ severity: "error", ...i });
  async function* observations(): AsyncIterable<Observation> {
    try {
      for await (const o of reader!.read({ path: opened.path, stream: opened.stream, encoding: opened.encoding }, { report })) {
        o.source.reader = reader!.name;
        yield o;
      }
    } finally {
      opened.stream.destroy();
    }
  }
  return { format: reader.name, observations: observations(), issues };
}
