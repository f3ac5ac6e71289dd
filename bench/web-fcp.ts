/**
 * @module
 * `npm run bench:web`: how fast the dashboard's posture page paints on a large fleet. Seeds
 * 100,000 hosts and 1,000,000 findings into a fresh PostgreSQL database (bench/fleet-seed.ts),
 * starts one `ictsguard serve` on 127.0.0.1 with OpenID Connect sign-in against the test
 * identity provider (src/testing/oidc-provider.ts), signs a browser in (Debian's Chromium through
 * playwright-core) as a viewer of every site and loads `/` several times, each in a fresh browser context (nothing cached)
 * and again in one warm context. For each load it reads first-contentful-paint from the
 * Performance API, and also times until the posture's counts are on screen (the summary
 * answered and rendered). Prints p50/p95 (target: FCP within 1 s) to stdout and
 * bench/out/web-fcp.json; the database is dropped at the end (ICTSGUARD_BENCH_KEEP_DB=1 keeps it).
 * Sizes: ICTSGUARD_BENCH_FLEET_HOSTS / _FINDINGS; loads: ICTSGUARD_BENCH_WEB_LOADS (default 10).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "../src/render/chromium.js";
import { createTestStore, spawnServe } from "../src/testing/fleet-server.js";
import { signInWithTestIdp, startTestIdp, type TestUser } from "../src/testing/oidc-provider.js";
import { tempDir } from "../src/testing/temp.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const HOSTS = Number(process.env.ICTSGUARD_BENCH_FLEET_HOSTS ?? 100_000);
const FINDINGS = Number(process.env.ICTSGUARD_BENCH_FLEET_FINDINGS ?? 1_000_000);
const LOADS = Number(process.env.ICTSGUARD_BENCH_WEB_LOADS ?? 10);
const TARGET_FCP_MS = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

type Load = { fcp: number; counts: number };

/** One load of the posture page: FCP from the Performance API, and when the counts are shown (ms from navigation start). */
async function loadOnce(context: BrowserContext, url: string): Promise<Load> {
  const page = await context.newPage();
  try {
    await page.goto(`${url}/`, { waitUntil: "commit" });
    await page.locator("[data-testid=by-status] [data-status=prohibited]").waitFor({ timeout: 120_000 });
    const counts = await page.evaluate(() => performance.now());
    const fcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const seen = performance.getEntriesByName("first-contentful-paint")[0];
          if (seen) return resolve(seen.startTime);
          new PerformanceObserver((list) => {
            const e = list.getEntriesByName("first-contentful-paint")[0];
            if (e) resolve(e.startTime);
          }).observe({ type: "paint" as never, buffered: true });
        }),
    );
    return { fcp, counts };
  } finally {
    await page.close();
  }
}

function stats(name: string, values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const out = { name, n: sorted.length, p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), max: Math.round(sorted[sorted.length - 1]!) };
  console.log(`${name.padEnd(44)} p50 ${String(out.p50).padStart(6)} ms   p95 ${String(out.p95).padStart(6)} ms   max ${String(out.max).padStart(6)} ms`);
  return out;
}

async function main(): Promise<void> {
  const uptime = (() => {
    try {
      return execFileSync("uptime", { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  })();
  console.log(`web FCP bench: ${HOSTS.toLocaleString("en-US")} hosts, ${FINDINGS.toLocaleString("en-US")} findings, PostgreSQL, one serve process, ${LOADS} loads`);
  console.log(`machine: ${uptime}`);
  const store = await createTestStore("postgres", "ictsguard_bench");
  let browser: Browser | undefined;
  try {
    const seedStart = Date.now();
    const seed = spawn(process.execPath, [join(PACKAGE_ROOT, "dist", "bench", "fleet-seed.js"), "--db", store.db, "--hosts", String(HOSTS), "--findings", String(FINDINGS)], { stdio: ["ignore", "inherit", "inherit"] });
    const code = await new Promise<number | null>((resolve) => seed.on("exit", resolve));
    if (code !== 0) throw new Error(`fleet-seed failed (exit ${code})`);
    console.log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const viewer: TestUser = { sub: "bench-viewer", email: "viewer@example.org", name: "Bench Viewer", groups: ["viewers"], password: "bench-pw-1" };
    const idp = await startTestIdp({ users: [viewer] });
    const dir = tempDir("ictsguard-bench-oidc-");
    writeFileSync(join(dir, "client-secret"), idp.clientSecret, { mode: 0o600 });
    const config = { server: { oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecretFile: join(dir, "client-secret"), groups: { viewers: { role: "viewer" } } } } };
    writeFileSync(join(dir, "ictsguard.yaml"), JSON.stringify(config));
    const serve = await spawnServe(store, ["--no-jobs", "--config", join(dir, "ictsguard.yaml")]);
    idp.addRedirectUri(`${serve.url}/auth/callback`);
    try {
      const { chromium } = await import("playwright-core");
      const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
      browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...(asRoot ? ["--no-sandbox"] : [])] });
      const contextOptions = { viewport: { width: 1280, height: 900 } };
      // signed in once; each fresh context gets the session cookie and nothing else (no cached files)
      const warm = await browser.newContext(contextOptions);
      const signInPage = await warm.newPage();
      await signInWithTestIdp(signInPage, serve.url, viewer);
      await signInPage.close();
      const session = (await warm.cookies(serve.url)).filter((c) => c.name === "ictsguard_session");
      if (session.length !== 1) throw new Error("the sign-in set no session cookie");
      // warm-up: the server's first summary and the first page load
      await loadOnce(warm, serve.url);
      const cold: Load[] = [];
      for (let i = 0; i < LOADS; i++) {
        const ctx = await browser.newContext(contextOptions);
        await ctx.addCookies(session);
        cold.push(await loadOnce(ctx, serve.url));
        await ctx.close();
      }
      const cached: Load[] = [];
      for (let i = 0; i < LOADS; i++) cached.push(await loadOnce(warm, serve.url));
      await warm.close();
      const results = [
        stats("FCP, fresh context (nothing cached)", cold.map((l) => l.fcp)),
        stats("counts shown, fresh context", cold.map((l) => l.counts)),
        stats("FCP, warm context (assets cached)", cached.map((l) => l.fcp)),
        stats("counts shown, warm context", cached.map((l) => l.counts)),
      ];
      const fcpP95 = results[0]!.p95;
      console.log(`FCP p95 (fresh) ${fcpP95} ms: ${fcpP95 <= TARGET_FCP_MS ? "within" : "OVER"} the ${TARGET_FCP_MS} ms target`);
      mkdirSync(join(PACKAGE_ROOT, "bench", "out"), { recursive: true });
      writeFileSync(join(PACKAGE_ROOT, "bench", "out", "web-fcp.json"), `${JSON.stringify({ hosts: HOSTS, findings: FINDINGS, loads: LOADS, machine: uptime, results }, null, 2)}\n`);
    } finally {
      await serve.stop();
      await idp.close();
    }
  } finally {
    await browser?.close();
    if (process.env.ICTSGUARD_BENCH_KEEP_DB === "1") console.log(`kept ${store.db}`);
    else await store.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
