/**
 * `ictsguard server webhook add | list | test | remove` as a user runs them, on the SQLite store
 * under a temporary ICTSGUARD_HOME, with a receiver on 127.0.0.1: the secret printed once signs
 * the test event (checked with docs/server.md's recipe), and refusals exit 2.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

type Run = { code: number; stdout: string; stderr: string };

function cli(args: string[], home: string): Promise<Run> {
  return new Promise((ok) => {
    execFile(process.execPath, [repoPath("bin/ictsguard.js"), ...args], { cwd: home, env: { ...process.env, ICTSGUARD_HOME: home, DATABASE_URL: "", NO_COLOR: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}

test("server webhook add, list, test and remove", async (t) => {
  const got: { raw: string; signature: string }[] = [];
  const receiver = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      got.push({ raw, signature: String(req.headers["ictsguard-signature"]) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const home = tempDir("ictsguard-webhook-cli-");

  assert.equal((await cli(["server", "init"], home)).code, 0);
  const added = await cli(["server", "webhook", "add", url, "--events", "finding.new,finding.resolved", "--site", "default", "-o", "json"], home);
  assert.equal(added.code, 0, added.stderr);
  const { webhook, secret } = JSON.parse(added.stdout) as { webhook: { id: string; events: string[] }; secret: string };
  assert.deepEqual(webhook.events, ["finding.new", "finding.resolved"]);

  const list = await cli(["server", "webhook", "list"], home);
  assert.match(list.stdout, new RegExp(`${webhook.id}\\s+active\\s+default\\s+${url.replace(/[./]/g, "\\$&")}`));
  assert.ok(!list.stdout.includes(secret), "the secret is never listed");

  const sent = await cli(["server", "webhook", "test", webhook.id], home);
  assert.equal(sent.code, 0, sent.stderr);
  assert.match(sent.stdout, /^delivered: 200 in \d+ ms; event evt_/);
  assert.equal(got.length, 1);
  const parts = Object.fromEntries(got[0]!.signature.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  assert.ok(Math.abs(Date.now() / 1000 - Number(parts.t)) < 300);
  assert.equal(parts.v1, createHmac("sha256", secret).update(`${parts.t}.${got[0]!.raw}`).digest("hex"));

  const badUrl = await cli(["server", "webhook", "add", "ftp://example.org/x", "--events", "finding.new"], home);
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /http or https/);
  const badEvent = await cli(["server", "webhook", "add", url, "--events", "finding.exploded"], home);
  assert.equal(badEvent.code, 2);
  assert.match(badEvent.stderr, /unknown event type/);

  const removed = await cli(["server", "webhook", "remove", webhook.id], home);
  assert.equal(removed.code, 0, removed.stderr);
  const down = await cli(["server", "webhook", "test", webhook.id], home);
  assert.equal(down.code, 2);
  assert.match(down.stderr, /no webhook/);
});
