/**
 * @module
 * The detection corpus (`eval/detection/corpus/*.csv`): labelled identifiers from public sources,
 * one observation per row, with the vendor group a finding should name (`clean` when none) and
 * the page the label was read on. A bad row is an error naming its file and line.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Observation, ObservationKind } from "../model/observation.js";
import { OBSERVATION_KINDS } from "../model/vocabulary.js";
import { IctsError } from "../model/errors.js";
import { packagePath } from "../util/package-root.js";

export const DEFAULT_CORPUS_DIR = packagePath("eval/detection/corpus");

export const CORPUS_COLUMNS = ["kind", "name", "vendor", "path", "purl", "bundle_id", "package_id", "extension_id", "signer", "expect", "set", "source", "label_reason"] as const;

/** `clean`, or the id of the vendor group a finding must name. */
export type Expectation = string;

export type CorpusRow = {
  file: string;
  line: number;
  observation: Observation;
  expect: Expectation;
  set: string;
  source: string;
  reason: string;
};

/** Every `*.csv` of a folder, in name order. */
export function loadCorpus(dir: string = DEFAULT_CORPUS_DIR, vendors?: ReadonlySet<string>): CorpusRow[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();
  if (files.length === 0) throw new IctsError("eval/corpus", `${dir}: no .csv files`);
  return files.flatMap((f) => parseCorpusFile(join(dir, f), readFileSync(join(dir, f), "utf8"), vendors));
}

export function parseCorpusFile(file: string, text: string, vendors?: ReadonlySet<string>): CorpusRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, info: true, relax_column_count: false }) as { record: Record<string, string>; info: { lines: number } }[];
  const header = Object.keys(records[0]?.record ?? {});
  const missing = CORPUS_COLUMNS.filter((c) => !header.includes(c));
  if (records.length > 0 && missing.length > 0) throw new IctsError("eval/corpus", `${file}:1: missing columns ${missing.join(", ")} (expected ${CORPUS_COLUMNS.join(",")})`);
  return records.map(({ record: r, info }) => {
    const at = `${file}:${info.lines}`;
    if (!(OBSERVATION_KINDS as readonly string[]).includes(r.kind!)) throw new IctsError("eval/corpus", `${at}: kind "${r.kind}" is not one of ${OBSERVATION_KINDS.join(", ")}`);
    if (!r.name) throw new IctsError("eval/corpus", `${at}: name is empty`);
    if (!/^https?:\/\//.test(r.source ?? "")) throw new IctsError("eval/corpus", `${at}: source must be the URL of the public page the label was read on (got "${r.source ?? ""}")`);
    const expect = r.expect ?? "";
    if (expect !== "clean" && vendors && !vendors.has(expect)) throw new IctsError("eval/corpus", `${at}: expect "${expect}" is neither "clean" nor a vendor group of the catalog`);
    const ids = {
      ...(r.purl ? { purl: r.purl } : {}),
      ...(r.bundle_id ? { bundleId: r.bundle_id } : {}),
      ...(r.package_id ? { packageId: r.package_id } : {}),
      ...(r.extension_id ? { extensionId: r.extension_id } : {}),
      ...(r.signer ? { signer: r.signer } : {}),
    };
    const observation: Observation = {
      kind: r.kind as ObservationKind,
      name: r.name,
      ...(r.vendor ? { vendor: r.vendor } : {}),
      ...(r.path ? { path: r.path } : {}),
      ...(Object.keys(ids).length > 0 ? { ids } : {}),
      source: { file, line: info.lines },
    };
    return { file, line: info.lines, observation, expect, set: r.set ?? "", source: r.source!, reason: r.label_reason ?? "" };
  });
}
