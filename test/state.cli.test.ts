/**
 * State under ICTSGUARD_HOME (issue 13): private modes whatever the umask, leftovers of killed
 * runs removed at the next start (and only those: a running process's folders stay), and
 * catalog updates that refuse a redirect to another host or port unless --allow-redirects.
 * Real commands as child processes, real TUF repositories served on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BIN, closeWorlds, FLEET, world } from "../src/testing/tuf-world.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

after(closeWorlds);

type Run = { code: number; stdout: string; stderr: string };
/** Runs the CLI under a shell with `umask`, without blocking the HTTP servers of this process. */
function cliUmask(args: string[], home: string, umask = "000"): Promise<Run> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((ok) => {
    execFile("/bin/sh", ["-c", `umask ${umask} && exec ${quoted}`], { cwd: tempDir("ictsguard-cwd-"), env: { ...process.env, ICTSGUARD_HOME: home, NO_COLOR: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}

/** Every folder and file under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; kind: "dir" | "file"; mode: number }[] {
  const out: { path: string; kind: "dir" | "file"; mode: number }[] = [{ path: dir, kind: "dir", mode: lstatSync(dir).mode & 0o777 }];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = lstatSync(path);
    if (s.isDirectory()) out.push(...modes(path));
    else out.push({ path, kind: "file", mode: s.mode & 0o777 });
  }
  return out;
}
const wrongModes = (dir: string) => modes(dir).filter((m) => m.mode !== (m.kind === "dir" ? 0o700 : 0o600)).map((m) => `${m.path} ${m.mode.toString(8)}`);

describe("state files: 0700 folders and 0600 files under ICTSGUARD_HOME, whatever the umask", () => {
  it("under umask 000: the installed catalog, its TUF metadata, an imported list and a decision log are private", async () => {
    const w = await world();
    const r = await cliUmask(["catalog", "update", "--from", w.server.url, "--trusted-root", w.root1], w.home);
    assert.equal(r.code, 0, r.stderr);
    const l = await cliUmask(["lists", "import", repoPath("src/screen/lists/testdata/ofac-sdn"), "--quiet"], w.home);
    assert.equal(l.code, 0, l.stderr);
    const log = join(w.home, "logs", "decisions.jsonl");
    const c = await cliUmask(["check", "--role", "business", "--action", "buy", "--vendor", "AO Kaspersky Lab", "--category", "antivirus", "--date", "2025-01-01", "--log", log, "-o", "json"], w.home);
    assert.ok(existsSync(log), c.stderr);
    const all = modes(w.home);
    assert.ok(all.some((m) => m.path.endsWith(join("tuf", "targets.json"))) && all.some((m) => m.path.endsWith("bundle.json")) && all.some((m) => m.path.includes(join("lists", ""))));
    assert.deepEqual(wrongModes(w.home), []);
  });
});

describe("leftovers of killed runs are removed at the next start; a running process's are kept", () => {
  it("staging, download and zip spill folders of a dead process go at the next scan; those of a live process stay", async () => {
    const home = tempDir("ictsguard-home-");
    const installs = join(home, "catalog", "installs");
    // a process that is certainly gone: a child that has exited
    const dead = await new Promise<number>((ok) => {
      const child = spawn(process.execPath, ["-e", ""]);
      child.on("exit", () => ok(child.pid!));
    });
    const live = process.pid; // this test's process runs on
    const stale = [join(installs, `.staging-${dead}-0a0b0c0d`), join(home, "tmp", `tuf-${dead}-AbC123`), join(tmpdir(), `ictsguard-zip-${dead}-XyZ789`)];
    const kept = [join(installs, `.staging-${live}-01020304`), join(home, "tmp", `tuf-${live}-QwE456`), join(tmpdir(), `ictsguard-zip-${live}-RtY012`)];
    for (const dir of [...stale, ...kept]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "partial"), "left behind");
    }
    try {
      const r = await cliUmask(["scan", FLEET, "-o", "json", "--quiet", "--as-of", "2025-01-01"], home, "022");
      assert.equal(r.code, 1, r.stderr);
      for (const dir of stale) assert.ok(!existsSync(dir), `${dir} should be gone`);
      for (const dir of kept) assert.ok(existsSync(dir), `${dir} belongs to a running process`);
    } finally {
      for (const dir of kept) (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("catalog update: redirects to another origin are refused unless --allow-redirects", () => {
  /** A server on 127.0.0.1 that redirects every request to `target` + the same path (or, same-origin, to /mirror/...). */
  async function redirector(target: (path: string, own: string) => string): Promise<{ url: string; close(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      const own = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      res.writeHead(302, { location: target(req.url ?? "/", own) }).end();
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    return {
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
      close: () => new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
    };
  }

  it("a redirect within the repository's origin is followed without --allow-redirects", async () => {
    const w = await world();
    const { readFileSync } = await import("node:fs");
    const server: Server = createServer((req, res) => {
      const path = req.url ?? "/";
      if (!path.startsWith("/real/")) return void res.writeHead(301, { location: `/real${path}` }).end();
      let body: Buffer;
      try {
        body = readFileSync(join(w.repo, decodeURIComponent(path.slice("/real/".length))));
      } catch {
        return void res.writeHead(404).end();
      }
      res.writeHead(200).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const r = await cliUmask(["catalog", "update", "--from", url, "--trusted-root", w.root1], w.home, "022");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /installed catalog /);
    } finally {
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    }
  });

  it("a redirect to another port is refused (exit 2, the catalog in use unchanged); with --allow-redirects it is followed and verified", async () => {
    const w = await world();
    const mirror = w.server.url.replace(/\/$/, "");
    const hop = await redirector((path) => `${mirror}${path}`);
    try {
      const refused = await cliUmask(["catalog", "update", "--from", hop.url, "--trusted-root", w.root1], w.home, "022");
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /cross-origin redirect refused: http:\/\/127\.0\.0\.1:\d+\/metadata\/\S+ redirects to http:\/\/127\.0\.0\.1:\d+\/metadata\/\S+, another host or port than the repository's http:\/\/127\.0\.0\.1:\d+ \(pass --allow-redirects to follow it\)/);
      assert.match(refused.stderr, /the catalog in use is still .*bundled/);
      assert.ok(!w.server.requests.some((p) => p.startsWith("/metadata/")), "the other origin was never asked");
      const allowed = await cliUmask(["catalog", "update", "--from", hop.url, "--trusted-root", w.root1, "--allow-redirects"], w.home, "022");
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stdout, /installed catalog /);
    } finally {
      await hop.close();
    }
  });
});
