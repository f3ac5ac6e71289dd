/**
 * @module
 * Applying the config's exceptions to findings. An exception applies when every selector it
 * names matches and today is on or before its expiry date; an exception that would match but
 * has expired no longer applies, and the finding says so. Expiry is judged on the real clock,
 * not `--as-of`: an exception is a decision made now, about now.
 */
import { compileGlob } from "../text/glob.js";
import type { ExceptionRule } from "../model/exception.js";
import type { ExceptionRef } from "../model/finding.js";
import type { Observation, SourceRef } from "../model/observation.js";

export type ExceptionOutcome = { active?: ExceptionRef; expired: ExceptionRef[] };

/** What an exception is matched against: one observation of a product (a finding merges many). */
export type ExceptionSubject = {
  /** Product id. */
  product: string;
  /** Vendor group id. */
  vendor: string;
  observation: Pick<Observation, "host" | "path" | "name" | "ids">;
  source: Pick<SourceRef, "file">;
};

export type ExceptionMatcher = (subject: ExceptionSubject) => ExceptionOutcome;

export function createExceptionMatcher(rules: readonly ExceptionRule[], today: string): ExceptionMatcher {
  const compiled = rules.map((rule, i) => {
    // linear-time globs (src/text/glob.ts): the subjects are input text
    const glob = (pattern: string | undefined) => (pattern ? compileGlob(pattern) : undefined);
    const ref: ExceptionRef = {
      index: i + 1,
      reason: rule.reason,
      author: rule.author,
      expires: rule.expires,
      match: Object.fromEntries(
        (["product", "vendor", "host", "path", "identifier"] as const).flatMap((k) => (rule[k] ? [[k, rule[k]!]] : [])),
      ),
    };
    return { rule, ref, product: glob(rule.product), vendor: glob(rule.vendor), host: glob(rule.host), path: glob(rule.path) };
  });

  return (subject) => {
    const outcome: ExceptionOutcome = { expired: [] };
    for (const c of compiled) {
      const o = subject.observation;
      if (c.product && !c.product(subject.product)) continue;
      if (c.vendor && !c.vendor(subject.vendor)) continue;
      if (c.host && !(o.host && c.host(o.host))) continue;
      if (c.path) {
        const paths = [o.path, subject.source.file].filter((p): p is string => Boolean(p)).map((p) => p.replace(/\\/g, "/"));
        if (!paths.some((p) => c.path!(p))) continue;
      }
      if (c.rule.identifier) {
        const wanted = c.rule.identifier.toLowerCase();
        const values = [o.name, ...Object.values(o.ids ?? {})].filter(Boolean).map((v) => String(v).toLowerCase());
        if (!values.includes(wanted)) continue;
      }
      if (c.rule.expires >= today) {
        outcome.active ??= c.ref;
      } else {
        outcome.expired.push(c.ref);
      }
    }
    return outcome;
  };
}
