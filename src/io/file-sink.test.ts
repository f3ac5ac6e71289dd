import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { tempDir } from "../testing/temp.js";
import { fileSink } from "./file-sink.js";

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** One chunk written, resolved once the stream has taken it (as the report writers write). */
function writeText(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (err?: Error | null) => (err ? reject(err) : resolve())));
}

const fdDir = existsSync("/proc/self/fd") ? "/proc/self/fd" : "/dev/fd";
const openFds = (): number => readdirSync(fdDir).length;

describe("fileSink", () => {
  it("writes every chunk, strings and bytes, in order, replacing what the file held, and closes it", async () => {
    const path = join(dir, "report.json");
    writeFileSync(path, "x".repeat(100_000)); // longer than what is written: it must not stay behind
    const before = openFds();
    const chunks = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? `line ${i} é ${"ж".repeat(i)}\n` : Buffer.from(`bytes ${i}\n`)));
    await pipeline(Readable.from(chunks), fileSink(path));
    assert.equal(readFileSync(path, "utf8"), chunks.map(String).join(""));
    assert.equal(openFds(), before, "the file is closed");
  });

  it("fails with the error fs gives when the file cannot be opened, and a writer waiting on a chunk is told", async () => {
    const sink = fileSink(dir); // a folder
    const failed = new Promise<Error>((resolve) => sink.on("error", resolve));
    await assert.rejects(writeText(sink, "{}"), /EISDIR|illegal operation on a directory/);
    assert.match((await failed).message, /EISDIR/);
  });

  it("closes the file when destroyed before its end", async () => {
    const before = openFds();
    const sink = fileSink(join(dir, "cut.json"));
    await writeText(sink, "half");
    assert.equal(openFds(), before + 1);
    sink.destroy();
    await new Promise((resolve) => sink.on("close", resolve));
    assert.equal(openFds(), before);
  });
});
