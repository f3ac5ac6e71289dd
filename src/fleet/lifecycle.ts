/**
 * @module
 * The findings lifecycle. A finding has a verdict (`status`, the engine's) and a `state`:
 *
 * - `open`: reported by the host's latest inventory of at least one source;
 * - `removal-pending`: gone from the inventory of the source(s) that reported it, not yet
 *   confirmed: each later inventory of one of those sources without it is one clean inventory;
 * - `resolved`: after N clean inventories (judgeAfterClean, default 2; the first inventory
 *   without it counts as the first), or when a re-judge with a new catalog no longer finds it;
 * - `excepted`: an active exception covers it (it reopens at expiry or revocation).
 *
 * A finding that comes back while removal-pending or resolved is reopened (`reopened` + 1).
 * Absence is judged per (host, source): an upload of a DNS log replaces only the host's DNS
 * inventory, so an installed-program finding stays open until a programs inventory lacks it,
 * and only uploads of the sources that last reported a finding count as clean inventories for it.
 *
 * Every change of status or state is one row of `finding_events` (dated), and moves the
 * current counts (`posture_counts`) and the hourly deltas the trend sums (`posture_deltas`) in
 * the same transaction.
 */
import { sql } from "kysely";
import type { FindingEventRow, FindingRow } from "../store/schema.js";
import type { Db } from "./context.js";
import type { Judged } from "./judge.js";
import { fleetFindingId, orderedId } from "./ids.js";
import { emitFindingEvents } from "./outbox.js";
import type { ChangeCause, FindingState } from "./types.js";

export type ReconcileInput = {
  site: string;
  host: { id: string; name: string };
  existing: readonly FindingRow[];
  judged: readonly Judged[];
  /** The upload's source (ingest), or null for a re-judge. */
  uploadSource: string | null;
  at: string;
  judgeAfterClean: number;
  cause: ChangeCause;
  ref: string;
};

export type Change = { before: FindingRow | null; after: FindingRow; event: boolean };

export type ChangeCounts = { new: number; reopened: number; removalPending: number; resolved: number; statusChanged: number };

export const noChanges = (): ChangeCounts => ({ new: 0, reopened: 0, removalPending: 0, resolved: 0, statusChanged: 0 });

/** What the host's findings become, given the new judgment. Pure: writes nothing. */
export function reconcile(input: ReconcileInput): Change[] {
  const { at } = input;
  const changes: Change[] = [];
  const byEngine = new Map(input.existing.map((r) => [r.engine_id, r]));
  const present = new Set<string>();
  for (const j of input.judged) {
    const f = j.finding;
    present.add(f.id);
    const before = byEngine.get(f.id) ?? null;
    const reportedNow = input.uploadSource !== null && j.sources.has(input.uploadSource);
    const detail = JSON.stringify({
      evidence: f.evidence,
      rules: f.rules,
      observation: f.observation,
      remediation: f.remediation,
      count: f.count,
      ...(j.product ? { productName: j.product.name, vendorName: j.product.vendorName } : {}),
      ...(f.network ? { network: f.network } : {}),
    });
    const common = {
      status: f.status,
      reason: f.reason,
      confidence: f.confidence,
      deadline: f.deadline ?? "",
      sources: JSON.stringify([...j.sources].sort()),
      detail,
      updated_at: at,
    };
    if (!before) {
      changes.push({
        before: null,
        event: true,
        after: {
          id: fleetFindingId(input.site, f.id),
          site: input.site,
          host_id: input.host.id,
          host_name: input.host.name,
          engine_id: f.id,
          vendor: f.vendor,
          product: f.product,
          state: "open",
          first_seen: at,
          last_seen: at,
          resolved_at: null,
          reopened: 0,
          clean_count: 0,
          exception_id: null,
          ...common,
        },
      });
      continue;
    }
    const comingBack = before.state === "removal-pending" || before.state === "resolved";
    const state: FindingState = comingBack ? (before.exception_id ? "excepted" : "open") : (before.state as FindingState);
    const after: FindingRow = {
      ...before,
      ...common,
      state,
      last_seen: reportedNow ? at : before.last_seen,
      resolved_at: comingBack ? null : before.resolved_at,
      reopened: before.reopened + (comingBack ? 1 : 0),
      clean_count: 0,
    };
    changes.push({ before, after, event: after.status !== before.status || after.state !== before.state });
  }
  for (const before of input.existing) {
    if (present.has(before.engine_id)) continue;
    const state = before.state as FindingState;
    if (state === "resolved") continue;
    if (input.uploadSource === null) {
      // a re-judge no longer finds it: the catalog changed, nothing was removed to verify
      if (state === "removal-pending") continue;
      changes.push({ before, event: true, after: { ...before, state: "resolved", resolved_at: at, clean_count: 0, updated_at: at } });
      continue;
    }
    const sources = JSON.parse(before.sources) as string[];
    if (!sources.includes(input.uploadSource)) continue; // another source's inventory says nothing about it
    const clean = state === "removal-pending" ? before.clean_count + 1 : 1;
    const done = clean >= input.judgeAfterClean;
    const next: FindingState = done ? "resolved" : "removal-pending";
    changes.push({
      before,
      event: next !== state,
      after: { ...before, state: next, clean_count: done ? 0 : clean, resolved_at: done ? at : null, updated_at: at },
    });
  }
  return changes;
}

