import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { describe, it } from "node:test";
import { ChannelClosedError, createChannel, produce } from "./channel.js";

describe("channel", () => {
  it("gives the items in the order they were pushed, then ends", async () => {
    const p = produce<number, string>(async (push) => {
      for (let i = 0; i < 5; i++) await push(i);
      return "done";
    });
    const seen: number[] = [];
    for await (const n of p.items) seen.push(n);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.equal(p.result(), "done");
    assert.equal(await p.finish(), "done");
  });

  it("ends a consumer that waits, and one that comes after the end", async () => {
    const early = createChannel<number>();
    const next = early[Symbol.asyncIterator]().next();
    early.end();
    assert.deepEqual(await next, { value: undefined, done: true });

    const late = createChannel<number>();
    late.end();
    assert.deepEqual(await late[Symbol.asyncIterator]().next(), { value: undefined, done: true });
  });

  it("push waits until the consumer takes the item (backpressure)", async () => {
    const channel = createChannel<string>();
    const it = channel[Symbol.asyncIterator]();
    let taken = false;
    const pushing = channel.push("a").then(() => (taken = true));
    await tick();
    await tick();
    assert.equal(taken, false, "nobody has taken the item yet");
    assert.deepEqual(await it.next(), { value: "a", done: false });
    await pushing;
    assert.equal(taken, true);
  });

  it("the producer runs at most one item ahead of a slow consumer", async () => {
    let pushed = 0;
    const p = produce<number, void>(async (push) => {
      for (let i = 0; i < 20; i++) {
        await push(i);
        pushed++;
      }
    });
    for await (const n of p.items) {
      await tick();
      await tick();
      assert.ok(pushed <= n + 1, `item ${n} consumed, ${pushed} handed over`);
    }
    assert.equal(pushed, 20);
  });

  it("an error on the consumer side stops the producer", async () => {
    let pushed = 0;
    let stoppedWith: unknown;
    const p = produce<number, string>(async (push) => {
      try {
        for (let i = 0; i < 1000; i++) {
          await push(i);
          pushed++;
        }
      } catch (err) {
        stoppedWith = err;
        throw err;
      }
      return "all";
    });
    await assert.rejects(
      (async () => {
        for await (const n of p.items) if (n === 2) throw new Error("disk full");
      })(),
      /disk full/,
    );
    assert.equal(await p.finish(), undefined, "the producer did not finish");
    assert.ok(stoppedWith instanceof ChannelClosedError);
    assert.ok(pushed <= 3, `${pushed} items handed over`);
    assert.throws(() => p.result(), /before it ended/);
  });

  it("a consumer that stops without reading (close) stops a waiting producer", async () => {
    const channel = createChannel<number>();
    const waiting = channel.push(1);
    channel.close();
    await assert.rejects(waiting, ChannelClosedError);
    await assert.rejects(channel.push(2), ChannelClosedError);
  });

  it("a producer's error reaches the consumer after the items pushed before it", async () => {
    const p = produce<number, void>(async (push) => {
      await push(1);
      throw new Error("bad input");
    });
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const n of p.items) seen.push(n);
      })(),
      /bad input/,
    );
    assert.deepEqual(seen, [1]);
    assert.equal(await p.finish(), undefined);
  });

  it("refuses items after the end", async () => {
    const channel = createChannel<number>();
    channel.end();
    await assert.rejects(channel.push(1), /after the end/);
  });
});
