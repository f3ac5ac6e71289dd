/**
 * @module
 * `npm run bench` (check part; alone: `node dist/bench/check.js [count]`): decisions per second
 * for 100k random transactions by ictsguard's engine (src/policy/decide.ts) and by the same
 * rules in Cedar (`@cedar-policy/cedar-wasm`, policies generated from the catalog by
 * cedar-policies.ts) in the same run, as a ratio; then the whole `check` (party names, product
 * names, explanation). Both engines must agree on every transaction: the bench prints the
 * agreement and fails if they do not.
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import type { CheckDecision } from "../src/model/decision.js";
import { DECISION_RANK, DECISIONS } from "../src/model/vocabulary.js";
import { buildCatalogIndex, type CatalogIndex } from "../src/match/catalog-index.js";
import { createChecker } from "../src/policy/check.js";
import { createDecider, type DecisionResult, type Transaction } from "../src/policy/decide.js";
import { catalogToCedar, createRequestBuilder } from "./cedar-policies.js";
import { randomInputs, randomTransactions } from "./transactions.js";

// Node.js 20.20's V8 aborted this process ("unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when the optimized code that had inlined the call
// into Cedar's WebAssembly was deoptimized while Cedar called back into JavaScript (its
// wasm-bindgen glue makes strings and objects, so a garbage collection can run there); whether it
// happened depended on what else the process had loaded. Not inlining those calls avoids it; the
// cost is one call's overhead against a decision of Cedar's (microseconds). Set before any code
// that calls Cedar is optimized. (ictsguard's own WebAssembly imports nothing: it never calls
// back into JavaScript.)
setFlagsFromString("--no-turbo-inline-js-wasm-calls");

/** A decision and its deciding rules, comparable across engines. */
export type Verdict = { decision: CheckDecision; rules: Map<string, CheckDecision> };

export function verdictKey(v: Verdict): string {
  return `${v.decision} ${[...v.rules].map(([r, d]) => `${r}:${d}`).sort().join(" ")}`;
}

export function fromDecide(r: DecisionResult): Verdict {
  return { decision: r.decision, rules: new Map(r.deciding.map((o) => [o.rule.id, o.decision])) };
}

let policySets = 0;

/** The Cedar engine over the catalog's rules: one preparsed policy set, one request per transaction. */
export function createCedarEngine(index: CatalogIndex): { decide(tx: Transaction): Verdict; policies: number; version: string } {
  const { policies, meaning } = catalogToCedar(index);
  const id = `ictsguard-${policySets++}`;
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: policies });
  if (parsed.type !== "success") throw new Error(`Cedar rejected the generated policies: ${parsed.errors.map((e) => e.message).join("; ")}`);
  const build = createRequestBuilder(index);
  return {
    policies: Object.keys(policies).length,
    version: cedar.getCedarVersion(),
    decide(tx) {
      const answer = cedar.statefulIsAuthorized({ ...build(tx), preparsedPolicySetId: id } as cedar.StatefulAuthorizationCall);
      if (answer.type !== "success") throw new Error(`Cedar failed: ${answer.errors.map((e) => e.message).join("; ")}`);
      const { decision, diagnostics } = answer.response;
      if (diagnostics.errors.length > 0) throw new Error(`Cedar policy errors: ${diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join("; ")}`);
      const rules = new Map<string, CheckDecision>();
      let strictest: CheckDecision = "allowed";
      if (decision === "deny") {
        for (const pid of diagnostics.reason) {
          const m = meaning.get(pid);
          if (!m) continue;
          const had = rules.get(m.rule);
          if (!had || DECISION_RANK[m.decision] > DECISION_RANK[had]) rules.set(m.rule, m.decision);
          if (DECISION_RANK[m.decision] > DECISION_RANK[strictest]) strictest = m.decision;
        }
      }
      return { decision: strictest, rules };
    },
  };
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export async function runCheckBench(count = 100_000): Promise<void> {
  const catalog = await loadCatalogOrThrow();
  const index = buildCatalogIndex(catalog);
  const decider = createDecider(index);
  const cedarEngine = createCedarEngine(index);
  const txs = randomTransactions(index, count, 7);
  process.stderr.write(`check bench: ${fmt(count)} random transactions, ${cedarEngine.policies} Cedar policies\n`);

  // warm both up (JIT, wasm tiers) on a slice first
  const warm = txs.slice(0, Math.min(count, 5000));
  for (let k = 0; k < 3; k++) for (const tx of warm) fromDecide(decider.decide(tx));
  for (const tx of warm) cedarEngine.decide(tx);
  const ours = timed(() => txs.map((tx) => fromDecide(decider.decide(tx))));
  const theirs = timed(() => txs.map((tx) => cedarEngine.decide(tx)));

  let agree = 0;
  const disagreements: string[] = [];
  const byDecision = Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<CheckDecision, number>;
  ours.value.forEach((v, i) => {
    byDecision[v.decision]++;
    const a = verdictKey(v);
    const b = verdictKey(theirs.value[i]!);
    if (a === b) agree++;
    else if (disagreements.length < 5) disagreements.push(`${JSON.stringify(txs[i])}\n    ictsguard: ${a}\n    cedar:     ${b}`);
  });

  // the whole check, as users call it: names and products resolved, explanation written
  const checker = createChecker(index);
  const inputs = randomInputs(catalog, count, 11);
  for (const t of inputs.slice(0, Math.min(count, 5000))) checker.check(t);
  const full = timed(() => inputs.map((t) => checker.check(t).decision));

  const rows = [
    ["ictsguard decide (src/policy/decide.ts)", ours.ms, count],
    [`Cedar ${cedarEngine.version} (@cedar-policy/cedar-wasm, preparsed policies)`, theirs.ms, count],
    ["ictsguard check (names, products, explanation)", full.ms, count],
  ] as const;
  const cedarRate = count / (theirs.ms / 1000);
  const table = rows.map(([label, ms, n]) => [label, `${fmt(ms)} ms`, fmt(n / (ms / 1000)), `${(n / (ms / 1000) / cedarRate).toFixed(1)}x`]);
  const head = ["engine", "time", "decisions/s", "vs Cedar"];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(`\n${line(head)}\n${line(widths.map((w) => "-".repeat(w)))}\n${table.map(line).join("\n")}\n`);
  process.stdout.write(
    `\nagreement: ${fmt(agree)} of ${fmt(count)} transactions (${((agree / count) * 100).toFixed(2)}%) have the same decision and the same deciding rules in both engines\n`,
  );
  process.stdout.write(`decisions: ${DECISIONS.map((d) => `${d} ${fmt(byDecision[d])}`).join(" · ")}\n`);
  process.stdout.write(`ratio = decisions/s / Cedar's decisions/s, same transactions, same run (node ${process.version}).\n`);
  if (agree !== count) {
    process.stderr.write(`engines disagree, first cases:\n  ${disagreements.join("\n  ")}\n`);
    throw new Error(`the engines disagree on ${count - agree} transactions`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runCheckBench(process.argv[2] ? Number(process.argv[2]) : undefined);
}
