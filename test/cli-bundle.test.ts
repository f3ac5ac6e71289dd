/**
 * The command line runs bundled (dist/cli/, see src/cli/build-bundle.ts). The bundle must find
 * the files it names beside itself, and the scan's worker thread must run from it: a scan falls
 * back to one thread when a worker cannot start, so a broken worker would only be slower, and
 * no report would show it. So: every `new URL("./…", import.meta.url)` in the bundle names a
 * file that is there, and the bundled worker reads a part of a CSV as the compiled one does.
 * The bundle holds its own zod, while @hono/zod-openapi (left outside) uses the one in
 * node_modules: `serve` from the bundle must document and check requests as the compiled server does.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN } from "../src/fleet/types.js";
import { startServer } from "../src/server/index.js";
import { api, createTestStore, spawnServe } from "../src/testing/fleet-server.js";
import type { PartRequest, PartResult } from "../src/scan/parallel-read.js";
import { tempDir } from "../src/testing/temp.js";
import { packagePath } from "../src/util/package-root.js";

const BUNDLE = packagePath("dist", "cli");
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** Whether a file of the bundle holds zod (esbuild marks each module it bundles with a comment naming its path). */
function holdsZod(file: string): boolean {
  return file.startsWith(BUNDLE) && readFileSync(file, "utf8").includes("// node_modules/zod/");
}

/** Runs one worker script on `request` and returns its result. */
function runWorker(script: string, request: PartRequest): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script);
    worker.postMessage(request);
    worker.on("message", (m: { result?: PartResult }) => {
      if (m.result) resolve(m.result);
    });
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`worker exited ${code} without a result`)));
  });
}

