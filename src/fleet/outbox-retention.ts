/**
 * @module
 * What retention (retention.ts) purges of the webhook outbox: deliveries that are finished
 * (`delivered`, or `failed` after their last attempt) since before the cutoff, their attempts,
 * and events no delivery is left for. A delivery still `pending` or `sending` is never purged,
 * whatever its age (a paused subscription's deliveries wait for it), and neither is its event.
 *
 * Deadline notices are the exception to "finished is purgeable": their event's dedupe key is what
 * tells every process and tick that the notice of (site, boundary, lead) was sent
 * (deadline-notices.ts), and a delivery row is what keeps the notice from being fanned out to
 * that subscription again. Both stay until the boundary has passed, after which no tick sends
 * that notice; a dedupe key of another kind (none exists yet) is kept for good.
 */
import type { Ctx } from "./context.js";

export type OutboxPurge = { deliveries: number; attempts: number; events: number };

/** Events whose dedupe key still guards against sending them again: deadline notices whose boundary is ahead of `now`. */
async function guardingEvents(ctx: Ctx, before: string, now: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom("outbox_events").select(["id", "body"]).where("dedupe_key", "is not", null).where("created_at", "<", before).execute();
  return rows
    .filter((r) => {
      let boundary: unknown;
      try {
        boundary = (JSON.parse(r.body) as { data?: { boundary?: unknown } }).data?.boundary;
      } catch {
        return true; // the server's own JSON; if damaged, keeping it is the safe side
      }
      return typeof boundary !== "string" || !(boundary <= now);
    })
    .map((r) => r.id);
}

/** Purges what of the outbox was finished before `before` (`now` is the purge's instant). */
export async function purgeOutbox(ctx: Ctx, before: string, now: string): Promise<OutboxPurge> {
  const guarding = await guardingEvents(ctx, before, now);
  let finished = ctx.db.deleteFrom("webhook_deliveries").where((eb) =>
    eb.or([
      eb.and([eb("state", "=", "delivered"), eb("delivered_at", "<", before)]),
      // failed for good: made before the cutoff, and no attempt since
      eb.and([
        eb("state", "=", "failed"),
        eb("created_at", "<", before),
        eb.not(eb.exists(eb.selectFrom("webhook_attempts").select("webhook_attempts.id").whereRef("webhook_attempts.delivery_id", "=", "webhook_deliveries.id").where("webhook_attempts.at", ">=", before))),
      ]),
    ]),
  );
  if (guarding.length > 0) finished = finished.where("event_id", "not in", guarding);
  const deliveries = await finished.executeTakeFirst();
  // attempts of deliveries that are gone (purged now, or with a deleted subscription); never those of a delivery that exists
  const attempts = await ctx.db
    .deleteFrom("webhook_attempts")
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("webhook_deliveries").select("webhook_deliveries.id").whereRef("webhook_deliveries.id", "=", "webhook_attempts.delivery_id"))))
    .executeTakeFirst();
  let orphaned = ctx.db
    .deleteFrom("outbox_events")
    .where("created_at", "<", before)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("webhook_deliveries").select("webhook_deliveries.id").whereRef("webhook_deliveries.event_id", "=", "outbox_events.id"))));
  if (guarding.length > 0) orphaned = orphaned.where("id", "not in", guarding);
  const events = await orphaned.executeTakeFirst();
  return { deliveries: Number(deliveries.numDeletedRows ?? 0), attempts: Number(attempts.numDeletedRows ?? 0), events: Number(events.numDeletedRows ?? 0) };
}
