/**
 * @module
 * The instants at which the catalog's rules change what they prohibit: every phase's start and
 * end, a date read as 00:00 in the rule's zone (src/policy/time.ts), an instant as written
 * (2024-09-29 00:00 America/New_York = 2024-09-29T04:00:00.000Z).
 */
import type { Catalog } from "../model/catalog.js";
import { startOfDateInZone } from "../policy/time.js";

/** Every phase boundary of the catalog, as sorted unique ISO instants. */
export function phaseBoundaries(catalog: Catalog): string[] {
  const out = new Set<number>();
  const instant = (v: string, zone: string): number => (v.length > 10 ? Date.parse(v) : startOfDateInZone(v, zone));
  for (const rule of catalog.rules) {
    for (const phase of rule.phases) {
      out.add(instant(phase.from, rule.timeZone));
      if (phase.to) out.add(instant(phase.to, rule.timeZone));
    }
  }
  return [...out].filter((n) => !Number.isNaN(n)).sort((a, b) => a - b).map((n) => new Date(n).toISOString());
}

/** The first boundary strictly after `after`, or null. */
export function nextBoundary(boundaries: readonly string[], after: string): string | null {
  return boundaries.find((b) => b > after) ?? null;
}

/** The boundaries in (`from`, `to`]. */
export function boundariesBetween(boundaries: readonly string[], from: string, to: string): string[] {
  return boundaries.filter((b) => b > from && b <= to);
}
