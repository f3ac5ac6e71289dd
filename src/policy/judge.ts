/**
 * @module
 * Judging a match for a profile on a date, on top of the transaction engine (decide.ts), so a
 * scan and `ictsguard check` cannot disagree. Holding software amounts to the profile's
 * `holdingActions` (everyone `use`s it; a reseller also resells and licenses it); the product's
 * vendor is the transaction's maker. Each action is decided, and the decisions make one status:
 *
 * - `prohibited`: a holding action is `prohibited` for this profile;
 * - `unsupported`: `update` is prohibited (or needs a license): the product can no longer be kept safe;
 * - `deadline`: a phase still to come changes a decision for this profile (its date is given);
 * - `review`: a low-confidence match, or a listed vendor that no rule restricts for this profile.
 *
 * A rule that would prohibit holding but is left for review by a condition (decide.ts) is
 * `conditional`: listed first, named in the reason; the status is what is certain. The vendor's
 * own removal tool is `review`: removal under way, with the product's removal guides.
 */
import type { Action, Catalog, Citation, Phase, Profile, ProfileDef, Rule, Source } from "../model/catalog.js";
import { ACTIONS, obligationText } from "../model/vocabulary.js";
import type { AppliedRule, Deadline, Match, RemovalView, RenderedCitation, ReportRule, Status } from "../model/finding.js";
import type { CatalogIndex } from "../match/catalog-index.js";
import { IctsError } from "../model/errors.js";
import { REVIEW_BELOW } from "./confidence.js";
import { compareStarts, createDecider, type RuleOutcome, type Transaction } from "./decide.js";
import { orderCitations } from "./citations.js";
import { dutiesInForce, dutyFallsOn } from "./phase-scope.js";
import { isInForce, type AsOf } from "./time.js";

export { REVIEW_BELOW };

export type Judgment = {
  status: Status;
  reason: string;
  rules: AppliedRule[];
  deadlines: Deadline[];
  deadline?: string;
  remediation: string;
  /** Removal per platform (catalog data); `underWay` when the product is the vendor's removal tool. */
  removal?: RemovalView;
};

type Effect = AppliedRule["effect"];
const EFFECT_RANK: Record<Effect, number> = {
  prohibits: 6,
  conditional: 5,
  "ends-updates": 4,
  upcoming: 3,
  "restricts-transactions": 2,
  lists: 1,
  excluded: 0,
};

export type Policy = {
  judge(match: Match, profile: Profile, asOf: AsOf): Judgment;
  /** A rule as the report's `rules` table prints it for a profile: title, phases, citations and the profile's duties, rendered once. */
  describeRule(id: string, profile: Profile): ReportRule | undefined;
  profile(id: Profile): ProfileDef;
  /** A human citation string: `title, locator` (and "unconfirmed" where it is). */
  cite(c: Citation): string;
};

export type { RenderedCitation };

const RESTRICTIVE = new Set(["prohibited", "license-required"]);

