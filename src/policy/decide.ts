/**
 * @module
 * Deciding one transaction: may this role take this action with this party (or on this
 * product) on this date? Pure functions of the catalog index and the transaction; the engine
 * knows no vendor. Rules are data: a rule covers a transaction through one of its subjects (the
 * counterparty, or the maker of the product), its phases prohibit actions for roles from a date
 * or a zoned instant, and product categories are in scope or carved out.
 *
 * - The decision is the strictest of all covering rules: `prohibited` > `license-required` >
 *   `review` > `allowed`, and every rule that is not `allowed` is listed.
 * - `review` when a rule would decide but the catalog cannot tell whether it applies: the
 *   category is unknown and the rule covers only some categories; the counterparty is a
 *   corporate family of which only some members are listed (`coversAffiliates: false`); the
 *   subject was matched with low confidence; or the counterparty is a person named by a listing
 *   (a designated individual: the catalog records the designation, not what it forbids).
 * - `export` is judged against the counterparty (the consignee), never the product's maker,
 *   and whoever exports is an `exporter` for it: a clause binding `exporter` binds every role
 *   taking the action `export`.
 *
 * Scan statuses are built on this (src/policy/judge.ts), so `scan` and `check` cannot disagree.
 */
import type { Action, Category, Condition, Entity, Phase, Prohibition, Role, Rule, TransactionContext } from "../model/catalog.js";
import type { CheckDecision } from "../model/decision.js";
import { DECISIONS, DECISION_RANK } from "../model/vocabulary.js";
import type { CatalogIndex } from "../match/catalog-index.js";
import { REVIEW_BELOW } from "./confidence.js";
import { phaseConcerns } from "./phase-scope.js";
import { dateInZone, type AsOf } from "./time.js";

export { DECISIONS, DECISION_RANK, type CheckDecision };

/** An entity the transaction involves, and how. */
export type Subject = {
  /** Catalog entity id. */
  entity: string;
  /** `counterparty`: whom you buy from, sell to, export to; `maker`: whose product it is. */
  as: "counterparty" | "maker";
  /** How sure it is that this entity is meant (1 for an id or an exact alias). */
  confidence: number;
};

/** A transaction with its parties and product already resolved to catalog entities. */
export type Transaction = {
  role: Role;
  action: Action;
  subjects: readonly Subject[];
  /** The product category; undefined when the catalog cannot place the product. */
  category?: Category | undefined;
  /** `integration`: a third party's product that embeds the vendor's software. */
  relation?: "own" | "integration" | undefined;
  /** Facts the user states about the transaction: a supply to the Government, federal grant or loan funds. */
  context?: TransactionContext | undefined;
  asOf: AsOf;
};

/** How a rule reaches the transaction. */
export type Coverage =
  /** in scope */
  | "covered"
  /** the category is carved out of the rule */
  | "excluded"
  /** the rule covers only some categories, and the transaction's is unknown */
  | "category-unknown"
  /** the subject is a family of which the rule lists only some members */
  | "partial"
  /** the subject belongs to a family the rule lists members of, but is not one of them */
  | "not-listed";

/** Why a rule that would decide is left for review. */
export type ReviewReason = "category-unknown" | "partial" | "low-confidence" | "designated-person" | "condition";

export type Upcoming = { phase: Phase; clause: Prohibition; decision: CheckDecision };

/** What one rule says about the transaction. */
export type RuleOutcome = {
  rule: Rule;
  subject: Subject;
  coverage: Coverage;
  /** This rule's decision (`review` when the catalog cannot tell; see `review`). */
  decision: CheckDecision;
  /** What the rule would decide once the review is resolved against you. */
  wouldBe?: "prohibited" | "license-required";
  review?: ReviewReason;
  /** The in-force phase and clause that decided, when one did. */
  phase?: Phase;
  clause?: Prohibition;
  /**
   * `use`: the clause prohibits using the thing, and this action (buy, renew, install,
   * integrate) leads to using it, so it is prohibited too.
   */
  via?: Action;
  /** The condition the tool cannot see that leaves the rule for review (`review: "condition"`). */
  condition?: Condition;
  /** Phases still to come whose prohibitions bind this role and action. */
  upcoming: Upcoming[];
};

