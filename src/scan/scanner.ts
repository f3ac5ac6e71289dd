/**
 * @module
 * The scanner: observations in, one report document out. It knows nothing of files: `scan`
 * feeds it what the readers and collectors yield, and the fleet server feeds it what agents
 * upload. Each observation is matched, judged and merged into the finding of its (host,
 * product) at once, so memory follows distinct (host, product) pairs, not observations.
 *
 * ```ts
 * import { createScanner, loadActiveCatalog } from "ictsguard";
 * const scanner = createScanner({ catalog: await loadActiveCatalog(), profile: "business", asOf: "2025-01-01" });
 * scanner.add({ kind: "software", name: "Kaspersky Endpoint Security", host: "ws-1", source: { file: "agent" } });
 * const report = await scanner.finish(); // report.findings[0].status === "unsupported"
 * ```
 *
 * Work per finding is done once per distinct (product, vendor, confidence): judgments, their
 * rule references and remediation ids are cached, and merging into an existing finding only
 * counts and adds evidence not seen before.
 */
import { DEFAULTS } from "../config/defaults.js";
import type { ExceptionRule } from "../model/exception.js";
import type { Catalog, Profile } from "../model/catalog.js";
import {
  STATUS_RANK,
  STATUSES,
  type CollectedSource,
  type DeadlineRef,
  type Evidence,
  type ExceptionRef,
  type Finding,
  type LookalikeHit,
  type Match,
  type ReportCatalog,
  type ReportDocument,
  type ReportProduct,
  type ReportRemediation,
  type ReportRule,
  type RuleRef,
  type Status,
  type SuppressedFinding,
} from "../model/finding.js";
import type { Issue } from "../model/issue.js";
import type { Observation } from "../model/observation.js";
import { buildCatalogIndex, createCachedMatcher } from "../match/index.js";
import { buildPrefilter, type Prefilter } from "../match/prefilter.js";
import { createExceptionMatcher, type ExceptionOutcome } from "../policy/exceptions.js";
import { createPolicy, type Judgment } from "../policy/judge.js";
import { parseAsOf, today as todayOf, type AsOf } from "../policy/time.js";
import type { RepeatCount, ReportableIssue } from "../readers/types.js";
import { PACKAGE_VERSION } from "../util/package-root.js";
import { findingId, hostKeyOf } from "./finding-id.js";
import { observationProblem } from "./observation-check.js";
import { scannerOptionsProblem } from "./options-check.js";
import { createNetworkAggregator } from "./network.js";
import { createLiveRows } from "./live-rows.js";
import { remediationId } from "./remediation-id.js";

/** Look-alike hits kept in the report (all are counted): enough to explain, bounded for huge inputs. */
export const MAX_LOOKALIKES_KEPT = 1000;
/** Distinct (product, vendor, confidence) judgments cached; in practice a few hundred. */
const MAX_JUDGMENTS_KEPT = 10_000;
/** Repeat keys of look-alike-only (and of clean) records remembered (see `Scanner.repeat`); each set is cleared when full. */
const MAX_REPEAT_KEYS = 50_000;
/**
 * Repeat keys of matched records remembered (see `Scanner.repeatHit`), cleared when full: fewer,
 * as each holds its matches and the observation they were made from (a few hundred bytes).
 */
const MAX_HIT_KEYS = 10_000;
/** Distinct pieces of evidence kept on one finding; more are counted in `count`, not listed. */
const MAX_EVIDENCE_PER_FINDING = 16;

