/**
 * @module
 * `check` as a pure function of the catalog: a transaction as asked (role, action, a vendor name
 * or entity id, a product, a category, a date) is resolved to catalog entities and a category,
 * decided by the transaction engine (decide.ts), and given back with its deciding rules, their
 * phases and citations, and a plain explanation.
 *
 * The category comes from `category`, else from the product when it is matched with confidence;
 * a weakly matched or unknown product leaves it unknown (a rule that covers only some categories
 * is then `review`). The product's vendor is the transaction's maker; the counterparty is the
 * named vendor or entity. Each is a subject the rules may reach.
 */
import type { Catalog, Citation, Penalty, ProfileDef, Role, Source } from "../model/catalog.js";
import { obligationText } from "../model/vocabulary.js";
import type { CheckInput, CheckResult, DecidingRule, PartyView, ProductView } from "../model/decision.js";
import type { RenderedCitation } from "../model/finding.js";
import { IctsError } from "../model/errors.js";
import { buildCatalogIndex, type CatalogIndex } from "../match/catalog-index.js";
import { REVIEW_BELOW } from "./confidence.js";
import { createDecider, type Decider, type RuleOutcome, type Subject } from "./decide.js";
import { explainDecision } from "./explain.js";
import { createPartyResolver, type FuzzyScorer, type PartyResolution, type PartyResolver } from "./party.js";
import { createProductResolver, type ProductResolution, type ProductResolver } from "./product.js";
import { orderCitations } from "./citations.js";
import { dutiesInForce } from "./phase-scope.js";
import { parseAsOf, type AsOf } from "./time.js";

export type Checker = {
  check(input: CheckInput): CheckResult;
  readonly index: CatalogIndex;
  readonly decider: Decider;
  readonly parties: PartyResolver;
  readonly products: ProductResolver;
};

/** Resolutions repeat in batches (the same vendors and products on every order): memoized, bounded. */
const MEMO_CAPACITY = 10_000;

function memo<T>(fn: (key: string) => T): (key: string) => T {
  let cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = fn(key);
      if (cache.size >= MEMO_CAPACITY) cache = new Map();
      cache.set(key, v);
    }
    return v;
  };
}

