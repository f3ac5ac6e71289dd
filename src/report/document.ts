/**
 * @module
 * The writers' view of a report document. Report version 2 keeps each rule, product and
 * remediation text once, in top-level tables, and findings refer to them by id; the writers
 * print findings whole, so they resolve those ids here, in one place.
 */
import type {
  AppliedRule,
  Deadline,
  ExceptionRef,
  Finding,
  ReportDocument,
  RemovalView,
  ReportProduct,
  ReportRule,
  SuppressedFinding,
} from "../model/finding.js";
import { isInForce, parseAsOf } from "../policy/time.js";

/** A finding with its product, rules, deadlines and remediation text looked up. */
export type ResolvedFinding = Omit<Finding, "product" | "rules" | "deadlines" | "remediation"> & {
  product: ReportProduct;
  vendorName: string;
  rules: AppliedRule[];
  deadlines: Deadline[];
  /** The remediation text (the finding itself holds its id). */
  remediation: string;
  remediationId: string;
  /** The product's removal guides per platform, and whether removal is under way. */
  removal?: RemovalView;
  exception?: ExceptionRef;
};

export type ResolvedSuppressed = ResolvedFinding & { exception: ExceptionRef };

export type Resolver = {
  (f: SuppressedFinding): ResolvedSuppressed;
  (f: Finding): ResolvedFinding;
};

/** The date a report was judged on, with its instant when `--as-of` gave one: `2024-09-29 (at 2024-09-28T10:00:00.000Z)`. */
export function asOfLabel(doc: Pick<ReportDocument, "asOf" | "asOfInstant">): string {
  return doc.asOfInstant ? `${doc.asOf} (at ${doc.asOfInstant})` : doc.asOf;
}

/** Makes a resolver for one document; a reference the document does not define is a bug, and says so. */
export function createResolver(doc: ReportDocument): Resolver {
  const rules = new Map(doc.rules.map((r) => [r.id, r]));
  const products = new Map(doc.products.map((p) => [p.id, p]));
  const remediations = new Map(doc.remediations.map((r) => [r.id, r]));
  const asOf = parseAsOf(doc.asOfInstant ?? doc.asOf);
  const resolve = (f: Finding | SuppressedFinding): ResolvedFinding => {
    const product = products.get(f.product);
    if (!product) throw new Error(`report document: finding ${f.id} names product "${f.product}", which is not in "products"`);
    const applied = f.rules.map((ref): AppliedRule => {
      const rule = rules.get(ref.id);
      if (!rule) throw new Error(`report document: finding ${f.id} names rule "${ref.id}", which is not in "rules"`);
      const phase = ref.phase ? rule.phases.find((p) => p.id === ref.phase) : undefined;
      const citations = phase && phase.citations.length > 0 ? phase.citations : rule.citations;
      const condition = ref.condition ? rule.conditions?.find((c) => c.id === ref.condition) : undefined;
      return {
        id: rule.id,
        title: rule.title,
        effect: ref.effect ?? "lists",
        ...(phase
          ? { phase: { id: phase.id, label: phase.label, from: phase.from, fromConfirmed: phase.fromConfirmed, inForce: ref.effect !== "upcoming" } }
          : {}),
        citation: citations[0]?.text ?? rule.title,
        citations,
        // in force, of the finding's vendor (a listing's inclusion of another is not), each once
        obligations: [...new Set(rule.phases.filter((p) => isInForce(p, asOf, rule.timeZone) && (!p.vendors || p.vendors.includes(f.vendor))).flatMap((p) => p.obligations))],
        ...(condition ? { condition } : {}),
      };
    });
    const deadlines = (f.deadlines ?? []).map((d): Deadline => ({
      date: d.date,
      ruleId: d.rule,
      phase: d.phase,
      label: phaseOf(rules.get(d.rule), d.phase)?.label ?? d.phase,
      actions: d.actions,
    }));
    return {
      ...f,
      product,
      vendorName: product.vendorName,
      rules: applied,
      deadlines,
      remediation: remediations.get(f.remediation)?.text ?? "",
      remediationId: f.remediation,
      ...(remediations.get(f.remediation)?.removal ? { removal: remediations.get(f.remediation)!.removal! } : {}),
    };
  };
  return resolve as Resolver;
}

function phaseOf(rule: ReportRule | undefined, id: string): ReportRule["phases"][number] | undefined {
  return rule?.phases.find((p) => p.id === id);
}
