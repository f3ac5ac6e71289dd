/**
 * @module
 * Continuous judgment: every stored host's latest observations (per source) judged again with
 * the catalog in use and its site's profile, as of a given instant, and every change recorded
 * dated to the instant that caused it (a phase start, a catalog change). Hosts go in batches,
 * each in its own transaction with its hosts locked, so uploads keep flowing meanwhile; running
 * it twice changes nothing the second time (only differences are written).
 */
import type { Profile } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { parseAsOf } from "../policy/time.js";
import type { FindingRow } from "../store/schema.js";
import { audit } from "./audit.js";
import { lockable, type Ctx } from "./context.js";
import { judgeSources, type Judged } from "./judge.js";
import { reconcile, writeChanges, type Change } from "./lifecycle.js";
import type { RejudgeResult } from "./types.js";

const BATCH = 200;

export async function rejudgeAll(ctx: Ctx, reason: string, options: { at?: string; asOf?: string; ref?: string } = {}): Promise<RejudgeResult> {
  const at = options.at ?? ctx.clock().toISOString();
  const asOf = parseAsOf(options.asOf ?? at);
  const catalog = ctx.catalog.active.catalog;
  const sites = await ctx.db.selectFrom("sites").select(["name", "profile"]).orderBy("name").execute();
  let hosts = 0;
  let changed = 0;
  for (const site of sites) {
    let after = "";
    for (;;) {
      const page = await ctx.db.selectFrom("hosts").select(["id", "name_key"]).where("site", "=", site.name).where("name_key", ">", after).orderBy("name_key").limit(BATCH).execute();
      if (page.length === 0) break;
      after = page[page.length - 1]!.name_key;
      hosts += page.length;
      changed += await ctx.db.transaction().execute(async (trx) => {
        let lock = trx.selectFrom("hosts").selectAll().where("id", "in", page.map((h) => h.id)).orderBy("name_key");
        if (lockable(ctx)) lock = lock.forUpdate();
        const rows = await lock.execute();
        const ids = rows.map((r) => r.id);
        const stored = await trx.selectFrom("host_sources").select(["host_id", "source", "data"]).where("host_id", "in", ids).execute();
        const sources = new Map<string, Observation[]>();
        for (const s of stored) {
          let list = sources.get(s.source);
          if (!list) sources.set(s.source, (list = []));
          for (const o of JSON.parse(s.data) as Observation[]) list.push(o);
        }
        const judged = await judgeSources(catalog, site.profile as Profile, asOf, sources);
        const byHost = new Map<string, Judged[]>();
        for (const j of judged.values()) (byHost.get(j.hostKey) ?? byHost.set(j.hostKey, []).get(j.hostKey)!).push(j);
        const existing = await trx.selectFrom("findings").selectAll().where("host_id", "in", ids).execute();
        const existingByHost = new Map<string, FindingRow[]>();
        for (const r of existing) (existingByHost.get(r.host_id) ?? existingByHost.set(r.host_id, []).get(r.host_id)!).push(r);
        const changes: Change[] = [];
        for (const h of rows) {
          changes.push(
            ...reconcile({
              site: site.name,
              host: { id: h.id, name: h.name },
              existing: existingByHost.get(h.id) ?? [],
              judged: byHost.get(h.name_key) ?? [],
              uploadSource: null,
              at,
              judgeAfterClean: ctx.judgeAfterClean,
              cause: "rejudge",
              ref: options.ref ?? reason,
            }),
          );
        }
        // a re-judge rewrites only what differs: a finding whose verdict and fields are the same is left alone
        const real = changes.filter((c) => !c.before || c.event || differs(c.before, c.after));
        await writeChanges(trx, real, { at, cause: "rejudge", ref: options.ref ?? reason });
        return real.filter((c) => c.event).length;
      });
    }
  }
  await ctx.db
    .insertInto("meta")
    .values({ key: "judged_digest", value: catalog.digest })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: catalog.digest }))
    .execute();
  await audit(ctx.db, { at, keyId: "system", action: "rejudge", detail: { reason, hosts, changed, catalog: catalog.version, digest: catalog.digest, asOf: options.asOf ?? at } });
  return { reason, at, hosts, changed };
}

function differs(a: FindingRow, b: FindingRow): boolean {
  return a.reason !== b.reason || a.deadline !== b.deadline || a.confidence !== b.confidence || a.detail !== b.detail || a.sources !== b.sources || a.state !== b.state;
}