/** `parties` replaces the party resolver; `fuzzy` gives the default one a name screener for its fuzzy step. */
export function createChecker(catalog: Catalog | CatalogIndex, options: { parties?: PartyResolver; fuzzy?: FuzzyScorer } = {}): Checker {
  const index = "catalog" in catalog ? catalog : buildCatalogIndex(catalog);
  const decider = createDecider(index);
  const parties = options.parties ?? createPartyResolver(index, options.fuzzy ? { fuzzy: options.fuzzy } : {});
  const products = createProductResolver(index);
  const sources = new Map<string, Source>(index.catalog.sources.map((s) => [s.id, s]));
  const profiles = new Map<string, ProfileDef>(index.catalog.profiles.map((p) => [p.id, p]));
  const resolveName = memo((key: string) => {
    const [name, country] = key.split("\u0000");
    return parties.resolveParty(name!, country || undefined);
  });
  const resolveProduct = memo((name: string) => products.resolveProduct(name));

  const cite = (c: Citation): string => {
    const title = sources.get(c.source)?.title ?? c.source;
    return `${title}${c.locator ? `, ${c.locator}` : ""}${c.confirmed ? "" : " (unconfirmed)"}`;
  };
  const render = (list: Citation[]): RenderedCitation[] =>
    list.map((c) => {
      const url = sources.get(c.source)?.url;
      return { ...c, text: cite(c), ...(url ? { url } : {}) };
    });
  const profile = (role: Role): ProfileDef => {
    const def = profiles.get(role);
    if (!def) throw new IctsError("catalog/profile", `the catalog defines no profile "${role}"`);
    return def;
  };

  const check = (input: CheckInput): CheckResult => {
    const asOf = parseAsOf(input.date);
    const def = profile(input.role);

    let party: PartyResolution | undefined;
    if (input.entity) party = parties.byId(input.entity);
    else if (input.vendor) party = resolveName(`${input.vendor}\u0000${input.country ?? ""}`);
    const product: ProductResolution | undefined = input.product ? resolveProduct(input.product) : undefined;

    const subjects: Subject[] = [];
    if (party && party.how !== "none") subjects.push({ entity: party.entity.id, as: "counterparty", confidence: party.score });
    const trusted = product?.how === "catalog" && product.confidence >= REVIEW_BELOW ? product : undefined;
    if (product?.how === "catalog") subjects.push({ entity: product.vendor.id, as: "maker", confidence: product.confidence });
    const category = input.category ?? trusted?.product.category;
    const categoryFrom: CheckResult["category"]["from"] = input.category ? "input" : trusted ? "product" : "unknown";

    const result = decider.decide({
      role: input.role,
      action: input.action,
      subjects,
      category,
      relation: trusted?.product.relation ?? "own",
      context: { ...(input.counterparty ? { counterparty: input.counterparty } : {}), ...(input.funding ? { funding: input.funding } : {}) },
      asOf,
    });

    const counterparty = party?.how === "id" || party?.how === "alias" || party?.how === "fuzzy" ? party : undefined;
    const what =
      product?.how === "catalog" && trusted
        ? trusted.product.name
        : product
          ? `"${product.query}"${category ? ` (${category})` : ""}`
          : counterparty
            ? `${category ? `${category} products` : "products or services"} of ${counterparty.entity.name}`
            : `${category ?? "products"} of "${input.vendor}"`;
    const partyNote =
      party === undefined || party.how === "id" ? undefined : party.how === "alias" && input.vendor?.trim() === party.entity.name ? undefined : party.explanation;
    const productNote =
      product === undefined ? undefined : product.how !== "catalog" ? `${product.explanation}.` : product.confidence < REVIEW_BELOW ? `${product.explanation}: the catalog cannot place its product or category.` : undefined;

    const explanation = explainDecision({
      index,
      role: def,
      action: input.action,
      asOf,
      dateText: input.date,
      what,
      ...(counterparty ? { counterparty: counterparty.entity.name } : input.vendor ? { counterparty: `"${input.vendor}"` } : {}),
      ...(partyNote ? { partyNote } : {}),
      ...(productNote ? { productNote } : {}),
      ...(input.counterparty ? { supplyTo: input.counterparty } : {}),
      ...(input.funding ? { funding: input.funding } : {}),
      result,
      roleLabel: (r) => profile(r).label,
    });

    return {
      input,
      decision: result.decision,
      rules: result.deciding.map((o) => decidingRule(o, input.role, asOf)),
      explanation,
      party: partyView(input, party),
      ...(product ? { product: productView(product) } : {}),
      category: { ...(category ? { value: category } : {}), from: categoryFrom },
      asOf: { date: asOf.date, ...(asOf.instant !== undefined ? { instant: new Date(asOf.instant).toISOString() } : {}) },
      ...(result.next
        ? {
            next: {
              from: result.next.from,
              fromConfirmed: result.next.upcoming.phase.fromConfirmed,
              decision: result.next.decision,
              rule: result.next.outcome.rule.id,
              phase: result.next.upcoming.phase.id,
              label: result.next.upcoming.phase.label,
            },
          }
        : {}),
      catalogVersion: index.catalog.version,
      catalogDigest: index.catalog.digest,
    };
  };

  const REVIEW_TEXT: Record<NonNullable<RuleOutcome["review"]>, string> = {
    "category-unknown": "the rule covers only some product categories, and this transaction's category is not known",
    partial: "the rule lists only some members of this corporate family, and the counterparty does not say which",
    "low-confidence": "the party or product only resembles the entity the rule names",
    "designated-person": "the counterparty is a person named by a listing; what the listing forbids is not encoded",
    condition: "the law is narrower than the rule as encoded, and a condition the tool cannot see decides",
  };

  const decidingRule = (o: RuleOutcome, role: Role, asOf: AsOf): DecidingRule => {
    const citations = orderCitations(o.phase?.citations, o.rule.citations, sources);
    const entity = index.entities.get(o.subject.entity)!;
    const group = index.groupOf(o.subject.entity).id;
    const obligations = dutiesInForce(o.rule, asOf, group, role, index.groupOf).map((x) => ({
        text: obligationText(x),
        ...(typeof x !== "string" && x.businessDays ? { businessDays: x.businessDays } : {}),
        citations: typeof x === "string" ? [] : render(x.citations),
      }));
    return {
      id: o.rule.id,
      title: o.rule.title,
      decision: o.decision,
      citation: cite(citations[0]!),
      citations: render(citations),
      ...(o.phase ? { phase: { id: o.phase.id, label: o.phase.label, from: o.phase.from, fromConfirmed: o.phase.fromConfirmed } } : {}),
      subject: { entity: entity.id, name: entity.name, as: o.subject.as },
      ...(o.clause?.note ? { note: o.clause.note.trim() } : {}),
      ...(o.review ? { review: REVIEW_TEXT[o.review] } : {}),
      ...(o.wouldBe ? { wouldBe: o.wouldBe } : {}),
      ...(o.condition ? { condition: { id: o.condition.id, text: o.condition.text.trim(), citations: render(o.condition.citations) } } : {}),
      ...(o.via ? { via: o.via } : {}),
      // users who only keep what they have face no penalty: penalties go with prohibited transactions only
      ...(o.decision === "prohibited" && o.rule.penalties.length > 0 ? { penalties: currentPenalties(o.rule.penalties) } : {}),
      ...(obligations.length > 0 ? { obligations } : {}),
    };
  };

  return { check, index, decider, parties, products };
}

/** The newest year's figures (and statements that carry no figure); older years' figures are out of date. */
export function currentPenalties(penalties: readonly Penalty[]): { text: string; year?: number; confirmed: boolean }[] {
  const years = penalties.map((p) => p.year).filter((y): y is number => y !== undefined);
  const newest = years.length > 0 ? Math.max(...years) : undefined;
  return penalties
    .filter((p) => p.year === undefined || p.year === newest)
    .map((p) => ({ text: p.text.trim(), ...(p.year !== undefined ? { year: p.year } : {}), confirmed: p.confirmed }));
}

function partyView(input: CheckInput, party: PartyResolution | undefined): PartyView {
  const query = input.entity ?? input.vendor;
  if (!party) return { how: "none", score: 0, explanation: "no counterparty was named; the product's maker is the party" };
  if (party.how === "none") return { ...(query ? { query } : {}), how: "none", score: 0, explanation: party.explanation };
  const e = party.entity;
  return {
    query: query ?? e.id,
    how: party.how,
    entity: { id: e.id, name: e.name, type: e.type, ...(e.country ? { country: e.country } : {}) },
    group: { id: party.group.id, name: party.group.name },
    score: party.score,
    matched: party.matched,
    explanation: party.explanation,
  };
}

function productView(p: ProductResolution): ProductView {
  if (p.how !== "catalog") return { query: p.query, how: p.how, explanation: p.explanation };
  return {
    query: p.query,
    how: "catalog",
    id: p.product.id,
    name: p.product.name,
    category: p.product.category,
    relation: p.product.relation,
    vendor: { id: p.vendor.id, name: p.vendor.name },
    confidence: p.confidence,
    explanation: p.explanation,
  };
}