export function countChanges(changes: readonly Change[], into: ChangeCounts = noChanges()): ChangeCounts {
  for (const c of changes) {
    if (!c.before) {
      into.new++;
      continue;
    }
    if (c.after.reopened > c.before.reopened) into.reopened++;
    if (c.after.state !== c.before.state && c.after.state === "removal-pending") into.removalPending++;
    if (c.after.state !== c.before.state && c.after.state === "resolved") into.resolved++;
    if (c.after.status !== c.before.status) into.statusChanged++;
  }
  return into;
}

const CHUNK = 200;

/**
 * Writes findings, their events and the counts they move, and puts the webhook events of the
 * changes (new, resolved, reopened) in the outbox; run inside the caller's transaction.
 */
export async function writeChanges(db: Db, changes: readonly Change[], meta: { at: string; cause: ChangeCause; ref: string }, options: { counts?: boolean } = {}): Promise<void> {
  const inserts = changes.filter((c) => !c.before).map((c) => c.after);
  for (let i = 0; i < inserts.length; i += CHUNK) await db.insertInto("findings").values(inserts.slice(i, i + CHUNK)).execute();
  for (const c of changes) {
    if (!c.before) continue;
    const { id, ...rest } = c.after;
    await db.updateTable("findings").set(rest).where("id", "=", id).execute();
  }
  const events: FindingEventRow[] = changes
    .filter((c) => c.event)
    .map((c) => ({
      id: orderedId("e"),
      finding_id: c.after.id,
      host_id: c.after.host_id,
      site: c.after.site,
      at: meta.at,
      cause: meta.cause,
      status: c.after.status,
      state: c.after.state,
      prev_status: c.before?.status ?? null,
      prev_state: c.before?.state ?? null,
      ref: meta.ref,
    }));
  for (let i = 0; i < events.length; i += CHUNK) await db.insertInto("finding_events").values(events.slice(i, i + CHUNK)).execute();
  // `counts: false`: the caller moves them itself, last in its transaction (the counter rows are shared by every writer)
  if (options.counts !== false) await moveCounts(db, changes, meta.at);
  await emitFindingEvents(db, changes, meta);
}

/** The hour an instant falls in: the trend's bucket. */
export function hourOf(at: string): string {
  return `${at.slice(0, 13)}:00:00.000Z`;
}

/** Moves the current counts and the hourly deltas by a set of changes (keys sorted, so concurrent writers lock in one order). */
export async function moveCounts(db: Db, changes: readonly { before: FindingRow | null; after: FindingRow }[], at: string): Promise<void> {
  const counts = new Map<string, number>();
  const deltas = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, n: number): void => void m.set(key, (m.get(key) ?? 0) + n);
  const bucket = hourOf(at);
  for (const { before, after } of changes) {
    const k = (r: FindingRow): string => [r.site, r.vendor, r.status, r.state, r.deadline].join("\u0000");
    const d = (r: FindingRow): string => [r.site, bucket, r.status, r.state].join("\u0000");
    if (before && k(before) === k(after)) continue;
    if (before) add(counts, k(before), -1);
    add(counts, k(after), 1);
    if (before && d(before) === d(after)) continue;
    if (before) add(deltas, d(before), -1);
    add(deltas, d(after), 1);
  }
  for (const key of [...counts.keys()].sort()) {
    const n = counts.get(key)!;
    if (n === 0) continue;
    const [site, vendor, status, state, deadline] = key.split("\u0000") as [string, string, string, string, string];
    await db
      .insertInto("posture_counts")
      .values({ site, vendor, status, state, deadline, n })
      .onConflict((oc) => oc.columns(["site", "vendor", "status", "state", "deadline"]).doUpdateSet({ n: sql`posture_counts.n + excluded.n` }))
      .execute();
  }
  for (const key of [...deltas.keys()].sort()) {
    const n = deltas.get(key)!;
    if (n === 0) continue;
    const [site, b, status, state] = key.split("\u0000") as [string, string, string, string];
    await db
      .insertInto("posture_deltas")
      .values({ site, bucket: b, status, state, delta: n })
      .onConflict((oc) => oc.columns(["site", "bucket", "status", "state"]).doUpdateSet({ delta: sql`posture_deltas.delta + excluded.delta` }))
      .execute();
    await db
      .insertInto("posture_deltas_day")
      .values({ site, day: b.slice(0, 10), status, state, delta: n })
      .onConflict((oc) => oc.columns(["site", "day", "status", "state"]).doUpdateSet({ delta: sql`posture_deltas_day.delta + excluded.delta` }))
      .execute();
  }
}