export type ScannerOptions = {
  catalog: Catalog;
  profile: Profile;
  /** The date (YYYY-MM-DD) or zoned instant to judge on. */
  asOf: AsOf | string;
  /** Accepted findings (the config's `exceptions`), applied to each observation. */
  exceptions?: readonly ExceptionRule[];
  /** The status at or above which `summary.failed` is true (default `DEFAULTS.failOn.scan`: deadline). */
  failOn?: Status | "none";
  /** The real date, for exception expiry; defaults to the machine's clock. */
  today?: string;
  /** Where the catalog came from and how old it is (see catalog/active.ts). */
  catalogInfo?: Pick<ReportCatalog, "origin" | "ageDays" | "stale">;
  /** Called once for each new finding id, as it is made (later observations may still merge into it). */
  onFinding?: (finding: Finding) => void;
  /** Called once per issue as it is reported. */
  onIssue?: (issue: Issue) => void;
  /**
   * False once look-alikes this scanner keeps would never reach the report: a part of a file
   * read in parts (./read-part.ts) whose earlier parts already fill the report's list. From then
   * on it keeps none, and counts look-alike-only records by their repeat key. Once false it must
   * stay false (a key counted is counted for good).
   */
  keepsLookalikes?: () => boolean;
  /**
   * Called for each observation the matchers ran on (not for skipped or repeated ones), with
   * whether it matched a product and whether it was a look-alike: a worker of a parallel scan
   * (./parallel-read.ts) forwards these to the scan that reports.
   */
  onMatched?: (observation: Observation, outcome: { matched: boolean; lookalike: boolean }) => void;
};

export interface Scanner {
  /**
   * One observation; it carries its own `source`. `repeatKey` (readers' fast paths, see
   * `ReadContext.repeat`) determines the observation up to host, version and source. A value
   * that is not an Observation (src/model/observation.ts) throws a TypeError naming the field
   * and the call's number; it is not added, and nothing added before is lost.
   */
  add(observation: Observation, repeatKey?: string): void;
  /**
   * True, and the record counted, when the observation last added with `repeatKey` needs nothing
   * more than a count: it matched nothing and was no look-alike (counted as one more
   * observation), or it was only a look-alike and the report keeps no more look-alikes (counted
   * as one more observation and look-alike). Sound because no matcher, look-alike rule or
   * judgment reads an observation's host, version, time or source, and the key determines the
   * rest (see `ReadContext.repeat`).
   */
  repeat(repeatKey: string): boolean;
  /**
   * How `repeat(repeatKey)` counts the key's records for the rest of the scan, if it only counts
   * them (see `ReadContext.repeatCounted`); nothing is counted.
   */
  repeatCounted(repeatKey: string): RepeatCount | undefined;
  /**
   * True, and the record merged, when the observation last added with `repeatKey` matched (and
   * was no look-alike) and each of its findings on `host` exists already: one more row of the
   * same program on the same host only counts, names its `source` as the finding's last, and
   * brings the same evidence. False, with nothing counted, when the caller must add the
   * observation: a new finding takes the observation's own fields, and an exception may read
   * any of them (so a scanner with exceptions always answers false). `host` is the
   * observation's `host` as it would be added.
   */
  repeatHit(repeatKey: string, host: string | undefined, source: Observation["source"]): boolean;
  /**
   * Observations a reader counted but did not build, because they cannot match (a prefilter);
   * `lookalikes` of them were look-alikes the report keeps no more of (a parallel worker's count).
   */
  skip(count: number, lookalikes?: number): void;
  /** A located problem with the input; it goes to the report's `errors` (severity `error` unless given). */
  issue(issue: ReportableIssue): void;
  /** An input's name, for the report's `inputs` (a file, `-`, `host:name`, an upload id). */
  input(name: string): void;
  /** What a host collector read, for the report's `collected` (present once this is called). */
  collected(sources: readonly CollectedSource[]): void;
  /**
   * The catalog's literal prefilter (match/prefilter.ts), built on first use: a reader given it
   * may skip raw records that cannot match and report them through `skip`.
   */
  prefilter(): Prefilter;
  /** Observations taken so far, skipped ones included. */
  readonly observations: number;
  /** The merged report document; the scanner takes nothing after it. */
  finish(): Promise<ReportDocument>;
}

/** A judgment as findings carry it: computed once per (product, vendor, confidence). */
type Verdict = {
  status: Status;
  reason: string;
  rules: RuleRef[];
  deadline?: string;
  deadlines?: DeadlineRef[];
  remediation: string;
};

