/**
 * @module
 * Screening as a standing job: when the screening fingerprint (the catalog digest and the
 * imported lists' headers, screening.ts) differs from the one counterparties were last screened
 * with, a `rescreen` job is queued under the fingerprint (one job however many processes notice),
 * and it screens every stored counterparty again, in batches, each batch in one transaction with
 * its verdict changes, their history, audit entries and webhook events. Running it twice
 * changes nothing the second time (a counterparty already screened with the fingerprint is skipped).
 */
import type { CounterpartyRow } from "../store/schema.js";
import { audit } from "./audit.js";
import type { Ctx } from "./context.js";
import { storeScreened } from "./counterparties.js";
import { enqueue } from "./jobs.js";
import type { CounterpartyRole, RescreenResult } from "./notify-types.js";
import { screener, screeningFingerprint } from "./screening.js";

const BATCH = 500;
const META_KEY = "screened_with";

/** The ticker: queues a re-screen when the catalog or the lists changed since the last one. */
export async function queueRescreen(ctx: Ctx, now: string): Promise<void> {
  const fingerprint = screeningFingerprint(ctx);
  const done = await ctx.db.selectFrom("meta").select("value").where("key", "=", META_KEY).executeTakeFirst();
  if (done?.value === fingerprint) return;
  const stale = await ctx.db.selectFrom("counterparties").select("id").where("screened_with", "!=", fingerprint).limit(1).executeTakeFirst();
  if (!stale) {
    // every counterparty (or none) was screened with it already: remember it, queue nothing
    await setScreened(ctx, fingerprint);
    return;
  }
  await enqueue(ctx, `rescreen:${fingerprint}`, "rescreen", { reason: "the catalog or the screening lists changed", at: now, digest: fingerprint }, now);
}

async function setScreened(ctx: Ctx, fingerprint: string): Promise<void> {
  await ctx.db
    .insertInto("meta")
    .values({ key: META_KEY, value: fingerprint })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: fingerprint }))
    .execute();
}

/** Screens every counterparty not yet screened with the current fingerprint. */
export async function rescreenAll(ctx: Ctx, ref: string): Promise<RescreenResult> {
  const s = screener(ctx);
  const at = ctx.clock().toISOString();
  let after = "";
  let screened = 0;
  let changed = 0;
  for (;;) {
    const page: CounterpartyRow[] = await ctx.db.selectFrom("counterparties").selectAll().where("id", ">", after).where("screened_with", "!=", s.fingerprint).orderBy("id").limit(BATCH).execute();
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const parties = page.map((r) => ({ site: r.site, name: r.name, country: r.country, role: r.role as CounterpartyRole, identifiers: JSON.parse(r.identifiers) as Record<string, string> }));
    const r = await ctx.db.transaction().execute((trx) => storeScreened(trx, s, parties, { at, cause: "rescreen", keyId: "system" }));
    screened += page.length;
    changed += r.changed;
  }
  await setScreened(ctx, s.fingerprint);
  await audit(ctx.db, { at, keyId: "system", action: "rescreen", detail: { ref, fingerprint: s.fingerprint, screened, changed, lists: s.lists.map((l) => `${l.name} (${l.entries})`) } });
  return { fingerprint: s.fingerprint, screened, changed };
}