export type DecisionResult = {
  decision: CheckDecision;
  /** The decision if every low-confidence subject is the entity it resembles. */
  ifConfirmed: CheckDecision;
  /** Rules whose decision is not `allowed`, strictest first. */
  deciding: RuleOutcome[];
  /** Every rule that reaches the transaction (one outcome per rule: its strictest subject). */
  outcomes: RuleOutcome[];
  /** The earliest coming phase that makes the decision stricter. */
  next?: { from: string; decision: CheckDecision; outcome: RuleOutcome; upcoming: Upcoming };
};

export type Decider = {
  decide(tx: Transaction): DecisionResult;
  /** What one rule says about one subject (undefined: the rule does not reach it). */
  evaluate(rule: Rule, subject: Subject, tx: Transaction): RuleOutcome | undefined;
  index: CatalogIndex;
};

/** A rule with its sets computed once. */
type CompiledRule = {
  rule: Rule;
  /** The corporate families (top-level groups) of the rule's entities. */
  groups: Set<string>;
  listed: Set<string>;
  /** Ancestors of listed entities (not themselves listed): a family the rule lists members of. */
  listedAncestors: Set<string>;
  countries: Set<string>;
  categories?: Set<Category>;
  excluded: Set<Category>;
  phases: CompiledPhase[];
  conditions: { condition: Condition; entities?: Set<string>; groups?: Set<string> }[];
};

/** A phase start or end, parsed once: its calendar date in the rule's zone, and its instant when it has one. */
type Moment = { date: string; ms?: number };
type CompiledPhase = { phase: Phase; from: Moment; to?: Moment };

function moment(s: string): Moment {
  return s.length > 10 ? { date: s.slice(0, 10), ms: Date.parse(s) } : { date: s };
}

/**
 * time.ts's hasStarted on a parsed moment: an instant compares with an instant. A date-only
 * phase starts at 00:00 in the rule's zone, so an as-of instant is read as its date there
 * (2024-07-20T02:00:00Z is still 19 Jul in US Eastern); a bare as-of date is that date.
 */
function reached(m: Moment, asOf: AsOf, zone: string): boolean {
  if (asOf.instant !== undefined && m.ms !== undefined) return m.ms <= asOf.instant;
  const date = asOf.instant !== undefined ? dateInZone(asOf.instant, zone) : asOf.date;
  return m.date <= date;
}

/** Taking this action makes you this role for it, whatever else you are. */
const ACTING_ROLE: Partial<Record<Action, Role>> = { export: "exporter" };

/**
 * Actions that lead to using the thing: where `use` is prohibited, acquiring, renewing,
 * installing or integrating it is prohibited too (buying covered equipment is buying its use).
 */
export const LEADS_TO_USE: ReadonlySet<Action> = new Set(["buy", "renew", "install", "integrate"]);

/** True when the transaction states every fact `want` names. */
function hasContext(want: TransactionContext | undefined, tx: Transaction): boolean {
  if (!want) return true;
  if (want.counterparty !== undefined && tx.context?.counterparty !== want.counterparty) return false;
  if (want.funding !== undefined && tx.context?.funding !== want.funding) return false;
  return true;
}