type FindingState = {
  finding: Finding;
  /**
   * `matcher rule value` of every piece of evidence on the finding, made when a second list of
   * evidence comes (most findings only ever see one: see `lastEvidence`).
   */
  evidenceKeys?: Set<string>;
  /**
   * The evidence list last merged in. The matcher's memo hands the same list to every
   * observation of one program (see createCachedMatcher), so one more row of the same program on
   * the same host (the same inventory again, another file of it) adds nothing new: checked by
   * identity, not piece by piece. Another observation (its service, its process) brings another
   * list, merged piece by piece.
   */
  lastEvidence?: readonly Evidence[];
  /** Observations an active exception covered; all of them: the finding is suppressed. */
  excepted: number;
  exception?: ExceptionRef;
};

/**
 * Every field of an observation a matcher reads (name, vendor, path, identifiers), one per line:
 * what the scanner runs the prefilter over before matching (and readers' fast-path tests check
 * their counted observations against).
 */
export function matchedText(o: Observation): string {
  let text = o.name;
  if (o.vendor !== undefined) text += "\n" + o.vendor;
  if (o.path !== undefined) text += "\n" + o.path;
  if (o.ids !== undefined) for (const v of Object.values(o.ids)) if (typeof v === "string") text += "\n" + v;
  return text;
}

