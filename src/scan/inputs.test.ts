/**
 * @module
 * Tests of opening inputs: the probe replays the first bytes, gzip is removed, and a stream
 * given up early (unknown format, a reader that stops) closes its source, plain or gzipped.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { openStream, PROBE_BYTES } from "./inputs.js";

/** A source of `size` bytes in 16 KiB chunks that records whether it was destroyed. */
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

describe("openStream", () => {
  it("probes the first 64 KiB and replays every byte", async () => {
    const bytes = text(300_000);
    const opened = await openStream("x.csv", source(bytes));
    assert.equal(opened.probe.head.length, PROBE_BYTES);
    const chunks: Buffer[] = [];
    for await (const c of opened.stream) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
  });

  it("removes gzip and probes the content", async () => {
    const bytes = text(200_000);
    const opened = await openStream("x.csv.gz", source(gzipSync(bytes)));
    assert.equal(opened.gzipped, true);
    assert.match(opened.probe.text, /^host,kind,name\n/);
    const chunks: Buffer[] = [];
    for await (const c of opened.stream) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
  });

  for (const gzipped of [false, true]) {
    it(`a stream destroyed before it is read closes its ${gzipped ? "gzipped " : ""}source`, async () => {
      const bytes = text(400_000);
      const src = source(gzipped ? gzipSync(bytes, { level: 0 }) : bytes);
      const opened = await openStream("x", src);
      assert.equal(src.destroyed, false);
      opened.stream.destroy();
      if (!src.destroyed) await new Promise((resolve) => src.once("close", resolve));
      assert.equal(src.destroyed, true);
    });
  }
});