export function createDecider(index: CatalogIndex): Decider {
  const compiled = new Map<string, CompiledRule>();
  for (const rule of index.catalog.rules) {
    const listedAncestors = new Set<string>();
    for (const id of rule.entities) {
      let e = index.entities.get(id);
      const seen = new Set<string>();
      while (e?.parent && !seen.has(e.id)) {
        seen.add(e.id);
        listedAncestors.add(e.parent);
        e = index.entities.get(e.parent);
      }
    }
    for (const id of rule.entities) listedAncestors.delete(id);
    compiled.set(rule.id, {
      rule,
      groups: new Set(rule.entities.map((e) => index.groupOf(e).id)),
      listed: new Set(rule.entities),
      listedAncestors,
      countries: new Set(rule.countries),
      ...(rule.categories ? { categories: new Set(rule.categories) } : {}),
      excluded: new Set(rule.excludedCategories),
      phases: rule.phases.map((phase) => ({ phase, from: moment(phase.from), ...(phase.to !== undefined ? { to: moment(phase.to) } : {}) })),
      conditions: rule.conditions.map((condition) =>
        condition.entities
          ? {
              condition,
              entities: new Set(condition.entities),
              // an entity listed as a group covers its members; a listed member does not cover its group
              groups: new Set(condition.entities.filter((id) => index.entities.get(id)?.type === "group")),
            }
          : { condition },
      ),
    });
  }
  const rules = [...compiled.values()];

  const coverageOf = (c: CompiledRule, entity: Entity, group: Entity, tx: Transaction): Coverage | undefined => {
    const rule = c.rule;
    const byCountry = c.countries.size > 0 && group.country !== undefined && c.countries.has(group.country);
    let coverage: Coverage;
    if (rule.coversAffiliates) {
      if (!c.groups.has(group.id) && !byCountry) return undefined;
      coverage = "covered";
    } else if (c.listed.has(entity.id)) coverage = "covered";
    else if (c.listedAncestors.has(entity.id)) coverage = "partial";
    else if (c.groups.has(group.id)) coverage = "not-listed";
    else if (byCountry) coverage = "covered";
    else return undefined;
    if (tx.relation === "integration" && !rule.coversIntegrations && rule.kind === "prohibition") return undefined;
    if (tx.category === undefined) {
      if (coverage === "covered" && (c.categories || c.excluded.size > 0)) coverage = "category-unknown";
    } else if (c.excluded.has(tx.category)) return "excluded";
    else if (c.categories && !c.categories.has(tx.category)) return undefined;
    return coverage;
  };

  /** Whether the clause binds the transaction: directly (`true`), through its use (`"use"`), or not. */
  const binds = (clause: Prohibition, tx: Transaction): boolean | "use" => {
    const direct = clause.actions.includes(tx.action);
    const throughUse = !direct && LEADS_TO_USE.has(tx.action) && clause.actions.includes("use");
    if (!direct && !throughUse) return false;
    if (!hasContext(clause.when, tx)) return false;
    const acting = ACTING_ROLE[tx.action];
    const role = clause.roles.includes("any") || clause.roles.includes(tx.role) || (acting !== undefined && clause.roles.includes(acting));
    return role ? (direct ? true : "use") : false;
  };

  /** The first of the rule's conditions that reaches this transaction, if any. */
  const conditionFor = (c: CompiledRule, entity: Entity, tx: Transaction, via: Action | undefined, phase: Phase): Condition | undefined =>
    c.conditions.find(({ condition: k, groups, entities }) => {
      if (k.phases && !k.phases.includes(phase.id)) return false;
      if (k.roles && !k.roles.includes(tx.role)) return false;
      if (k.actions && !k.actions.includes(tx.action) && !(via && k.actions.includes(via))) return false;
      if (k.categories && tx.category !== undefined && !k.categories.includes(tx.category)) return false;
      if (entities && !entities.has(entity.id) && !groups!.has(index.groupOf(entity.id).id)) return false;
      if (k.unless && hasContext(k.unless, tx)) return false;
      return true;
    })?.condition;

  const evaluateCompiled = (c: CompiledRule, subject: Subject, tx: Transaction): RuleOutcome | undefined => {
    const entity = index.entities.get(subject.entity);
    if (!entity) return undefined;
    const group = index.groupOf(subject.entity);
    const coverage = coverageOf(c, entity, group, tx);
    if (coverage === undefined) return undefined;
    const rule = c.rule;
    const outcome: RuleOutcome = { rule, subject, coverage, decision: "allowed", upcoming: [] };
    if (coverage === "excluded" || coverage === "not-listed") return outcome;
    // the consignee of an export is the counterparty; the product's maker is not exported to
    if (subject.as === "maker" && tx.action === "export") return outcome;

    let best: { phase: Phase; clause: Prohibition; via?: Action } | undefined;
    let anyInForce: Phase | undefined;
    const zone = rule.timeZone;
    for (const { phase, from, to } of c.phases) {
      if (!phaseConcerns(phase, group.id, index.groupOf)) continue;
      const started = reached(from, tx.asOf, zone);
      const inForce = started && (to === undefined || !reached(to, tx.asOf, zone));
      if (inForce) anyInForce ??= phase;
      for (const clause of phase.prohibits) {
        const how = binds(clause, tx);
        if (!how) continue;
        const via: Action | undefined = how === "use" ? "use" : undefined;
        if (inForce) {
          // a clause naming the action beats one reaching it through its use
          if (!best || DECISION_RANK[clause.decision] > DECISION_RANK[best.clause.decision] || (best.via && !via && DECISION_RANK[clause.decision] === DECISION_RANK[best.clause.decision])) {
            best = { phase, clause, ...(via ? { via } : {}) };
          }
        } else if (!started) {
          const conditional = coverage === "covered" && conditionFor(c, entity, tx, via, phase) !== undefined;
          outcome.upcoming.push({ phase, clause, decision: coverage === "covered" && !conditional ? clause.decision : "review" });
        }
      }
    }
    if (best) {
      outcome.phase = best.phase;
      outcome.clause = best.clause;
      if (best.via) outcome.via = best.via;
      const condition = coverage === "covered" ? conditionFor(c, entity, tx, best.via, best.phase) : undefined;
      if (condition) {
        outcome.decision = "review";
        outcome.review = "condition";
        outcome.condition = condition;
        outcome.wouldBe = best.clause.decision;
      } else if (coverage === "covered") outcome.decision = best.clause.decision;
      else {
        outcome.decision = "review";
        outcome.review = coverage === "partial" ? "partial" : "category-unknown";
        outcome.wouldBe = best.clause.decision;
      }
    } else if (rule.kind !== "prohibition" && subject.as === "counterparty" && entity.type === "person" && anyInForce) {
      // a designated individual: the listing names them, and what it forbids is not encoded
      outcome.phase = anyInForce;
      outcome.decision = "review";
      outcome.review = "designated-person";
    }
    return outcome;
  };

  const effective = (o: RuleOutcome): CheckDecision =>
    o.decision !== "allowed" && o.subject.confidence < REVIEW_BELOW ? "review" : o.decision;

  const decide = (tx: Transaction): DecisionResult => {
    const outcomes: RuleOutcome[] = [];
    for (const c of rules) {
      let chosen: RuleOutcome | undefined;
      for (const subject of tx.subjects) {
        const o = evaluateCompiled(c, subject, tx);
        if (!o) continue;
        if (
          !chosen ||
          DECISION_RANK[effective(o)] > DECISION_RANK[effective(chosen)] ||
          (DECISION_RANK[effective(o)] === DECISION_RANK[effective(chosen)] && o.subject.confidence > chosen.subject.confidence)
        ) {
          chosen = o;
        }
      }
      if (chosen) outcomes.push(chosen);
    }
    let decision: CheckDecision = "allowed";
    let ifConfirmed: CheckDecision = "allowed";
    for (const o of outcomes) {
      const e = effective(o);
      if (e !== o.decision) {
        o.wouldBe ??= o.decision as "prohibited" | "license-required";
        o.review ??= "low-confidence";
        o.decision = e;
      }
      if (DECISION_RANK[e] > DECISION_RANK[decision]) decision = e;
      const raw = o.wouldBe ?? o.decision;
      if (DECISION_RANK[raw] > DECISION_RANK[ifConfirmed]) ifConfirmed = raw;
    }
    const deciding = outcomes
      .filter((o) => o.decision !== "allowed")
      // a rule naming the action comes before one reaching it through its use
      .sort((a, b) => DECISION_RANK[b.decision] - DECISION_RANK[a.decision] || Number(a.via !== undefined) - Number(b.via !== undefined) || a.rule.id.localeCompare(b.rule.id));

    let next: DecisionResult["next"];
    for (const o of outcomes) {
      for (const u of o.upcoming) {
        const d = o.subject.confidence < REVIEW_BELOW ? "review" : u.decision;
        if (DECISION_RANK[d] <= DECISION_RANK[decision]) continue;
        if (!next || compareStarts(u.phase.from, next.from) < 0) next = { from: u.phase.from, decision: d, outcome: o, upcoming: u };
      }
    }
    return { decision, ifConfirmed, deciding, outcomes, ...(next ? { next } : {}) };
  };

  return {
    decide,
    evaluate: (rule, subject, tx) => {
      const c = compiled.get(rule.id);
      return c ? evaluateCompiled(c, subject, tx) : undefined;
    },
    index,
  };
}

/** Orders two phase starts (dates or zoned instants) by when they begin. */
export function compareStarts(a: string, b: string): number {
  return startMs(a) - startMs(b);
}

/** A start as epoch milliseconds; a date counts from 00:00 UTC of that date (for ordering only). */
function startMs(s: string): number {
  return s.length > 10 ? Date.parse(s) : Date.parse(`${s}T00:00:00Z`);
}
