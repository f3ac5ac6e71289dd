/**
 * @module
 * The scan pipeline: inputs → reader → Observation → match → Match → policy → Finding → report
 * document. It streams: observations are matched one at a time and only findings are kept, so
 * memory follows the number of findings, not the size of the inputs.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { ExceptionRule } from "../config/index.js";
import type { Catalog, Profile } from "../model/catalog.js";
import {
  STATUS_RANK,
  STATUSES,
  type CollectedSource,
  type Finding,
  type LookalikeHit,
  type Match,
  type ReportCatalog,
  type ReportDocument,
  type Status,
  type SuppressedFinding,
} from "../model/finding.js";
import type { Issue } from "../model/issue.js";
import type { Observation } from "../model/observation.js";
import { buildCatalogIndex, createCachedMatcher, type CatalogIndex } from "../match/index.js";
import { createExceptionMatcher } from "../policy/exceptions.js";
import { createPolicy, type Judgment } from "../policy/judge.js";
import { today as todayOf, type AsOf } from "../policy/time.js";
import { detectReader } from "../readers/detect.js";
import { READERS, findReader } from "../readers/registry.js";
import type { Reader, ReportableIssue } from "../readers/types.js";
import { PACKAGE_VERSION } from "../util/package-root.js";
import { isZip, scanZipFile, scanZipStream, type ArchiveContext, type EntryOutcome } from "./archive.js";
import { expandInputs, openInput, type InputFile, type OpenedInput } from "./inputs.js";
import { createNetworkAggregator } from "./network.js";

/** Look-alike hits kept in the report (all are counted): enough to explain, bounded for huge inputs. */
const MAX_LOOKALIKES_KEPT = 1000;
/** Distinct (product, vendor, confidence) judgments cached; in practice a few hundred. */
const MAX_JUDGMENTS_KEPT = 10_000;

export type ScanProgress = { file: string; fileIndex: number; files: number; bytesRead: number; totalBytes: number; observations: number };

export type ScanOptions = {
  inputs: readonly string[];
  catalog: Catalog;
  profile: Profile;
  asOf: AsOf;
  /** Force a reader by name instead of detecting the format. */
  inputFormat?: string;
  exceptions?: readonly ExceptionRule[];
  failOn?: Status | "none";
  /** The real date, for exception expiry; defaults to the machine's clock. */
  today?: string;
  stdin?: Readable;
  onProgress?: (p: ScanProgress) => void;
  /** Called once per issue as it happens (the CLI prints them to stderr). */
  onIssue?: (issue: Issue) => void;
  /** Where the catalog came from and how old it is, for the report (see catalog/active.ts). */
  catalogInfo?: Pick<ReportCatalog, "origin" | "ageDays" | "stale">;
  /** Issues known before the scan starts (a stale catalog, an unusable install), reported first. */
  notices?: readonly Issue[];
  /** Observations from elsewhere than files, scanned after them: the local host (`scan --host`). */
  observationInputs?: readonly ObservationInput[];
};

/** Observations that come from somewhere other than a file: the local host's collectors (`scan --host`). */
export type ObservationInput = {
  /** Listed in the report's `inputs`, e.g. `host:vm`. */
  name: string;
  /** The observations, one at a time; problems go to `report` (located, like a reader's). */
  observe(report: (issue: ReportableIssue) => void): AsyncIterable<Observation>;
  /** After observe() ended: what was collected, per source, for the report's `collected`. */
  collected?(): CollectedSource[];
};

