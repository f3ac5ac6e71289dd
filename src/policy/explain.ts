/**
 * @module
 * The plain-language explanation of a decision: a first sentence with the answer, then why
 * (each deciding rule, its phase and start, its own note), what does not apply and why (carve-
 * outs, entities a rule does not list), what else names the party, and the next date that
 * changes the answer. Written for the buyer or reseller who has to sign, not for a lawyer.
 */
import type { Action, Phase, Prohibition, ProfileDef, Role } from "../model/catalog.js";
import { obligationText } from "../model/vocabulary.js";
import type { CheckDecision } from "../model/decision.js";
import type { CatalogIndex } from "../match/catalog-index.js";
import { LEADS_TO_USE, type DecisionResult, type RuleOutcome } from "./decide.js";
import { hasStarted, isInForce, type AsOf } from "./time.js";
import { phaseConcerns } from "./phase-scope.js";

export type ExplainContext = {
  index: CatalogIndex;
  role: ProfileDef;
  action: Action;
  asOf: AsOf;
  /** The date as the user gave it. */
  dateText: string;
  /** What the transaction is about, e.g. `Kaspersky Endpoint Security` or `products of AO Kaspersky Lab`. */
  what: string;
  /** The counterparty's name as resolved (or as given), for export phrasing. */
  counterparty?: string;
  /** The sentence saying how the counterparty was resolved, when a name was given. */
  partyNote?: string;
  productNote?: string;
  /** `government`: the user states a supply to a federal agency. */
  supplyTo?: "government";
  /** `federal`: the user states federal grant or loan funds. */
  funding?: "federal";
  result: DecisionResult;
  /** Names of all profiles, for role phrases. */
  roleLabel(role: Role): string;
};

const VERB: Record<Action, string> = {
  buy: "buy",
  renew: "renew",
  install: "install",
  update: "update",
  use: "use",
  resell: "resell",
  license: "license",
  integrate: "integrate",
  support: "support",
  export: "export",
};

/** `a business`, `an individual`. */
export function withArticle(label: string): string {
  const l = label.toLowerCase();
  return `${/^[aeiou]/.test(l) ? "an" : "a"} ${l}`;
}

