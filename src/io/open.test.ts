/**
 * @module
 * Tests of the one opener: the probe replays the first bytes, gzip is found by its magic bytes
 * (not its name) and removed, encodings are sniffed (BOM, BOM-less UTF-16), standard input is
 * read like a file, a missing file and a directory fail with a located error, and a stream given
 * up early (unknown format, a reader that stops) closes its source, plain or gzipped.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { IctsError } from "../model/errors.js";
import { openInput, PROBE_BYTES, type OpenedInput } from "./open.js";
import { tempDir } from "../testing/temp.js";

/** A source of `bytes` in 16 KiB chunks that records whether it was destroyed. */
function source(bytes: Buffer): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      this.push(bytes.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
    },
  });
}
const text = (n: number) => Buffer.from("host,kind,name\n" + "ws-1,software,7-Zip\n".repeat(Math.ceil(n / 20))).subarray(0, n);
const all = async (opened: OpenedInput): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of opened.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const utf16be = (s: string) => Buffer.from(s, "utf16le").swap16();

const dir = tempDir("ictsguard-io-");
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe("openInput", () => {
  it("probes the first 64 KiB of a stream and replays every byte", async () => {
    const bytes = text(300_000);
    const opened = await openInput({ path: "x.csv", stream: source(bytes) });
    assert.equal(opened.probe.head.length, PROBE_BYTES);
    assert.equal(opened.gzipped, false);
    assert.deepEqual(await all(opened), bytes);
  });

  it("removes gzip found by its magic bytes and probes the content", async () => {
    const bytes = text(200_000);
    const opened = await openInput({ path: "x.csv.gz", stream: source(gzipSync(bytes)) });
    assert.equal(opened.gzipped, true);
    assert.match(opened.probe.text, /^host,kind,name\n/);
    assert.deepEqual(await all(opened), bytes);
  });

  it("recognises gzip by its bytes, not its name: a gzip file named .csv is gunzipped", async () => {
    const path = file("inventory.csv", gzipSync("name,publisher\nKaspersky Free,AO Kaspersky Lab\n"));
    const opened = await openInput(path);
    assert.equal(opened.gzipped, true);
    assert.equal(opened.probe.text, "name,publisher\nKaspersky Free,AO Kaspersky Lab\n");
    assert.equal(opened.size, statSync(path).size);
  });

  it("reads a .gz file that is not gzip as it is", async () => {
    const path = file("plain.csv.gz", "name\nKaspersky Free\n");
    const opened = await openInput(path);
    assert.equal(opened.gzipped, false);
    assert.equal((await all(opened)).toString(), "name\nKaspersky Free\n");
  });

  it("counts raw (compressed) bytes read", async () => {
    const gz = gzipSync(text(100_000));
    let seen = 0;
    const opened = await openInput(file("counted.gz", gz), { onBytes: (n) => (seen += n) });
    await all(opened);
    assert.equal(seen, gz.length);
    assert.equal(opened.bytesRead(), gz.length);
  });

  const encodings: [string, Buffer, string][] = [
    ["UTF-8 with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("name\nКасперский\n")]), "utf-8"],
    ["UTF-16LE with a BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name\nКасперский\n", "utf16le")]), "utf-16le"],
    ["UTF-16BE with a BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be("name\nКасперский\n")]), "utf-16be"],
    ["UTF-16LE without a BOM", Buffer.from("name,publisher\nKaspersky,AO Kaspersky Lab\n", "utf16le"), "utf-16le"],
    ["UTF-16BE without a BOM", utf16be("name,publisher\nKaspersky,AO Kaspersky Lab\n"), "utf-16be"],
  ];
  for (const [what, bytes, encoding] of encodings) {
    it(`sniffs ${what}, and the probe text has no BOM`, async () => {
      const opened = await openInput(file(`${encoding}-${what.length}.txt`, bytes));
      assert.equal(opened.encoding, encoding);
      assert.equal(opened.probe.encoding, encoding);
      assert.match(opened.probe.text, /^name/);
      assert.match(opened.probe.text, /Касперский|AO Kaspersky Lab/);
    });
  }

  it("sniffs the encoding under gzip, from the uncompressed bytes", async () => {
    const opened = await openInput(file("utf16.gz", gzipSync(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name\nKaspersky\n", "utf16le")]))));
    assert.equal(opened.gzipped, true);
    assert.equal(opened.encoding, "utf-16le");
    assert.equal(opened.probe.text, "name\nKaspersky\n");
  });

  it("reads - from the standard input it is given", async () => {
    const stdin = Readable.from([Buffer.from("name\nKaspersky Free\n")]);
    const opened = await openInput("-", { stdin });
    assert.equal(opened.path, "-");
    assert.equal(opened.probe.path, "-");
    assert.equal(opened.size, undefined);
    assert.equal((await all(opened)).toString(), "name\nKaspersky Free\n");
  });

  it("reads gzip from standard input", async () => {
    const opened = await openInput("-", { stdin: Readable.from([gzipSync("name\nKaspersky Free\n")]) });
    assert.equal(opened.gzipped, true);
    assert.equal((await all(opened)).toString(), "name\nKaspersky Free\n");
  });

  it("an empty input has an empty probe", async () => {
    const opened = await openInput(file("empty.csv", ""));
    assert.equal(opened.probe.head.length, 0);
    assert.equal(opened.probe.text, "");
    assert.equal((await all(opened)).length, 0);
  });

  it("a missing file fails with input/not-found, located at the path", async () => {
    const missing = join(dir, "nope.csv");
    await assert.rejects(openInput(missing), (err: unknown) => {
      assert.ok(err instanceof IctsError);
      assert.equal(err.code, "input/not-found");
      assert.equal(err.message, "no such file or directory");
      assert.deepEqual(err.source, { file: missing });
      return true;
    });
  });

  it("a directory where a file is expected fails with input/not-a-file", async () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    await assert.rejects(openInput(folder), (err: unknown) => {
      assert.ok(err instanceof IctsError);
      assert.equal(err.code, "input/not-a-file");
      assert.equal(err.message, "is a directory, expected a file");
      assert.deepEqual(err.source, { file: folder });
      return true;
    });
  });

  it("a FIFO (named pipe) is refused at once with input/special-file, never waiting for a writer (scan, check --batch, screen and lists import all open here)", async () => {
    const fifo = join(dir, "pipe.csv");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const started = Date.now();
    await assert.rejects(openInput(fifo), (err: unknown) => {
      assert.ok(err instanceof IctsError);
      assert.equal(err.code, "input/special-file");
      assert.match(err.message, /^a FIFO \(named pipe\), not a regular file: refused/);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
    await assert.rejects(openInput("/dev/zero"), (err: unknown) => err instanceof IctsError && err.code === "input/special-file");
  });

  for (const gzipped of [false, true]) {
    it(`a stream destroyed before it is read closes its ${gzipped ? "gzipped " : ""}source`, async () => {
      const bytes = text(400_000);
      const src = source(gzipped ? gzipSync(bytes, { level: 0 }) : bytes);
      const opened = await openInput({ path: "x", stream: src });
      assert.equal(src.destroyed, false);
      opened.stream.destroy();
      if (!src.destroyed) await new Promise((resolve) => src.once("close", resolve));
      assert.equal(src.destroyed, true);
    });
  }
});
