/**
 * The real command runner, over real processes (Node itself as the command): output streamed to
 * the end, exit codes, standard error, a command that is not installed, and a timeout.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { commandOutput } from "./command.js";
import { createSpawnRunner, describeExit, findOnPath, notInstalled } from "./runner.js";
import { tempDir } from "../testing/temp.js";

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe("createSpawnRunner", () => {
  const runner = createSpawnRunner();

  it("streams a command's output and reports its exit code and standard error", async () => {
    const r = runner.run(process.execPath, ["-e", "process.stdout.write('a\\nb'); process.stderr.write('careful'); process.exitCode = 3"]);
    assert.equal(await text(r.stdout), "a\nb");
    const exit = await r.done;
    assert.equal(exit.code, 3);
    assert.equal(exit.stderr, "careful");
    assert.equal(notInstalled(exit), false);
    assert.equal(describeExit(exit), "exit code 3: careful");
  });

  it("passes arguments as they are, without a shell", async () => {
    const r = runner.run(process.execPath, ["-e", "process.stdout.write(process.argv.slice(1).join('|'))", "a b", "$HOME", "; rm -rf /"]);
    assert.equal(await text(r.stdout), "a b|$HOME|; rm -rf /");
    assert.equal((await r.done).code, 0);
  });

  it("streams large outputs whole", async () => {
    const r = runner.run(process.execPath, ["-e", "for (let i = 0; i < 200000; i++) process.stdout.write(`line ${i}\\n`)"]);
    const out = await text(r.stdout);
    assert.equal(out.split("\n").length, 200001);
    assert.equal((await r.done).code, 0);
  });

  it("a command that is not installed ends at once with ENOENT", async () => {
    const r = runner.run("ictsguard-no-such-command", ["--x"]);
    assert.equal(await text(r.stdout), "");
    const exit = await r.done;
    assert.equal(notInstalled(exit), true);
    assert.equal(exit.code, null);
  });

  it("stops a command that takes too long", async () => {
    const started = Date.now();
    const r = runner.run(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { timeoutMs: 1000 });
    await text(r.stdout);
    const exit = await r.done;
    assert.ok(Date.now() - started < 15000, "stopped well before it would have ended");
    assert.equal(exit.error?.code, "ETIMEDOUT");
    assert.match(describeExit(exit), /took too long/);
  });
});

describe("findOnPath", () => {
  it("finds an executable in a PATH folder, and nothing for a missing command or a path", () => {
    const env = { PATH: [join(tmpdir(), "ictsguard-no-such-dir"), tempDir("ictsguard-empty-"), dirname(process.execPath)].join(process.platform === "win32" ? ";" : ":") };
    const name = basename(process.execPath).replace(/\.exe$/i, "");
    assert.equal(findOnPath(name, env), process.execPath);
    assert.equal(findOnPath("ictsguard-no-such-command", env), undefined);
    assert.equal(findOnPath(process.execPath, env), undefined, "a path is not looked up");
  });
});

describe("commandOutput", () => {
  it("stops a command whose output is not read to the end, instead of waiting for it", async () => {
    const ctx = {
      root: "/",
      host: "h",
      runner: createSpawnRunner(),
      catalog: undefined as never,
      report: () => {},
      skip: () => {},
    };
    const started = Date.now();
    const out = await commandOutput(ctx, process.execPath, ["-e", "setInterval(() => process.stdout.write('x'.repeat(65536)), 1)"], "endless");
    assert.ok(out.input);
    for await (const _chunk of out.input.stream) break; // a reader that gives up after one chunk
    const exit = await out.exit();
    assert.equal(exit.stopped, true);
    assert.ok(Date.now() - started < 20000);
  });
});
