/**
 * @module
 * Judging a match for a profile on a date. Rules are data: the engine knows no vendor. A rule
 * covers a match when the vendor is in the rule's corporate families and the product's category
 * is in scope; its phases say which roles may not take which actions from when. Holding software
 * amounts to the profile's `holdingActions` (everyone `use`s it; a reseller also resells and
 * licenses it), which turns the time-phased prohibitions into one status:
 *
 * - `prohibited`: an in-force phase prohibits a holding action for this profile;
 * - `unsupported`: an in-force phase prohibits updates: the product can no longer be kept safe;
 * - `deadline`: a phase that binds this profile is still to come (its date is given);
 * - `review`: a low-confidence match, or a listed vendor that no rule restricts for this profile.
 */
import type { Catalog, Citation, Phase, Profile, ProfileDef, Rule, Source } from "../model/catalog.js";
import type { AppliedRule, Deadline, Match, RenderedCitation, Status } from "../model/finding.js";
import type { CatalogIndex } from "../match/catalog-index.js";
import { IctsError } from "../model/issue.js";
import { hasStarted, isInForce, type AsOf } from "./time.js";

/** Matches below this confidence are always left for a person to review. */
export const REVIEW_BELOW = 0.7;

export type Judgment = {
  status: Status;
  reason: string;
  rules: AppliedRule[];
  deadlines: Deadline[];
  deadline?: string;
  remediation: string;
};

type Effect = AppliedRule["effect"];
const EFFECT_RANK: Record<Effect, number> = {
  prohibits: 5,
  "ends-updates": 4,
  upcoming: 3,
  "restricts-transactions": 2,
  lists: 1,
  excluded: 0,
};

export type Policy = {
  judge(match: Match, profile: Profile, asOf: AsOf): Judgment;
  profile(id: Profile): ProfileDef;
  /** A human citation string: `title, locator` (and "unconfirmed" where it is). */
  cite(c: Citation): string;
};

export type { RenderedCitation };

export function createPolicy(index: CatalogIndex): Policy {
  const catalog: Catalog = index.catalog;
  const sources = new Map<string, Source>(catalog.sources.map((s) => [s.id, s]));
  const profiles = new Map<string, ProfileDef>(catalog.profiles.map((p) => [p.id, p]));
  // The groups each rule's entities belong to, computed once.
  const ruleGroups = new Map<string, Set<string>>(
    catalog.rules.map((r) => [r.id, new Set(r.entities.map((e) => index.groupOf(e).id))]),
  );

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

  /** Whether a rule speaks about this match at all, and whether the product is carved out. */
  const coverage = (rule: Rule, match: Match): "covered" | "excluded" | "no" => {
    const group = index.entities.get(match.vendor.id);
    const byEntity = ruleGroups.get(rule.id)!.has(match.vendor.id);
    const byCountry = rule.countries.length > 0 && group?.country !== undefined && rule.countries.includes(group.country);
    if (!byEntity && !byCountry) return "no";
    if (match.product.relation === "integration" && !rule.coversIntegrations && rule.kind === "prohibition") return "no";
    if (rule.excludedCategories.includes(match.product.category)) return "excluded";
    if (rule.categories && !rule.categories.includes(match.product.category)) return "no";
    return "covered";
  };

  const evaluate = (rule: Rule, def: ProfileDef, asOf: AsOf): { applied: AppliedRule; deadlines: Deadline[] } => {
    let effect: Effect = "lists";
    let deciding: Phase | undefined;
    const deadlines: Deadline[] = [];
    const obligations: string[] = [];
    for (const phase of rule.phases) {
      const inForce = isInForce(phase, asOf);
      const future = !hasStarted(phase.from, asOf);
      if (inForce) obligations.push(...phase.obligations);
      for (const p of phase.prohibits) {
        if (!p.roles.includes(def.id) && !p.roles.includes("any")) continue;
        const held = p.actions.filter((a) => def.holdingActions.includes(a));
        let e: Effect | undefined;
        if (inForce) {
          e = held.length > 0 && p.decision === "prohibited" ? "prohibits" : p.actions.includes("update") ? "ends-updates" : "restricts-transactions";
        } else if (future) {
          e = "upcoming";
          deadlines.push({ date: phase.from, ruleId: rule.id, phase: phase.id, label: phase.label, actions: [...p.actions] });
        }
        // the strongest effect decides; between two upcoming phases the earlier one does
        if (e && (EFFECT_RANK[e] > EFFECT_RANK[effect] || (e === effect && e === "upcoming" && deciding && phase.from < deciding.from))) {
          effect = e;
          deciding = phase;
        }
      }
    }
    const citations = deciding?.citations ?? rule.citations;
    const applied: AppliedRule = {
      id: rule.id,
      title: rule.title,
      effect,
      citation: cite(citations[0]!),
      citations: render(citations),
      obligations,
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
    };
    return { applied, deadlines };
  };

  const judge = (match: Match, profile: Profile, asOf: AsOf): Judgment => {
    const def = profileDef(profile);
    const rules: AppliedRule[] = [];
    const deadlines: Deadline[] = [];
    for (const rule of catalog.rules) {
      const cover = coverage(rule, match);
      if (cover === "no") continue;
      if (cover === "excluded") {
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
      const r = evaluate(rule, def, asOf);
      rules.push(r.applied);
      deadlines.push(...r.deadlines);
    }
    rules.sort((a, b) => EFFECT_RANK[b.effect] - EFFECT_RANK[a.effect] || a.id.localeCompare(b.id));
    deadlines.sort((a, b) => a.date.localeCompare(b.date) || a.ruleId.localeCompare(b.ruleId));

    const top = rules[0];
    let status: Status =
      top?.effect === "prohibits" ? "prohibited" : top?.effect === "ends-updates" ? "unsupported" : top?.effect === "upcoming" ? "deadline" : "review";
    let reason = explain(status, rules, match, def);
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
    };
  };

  return { judge, profile: profileDef, cite };
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
