/**
 * End-to-end tests of issue 13's false-clean, crash and resource cases for inputs and archives:
 * the real `ictsguard scan` run as a child process over real files, folders, links, FIFOs and
 * zip archives written with yazl. Each false-clean case shows that the restricted row after the
 * fault is still found, or that the scan exits 2.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, createWriteStream, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { once } from "node:events";
import { describe, it } from "node:test";
import { deflateRawSync } from "node:zlib";
import yazl from "yazl";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const HEADER = "host,kind,name,vendor,version,path,identifier\n";
const KASPERSKY = (host: string) => `${host},software,Kaspersky Endpoint Security,AO Kaspersky Lab,12.1,,\n`;
const CLEAN = (host: string) => `${host},software,Mozilla Firefox,Mozilla,120.0,,\n`;

type Run = { code: number; stdout: string; stderr: string; ms: number; pid: number };
function run(args: string[], options: { cwd?: string; uid?: number; gid?: number; timeout?: number; node?: string[] } = {}): Run {
  const started = Date.now();
  const r = spawnSync(process.execPath, [...(options.node ?? []), BIN, ...args], {
    cwd: options.cwd ?? tempDir("ictsguard-cwd-"),
    input: "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: options.timeout ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ms: Date.now() - started, pid: r.pid };
}
function scan(args: string[], options: Parameters<typeof run>[1] = {}): Run & { doc: ReportDocument } {
  const r = run(["scan", "-o", "json", "--as-of", "2025-01-01", ...args], options);
  assert.ok(r.stdout.startsWith("{"), `no JSON report (exit ${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 2000)}`);
  return { ...r, doc: JSON.parse(r.stdout) as ReportDocument };
}
const hosts = (doc: ReportDocument): string[] => [...new Set(doc.findings.map((f) => f.observation.host ?? ""))].sort();
const codes = (doc: ReportDocument) => doc.errors.map((e) => [e.severity, e.code, e.source.file]);

/** Writes a zip with yazl: entries of bytes, each stored or deflated. */
async function writeZip(path: string, entries: { name: string; data: Buffer | Readable; store?: boolean }[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (Buffer.isBuffer(e.data)) zip.addBuffer(e.data, e.name, { compress: !e.store });
    else zip.addReadStream(e.data, e.name, { compress: !e.store });
  }
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, "close");
}
async function zipBytes(entries: { name: string; data: Buffer; store?: boolean }[]): Promise<Buffer> {
  const file = join(tempDir("ictsguard-zipb-"), "z.zip");
  await writeZip(file, entries);
  const { readFileSync } = await import("node:fs");
  return readFileSync(file);
}

