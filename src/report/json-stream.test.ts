import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { JSON_CHUNK, writeJson } from "./json-stream.js";

async function text(value: unknown): Promise<string> {
  let out = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  await writeJson(sink, value);
  return out;
}

describe("writeJson", () => {
  it("writes exactly what JSON.stringify(value, null, 2) writes", async () => {
    const values: unknown[] = [
      { a: 1, b: [1, "x", null, { c: [] }, []], d: {}, e: undefined, f: "é\n\"", g: [undefined, () => 1], h: true },
      [],
      {},
      "plain",
      42,
      null,
      { date: new Date(0), nested: { deep: [[[{ k: "v" }]]] } },
    ];
    for (const v of values) assert.equal(await text(v), JSON.stringify(v, null, 2) + "\n");
  });

  it("writes the arrays it is told to one compact item per line, and the rest as JSON.stringify does", async () => {
    const value = { a: { findings: [1] }, findings: [{ id: 1, rules: [{ id: "r" }] }, { id: 2 }], empty: [] };
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    await writeJson(sink, value, { linePerItem: ["findings", "empty"] });
    assert.deepEqual(JSON.parse(out), value);
    assert.equal(out, '{\n  "a": {\n    "findings": [\n      1\n    ]\n  },\n  "findings": [\n    {"id":1,"rules":[{"id":"r"}]},\n    {"id":2}\n  ],\n  "empty": []\n}\n');
  });

  it("streams a large array in many chunks of bounded size", async () => {
    const chunks: number[] = [];
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk).length);
        out += String(chunk);
        done();
      },
    });
    const big = { findings: Array.from({ length: 60_000 }, (_, i) => ({ id: i, name: `finding ${i}`, rules: ["a", "b"] })) };
    await writeJson(sink, big);
    assert.equal(out, JSON.stringify(big, null, 2) + "\n");
    assert.ok(chunks.length >= Math.floor(out.length / JSON_CHUNK), `${chunks.length} chunks of ${out.length} characters`);
    // a chunk is flushed as soon as it reaches the size, so it is never more than one piece over
    assert.ok(Math.max(...chunks) < JSON_CHUNK + 1024, `largest chunk ${Math.max(...chunks)}`);
  });

  it("stops at a write that fails and rejects with its error, with the next chunk already made but not written", async () => {
    const written: number[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        written.push(String(chunk).length);
        // the second chunk fails, after a turn of the event loop, as a file system write does
        setImmediate(() => done(written.length === 2 ? new Error("no space left on device") : null));
      },
    });
    sink.on("error", () => {}); // the stream's own event; writeJson reports it through its promise
    const big = { findings: Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: `finding ${i}` })) };
    await assert.rejects(writeJson(sink, big), /no space left on device/);
    assert.equal(written.length, 2);
  });
});
