/**
 * @module
 * Runs one fuzz case through the real code, as the CLI would, and says how it ended: the reader
 * (forced, as `--input-format` does, after every reader's detection has looked at the probe) inside
 * the real scan pipeline with the bundled catalog; `check --batch` rows through `runBatch`; a
 * config file through `parseConfig`; a list file through `lists import`'s reader (format detection,
 * then the format forced, as `--format` does). Hangs and crashes are seen from outside (./pool.ts).
 */
import { Readable } from "node:stream";
import type { Catalog } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import { IctsError } from "../model/errors.js";
import { gunzipSync, constants as zlibConstants } from "node:zlib";
import { isGzip, openInput } from "../io/open.js";
import { READERS } from "../readers/registry.js";
import { runScan } from "../scan/index.js";
import { parseAsOf } from "../policy/time.js";
import { createChecker, type Checker } from "../policy/check.js";
import { runBatch } from "../check/index.js";
import { parseConfig } from "../config/file.js";
import type { Target } from "./seeds.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guessListFormat, importListTo } from "../screen/lists/import.js";
import { readFtmDelta } from "../screen/lists/ftm-delta.js";
import type { ListFormat } from "../screen/model.js";

/** How a case ended. The last four (and `noisy`) are failures the campaign keeps. */
export type Outcome = "ok" | "located" | "unlocated" | "exception" | "hang" | "crash" | "noisy";
export const FAILURES: readonly Outcome[] = ["unlocated", "exception", "hang", "crash", "noisy"];

export type CaseResult = { outcome: Outcome; detail?: string; issues: number; observations?: number };

/**
 * Issues about the whole input, where the file is the location: it is empty, not this format,
 * lacks the header or version line every such file starts with, or is one document parsed whole
 * (a binary plist). A problem with one record must name its line, record or pointer.
 */
const WHOLE_INPUT = /^(input\/(empty|unknown-format|encoding|gzip|no-observations|nothing-read|time)|archive\/|zip\/|limit\/(time|gzip-ratio)|batch\/(empty|no-header)|[a-z0-9-]+\/(empty|format|ruler|header|no-[a-z-]+)$|plist\/syntax$)/;
/** A summary of throttled issues ("12 more csv/columns issue(s) at 3, 4, ...", "824 lines in all ..."). */
const SUMMARY = /^\d+ (more|lines in all)\b/;
/** More text than this in one issue message is output an attacker controls. */
export const MAX_MESSAGE_CHARS = 2_000;

/** The most issues of one code one input may report (the scan's throttle, and its summary). */
const MAX_PER_FILE_AND_CODE = 101;

function classify(issues: readonly Issue[], thrown?: unknown, rows?: number): CaseResult {
  if (thrown !== undefined) {
    if (thrown instanceof IctsError && (thrown.source?.line !== undefined || /:\d+:/.test(thrown.message))) return { outcome: "located", detail: `${thrown.code}: ${thrown.message}`.slice(0, 300), issues: issues.length };
    return { outcome: "exception", detail: String((thrown as Error)?.stack ?? thrown).slice(0, 600), issues: issues.length };
  }
  if (rows !== undefined) {
    // check --batch answers every row with a decision or a row error (and may warn about it): more than two issues a line is a flood
    if (issues.length > 2 * rows + 5) return { outcome: "noisy", detail: `${issues.length} issues for ${rows} lines`, issues: issues.length };
  } else {
    const perFileAndCode = new Map<string, number>();
    for (const i of issues) {
      const key = `${i.source.file}\u0000${i.code}`;
      const n = (perFileAndCode.get(key) ?? 0) + 1;
      perFileAndCode.set(key, n);
      if (n > MAX_PER_FILE_AND_CODE) return { outcome: "noisy", detail: `more than ${MAX_PER_FILE_AND_CODE} ${i.code} issues in one input`, issues: issues.length };
    }
  }
  const long = issues.find((i) => i.message.length > MAX_MESSAGE_CHARS);
  if (long) return { outcome: "noisy", detail: `${long.code}: message of ${long.message.length} chars`, issues: issues.length };
  const errors = issues.filter((i) => i.severity === "error");
  const generic = errors.find((i) => i.code === "input/read" && /^reading as .* failed/.test(i.message));
  if (generic) return { outcome: "exception", detail: `${generic.code}: ${generic.message}`.slice(0, 600), issues: issues.length };
  const unlocated = errors.find(
    (i) => i.source.line === undefined && i.source.record === undefined && !i.source.pointer && !WHOLE_INPUT.test(i.code) && !SUMMARY.test(i.message),
  );
  if (unlocated) return { outcome: "unlocated", detail: `${unlocated.code}: ${unlocated.message}`.slice(0, 600), issues: issues.length };
  return errors.length > 0 ? { outcome: "located", detail: `${errors[0]!.code}`, issues: issues.length } : { outcome: "ok", issues: issues.length };
}

