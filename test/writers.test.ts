/**
 * The writers as users meet them, through the real CLI: a reader that stops early (`| head`),
 * in every command and in `--help`, with the exit code the whole run earns; a full disk
 * (/dev/full) reported as such; `--output-file` into a folder that does not exist yet; and
 * hostile text from inventories (terminal escapes, bidi controls, formulas) in every format
 * people read and in error messages.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import type { SarifLog } from "../src/report/sarif/index.js";
import { keyIdOf, signStatement } from "../src/attest/envelope.js";
import { newKeyPair } from "../src/util/key-pair.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const dir = tempDir("ictsguard-writers-");
after(() => rmSync(dir, { recursive: true, force: true }));
/** An ICTSGUARD_HOME of the tests' own: no installed catalog, no imported list, no store but the one made here. */
const home = join(dir, "home");
mkdirSync(home);
const env = { ...process.env, ICTSGUARD_HOME: home, DATABASE_URL: "", NO_COLOR: "1" };

/** A fleet where every host runs Kaspersky: a report far larger than a pipe's buffer. */
function bigFleet(hosts: number): string {
  const path = join(dir, `fleet-${hosts}.csv`);
  const rows = ["host,kind,name,vendor,version"];
  for (let i = 0; i < hosts; i++) rows.push(`ws-${i},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1.0.506`);
  writeFileSync(path, rows.join("\n") + "\n");
  return path;
}

/** Runs `ictsguard ARGS | head -c BYTES` in bash and gives ictsguard's own exit code and stderr. */
function piped(args: string[], bytes: number): { code: number; stderr: string; stdout: string } {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const script = `"${process.execPath}" "${BIN}" ${quoted} 2>"${dir}/stderr.txt" | head -c ${bytes}; echo "exit=\${PIPESTATUS[0]}" >&2`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", cwd: dir });
  const code = Number(/exit=(\d+)/.exec(r.stderr)?.[1] ?? -1);
  return { code, stderr: readFileSync(join(dir, "stderr.txt"), "utf8"), stdout: r.stdout };
}

describe("writers: a reader that stops early", () => {
  const fleet = bigFleet(4000);

  it("scan | head ends quietly with the exit code the scan earned (1: findings), in every format", () => {
    for (const format of ["json", "csv", "sarif", "table"]) {
      const r = piped(["scan", fleet, "-o", format, "--quiet", "--as-of", "2025-01-01"], 200);
      assert.equal(r.stdout.length, 200, format);
      assert.equal(r.stderr, "", `${format}: ${r.stderr}`);
      assert.equal(r.code, 1, format);
    }
  });

  it("the exit code is still 0 for a clean scan and 2 for an input error", () => {
    const clean = bigFleet(1).replace(/\.csv$/, "-clean.csv");
    const rows = ["host,kind,name,vendor,version"];
    for (let i = 0; i < 20_000; i++) rows.push(`ws-${i},software,7-Zip,Igor Pavlov,23.01`);
    writeFileSync(clean, rows.join("\n") + "\n");
    // a clean scan writes little; many errors make a long report
    const cleanRun = piped(["scan", clean, "-o", "json", "--quiet"], 10);
    assert.deepEqual([cleanRun.code, cleanRun.stderr], [0, ""]);
    const broken = join(dir, "broken.csv");
    writeFileSync(broken, "host,kind,name,vendor,version\n" + Array.from({ length: 3000 }, (_, i) => `ws-${i},software,"Kaspersky Endpoint Security,AO Kaspersky Lab`).join("\n") + "\n");
    const brokenRun = piped(["scan", broken, fleet, "-o", "json", "--quiet"], 100);
    assert.equal(brokenRun.stderr, "");
    assert.equal(brokenRun.code, 2);
  });

  it("check --batch | head ends quietly with the code the batch earned", () => {
    const batch = join(dir, "orders.csv");
    const rows = ["role,action,vendor,date"];
    for (let i = 0; i < 20_000; i++) rows.push("business,buy,AO Kaspersky Lab,2024-08-01");
    writeFileSync(batch, rows.join("\n") + "\n");
    const r = piped(["check", "--batch", batch, "-o", "jsonl", "--quiet"], 300);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 1, "prohibited purchases were decided before the reader left");
  });
});

