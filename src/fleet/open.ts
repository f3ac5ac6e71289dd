/**
 * @module
 * `openFleet`: opens the store (migrations run first), resolves the catalog, and assembles the
 * service. It also notices, at open, a catalog that differs from the one stored hosts were
 * judged with, and queues the re-judge (run by `tick()` / the job loop).
 */
import { siteReport } from "./site-report.js";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { resolveActiveCatalog, type ActiveCatalog } from "../catalog/active.js";
import { catalogFreshness } from "../catalog/freshness.js";
import type { Catalog } from "../model/catalog.js";
import { openStore } from "../store/open.js";
import { ADMIN_ROLES, requireRole } from "./access.js";
import { listAudit } from "./audit-list.js";
import * as agents from "./agents.js";
import * as auth from "./auth.js";
import * as osquery from "./osquery.js";
import type { Ctx } from "./context.js";
import { coverage, importAssets } from "./coverage.js";
import { createException, expireExceptions, listExceptions, revokeException } from "./exceptions.js";
import { ingest } from "./ingest.js";
import { getUpload, queueDepth, queueUpload } from "./upload-queue.js";
import { JOB_HANDLERS, TICKERS } from "./job-kinds.js";
import { claim, enqueue, finish, jobInfo, listJobs, release, releaseMine, ReleaseJob, type JobPayload } from "./jobs.js";
import { boundariesBetween, nextBoundary, phaseBoundaries } from "./phases.js";
import * as q from "./queries.js";
import { DEFAULT_SHARD_HOSTS, rejudgeAll } from "./rejudge.js";
import { checkRetention } from "./retention.js";
import { createSite, getSite, listSites } from "./sites.js";
import { attest } from "./attestation.js";
import * as sessions from "./sessions.js";
import { listSigningKeys, rotateSigningKey } from "./signing-keys.js";
import * as cp from "./counterparties.js";
import { DEFAULT_DELIVERY } from "./delivery.js";
import { screenSettings } from "./screening.js";
import * as lr from "./list-refresh.js";
import * as wh from "./webhooks.js";
import { catalogTrigger, phaseTrigger } from "./rejudge-keys.js";
import type { CatalogProvider, CatalogStatus, Fleet, FleetOptions, JobInfo } from "./types.js";

const DEFAULT_JOB_INTERVAL_MS = 5000;
const DEFAULT_CATALOG_CHECK_MS = 60_000;
/** An accepted queued upload is looked at this soon by the job loop of the process that accepted it (a burst of uploads is one tick). */
const NUDGE_DELAY_MS = 200;

function isActive(c: unknown): c is ActiveCatalog {
  return typeof c === "object" && c !== null && "catalog" in c && "origin" in c;
}

function wrap(catalog: Catalog, now: Date): ActiveCatalog {
  const freshness = catalogFreshness(catalog.date, undefined, now);
  return { catalog, origin: { kind: "flag", path: "(given to openFleet)" }, stale: freshness.stale, freshness, warnings: [] };
}

function providerOf(options: FleetOptions, clock: () => Date): CatalogProvider {
  const c = options.catalog;
  if (typeof c === "function") return c;
  if (isActive(c)) return () => c;
  if (c) return () => wrap(c, clock());
  return () => resolveActiveCatalog({ ...(options.home ? { home: options.home } : {}), now: clock() });
}

async function getMeta(ctx: Ctx, key: string): Promise<string | undefined> {
  return (await ctx.db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst())?.value;
}

async function setMetaIfAbsent(ctx: Ctx, key: string, value: string): Promise<void> {
  await ctx.db.insertInto("meta").values({ key, value }).onConflict((oc) => oc.column("key").doNothing()).execute();
}

