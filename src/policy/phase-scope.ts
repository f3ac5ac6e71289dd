/**
 * @module
 * Which phases of a rule concern a subject. A listing that names entities over time (the FCC
 * Covered List: Huawei and ZTE in 2021, AO Kaspersky Lab in 2022) gives each inclusion a phase
 * with its `entities`; such a phase, its prohibitions and its obligations concern those entities'
 * corporate families only, from its own date. A phase without `entities` concerns every entity
 * of its rule. The report's rules table names those families per phase (`vendors`), so that
 * what renders a report (report/document.ts) scopes the duties alike.
 */
import type { Obligation, Phase, Role, Rule } from "../model/catalog.js";
import { obligationText } from "../model/vocabulary.js";
import { isInForce, type AsOf } from "./time.js";

/** Whether `phase` concerns a subject of corporate family `group` (`groupOf`: an entity's family). */
export function phaseConcerns(phase: Phase, group: string, groupOf: (entity: string) => { id: string }): boolean {
  return phase.entities === undefined || phase.entities.some((e) => groupOf(e).id === group);
}

/**
 * The duties of a rule's phases in force on `asOf` that concern family `group` (every family when
 * undefined) and fall on `role`, each once: two inclusions of one family in a listing (AO
 * Kaspersky Lab, then Kaspersky Lab, Inc.) bring the same duty.
 */
export function dutiesInForce(rule: Rule, asOf: AsOf, group: string | undefined, role: Role, groupOf: (entity: string) => { id: string }): (string | Obligation)[] {
  const duties = rule.phases
    .filter((p) => isInForce(p, asOf, rule.timeZone) && (group === undefined || phaseConcerns(p, group, groupOf)))
    .flatMap((p) => p.obligations)
    .filter((x) => dutyFallsOn(x, role));
  return duties.filter((x, i) => duties.findIndex((y) => obligationText(y) === obligationText(x)) === i);
}

/** Whether a duty falls on `role`: a plain-text duty, or one naming no roles, falls on every role. */
export function dutyFallsOn(duty: string | Obligation, role: Role): boolean {
  return typeof duty === "string" || !duty.roles || duty.roles.includes("any") || duty.roles.includes(role);
}
