/**
 * @module
 * The catalog's rules expressed as Cedar policies, for the check benchmark's baseline
 * (`@cedar-policy/cedar-wasm`, the Rust Cedar engine compiled to WebAssembly). Generated from
 * the same catalog data the engine reads, with the same semantics (src/policy/decide.ts):
 *
 * - one `forbid` per rule × phase × prohibition clause × subject (counterparty, maker) × case,
 *   annotated with the rule and the decision it stands for (`prohibited`, `license-required`,
 *   or `review` for an unknown category, a family the rule lists only members of, or a
 *   subject matched with low confidence), plus one `permit` for everything else;
 * - a listing reaching a person as counterparty: a `review` forbid while a phase is in force;
 * - entities: `Party` with parents (the corporate family), `country` of its group, `person`;
 *   principal `Role::"…"`; resource `Txn` with `counterparty`/`maker` (and whether each is
 *   sure), `category` (absent when unknown) and `relation`; context `day` (days since the epoch
 *   of the calendar date), `hasInstant` and `instant` (ms).
 *
 * A phase start that is a date compares with the calendar date; one that is an instant
 * compares with the instant when one is given, else by its own calendar date, as time.ts does.
 */
import type { Action, Condition, Prohibition, Rule } from "../src/model/catalog.js";
import type { CheckDecision } from "../src/model/decision.js";
import type { CatalogIndex } from "../src/match/catalog-index.js";
import { REVIEW_BELOW } from "../src/policy/confidence.js";
import { LEADS_TO_USE, type Transaction } from "../src/policy/decide.js";
import { startOfDateInZone } from "../src/policy/time.js";

export type CedarPolicySet = {
  /** Policy id → Cedar policy text. */
  policies: Record<string, string>;
  /** Policy id → the rule and decision it stands for. */
  meaning: Map<string, { rule: string; decision: CheckDecision }>;
};

const DAY_MS = 86_400_000;
const dayOf = (date: string): number => Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS);
const str = (s: string): string => JSON.stringify(s);
const party = (id: string): string => `Party::${str(id)}`;

/** `start` has been reached on the request's date (or instant); a date starts at 00:00 in the rule's zone. */
function started(start: string, zone: string): string {
  if (start.length <= 10) {
    return `((context.hasInstant && context.instant >= ${startOfDateInZone(start, zone)}) || (!context.hasInstant && context.day >= ${dayOf(start)}))`;
  }
  return `((context.hasInstant && context.instant >= ${Date.parse(start)}) || (!context.hasInstant && context.day >= ${dayOf(start)}))`;
}

function inForce(phase: { from: string; to?: string | undefined }, zone: string): string {
  return phase.to === undefined ? started(phase.from, zone) : `${started(phase.from, zone)} && !(${started(phase.to, zone)})`;
}

/** Stated facts (`--counterparty government`, `--funding federal`) as context flags. */
function stated(want: { counterparty?: string | undefined; funding?: string | undefined }): string {
  const parts: string[] = [];
  if (want.counterparty === "government") parts.push("context.counterpartyGovernment");
  if (want.funding === "federal") parts.push("context.fundingFederal");
  return parts.length > 0 ? parts.join(" && ") : "true";
}