export function createScanner(options: ScannerOptions): Scanner {
  const problem = scannerOptionsProblem(options);
  if (problem !== undefined) throw new TypeError(`createScanner: ${problem}`);
  const index = buildCatalogIndex(options.catalog);
  const policy = createPolicy(index);
  policy.profile(options.profile); // fails early for a profile the catalog does not define
  const asOf = typeof options.asOf === "string" ? parseAsOf(options.asOf) : options.asOf;
  const match = createCachedMatcher(index);
  const exceptionRules = options.exceptions ?? [];
  const exceptions = exceptionRules.length > 0 ? createExceptionMatcher(exceptionRules, options.today ?? todayOf()) : undefined;
  const network = createNetworkAggregator(index);
  const liveRows = createLiveRows();

  const rules = new Map<string, ReportRule>();
  const products = new Map<string, ReportProduct>();
  const remediations = new Map<string, ReportRemediation>();
  const verdicts = new Map<string, Map<string, Map<number, Verdict>>>();
  let verdictsKept = 0;
  const states = new Map<string, FindingState>();
  const ids = new Map<string, Map<string, string>>(); // product → hostKey → id (hashing once per pair, no key string to build)
  const lookalikes: LookalikeHit[] = [];
  const errors: Issue[] = [];
  const inputs: string[] = [];
  /** Set once a collector has reported (`scan --host`), even with nothing collected. */
  let collected: CollectedSource[] | undefined;
  let lookalikeCount = 0;
  let lookalikeOnly = new Set<string>();
  /** Repeat keys whose observation matched nothing and was no look-alike. */
  let clean = new Set<string>();
  /** Repeat keys whose observation matched, each with its matches (see `repeatHit`). */
  let hits = new Map<string, readonly Match[]>();
  let observations = 0;
  /** Calls of `add`, to name a refused observation by its number. */
  let added = 0;
  let finished = false;
  let prefilter: Prefilter | undefined;
  const wanted = options.keepsLookalikes;
  /** Whether one more look-alike is kept: the list has room, and the report still wants them. */
  const keepsLookalike = (): boolean => lookalikes.length < MAX_LOOKALIKES_KEPT && (wanted === undefined || wanted());

  const verdictOf = (m: Match): Verdict => {
    // product id → vendor id → confidence: three lookups of values the match already holds, no
    // key to build for each observation (the same product on thousands of hosts)
    let byVendor = verdicts.get(m.product.id);
    if (!byVendor) verdicts.set(m.product.id, (byVendor = new Map()));
    let byConfidence = byVendor.get(m.vendor.id);
    if (!byConfidence) byVendor.set(m.vendor.id, (byConfidence = new Map()));
    let v = byConfidence.get(m.confidence);
    if (!v) {
      v = toVerdict(policy.judge(m, options.profile, asOf));
      if (verdictsKept < MAX_JUDGMENTS_KEPT) {
        byConfidence.set(m.confidence, v);
        verdictsKept++;
      }
    }
    return v;
  };

  const toVerdict = (j: Judgment): Verdict => {
    for (const r of j.rules) {
      let rule = rules.get(r.id);
      if (!rule) rules.set(r.id, (rule = policy.describeRule(r.id, options.profile)!));
      // a condition that left this answer to review is listed with its rule, once
      if (r.condition && !rule.conditions?.some((c) => c.id === r.condition!.id)) (rule.conditions ??= []).push(r.condition);
    }
    const remediation = remediationId(j.remediation, j.removal);
    remediations.set(remediation, { id: remediation, text: j.remediation, ...(j.removal ? { removal: j.removal } : {}) });
    return {
      status: j.status,
      reason: j.reason,
      rules: j.rules.map((r) => ({
        id: r.id,
        ...(r.effect !== "lists" ? { effect: r.effect } : {}),
        ...(r.phase ? { phase: r.phase.id } : {}),
        ...(r.condition ? { condition: r.condition.id } : {}),
      })),
      ...(j.deadline ? { deadline: j.deadline } : {}),
      ...(j.deadlines.length > 0 ? { deadlines: j.deadlines.map((d) => ({ date: d.date, rule: d.ruleId, phase: d.phase, actions: d.actions })) } : {}),
      remediation,
    };
  };

  const idOf = (hostKey: string, productId: string): string => {
    let byHost = ids.get(productId);
    if (byHost === undefined) ids.set(productId, (byHost = new Map()));
    let id = byHost.get(hostKey);
    if (id === undefined) {
      id = findingId(hostKey, productId);
      byHost.set(hostKey, id);
    }
    return id;
  };

  const exceptionOf = (m: Match): ExceptionOutcome | undefined =>
    exceptions?.({ product: m.product.id, vendor: m.vendor.id, observation: m.observation, source: m.observation.source });

  /** Merges one match into its finding, making the finding when it is the first. */
  const record = (m: Match, extra?: { reasonPrefix?: string; network?: Finding["network"]; count?: number }): void => {
    const o = m.observation;
    const hostKey = hostKeyOf(o);
    const id = idOf(hostKey, m.product.id);
    const verdict = verdictOf(m);
    const outcome = exceptionOf(m);
    const count = extra?.count ?? 1;
    let state = states.get(id);
    if (!state) {
      if (!products.has(m.product.id)) {
        products.set(m.product.id, { ...m.product, vendor: m.vendor.id, vendorName: m.vendor.name, ...(m.vendor.country ? { country: m.vendor.country } : {}) });
      }
      const finding: Finding = {
        id,
        source: o.source,
        count: 0,
        observation: pick(o),
        vendor: m.vendor.id,
        product: m.product.id,
        ...verdictFields(verdict, extra?.reasonPrefix),
        confidence: m.confidence,
        evidence: [],
        ...(extra?.network ? { network: extra.network } : {}),
      };
      state = { finding, excepted: 0 };
      states.set(id, state);
      addEvidence(state, m.evidence);
      merge(state, count, outcome);
      options.onFinding?.(finding);
      return;
    }
    merged(state, m, o.source, verdict, extra, count, outcome);
  };

  /** Merges one more match into an existing finding: `source` becomes its last. */
  const merged = (
    state: FindingState,
    m: Match,
    source: Observation["source"],
    verdict?: Verdict,
    extra?: { reasonPrefix?: string; network?: Finding["network"] },
    count = 1,
    outcome?: ExceptionOutcome,
  ): void => {
    const f = state.finding;
    f.lastSource = source;
    if (m.confidence > f.confidence) {
      // a stronger observation of the same product decides the judgment; `observation` and
      // `source` stay the first one's, so the two always describe the same thing
      Object.assign(f, verdictFields(verdict ?? verdictOf(m), extra?.reasonPrefix), { confidence: m.confidence });
    }
    if (extra?.network && !f.network) f.network = extra.network;
    addEvidence(state, m.evidence);
    merge(state, count, outcome);
  };

  const merge = (state: FindingState, count: number, outcome: ExceptionOutcome | undefined): void => {
    state.finding.count += count;
    if (!outcome) return;
    if (outcome.active) {
      state.excepted += count;
      state.exception ??= outcome.active;
    }
    for (const e of outcome.expired) {
      const list = (state.finding.expiredExceptions ??= []);
      if (!list.some((x) => x.index === e.index)) list.push(e);
    }
  };

  const addEvidence = (state: FindingState, evidence: readonly Evidence[]): void => {
    if (evidence === state.lastEvidence) return;
    const list = state.finding.evidence;
    const keys = list.length === 0 ? new Set<string>() : (state.evidenceKeys ??= new Set(list.map(evidenceKey)));
    state.lastEvidence = evidence;
    let added = false;
    for (const e of evidence) {
      if (list.length >= MAX_EVIDENCE_PER_FINDING) break;
      const key = evidenceKey(e);
      if (keys.has(key)) continue;
      keys.add(key);
      list.push(e);
      added = true;
    }
    if (added) list.sort((a, b) => b.confidence - a.confidence);
  };

  /**
   * The prefilter on an observation's own fields, before the matchers: every matcher and
   * look-alike rule reads only its kind, name, vendor, path and identifiers, so one with no
   * catalog literal in those (and nothing the literals cannot judge) has no match and is no
   * look-alike. Readers without a fast path (SBOMs: every component has its own purl and hash,
   * so the match memo never hits) then skip the matchers for clean components. A MAC address is
   * read in any notation (the OUI need not be a substring), so a device with one is always matched.
   */
  const cannotMatch = (o: Observation): boolean => {
    if (o.ids?.mac !== undefined) return false;
    return !(prefilter ??= buildPrefilter(index)).mayMatchText(matchedText(o));
  };

  const rememberClean = (repeatKey: string): void => {
    if (clean.size >= MAX_REPEAT_KEYS) clean = new Set();
    clean.add(repeatKey);
  };

  /**
   * A differential log's `removed` row: each finding its `added` row counted (the same columns
   * match the same products) counts one row less (see ./live-rows.ts). Matched as any observation,
   * so that a parallel part sends it on (`onMatched`); never a look-alike.
   */
  const takeBack = (o: Observation, row: string): void => {
    if (cannotMatch(o)) return;
    const { matches } = match(o);
    options.onMatched?.(o, { matched: matches.length > 0, lookalike: false });
    for (const m of matches) {
      const id = idOf(hostKeyOf(o), m.product.id);
      if (!liveRows.removed(id, row)) continue;
      const state = states.get(id)!;
      state.finding.count--;
      if (exceptionOf(m)?.active) state.excepted--;
    }
  };

  const issue = (i: ReportableIssue): void => {
    const full: Issue = { severity: "error", ...i };
    errors.push(full);
    options.onIssue?.(full);
  };

  return {
    add(o, repeatKey) {
      if (finished) throw new Error("the scanner has finished: create a new one");
      // code calls this, not only our readers: a malformed value is refused whole, by its number,
      // before it could crash a matcher or pass as clean (a name that is no string matches nothing)
      added++;
      const problem = observationProblem(o);
      if (problem !== undefined) throw new TypeError(`scanner.add: observation ${added} is not an Observation (${problem}); it was not added, and the ones before it are kept`);
      // a row gone from its host (a differential log's `removed`) is no observation: it takes one back
      if (o.change?.action === "removed") return takeBack(o, o.change.row);
      observations++;
      if (cannotMatch(o)) {
        if (repeatKey !== undefined) rememberClean(repeatKey);
        return;
      }
      const { matches, lookalike } = match(o);
      options.onMatched?.(o, { matched: matches.length > 0, lookalike: lookalike !== undefined });
      if (repeatKey !== undefined && matches.length === 0 && !lookalike) rememberClean(repeatKey);
      if (lookalike) {
        lookalikeCount++;
        if (keepsLookalike()) lookalikes.push(o.change ? { ...lookalike, observation: withoutChange(o) } : lookalike);
        if (repeatKey !== undefined && matches.length === 0) {
          if (lookalikeOnly.size >= MAX_REPEAT_KEYS) lookalikeOnly = new Set();
          lookalikeOnly.add(repeatKey);
        }
      }
      let recorded = 0;
      for (const m of matches) {
        if (network.add(m)) continue;
        record(m);
        if (o.change) liveRows.added(idOf(hostKeyOf(o), m.product.id), o.change.row);
        recorded++;
      }
      // a program's later rows on a host it was already found on merge by key (repeatHit); a DNS
      // lookup goes to the network aggregator, which counts per client, so it is never kept
      if (repeatKey !== undefined && recorded > 0 && recorded === matches.length && !lookalike && !exceptions) {
        if (hits.size >= MAX_HIT_KEYS) hits = new Map();
        hits.set(repeatKey, matches);
      }
    },
    repeat(repeatKey) {
      if (finished) return false;
      if (clean.has(repeatKey)) {
        observations++;
        return true;
      }
      if (!lookalikeOnly.has(repeatKey) || keepsLookalike()) return false;
      observations++;
      lookalikeCount++;
      return true;
    },
    repeatCounted(repeatKey) {
      if (finished) return undefined;
      if (clean.has(repeatKey)) return "clean";
      // the kept look-alikes never shrink (and keepsLookalikes stays false): a look-alike-only key is counted for good
      return lookalikeOnly.has(repeatKey) && !keepsLookalike() ? "lookalike" : undefined;
    },
    repeatHit(repeatKey, host, source) {
      if (finished) return false;
      const matches = hits.get(repeatKey);
      if (!matches) return false;
      const hostKey = hostKeyOf({ host, source });
      const found = matches.map((m) => states.get(idOf(hostKey, m.product.id)));
      if (found.includes(undefined)) return false;
      observations++;
      for (let i = 0; i < matches.length; i++) merged(found[i]!, matches[i]!, source);
      return true;
    },
    skip(count, lookalikes = 0) {
      observations += count;
      lookalikeCount += lookalikes;
    },
    issue,
    input(name) {
      inputs.push(name);
    },
    collected(sources) {
      (collected ??= []).push(...sources);
    },
    prefilter() {
      return (prefilter ??= buildPrefilter(index));
    },
    get observations() {
      return observations;
    },
    async finish() {
      if (finished) throw new Error("the scanner has finished already");
      finished = true;
      // DNS and proxy logs: one match per client and vendor, merged like any other observation
      for (const n of network.findings()) record(n.match, { reasonPrefix: n.sentence, network: n.network, count: n.network.total });
      const informational = network.informational();

      const findings: Finding[] = [];
      const suppressed: SuppressedFinding[] = [];
      const made = new Map<Evidence, Evidence>();
      for (const s of states.values()) {
        // every row of it was removed from its host (a differential log): not on the host any more
        if (s.finding.count <= 0) continue;
        s.finding.evidence = withoutRepeatedSearch(s.finding.evidence, s.finding.observation, made);
        if (s.exception && s.excepted >= s.finding.count) suppressed.push({ ...s.finding, exception: s.exception });
        else findings.push(s.finding);
      }
      findings.sort(compareFindings);
      suppressed.sort(compareFindings);
      const byStatus = Object.fromEntries(STATUSES.map((st) => [st, 0])) as Record<Status, number>;
      for (const f of findings) byStatus[f.status]++;
      const failOn = options.failOn ?? DEFAULTS.failOn.scan;
      const failed = failOn !== "none" && findings.some((f) => STATUS_RANK[f.status] >= STATUS_RANK[failOn]);
      const used = new Set([...findings, ...suppressed].flatMap((f) => f.rules.map((r) => r.id)));
      const usedProducts = new Set([...findings, ...suppressed].map((f) => f.product));
      return {
        reportVersion: 2,
        tool: { name: "ictsguard", version: PACKAGE_VERSION },
        catalog: { version: options.catalog.version, date: options.catalog.date, digest: options.catalog.digest, ...options.catalogInfo },
        asOf: asOf.date,
        ...(asOf.instant !== undefined ? { asOfInstant: new Date(asOf.instant).toISOString() } : {}),
        profile: options.profile,
        generatedAt: new Date().toISOString(),
        inputs,
        rules: [...rules.values()].filter((r) => used.has(r.id)).sort((a, b) => a.id.localeCompare(b.id)),
        products: [...products.values()].filter((p) => usedProducts.has(p.id)).sort((a, b) => a.id.localeCompare(b.id)),
        remediations: [...remediations.values()].sort((a, b) => a.id.localeCompare(b.id)),
        findings,
        suppressed,
        lookalikes,
        informational,
        summary: {
          observations,
          inputs: inputs.length,
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
        ...(collected ? { collected } : {}),
      };
    },
  };
}

/** The observation as the report shows it, without its differential-log row (a key the scan counts rows by, not evidence). */
function withoutChange(o: Observation): Observation {
  const { change: _change, ...rest } = o;
  return rest;
}

/** What tells two pieces of evidence apart on one finding. */
function evidenceKey(e: Evidence): string {
  return `${e.matcher}\u0000${e.found.rule}\u0000${e.found.value}`;
}

function verdictFields(v: Verdict, reasonPrefix?: string): Pick<Finding, "status" | "reason" | "rules" | "deadline" | "deadlines" | "remediation"> {
  return {
    status: v.status,
    reason: reasonPrefix ? `${reasonPrefix} ${v.reason}` : v.reason,
    rules: v.rules,
    ...(v.deadline ? { deadline: v.deadline } : {}),
    ...(v.deadlines ? { deadlines: v.deadlines } : {}),
    remediation: v.remediation,
  };
}

/**
 * Evidence names only the fields it searched (`searched`), not their values, when every value
 * searched is a field of the finding's own observation (the common case): the report says each
 * value once. Evidence from another observation merged into the finding (its service, its
 * process) keeps `searchedBy` with the values.
 */
function withoutRepeatedSearch(evidence: Evidence[], o: Finding["observation"], made: Map<Evidence, Evidence>): Evidence[] {
  return evidence.map((e) => {
    if (!e.searchedBy || !Object.values(e.searchedBy).every((v) => isOwnValue(o, v))) return e;
    // the same evidence (one program's, on thousands of hosts) becomes the same object, made once
    let out = made.get(e);
    if (out === undefined) {
      const { searchedBy, ...rest } = e;
      made.set(e, (out = { ...rest, searched: Object.keys(searchedBy) }));
    }
    return out;
  });
}

/** Whether `value` is one of the values of an observation's fields a matcher searches. */
function isOwnValue(o: Finding["observation"], value: string): boolean {
  return value === o.name || value === o.vendor || value === o.version || value === o.path || (o.ids !== undefined && Object.values(o.ids).includes(value));
}

function pick(o: Observation): Finding["observation"] {
  const out: Finding["observation"] = { kind: o.kind, name: o.name };
  if (o.vendor !== undefined) out.vendor = o.vendor;
  if (o.version !== undefined) out.version = o.version;
  if (o.path !== undefined) out.path = o.path;
  if (o.host !== undefined) out.host = o.host;
  if (o.ids !== undefined) out.ids = o.ids;
  return out;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_RANK[b.status] - STATUS_RANK[a.status] ||
    a.vendor.localeCompare(b.vendor) ||
    a.product.localeCompare(b.product) ||
    (a.observation.host ?? "").localeCompare(b.observation.host ?? "") ||
    a.source.file.localeCompare(b.source.file) ||
    (a.source.line ?? 0) - (b.source.line ?? 0) ||
    (a.source.record ?? 0) - (b.source.record ?? 0) ||
    a.id.localeCompare(b.id)
  );
}
