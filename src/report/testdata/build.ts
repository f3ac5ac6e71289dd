/**
 * @module
 * Writers' test documents are written finding by finding, each with its product, rules and
 * remediation spelled out (easy to read and to vary); `toDocument` turns them into a report
 * version 2 document, with the `rules`, `products` and `remediations` tables the scanner makes.
 */
import type {
  AppliedRule,
  Deadline,
  ExceptionRef,
  Finding,
  ProductRef,
  RemovalView,
  ReportDocument,
  ReportRule,
  SuppressedFinding,
} from "../../model/finding.js";
import { remediationId } from "../../scan/remediation-id.js";
import { findingId, hostKeyOf } from "../../scan/finding-id.js";

export type SpelledFinding = Omit<Finding, "product" | "rules" | "deadlines" | "remediation" | "count" | "id"> & {
  id?: string;
  count?: number;
  product: ProductRef;
  vendorName: string;
  rules: AppliedRule[];
  deadlines: Deadline[];
  remediation: string;
  removal?: RemovalView;
};

export type SpelledDocument = Omit<ReportDocument, "reportVersion" | "rules" | "products" | "remediations" | "findings" | "suppressed"> & {
  findings: SpelledFinding[];
  suppressed: (SpelledFinding & { exception: ExceptionRef })[];
};

export function toDocument(spelled: SpelledDocument): ReportDocument {
  const rules = new Map<string, ReportRule>();
  const products = new Map<string, ReportDocument["products"][number]>();
  const remediations = new Map<string, ReportDocument["remediations"][number]>();
  const convert = (f: SpelledFinding): Finding => {
    products.set(f.product.id, { ...f.product, vendor: f.vendor, vendorName: f.vendorName });
    for (const r of f.rules) {
      const rule = rules.get(r.id) ?? { id: r.id, title: r.title, citations: r.citations, phases: [] };
      if (r.phase && !rule.phases.some((p) => p.id === r.phase!.id)) {
        rule.phases.push({ id: r.phase.id, label: r.phase.label, from: r.phase.from, fromConfirmed: r.phase.fromConfirmed, citations: [], obligations: r.obligations });
      }
      rules.set(r.id, rule);
    }
    for (const d of f.deadlines) {
      const rule = rules.get(d.ruleId) ?? { id: d.ruleId, title: d.ruleId, citations: [], phases: [] };
      if (!rule.phases.some((p) => p.id === d.phase)) rule.phases.push({ id: d.phase, label: d.label, from: d.date, fromConfirmed: true, citations: [], obligations: [] });
      rules.set(d.ruleId, rule);
    }
    const remediation = remediationId(f.remediation, f.removal);
    remediations.set(remediation, { id: remediation, text: f.remediation, ...(f.removal ? { removal: f.removal } : {}) });
    const hostKey = hostKeyOf({ host: f.observation.host, source: f.source });
    const { vendorName: _name, deadlines, removal: _removal, ...rest } = f;
    return {
      ...rest,
      id: f.id ?? findingId(hostKey, f.product.id),
      count: f.count ?? 1,
      product: f.product.id,
      rules: f.rules.map((r) => ({
        id: r.id,
        ...(r.effect !== "lists" ? { effect: r.effect } : {}),
        ...(r.phase ? { phase: r.phase.id } : {}),
      })),
      ...(deadlines.length > 0 ? { deadlines: deadlines.map((d) => ({ date: d.date, rule: d.ruleId, phase: d.phase, actions: d.actions })) } : {}),
      remediation,
    };
  };
  const findings = spelled.findings.map(convert);
  const suppressed = spelled.suppressed.map((f): SuppressedFinding => ({ ...convert(f), exception: f.exception }));
  return {
    reportVersion: 2,
    ...spelled,
    rules: [...rules.values()],
    products: [...products.values()],
    remediations: [...remediations.values()],
    findings,
    suppressed,
  };
}