export function catalogToCedar(index: CatalogIndex): CedarPolicySet {
  const policies: Record<string, string> = {};
  const meaning = new Map<string, { rule: string; decision: CheckDecision }>();
  let n = 0;
  const add = (rule: Rule, decision: CheckDecision, text: string): void => {
    const id = `p${n++}`;
    policies[id] = text;
    meaning.set(id, { rule: rule.id, decision });
  };

  for (const rule of index.catalog.rules) {
    const groups = [...new Set(rule.entities.map((e) => index.groupOf(e).id))];
    const countries = rule.countries.map(str).join(", ");
    const byCountry = (e: string) => (rule.countries.length > 0 ? `[${countries}].contains(${e}.country)` : "false");
    const listed = rule.entities.map(party).join(", ");
    /** Coverage of subject expression `e`: the condition for "covered" and, for listed-only rules, "partial". */
    const coverage = (e: string): { covered: string; partial?: string } => {
      if (rule.coversAffiliates) {
        const fam = groups.length > 0 ? `${e} in [${groups.map(party).join(", ")}]` : "false";
        return { covered: `(${fam} || ${byCountry(e)})` };
      }
      const isListed = rule.entities.length > 0 ? `[${listed}].contains(${e})` : "false";
      const above = rule.entities.length > 0 ? rule.entities.map((l) => `${party(l)} in ${e}`).join(" || ") : "false";
      const sameFamily = groups.length > 0 ? `${e} in [${groups.map(party).join(", ")}]` : "false";
      return {
        covered: `(${isListed} || (!(${above}) && !(${sameFamily}) && ${byCountry(e)}))`,
        partial: `(!(${isListed}) && (${above}))`,
      };
    };
    const integration = rule.kind === "prohibition" && !rule.coversIntegrations ? `resource.relation != "integration"` : "true";
    const scoped = rule.categories !== undefined || rule.excludedCategories.length > 0;
    const inScope =
      (rule.categories ? `[${rule.categories.map(str).join(", ")}].contains(resource.category)` : "true") +
      (rule.excludedCategories.length > 0 ? ` && ![${rule.excludedCategories.map(str).join(", ")}].contains(resource.category)` : "");
    // an unscoped rule decides whatever the category; a scoped one needs it known and in scope
    const known = scoped ? `resource has category && ${inScope}` : "true";
    const unknownOrInScope = scoped ? ` && (!(resource has category) || (${inScope}))` : "";

    for (const subject of ["counterparty", "maker"] as const) {
      const e = `resource.${subject}`;
      const sure = `resource.${subject}Sure`;
      const has = `resource has ${subject}`;
      const cov = coverage(e);
      for (const phase of rule.phases) {
        for (const clause of phase.prohibits) {
          // the consignee of an export is the counterparty
          const direct = clause.actions.filter((a) => subject === "counterparty" || a !== "export");
          // a clause prohibiting use binds the actions that lead to it
          const via = clause.actions.includes("use") ? [...LEADS_TO_USE].filter((a) => !clause.actions.includes(a)) : [];
          for (const [actions, throughUse] of [[direct, false], [via, true]] as const) {
            if (actions.length === 0) continue;
            const scope = `forbid (principal, action in [${actions.map((a) => `Action::${str(a)}`).join(", ")}], resource)`;
            const base = `${has} && ${roleCondition(clause)} && ${stated(clause.when ?? {})} && ${integration} && ${inForce(phase, rule.timeZone)}`;
            // a condition scoped to phases reaches only theirs (decide.ts conditionFor)
            const conditions = rule.conditions.filter((k) => !k.phases || k.phases.includes(phase.id));
            const reach = conditionReach(conditions, e, throughUse, index);
            add(rule, clause.decision, `${scope} when { ${base} && ${cov.covered} && ${known} && ${sure} && !(${reach}) };`);
            add(rule, "review", `${scope} when { ${base} && ${cov.covered} && ${known} && ${sure} && (${reach}) };`);
            add(rule, "review", `${scope} when { ${base} && ${cov.covered} && ${known} && !${sure} };`);
            if (scoped) add(rule, "review", `${scope} when { ${base} && ${cov.covered} && !(resource has category) };`);
            if (cov.partial) {
              // a family the rule lists only members of: review, unless the category is carved out or out of scope
              add(rule, "review", `${scope} when { ${base} && ${cov.partial}${unknownOrInScope} };`);
            }
          }
        }
      }
      if (rule.kind !== "prohibition" && subject === "counterparty") {
        for (const phase of rule.phases) {
          const reach = cov.partial ? `(${cov.covered} || ${cov.partial})` : cov.covered;
          add(rule, "review", `forbid (principal, action, resource) when { ${has} && ${e}.person && ${reach} && ${inForce(phase, rule.timeZone)}${unknownOrInScope} };`);
        }
      }
    }
  }
  policies[`p${n}`] = "permit (principal, action, resource);";
  return { policies, meaning };
}