describe("writers: check --batch streams", () => {
  it("writes each decision as it is decided, before the batch has ended", async () => {
    const row = "business,buy,AO Kaspersky Lab,2024-08-01\n";
    const child = spawn(process.execPath, [BIN, "check", "--batch", "-", "-o", "jsonl", "--quiet"], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let stdout = "";
    const firstLine = new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("\n")) resolve();
      }),
    );
    // More than the 64 KiB the opener probes, so reading starts while standard input stays open.
    child.stdin.write("role,action,vendor,date\n" + row.repeat(Math.ceil(70_000 / row.length)));
    // Without streaming no line would come before the end of input: give up after a minute instead of hanging.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 60_000)));
    const first = await Promise.race([firstLine, gaveUp]);
    clearTimeout(timer);
    if (first === "timeout") child.kill();
    assert.notEqual(first, "timeout", "no decision was written while the batch was still open");
    assert.equal(child.exitCode, null, "a decision was written while the batch was still open");
    child.stdin.end(row);
    assert.equal(await exited, 1);
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, Math.ceil(70_000 / row.length) + 1);
    // one decision per row, in input order (the header is line 1)
    lines.forEach((line, i) => assert.equal((JSON.parse(line) as { source: { line: number } }).source.line, i + 2));
  });
});

describe("writers: screen | head", () => {
  it("ends quietly with the code the names earned", () => {
    const names = join(dir, "vendors.csv");
    const rows = ["name"];
    for (let i = 0; i < 1500; i++) rows.push(i % 2 ? "AO Kaspersky Lab" : `Acme Supplies ${i}`);
    writeFileSync(names, rows.join("\n") + "\n");
    // far more output than 20 KB: the pipe closes while names are still being screened
    const r = piped(["screen", names, "-o", "json", "--quiet"], 20_000);
    assert.equal(r.stderr, "");
    assert.ok(r.code === 1, `exit ${r.code}`);
  });
});

