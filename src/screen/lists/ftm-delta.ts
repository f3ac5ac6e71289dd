/**
 * @module
 * OpenSanctions delta files: the incremental updates OpenSanctions publishes between versions of
 * a dataset (https://opensanctions.org/faq/80/bulk-deltas, "Understanding delta data files").
 * Each line is a JSON object `{"op": "ADD" | "MOD" | "DEL", "entity": {...}}`: ADD and MOD carry
 * the entity's new FollowTheMoney body, DEL its `id`. A delta applies to a list already imported
 * from the same dataset (its FtM `entities.ftm.json`), in the order the versions were published.
 *
 * The delta itself is held in memory (a day's changes, not the dataset); the base list streams.
 */
import type { ScreenEntity } from "../model.js";
import { ftmParty, jsonLines, type FtmEntity } from "./ftm.js";
import { report, type ImportContext } from "./source.js";

export const DELTA_OPS = ["ADD", "MOD", "DEL"] as const;
export type DeltaOp = (typeof DELTA_OPS)[number];

/** A delta read: per entity id, its new body (undefined: deleted, or no longer a party). */
export type FtmDelta = { changes: Map<string, ScreenEntity | undefined>; counts: Record<DeltaOp, number> };

/** Is this parsed line a delta operation (for format detection)? */
export function isDeltaLine(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const { op, entity } = v as { op?: unknown; entity?: unknown };
  return typeof op === "string" && (DELTA_OPS as readonly string[]).includes(op) && typeof entity === "object" && entity !== null && typeof (entity as { id?: unknown }).id === "string";
}

export async function readFtmDelta(path: string, ctx: ImportContext): Promise<FtmDelta> {
  const changes = new Map<string, ScreenEntity | undefined>();
  const counts: Record<DeltaOp, number> = { ADD: 0, MOD: 0, DEL: 0 };
  for await (const { value: v, line } of jsonLines(path, ctx, { code: "list/delta-json", expected: 'one {"op", "entity"} a line' })) {
    if (!isDeltaLine(v)) {
      report(ctx, { code: "list/delta-op", message: 'expected {"op": "ADD" | "MOD" | "DEL", "entity": {"id": ...}}; the line was skipped', source: { file: path, line } });
      continue;
    }
    const { op, entity } = v as { op: DeltaOp; entity: FtmEntity };
    counts[op]++;
    if (op === "DEL") {
      changes.set(entity.id, undefined);
      continue;
    }
    if (typeof entity.schema !== "string") {
      report(ctx, { code: "list/delta-op", message: `${op} of ${entity.id} has no schema (expected a FollowTheMoney entity); the line was skipped`, source: { file: path, line } });
      continue;
    }
    changes.set(entity.id, ftmParty(entity, (message) => report(ctx, { code: "list/ftm-entity", severity: "warning", message, source: { file: path, line } })));
  }
  return { changes, counts };
}

/** The base list's entities with the delta applied: changed ones in place, deleted ones left out, added ones at the end. */
export function* applyFtmDelta(base: Iterable<ScreenEntity>, delta: FtmDelta): Generator<ScreenEntity> {
  const done = new Set<string>();
  for (const e of base) {
    if (!delta.changes.has(e.id)) {
      yield e;
      continue;
    }
    done.add(e.id);
    const next = delta.changes.get(e.id);
    if (next) yield next;
  }
  for (const [id, next] of delta.changes) if (next && !done.has(id)) yield next;
}