export type CaseEnv = { catalog: Catalog; checker?: Checker };

export async function runCase(target: Target, bytes: Buffer, env: CaseEnv): Promise<CaseResult> {
  const issues: Issue[] = [];
  try {
    if (target.startsWith("reader:")) {
      const reader = target.slice("reader:".length);
      // every reader's detection sees the probe, as format detection does on every file
      const opened = await openInput({ path: "fuzz-input", stream: Readable.from([bytes]) }).catch(() => undefined);
      if (opened) {
        for (const r of READERS) r.detect(opened.probe);
        opened.stream.destroy();
      }
      const report = await runScan({
        inputs: ["-"],
        stdin: Readable.from([bytes]),
        inputFormat: reader,
        catalog: env.catalog,
        profile: "business",
        asOf: parseAsOf("2025-01-01"),
        today: "2025-01-01",
        onIssue: (i) => issues.push(i),
      });
      const result = classify(issues);
      return { ...result, observations: report.summary.observations };
    }
    if (target === "batch") {
      env.checker ??= createChecker(env.catalog);
      await runBatch({
        input: { path: "fuzz-batch", stream: Readable.from([bytes]) },
        checker: env.checker,
        defaults: {},
        failOn: "none",
        onResult: () => {},
        onIssue: (i) => {
          issues.push(i);
        },
      });
      // the lines of the batch as read: a gzipped batch's rows are in its uncompressed text (a cut-off gzip: as far as it goes)
      let text = bytes;
      if (isGzip(bytes)) {
        try {
          text = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
        } catch {
          text = bytes;
        }
      }
      let lines = 1;
      for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) lines++;
      return classify(issues, undefined, lines);
    }
    if (target.startsWith("list:")) return await runListCase(target.slice("list:".length) as ListFormat, bytes);
    if (target === "config") {
      try {
        parseConfig(bytes.toString("utf8"), "fuzz.yaml");
      } catch (err) {
        if (err instanceof IctsError && /^config\//.test(err.code) && /fuzz\.yaml:\d+/.test(err.message)) {
          return err.message.length > MAX_MESSAGE_CHARS ? { outcome: "noisy", detail: `message of ${err.message.length} chars`, issues: 1 } : { outcome: "located", detail: err.code, issues: 1 };
        }
        return classify([], err);
      }
      return { outcome: "ok", issues: 0 };
    }
    throw new Error(`unknown fuzz target ${target}`);
  } catch (err) {
    return classify(issues, err);
  }
}

/** The name a list file is written under: OFAC's files are known by theirs. */
const LIST_FILE: Record<ListFormat, string> = {
  "csl-csv": "consolidated.csv",
  "csl-json": "consolidated.json",
  "ofac-sdn": "sdn.csv",
  ftm: "entities.ftm.json",
  "ftm-delta": "entities.delta.json",
  "un-xml": "consolidated.xml",
  csv: "own-list.csv",
};

/**
 * `lists import` of the bytes as a file in `format`: detection looks at it first (as an import
 * without `--format` does), then the format's reader reads it to the end into a counting sink. A
 * delta is read on its own (applying it needs a list imported before, which is the store's part).
 */
async function runListCase(format: ListFormat, bytes: Buffer): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), "ictsguard-fuzz-list-"));
  const issues: Issue[] = [];
  try {
    const file = join(dir, LIST_FILE[format]);
    writeFileSync(file, bytes);
    await guessListFormat(file);
    if (format === "ftm-delta") {
      const ctx = { issues };
      await readFtmDelta(file, ctx);
      return classify(issues);
    }
    let entries = 0;
    const summary = await importListTo([file], { format, name: "fuzz", env: { ICTSGUARD_HOME: dir } }, () => ({ add: () => void entries++ }));
    issues.push(...summary.issues);
    return { ...classify(issues), observations: entries };
  } catch (err) {
    // an import refused whole (not a list, nothing in it) names the file: that is where the fault is
    if (err instanceof IctsError && /^list\/(format|empty|missing|un-root|csl-header|ofac-columns)$/.test(err.code) && err.message.length <= MAX_MESSAGE_CHARS) return { outcome: "located", detail: err.code, issues: issues.length };
    return classify(issues, err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
