/**
 * @module
 * The Reader interface: one module per input format. Detection sees only the path and the first
 * bytes (cheap); reading streams; a bad record is reported as an issue and reading goes on.
 */
import type { Readable } from "node:stream";
import type { Probe, TextEncoding } from "../io/types.js";
import type { Issue } from "../model/issue.js";
import type { Observation } from "../model/observation.js";

/** Stable reader names; shown in evidence and accepted by `--input-format`. */
export type ReaderName = string;

// The probe and the encodings are made by the opener (src/io), shared by every command.
export type { Probe, TextEncoding } from "../io/types.js";

export type ReadInput = {
  /** The path as the user gave it (`-` for standard input); used in every SourceRef. */
  path: string;
  /** The whole byte stream, from the first byte (gzip already removed). Read it once. */
  stream: Readable;
  encoding: TextEncoding;
};

export type ReportableIssue = Omit<Issue, "severity"> & { severity?: Issue["severity"] };

export type ReadContext = {
  signal?: AbortSignal;
  /** Report a located problem; the reader then goes on with the next record where that is safe. */
  report(issue: ReportableIssue): void;
};

export interface Reader {
  readonly name: ReaderName;
  readonly version: number;
  /** One line for `ictsguard formats`. */
  readonly description: string;
  /** 0 (not this format) to 1 (certainly this format). Must be cheap. */
  detect(probe: Probe): number;
  read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation>;
}

/** Identity helper for type inference, in the style of `defineCommand`. */
export function defineReader<R extends Reader>(reader: R): R {
  return reader;
}
