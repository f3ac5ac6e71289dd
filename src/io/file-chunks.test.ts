import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { tempDir } from "../testing/temp.js";
import { createChunkRing, fileChunks, RING_BUFFERS } from "./file-chunks.js";
import { openInput } from "./open.js";

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const fdDir = existsSync("/proc/self/fd") ? "/proc/self/fd" : "/dev/fd";
const openFds = (): number => readdirSync(fdDir).length;

/** Bytes that tell every offset apart. */
function bytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

async function all(chunks: AsyncIterable<Buffer>): Promise<{ joined: Buffer; sizes: number[] }> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return { joined: Buffer.concat(parts), sizes: parts.map((p) => p.length) };
}

describe("fileChunks", () => {
  const path = join(dir, "data.bin");
  const data = bytes(100_003);
  writeFileSync(path, data);

  it("gives bytes [start, end) of a file, in chunks of at most the size asked, whatever the range", async () => {
    for (const size of [1, 7, 4096, 65_536, 1 << 20]) {
      for (const [start, end] of [[0, undefined], [0, data.length], [1, 99_999], [50_000, 50_001], [100_003, undefined], [0, 0], [99_000, 200_000], [120_000, undefined]] as const) {
        if (size === 1 && end === undefined) continue; // 100k one-byte chunks add nothing
        const { joined, sizes } = await all(fileChunks(path, start, end, size));
        assert.deepEqual(joined, data.subarray(start, end), `size ${size}, [${start}, ${end})`);
        assert.ok(sizes.every((n) => n > 0 && n <= size), `size ${size}: ${sizes.slice(0, 5)}`);
      }
    }
  });

  it("gives each chunk its own buffer (a reader keeps parts of earlier chunks)", async () => {
    const kept: Buffer[] = [];
    for await (const c of fileChunks(path, 0, undefined, 4096)) kept.push(c);
    assert.deepEqual(Buffer.concat(kept), data);
    assert.equal(new Set(kept.map((c) => c.buffer)).size, kept.length);
  });

  it("reads into a ring's buffers in turn while it is on, and into fresh ones before, when off and for good once stopped", async () => {
    const ring = createChunkRing();
    const got: Buffer[] = [];
    const copies: Buffer[] = [];
    let k = 0;
    for await (const c of fileChunks(path, 0, undefined, 4100, ring)) {
      // on from the third chunk; stopped after the third chunk after a full turn
      if (k === 2) ring.start();
      if (k === 2 + RING_BUFFERS + 3) ring.stop();
      got.push(c);
      copies.push(Buffer.from(c));
      k++;
    }
    assert.deepEqual(Buffer.concat(copies), data, "every chunk had the file's bytes when read");
    const buffers = got.map((c) => c.buffer);
    // chunks 0-2 were read before start took effect (chunk 2 was read before the loop's body saw it)
    assert.equal(new Set(buffers.slice(0, 3)).size, 3);
    const ringed = buffers.slice(3, 3 + RING_BUFFERS + 3);
    assert.equal(new Set(ringed).size, RING_BUFFERS, "one buffer a turn, then the same again");
    assert.equal(ringed[RING_BUFFERS], ringed[0]);
    assert.ok(buffers.slice(3 + RING_BUFFERS + 3).every((b) => !ringed.includes(b)), "fresh buffers once stopped");
    // a chunk read in the ring's last turn was never overwritten after the stop
    for (let i = 3 + 3; i < 3 + RING_BUFFERS + 3; i++) assert.deepEqual(got[i], copies[i], `chunk ${i}`);
    // and one of the first turn was (its buffer took a later chunk)
    assert.notDeepEqual(got[3], copies[3]);
    ring.start();
    assert.equal(ring.buffer(10), undefined, "stopped for good");
  });

  it("closes a file it opened, read to the end or left early; leaves an open descriptor to its caller", async () => {
    const before = openFds();
    await all(fileChunks(path));
    for await (const _ of fileChunks(path, 0, undefined, 1024)) break;
    assert.equal(openFds(), before);
    const handle = await open(path, "r");
    try {
      assert.deepEqual((await all(fileChunks(handle.fd, 10, 20))).joined, data.subarray(10, 20));
      assert.equal((await handle.stat()).size, data.length, "the descriptor is still open");
    } finally {
      await handle.close();
    }
  });

  it("lets timers run while it reads a large file (the input's time limit is a timer)", async () => {
    const big = join(dir, "big.bin");
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024, 0x61));
    let chunks = 0;
    let firedAt: number | undefined;
    const timer = setTimeout(() => (firedAt = chunks), 0);
    for await (const _ of fileChunks(big)) chunks++;
    clearTimeout(timer);
    assert.ok(firedAt !== undefined && firedAt < chunks, `the timer fired after chunk ${firedAt} of ${chunks}`);
  });

  it("openInput reads a file through it and closes the file with the stream, read or destroyed", async () => {
    const before = openFds();
    const opened = await openInput(path);
    const { joined } = await all(opened.stream as AsyncIterable<Buffer>);
    assert.deepEqual(joined, data);
    const early = await openInput(path);
    early.stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 50 && openFds() !== before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(openFds(), before);
  });
});