/** `a, b and c`. */
export function listing(items: readonly string[], last = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${last} ${items[items.length - 1]}`;
}

/** `2024-07-20`, or `2024-09-29 00:00 UTC-04:00` for an instant. */
export function formatStart(from: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(Z|[+-]\d{2}:\d{2})$/.exec(from);
  if (!m) return from;
  return `${m[1]} ${m[2]} ${m[3] === "Z" ? "UTC" : `UTC${m[3]}`}`;
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function explainDecision(ctx: ExplainContext): string {
  const { result } = ctx;
  const who = withArticle(ctx.role.label);
  const act = actionPhrase(ctx);
  const on = `on ${ctx.dateText}`;
  const out: string[] = [];
  const head: Record<CheckDecision, string> = {
    prohibited: `Prohibited: ${who} may not ${act} ${on}.`,
    "license-required": `License required: ${who} may ${act} ${on} only with a license.`,
    review: `Review: a person must decide whether ${who} may ${act} ${on}.`,
    allowed: `Allowed: ${who} may ${act} ${on}; no rule in the catalog prohibits it.`,
  };
  const top = result.deciding[0];
  if (result.decision === "prohibited" && top?.via === "use" && top.decision === "prohibited") {
    // the rule prohibits use; this action leads to it (buying covered equipment is buying its use)
    out.push(
      `Prohibited: ${who} may not ${act} ${on}: to ${VERB[ctx.action]} it leads to using it, and ${shortTitle(top.rule.title)} prohibits ${withArticle(ctx.role.label)} from using it.`,
    );
  } else if (result.decision === "review" && top?.review === "condition" && top.condition) {
    out.push(
      `Review: ${shortTitle(top.rule.title)} would make this ${top.wouldBe} for ${who} to ${act} ${on}${top.via === "use" ? ` (to ${VERB[ctx.action]} it leads to using it)` : ""}, but the law is narrower than the rule as encoded: ${sentence(top.condition.text)}`,
    );
  } else out.push(head[result.decision]);
  if (ctx.partyNote) out.push(sentence(ctx.partyNote));
  if (ctx.productNote) out.push(sentence(ctx.productNote));

  for (const o of result.deciding) out.push(...decidingSentences(o, ctx));

  // what reaches the party but does not decide: carve-outs, unlisted members, other actions
  const quiet: string[] = [];
  for (const o of result.outcomes) {
    if (o.decision !== "allowed") continue;
    const s = notDecidingSentence(o, ctx);
    if (s === "quiet") quiet.push(shortTitle(o.rule.title));
    else if (s) out.push(s);
  }
  if (quiet.length > 0) {
    out.push(`${listing(quiet)} ${quiet.length === 1 ? "does" : "do"} not restrict ${who} in this transaction.`);
  }
  // named once a phase that concerns the party is in force (the FCC listed Kaspersky in 2022, not with Huawei in 2021)
  const listings = result.outcomes.filter(
    (o) =>
      o.rule.kind !== "prohibition" &&
      o.decision === "allowed" &&
      o.rule.phases.some((p) => isInForce(p, ctx.asOf, o.rule.timeZone) && phaseConcerns(p, ctx.index.groupOf(o.subject.entity).id, ctx.index.groupOf)),
  );
  if (listings.length > 0) {
    const names = [...new Set(listings.map((o) => ctx.index.groupOf(o.subject.entity).name))];
    out.push(
      `${listing(names)} ${names.length === 1 ? "is" : "are"} also named by ${listing(listings.map((o) => o.rule.title))}, which prohibit nothing here by themselves; their obligations are in the catalog (ictsguard catalog show ${listings[0]!.rule.id}).`,
    );
  }
  if (result.next) {
    const n = result.next;
    out.push(
      `From ${formatStart(n.from)}${n.upcoming.phase.fromConfirmed ? "" : " (time of day not confirmed)"} this becomes ${n.decision}: ${n.outcome.rule.title}, "${n.upcoming.phase.label}".`,
    );
  }
  if (result.outcomes.length === 0 && !ctx.partyNote && !ctx.productNote) {
    out.push("No restricted entity or product of the catalog is involved; the catalog's coverage is the limit of this answer.");
  }
  return out.join(" ");
}

function actionPhrase(ctx: ExplainContext): string {
  if (ctx.action === "export") {
    return ctx.counterparty ? `export items subject to the EAR to ${ctx.counterparty}` : `export ${ctx.what}`;
  }
  const from = ctx.counterparty && !ctx.what.includes(ctx.counterparty) ? ` (counterparty: ${ctx.counterparty})` : "";
  const to = ctx.supplyTo === "government" ? " to the Government (a federal agency)" : "";
  const funds = ctx.funding === "federal" ? " with federal grant or loan funds" : "";
  return `${VERB[ctx.action]} ${ctx.what}${from}${to}${funds}`;
}

function rolesPhrase(clause: Prohibition, ctx: ExplainContext): string {
  if (clause.roles.includes("any")) return "every U.S. person";
  const labels = clause.roles.map((r) => (r === "any" ? "" : ctx.roleLabel(r).toLowerCase())).filter(Boolean);
  return `any ${listing(labels, "or")}`;
}

function phaseText(phase: Phase): string {
  return `"${phase.label}", in force since ${formatStart(phase.from)}${phase.fromConfirmed ? "" : " (the time of day is not confirmed)"}`;
}

/** `"label", since 2024-07-20, time of day not confirmed`: a phase inside parentheses. */
function phaseBrief(phase: Phase | undefined): string {
  if (!phase) return "in force";
  return `"${phase.label}", since ${formatStart(phase.from)}${phase.fromConfirmed ? "" : ", time of day not confirmed"}`;
}

/** The part of a rule's title before its first colon: `FY2018 NDAA section 1634 and FAR 52.204-23`. */
export function shortTitle(title: string): string {
  const i = title.indexOf(": ");
  return i > 0 ? title.slice(0, i) : title;
}

/** A note as a sentence, capitalized. */
function noteSentence(note: string): string {
  const t = note.trim();
  return sentence(t.charAt(0).toUpperCase() + t.slice(1));
}

function decidingSentences(o: RuleOutcome, ctx: ExplainContext): string[] {
  const out: string[] = [];
  const rule = o.rule;
  const group = ctx.index.groupOf(o.subject.entity);
  const entity = ctx.index.entities.get(o.subject.entity)!;
  const clause = o.clause;
  const phase = o.phase;
  const clauseText = clause
    ? clause.decision === "license-required"
      ? `${listing(clause.actions)} need${clause.actions.length === 1 ? "s" : ""} a license for ${rolesPhrase(clause, ctx)}`
      : `it prohibits ${listing(clause.actions)} for ${rolesPhrase(clause, ctx)}`
    : "";
  const brief = `${rule.title} (${phaseBrief(phase)})`;
  switch (o.review) {
    case undefined:
      out.push(`${rule.title}: ${phase ? phaseText(phase) : "in force"}; ${clauseText}${o.via === "use" ? `, and to ${VERB[ctx.action]} it leads to using it` : ""}.`);
      if (clause?.note) out.push(noteSentence(clause.note));
      break;
    case "category-unknown": {
      const scope = rule.categories ? `${group.name}'s ${listing(rule.categories)}` : `every category of ${group.name}`;
      const carved = rule.excludedCategories.length > 0 ? ` (${listing(rule.excludedCategories)} are carved out)` : "";
      out.push(
        `${brief}: ${clauseText}, but it covers only ${scope}${carved}, and the catalog cannot place the category of this transaction: give a category or a catalog product. If it is covered: ${o.wouldBe}.`,
      );
      break;
    }
    case "partial": {
      const listed = rule.entities.map((id) => ctx.index.entities.get(id)?.name ?? id);
      out.push(
        `${brief}: ${clauseText}, but it names only ${listing(listed)}, not every ${group.name} company, and ${ctx.counterparty ?? entity.name} does not say which one is the counterparty: name it by entity id. If it is one of them: ${o.wouldBe}.`,
      );
      break;
    }
    case "condition": {
      // the first line already named the condition of the strictest rule
      const named = ctx.result.deciding[0] === o ? "the condition above holds" : `this holds: ${sentence(o.condition!.text).replace(/\.$/, "")}`;
      out.push(`${brief}: ${clauseText}${o.via === "use" ? ` (to ${VERB[ctx.action]} it leads to using it)` : ""}. It applies unless ${named}; if it does not, the answer is ${o.wouldBe}.`);
      break;
    }
    case "low-confidence":
      out.push(
        `${brief}: ${clauseText}. It applies if this is really ${entity.name}, which is not certain (score ${o.subject.confidence.toFixed(2)}). If it is: ${o.wouldBe}.`,
      );
      break;
    case "designated-person": {
      const duties = phase && phase.obligations.length > 0 ? `: ${phase.obligations.map((x) => obligationText(x).replace(/\.$/, "")).join("; ")}` : "";
      out.push(`${entity.name} is named by ${brief}${duties}. The catalog records the designation, not what it forbids in a transaction, so a person must decide.`);
      break;
    }
  }
  if (phase && !phase.fromConfirmed && ctx.asOf.date === phase.from.slice(0, 10)) {
    out.push(
      `The sources do not confirm at what time on ${phase.from.slice(0, 10)} this phase begins; ictsguard treats the whole day as in force, so a transaction earlier that day may still have been allowed.`,
    );
  }
  return out;
}