describe("directory walks: links, loops, unreadable entries and special files", () => {
  it("follows a symbolic link to an inventory file (a Kaspersky row behind it is found), reads a file reached twice once, and walks a link loop once", () => {
    const dir = tempDir();
    const store = join(dir, "store");
    mkdirSync(store);
    writeFileSync(join(store, "real.csv"), HEADER + KASPERSKY("linked-host"));
    const scanned = join(dir, "scanned");
    mkdirSync(scanned);
    symlinkSync(join(store, "real.csv"), join(scanned, "a-link.csv"));
    symlinkSync(join(store, "real.csv"), join(scanned, "b-second-link.csv"));
    symlinkSync(scanned, join(scanned, "loop")); // a folder that contains itself
    writeFileSync(join(scanned, "z-after.csv"), HEADER + KASPERSKY("after-loop"));
    const { code, doc } = scan([scanned]);
    assert.equal(code, 1, JSON.stringify(doc.errors));
    assert.deepEqual(hosts(doc), ["after-loop", "linked-host"]);
    assert.equal(doc.findings.find((f) => f.observation.host === "linked-host")!.count, 1, "two links to one file: read once");
    assert.deepEqual(codes(doc), [["warning", "input/loop", join(scanned, "loop")]]);
  });

  it("a broken symbolic link is a located error and the files after it are read: exit 2", () => {
    const dir = tempDir();
    symlinkSync(join(dir, "gone.csv"), join(dir, "a-broken.csv"));
    writeFileSync(join(dir, "b.csv"), HEADER + KASPERSKY("after-broken"));
    const { code, doc } = scan([dir]);
    assert.equal(code, 2);
    assert.deepEqual(hosts(doc), ["after-broken"]);
    assert.deepEqual(codes(doc), [["error", "input/read", join(dir, "a-broken.csv")]]);
    assert.match(doc.errors[0]!.message, /broken symbolic link/);
  });

  it("an unreadable subfolder is a located error and the walk goes on: the Kaspersky file sorted after it is found, exit 2 (run as an unprivileged user)", () => {
    // root reads every folder whatever its mode, so the command runs as `nobody` when the tests run as root
    const asRoot = process.getuid?.() === 0;
    const dir = tempDir();
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, "a-readable"));
    writeFileSync(join(dir, "a-readable", "one.csv"), HEADER + CLEAN("before"));
    mkdirSync(join(dir, "b-locked"));
    writeFileSync(join(dir, "b-locked", "hidden.csv"), HEADER + KASPERSKY("locked"));
    chmodSync(join(dir, "b-locked"), 0o000);
    writeFileSync(join(dir, "c-after.csv"), HEADER + KASPERSKY("after-locked"));
    for (const f of [join(dir, "a-readable"), join(dir, "a-readable", "one.csv"), join(dir, "c-after.csv")]) chmodSync(f, 0o755);
    try {
      const { code, doc } = scan([dir], asRoot ? { uid: 65534, gid: 65534, cwd: dir } : {});
      assert.equal(code, 2);
      assert.deepEqual(hosts(doc), ["after-locked"]);
      assert.deepEqual(codes(doc), [["error", "input/read", join(dir, "b-locked")]]);
      assert.match(doc.errors[0]!.message, /cannot read this folder: permission denied; the files in it were not scanned/);
    } finally {
      chmodSync(join(dir, "b-locked"), 0o700);
    }
  });

  it("a FIFO named on the command line is refused at once (never blocks), exit 2; one in a folder is a located error and the walk goes on", () => {
    const dir = tempDir();
    const fifo = join(dir, "a-pipe.csv");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    writeFileSync(join(dir, "b.csv"), HEADER + KASPERSKY("after-fifo"));
    const named = scan([fifo], { timeout: 20_000 });
    assert.equal(named.code, 2);
    assert.deepEqual(codes(named.doc), [["error", "input/special-file", fifo]]);
    assert.match(named.doc.errors[0]!.message, /a FIFO \(named pipe\), not a regular file: refused/);
    const walked = scan([dir], { timeout: 20_000 });
    assert.equal(walked.code, 2);
    assert.deepEqual(hosts(walked.doc), ["after-fifo"]);
    assert.deepEqual(codes(walked.doc), [["error", "input/special-file", fifo]]);
    // standard input is still read
    const stdin = spawnSync(process.execPath, [BIN, "scan", "-", "-o", "json", "--as-of", "2025-01-01"], { input: HEADER + KASPERSKY("from-stdin"), encoding: "utf8", cwd: dir });
    assert.equal(stdin.status, 1);
    assert.deepEqual(hosts(JSON.parse(stdin.stdout) as ReportDocument), ["from-stdin"]);
  });
});

