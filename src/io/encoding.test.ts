/**
 * `utf8Chunks` passes valid UTF-8 through undecoded, yet gives exactly what decoding gives:
 * property, for any bytes (text, multi-byte characters, BOMs, invalid and cut-off sequences) cut
 * into any chunks, its chunks equal `decodeChunks`' chunks encoded as UTF-8, one for one (the
 * JSON reader's lines and offsets follow those chunks).
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeChunks, utf8Chunks } from "./encoding.js";
import type { DecodeEncoding } from "./types.js";

async function both(chunks: Buffer[], encoding: DecodeEncoding): Promise<{ passed: Buffer[]; decoded: Buffer[] }> {
  const passed: Buffer[] = [];
  for await (const b of utf8Chunks(Readable.from(chunks), encoding)) passed.push(Buffer.from(b));
  const decoded: Buffer[] = [];
  for await (const t of decodeChunks(Readable.from(chunks), encoding)) decoded.push(Buffer.from(t, "utf8"));
  return { passed, decoded };
}

function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Pieces of bytes: ASCII, whole characters of 2 to 4 bytes, a BOM, and invalid or cut-off sequences. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }).map((s) => Buffer.from(s, "utf8")) },
  { weight: 3, arbitrary: fc.constantFrom("Ж", "€", "😀", "\ufeff", "é", "\u2028").map((s) => Buffer.from(s, "utf8")) },
  fc.constantFrom(
    [0xef, 0xbb, 0xbf],
    [0xef, 0xbb],
    [0xff],
    [0xc0, 0x80],
    [0xc3],
    [0x80],
    [0xe0, 0x80],
    [0xe2, 0x82],
    [0xed, 0xa0, 0x80],
    [0xf0, 0x9f, 0x98],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf8],
  ).map((b) => Buffer.from(b)),
);

describe("utf8Chunks", () => {
  it("gives decodeChunks' chunks as UTF-8, one for one, for any bytes in any chunks", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), async (pieces, sizes) => {
        const bytes = Buffer.concat(pieces);
        const { passed, decoded } = await both(cut(bytes, sizes), "utf-8");
        assert.deepEqual(passed, decoded);
      }),
      { numRuns: 3000 },
    );
  });

  it("drops the BOM, keeps a second one and a U+FEFF inside, and waits for a BOM cut after one or two bytes", async () => {
    const text = Buffer.from("\ufeff\ufeffa\ufeffb", "utf8");
    for (const sizes of [[1], [2], [3], [4], [100]]) {
      const { passed, decoded } = await both(cut(text, sizes), "utf-8");
      assert.deepEqual(passed, decoded, String(sizes));
    }
    assert.equal(Buffer.concat((await both([text], "utf-8")).passed).toString("utf8"), "\ufeffa\ufeffb");
  });

  it("decodes UTF-16 as decodeChunks does", async () => {
    const text = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":"Ж😀"}', "utf16le")]);
    const { passed, decoded } = await both(cut(text, [3]), "utf-16le");
    assert.deepEqual(passed, decoded);
    assert.equal(Buffer.concat(passed).toString("utf8"), '{"a":"Ж😀"}');
  });
});