export async function openFleet(options: FleetOptions = {}): Promise<Fleet> {
  const clock = options.clock ?? (() => new Date());
  const retention = checkRetention(options.retention);
  const provider = providerOf(options, clock);
  const active = await provider();
  const store = await openStore({ ...(options.db ? { db: options.db } : {}), ...(options.home ? { home: options.home } : {}), ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  const ctx: Ctx = {
    db: store.db,
    backend: store.backend,
    clock,
    judgeAfterClean: options.judgeAfterClean ?? 2,
    catalog: { active },
    workerId: `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`,
    shardHosts: options.rejudgeShardHosts ?? DEFAULT_SHARD_HOSTS,
    retention,
    listsEnv: options.home ? { ...process.env, ICTSGUARD_HOME: options.home } : process.env,
    delivery: { ...DEFAULT_DELIVERY, ...options.delivery },
    screen: screenSettings(options.screen),
  };
  if (!Number.isInteger(ctx.shardHosts) || ctx.shardHosts < 1) throw new Error(`rejudgeShardHosts must be a positive integer, not ${options.rejudgeShardHosts}`);
  if (!Number.isInteger(ctx.judgeAfterClean) || ctx.judgeAfterClean < 1) throw new Error(`judgeAfterClean must be a positive integer, not ${options.judgeAfterClean}`);
  let boundaries = phaseBoundaries(active.catalog);

  // a new store was judged with nothing: it starts from the catalog and the instant it opens
  await setMetaIfAbsent(ctx, "judged_digest", active.catalog.digest);
  await setMetaIfAbsent(ctx, "phases_checked_at", clock().toISOString());

  const queueCatalogRejudge = async (): Promise<boolean> => {
    const judged = await getMeta(ctx, "judged_digest");
    const digest = ctx.catalog.active.catalog.digest;
    if (judged === digest) return false;
    const at = clock().toISOString();
    await enqueue(ctx, catalogTrigger(digest), "rejudge", { reason: `catalog ${ctx.catalog.active.catalog.version} (${digest.slice(0, 12)}) installed`, at, digest }, at);
    return true;
  };
  await queueCatalogRejudge();

  const queuePhaseRejudges = async (): Promise<void> => {
    const now = clock().toISOString();
    const checked = (await getMeta(ctx, "phases_checked_at")) ?? now;
    for (const b of boundariesBetween(boundaries, checked, now)) {
      await enqueue(ctx, phaseTrigger(b), "rejudge", { reason: `a rule phase starts or ends at ${b}`, at: b, asOf: b }, b);
    }
    // only forward: a process with a slower clock never moves it back
    await ctx.db.updateTable("meta").set({ value: now }).where("key", "=", "phases_checked_at").where("value", "<", now).execute();
  };

  // one pass at a time in this process: a tick during a pass runs after it
  let chain: Promise<unknown> = Promise.resolve();
  // set by stopJobs(): the job in hand finishes, no other is claimed
  let stopping = false;
  ctx.stopping = () => stopping;
  const catalogCheckMs = options.catalogCheckMs ?? DEFAULT_CATALOG_CHECK_MS;
  let catalogCheckedAt = Date.now();
  const tickOnce = async (): Promise<JobInfo[]> => {
    if (stopping) return [];
    if (catalogCheckMs > 0 && Date.now() - catalogCheckedAt >= catalogCheckMs) {
      catalogCheckedAt = Date.now();
      try {
        await fleet.catalogChanged();
      } catch (err) {
        // a catalog folder caught mid-edit: judging goes on with the catalog in use, and the jobs still run
        process.stderr.write(`ictsguard: the catalog could not be read again (${(err as Error).message}); still judging with ${ctx.catalog.active.catalog.version}\n`);
      }
    }
    await expireExceptions(ctx);
    await queuePhaseRejudges();
    await queueCatalogRejudge();
    const now = clock().toISOString();
    for (const ticker of TICKERS) await ticker(ctx, now);
    const ran: JobInfo[] = [];
    while (!stopping) {
      const job = await claim(ctx, now);
      if (!job) break;
      const payload = JSON.parse(job.payload) as JobPayload;
      let outcome: { result?: unknown; error?: string };
      try {
        const handler = JOB_HANDLERS[job.kind];
        if (!handler) throw new Error(`no handler for job kind "${job.kind}" in this version of ictsguard`);
        outcome = { result: await handler(ctx, payload, job) };
      } catch (err) {
        if (err instanceof ReleaseJob) {
          // another process runs it; claiming on would take the same job again
          await release(ctx, job);
          break;
        }
        outcome = { error: (err as Error).stack ?? String(err) };
      }
      ran.push(jobInfo(await finish(ctx, job, outcome)));
    }
    return ran;
  };
  const tick = (): Promise<JobInfo[]> => {
    const run = chain.then(tickOnce, tickOnce);
    chain = run.catch(() => undefined);
    return run;
  };
  let timer: NodeJS.Timeout | undefined;
  // an upload accepted into the queue asks this process's job loop for a tick soon, rather than at the next interval
  let nudged: NodeJS.Timeout | undefined;
  const nudge = (): void => {
    if (!timer || nudged || stopping) return;
    nudged = setTimeout(() => {
      nudged = undefined;
      void tick().catch((err) => process.stderr.write(`ictsguard: job loop: ${(err as Error).message}\n`));
    }, NUDGE_DELAY_MS);
    nudged.unref();
  };

  ctx.refreshCatalog = () => fleet.catalogChanged();
  let closing: Promise<void> | undefined;
  const fleet: Fleet = {
    backend: store.backend,
    agents: {
      enroll: (token, facts) => agents.enrollAgent(ctx, token, facts),
      authenticate: (credential) => agents.authenticateAgent(ctx, credential),
      ingest: (caller, upload) => agents.agentIngest(ctx, caller, upload),
      listAgents: (p, query) => agents.listAgents(ctx, p, query),
      listDuplicates: (p, query) => agents.listDuplicates(ctx, p, query),
      merge: (p, input) => agents.mergeHosts(ctx, p, input),
      createOsquerySecret: (p, input) => osquery.createOsquerySecret(ctx, p, input),
      listOsquerySecrets: (p, query) => osquery.listOsquerySecrets(ctx, p, query),
      osqueryEnroll: (input) => osquery.osqueryEnroll(ctx, input),
      osqueryNode: (nodeKey) => osquery.osqueryNode(ctx, nodeKey),
    },
    get screen() {
      return ctx.screen;
    },
    get catalog() {
      return ctx.catalog.active;
    },
    authenticate: (token) => auth.authenticate(ctx, token),
    createApiKey: (p, input) => auth.createApiKey(ctx, p, input),
    revokeApiKey: (p, id) => auth.revokeApiKey(ctx, p, id),
    listApiKeys: (p) => auth.listApiKeys(ctx, p),
    createEnrollmentToken: (p, input) => auth.createEnrollmentToken(ctx, p, input),
    listEnrollmentTokens: (p, filter) => auth.listEnrollmentTokens(ctx, p, filter),
    revokeEnrollmentToken: (p, id) => auth.revokeEnrollmentToken(ctx, p, id),
    verifyEnrollmentToken: (token) => auth.verifyEnrollmentToken(ctx, token),
    createSite: (p, input) => createSite(ctx, p, input),
    listSites: (p) => listSites(ctx, p),
    getSite: (p, name) => getSite(ctx, p, name),
    ingest: (request) => ingest(ctx, request),
    async queueUpload(request) {
      const out = await queueUpload(ctx, request);
      if (!out.replayed) nudge();
      return out;
    },
    getUpload: (p, id) => getUpload(ctx, p, id),
    uploadQueueDepth: () => queueDepth(ctx),
    getScan: (p, id) => q.getScan(ctx, p, id),
    listScans: (p, query) => q.listScans(ctx, p, query),
    listHosts: (p, query) => q.listHosts(ctx, p, query),
    getHost: (p, host) => q.getHost(ctx, p, host),
    listFindings: (p, query) => q.listFindings(ctx, p, query),
    getFinding: (p, id) => q.getFinding(ctx, p, id),
    summary: (p, query) => q.summary(ctx, p, query),
    trend: (p, query) => q.trend(ctx, p, query),
    hostHistory: (p, hostId, at) => q.hostHistory(ctx, p, hostId, at),
    findingHistory: (p, id) => q.findingHistory(ctx, p, id),
    siteReport: (p, query) => siteReport(ctx, p, query),
    createException: (p, input) => createException(ctx, p, input),
    listExceptions: (p, query) => listExceptions(ctx, p, query),
    revokeException: (p, id) => revokeException(ctx, p, id),
    importAssets: (p, input) => importAssets(ctx, p, input),
    coverage: (p, query) => coverage(ctx, p, query),
    listAudit: (p, query) => listAudit(ctx, p, query),
    createWebhook: (p, input) => wh.createWebhook(ctx, p, input),
    listWebhooks: (p, query) => wh.listWebhooks(ctx, p, query),
    getWebhook: (p, id) => wh.getWebhook(ctx, p, id),
    updateWebhook: (p, id, patch) => wh.updateWebhook(ctx, p, id, patch),
    deleteWebhook: (p, id) => wh.deleteWebhook(ctx, p, id),
    testWebhook: (p, id) => wh.testWebhook(ctx, p, id),
    listDeliveries: (p, id, query) => wh.listDeliveries(ctx, p, id, query),
    redeliver: (p, id) => wh.redeliver(ctx, p, id),
    createCounterparty: (p, input) => cp.createCounterparty(ctx, p, input),
    importCounterparties: (p, input) => cp.importCounterparties(ctx, p, input),
    listCounterparties: (p, query) => cp.listCounterparties(ctx, p, query),
    getCounterparty: (p, id) => cp.getCounterparty(ctx, p, id),
    updateCounterparty: (p, id, patch) => cp.updateCounterparty(ctx, p, id, patch),
    deleteCounterparty: (p, id) => cp.deleteCounterparty(ctx, p, id),
    screeningLists: (p) => lr.screeningLists(ctx, p),
    setListSource: (p, input) => lr.setListSource(ctx, p, input),
    listListSources: (p) => lr.listListSources(ctx, p),
    deleteListSource: (p, name) => lr.deleteListSource(ctx, p, name),
    refreshListNow: (p, name) => lr.refreshListNow(ctx, p, name),
    async checkCatalog(): Promise<CatalogStatus> {
      const a = ctx.catalog.active;
      const freshness = catalogFreshness(a.catalog.date, a.freshness.maxAgeDays, clock());
      return {
        version: a.catalog.version,
        date: a.catalog.date,
        digest: a.catalog.digest,
        origin: a.origin,
        freshness,
        stale: freshness.stale,
        judgedDigest: (await getMeta(ctx, "judged_digest")) ?? null,
      };
    },
    async catalogChanged() {
      const next = await provider();
      if (next.catalog.digest === ctx.catalog.active.catalog.digest) return false;
      ctx.catalog.active = next;
      boundaries = phaseBoundaries(next.catalog);
      await queueCatalogRejudge();
      return true;
    },
    createSession: (input) => sessions.createSession(ctx, input),
    getSession: (token) => sessions.getSession(ctx, token),
    endSession: (token) => sessions.endSession(ctx, token),
    recordRefusedSignIn: (input) => sessions.recordRefusedSignIn(ctx, input),
    saveLoginRequest: (binding, request, ttlMs) => sessions.saveLoginRequest(ctx, binding, request, ttlMs),
    takeLoginRequest: (binding, state) => sessions.takeLoginRequest(ctx, binding, state),
    listSigningKeys: (p) => listSigningKeys(ctx, p),
    rotateSigningKey: (p) => rotateSigningKey(ctx, p),
    attest: (p, query) => attest(ctx, p, query),
    rejudgeAll: (reason, opts) => rejudgeAll(ctx, reason, opts),
    nextPhaseBoundary: (after) => nextBoundary(boundaries, after ?? clock().toISOString()),
    tick,
    startJobs() {
      if (timer) return;
      timer = setInterval(() => void tick().catch((err) => process.stderr.write(`ictsguard: job loop: ${(err as Error).message}\n`)), options.jobIntervalMs ?? DEFAULT_JOB_INTERVAL_MS);
      timer.unref();
      void tick().catch((err) => process.stderr.write(`ictsguard: job loop: ${(err as Error).message}\n`));
    },
    async stopJobs() {
      stopping = true;
      if (timer) clearInterval(timer);
      if (nudged) clearTimeout(nudged);
      nudged = undefined;
      timer = undefined;
      await chain;
      await releaseMine(ctx);
      stopping = false;
    },
    async listJobs(p) {
      requireRole(p, ADMIN_ROLES, "list jobs");
      return listJobs(ctx);
    },
    async ping() {
      try {
        await ctx.db.selectFrom("meta").select("key").limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    // the HTTP server closes the fleet it serves, and so may its owner: closing twice is one close
    close() {
      closing ??= fleet.stopJobs().finally(() => store.close());
      return closing;
    },
  };
  return fleet;
}