describe("writers: --output-file", () => {
  it("creates the folders it names, and a folder it cannot create is a usage error (exit 2)", () => {
    const out = join(dir, "reports", "2025", "q1", "scan.sarif");
    const r = spawnSync(process.execPath, [BIN, "scan", repoPath("examples/fleet"), "-o", "sarif", "--output-file", out, "--quiet"], { encoding: "utf8", cwd: dir });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(existsSync(out));
    assert.equal((JSON.parse(readFileSync(out, "utf8")) as SarifLog).version, "2.1.0");

    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const bad = spawnSync(process.execPath, [BIN, "scan", repoPath("examples/fleet"), "--output-file", join(blocker, "x", "scan.json"), "--quiet"], { encoding: "utf8", cwd: dir });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^ictsguard: cannot create the folder for --output-file .*a-file\/x\/scan\.json/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("writers: hostile text from inventories", () => {
  const ESC = "\u001b";
  const RLO = "\u202e";
  const inventory = join(dir, "hostile.csv");
  writeFileSync(
    inventory,
    [
      "host,kind,name,vendor,version",
      `"=HYPERLINK(""http://evil.example"")",software,Kaspersky Endpoint Security ${ESC}[2J${ESC}]0;pwned${"\u0007"},AO Kaspersky Lab,12.1`,
      `ws-${RLO}fdp.exe,software,Kaspersky Internet Security,Kaspersky,21.3`,
    ].join("\n") + "\n",
  );
  const scan = (...args: string[]) => spawnSync(process.execPath, [BIN, "scan", inventory, "--as-of", "2025-01-01", ...args], { encoding: "utf8", cwd: dir });

  it("CSV: escapes controls and bidi characters and neutralises formulas", () => {
    const csv = scan("-o", "csv").stdout;
    assert.doesNotMatch(csv, /[\u001b\u0007\u202e]/);
    assert.match(csv, /Kaspersky Endpoint Security \\u001B\[2J\\u001B\]0;pwned\\u0007/);
    assert.match(csv, /ws-\\u202Efdp\.exe/);
    assert.match(csv, /,"'=HYPERLINK\(""http:\/\/evil\.example""\)",/);
  });

  it("SARIF messages, the table and JSON: nothing from the input acts on a terminal", () => {
    const log = JSON.parse(scan("-o", "sarif").stdout) as SarifLog;
    const texts = log.runs[0]!.results.map((r) => r.message.text).join("\n");
    assert.doesNotMatch(texts, /[\u001b\u0007\u202e]/);
    assert.match(texts, /ws-\\u202Efdp\.exe/);
    const table = scan("-o", "table").stdout;
    assert.doesNotMatch(table, /[\u001b\u0007\u202e]/);
    // JSON keeps the data exact (JSON.stringify escapes the C0 controls itself)
    const doc = JSON.parse(scan("-o", "json").stdout) as ReportDocument;
    assert.ok(doc.findings.some((f) => f.observation.host === `ws-${RLO}fdp.exe`));
  });

  it("stderr: an input error that echoes the input is escaped", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, `{"bomFormat": "CycloneDX", "components": [ ${ESC}[31m ]`);
    const r = spawnSync(process.execPath, [BIN, "scan", bad, "-o", "json", "--input-format", "sbom/cyclonedx-json"], { encoding: "utf8", cwd: dir });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ictsguard: error: /);
    assert.doesNotMatch(r.stderr, /[\u001b\u202e]/);
  });
});

/** Runs ictsguard with standard output a pipe whose reader is gone before the first byte (`| true`), asynchronously. */
function readerGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Runs ictsguard (asynchronously: a test's own server must go on answering) and gives its exit code and output. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs ictsguard with standard output /dev/full: every write fails with ENOSPC. */
function toFullDisk(args: string[]): SpawnSyncReturns<string> {
  const fd = openSync("/dev/full", "w");
  try {
    return spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: "utf8", stdio: ["ignore", fd, "pipe"] });
  } finally {
    closeSync(fd);
  }
}

const NO_BUG = /internal error|this is a bug|EPIPE|\n\s+at /;

describe("writers: every command ends quietly when its reader has gone", () => {
  // each of these wrote straight to standard output, and died on EPIPE as "internal error ... this is a bug"
  const runs: [string[], number][] = [
    [["catalog", "list"], 0],
    [["catalog", "list", "-s", "products"], 0],
    [["catalog", "list", "-o", "json"], 0],
    [["catalog", "show", "us-bis-icts-fd-kaspersky-2024"], 0],
    [["catalog", "status"], 0],
    [["catalog", "validate"], 0],
    [["formats"], 0],
    [["lists"], 0],
    [["lists", "-o", "json"], 0],
    [["screen", "eval", "--no-baselines"], 0],
    [["--help"], 0],
    [["scan", "--help"], 0],
    [["help", "check"], 0],
    [["--version"], 0],
    // an error still earns its code
    [["catalog", "show", "no-such-entry"], 2],
  ];
  for (const [args, expected] of runs) {
    it(`ictsguard ${args.join(" ")} | true: exit ${expected}, nothing on stderr but its own error`, async () => {
      const r = await readerGone(args);
      assert.doesNotMatch(r.stderr, NO_BUG);
      if (expected === 0) assert.equal(r.stderr, "");
      assert.equal(r.code, expected, r.stderr);
    });
  }
});