describe("command-line bundle", () => {
  it("bin/ictsguard.js runs the bundle, and every file the bundle names beside itself is there", () => {
    assert.match(readFileSync(packagePath("bin", "ictsguard.js"), "utf8"), /from "\.\.\/dist\/cli\/main\.js"/);
    const files = readdirSync(BUNDLE).filter((f) => f.endsWith(".js"));
    const named = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(join(BUNDLE, f), "utf8").matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g)) named.add(m[1]!);
    }
    assert.ok(named.has("parallel-read-worker.js"), `the scan's worker is named: ${[...named].join(", ")}`);
    for (const name of named) assert.ok(files.includes(name), `${name} is in dist/cli/`);
  });

  it("holds only the parts of zod the code uses: no locale but English", () => {
    // `import * as z from "zod"` lets esbuild keep only what is used; the `{ z }` namespace object
    // held every export, its 63 other locales included (757 KB, about 25 ms of every scan's start)
    const zod = new Set<string>();
    for (const f of readdirSync(BUNDLE).filter((f) => f.endsWith(".js"))) {
      for (const m of readFileSync(join(BUNDLE, f), "utf8").matchAll(/^\/\/ node_modules\/zod\/(\S+)$/gm)) zod.add(m[1]!);
    }
    assert.ok(zod.has("v4/classic/schemas.js"), `zod is bundled: ${[...zod].join(", ")}`);
    assert.deepEqual([...zod].filter((m) => m.startsWith("v4/locales/")), ["v4/locales/en.js"]);
  });

  it("explains a bad config file in zod's English words, the locale it keeps", () => {
    const cwd = join(dir, "bad-config");
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, "ictsguard.yaml"), "profile: nonsense\n");
    writeFileSync(join(cwd, "inventory.csv"), "host,name\nws-1,Notepad++\n");
    const r = spawnSync(process.execPath, [packagePath("bin", "ictsguard.js"), "scan", "inventory.csv", "-o", "json", "--quiet"], { cwd, encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /ictsguard\.yaml:1: profile: Invalid option: expected one of "federal-agency"\|/);
  });

  it("the bundled worker reads a part of a CSV as the compiled one does", async () => {
    const path = join(dir, "fleet.csv");
    const header = "host,name,vendor,version\n";
    const rows = Array.from({ length: 3000 }, (_, i) =>
      i % 100 === 7 ? `ws-${i},Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.${i}\n` : `ws-${i},${i % 3 ? "Google Chrome" : "KeePass Password Safe"},Vendor,1.${i}\n`,
    );
    const text = header + rows.join("");
    writeFileSync(path, text);
    const start = header.length + rows.slice(0, 1000).join("").length;
    const request: PartRequest = {
      path,
      start,
      end: text.length,
      format: "csv",
      prefix: { end: header.length, lines: 1 },
      catalog: await loadCatalogOrThrow(),
      profile: "business",
      asOf: "2025-06-01",
      maxForwarded: 20_000,
      part: 1,
    };
    const bundled = await runWorker(join(BUNDLE, "parallel-read-worker.js"), request);
    const compiled = await runWorker(packagePath("dist", "src", "scan", "parallel-read-worker.js"), request);
    assert.equal(bundled.clean, true, bundled.clean ? "" : bundled.why);
    assert.ok(bundled.clean && bundled.observations === 2000, "the part's 2,000 rows");
    assert.equal(bundled.clean && bundled.forwarded.filter((o) => o.name.startsWith("Kaspersky")).length, 20, "its Kaspersky rows are sent");
    assert.deepEqual(bundled, compiled);
  });

  it("a scan of files with the bundled catalog and no config file loads no zod, and neither does its worker; a config file loads it", () => {
    // every file the command line loads, recorded by a module hook in a file of its own
    const hooks = join(dir, "record-loads.mjs");
    const loads = join(dir, "loads.txt");
    writeFileSync(
      hooks,
      `import { appendFileSync } from "node:fs";\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(loads)}, url + "\\n"); return next(url, context); }\n`,
    );
    const register = join(dir, "register-loads.mjs");
    writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const cwd = join(dir, "no-config");
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, "inventory.csv"), "host,name,vendor\nws-1,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab\nws-2,Notepad++,Don Ho\n");
    /** The files (of the bundle and of node_modules) a scan in `cwd` loads, and whether any holds zod. */
    const scanLoads = (): { files: string[]; zod: boolean } => {
      rmSync(loads, { force: true });
      const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, packagePath("bin", "ictsguard.js"), "scan", "inventory.csv", "-o", "json", "--quiet"], {
        cwd,
        encoding: "utf8",
        env: { ...process.env, ICTSGUARD_HOME: join(dir, "home") },
      });
      assert.equal(r.status, 1, r.stderr); // the Kaspersky row is a finding
      const files = readFileSync(loads, "utf8").split("\n").filter((u) => u.startsWith("file:")).map((u) => fileURLToPath(u));
      return { files, zod: files.some((f) => f.includes(`${sep}node_modules${sep}zod${sep}`) || holdsZod(f)) };
    };
    const without = scanLoads();
    assert.ok(without.files.some((f) => f.startsWith(BUNDLE)), "the hook saw the bundle load");
    assert.equal(without.zod, false, `no file loaded holds zod: ${without.files.filter(holdsZod).join(", ")}`);
    // the worker's files: its entry and the chunks it imports, transitively
    const seen = new Set<string>();
    const follow = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, "utf8").matchAll(/from "\.\/([^"]+\.js)"|import "\.\/([^"]+\.js)"/g)) follow(join(BUNDLE, m[1] ?? m[2]!));
    };
    follow(join(BUNDLE, "parallel-read-worker.js"));
    assert.ok(seen.size > 3, `the worker imports chunks: ${seen.size}`);
    assert.deepEqual([...seen].filter(holdsZod), [], "the worker loads no zod");
    // the check can fail: with a config file, the scan loads its schema, and zod
    writeFileSync(join(cwd, "ictsguard.yaml"), "profile: business\n");
    assert.equal(scanLoads().zod, true, "a config file is checked with zod");
  });

  it("serve from the bundle documents the API and refuses a bad request body as the compiled server does", async () => {
    const store = await createTestStore("sqlite");
    const fleet = await openFleet({ db: store.db, home: store.home });
    const key = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
    const compiled = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
    const bundled = await spawnServe(store);
    try {
      const docs = await Promise.all([bundled.url, compiled.url].map((url) => api(url, "/api/v1/openapi.json")));
      assert.equal(docs[0]!.status, 200);
      assert.ok(Object.keys(docs[0]!.body.components.schemas).length > 20, "schemas are documented");
      assert.deepEqual(docs[0]!.body, docs[1]!.body);
      const bad = { name: 5, profile: "no-such-profile" };
      const refused = await Promise.all([bundled.url, compiled.url].map((url) => api(url, "/api/v1/sites", { key, method: "POST", body: bad })));
      assert.equal(refused[0]!.status, 400, JSON.stringify(refused[0]!.body));
      assert.deepEqual(refused[0]!.body, refused[1]!.body);
    } finally {
      await bundled.stop();
      await compiled.close(); // and the fleet with it
      await store.drop();
    }
  });
});
