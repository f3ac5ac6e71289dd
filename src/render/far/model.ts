/**
 * @module
 * Report drafts for a federal contractor: FAR 52.204-23 (a Kaspersky Lab covered article) and
 * FAR 52.204-25(d) (covered telecommunications equipment or services, section 889). The duty,
 * its deadlines in business days and its citations are the catalog's (the rule's obligation for
 * federal contractors that has `businessDays`), never this code's; the findings the rule reaches
 * fill what was found, where and when, and the mitigation; contract fields are left blank. Each
 * deadline is counted from the discovery date in US federal business days (src/util/business-days.ts).
 */
import type { Catalog, Obligation, Rule } from "../../model/catalog.js";
import type { RenderedCitation, ReportDocument } from "../../model/finding.js";
import { IctsError } from "../../model/errors.js";
import { formatSource } from "../../model/errors.js";
import { asOfLabel, createResolver, type ResolvedFinding } from "../../report/document.js";
import { addBusinessDays, type SkippedDay } from "../../util/business-days.js";

export const FAR_CLAUSES = {
  "52.204-23": {
    clause: "FAR 52.204-23",
    ruleId: "us-ndaa18-1634-far-52-204-23",
    title: "Report of a Kaspersky Lab covered article",
    item: "Kaspersky Lab covered article",
  },
  "52.204-25": {
    clause: "FAR 52.204-25(d)",
    ruleId: "us-ndaa19-889-far-52-204-25",
    title: "Report of covered telecommunications equipment or services (section 889)",
    item: "covered telecommunications equipment or services",
  },
} as const;
export type FarClause = keyof typeof FAR_CLAUSES;

/** Where to report, as the catalog's duty and FAR's clauses name it. */
export const DIBNET_URL = "https://dibnet.dod.mil";

export type FarDeadline = { businessDays: number; due: string; skipped: SkippedDay[]; what: string };

export type FarItem = {
  n: number;
  host?: string;
  product: string;
  vendorName: string;
  category: string;
  /** The inventory's own name, version, publisher and identifiers. */
  foundAs: { name?: string; version?: string; vendor?: string; path?: string; ids: [string, string][] };
  where: string;
  howIdentified: string;
  status: string;
  confidence: number;
  remediation: string;
  /** Set when the organisation accepted the finding as an exception (the duty to report stays). */
  exception?: { reason: string; author: string; expires: string };
};

export type FarDraft = {
  clause: (typeof FAR_CLAUSES)[FarClause];
  discovered: string;
  /** Where the discovery date came from. */
  discoveredFrom: "flag" | "scan";
  duty: { text: string; citations: RenderedCitation[] };
  deadlines: FarDeadline[];
  items: FarItem[];
  /** The scan the draft is made from; `asOf` as asOfLabel gives it (with the instant judged at, if any). */
  scan: { generatedAt: string; asOf: string; profile: string; inputs: string[]; catalog: { version: string; digest: string } };
  /** Warnings for the person filling the draft (profile not federal-contractor, findings under review, another catalog). */
  warnings: string[];
};

function renderCitations(catalog: Catalog, list: Obligation["citations"]): RenderedCitation[] {
  const sources = new Map(catalog.sources.map((s) => [s.id, s]));
  return list.map((c) => {
    const source = sources.get(c.source);
    const text = `${source?.title ?? c.source}${c.locator ? `, ${c.locator}` : ""}${c.confirmed ? "" : " (unconfirmed)"}`;
    return { ...c, text, ...(source?.url ? { url: source.url } : {}) };
  });
}

/** The rule's reporting duty for federal contractors: the first obligation with business-day deadlines. */
export function reportingDuty(rule: Rule): Obligation | undefined {
  for (const phase of rule.phases) {
    for (const o of phase.obligations) {
      if (typeof o !== "string" && o.businessDays && o.businessDays.length > 0 && (!o.roles || o.roles.includes("federal-contractor") || o.roles.includes("any"))) return o;
    }
  }
  return undefined;
}

const DEADLINE_WHAT = ["Report", "Further report: mitigation actions taken or recommended"];

export type FarDraftOptions = {
  clause: FarClause;
  /** YYYY-MM-DD; default: the scan's date (`generatedAt`) in US Eastern. */
  discovered?: string;
};