/** Whether one of the rule's conditions reaches the transaction (decide.ts: review instead of the clause's decision). */
function conditionReach(conditions: readonly Condition[], e: string, throughUse: boolean, index: CatalogIndex): string {
  if (conditions.length === 0) return "false";
  return conditions
    .map((k) => {
      const parts: string[] = [];
      if (k.roles) parts.push(`(${k.roles.map((r) => `principal == Role::${str(r)}`).join(" || ")})`);
      if (k.actions && !(throughUse && k.actions.includes("use"))) parts.push(`action in [${k.actions.map((a) => `Action::${str(a)}`).join(", ")}]`);
      if (k.categories) parts.push(`(!(resource has category) || [${k.categories.map(str).join(", ")}].contains(resource.category))`);
      if (k.entities) {
        const groups = k.entities.filter((id) => index.entities.get(id)?.type === "group");
        const any = [`[${k.entities.map(party).join(", ")}].contains(${e})`];
        if (groups.length > 0) any.push(`${e} in [${groups.map(party).join(", ")}]`);
        parts.push(`(${any.join(" || ")})`);
      }
      if (k.unless) parts.push(`!(${stated(k.unless)})`);
      return parts.length > 0 ? `(${parts.join(" && ")})` : "true";
    })
    .join(" || ");
}

function roleCondition(clause: Prohibition): string {
  if (clause.roles.includes("any")) return "true";
  const roles = clause.roles.map((r) => `principal == Role::${str(r)}`);
  if (clause.roles.includes("exporter")) roles.push(`action == Action::${str("export" satisfies Action)}`);
  return `(${roles.join(" || ")})`;
}

type EntityJson = { uid: { type: string; id: string }; attrs: Record<string, unknown>; parents: { type: string; id: string }[] };

/** Builds Cedar requests for transactions; party entity slices (the entity and its ancestors) are built once. */
export function createRequestBuilder(index: CatalogIndex) {
  const slices = new Map<string, EntityJson[]>();
  const slice = (id: string): EntityJson[] => {
    let s = slices.get(id);
    if (!s) {
      s = [];
      let e = index.entities.get(id);
      const seen = new Set<string>();
      while (e && !seen.has(e.id)) {
        seen.add(e.id);
        s.push({
          uid: { type: "Party", id: e.id },
          attrs: { country: index.groupOf(e.id).country ?? "", person: e.type === "person" },
          parents: e.parent ? [{ type: "Party", id: e.parent }] : [],
        });
        e = e.parent ? index.entities.get(e.parent) : undefined;
      }
      slices.set(id, s);
    }
    return s;
  };
  // entities some policy names on the left of `in` (listed entities): always sent
  const always = [...new Set(index.catalog.rules.filter((r) => !r.coversAffiliates).flatMap((r) => r.entities))].flatMap(slice);

  return (tx: Transaction) => {
    const attrs: Record<string, unknown> = { relation: tx.relation ?? "own" };
    if (tx.category !== undefined) attrs.category = tx.category;
    const entities = new Map<string, EntityJson>();
    for (const e of always) entities.set(e.uid.id, e);
    for (const s of tx.subjects) {
      attrs[s.as] = { __entity: { type: "Party", id: s.entity } };
      attrs[`${s.as}Sure`] = s.confidence >= REVIEW_BELOW;
      for (const e of slice(s.entity)) entities.set(e.uid.id, e);
    }
    return {
      principal: { type: "Role", id: tx.role },
      action: { type: "Action", id: tx.action },
      resource: { type: "Txn", id: "t" },
      context: {
        day: dayOf(tx.asOf.date),
        hasInstant: tx.asOf.instant !== undefined,
        instant: tx.asOf.instant ?? 0,
        counterpartyGovernment: tx.context?.counterparty === "government",
        fundingFederal: tx.context?.funding === "federal",
      },
      entities: [...entities.values(), { uid: { type: "Txn", id: "t" }, attrs, parents: [] }],
    };
  };
}