export async function runScan(options: ScanOptions): Promise<ReportDocument> {
  const index: CatalogIndex = buildCatalogIndex(options.catalog);
  const policy = createPolicy(index);
  const match = createCachedMatcher(index);
  // A judgment depends only on the product, the vendor and the confidence (the profile and date
  // are fixed for the scan), so findings of the same product share one judgment object: a
  // fleet full of Kaspersky costs one small object per finding, not a copy of every rule.
  const judgments = new Map<string, Judgment>();
  const judge = (m: Match): Judgment => {
    const key = `${m.product.id}\u0000${m.vendor.id}\u0000${m.confidence}`;
    let j = judgments.get(key);
    if (!j) {
      j = policy.judge(m, options.profile, options.asOf);
      if (judgments.size < MAX_JUDGMENTS_KEPT) judgments.set(key, j);
    }
    return j;
  };
  policy.profile(options.profile); // fails early for a profile the catalog does not define
  const exceptions = createExceptionMatcher(options.exceptions ?? [], options.today ?? todayOf());
  const forced = options.inputFormat ? findReader(options.inputFormat) : undefined;
  if (options.inputFormat && !forced) {
    throw new UsageError(`unknown input format "${options.inputFormat}"; known formats: ${READERS.map((r) => r.name).join(", ")}`);
  }

  const errors: Issue[] = [];
  const report = (issue: ReportableIssue): void => {
    const full: Issue = { severity: "error", ...issue };
    errors.push(full);
    options.onIssue?.(full);
  };
  for (const notice of options.notices ?? []) report(notice);
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const keep = (finding: Finding): void => {
    const outcome = exceptions(finding);
    if (outcome.expired.length > 0) finding.expiredExceptions = outcome.expired;
    if (outcome.active) suppressed.push({ ...finding, exception: outcome.active });
    else findings.push(finding);
  };
  // DNS and proxy logs: one finding per client and vendor, made once every input is read
  const network = createNetworkAggregator(index);
  const lookalikes: LookalikeHit[] = [];
  let lookalikeCount = 0;
  let observations = 0;

  const { files, problems } = await expandInputs(options.inputs);
  for (const p of problems) report({ code: "input/not-found", message: `cannot read input: ${p.message}`, source: { file: p.path } });
  const totalBytes = files.reduce((n, f) => n + (f.size ?? 0), 0);
  let bytesRead = 0;

  let progress: () => void = () => {};
  // One observation, from a file or a collector: matched, judged and kept only if it is a finding.
  const onObservation = (o: Observation): void => {
    observations++;
    if ((observations & 0x3ff) === 0) progress();
    const { matches, lookalike } = match(o);
    if (lookalike) {
      lookalikeCount++;
      if (lookalikes.length < MAX_LOOKALIKES_KEPT) lookalikes.push(lookalike);
    }
    for (const match of matches) {
      if (network.add(match)) continue;
      const judgment = judge(match);
      const { source, ...seen } = match.observation;
      const finding: Finding = {
        id: findingId(match.observation, match.product.id),
        source,
        observation: pick(seen),
        vendor: match.vendor.id,
        vendorName: match.vendor.name,
        product: match.product,
        status: judgment.status,
        reason: judgment.reason,
        confidence: match.confidence,
        evidence: match.evidence,
        rules: judgment.rules,
        ...(judgment.deadline ? { deadline: judgment.deadline } : {}),
        deadlines: judgment.deadlines,
        remediation: judgment.remediation,
        ...(judgment.removal ? { removal: judgment.removal } : {}),
      };
      keep(finding);
    }
  };

  for (const [fileIndex, file] of files.entries()) {
    progress = (): void =>
      options.onProgress?.({ file: file.path, fileIndex, files: files.length, bytesRead, totalBytes, observations });
    progress();
    await scanFile(file, forced, options, report, (n) => {
      bytesRead += n;
    }, onObservation);
  }
  // Observations collected from elsewhere than files (scan --host), one more input each.
  const collected: CollectedSource[] = [];
  for (const input of options.observationInputs ?? []) {
    progress = (): void =>
      options.onProgress?.({ file: input.name, fileIndex: files.length, files: files.length, bytesRead, totalBytes, observations });
    progress();
    try {
      for await (const o of input.observe(report)) onObservation(o);
    } catch (err) {
      report({ code: "input/read", message: `collecting failed: ${(err as Error).message}; observations collected before this point were kept`, source: { file: input.name } });
    }
    collected.push(...(input.collected?.() ?? []));
  }
  for (const finding of network.findings(judge)) keep(finding);
  const informational = network.informational();
  bytesRead = Math.max(bytesRead, totalBytes);
  options.onProgress?.({ file: "", fileIndex: files.length, files: files.length, bytesRead, totalBytes, observations });

  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of findings) byStatus[f.status]++;
  const failOn = options.failOn ?? "deadline";
  const failed = failOn !== "none" && findings.some((f) => STATUS_RANK[f.status] >= STATUS_RANK[failOn]);
  return {
    tool: { name: "ictsguard", version: PACKAGE_VERSION },
    catalog: { version: options.catalog.version, date: options.catalog.date, digest: options.catalog.digest, ...options.catalogInfo },
    asOf: options.asOf.date,
    profile: options.profile,
    generatedAt: new Date().toISOString(),
    inputs: [...files.map((f) => f.path), ...(options.observationInputs ?? []).map((i) => i.name)],
    findings,
    suppressed,
    lookalikes,
    informational,
    summary: {
      observations,
      inputs: files.length + (options.observationInputs?.length ?? 0),
      findings: findings.length,
      byStatus,
      suppressed: suppressed.length,
      lookalikes: lookalikeCount,
      informational: informational.length,
      errors: errors.filter((e) => e.severity === "error").length,
      warnings: errors.filter((e) => e.severity === "warning").length,
      failOn,
      failed,
    },
    errors,
    ...(options.observationInputs?.length ? { collected } : {}),
  };
}

