/**
 * @module
 * `npm run bench:fleet-scale`: the scale path, measured (issue 15). Seeds 100,000 hosts and
 * 1,000,000 findings into a fresh PostgreSQL database (bench/fleet-seed.ts), starts TWO
 * `ictsguard serve` processes on it, and measures:
 *
 * - the API's p50/p95/p99 per endpoint, requests sent round-robin to the two processes by
 *   CONCURRENCY clients at once;
 * - ingest in observations per second through the real upload path (CSV inventories POSTed to
 *   the two processes), beside PostgreSQL's own COPY (psql `\copy`) of the same rows into a
 *   bare table in the same database, in the same run (target: at least 50% of COPY), three ways:
 *   judged synchronously (read, judged and stored before the answer, as by default); accepted
 *   (queued: `Prefer: respond-async`, until every 202, by the same two HTTP-only processes); and
 *   judged after queueing (two processes with job loops, from the first claim to the last
 *   upload done);
 * - where EXPLAIN says the history and trend queries go (index scans on the month partitions).
 *
 * The machine's load average is printed with the figures. Figures go to stdout and
 * bench/out/fleet-scale.json; the database is dropped at the end (ICTSGUARD_BENCH_KEEP_DB=1
 * keeps it). Sizes: ICTSGUARD_BENCH_FLEET_HOSTS / _FINDINGS / _INGEST_HOSTS.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import { createTestStore, spawnServe, type ServeProcess } from "../src/testing/fleet-server.js";
import { tempDir } from "../src/testing/temp.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const HOSTS = Number(process.env.ICTSGUARD_BENCH_FLEET_HOSTS ?? 100_000);
const FINDINGS = Number(process.env.ICTSGUARD_BENCH_FLEET_FINDINGS ?? 1_000_000);
const SAMPLES = Number(process.env.ICTSGUARD_BENCH_FLEET_SAMPLES ?? 200);
const CONCURRENCY = 4;
const INGEST_HOSTS = Number(process.env.ICTSGUARD_BENCH_FLEET_INGEST_HOSTS ?? 2000);
const ROWS_PER_HOST = 40;
const HOSTS_PER_UPLOAD = 50;

const uptime = (): string => {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
};

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The rows of one upload: HOSTS_PER_UPLOAD hosts of ROWS_PER_HOST programs, two of them Kaspersky. */
function inventory(upload: number): string {
  const lines = ["host,kind,name,vendor,version"];
  for (let h = 0; h < HOSTS_PER_UPLOAD; h++) {
    const host = `ingest-${upload}-${h}`;
    for (let j = 0; j < ROWS_PER_HOST; j++) {
      if (j === 7) lines.push(`${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1.0.${h}`);
      else if (j === 19) lines.push(`${host},software,Kaspersky Security Center Network Agent,AO Kaspersky Lab,15.1`);
      else lines.push(`${host},software,Program ${j},Vendor ${j},1.${j}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  console.log(`fleet scale bench: ${HOSTS.toLocaleString("en-US")} hosts, ${FINDINGS.toLocaleString("en-US")} findings, PostgreSQL, two serve processes`);
  console.log(`machine at start: ${uptime()}`);
  const store = await createTestStore("postgres", "ictsguard_bench_scale");
  const serves: ServeProcess[] = [];
  try {
    const seedStart = Date.now();
    const seed = spawn(process.execPath, [join(PACKAGE_ROOT, "dist", "bench", "fleet-seed.js"), "--db", store.db, "--hosts", String(HOSTS), "--findings", String(FINDINGS)], { stdio: ["ignore", "inherit", "inherit"] });
    const code = await new Promise<number | null>((resolve) => seed.on("exit", resolve));
    if (code !== 0) throw new Error(`fleet-seed failed (exit ${code})`);
    console.log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const fleet = await openFleet({ db: store.db, home: store.home });
    const key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
    const ingestKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" })).token;
    const siteRow = (await fleet.listSites(LOCAL_ADMIN))[0]!;
    const site = siteRow.name;
    // the queued run's rows go to a site of their own: new hosts, as the synchronous run's are
    const queuedSite = "bench-queued";
    await fleet.createSite(LOCAL_ADMIN, { name: queuedSite, profile: siteRow.profile });
    await fleet.close();
    for (let i = 0; i < 2; i++) serves.push(await spawnServe(store, ["--no-jobs"]));
    let turn = 0;
    const next = () => serves[turn++ % serves.length]!.url;

    // --- API percentiles, round-robin over the two processes
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const endpoints: { name: string; path: string }[] = [
      { name: "GET /api/v1/findings?limit=100", path: "/api/v1/findings?limit=100" },
      { name: "GET /api/v1/findings?status=prohibited&state=open", path: "/api/v1/findings?limit=100&status=prohibited&state=open" },
      { name: "GET /api/v1/findings?vendor=kaspersky", path: "/api/v1/findings?limit=100&vendor=kaspersky" },
      { name: "GET /api/v1/hosts?limit=100", path: "/api/v1/hosts?limit=100" },
      { name: "GET /api/v1/summary", path: "/api/v1/summary" },
      { name: "GET /api/v1/trend (30 days by day)", path: `/api/v1/trend?from=${monthAgo}&to=${today}&interval=day` },
    ];
    const api: { endpoint: string; samples: number; p50: number; p95: number; p99: number; max: number }[] = [];
    for (const e of endpoints) {
      const ms: number[] = [];
      let left = SAMPLES + 20;
      const client = async () => {
        while (left-- > 0) {
          const warm = left >= SAMPLES;
          const start = process.hrtime.bigint();
          const res = await fetch(next() + e.path, { headers: { authorization: `Bearer ${key}` } });
          await res.text();
          if (!res.ok) throw new Error(`${e.path}: HTTP ${res.status}`);
          if (!warm) ms.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, client));
      ms.sort((a, b) => a - b);
      const row = { endpoint: e.name, samples: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms[ms.length - 1]! };
      api.push(row);
      console.log(`${e.name.padEnd(56)} p50 ${row.p50.toFixed(1).padStart(7)} ms  p95 ${row.p95.toFixed(1).padStart(7)} ms  p99 ${row.p99.toFixed(1).padStart(7)} ms`);
    }
    const loadAfterApi = uptime();
    console.log(`machine after the API run: ${loadAfterApi}`);

    // --- ingest through the upload path, judged before the answer (as today), then queued, vs COPY of the same rows
    const uploads = Math.ceil(INGEST_HOSTS / HOSTS_PER_UPLOAD);
    const bodies = Array.from({ length: uploads }, (_, i) => inventory(i));
    const observations = uploads * HOSTS_PER_UPLOAD * ROWS_PER_HOST;
    /** Sends every body to `targetSite`, CONCURRENCY_UPLOADS at a time round-robin; resolves with the seconds until the last answer. */
    const sendAll = async (targetSite: string, expect: number, headers: Record<string, string>): Promise<{ seconds: number }> => {
      let sent = 0;
      const start = process.hrtime.bigint();
      const uploader = async () => {
        for (;;) {
          const i = sent++;
          if (i >= uploads) return;
          const res = await fetch(`${next()}/api/v1/inventories?site=${targetSite}&filename=programs.csv`, {
            method: "POST",
            headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/octet-stream", "idempotency-key": `bench-scale-${targetSite}-${i}`, ...headers },
            body: bodies[i]!,
          });
          const text = await res.text();
          if (res.status !== expect) throw new Error(`upload ${i}: HTTP ${res.status} ${text.slice(0, 300)}`);
        }
      };
      await Promise.all(Array.from({ length: serves.length * 2 }, uploader));
      return { seconds: Number(process.hrtime.bigint() - start) / 1e9 };
    };

    // (a) judged synchronously: the upload is read, judged and stored before the answer (two processes, no job loop)
    const syncRun = await sendAll(site, 201, {});
    const syncS = syncRun.seconds;
    const ingestRate = observations / syncS;
    console.log(`judged synchronously: ${observations.toLocaleString("en-US")} observations in ${uploads} uploads of ${HOSTS_PER_UPLOAD} hosts, ${syncS.toFixed(2)} s: ${Math.round(ingestRate).toLocaleString("en-US")} observations/s`);

    // (b) queued. First two processes with job loops run their start-up jobs (daily partitions, retention,
    // re-screening ...) to the end and stop, so that none of that runs while queued uploads are timed.
    const pgc = new pg.Client({ connectionString: store.db });
    await pgc.connect();
    const quietStart = Date.now();
    const judges: ServeProcess[] = [];
    for (let i = 0; i < 2; i++) judges.push(await spawnServe(store, ["--job-interval", "1"]));
    const retentionKey = `retention:${new Date().toISOString().slice(0, 10)}`;
    for (;;) {
      const busy = (await pgc.query("select count(*)::int as n from jobs where state in ('queued', 'running')")).rows[0].n as number;
      const retained = (await pgc.query("select count(*)::int as n from jobs where key = $1 and state in ('done', 'failed')", [retentionKey])).rows[0].n as number;
      if ((busy === 0 && retained === 1) || Date.now() - quietStart > 600_000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const j of judges.splice(0)) await j.stop();
    console.log(`start-up jobs done in ${((Date.now() - quietStart) / 1000).toFixed(1)} s`);

    // accepted (queued): the same rows, Prefer: respond-async, to a site of their own (new hosts, as in (a)), through the
    // same two processes as (a) (HTTP only, --no-jobs: nothing is judged while they accept)
    const queuedStart = process.hrtime.bigint();
    const acceptRun = await sendAll(queuedSite, 202, { prefer: "respond-async" });
    const acceptS = acceptRun.seconds;
    const acceptRate = observations / acceptS;
    console.log(`accepted (queued): ${observations.toLocaleString("en-US")} observations in ${uploads} uploads, all 202 in ${acceptS.toFixed(3)} s: ${Math.round(acceptRate).toLocaleString("en-US")} observations/s`);

    // judged after queueing: two processes with job loops judge the queue; timed from the first claim to the last
    // upload done (the table's started_at and finished_at), and end to end from the first request
    for (let i = 0; i < 2; i++) judges.push(await spawnServe(store, ["--job-interval", "1"]));
    for (;;) {
      const r = (await pgc.query("select count(*) filter (where state = 'done')::int as done, count(*) filter (where state = 'failed')::int as failed from queued_uploads where site = $1", [queuedSite])).rows[0] as { done: number; failed: number };
      if (r.failed > 0) throw new Error(`${r.failed} queued uploads failed: ${JSON.stringify((await pgc.query("select error from queued_uploads where state = 'failed' limit 3")).rows)}`);
      if (r.done === uploads) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const endToEndS = Number(process.hrtime.bigint() - queuedStart) / 1e9;
    const span = (await pgc.query("select min(started_at) as first, max(finished_at) as last from queued_uploads where site = $1", [queuedSite])).rows[0] as { first: string; last: string };
    const judgedS = (Date.parse(span.last) - Date.parse(span.first)) / 1000;
    const judgedRate = observations / judgedS;
    const judgedBy = (await pgc.query("select locked_by, count(*)::int as n from queued_uploads where site = $1 group by locked_by", [queuedSite])).rows as { locked_by: string; n: number }[];
    await pgc.end();
    for (const j of judges.splice(0)) await j.stop();
    console.log(
      `judged after queueing: from the first claim to the last upload done ${judgedS.toFixed(2)} s: ${Math.round(judgedRate).toLocaleString("en-US")} observations/s (uploads per process: ${judgedBy.map((r) => r.n).join(", ")}); ${endToEndS.toFixed(2)} s from the first request, the judging processes' start included`,
    );

    const csv = join(tempDir("ictsguard-bench-copy-"), "rows.csv");
    writeFileSync(csv, `host,kind,name,vendor,version\n${bodies.map((b) => b.slice(b.indexOf("\n") + 1)).join("")}`);
    const client = new pg.Client({ connectionString: store.db });
    await client.connect();
    await client.query("create table bench_copy (host text, kind text, name text, vendor text, version text)");
    await client.end();
    const copyStart = process.hrtime.bigint();
    execFileSync("psql", [store.db, "-v", "ON_ERROR_STOP=1", "-qc", `\\copy bench_copy from '${csv}' with (format csv, header true)`]);
    const copyS = Number(process.hrtime.bigint() - copyStart) / 1e9;
    const copyRate = observations / copyS;
    console.log(`COPY (psql \\copy) of the same rows into a bare table: ${copyS.toFixed(2)} s: ${Math.round(copyRate).toLocaleString("en-US")} rows/s`);
    const ratio = ingestRate / copyRate;
    const pct = (rate: number) => `${((rate / copyRate) * 100).toFixed(1)}% of COPY`;
    console.log(`judged synchronously:  ${Math.round(ingestRate).toLocaleString("en-US").padStart(10)} observations/s = ${pct(ingestRate)} (target 50%)`);
    console.log(`accepted (queued):     ${Math.round(acceptRate).toLocaleString("en-US").padStart(10)} observations/s = ${pct(acceptRate)}`);
    console.log(`judged after queueing: ${Math.round(judgedRate).toLocaleString("en-US").padStart(10)} observations/s = ${pct(judgedRate)}`);
    const loadAfterIngest = uptime();
    console.log(`machine after ingest: ${loadAfterIngest}`);

    // --- where the history and trend queries go
    const c2 = new pg.Client({ connectionString: store.db });
    await c2.connect();
    const someHost = (await c2.query("select host_id from finding_events limit 1")).rows[0]?.host_id as string;
    const someFinding = (await c2.query("select finding_id from finding_events limit 1")).rows[0]?.finding_id as string;
    const plans: Record<string, string> = {};
    for (const [name, q, params] of [
      ["host history at an instant", "explain select * from finding_events where host_id = $1 and at <= $2 order by at, id", [someHost, "2026-11-15T00:00:00.000Z"]],
      ["finding history", "explain select * from finding_events where finding_id = $1 order by at, id", [someFinding]],
      ["trend (30 days by day)", "explain select day, status, state, sum(delta) from posture_deltas_day where day >= $1 and day <= $2 group by day, status, state", [monthAgo, today]],
    ] as const) {
      plans[name] = (await c2.query(q, [...params])).rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n");
      const scans = [...new Set(plans[name]!.match(/(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)/g) ?? [])];
      console.log(`EXPLAIN ${name}: ${scans.join(", ")}`);
    }
    await c2.end();
    const loadEnd = uptime();
    console.log(`machine at the end: ${loadEnd}`);
    const out = join(PACKAGE_ROOT, "bench", "out");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, "fleet-scale.json"),
      `${JSON.stringify({ hosts: HOSTS, findings: FINDINGS, processes: 2, concurrency: CONCURRENCY, at: new Date().toISOString(), machine: { afterApi: loadAfterApi, afterIngest: loadAfterIngest, end: loadEnd },
        api,
        ingest: {
          observations,
          uploads,
          judgedSynchronously: { seconds: syncS, perSecond: ingestRate, ofCopy: ingestRate / copyRate },
          acceptedQueued: { seconds: acceptS, perSecond: acceptRate, ofCopy: acceptRate / copyRate },
          judgedAfterQueueing: { seconds: judgedS, perSecond: judgedRate, ofCopy: judgedRate / copyRate, uploadsPerProcess: judgedBy.map((r) => r.n), endToEndSeconds: endToEndS },
        },
        copy: { rows: observations, seconds: copyS, perSecond: copyRate },
        ratio,
        plans }, null, 2)}\n`,
    );
  } finally {
    for (const s of serves) await s.stop();
    if (process.env.ICTSGUARD_BENCH_KEEP_DB === "1") console.log(`kept ${store.db}`);
    else await store.drop();
  }
}

await main();
