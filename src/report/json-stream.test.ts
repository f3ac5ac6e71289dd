import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { writeJson } from "./json-stream.js";

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

  it("streams a large array in many chunks", async () => {
    const chunks: number[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk).length);
        done();
      },
    });
    const big = { findings: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `finding ${i}`, rules: ["a", "b"] })) };
    await writeJson(sink, big);
    assert.ok(chunks.length > 10, `${chunks.length} chunks`);
    assert.ok(Math.max(...chunks) < 128 * 1024);
  });
});