describe("writers: check --batch and screen decide all of their input after the reader has gone", () => {
  // 5,000 rows, the prohibited one last: far more output than a pipe holds before it
  const orders = join(dir, "orders-late.csv");
  const rows = ["role,action,vendor"];
  for (let i = 1; i < 5000; i++) rows.push(`business,buy,Acme Widgets ${i}`);
  writeFileSync(orders, [...rows, "business,buy,Kaspersky Lab"].join("\n") + "\n");
  const broken = join(dir, "orders-late-broken.csv");
  writeFileSync(broken, [...rows, "business,fly,Acme Widgets"].join("\n") + "\n");

  it("check --batch | head exits 1 for a prohibited row after the cut, in every format, and logs every decision", () => {
    for (const format of ["jsonl", "json", "table"]) {
      const log = join(dir, `decisions-${format}.jsonl`);
      const r = piped(["check", "--batch", orders, "-o", format, "--quiet", "--log", log], 300);
      assert.equal(r.stderr, "", format);
      assert.equal(r.code, 1, `${format}: the last row is prohibited`);
      assert.equal(readFileSync(log, "utf8").trim().split("\n").length, 5000, `${format}: every row decided and logged`);
    }
  });

  it("check --batch | head exits 2 for a row that cannot be decided after the cut", () => {
    const r = piped(["check", "--batch", broken, "-o", "jsonl", "--quiet"], 300);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 2);
  });

  it("screen FILE | head exits 1 for a match after the cut, in every format", () => {
    const names = join(dir, "vendors-late.csv");
    const lines = ["name,country"];
    for (let i = 1; i < 5000; i++) lines.push(`Acme Widgets ${i},US`);
    writeFileSync(names, [...lines, "Kaspersky Lab,RU"].join("\n") + "\n");
    for (const format of ["csv", "json", "table"]) {
      const r = piped(["screen", names, "-o", format, "--quiet"], 300);
      assert.equal(r.stderr, "", format);
      assert.equal(r.code, 1, `${format}: the last name is a match`);
    }
    const clean = join(dir, "vendors-clean.csv");
    writeFileSync(clean, lines.join("\n") + "\n");
    assert.equal(piped(["screen", clean, "-o", "csv", "--quiet"], 300).code, 0, "and 0 for a clean file");
  });
});

