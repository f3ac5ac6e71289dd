/**
 * @module
 * The ban timeline: every phase of every catalog rule as a dated step (what changes on which
 * date, for whom, with its duties and citations, primary instrument first), optionally for one
 * role and one vendor, with each step placed before or after "today" (an injectable date or
 * instant, read in the rule's own zone as scan and check read phases: src/policy/time.ts).
 */
import type { Catalog, Citation, Entity, Role, Rule } from "../../model/catalog.js";
import { obligationText } from "../../model/vocabulary.js";
import type { RenderedCitation } from "../../model/finding.js";
import { IctsError } from "../../model/errors.js";
import { orderCitations } from "../../policy/citations.js";
import { hasStarted, startOfDateInZone, type AsOf } from "../../policy/time.js";

/** past: a phase that has ended; in-force: started and not ended on today; upcoming: still to come. */
export type StepState = "ended" | "in-force" | "upcoming";

export type TimelineChange = {
  roles: string[];
  actions: string[];
  decision: string;
  /** The clause binds only transactions with these stated facts (e.g. a supply to the Government). */
  when?: Record<string, string>;
  note?: string;
};

export type TimelineStep = {
  /** The phase's start as the catalog gives it: a date or a zoned instant. */
  from: string;
  to?: string;
  fromConfirmed: boolean;
  state: StepState;
  rule: { id: string; title: string; kind: Rule["kind"] };
  phase: { id: string; label: string };
  /** Its prohibitions (for the role, when one is given: clauses for `any` included). */
  changes: TimelineChange[];
  /** Its duties (for the role, when one is given), with deadlines in business days. */
  obligations: { text: string; businessDays?: number[] }[];
  citations: RenderedCitation[];
};

export type Timeline = {
  today: string;
  role?: string;
  vendor?: { id: string; name: string };
  catalog: { version: string; date: string; digest: string };
  /** In order of start; steps before `todayAt` have started on today. */
  steps: TimelineStep[];
  /** Where today falls: the index of the first step still to come (steps.length when none is). */
  todayAt: number;
};

export type TimelineOptions = {
  today: AsOf;
  /** As given (a date, or an instant with its offset), for display. */
  todayText: string;
  role?: Role;
  /** An entity id (a group such as `kaspersky`, or one of its members). */
  vendor?: string;
};

/** The entity and its ancestors and descendants: every id a rule may name to cover it. */
function family(catalog: Catalog, id: string): Set<string> {
  const byId = new Map(catalog.entities.map((e) => [e.id, e]));
  const out = new Set<string>([id]);
  for (let e: Entity | undefined = byId.get(id); e?.parent; e = byId.get(e.parent)) out.add(e.parent);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of catalog.entities) {
      if (e.parent && out.has(e.parent) && !out.has(e.id) && isBelow(byId, e.id, id)) {
        out.add(e.id);
        grew = true;
      }
    }
  }
  return out;
}

function isBelow(byId: Map<string, Entity>, id: string, ancestor: string): boolean {
  for (let e = byId.get(id); e; e = e.parent ? byId.get(e.parent) : undefined) if (e.id === ancestor) return true;
  return false;
}

function topOf(catalog: Catalog, id: string): Entity | undefined {
  const byId = new Map(catalog.entities.map((e) => [e.id, e]));
  let e = byId.get(id);
  while (e?.parent && byId.get(e.parent)) e = byId.get(e.parent);
  return e;
}

function ruleReaches(rule: Rule, ids: Set<string>, country: string | undefined): boolean {
  return rule.entities.some((e) => ids.has(e)) || (country !== undefined && rule.countries.includes(country));
}

function forRole(roles: readonly string[] | undefined, role: string | undefined): boolean {
  return role === undefined || roles === undefined || roles.includes(role) || roles.includes("any");
}

