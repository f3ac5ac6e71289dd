/**
 * @module
 * `deadline.approaching`: a rule phase that will change the verdict of open findings starts
 * within a subscription's lead time. A finding's `deadline` is the date of the start of the next
 * phase that changes its position, judged for its site's profile; the counts
 * table (`posture_counts`) holds open findings per (site, deadline), so one read per tick finds
 * every site with findings a coming boundary changes.
 *
 * One event per (site, boundary, lead): for each subscription, the tightest of its lead times
 * already reached is sent (a server started 5 days before a boundary sends the 7-day notice,
 * not the 30-day one as well), and the event's dedupe key makes every process and every tick
 * agree that it was sent.
 */
import type { Catalog } from "../model/catalog.js";
import { startOfDateInZone } from "../policy/time.js";
import type { Ctx } from "./context.js";
import { activeWebhooks, emit } from "./outbox.js";

const DAY_MS = 86_400_000;

/** Each phase start of the catalog by its date (as the findings' `deadline` holds it), with its instant and rules. */
export function deadlineInstants(catalog: Catalog): Map<string, { instant: string; rules: string[] }> {
  const out = new Map<string, { instant: string; rules: string[] }>();
  for (const rule of catalog.rules) {
    for (const phase of rule.phases) {
      const ms = phase.from.length > 10 ? Date.parse(phase.from) : startOfDateInZone(phase.from, rule.timeZone);
      if (Number.isNaN(ms)) continue;
      // a finding's deadline is the phase start's date (src/policy/judge.ts); a date with two instants keeps the earlier
      const date = phase.from.slice(0, 10);
      const instant = new Date(ms).toISOString();
      const entry = out.get(date) ?? { instant, rules: [] };
      if (instant < entry.instant) entry.instant = instant;
      if (!entry.rules.includes(rule.id)) entry.rules.push(rule.id);
      out.set(date, entry);
    }
  }
  return out;
}

/** The ticker: queues the notices whose lead time has come. */
export async function queueDeadlineNotices(ctx: Ctx, now: string): Promise<void> {
  const hooks = (await activeWebhooks(ctx.db)).filter((h) => (JSON.parse(h.events) as string[]).includes("deadline.approaching"));
  if (hooks.length === 0) return;
  const nowMs = Date.parse(now);
  const maxLead = Math.max(...hooks.flatMap((h) => JSON.parse(h.lead_days) as number[]));
  const coming = [...deadlineInstants(ctx.catalog.active.catalog)].filter(([, v]) => {
    const ms = Date.parse(v.instant);
    return ms > nowMs && ms - maxLead * DAY_MS <= nowMs;
  });
  if (coming.length === 0) return;
  const rows = await ctx.db
    .selectFrom("posture_counts")
    .select(["site", "deadline", "status"])
    .select((eb) => eb.fn.sum<number>("n").as("n"))
    .where("state", "=", "open")
    .where("deadline", "in", coming.map(([d]) => d))
    .groupBy(["site", "deadline", "status"])
    .execute();
  const bySiteDeadline = new Map<string, { site: string; deadline: string; byStatus: Record<string, number>; findings: number }>();
  for (const r of rows) {
    const n = Number(r.n);
    if (n <= 0) continue;
    const k = `${r.site}\u0000${r.deadline}`;
    const e = bySiteDeadline.get(k) ?? { site: r.site, deadline: r.deadline, byStatus: {}, findings: 0 };
    e.byStatus[r.status] = (e.byStatus[r.status] ?? 0) + n;
    e.findings += n;
    bySiteDeadline.set(k, e);
  }
  const byDeadline = new Map(coming);
  for (const hook of hooks) {
    const leads = (JSON.parse(hook.lead_days) as number[]).slice().sort((a, b) => a - b);
    for (const e of bySiteDeadline.values()) {
      if (hook.site !== null && hook.site !== e.site) continue;
      const b = byDeadline.get(e.deadline)!;
      const left = Date.parse(b.instant) - nowMs;
      const lead = leads.find((l) => left <= l * DAY_MS);
      if (lead === undefined) continue;
      const dedupeKey = `deadline:${e.site}:${b.instant}:${lead}`;
      await ctx.db.transaction().execute(async (trx) => {
        await emit(
          trx,
          [
            {
              type: "deadline.approaching",
              site: e.site,
              at: now,
              dedupeKey,
              data: { boundary: b.instant, date: e.deadline, leadDays: lead, daysLeft: Math.ceil(left / DAY_MS), rules: b.rules, openFindings: e.findings, byStatus: e.byStatus },
            },
          ],
          { to: [hook] },
        );
      });
    }
  }
}