describe("nothing read is an error, not a pass", () => {
  it("a folder of 147 files none of which can be read as an inventory: scan/nothing-read, exit 2 (was: 'No restricted software found in 0 observations from 147 inputs', exit 0)", () => {
    const dir = tempDir();
    for (let i = 0; i < 147; i++) writeFileSync(join(dir, `notes-${String(i).padStart(3, "0")}.txt`), `meeting notes ${i}\nnothing tabular here\n`);
    const { code, doc } = scan([dir]);
    assert.equal(code, 2);
    assert.equal(doc.summary.inputs, 147);
    const last = doc.errors.at(-1)!;
    assert.deepEqual([last.severity, last.code], ["error", "scan/nothing-read"]);
    assert.match(last.message, /none of the 147 inputs found \(1 named\) could be read as an inventory/);
    const table = run(["scan", dir, "-o", "table"]);
    assert.equal(table.code, 2);
    assert.match(table.stdout, /No restricted software found in what could be read .*: this is no clean result\./);
  });

  it("an empty folder named beside a real inventory is input/empty at that folder: exit 2, the inventory's findings kept", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "failed-export", "sub"), { recursive: true });
    writeFileSync(join(dir, "real.csv"), HEADER + KASPERSKY("real"));
    const { code, doc } = scan([join(dir, "failed-export"), join(dir, "real.csv")]);
    assert.equal(code, 2);
    assert.deepEqual(hosts(doc), ["real"]);
    assert.deepEqual(codes(doc), [["error", "input/empty", join(dir, "failed-export")]]);
  });

  it("an inventory that lists nothing (a CSV header with no rows, an SBOM with no components) is input/nothing-read: exit 2; beside a real inventory too", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "header-only.csv"), HEADER);
    writeFileSync(join(dir, "empty.cdx.json"), JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components: [] }));
    writeFileSync(join(dir, "real.csv"), HEADER + KASPERSKY("real"));
    for (const name of ["header-only.csv", "empty.cdx.json"]) {
      const { code, doc } = scan([join(dir, name)]);
      assert.equal(code, 2, name);
      assert.deepEqual(codes(doc), [["error", "input/nothing-read", join(dir, name)]]);
    }
    const { code, doc } = scan([dir]);
    assert.equal(code, 2);
    assert.deepEqual(hosts(doc), ["real"]);
    assert.deepEqual(codes(doc).map((c) => c[1]).sort(), ["input/nothing-read", "input/nothing-read"]);
  });

  it("an empty file in a scanned folder is an error (a failed export), no longer skipped without a word", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a-empty.csv"), "");
    writeFileSync(join(dir, "b.csv"), HEADER + CLEAN("b"));
    const { code, doc } = scan([dir]);
    assert.equal(code, 2);
    assert.deepEqual(codes(doc), [["error", "input/empty", join(dir, "a-empty.csv")]]);
  });

  it("a .jar or .whl named on the command line with no readable entry: archive/nothing-read, exit 2 (was a warning and exit 0); a zip of documents found in a folder is skipped with a warning", async () => {
    const dir = tempDir();
    const jar = join(dir, "tool.jar");
    await writeZip(jar, [{ name: "META-INF/MANIFEST.MF", data: Buffer.from("Manifest-Version: 1.0\n") }, { name: "com/example/Main.class", data: Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]) }]);
    const named = scan([jar]);
    assert.equal(named.code, 2);
    assert.deepEqual(codes(named.doc).map((c) => c.slice(0, 2)), [["warning", "input/unknown-format"], ["error", "archive/nothing-read"]]);
    const folder = join(dir, "folder");
    mkdirSync(folder);
    await writeZip(join(folder, "a-report.docx"), [{ name: "word/document.xml.txt", data: Buffer.from("plain words\n") }]);
    writeFileSync(join(folder, "b.csv"), HEADER + KASPERSKY("beside-docx"));
    const walked = scan([folder]);
    assert.equal(walked.code, 1, JSON.stringify(walked.doc.errors));
    assert.deepEqual(hosts(walked.doc), ["beside-docx"]);
    assert.ok(walked.doc.errors.every((e) => e.severity === "warning"));
  });

  it("SARIF says executionSuccessful: false, with exit code 2, on a run that exits 2", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "header-only.csv"), HEADER);
    const r = run(["scan", join(dir, "header-only.csv"), "-o", "sarif", "--as-of", "2025-01-01"]);
    assert.equal(r.code, 2);
    const inv = (JSON.parse(r.stdout) as { runs: { invocations: { executionSuccessful: boolean; exitCode: number }[] }[] }).runs[0]!.invocations[0]!;
    assert.deepEqual([inv.executionSuccessful, inv.exitCode], [false, 2]);
  });
});

