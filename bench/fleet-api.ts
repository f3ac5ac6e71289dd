/**
 * @module
 * `npm run bench:fleet`: the fleet API's latency at scale. Seeds 100,000 hosts and 1,000,000
 * findings into a fresh PostgreSQL database (bench/fleet-seed.ts), starts one `ictsguard serve`
 * process on it, and reports p50/p95/p99 of the list, summary and trend endpoints (target: p95
 * under 100 ms), measured one request at a time from this process after a warm-up. The figures go
 * to stdout and bench/out/fleet-api.json; the database is dropped at the end
 * (ICTSGUARD_BENCH_KEEP_DB=1 keeps it). Sizes: ICTSGUARD_BENCH_FLEET_HOSTS / _FINDINGS.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import pg from "pg";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import { createTestStore, spawnServe } from "../src/testing/fleet-server.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const HOSTS = Number(process.env.ICTSGUARD_BENCH_FLEET_HOSTS ?? 100_000);
const FINDINGS = Number(process.env.ICTSGUARD_BENCH_FLEET_FINDINGS ?? 1_000_000);
const SAMPLES = Number(process.env.ICTSGUARD_BENCH_FLEET_SAMPLES ?? 200);
const WARMUP = 20;
const TARGET_P95_MS = 100;

type Endpoint = { name: string; path: (ctx: { cursor?: string }) => string };

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function time(url: string, key: string): Promise<{ ms: number; body: { next?: string | null } }> {
  const start = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as { next?: string | null } };
}

async function main(): Promise<void> {
  const uptime = () => {
    try {
      return execFileSync("uptime", { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  console.log(`fleet API bench: ${HOSTS.toLocaleString("en-US")} hosts, ${FINDINGS.toLocaleString("en-US")} findings, PostgreSQL, one serve process`);
  console.log(`machine: ${uptime()}`);
  const store = await createTestStore("postgres", "ictsguard_bench");
  try {
    const seedStart = Date.now();
    const seed = spawn(process.execPath, [join(PACKAGE_ROOT, "dist", "bench", "fleet-seed.js"), "--db", store.db, "--hosts", String(HOSTS), "--findings", String(FINDINGS)], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    const code = await new Promise<number | null>((resolve) => seed.on("exit", resolve));
    if (code !== 0) throw new Error(`fleet-seed failed (exit ${code})`);
    console.log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const fleet = await openFleet({ db: store.db, home: store.home });
    const key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
    const ingestKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "ingest" })).token;
    const uploadSite = (await fleet.listSites(LOCAL_ADMIN))[0]!.name;
    await fleet.close();
    const client = new pg.Client({ connectionString: store.db });
    await client.connect();
    const count = async (table: string) => Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
    const seeded = { hosts: await count("hosts"), findings: await count("findings") };
    await client.end();
    console.log(`the store holds ${seeded.hosts.toLocaleString("en-US")} hosts and ${seeded.findings.toLocaleString("en-US")} findings`);

    const serve = await spawnServe(store, ["--no-jobs"]);
    try {
      const today = new Date().toISOString().slice(0, 10);
      const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      const endpoints: Endpoint[] = [
        { name: "GET /api/v1/findings?limit=100", path: () => "/api/v1/findings?limit=100" },
        { name: "GET /api/v1/findings (walking pages by cursor)", path: ({ cursor }) => `/api/v1/findings?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}` },
        { name: "GET /api/v1/findings?status=prohibited&state=open", path: () => "/api/v1/findings?limit=100&status=prohibited&state=open" },
        { name: "GET /api/v1/findings?vendor=kaspersky", path: () => "/api/v1/findings?limit=100&vendor=kaspersky" },
        { name: "GET /api/v1/hosts?limit=100", path: () => "/api/v1/hosts?limit=100" },
        { name: "GET /api/v1/summary", path: () => "/api/v1/summary" },
        { name: `GET /api/v1/trend (30 days by day)`, path: () => `/api/v1/trend?from=${monthAgo}&to=${today}&interval=day` },
      ];
      const results: { endpoint: string; samples: number; p50: number; p95: number; p99: number; max: number; meetsTarget: boolean }[] = [];
      for (const e of endpoints) {
        let cursor: string | undefined;
        const take = async () => {
          const r = await time(serve.url + e.path({ ...(cursor ? { cursor } : {}) }), key);
          cursor = r.body.next ?? undefined;
          return r.ms;
        };
        for (let i = 0; i < WARMUP; i++) await take();
        const ms: number[] = [];
        for (let i = 0; i < SAMPLES; i++) ms.push(await take());
        ms.sort((a, b) => a - b);
        const row = { endpoint: e.name, samples: SAMPLES, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms[ms.length - 1]!, meetsTarget: percentile(ms, 95) < TARGET_P95_MS };
        results.push(row);
        console.log(`${e.name.padEnd(58)} p50 ${row.p50.toFixed(1).padStart(7)} ms  p95 ${row.p95.toFixed(1).padStart(7)} ms  p99 ${row.p99.toFixed(1).padStart(7)} ms  ${row.meetsTarget ? "" : `(p95 over ${TARGET_P95_MS} ms)`}`);
      }
      // uploads: one host's inventory of 40 programs (two of them Kaspersky), each a new scan
      const inventory = (i: number) =>
        `host,kind,name,vendor,version\n${Array.from({ length: 40 }, (_, j) =>
          j === 7 ? `bench-up-${i},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1.0.${i}` : j === 19 ? `bench-up-${i},software,Kaspersky Security Center Network Agent,AO Kaspersky Lab,15.1` : `bench-up-${i},software,Program ${j},Vendor ${j},1.${j}`,
        ).join("\n")}\n`;
      const uploads: number[] = [];
      for (let i = 0; i < WARMUP + SAMPLES / 2; i++) {
        const start = process.hrtime.bigint();
        const res = await fetch(`${serve.url}/api/v1/inventories?site=${uploadSite}&filename=programs.csv`, {
          method: "POST",
          headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/octet-stream", "idempotency-key": `bench-${i}-${Date.now()}` },
          body: inventory(i),
        });
        await res.text();
        if (res.status !== 201) throw new Error(`upload: HTTP ${res.status}`);
        if (i >= WARMUP) uploads.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      uploads.sort((a, b) => a - b);
      const up = { endpoint: "POST /api/v1/inventories (40 programs, 1 host)", samples: uploads.length, p50: percentile(uploads, 50), p95: percentile(uploads, 95), p99: percentile(uploads, 99), max: uploads[uploads.length - 1]!, meetsTarget: percentile(uploads, 95) < TARGET_P95_MS };
      results.push(up);
      console.log(`${up.endpoint.padEnd(58)} p50 ${up.p50.toFixed(1).padStart(7)} ms  p95 ${up.p95.toFixed(1).padStart(7)} ms  p99 ${up.p99.toFixed(1).padStart(7)} ms`);
      const out = join(PACKAGE_ROOT, "bench", "out");
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "fleet-api.json"), `${JSON.stringify({ hosts: seeded.hosts, findings: seeded.findings, at: new Date().toISOString(), machine: uptime(), results }, null, 2)}\n`);
    } finally {
      await serve.stop();
    }
  } finally {
    if (process.env.ICTSGUARD_BENCH_KEEP_DB === "1") console.log(`kept ${store.db}`);
    else await store.drop();
  }
}

await main();