/** A sentence on a rule that reaches the transaction but allows it; "quiet" for a rule that binds other roles or actions only. */
function notDecidingSentence(o: RuleOutcome, ctx: ExplainContext): string | "quiet" | undefined {
  const rule = o.rule;
  const entity = ctx.index.entities.get(o.subject.entity)!;
  if (o.coverage === "excluded") return `${rule.title} carves this category out of its scope, so it does not apply.`;
  if (o.coverage === "not-listed") {
    const listed = rule.entities.map((id) => ctx.index.entities.get(id)?.name ?? id);
    return sentence(`${shortTitle(rule.title)} names ${listing(listed)}, but not ${entity.name}`);
  }
  if (rule.kind !== "prohibition") return undefined; // listings are summed up in one sentence
  if (o.upcoming.length > 0) return undefined; // the coming date is said at the end
  if (o.subject.as === "maker" && ctx.action === "export") return "quiet";
  // in force and covering this action, but only for transactions with facts the user did not state
  const stated = { counterparty: ctx.supplyTo, funding: ctx.funding };
  for (const p of rule.phases.filter((x) => isInForce(x, ctx.asOf, rule.timeZone))) {
    for (const c of p.prohibits) {
      if (!c.when || !(c.roles.includes("any") || c.roles.includes(ctx.role.id))) continue;
      if (!c.actions.includes(ctx.action) && !(c.actions.includes("use") && LEADS_TO_USE.has(ctx.action))) continue;
      const missing: string[] = [];
      if (c.when.counterparty === "government" && stated.counterparty !== "government") missing.push("a supply to the Government (--counterparty government)");
      if (c.when.funding === "federal" && stated.funding !== "federal") missing.push("a purchase with federal grant or loan funds (--funding federal)");
      if (missing.length > 0) return `${shortTitle(rule.title)} prohibits this only for ${listing(missing, "or")}, which was not stated.`;
    }
  }
  // in force, covering, but binding other actions for this role
  const forRole = new Set<Action>();
  for (const p of rule.phases.filter((x) => isInForce(x, ctx.asOf))) {
    for (const c of p.prohibits) {
      if (c.when && ((c.when.counterparty && c.when.counterparty !== stated.counterparty) || (c.when.funding && c.when.funding !== stated.funding))) continue;
      if (c.roles.includes("any") || c.roles.includes(ctx.role.id)) c.actions.forEach((a) => forRole.add(a));
    }
  }
  if (forRole.size > 0) {
    return `${shortTitle(rule.title)} does not prohibit ${VERB[ctx.action]} for ${withArticle(ctx.role.label)}; it prohibits ${listing([...forRole])}.`;
  }
  return rule.phases.some((p) => hasStarted(p.from, ctx.asOf)) ? "quiet" : undefined;
}
