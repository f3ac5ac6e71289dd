/**
 * @module
 * The fleet service's test suite, written once and run against each backend: SQLite
 * (fleet.sqlite.test.ts) and a real PostgreSQL (fleet.postgres.test.ts). Expected verdicts come
 * from the scan core itself (runScan / createScanner on the same files, profile and instant),
 * never from numbers written here.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { resolveActiveCatalog, type ActiveCatalog } from "../catalog/active.js";
import type { Catalog, Profile } from "../model/catalog.js";
import { STATUSES, type Status } from "../model/finding.js";
import type { Observation } from "../model/observation.js";
import { parseAsOf } from "../policy/time.js";
import { createScanner } from "../scan/scanner.js";
import { runScan } from "../scan/index.js";
import { repoPath } from "../testing/index.js";
import { tempDir } from "../testing/temp.js";
import { sql } from "kysely";
import { openStore } from "../store/open.js";
import { openFleet, openInventory, LOCAL_ADMIN, FleetError, type Fleet, type FleetOptions, type JobInfo, type Principal } from "./index.js";

export type Backend = {
  name: "sqlite" | "postgres";
  /** A new, empty database for one test. */
  fresh(): Promise<string>;
  /** Drops what `fresh` made. */
  cleanup(): Promise<void>;
};

const CSV = repoPath("examples/fleet/windows-software.csv");
const OSQUERY = repoPath("examples/fleet/linux-hosts.osquery.json");

export async function observationsOf(path: string): Promise<Observation[]> {
  const inv = await openInventory(path);
  const out: Observation[] = [];
  for await (const o of inv.observations) out.push(o);
  assert.deepEqual(inv.issues, [], `no reader issues in ${path}`);
  return out;
}

/** A settable clock. */
export function clockAt(iso: string): { clock: () => Date; set(iso: string): void } {
  let now = new Date(iso);
  return { clock: () => now, set: (v) => void (now = new Date(v)) };
}

/** The re-judgment jobs of a tick's (not the daily partition and retention jobs). */
const rejudges = (jobs: JobInfo[]): JobInfo[] => jobs.filter((j) => j.kind.startsWith("rejudge"));

const counts = (byStatus: Record<Status, number>): string => STATUSES.map((s) => `${s}=${byStatus[s]}`).join(" ");