/** The date of an instant in US Eastern, where federal business days are counted. */
function easternDate(iso: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
}

/**
 * Builds the draft, or returns undefined when no finding of the report is one the clause's rule
 * reaches. Throws an IctsError when the catalog has no such rule or duty (exit 2).
 */
export function buildFarDraft(doc: ReportDocument, catalog: Catalog, options: FarDraftOptions): FarDraft | undefined {
  const clause = FAR_CLAUSES[options.clause];
  const rule = catalog.rules.find((r) => r.id === clause.ruleId);
  if (!rule) throw new IctsError("report/far", `the catalog has no rule ${clause.ruleId} (${clause.clause}); use the catalog the scan used (--catalog)`);
  const duty = reportingDuty(rule);
  if (!duty) throw new IctsError("report/far", `the catalog's rule ${clause.ruleId} has no reporting duty with business-day deadlines for federal contractors`);
  const resolve = createResolver(doc);
  const reached = (f: ResolvedFinding): boolean => f.rules.some((r) => r.id === clause.ruleId && r.effect !== "excluded");
  const found = [...doc.findings.map((f) => resolve(f)), ...doc.suppressed.map((f) => resolve(f))].filter(reached);
  if (found.length === 0) return undefined;

  const discovered = options.discovered ?? easternDate(doc.generatedAt);
  const deadlines = duty.businessDays!.map((n, i): FarDeadline => {
    const { date, skipped } = addBusinessDays(discovered, n);
    return { businessDays: n, due: date, skipped, what: DEADLINE_WHAT[Math.min(i, DEADLINE_WHAT.length - 1)]! };
  });
  const items = found.map((f, i): FarItem => {
    const o = f.observation;
    return {
      n: i + 1,
      ...(o.host ?? f.network?.client ? { host: (o.host ?? f.network?.client)! } : {}),
      product: f.product.name,
      vendorName: f.vendorName,
      category: f.product.category,
      foundAs: {
        ...(o.name ? { name: o.name } : {}),
        ...(o.version ? { version: o.version } : {}),
        ...(o.vendor ? { vendor: o.vendor } : {}),
        ...(o.path ? { path: o.path } : {}),
        ids: Object.entries(o.ids ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"),
      },
      where: `${formatSource(f.source)}${f.count > 1 ? ` (${f.count} observations)` : ""}`,
      howIdentified: `ictsguard scan of ${formatSource(f.source)}: ${f.evidence.map((e) => `${e.matcher} ${e.type} match of ${e.found.value}`).join("; ")}`,
      status: f.status,
      confidence: f.confidence,
      remediation: f.remediation,
      ...(f.exception ? { exception: { reason: f.exception.reason, author: f.exception.author, expires: f.exception.expires } } : {}),
    };
  });
  const warnings: string[] = [];
  if (doc.profile !== "federal-contractor") warnings.push(`The scan was judged for the profile "${doc.profile}", not "federal-contractor"; this duty falls on federal contractors.`);
  const review = items.filter((x) => x.status === "review").length;
  if (review > 0) warnings.push(`${review} item(s) are "review" findings: confirm each one before reporting it.`);
  if (items.some((x) => x.exception)) warnings.push("Some items are covered by an exception in the config; an exception does not remove the duty to report.");
  if (catalog.digest !== doc.catalog.digest) warnings.push(`The scan used catalog ${doc.catalog.version} (sha256 ${doc.catalog.digest}); the duty and deadlines here are from catalog ${catalog.version} (sha256 ${catalog.digest}).`);
  if (doc.errors.some((e) => e.severity === "error")) warnings.push("The scan could not read all of its input; what was not read may hold more items.");
  return {
    clause,
    discovered,
    discoveredFrom: options.discovered ? "flag" : "scan",
    duty: { text: duty.text.trim(), citations: renderCitations(catalog, duty.citations) },
    deadlines,
    items,
    scan: { generatedAt: doc.generatedAt, asOf: asOfLabel(doc), profile: doc.profile, inputs: doc.inputs, catalog: { version: doc.catalog.version, digest: doc.catalog.digest } },
    warnings,
  };
}