export function createPolicy(index: CatalogIndex): Policy {
  const catalog: Catalog = index.catalog;
  const sources = new Map<string, Source>(catalog.sources.map((s) => [s.id, s]));
  const profiles = new Map<string, ProfileDef>(catalog.profiles.map((p) => [p.id, p]));
  const decider = createDecider(index);

  const cite = (c: Citation): string => {
    const source = sources.get(c.source);
    const title = source?.title ?? c.source;
    return `${title}${c.locator ? `, ${c.locator}` : ""}${c.confirmed ? "" : " (unconfirmed)"}`;
  };

  const render = (list: Citation[]): RenderedCitation[] =>
    list.map((c) => {
      const url = sources.get(c.source)?.url;
      return { ...c, text: cite(c), ...(url ? { url } : {}) };
    });

  const profileDef = (id: Profile): ProfileDef => {
    const def = profiles.get(id);
    if (!def) throw new IctsError("catalog/profile", `the catalog defines no profile "${id}"`);
    return def;
  };

  /** The earliest of these phases in the rule's own order (the first that decides). */
  const firstPhase = (rule: Rule, phases: (Phase | undefined)[]): Phase | undefined => {
    let best: Phase | undefined;
    for (const p of phases) if (p && (!best || rule.phases.indexOf(p) < rule.phases.indexOf(best))) best = p;
    return best;
  };

  /** One rule's effect on a holder, from its decisions for every action. */
  const applied = (rule: Rule, byAction: Map<Action, RuleOutcome>, def: ProfileDef, asOf: AsOf): { applied: AppliedRule; deadlines: Deadline[] } => {
    const outcomes = [...byAction.values()];
    const restricting = (a: Action): RuleOutcome | undefined => {
      const o = byAction.get(a);
      return o && RESTRICTIVE.has(o.decision) ? o : undefined;
    };
    let effect: Effect = "lists";
    let deciding: Phase | undefined;
    let condition: RuleOutcome["condition"];
    const held = def.holdingActions.map((a) => byAction.get(a)).filter((o) => o?.decision === "prohibited");
    const conditional = def.holdingActions.map((a) => byAction.get(a)).filter((o) => o?.review === "condition" && o.condition);
    const covered = outcomes.filter((o) => o.coverage === "covered");
    const upcoming = covered.flatMap((o) => o.upcoming);
    if (held.length > 0) {
      effect = "prohibits";
      deciding = firstPhase(rule, held.map((o) => o!.phase));
    } else if (conditional.length > 0) {
      effect = "conditional";
      deciding = firstPhase(rule, conditional.map((o) => o!.phase));
      condition = conditional[0]!.condition;
    } else if (restricting("update")) {
      effect = "ends-updates";
      deciding = restricting("update")!.phase;
    } else if (upcoming.length > 0) {
      effect = "upcoming";
      deciding = upcoming.map((u) => u.phase).sort((a, b) => compareStarts(a.from, b.from))[0];
    } else {
      const restricted = ACTIONS.map(restricting).filter((o) => o !== undefined);
      if (restricted.length > 0) {
        effect = "restricts-transactions";
        deciding = firstPhase(rule, restricted.map((o) => o.phase));
      }
    }

    // One deadline per coming phase, with the actions it ends for this profile.
    const deadlines = new Map<Phase, Set<Action>>();
    for (const [action, o] of byAction) {
      if (o.coverage !== "covered") continue;
      for (const u of o.upcoming) deadlines.set(u.phase, (deadlines.get(u.phase) ?? new Set()).add(action));
    }
    const group = outcomes[0] ? index.groupOf(outcomes[0].subject.entity).id : undefined;
    const obligations = dutiesInForce(rule, asOf, group, def.id, index.groupOf).map(obligationText);
    const citations = orderCitations(deciding?.citations, rule.citations, sources);
    return {
      applied: {
        id: rule.id,
        title: rule.title,
        effect,
        citation: cite(citations[0]!),
        citations: render(citations),
        obligations,
        ...(condition ? { condition: { id: condition.id, text: condition.text.trim(), citations: render(condition.citations) } } : {}),
        ...(deciding
          ? {
              phase: {
                id: deciding.id,
                label: deciding.label,
                from: deciding.from,
                fromConfirmed: deciding.fromConfirmed,
                inForce: isInForce(deciding, asOf),
              },
            }
          : {}),
      },
      deadlines: [...deadlines].map(([phase, actions]) => ({
        date: phase.from,
        ruleId: rule.id,
        phase: phase.id,
        label: phase.label,
        actions: ACTIONS.filter((a) => actions.has(a)),
      })),
    };
  };

  const judge = (match: Match, profile: Profile, asOf: AsOf): Judgment => {
    const def = profileDef(profile);
    const base: Omit<Transaction, "action"> = {
      role: profile,
      subjects: [{ entity: match.vendor.id, as: "maker", confidence: 1 }],
      category: match.product.category,
      relation: match.product.relation,
      asOf,
    };
    // every action decided; a rule's coverage does not depend on the action
    const byRule = new Map<Rule, Map<Action, RuleOutcome>>();
    for (const action of ACTIONS) {
      for (const o of decider.decide({ ...base, action }).outcomes) {
        const m = byRule.get(o.rule) ?? new Map<Action, RuleOutcome>();
        m.set(action, o);
        byRule.set(o.rule, m);
      }
    }
    const rules: AppliedRule[] = [];
    const deadlines: Deadline[] = [];
    for (const rule of catalog.rules) {
      const byAction = byRule.get(rule);
      if (!byAction) continue;
      if ([...byAction.values()].some((o) => o.coverage === "excluded")) {
        rules.push({
          id: rule.id,
          title: rule.title,
          effect: "excluded",
          citation: cite(rule.citations[0]!),
          citations: render(rule.citations),
          obligations: [],
        });
        continue;
      }
      const r = applied(rule, byAction, def, asOf);
      rules.push(r.applied);
      deadlines.push(...r.deadlines);
    }
    rules.sort((a, b) => EFFECT_RANK[b.effect] - EFFECT_RANK[a.effect] || a.id.localeCompare(b.id));
    deadlines.sort((a, b) => a.date.localeCompare(b.date) || a.ruleId.localeCompare(b.ruleId));

    // a conditional rule leaves its own answer to review; the status is what is certain
    const certain = rules.filter((r) => r.effect !== "conditional");
    const top = certain[0];
    let status: Status =
      top?.effect === "prohibits" ? "prohibited" : top?.effect === "ends-updates" ? "unsupported" : top?.effect === "upcoming" ? "deadline" : "review";
    const conditional = status === "prohibited" ? undefined : rules.find((r) => r.effect === "conditional");
    let reason = conditional && status === "review" ? explainConditional(conditional, match, def) : explain(status, certain, match, def);
    if (conditional && status !== "review") reason += ` ${explainConditional(conditional, match, def)}`;
    if (match.product.relation === "integration") {
      // say why a product that is not the vendor's own is flagged
      reason =
        `Integration: ${match.vendor.name} technology built into another vendor's product. Shipping or using it ` +
        `counts as ${match.vendor.name} software (software that only talks to ${match.vendor.name} does not). ${reason}`;
    }
    if (match.confidence < REVIEW_BELOW) {
      reason = `Low-confidence match (${match.confidence.toFixed(2)}): a person should confirm it is ${match.product.name}. If it is: ${status} (${reason})`;
      status = "review";
    }
    const product = index.products.get(match.product.id);
    const removal: RemovalView | undefined =
      product && (product.removal.length > 0 || product.removalTool)
        ? {
            underWay: product.removalTool,
            guides: product.removal.map((g) => ({
              platforms: [...g.platforms],
              remove: g.remove.trim(),
              verify: g.verify.trim(),
              ...(g.licence ? { licence: g.licence.trim() } : {}),
              confirmed: g.confirmed,
              citations: render(g.citations),
            })),
          }
        : undefined;
    if (product?.removalTool) {
      // the vendor's own removal tool is not a product to replace: removal is under way
      const guide = removal!.guides[0];
      return {
        status: "review",
        reason:
          `Removal under way: ${match.product.name}, ${match.vendor.name}'s own removal tool, was found here; it is not a product to replace. ` +
          `Run it to the end, then verify that no ${match.vendor.name} software remains.`,
        rules,
        deadlines: [],
        remediation: guide ? `${guide.remove} ${guide.verify}${guide.licence ? ` ${guide.licence}` : ""}` : `Run ${match.product.name} to the end, then scan again to verify.`,
        removal: removal!,
      };
    }
    const remediation = [
      product?.remediation,
      ...rules
        .filter((r) => EFFECT_RANK[r.effect] >= EFFECT_RANK.upcoming)
        .map((r) => catalog.rules.find((x) => x.id === r.id)?.remediation),
    ].filter((t): t is string => Boolean(t));
    const upcoming = deadlines[0]?.date;
    return {
      status,
      reason,
      rules,
      deadlines,
      ...(upcoming ? { deadline: upcoming.slice(0, 10) } : {}),
      remediation:
        [...new Set(remediation)].join(" ") ||
        `Confirm what this software is. If it is ${match.vendor.name} software, decide with your compliance team whether to keep it.`,
      ...(removal ? { removal } : {}),
    };
  };

  const describeRule = (id: string, profile: Profile): ReportRule | undefined => {
    const rule = catalog.rules.find((r) => r.id === id);
    if (!rule) return undefined;
    return {
      id: rule.id,
      title: rule.title,
      citations: render(orderCitations(undefined, rule.citations, sources)),
      phases: rule.phases.map((p) => ({
        id: p.id,
        label: p.label,
        from: p.from,
        ...(p.to ? { to: p.to } : {}),
        fromConfirmed: p.fromConfirmed,
        // as judge() cites a deciding phase: its own citations, the rule's primary instrument first
        citations: render(orderCitations(p.citations, rule.citations, sources)),
        ...(p.entities ? { vendors: [...new Set(p.entities.map((e) => index.groupOf(e).id))] } : {}),
        // the report is for one profile: the duties that fall on it
        obligations: p.obligations.filter((x) => dutyFallsOn(x, profile)).map(obligationText),
      })),
      timeZone: rule.timeZone,
    };
  };

  return { judge, describeRule, profile: profileDef, cite };
}