describe("zip archives: no crash, and bounded", () => {
  it("a reader abandoning a large stored entry with another entry after it: no crash (was: yauzl 'Cannot read properties of null', exit 1); the Kaspersky entry after it is found", async () => {
    const zip = join(tempDir(), "stored.zip");
    const noise = Buffer.alloc(4 * 1024 * 1024, "not an inventory, just filler text\n");
    await writeZip(zip, [
      { name: "a-big.bin", data: noise, store: true },
      { name: "b-big.bin", data: noise, store: true },
      { name: "c.csv", data: Buffer.from(HEADER + KASPERSKY("after-stored")), store: true },
    ]);
    const { code, doc, stderr } = scan([zip]);
    assert.doesNotMatch(stderr, /TypeError|Cannot read properties/);
    assert.equal(code, 1);
    assert.deepEqual(hosts(doc), ["after-stored"]);
  });

  it("a 42.zip-style nest (25 KB: 16 zips per level, 6 levels) takes under 15 s of CPU (about 4 s measured; was 97 s) with a bounded report: one archive/entries and one archive/depth error with the count", async () => {
    // the innermost file: 1 MiB of zeros (the real 42.zip has 4.3 GB ones; they are never reached)
    let level = await zipBytes([{ name: "0.dat", data: Buffer.alloc(1024 * 1024) }]);
    for (let depth = 0; depth < 5; depth++) {
      level = await zipBytes(Array.from({ length: 16 }, (_, i) => ({ name: `${depth}-${i}.zip`, data: level })));
    }
    const dir = tempDir();
    const bomb = join(dir, "42.zip");
    writeFileSync(bomb, level);
    writeFileSync(join(dir, "z.csv"), HEADER + KASPERSKY("after-bomb"));
    // CPU time, not wall time: the machine running the tests may be shared
    const cpu = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("cpu-ms "+Math.round((u.user+u.system)/1000)+"\\n")})';
    const r = scan([dir], { timeout: 180_000, node: ["--import", cpu] });
    const cpuMs = Number(/cpu-ms (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(cpuMs < 15_000, `took ${cpuMs} ms of CPU (${r.ms} ms wall)`);
    assert.equal(r.code, 2);
    assert.deepEqual(hosts(r.doc), ["after-bomb"]);
    assert.ok(r.doc.errors.length <= 3, `${r.doc.errors.length} errors`);
    const depth = r.doc.errors.find((e) => e.code === "archive/depth")!;
    assert.match(depth.message, /^\d+ zips nested more than 4 levels deep \(the archive\.maxDepth limit\) not opened/);
    assert.ok(r.stdout.length + r.stderr.length < 200_000, `${r.stdout.length + r.stderr.length} bytes of output`);
  });

  it("fake inner zips: temporary disk is bounded (archive.maxTempBytes) with a located error; the entry after them is read", async () => {
    const dir = tempDir();
    // entries that start like a zip and expand to 8 MiB each: each would be copied to a temporary file
    const fake = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(8 * 1024 * 1024)]);
    const zip = join(dir, "fakes.zip");
    await writeZip(zip, [
      ...Array.from({ length: 4 }, (_, i) => ({ name: `inner-${i}.zip`, data: fake })),
      { name: "z.csv", data: Buffer.from(HEADER + KASPERSKY("after-fakes")) },
    ]);
    writeFileSync(join(dir, "ictsguard.yaml"), "archive:\n  maxTempBytes: 20000000\n");
    const { code, doc, pid } = scan([zip], { cwd: dir });
    assert.equal(code, 2);
    assert.deepEqual(hosts(doc), ["after-fakes"]);
    const temp = doc.errors.filter((e) => e.code === "archive/temp-space");
    assert.ok(temp.length >= 1 && temp.every((e) => /^.*fakes\.zip!inner-\d\.zip$/.test(e.source.file)), JSON.stringify(doc.errors));
    assert.match(temp[0]!.message, /past 20000000 bytes of temporary disk \(the archive\.maxTempBytes limit\)/);
    // its own spill folders (named with its process id; other scans may run at the same time)
    assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith(`ictsguard-zip-${pid}-`)), [], "spill folders removed");
  });

  it("the expanded-size, ratio and entry-count limits are located errors (exit 2) and the next input is read", async () => {
    const dir = tempDir();
    // a ratio is judged once 64 MiB were expanded: 70 MiB of rows, which deflate about 1:300
    const big = Buffer.from(HEADER + CLEAN("filler").repeat(2_200_000));
    const zip = join(dir, "a-big.zip");
    await writeZip(zip, [{ name: "a.csv", data: big }, { name: "b.csv", data: Buffer.from(HEADER + KASPERSKY("never-reached")) }]);
    writeFileSync(join(dir, "b-after.csv"), HEADER + KASPERSKY("next-input"));
    const cases: [string, string, RegExp][] = [
      ["maxExpandedBytes: 1000000", "archive/expanded", /expands to more than 1000000 bytes/],
      ["maxExpansionRatio: 2", "archive/ratio", /expands more than 2 times its size/],
      ["maxEntries: 1", "archive/entries", /more than 1 zip entries in this input/],
    ];
    for (const [setting, code, message] of cases) {
      const cwd = tempDir("ictsguard-cwd-");
      writeFileSync(join(cwd, "ictsguard.yaml"), `archive:\n  ${setting}\n`);
      const r = scan([zip, join(dir, "b-after.csv")], { cwd });
      assert.equal(r.code, 2, setting);
      const e = r.doc.errors.find((x) => x.code === code);
      assert.ok(e, `${setting}: ${JSON.stringify(r.doc.errors)}`);
      assert.match(e!.message, message);
      assert.ok(e!.source.file.startsWith(zip), e!.source.file);
      assert.ok(hosts(r.doc).includes("next-input"), setting);
      assert.ok(!hosts(r.doc).includes("never-reached"), `${setting}: the entries after the limit are not read`);
    }
  });
});

