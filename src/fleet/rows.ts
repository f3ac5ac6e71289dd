/**
 * @module
 * Stored rows → the service's types.
 */
import { STATUSES, type Status } from "../model/finding.js";
import type { FindingEventRow, FindingRow, HostRow } from "../store/schema.js";
import type { ChangeCause, FindingEvent, FindingState, FleetFinding, Host, HostSource } from "./types.js";
import { FINDING_STATES } from "./types.js";

export const zeroStatus = (): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
export const zeroState = (): Record<FindingState, number> => Object.fromEntries(FINDING_STATES.map((s) => [s, 0])) as Record<FindingState, number>;

export type Names = { product(id: string): string | undefined; vendor(id: string): string | undefined };

export function findingOf(r: FindingRow, names: Names, withDetail: boolean): FleetFinding {
  const detail = JSON.parse(r.detail) as Record<string, unknown>;
  const productName = (detail.productName as string | undefined) ?? names.product(r.product);
  const vendorName = (detail.vendorName as string | undefined) ?? names.vendor(r.vendor);
  return {
    id: r.id,
    engineId: r.engine_id,
    site: r.site,
    hostId: r.host_id,
    host: r.host_name,
    vendor: r.vendor,
    ...(vendorName ? { vendorName } : {}),
    product: r.product,
    ...(productName ? { productName } : {}),
    status: r.status as Status,
    state: r.state as FindingState,
    reason: r.reason,
    confidence: Number(r.confidence),
    ...(r.deadline ? { deadline: r.deadline } : {}),
    rules: (detail.rules as FleetFinding["rules"]) ?? [],
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    resolvedAt: r.resolved_at,
    reopened: Number(r.reopened),
    cleanCount: Number(r.clean_count),
    sources: JSON.parse(r.sources) as string[],
    ...(withDetail ? { evidence: (detail.evidence as FleetFinding["evidence"]) ?? [], observation: (detail.observation as FleetFinding["observation"]) ?? {} } : {}),
    ...(r.exception_id ? { exceptionId: r.exception_id } : {}),
  };
}

export function hostOf(r: HostRow, findings: Record<Status, number>, sources: HostSource[]): Host {
  return {
    id: r.id,
    site: r.site,
    name: r.name,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    findings,
    sources,
    ...(r.agent_id ? { agentId: r.agent_id } : {}),
    ...(r.machine_id ? { machineId: r.machine_id } : {}),
  };
}

export function eventOf(r: FindingEventRow): FindingEvent {
  return {
    findingId: r.finding_id,
    hostId: r.host_id,
    site: r.site,
    at: r.at,
    cause: r.cause as ChangeCause,
    status: r.status as Status,
    state: r.state as FindingState,
    previousStatus: (r.prev_status as Status | null) ?? null,
    previousState: (r.prev_state as FindingState | null) ?? null,
    ...(r.ref ? { ref: r.ref } : {}),
  };
}