export function buildTimeline(catalog: Catalog, options: TimelineOptions): Timeline {
  const sources = new Map(catalog.sources.map((s) => [s.id, s]));
  const render = (list: Citation[]): RenderedCitation[] =>
    list.map((c) => {
      const source = sources.get(c.source);
      const text = `${source?.title ?? c.source}${c.locator ? `, ${c.locator}` : ""}${c.confirmed ? "" : " (unconfirmed)"}`;
      return { ...c, text, ...(source?.url ? { url: source.url } : {}) };
    });
  let vendor: { id: string; name: string } | undefined;
  let ids: Set<string> | undefined;
  let country: string | undefined;
  const wanted = options.vendor;
  if (wanted !== undefined) {
    const entity = catalog.entities.find((e) => e.id === wanted.toLowerCase());
    if (!entity) {
      const groups = catalog.entities.filter((e) => !e.parent && e.type !== "person").map((e) => e.id);
      throw new IctsError("usage/vendor", `--vendor: the catalog has no entity "${wanted}"; expected one of ${groups.join(", ")} (or one of their members)`);
    }
    vendor = { id: entity.id, name: entity.name };
    ids = family(catalog, entity.id);
    country = entity.country ?? topOf(catalog, entity.id)?.country;
  }
  const role = options.role;
  const steps: (TimelineStep & { startsAt: number })[] = [];
  for (const rule of catalog.rules) {
    if (ids && !ruleReaches(rule, ids, country)) continue;
    for (const phase of rule.phases) {
      // a phase that names its entities (a listing's inclusion) is on a vendor's timeline only
      // when it names the vendor: not Huawei's 2021 listing on Kaspersky's
      const inclusion = ids !== undefined && phase.entities !== undefined;
      if (inclusion && !phase.entities!.some((e) => ids!.has(e))) continue;
      const changes = phase.prohibits
        .filter((p) => forRole(p.roles, role))
        .map((p): TimelineChange => ({
          roles: [...p.roles],
          actions: [...p.actions],
          decision: p.decision,
          ...(p.when ? { when: Object.fromEntries(Object.entries(p.when).map(([k, v]) => [k, String(v)])) } : {}),
          ...(p.note ? { note: p.note.trim() } : {}),
        }));
      // a duty without roles falls on whoever the phase binds (else whoever the rule's phases bind)
      const bound = phase.prohibits.length > 0 ? phase.prohibits.flatMap((p) => p.roles) : rule.phases.flatMap((ph) => ph.prohibits.flatMap((p) => p.roles));
      const obligations = phase.obligations
        .filter((o) => forRole(typeof o === "string" || !o.roles ? (bound.length > 0 ? bound : undefined) : o.roles, role))
        .map((o) => ({ text: obligationText(o), ...(typeof o !== "string" && o.businessDays ? { businessDays: o.businessDays } : {}) }));
      // with a role, a step that changes nothing for it is left out, but for the vendor's own inclusion
      if (role !== undefined && changes.length === 0 && obligations.length === 0 && !inclusion) continue;
      const started = hasStarted(phase.from, options.today, rule.timeZone);
      const ended = phase.to !== undefined && hasStarted(phase.to, options.today, rule.timeZone);
      steps.push({
        startsAt: phase.from.length > 10 ? Date.parse(phase.from) : startOfDateInZone(phase.from, rule.timeZone),
        from: phase.from,
        ...(phase.to ? { to: phase.to } : {}),
        fromConfirmed: phase.fromConfirmed,
        state: ended ? "ended" : started ? "in-force" : "upcoming",
        rule: { id: rule.id, title: rule.title, kind: rule.kind },
        phase: { id: phase.id, label: phase.label },
        changes,
        obligations,
        citations: render(orderCitations(phase.citations, rule.citations, sources)),
      });
    }
  }
  // by start instant (a date starts at 00:00 in the rule's zone), then rule
  steps.sort((a, b) => a.startsAt - b.startsAt || a.rule.id.localeCompare(b.rule.id));
  const ordered: TimelineStep[] = steps.map(({ startsAt: _, ...step }) => step);
  const upcoming = ordered.findIndex((s) => s.state === "upcoming");
  return {
    today: options.todayText,
    ...(role ? { role } : {}),
    ...(vendor ? { vendor } : {}),
    catalog: { version: catalog.version, date: catalog.date, digest: catalog.digest },
    steps: ordered,
    todayAt: upcoming === -1 ? ordered.length : upcoming,
  };
}
