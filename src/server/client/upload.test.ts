/**
 * The upload client against a real HTTP server on 127.0.0.1 that fails on purpose (a stand-in
 * for a network and a server in trouble, not for ictsguard's server): 503 and 429 are retried
 * with the same idempotency key and the whole file each time, a 4xx is final, a connection that
 * is refused is retried, and the key follows the file's bytes, site, host and modification time.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { portOutsideEphemeralRange } from "../../testing/port.js";
import { tempDir } from "../../testing/temp.js";
import { idempotencyKeyOf, uploadFile, uploadUrl, type RetryPolicy } from "./upload.js";

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 5000 };

type Seen = { url: string; key: string | undefined; body: string; auth: string | undefined; length: string | undefined };

async function withServer(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void, run: (url: string, seen: Seen[]) => Promise<void>): Promise<void> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (s: string) => (body += s));
    req.on("end", () => {
      seen.push({ url: req.url!, key: req.headers["idempotency-key"] as string | undefined, body, auth: req.headers.authorization, length: req.headers["content-length"] });
      answer(seen.length, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

describe("upload client", () => {
  const dir = tempDir();
  const file = join(dir, "programs.csv");
  const content = "host,kind,name\nws-1,software,Kaspersky Endpoint Security for Windows\n".repeat(50);
  writeFileSync(file, content);

  it("retries 503 and 429 with the same key and the whole file, then succeeds", async () => {
    await withServer(
      (n, _req, res) => {
        if (n === 1) return json(res, 503, { error: { code: "unavailable", message: "busy" } });
        if (n === 2) return json(res, 429, { error: { code: "rate-limited", message: "slow down" } }, { "retry-after": "0" });
        json(res, 201, { scan: { id: "s_1" }, replayed: false });
      },
      async (url, seen) => {
        const out = await uploadFile(file, { server: url, apiKey: "ictg_k", host: "ws-1", site: "hq" }, FAST);
        assert.equal(out.ok, true);
        assert.equal(out.attempts, 3);
        assert.equal(seen.length, 3);
        assert.equal(new Set(seen.map((s) => s.key)).size, 1, "one key for every try");
        assert.equal(seen[0]!.key, out.idempotencyKey);
        for (const s of seen) {
          assert.equal(s.body, content, "the whole file each time");
          assert.equal(s.length, String(Buffer.byteLength(content)));
          assert.equal(s.auth, "Bearer ictg_k");
          assert.equal(s.url, "/api/v1/hosts/ws-1/inventories?site=hq&filename=programs.csv");
        }
      },
    );
  });

  it("does not retry a 4xx and reports the server's error", async () => {
    await withServer(
      (_n, _req, res) => json(res, 422, { error: { code: "inventory-unreadable", message: "the inventory has 1 error" } }),
      async (url, seen) => {
        const out = await uploadFile(file, { server: url, apiKey: "k" }, FAST);
        assert.equal(out.ok, false);
        assert.equal(seen.length, 1);
        assert.equal(seen[0]!.url, "/api/v1/inventories?filename=programs.csv", "without --host: the fleet's route");
        assert.match(out.ok ? "" : out.message, /HTTP 422 inventory-unreadable: the inventory has 1 error/);
      },
    );
  });

  it("retries a refused connection and gives up after the tries", async () => {
    const port = await portOutsideEphemeralRange(); // free, and no listen(0) beside this test is handed it
    const out = await uploadFile(file, { server: `http://127.0.0.1:${port}`, apiKey: "k" }, { ...FAST, attempts: 3 });
    assert.equal(out.ok, false);
    assert.equal(out.attempts, 3);
    assert.match(out.ok ? "" : out.message, /ECONNREFUSED|fetch failed/);
  });

  it("derives the key from site, host, modification time and bytes", async () => {
    const base = await idempotencyKeyOf(file, { site: "a", host: "h" });
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(await idempotencyKeyOf(file, { site: "a", host: "h" }), base, "deterministic");
    assert.notEqual(await idempotencyKeyOf(file, { site: "b", host: "h" }), base);
    assert.notEqual(await idempotencyKeyOf(file, { site: "a", host: "g" }), base);
    assert.notEqual(await idempotencyKeyOf(file, { site: "ah", host: "" }), await idempotencyKeyOf(file, { site: "a", host: "h" }), "parts do not run together");
    const t = Date.now() / 1000 + 3600;
    utimesSync(file, t, t);
    assert.notEqual(await idempotencyKeyOf(file, { site: "a", host: "h" }), base, "collected again: a new upload");
  });

  it("builds the route from the target", () => {
    assert.equal(uploadUrl({ server: "http://x:1/", apiKey: "k", host: "a b", site: "s", inputFormat: "csv" }, "/tmp/dir/f.json.gz").toString(), "http://x:1/api/v1/hosts/a%20b/inventories?site=s&format=csv&filename=f.json.gz");
  });
});
