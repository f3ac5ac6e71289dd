/**
 * @module
 * Small pieces the report writers share: writing text to a stream with backpressure, and the
 * few views of a finding that more than one format prints (its decisive rules, its citations,
 * its evidence, where it was seen), so that the formats say the same thing in the same words.
 */
import type { AppliedRule, Evidence } from "../model/finding.js";
import type { ResolvedFinding } from "./document.js";
import { formatSource } from "../model/errors.js";

/** Writes a chunk and resolves once the stream has taken it, so big reports respect backpressure. */
export function writeText(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** Effects that make a rule the reason for a status (as opposed to only naming the vendor). */
const DECISIVE: ReadonlySet<AppliedRule["effect"]> = new Set(["prohibits", "conditional", "ends-updates", "upcoming"]);

/**
 * The rules worth showing first: those that prohibit (or would, but for a condition), end updates or set a coming date. A
 * finding only listed (status `review`) has none of those, so then every rule is shown.
 * The core sorts rules strongest first, so the first one is the main rule.
 */
export function decisiveRules(f: Pick<ResolvedFinding, "rules">): AppliedRule[] {
  const decisive = f.rules.filter((r) => DECISIVE.has(r.effect));
  return decisive.length > 0 ? decisive : f.rules;
}

/** Every citation of a rule as text (source title, locator, "unconfirmed" where it is). */
export function ruleCitations(rule: AppliedRule): string[] {
  return rule.citations.length > 0 ? rule.citations.map((c) => c.text) : [rule.citation];
}

/** Citations of the decisive rules, de-duplicated, in rule order. */
export function findingCitations(f: Pick<ResolvedFinding, "rules">): string[] {
  return [...new Set(decisiveRules(f).flatMap(ruleCitations))];
}

/** One piece of evidence as `matcher/type: rule=value (0.95)`. */
export function formatEvidence(e: Evidence): string {
  return `${e.matcher}/${e.type}: ${e.found.rule}=${e.found.value} (${e.confidence.toFixed(2)})`;
}

/** The observed name with its version, unless the name already ends with it. */
export function observedLabel(f: Pick<ResolvedFinding, "observation">): string {
  const { name, version } = f.observation;
  return version && !name.endsWith(version) ? `${name} ${version}` : name;
}

/** `host · file:line`, or just the location when the inventory named no host. */
export function whereLabel(f: Pick<ResolvedFinding, "observation" | "source">): string {
  const at = formatSource(f.source);
  return f.observation.host ? `${f.observation.host} · ${at}` : at;
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