/** The first line says what the rule would decide, and the condition the user must check. */
function explainConditional(rule: AppliedRule, match: Match, def: ProfileDef): string {
  const since = rule.phase ? ` since ${rule.phase.from.slice(0, 10)}` : "";
  return (
    `Review: ${def.label.toLowerCase()}s may not hold or use ${match.vendor.name} ${match.product.category}${match.product.form === "equipment" ? (match.product.category.endsWith("equipment") ? "" : " equipment") : " products"}${since} under ${rule.title}, ` +
    `but the law is narrower than that: ${rule.condition!.text.replace(/\s+$/, "")}`
  );
}

function explain(status: Status, rules: AppliedRule[], match: Match, def: ProfileDef): string {
  const top = rules[0];
  const since = top?.phase ? top.phase.from.slice(0, 10) : "";
  switch (status) {
    case "prohibited":
      return `${def.label}: holding or using ${match.vendor.name} ${match.product.category} software is prohibited since ${since} (${top!.title}).`;
    case "unsupported":
      return `Updates to this product are prohibited since ${since} (${top!.title}); it no longer receives lawful updates and should be replaced.`;
    case "deadline":
      return `${top!.phase!.label} from ${since} (${top!.title}).`;
    case "review": {
      const who = def.label.toLowerCase();
      if (top?.effect === "restricts-transactions")
        return `New transactions are restricted (${top.title}), but no rule in the catalog restricts ${who} holding it. Review.`;
      const excluded = rules.filter((r) => r.effect === "excluded").map((r) => r.title.replace(/\.$/, ""));
      const listed = rules.filter((r) => r.effect === "lists").map((r) => r.id);
      const carved = excluded.length > 0 ? `Its category (${match.product.category}) is carved out of ${excluded.join(" and ")}. ` : "";
      const named =
        listed.length > 0
          ? listed.length === 1
            ? `${match.vendor.name} is named by rule ${listed[0]}, which does not restrict`
            : `${match.vendor.name} is named by ${listed.length} rules (${listed.join(", ")}), none of which restricts`
          : `No rule in the catalog restricts`;
      return `${carved}${named} ${who} holding ${match.product.category} products. Review whether another obligation applies.`;
    }
  }
}