describe("memory: a zip of all-Kaspersky rows under a 256 MB heap", () => {
  it("finishes with one finding per host and product and its count (findings are merged, not kept per row)", async () => {
    const dir = tempDir();
    const zip = join(dir, "kaspersky-rows.zip");
    const HOSTS = 50;
    const ROWS = 400_000; // about 24 MB of CSV, generated as a stream (the 1 GiB version is in npm run bench)
    async function* rows(): AsyncGenerator<Buffer> {
      yield Buffer.from(HEADER);
      const batch = 10_000;
      for (let i = 0; i < ROWS; i += batch) {
        let chunk = "";
        for (let j = i; j < i + batch; j++) chunk += KASPERSKY(`ws-${String(j % HOSTS).padStart(3, "0")}`);
        yield Buffer.from(chunk);
      }
    }
    await writeZip(zip, [{ name: "rows.csv", data: Readable.from(rows()) }]);
    const r = scan([zip, "--quiet"], { node: ["--max-old-space-size=256"], timeout: 300_000 });
    assert.equal(r.code, 1, r.stderr.slice(0, 2000));
    assert.equal(r.doc.findings.length, HOSTS, "one finding per host and product");
    assert.ok(r.doc.findings.every((f) => f.count === ROWS / HOSTS), JSON.stringify(r.doc.findings.map((f) => f.count).slice(0, 5)));
    assert.equal(r.doc.summary.observations, ROWS);
  });
});

describe("output: input-derived text is escaped and capped", () => {
  it("terminal escapes and bidi controls in inventory strings and file names never pass raw into CSV cells, SARIF text or stderr", () => {
    const dir = tempDir();
    const evil = "Kaspersky Endpoint Security \u001b]0;owned\u0007\u001b[31m\u202etxt.exe";
    writeFileSync(join(dir, "inv.csv"), HEADER + `evil-host\u001b[2J,software,${evil},AO Kaspersky Lab,12.1,,\n`);
    const badName = join(dir, "x\u001b[31m\u202e.csv");
    writeFileSync(badName, HEADER); // an error (nothing read) located at a name full of escapes
    const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    for (const format of ["csv", "sarif", "json", "table"]) {
      const r = run(["scan", dir, "-o", format, "--as-of", "2025-01-01"]);
      assert.equal(r.code, 2, format);
      assert.doesNotMatch(r.stderr, RAW, `${format}: stderr`);
      // the table shows the input problems itself; the machine formats also print them on stderr
      assert.match(format === "table" ? r.stdout : r.stderr, /\\u202E/, `${format}: the bidi control is shown, not hidden`);
      if (format === "csv" || format === "table") assert.doesNotMatch(r.stdout, RAW, `${format}: stdout`);
      if (format === "sarif") {
        const sarif = JSON.parse(r.stdout) as { runs: { results: { message: { text: string } }[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
        for (const res of sarif.runs[0]!.results) assert.doesNotMatch(res.message.text, RAW);
        for (const n of sarif.runs[0]!.invocations[0]!.toolExecutionNotifications) assert.doesNotMatch(n.message.text, RAW);
        assert.ok(sarif.runs[0]!.results.length > 0);
      }
    }
  });
});