describe("writers: a full disk is reported as such", { skip: !existsSync("/dev/full") && "no /dev/full" }, () => {
  it("standard output: 'cannot write standard output: ENOSPC', exit 2, not an internal bug", () => {
    for (const args of [
      ["scan", repoPath("examples/fleet/windows-software.csv"), "-o", "json", "--as-of", "2025-01-01"],
      ["screen", "--name", "Kaspersky Lab", "-o", "csv"],
      ["check", "--role", "business", "--action", "buy", "--vendor", "Kaspersky Lab", "-o", "json"],
      ["catalog", "list"],
      ["formats"],
      ["--help"],
    ]) {
      const r = toFullDisk(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^ictsguard: cannot write standard output: ENOSPC/m, args.join(" "));
      assert.doesNotMatch(r.stderr, NO_BUG, args.join(" "));
      assert.equal(r.stderr.match(/cannot write/g)?.length, 1, `${args.join(" ")}: said once`);
    }
  });

  it("--output-file: the ENOSPC is told, not what closing the failed file said", () => {
    const batch = join(dir, "orders-full.csv");
    writeFileSync(batch, ["role,action,vendor", ...Array.from({ length: 500 }, () => "business,buy,Kaspersky Lab")].join("\n") + "\n");
    const r = spawnSync(process.execPath, [BIN, "check", "--batch", batch, "-o", "json", "--output-file", "/dev/full", "-q"], { cwd: dir, env, encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^ictsguard: cannot write --output-file \/dev\/full: ENOSPC/);
    assert.doesNotMatch(r.stderr, /destroyed/);
  });
});

describe("writers: --output-file into a missing folder, server backup and attest", () => {
  it("server backup makes the folder; a backup that cannot be written is a usage error, not a bug", () => {
    const init = spawnSync(process.execPath, [BIN, "server", "init", "-o", "json"], { cwd: dir, env, encoding: "utf8" });
    assert.equal(init.status, 0, init.stderr);
    const out = join(dir, "backups", "2025", "q1", "fleet.sqlite");
    const r = spawnSync(process.execPath, [BIN, "server", "backup", "--output-file", out], { cwd: dir, env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(out));

    const blocker = join(dir, "a-file-not-a-folder");
    writeFileSync(blocker, "");
    const bad = spawnSync(process.execPath, [BIN, "server", "backup", "--output-file", join(blocker, "x", "fleet.sqlite")], { cwd: dir, env, encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^ictsguard: cannot create the folder for .*a-file-not-a-folder\/x\/fleet\.sqlite/);
    assert.doesNotMatch(bad.stderr, NO_BUG);
    // a name that leads nowhere: SQLite cannot open the file
    const dangling = join(dir, "dangling.sqlite");
    symlinkSync(join(dir, "no", "such", "folder", "x.sqlite"), dangling);
    const failed = spawnSync(process.execPath, [BIN, "server", "backup", "--output-file", dangling], { cwd: dir, env, encoding: "utf8" });
    assert.equal(failed.status, 2);
    assert.match(failed.stderr, /^ictsguard: cannot write the backup .*dangling\.sqlite: /);
    assert.doesNotMatch(failed.stderr, NO_BUG);
  });

  it("attest makes the folder of --output-file", async () => {
    const keys = newKeyPair("ed25519");
    const keyId = keyIdOf(keys.publicKey);
    const statement = { type: "ictsguard.attestation/clean-as-of/v1", site: { name: "default" }, signingKey: { keyId, algorithm: "ed25519", publicKey: keys.publicPem } };
    const envelope = signStatement(statement, keys.privatePem, keyId);
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(envelope));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const out = join(dir, "statements", "2025", "site.json");
      const r = await run(["attest", "--server", `http://127.0.0.1:${(server.address() as AddressInfo).port}`, "--api-key", "k", "--output-file", out, "-q", "--retries", "1"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), envelope);
    } finally {
      server.close();
    }
  });
});

describe("writers: error messages quote input escaped", () => {
  const ESC = "\u001b";
  it("a report that is not JSON, and one naming an id with escapes: stderr holds no control or bidi character", () => {
    const notJson = join(dir, "esc-report.json");
    writeFileSync(notJson, `${ESC}]0;PWNED\u0007${ESC}[2J\u202eevil`);
    const r = spawnSync(process.execPath, [BIN, "report", notJson], { cwd: dir, env, encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^ictsguard: .*esc-report\.json: not JSON/);
    assert.match(r.stderr, /\\u202Eevil/);
    assert.doesNotMatch(r.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);

    const scan = spawnSync(process.execPath, [BIN, "scan", repoPath("examples/fleet/windows-software.csv"), "-o", "json", "--as-of", "2025-01-01"], { cwd: dir, env, encoding: "utf8" });
    const doc = JSON.parse(scan.stdout) as { findings: { product?: string }[] };
    doc.findings[0]!.product = `x${ESC}]0;PWNED\u0007\u202e`;
    const badId = join(dir, "bad-id-report.json");
    writeFileSync(badId, JSON.stringify(doc));
    const r2 = spawnSync(process.execPath, [BIN, "report", badId], { cwd: dir, env, encoding: "utf8" });
    assert.equal(r2.status, 2, r2.stderr);
    assert.match(r2.stderr, /^ictsguard: /);
    assert.doesNotMatch(r2.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it("a message of several lines keeps its lines", () => {
    const config = join(dir, "bad-config.yaml");
    writeFileSync(config, "profile: 12\nfailOn: nope\n");
    const r = spawnSync(process.execPath, [BIN, "scan", repoPath("examples/fleet/windows-software.csv"), "-c", config], { cwd: dir, env, encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^ictsguard: invalid config file:\n {2}\S/);
  });
});
