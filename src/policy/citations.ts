/**
 * @module
 * The order citations are shown in: the primary legal instrument first (the Federal Register,
 * the statute, the CFR or FAR text), then press releases, reprints and law-firm summaries. A
 * phase cited only by secondary sources is shown after the rule's first primary citation, so
 * every finding and decision opens with the instrument that has legal force.
 */
import type { Citation, Source } from "../model/catalog.js";

export function orderCitations(phase: readonly Citation[] | undefined, rule: readonly Citation[], sources: ReadonlyMap<string, Source>): Citation[] {
  const isPrimary = (c: Citation): boolean => sources.get(c.source)?.primary === true && c.confirmed;
  const list = [...(phase ?? rule)];
  if (!list.some(isPrimary)) {
    const lead = rule.find(isPrimary);
    if (lead) list.unshift(lead);
  }
  // stable: primary (confirmed) sources first, each group in the catalog's order
  return [...list.filter(isPrimary), ...list.filter((c) => !isPrimary(c))];
}
