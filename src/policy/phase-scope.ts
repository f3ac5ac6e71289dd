/**
 * @module
 * Which phases of a rule concern a subject. A listing that names entities over time (the FCC
 * Covered List: Huawei and ZTE in 2021, AO Kaspersky Lab in 2022) gives each inclusion a phase
 * with its `entities`; such a phase, its prohibitions and its obligations concern those entities'
 * corporate families only, from its own date. A phase without `entities` concerns every entity
 * of its rule.
 */
import type { Phase } from "../model/catalog.js";

/** Whether `phase` concerns a subject of corporate family `group` (`groupOf`: an entity's family). */
export function phaseConcerns(phase: Phase, group: string, groupOf: (entity: string) => { id: string }): boolean {
  return phase.entities === undefined || phase.entities.some((e) => groupOf(e).id === group);
}