/** Runs the suite against one backend. */
export function fleetSuite(backend: Backend): void {
  let active: ActiveCatalog;
  const fleets: Fleet[] = [];
  const open = async (options: FleetOptions & { db: string }): Promise<Fleet> => {
    active ??= await resolveActiveCatalog({ home: tempDir() });
    const f = await openFleet({ catalog: active, home: tempDir(), ...options });
    fleets.push(f);
    return f;
  };
  after(async () => {
    for (const f of fleets) await f.close().catch(() => undefined);
    await backend.cleanup();
  });

  describe(`fleet service on ${backend.name}`, () => {
    test("ingesting examples/fleet gives the summary runScan gives on the same files, profile and date", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      assert.equal(fleet.backend, backend.name);
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      // the CSV names its hosts in a column; the osquery export is one host's, named by the upload
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: await observationsOf(CSV), source: { name: "programs", format: "csv" } });
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", host: "lin-01", observations: await observationsOf(OSQUERY), source: { name: "packages" } });
      const report = await runScan({ inputs: [CSV, OSQUERY], catalog: active.catalog, profile: "business", asOf: parseAsOf("2025-03-01T12:00:00Z") });
      const summary = await fleet.summary(LOCAL_ADMIN);
      assert.ok(report.summary.findings > 0, "the examples have findings");
      assert.equal(counts(summary.byStatus), counts(report.summary.byStatus));
      assert.equal(summary.byState.open, report.summary.findings);
      assert.equal(summary.hosts, 5);
      // the same (host, product) pairs for the CSV's hosts
      const fromScan = report.findings.filter((f) => f.observation.host).map((f) => `${f.observation.host}/${f.product}/${f.status}`).sort();
      const page = await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 });
      const fromFleet = page.items.filter((f) => f.host !== "lin-01").map((f) => `${f.host}/${f.product}/${f.status}`).sort();
      assert.deepEqual(fromFleet, fromScan);
      assert.equal(page.total, report.summary.findings);
      assert.equal(page.totalCapped, false);
    });

    test("verified removal: re-upload keeps findings and moves last seen; a missing product is removal-pending, then resolved after 2 clean inventories, and reopens when it returns; history answers between uploads", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const all = await observationsOf(CSV);
      const up = (observations: Observation[]) => fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations, source: { name: "programs" } });
      const first = await up(all);
      assert.ok(first.changes.new > 0);
      const before = await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 });

      t.set("2025-03-02T12:00:00Z");
      const second = await up(all);
      assert.equal(second.changes.new, 0, "no new findings");
      const again = await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 });
      assert.deepEqual(again.items.map((f) => f.id).sort(), before.items.map((f) => f.id).sort());
      for (const f of again.items) {
        assert.equal(f.lastSeen, "2025-03-02T12:00:00.000Z");
        assert.equal(f.firstSeen, "2025-03-01T12:00:00.000Z");
        assert.equal(f.state, "open");
      }

      // one host's one product goes away
      const gone = before.items.find((f) => f.host === "mac-design-03")!;
      assert.ok(gone, "mac-design-03 has a finding");
      const without = all.filter((o) => o.host !== "mac-design-03");
      const keep = all.filter((o) => o.host === "mac-design-03");
      t.set("2025-03-03T12:00:00Z");
      // the host reports, but without the product: an empty CSV for it is not possible, so it gets a clean inventory of its own
      const clean: Observation = { kind: "software", name: "Mozilla Firefox", vendor: "Mozilla", host: "mac-design-03", source: { file: "clean.csv", line: 2 } };
      const third = await up([...without, clean]);
      assert.equal(third.changes.removalPending, 1);
      let f = await fleet.getFinding(LOCAL_ADMIN, gone.id);
      assert.equal(f.state, "removal-pending");
      assert.equal(f.cleanCount, 1);
      assert.equal(f.lastSeen, "2025-03-02T12:00:00.000Z");
      const others = (await fleet.listFindings(LOCAL_ADMIN, { state: "open", limit: 1000 })).items;
      assert.equal(others.length, before.items.length - 1, "the other findings stay open");

      t.set("2025-03-04T12:00:00Z");
      const fourth = await up([...without, clean]);
      assert.equal(fourth.changes.resolved, 1);
      f = await fleet.getFinding(LOCAL_ADMIN, gone.id);
      assert.equal(f.state, "resolved");
      assert.equal(f.resolvedAt, "2025-03-04T12:00:00.000Z");

      t.set("2025-03-05T12:00:00Z");
      const fifth = await up([...without, ...keep]);
      assert.equal(fifth.changes.reopened, 1);
      f = await fleet.getFinding(LOCAL_ADMIN, gone.id);
      assert.equal(f.state, "open");
      assert.equal(f.reopened, 1);
      assert.equal(f.resolvedAt, null);

      // history: between the 3rd and 4th uploads it was removal-pending; before the first, nothing
      const mid = await fleet.hostHistory(LOCAL_ADMIN, gone.hostId, "2025-03-03T18:00:00Z");
      assert.deepEqual(mid.findings.map((x) => [x.id, x.state, x.since]), [[gone.id, "removal-pending", "2025-03-03T12:00:00.000Z"]]);
      const resolvedThen = await fleet.hostHistory(LOCAL_ADMIN, gone.hostId, "2025-03-04T18:00:00Z");
      assert.deepEqual(resolvedThen.findings, [], "resolved findings are not on the host");
      const early = await fleet.hostHistory(LOCAL_ADMIN, gone.hostId, "2025-02-28T00:00:00Z");
      assert.deepEqual(early.findings, []);
      const events = await fleet.findingHistory(LOCAL_ADMIN, gone.id);
      assert.deepEqual(
        events.map((e) => [e.at.slice(0, 10), e.state]),
        [
          ["2025-03-01", "open"],
          ["2025-03-03", "removal-pending"],
          ["2025-03-04", "resolved"],
          ["2025-03-05", "open"],
        ],
      );
      // the trend counts the same changes, one point per day
      const trend = await fleet.trend(LOCAL_ADMIN, { from: "2025-03-01", to: "2025-03-05", interval: "day" });
      assert.deepEqual(
        trend.map((p) => [p.at.slice(0, 10), p.byState.open, p.byState["removal-pending"], p.byState.resolved]),
        [
          ["2025-03-02", before.items.length, 0, 0],
          ["2025-03-03", before.items.length, 0, 0],
          ["2025-03-04", before.items.length - 1, 1, 0],
          ["2025-03-05", before.items.length - 1, 0, 1],
          ["2025-03-06", before.items.length, 0, 0],
        ],
      );
    });

    test("absence is judged per (host, source): a DNS-only upload neither resolves nor counts as a clean inventory", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock, judgeAfterClean: 2 });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "ws-1", source: { file: "p.csv", line: 2 } };
      const other: Observation = { kind: "software", name: "7-Zip", host: "ws-1", source: { file: "p.csv", line: 3 } };
      const dns: Observation = { kind: "domain", name: "example.org", host: "ws-1", source: { file: "dns.log", line: 1 } };
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [kes, other], source: { name: "programs" } });
      const [finding] = (await fleet.listFindings(LOCAL_ADMIN)).items;
      assert.ok(finding);
      t.set("2025-03-02T12:00:00Z");
      const d = await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [dns], source: { name: "dns" } });
      assert.deepEqual(d.changes, { new: 0, reopened: 0, removalPending: 0, resolved: 0, statusChanged: 0 });
      assert.equal((await fleet.getFinding(LOCAL_ADMIN, finding.id)).state, "open");
      // programs without it: pending; a DNS upload then is not a clean programs inventory
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [other], source: { name: "programs" } });
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [dns], source: { name: "dns" } });
      const pending = await fleet.getFinding(LOCAL_ADMIN, finding.id);
      assert.equal(pending.state, "removal-pending");
      assert.equal(pending.cleanCount, 1);
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [other], source: { name: "programs" } });
      assert.equal((await fleet.getFinding(LOCAL_ADMIN, finding.id)).state, "resolved");
      const host = await fleet.getHost(LOCAL_ADMIN, { site: "acme", name: "WS-1" });
      assert.deepEqual(host.sources.map((s) => s.source), ["dns", "programs"]);
    });

    test("idempotency: a retried upload with the same key stores nothing new, also when sent concurrently", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const obs = await observationsOf(CSV);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs, source: { name: "programs" }, idempotencyKey: "upload-1" })),
      );
      assert.equal(new Set(results.map((r) => r.id)).size, 1, "one scan id for every retry");
      assert.equal(results.filter((r) => !r.duplicate).length, 1);
      const scans = await fleet.listScans(LOCAL_ADMIN);
      assert.equal(scans.total, 1);
      const summary = await fleet.summary(LOCAL_ADMIN);
      assert.equal(summary.byState.open, results.find((r) => !r.duplicate)!.changes.new);
      const events = await Promise.all((await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 })).items.map((f) => fleet.findingHistory(LOCAL_ADMIN, f.id)));
      assert.ok(events.every((e) => e.length === 1), "each finding was made once");
      const other = await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs, source: { name: "programs" }, idempotencyKey: "upload-2" });
      assert.equal(other.duplicate, false);
    });

    test("continuous judgment: deadline findings on 2024-09-28 change at 2024-09-29T04:00Z as the engine says for each site's profile, dated to that instant", async () => {
      const t = clockAt("2024-09-28T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      const profiles: Record<string, Profile> = { biz: "business", fed: "federal-contractor" };
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "ws-1", source: { file: "p.csv", line: 2 } };
      const expected = async (profile: Profile, asOf: string): Promise<Status> => {
        const s = createScanner({ catalog: active.catalog, profile, asOf });
        s.add(kes);
        return (await s.finish()).findings[0]!.status;
      };
      assert.equal(fleet.nextPhaseBoundary(), "2024-09-29T04:00:00.000Z", "the updates ban starts at 00:00 US Eastern");
      for (const [site, profile] of Object.entries(profiles)) {
        await fleet.createSite(LOCAL_ADMIN, { name: site, profile });
        await fleet.ingest({ principal: LOCAL_ADMIN, site, observations: [kes], source: { name: "programs" } });
      }
      for (const [site, profile] of Object.entries(profiles)) {
        const [f] = (await fleet.listFindings(LOCAL_ADMIN, { site })).items;
        assert.equal(f!.status, await expected(profile, "2024-09-28T12:00:00Z"));
        assert.equal(f!.status, "deadline");
      }
      t.set("2024-09-29T03:59:00Z");
      assert.deepEqual(rejudges(await fleet.tick()), [], "nothing before the boundary");
      t.set("2024-09-29T05:00:00Z");
      const ran = await fleet.tick();
      assert.ok(ran.some((j) => j.key === "rejudge:phase:2024-09-29T04:00:00.000Z" && j.state === "done"), JSON.stringify(ran));
      for (const [site, profile] of Object.entries(profiles)) {
        const [f] = (await fleet.listFindings(LOCAL_ADMIN, { site })).items;
        const want = await expected(profile, "2024-09-29T04:00:00.000Z");
        assert.notEqual(want, "deadline", "the engine's verdict changes at the boundary");
        assert.equal(f!.status, want, `${site} (${profile})`);
        const events = await fleet.findingHistory(LOCAL_ADMIN, f!.id);
        assert.deepEqual(events.at(-1), { ...events.at(-1)!, at: "2024-09-29T04:00:00.000Z", cause: "rejudge", status: want, previousStatus: "deadline" });
        const justBefore = await fleet.hostHistory(LOCAL_ADMIN, f!.hostId, "2024-09-29T03:59:59.999Z");
        assert.equal(justBefore.findings[0]!.status, "deadline");
        const at = await fleet.hostHistory(LOCAL_ADMIN, f!.hostId, "2024-09-29T04:00:00.000Z");
        assert.equal(at.findings[0]!.status, want);
      }
      assert.deepEqual(rejudges(await fleet.tick()), [], "the boundary is judged once");
    });

    test("attestation: a statement at an instant past a phase boundary the server has not judged yet is refused, then says what the findings say once it has", async () => {
      const t = clockAt("2024-09-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "ws-1", source: { file: "p.csv", line: 2 } };
      await fleet.createSite(LOCAL_ADMIN, { name: "shop", profile: "reseller" });
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "shop", observations: [kes], source: { name: "programs" } });
      const statusesAt = async (at: string): Promise<string[]> => {
        const statement = JSON.parse(Buffer.from((await fleet.attest(LOCAL_ADMIN, { site: "shop", at })).payload, "base64").toString("utf8")) as { findings: { status: string }[] | "none" };
        return statement.findings === "none" ? [] : statement.findings.map((f) => f.status);
      };
      assert.deepEqual(await statusesAt("2024-09-01T12:00:00Z"), ["deadline"]);
      // the server was not running jobs across 2024-09-29T04:00Z (00:00 US Eastern, the updates and resale ban)
      t.set("2024-10-01T12:00:00Z");
      await assert.rejects(fleet.attest(LOCAL_ADMIN, { site: "shop", at: "2024-10-01T00:00:00Z" }), (e: FleetError) => e.code === "conflict" && /phase boundary 2024-09-29T04:00:00\.000Z/.test(e.message));
      assert.deepEqual(await statusesAt("2024-09-28T12:00:00Z"), ["deadline"], "before the boundary the history is already right");
      await fleet.tick();
      const want = await (async () => {
        const s = createScanner({ catalog: active.catalog, profile: "reseller", asOf: "2024-10-01T00:00:00Z" });
        s.add(kes);
        return (await s.finish()).findings[0]!.status;
      })();
      assert.equal(want, "prohibited");
      assert.deepEqual(await statusesAt("2024-10-01T00:00:00Z"), [want]);
      const [f] = (await fleet.listFindings(LOCAL_ADMIN, { site: "shop" })).items;
      assert.equal(f!.status, want);
    });

    test("a catalog change re-judges stored hosts, found at open and through catalogChanged(), and records what changed", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const db = await backend.fresh();
      const first = await open({ db, clock: t.clock });
      await first.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      await first.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: await observationsOf(CSV), source: { name: "programs" } });
      const before = (await first.listFindings(LOCAL_ADMIN, { limit: 1000 })).items;
      // a named product (the brand-word fallback `kaspersky-unidentified` is made by the matcher, not listed)
      const dropped = "kaspersky-internet-security";
      assert.ok(before.some((f) => f.product === dropped));
      await first.close();
      // the same catalog without one product: its findings are no longer matched
      const changed: Catalog = { ...active.catalog, digest: `${active.catalog.digest.slice(0, 60)}beef`, version: `${active.catalog.version}-test`, products: active.catalog.products.filter((p) => p.id !== dropped), lookalikes: active.catalog.lookalikes.filter((l) => !JSON.stringify(l).includes(`"${dropped}"`)) };
      t.set("2025-03-02T00:00:00Z");
      const second = await open({ db, clock: t.clock, catalog: changed });
      const status = await second.checkCatalog();
      assert.equal(status.digest, changed.digest);
      assert.equal(status.judgedDigest, active.catalog.digest, "not judged with the new catalog yet");
      const ran = await second.tick();
      // the trigger's job plans; its shards (one per site here) judge the hosts
      assert.deepEqual(ran.filter((j) => j.kind === "rejudge").map((j) => [j.key, j.state]), [[`rejudge:catalog:${changed.digest}`, "done"]]);
      const shards = ran.filter((j) => j.kind === "rejudge-shard");
      assert.ok(shards.length >= 1 && shards.every((j) => j.state === "done" && j.key.startsWith(`rejudge:catalog:${changed.digest}#acme#`)), JSON.stringify(ran));
      assert.equal((await second.checkCatalog()).judgedDigest, changed.digest);
      const after = (await second.listFindings(LOCAL_ADMIN, { limit: 1000 })).items;
      const gone = after.filter((f) => f.product === dropped);
      assert.ok(gone.length > 0 && gone.every((f) => f.state === "resolved" && f.resolvedAt === "2025-03-02T00:00:00.000Z"));
      const ev = await second.findingHistory(LOCAL_ADMIN, gone[0]!.id);
      assert.deepEqual([ev.at(-1)!.cause, ev.at(-1)!.at], ["rejudge", "2025-03-02T00:00:00.000Z"]);
      assert.ok(after.filter((f) => f.product !== dropped).every((f) => f.state === "open"));
      // and back, in the running fleet: catalogChanged() notices and the job reopens nothing but re-finds them as new state
      let current: Catalog = changed;
      const third = await open({ db, clock: t.clock, catalog: () => ({ ...active, catalog: current }) });
      assert.equal(await third.catalogChanged(), false);
      current = active.catalog;
      t.set("2025-03-03T00:00:00Z");
      assert.equal(await third.catalogChanged(), true);
      const again = await third.tick();
      assert.deepEqual(again.filter((j) => j.kind === "rejudge").map((j) => j.key), [`rejudge:catalog:${active.catalog.digest}`]);
      const back = await third.getFinding(LOCAL_ADMIN, gone[0]!.id);
      assert.deepEqual([back.state, back.reopened], ["open", 1]);
      const audit = (await third.listAudit(LOCAL_ADMIN, { limit: 10 })).items.filter((e) => e.action !== "retention.purge");
      assert.equal(audit[0]!.action, "rejudge");
      assert.equal(audit[0]!.keyId, "system");
    });

    test("a catalog change is cut into shard jobs that two fleets on one store share: every host re-judged exactly once, the trigger closed once", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const db = await backend.fresh();
      const first = await open({ db, clock: t.clock, rejudgeShardHosts: 7 });
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "x", source: { file: "p.csv", line: 2 } };
      const sizes: Record<string, number> = { acme: 45, beta: 7, gamma: 1 };
      for (const [site, n] of Object.entries(sizes)) {
        await first.createSite(LOCAL_ADMIN, { name: site, profile: "business" });
        await first.ingest({ principal: LOCAL_ADMIN, site, observations: Array.from({ length: n }, (_, i) => ({ ...kes, host: `ws-${String(i).padStart(3, "0")}` })), source: { name: "programs" } });
      }
      await first.close();
      // the catalog without Kaspersky Endpoint Security: every host's finding resolves
      const dropped = "kaspersky-endpoint-security";
      assert.ok(active.catalog.products.some((p) => p.id === dropped));
      const changed: Catalog = { ...active.catalog, digest: `${active.catalog.digest.slice(0, 60)}cafe`, products: active.catalog.products.filter((p) => p.id !== dropped), lookalikes: active.catalog.lookalikes.filter((l) => !JSON.stringify(l).includes(`"${dropped}"`)) };
      t.set("2025-03-02T00:00:00Z");
      const a = await open({ db, clock: t.clock, catalog: changed, rejudgeShardHosts: 7 });
      const b = await open({ db, clock: t.clock, catalog: changed, rejudgeShardHosts: 7 });
      const trigger = `rejudge:catalog:${changed.digest}`;
      const ran: JobInfo[] = [];
      if (backend.name === "postgres") {
        // both loops at once: SKIP LOCKED hands each shard to one of them
        const loop = async (f: Fleet) => {
          for (let i = 0; i < 200 && !(await f.checkCatalog()).judgedDigest?.endsWith("cafe"); i++) ran.push(...(await f.tick()));
        };
        await Promise.all([loop(a), loop(b)]);
      } else {
        ran.push(...(await a.tick()), ...(await b.tick()));
      }
      // 45 hosts in ranges of 7: 7 shards, 7 and 1: one each
      const attempts = ran.filter((j) => j.kind === "rejudge-shard");
      const shards = attempts.filter((j) => j.state === "done");
      const seen = JSON.stringify(ran.map((j) => [j.key, j.state, j.error?.slice(0, 300)]));
      assert.equal(shards.length, 9, seen);
      assert.equal(new Set(shards.map((j) => j.key)).size, 9, `no shard completed twice: ${seen}`);
      assert.ok(shards.every((j) => j.key.startsWith(`${trigger}#`)));
      // an attempt that did not finish (its transaction rolled back, e.g. on a lock conflict between
      // the two fleets) carries its error and was run again: jobs are at-least-once, each host once
      assert.ok(
        attempts.filter((j) => j.state !== "done").every((j) => j.error && shards.some((d) => d.key === j.key)),
        `a failed attempt is recorded and retried: ${seen}`,
      );
      assert.equal(ran.filter((j) => j.kind === "rejudge").length, 1);
      const store = await openStore({ db });
      try {
        const counted = await store.db.selectFrom("rejudge_hosts").select(["host_id", "runs", "worker"]).where("trigger", "=", trigger).execute();
        const hosts = await store.db.selectFrom("hosts").select("id").execute();
        assert.equal(counted.length, hosts.length);
        assert.deepEqual(counted.map((r) => r.host_id).sort(), hosts.map((h) => h.id).sort());
        assert.ok(counted.every((r) => Number(r.runs) === 1), "each host once");
        const row = await store.db.selectFrom("rejudges").selectAll().where("key", "=", trigger).executeTakeFirstOrThrow();
        assert.deepEqual([Number(row.shards), Number(row.shards_done), Number(row.hosts)], [9, 9, 53]);
        assert.equal(Number(row.changed), shards.reduce((n, j) => n + (j.result as { changed: number }).changed, 0));
        assert.ok(row.finished_at);
      } finally {
        await store.close();
      }
      const audits = (await a.listAudit(LOCAL_ADMIN, { limit: 100 })).items.filter((e) => e.action === "rejudge");
      assert.equal(audits.length, 1, "the trigger is closed once");
      // (the brand word still matches, as the unidentified-product fallback: a new finding beside each resolved one)
      const findings = (await a.listFindings(LOCAL_ADMIN, { limit: 1000 })).items.filter((f) => f.product === dropped);
      assert.equal(findings.length, 53);
      assert.ok(findings.every((f) => f.state === "resolved" && f.resolvedAt === "2025-03-02T00:00:00.000Z"));
      assert.deepEqual(rejudges(await a.tick()), [], "nothing left");
    });

    test("a fleet that stops releases the job it holds, and a shard needing another catalog is left to a process that has it", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const db = await backend.fresh();
      const old = await open({ db, clock: t.clock });
      await old.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      await old.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: await observationsOf(CSV), source: { name: "programs" } });
      const changed: Catalog = { ...active.catalog, digest: `${active.catalog.digest.slice(0, 60)}f00d`, version: `${active.catalog.version}-test` };
      // the new process plans; the old one (still on the old catalog) must not judge the shard with it
      const fresh = await open({ db, clock: t.clock, catalog: changed });
      const store = await openStore({ db });
      try {
        const planner = await store.db.selectFrom("jobs").selectAll().where("kind", "=", "rejudge").executeTakeFirstOrThrow();
        assert.equal(planner.state, "queued");
        assert.deepEqual(rejudges(await old.tick()), [], "the old process releases the planning job: it has not the trigger's catalog");
        const back = await store.db.selectFrom("jobs").selectAll().where("id", "=", planner.id).executeTakeFirstOrThrow();
        assert.deepEqual([back.state, Number(back.attempts), back.locked_by], ["queued", 0, null]);
        const ran = rejudges(await fresh.tick());
        assert.ok(ran.length >= 2 && ran.every((j) => j.state === "done"), JSON.stringify(ran));
        // a job left running by this process is given back when it stops
        await store.db.updateTable("jobs").set({ state: "running", locked_by: "someone-else" }).where("id", "=", planner.id).execute();
        await fresh.stopJobs();
        assert.equal((await store.db.selectFrom("jobs").select("state").where("id", "=", planner.id).executeTakeFirstOrThrow()).state, "running", "another process's job is not touched");
      } finally {
        await store.close();
      }
    });

    test("retention: the daily purge keeps seven years of history (each finding's state at the cutoff stays), drops old upload records no inventory rests on, refuses short settings, and is audit-logged", async () => {
      await assert.rejects(open({ db: await backend.fresh(), retention: { historyDays: 365 } }), /historyDays 365 is below the floor of 2557 days/);
      await assert.rejects(open({ db: await backend.fresh(), retention: { scanDays: 30 } }), /scanDays 30 is below the floor of 90 days/);
      // after the catalog's last phase boundary, so only uploads change the finding
      const t = clockAt("2027-01-10T12:00:00Z");
      const db = await backend.fresh();
      const fleet = await open({ db, clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "ws-1", source: { file: "p.csv", line: 2 } };
      const other: Observation = { kind: "software", name: "7-Zip", vendor: "Igor Pavlov", host: "ws-1", source: { file: "p.csv", line: 2 } };
      const upload = (o: Observation) => fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: [o], source: { name: "programs" } });
      // each day's purge: upload records older than 90 days go as the days pass
      let scansPurged = 0;
      const tick = async () => {
        const ran = await fleet.tick();
        for (const j of ran.filter((j) => j.kind === "retention")) scansPurged += (j.result as { scans: number }).scans;
        return ran;
      };
      await upload(kes);
      // the first tick of the day makes the month partitions (PostgreSQL), moving January's event out of the default partition
      await tick();
      for (const [at, o] of [["2027-06-01T12:00:00Z", other], ["2027-07-01T12:00:00Z", other], ["2028-01-01T12:00:00Z", kes]] as const) {
        t.set(at);
        await upload(o);
        await tick();
      }
      const finding = (await fleet.listFindings(LOCAL_ADMIN, { product: "kaspersky-endpoint-security" })).items[0]!;
      const events = await fleet.findingHistory(LOCAL_ADMIN, finding.id);
      assert.deepEqual(events.map((e) => [e.at.slice(0, 10), e.state]), [["2027-01-10", "open"], ["2027-06-01", "removal-pending"], ["2027-07-01", "resolved"], ["2028-01-01", "open"]]);
      const store = await openStore({ db });
      try {
        if (backend.name === "postgres") {
          const where = await sql<{ t: string; n: number }>`select tableoid::regclass::text as t, count(*)::int as n from finding_events group by 1 order by 1`.execute(store.db);
          assert.ok(where.rows.some((r) => r.t === "finding_events_y2027m01"), JSON.stringify(where.rows));
          assert.ok(!where.rows.some((r) => r.t === "finding_events_default"), "moved out of the default partition");
        }
        t.set("2034-12-01T00:00:00Z");
        const cutoff = new Date(Date.parse("2034-12-01T00:00:00Z") - 2557 * 86_400_000).toISOString();
        assert.ok(cutoff > "2027-07-01" && cutoff < "2028-01-01", cutoff);
        const stateAt = async (at: string) => (await fleet.hostHistory(LOCAL_ADMIN, finding.hostId, at)).findings.map((f) => [f.id, f.status, f.state]);
        const instants = [cutoff, "2027-12-31T00:00:00Z", "2028-01-01T12:00:00Z", "2034-11-30T00:00:00Z"];
        const before = await Promise.all(instants.map(stateAt));
        const ran = (await tick()).filter((j) => j.kind === "retention");
        assert.deepEqual(ran.map((j) => [j.key, j.state]), [["retention:2034-12-01", "done"]]);
        const result = ran[0]!.result as { events: number; partitionsDropped: string[] };
        // January and June go; July's (the state at the cutoff) and 2028's stay
        assert.deepEqual((await fleet.findingHistory(LOCAL_ADMIN, finding.id)).map((e) => e.at.slice(0, 10)), ["2027-07-01", "2028-01-01"]);
        assert.equal(result.events, 2);
        assert.deepEqual(await Promise.all(instants.map(stateAt)), before, "the state at every instant in the window is unchanged");
        // four uploads: the 2028 one is the host's current programs inventory; the three of 2027 are past 90 days
        assert.equal(scansPurged, 3);
        assert.deepEqual((await fleet.listScans(LOCAL_ADMIN)).items.map((r) => r.receivedAt), ["2028-01-01T12:00:00.000Z"]);
        if (backend.name === "postgres") {
          assert.ok(result.partitionsDropped.includes("finding_events_y2027m01") && result.partitionsDropped.includes("finding_events_y2027m06"), JSON.stringify(result));
          assert.ok(!result.partitionsDropped.includes("finding_events_y2027m07"), "July holds the kept event");
        } else assert.deepEqual(result.partitionsDropped, []);
        const entry = (await fleet.listAudit(LOCAL_ADMIN, { limit: 100 })).items.find((a) => a.action === "retention.purge" && a.at === "2034-12-01T00:00:00.000Z");
        assert.ok(entry, "audit-logged");
        assert.equal(entry.keyId, "system");
        assert.ok(JSON.stringify(entry).includes('"historyDays":2557'), JSON.stringify(entry));
        assert.deepEqual((await fleet.tick()).filter((j) => j.kind === "retention"), [], "once a day");
      } finally {
        await store.close();
      }
    });

    test("keys: wrong secret, revoked key and malformed tokens are refused; enrollment tokens expire and can be revoked", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const { token, key } = await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer", sites: ["acme"] });
      assert.match(token, /^ictg_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(await fleet.authenticate(token), { keyId: key.id, role: "viewer", sites: ["acme"] });
      const wrong = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
      assert.equal(await fleet.authenticate(wrong), null);
      assert.equal(await fleet.authenticate("ictg_nope"), null);
      assert.equal(await fleet.authenticate(""), null);
      await fleet.revokeApiKey(LOCAL_ADMIN, key.id);
      assert.equal(await fleet.authenticate(token), null);
      const viewer = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
      const vp = (await fleet.authenticate(viewer))!;
      await assert.rejects(fleet.createApiKey(vp, { role: "admin" }), (e: FleetError) => e.code === "forbidden");
      await assert.rejects(fleet.ingest({ principal: vp, site: "acme", observations: [], source: { name: "x" } }), (e: FleetError) => e.code === "forbidden");
      const ingestKey = (await fleet.authenticate((await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest", sites: ["acme"] })).token))!;
      await assert.rejects(fleet.listFindings(ingestKey), (e: FleetError) => e.code === "forbidden");

      const en = await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: "acme", expiresAt: "2025-03-02T12:00:00Z" });
      assert.deepEqual(await fleet.verifyEnrollmentToken(en.token), { id: en.enrollment.id, site: "acme" });
      assert.equal(await fleet.verifyEnrollmentToken(en.token.slice(0, -2) + "xx"), null);
      t.set("2025-03-02T12:00:00Z");
      assert.equal(await fleet.verifyEnrollmentToken(en.token), null, "expired");
      const en2 = await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: "acme" });
      assert.ok(await fleet.verifyEnrollmentToken(en2.token));
      await fleet.revokeEnrollmentToken(LOCAL_ADMIN, en2.enrollment.id);
      assert.equal(await fleet.verifyEnrollmentToken(en2.token), null, "revoked");
      const actions = (await fleet.listAudit(LOCAL_ADMIN, { limit: 100 })).items.map((a) => a.action);
      for (const a of ["key.create", "key.revoke", "enrollment.create", "enrollment.revoke", "site.create"]) assert.ok(actions.includes(a), a);
    });

    test("site isolation: a key limited to one site never sees or changes another site", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "a", profile: "business" });
      await fleet.createSite(LOCAL_ADMIN, { name: "b", profile: "federal-contractor" });
      const obs = await observationsOf(CSV);
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "a", observations: obs, source: { name: "programs" } });
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "b", observations: obs, source: { name: "programs" } });
      const pa: Principal = (await fleet.authenticate((await fleet.createApiKey(LOCAL_ADMIN, { role: "analyst", sites: ["a"] })).token))!;
      const all = await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 });
      const mine = await fleet.listFindings(pa, { limit: 1000 });
      assert.ok(mine.items.length > 0 && mine.items.every((f) => f.site === "a"));
      assert.equal(mine.items.length * 2, all.items.length);
      const bFinding = all.items.find((f) => f.site === "b")!;
      const notFound = (e: FleetError) => e.code === "not-found";
      await assert.rejects(fleet.getFinding(pa, bFinding.id), notFound);
      await assert.rejects(fleet.getHost(pa, bFinding.hostId), notFound);
      await assert.rejects(fleet.hostHistory(pa, bFinding.hostId, "2025-03-01T12:00:00Z"), notFound);
      await assert.rejects(fleet.listFindings(pa, { site: "b" }), notFound);
      await assert.rejects(fleet.listHosts(pa, { site: "b" }), notFound);
      await assert.rejects(fleet.createException(pa, { findingId: bFinding.id, owner: "x", reason: "FAR 52.204-25(d) waiver", expiresAt: "2025-04-01" }), notFound);
      await assert.rejects(fleet.ingest({ principal: pa, site: "b", observations: obs, source: { name: "programs" } }), notFound);
      await assert.rejects(fleet.createSite(pa, { name: "c", profile: "business" }), (e: FleetError) => e.code === "forbidden");
      assert.deepEqual((await fleet.listSites(pa)).map((s) => s.name), ["a"]);
      assert.ok((await fleet.listHosts(pa, { limit: 1000 })).items.every((h) => h.site === "a"));
      const s = await fleet.summary(pa);
      assert.deepEqual(s.bySite.map((x) => x.site), ["a"]);
      assert.equal(s.byState.open, mine.items.length);
      const trend = await fleet.trend(pa, { from: "2025-03-01", to: "2025-03-01" });
      assert.equal(trend[0]!.byState.open, mine.items.length);
      assert.ok((await fleet.listScans(pa)).items.every((x) => x.site === "a"));
      assert.ok((await fleet.listExceptions(pa)).items.every((x) => x.site === "a"));
    });

    test("an exception excepts its finding until it expires; then the finding reopens by itself and the change is recorded", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "federal-contractor" });
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: await observationsOf(CSV), source: { name: "programs" } });
      const [f] = (await fleet.listFindings(LOCAL_ADMIN)).items;
      const analyst = (await fleet.authenticate((await fleet.createApiKey(LOCAL_ADMIN, { role: "analyst" })).token))!;
      const viewer = (await fleet.authenticate((await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token))!;
      await assert.rejects(fleet.createException(viewer, { findingId: f!.id, owner: "ciso", reason: "FAR 52.204-25(d) waiver granted", expiresAt: "2025-03-10" }), (e: FleetError) => e.code === "forbidden");
      await assert.rejects(fleet.createException(analyst, { findingId: f!.id, owner: "ciso", reason: "because", expiresAt: "2025-03-10" }), (e: FleetError) => e.code === "invalid");
      await assert.rejects(fleet.createException(analyst, { findingId: f!.id, owner: "ciso", reason: "FAR 52.204-25(d) waiver granted", expiresAt: "2025-02-01" }), (e: FleetError) => e.code === "invalid");
      const x = await fleet.createException(analyst, { findingId: f!.id, owner: "ciso", reason: "FAR 52.204-25(d) waiver granted by the agency", expiresAt: "2025-03-10T00:00:00Z" });
      assert.equal((await fleet.getFinding(LOCAL_ADMIN, f!.id)).state, "excepted");
      assert.equal((await fleet.summary(LOCAL_ADMIN)).byState.excepted, 1);
      t.set("2025-03-09T23:59:00Z");
      await fleet.tick();
      assert.equal((await fleet.getFinding(LOCAL_ADMIN, f!.id)).state, "excepted");
      t.set("2025-03-11T08:00:00Z");
      await fleet.tick();
      const reopened = await fleet.getFinding(LOCAL_ADMIN, f!.id);
      assert.equal(reopened.state, "open");
      assert.equal(reopened.exceptionId, undefined);
      const ev = (await fleet.findingHistory(LOCAL_ADMIN, f!.id)).at(-1)!;
      assert.deepEqual([ev.cause, ev.at, ev.state, ev.previousState, ev.ref], ["exception-expired", "2025-03-10T00:00:00.000Z", "open", "excepted", x.id]);
      const listed = await fleet.listExceptions(LOCAL_ADMIN);
      assert.equal(listed.items[0]!.expiredAt, "2025-03-10T00:00:00.000Z");
      assert.equal((await fleet.listExceptions(LOCAL_ADMIN, { active: true })).total, 0);
      // revoking another one reopens its finding at once
      const y = await fleet.createException(analyst, { findingId: f!.id, owner: "ciso", reason: "FAR 52.204-25(d) waiver renewed", expiresAt: "2025-04-01" });
      assert.equal((await fleet.getFinding(LOCAL_ADMIN, f!.id)).state, "excepted");
      await fleet.revokeException(analyst, y.id);
      assert.equal((await fleet.getFinding(LOCAL_ADMIN, f!.id)).state, "open");
      assert.ok((await fleet.listAudit(LOCAL_ADMIN, { limit: 100 })).items.some((a) => a.action === "exception.expire" && a.keyId === "system"));
    });

    test("coverage: imported assets that never reported, and those silent since a date, beside the summary", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const imported = await fleet.importAssets(LOCAL_ADMIN, { site: "acme", csv: "hostname,owner\nws-finance-01,fin\nWS-HR-02,hr\nlaptop-99,sales\n,nobody\nmac-design-03,design\n" });
      assert.equal(imported.imported, 4);
      assert.deepEqual(imported.errors, [{ line: 5, message: "no host name in column 1 (hostname)" }]);
      const obs = await observationsOf(CSV);
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs.filter((o) => o.host !== "mac-design-03"), source: { name: "programs" } });
      const never = await fleet.coverage(LOCAL_ADMIN, { kind: "never-reported" });
      assert.deepEqual(never.items.map((a) => a.name).sort(), ["laptop-99", "mac-design-03"]);
      t.set("2025-03-20T12:00:00Z");
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs.filter((o) => o.host === "ws-finance-01"), source: { name: "programs" } });
      const silent = await fleet.coverage(LOCAL_ADMIN, { kind: "silent", since: "2025-03-10" });
      assert.deepEqual(silent.items.map((a) => [a.name, a.lastSeen]), [["WS-HR-02", "2025-03-01T12:00:00.000Z"]]);
      const c = (await fleet.summary(LOCAL_ADMIN, { silentSince: "2025-03-10" })).coverage;
      assert.deepEqual(
        { assets: c.assets, reported: c.reported, neverReported: c.neverReported, silent: c.silent, unlisted: c.unlisted },
        { assets: 4, reported: 2, neverReported: 2, silent: 1, unlisted: 1 /* fw-edge-01 */ },
      );
    });

    test("coverage: an agent's host is the asset of its current name (any case) once it sent an inventory; no FQDN or fuzzy match", async () => {
      const t = clockAt("2026-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      await fleet.importAssets(LOCAL_ADMIN, { site: "acme", csv: "name\npc-7\npc-8.corp.example\nlaptop-99\n" });
      const token = async () => (await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: "acme" })).token;
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", source: { file: "host:programs", line: 1 } };
      const a = await fleet.agents.enroll(await token(), { machineId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", hostname: "PC-7" });
      const b = await fleet.agents.enroll(await token(), { machineId: "a1b2c3d4e5f60718293a4b5c6d7e8f90", hostname: "pc-8" });
      const never = async () => (await fleet.coverage(LOCAL_ADMIN, { kind: "never-reported" })).items.map((x) => [x.name, x.hostId]);
      const summary = async (silentSince = "2026-02-01") => {
        const c = (await fleet.summary(LOCAL_ADMIN, { silentSince })).coverage;
        return { assets: c.assets, reported: c.reported, neverReported: c.neverReported, silent: c.silent, unlisted: c.unlisted };
      };
      // enrolled, no inventory yet: not covered (unknown is not clean)
      assert.deepEqual(await never(), [["laptop-99", null], ["pc-7", null], ["pc-8.corp.example", null]]);
      const agentA = (await fleet.agents.authenticate(a.credential))!;
      const agentB = (await fleet.agents.authenticate(b.credential))!;
      await fleet.agents.ingest(agentA, { observations: [kes], facts: { machineId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", hostname: "PC-7" }, uploadId: "coverage-a-0001" });
      await fleet.agents.ingest(agentB, { observations: [kes], facts: { machineId: "a1b2c3d4e5f60718293a4b5c6d7e8f90", hostname: "pc-8" }, uploadId: "coverage-b-0001" });
      // PC-7 is pc-7's host (keyed agent:<id>); pc-8 is not pc-8.corp.example (no FQDN rule), so it is unlisted
      assert.deepEqual(await never(), [["laptop-99", null], ["pc-8.corp.example", null]]);
      assert.deepEqual(await summary(), { assets: 3, reported: 1, neverReported: 2, silent: 0, unlisted: 1 });
      // silent: the agent host's last report
      t.set("2026-03-20T12:00:00Z");
      const silent = await fleet.coverage(LOCAL_ADMIN, { kind: "silent", since: "2026-03-10" });
      assert.deepEqual(silent.items.map((x) => [x.name, x.hostId, x.lastSeen]), [["pc-7", a.agent.hostId, "2026-03-01T12:00:00.000Z"]]);
      assert.deepEqual(await summary("2026-03-10"), { assets: 3, reported: 1, neverReported: 2, silent: 1, unlisted: 1 });
      // the machine renamed: the asset is matched on the host's current name only
      t.set("2026-03-21T12:00:00Z");
      const renamed = (hostname: string, uploadId: string) => fleet.agents.ingest(agentA, { observations: [kes], facts: { machineId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", hostname }, uploadId });
      await renamed("pc-7b", "coverage-a-0002");
      assert.deepEqual(await never(), [["laptop-99", null], ["pc-7", null], ["pc-8.corp.example", null]]);
      assert.deepEqual(await summary(), { assets: 3, reported: 0, neverReported: 3, silent: 0, unlisted: 2 });
      // the attestation's listed assets that never reported follow the same rule
      const neverAttested = async (at: string) => {
        const envelope = await fleet.attest(LOCAL_ADMIN, { site: "acme", at });
        return (JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as { coverage: { neverReported: { name: string }[] } }).coverage.neverReported.map((x) => x.name);
      };
      assert.deepEqual(await neverAttested("2026-03-21T12:00:00Z"), ["laptop-99", "pc-7", "pc-8.corp.example"]);
      // an upload naming a host pc-7, then the agent's machine named PC-7 again: both are the asset; the one seen last answers
      t.set("2026-03-22T12:00:00Z");
      const uploaded = await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", host: "pc-7", observations: [kes], source: { name: "programs" } });
      assert.deepEqual(await never(), [["laptop-99", null], ["pc-8.corp.example", null]]);
      const byUpload = (await fleet.coverage(LOCAL_ADMIN, { kind: "silent", since: "2026-03-23" })).items;
      assert.deepEqual(byUpload.map((x) => [x.name, x.lastSeen]), [["pc-7", "2026-03-22T12:00:00.000Z"]]);
      assert.notEqual(byUpload[0]!.hostId, a.agent.hostId, `the uploaded host ${uploaded.hosts.join()}`);
      t.set("2026-03-23T12:00:00Z");
      await renamed("PC-7", "coverage-a-0003");
      const byAgent = (await fleet.coverage(LOCAL_ADMIN, { kind: "silent", since: "2026-03-24" })).items;
      assert.deepEqual(byAgent.map((x) => [x.name, x.hostId, x.lastSeen]), [["pc-7", a.agent.hostId, "2026-03-23T12:00:00.000Z"]]);
      assert.deepEqual(await summary("2026-03-24"), { assets: 3, reported: 1, neverReported: 2, silent: 1, unlisted: 1 });
      assert.deepEqual(await neverAttested("2026-03-23T12:00:00Z"), ["laptop-99", "pc-8.corp.example"]);
    });

    test("a filter naming no known host answers an empty page (not an error: no NUL stands in for an empty list)", async () => {
      const fleet = await open({ db: await backend.fresh() });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", source: { file: "p.csv", line: 2 } };
      await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", host: "ws-1", observations: [kes], source: { name: "programs" } });
      assert.deepEqual((await fleet.listFindings(LOCAL_ADMIN, { host: "no-such-host" })).items, []);
      assert.deepEqual((await fleet.listScans(LOCAL_ADMIN, { host: "no-such-host" })).items, []);
      assert.deepEqual((await fleet.listScans(LOCAL_ADMIN, { host: "h_00000000000000000000" })).items, []);
      // and the same filters find what is there
      assert.equal((await fleet.listFindings(LOCAL_ADMIN, { host: "WS-1" })).items.length, 1);
      const host = await fleet.getHost(LOCAL_ADMIN, { site: "acme", name: "ws-1" });
      assert.equal((await fleet.listScans(LOCAL_ADMIN, { host: host.id })).items.length, 1);
    });

    test("an agent's host with a name outside ASCII is its asset and is found by its name in any case (not SQL lower(), which folds ASCII only in SQLite)", async () => {
      const t = clockAt("2026-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      await fleet.importAssets(LOCAL_ADMIN, { site: "acme", csv: "name\närzte-pc\nпк-бухгалтерия\n" });
      const kes: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", source: { file: "host:programs", line: 1 } };
      const hosts: string[] = [];
      for (const [machineId, hostname] of [
        ["0f1e2d3c4b5a69788796a5b4c3d2e1f1", "ÄRZTE-PC"],
        ["a1b2c3d4e5f60718293a4b5c6d7e8f91", "ПК-Бухгалтерия"],
      ] as const) {
        const enrolled = await fleet.agents.enroll((await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: "acme" })).token, { machineId, hostname });
        const agent = (await fleet.agents.authenticate(enrolled.credential))!;
        await fleet.agents.ingest(agent, { observations: [kes], facts: { machineId, hostname }, uploadId: `non-ascii-${machineId.slice(0, 8)}` });
        hosts.push(enrolled.agent.hostId);
      }
      const c = (await fleet.summary(LOCAL_ADMIN, { silentSince: "2026-02-01" })).coverage;
      assert.deepEqual({ assets: c.assets, reported: c.reported, neverReported: c.neverReported, unlisted: c.unlisted }, { assets: 2, reported: 2, neverReported: 0, unlisted: 0 });
      assert.deepEqual((await fleet.coverage(LOCAL_ADMIN, { kind: "never-reported" })).items, []);
      // by name, in another case than the agent reported it
      assert.deepEqual((await fleet.listHosts(LOCAL_ADMIN, { name: "Ärzte-PC" })).items.map((h) => h.id), [hosts[0]]);
      assert.equal((await fleet.getHost(LOCAL_ADMIN, { site: "acme", name: "пк-бухгалтерия" })).id, hosts[1]);
      assert.deepEqual((await fleet.listFindings(LOCAL_ADMIN, { host: "пк-БУХГАЛТЕРИЯ" })).items.map((f) => f.hostId), [hosts[1]]);
    });

    test("attestation: an agent's host that only enrolled has not reported; one that reported in the window and again after the instant has", async () => {
      const t = clockAt("2026-04-01T00:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const facts = { machineId: "5c4b3a29180716f5e4d3c2b1a0918273", hostname: "pc-1" };
      const enrolled = await fleet.agents.enroll((await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: "acme" })).token, facts);
      const agent = (await fleet.agents.authenticate(enrolled.credential))!;
      const coverage = async (at: string) => {
        const envelope = await fleet.attest(LOCAL_ADMIN, { site: "acme", at });
        const s = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as { summary: { clean: boolean }; coverage: { reported: { id: string; lastSeen: string | null }[]; silent: { id: string; lastSeen: string | null }[] } };
        return { clean: s.summary.clean, reported: s.coverage.reported.map((h) => [h.id, h.lastSeen]), silent: s.coverage.silent.map((h) => [h.id, h.lastSeen]) };
      };
      // enrolled, nothing sent: nothing is known of it, so it is no reported (clean) host
      t.set("2026-04-01T12:00:00Z");
      assert.deepEqual(await coverage("2026-04-01T12:00:00Z"), { clean: false, reported: [], silent: [[enrolled.agent.hostId, null]] });
      const firefox: Observation = { kind: "software", name: "Mozilla Firefox", vendor: "Mozilla", source: { file: "host:programs", line: 1 } };
      t.set("2026-04-02T00:00:00Z");
      await fleet.agents.ingest(agent, { observations: [firefox], facts, uploadId: "attest-agent-0001" });
      t.set("2026-04-05T00:00:00Z");
      await fleet.agents.ingest(agent, { observations: [firefox], facts, uploadId: "attest-agent-0002" });
      // as of the 3rd, its report of the 2nd counts (it reported again after the instant: found in the window's scans by id)
      assert.deepEqual(await coverage("2026-04-03T00:00:00Z"), { clean: true, reported: [[enrolled.agent.hostId, "2026-04-02T00:00:00.000Z"]], silent: [] });
    });

    test("pagination: keyset pages cover every row once; limit over 1000 and a forged cursor are refused", async () => {
      const t = clockAt("2025-03-01T12:00:00Z");
      const fleet = await open({ db: await backend.fresh(), clock: t.clock });
      await fleet.createSite(LOCAL_ADMIN, { name: "acme", profile: "business" });
      const obs = await observationsOf(CSV);
      for (let i = 0; i < 3; i++) {
        t.set(`2025-03-0${i + 1}T12:00:00Z`);
        await fleet.ingest({ principal: LOCAL_ADMIN, site: "acme", observations: obs.map((o) => ({ ...o, host: `${o.host}-${i}` })), source: { name: "programs" } });
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<Fleet["listFindings"]>> = await fleet.listFindings(LOCAL_ADMIN, { limit: 4, cursor });
        seen.push(...page.items.map((f) => f.id));
        cursor = page.next;
        pages++;
      } while (cursor);
      const all = await fleet.listFindings(LOCAL_ADMIN, { limit: 1000 });
      assert.equal(new Set(seen).size, seen.length);
      assert.deepEqual(seen, all.items.map((f) => f.id));
      assert.equal(pages, Math.ceil(all.total / 4));
      const hosts = await fleet.listHosts(LOCAL_ADMIN, { limit: 5 });
      assert.equal(hosts.items[0]!.lastSeen, "2025-03-03T12:00:00.000Z");
      assert.ok(hosts.next);
      await assert.rejects(fleet.listFindings(LOCAL_ADMIN, { limit: 1001 }), (e: FleetError) => e.code === "invalid");
      await assert.rejects(fleet.listFindings(LOCAL_ADMIN, { cursor: "garbage" }), (e: FleetError) => e.code === "invalid");
      const filtered = await fleet.listFindings(LOCAL_ADMIN, { host: "ws-finance-01-1", limit: 1000 });
      assert.ok(filtered.items.length > 0 && filtered.items.every((f) => f.host === "ws-finance-01-1"));
    });
  });
}