/** Reads one input (a zip: each of its entries) with its reader; a failure is reported and ends only this input. */
async function scanFile(
  file: InputFile,
  forced: Reader | undefined,
  options: ScanOptions,
  report: (issue: ReportableIssue) => void,
  onBytes: (n: number) => void,
  onObservation: (o: Observation) => void,
): Promise<void> {
  let opened;
  try {
    opened = await openInput(file, options.stdin ?? process.stdin, onBytes);
  } catch (err) {
    report({ code: "input/read", message: `cannot read input: ${(err as Error).message}`, source: { file: file.path } });
    return;
  }
  if (opened.probe.head.length === 0) {
    opened.stream.destroy();
    if (!file.discovered) report({ code: "input/empty", message: "empty input: nothing to scan", source: { file: file.path } });
    return;
  }
  if (isZip(opened.probe.head)) {
    // a container, not a format: its entries are detected (or forced) one by one
    const ctx: ArchiveContext = {
      report,
      onBytes,
      scanEntry: (path, entry) => readOpened(path, entry, { discovered: true, inArchive: true }, forced, report, onObservation),
    };
    if (file.path !== "-" && !opened.gzipped) {
      opened.stream.destroy();
      await scanZipFile(file.path, file.path, 1, ctx);
    } else {
      await scanZipStream(opened.stream, file.path, 1, ctx);
    }
    return;
  }
  await readOpened(file.path, opened, { discovered: file.discovered, inArchive: false }, forced, report, onObservation);
}

/**
 * Detects (or takes the forced) reader of an opened input and streams its observations. An
 * entry of an archive whose format is unknown is left for the archive's one summary warning.
 */
async function readOpened(
  path: string,
  opened: OpenedInput,
  how: { discovered: boolean; inArchive: boolean },
  forced: Reader | undefined,
  report: (issue: ReportableIssue) => void,
  onObservation: (o: Observation) => void,
): Promise<EntryOutcome> {
  const reader = forced ?? detectReader(opened.probe);
  if (!reader) {
    opened.stream.destroy();
    if (how.inArchive) return "unknown-format";
    report({
      code: "input/unknown-format",
      severity: how.discovered ? "warning" : "error",
      message: `unknown input format${how.discovered ? " (skipped)" : ""}: expected one of ${READERS.map((r) => r.name).join(", ")}; name one with --input-format`,
      source: { file: path },
    });
    return "unknown-format";
  }
  try {
    for await (const o of reader.read({ path, stream: opened.stream, encoding: opened.encoding }, { report })) {
      o.source.reader = reader.name;
      onObservation(o);
    }
  } catch (err) {
    report({
      code: "input/read",
      message: `reading as ${reader.name} failed: ${(err as Error).message}; observations read before this point were kept`,
      source: { file: path },
    });
  } finally {
    opened.stream.destroy();
  }
  return "read";
}

function pick(o: Omit<Observation, "source">): Finding["observation"] {
  const out: Finding["observation"] = { kind: o.kind, name: o.name };
  if (o.vendor !== undefined) out.vendor = o.vendor;
  if (o.version !== undefined) out.version = o.version;
  if (o.path !== undefined) out.path = o.path;
  if (o.host !== undefined) out.host = o.host;
  if (o.ids !== undefined) out.ids = o.ids;
  return out;
}

function findingId(o: Observation, productId: string): string {
  const s = o.source;
  return createHash("sha256")
    .update([s.file, s.line ?? "", s.record ?? "", s.pointer ?? "", o.host ?? "", productId, o.name].join("\u0000"))
    .digest("hex")
    .slice(0, 16);
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_RANK[b.status] - STATUS_RANK[a.status] ||
    a.vendor.localeCompare(b.vendor) ||
    a.product.id.localeCompare(b.product.id) ||
    a.source.file.localeCompare(b.source.file) ||
    (a.source.line ?? 0) - (b.source.line ?? 0) ||
    (a.source.record ?? 0) - (b.source.record ?? 0) ||
    a.id.localeCompare(b.id)
  );
}

/** A problem with how the command was called (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}
