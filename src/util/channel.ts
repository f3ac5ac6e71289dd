/**
 * @module
 * A rendezvous channel: turns a producer that is called back (`push`) into an AsyncIterable
 * that one consumer pulls. `push` resolves only once the consumer has taken the item, so the
 * producer runs at the consumer's pace (a slow output slows the input down, and nothing piles
 * up in between). When the consumer stops early (its loop breaks or throws, or `close()`),
 * every waiting and later `push` rejects with ChannelClosedError, which stops the producer.
 */

/** The consumer stopped taking items; the producer should stop too. */
export class ChannelClosedError extends Error {
  constructor() {
    super("the consumer of the channel stopped");
    this.name = "ChannelClosedError";
  }
}

export interface Channel<T> extends AsyncIterable<T> {
  /** Hands one item over; resolves once the consumer has taken it, rejects with ChannelClosedError once it stopped. */
  push(item: T): Promise<void>;
  /** No more items: the consumer's loop ends after the items already pushed. */
  end(): void;
  /** The producer failed: the consumer's loop throws this error after the items already pushed. */
  fail(error: unknown): void;
  /** The consumer stops (also done by breaking out of, or throwing in, a `for await` loop). */
  close(): void;
}

type Pending<T> = { item: T; taken(): void; refused(error: Error): void };
type Reader<T> = { resolve(r: IteratorResult<T>): void; reject(error: unknown): void };

export function createChannel<T>(): Channel<T> {
  const pending: Pending<T>[] = [];
  let reader: Reader<T> | undefined;
  let ending: { error?: unknown; failed: boolean } | undefined;
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const p of pending.splice(0)) p.refused(new ChannelClosedError());
    reader?.resolve({ value: undefined, done: true });
    reader = undefined;
  };

  /** Gives the waiting reader the end or the failure, once nothing is left to take. */
  const settleEnd = (): void => {
    if (!reader || !ending || pending.length > 0) return;
    const r = reader;
    reader = undefined;
    closed = true;
    if (ending.failed) r.reject(ending.error);
    else r.resolve({ value: undefined, done: true });
  };

  const iterator: AsyncIterator<T> = {
    next() {
      const first = pending.shift();
      if (first) {
        first.taken();
        return Promise.resolve({ value: first.item, done: false });
      }
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        reader = { resolve, reject };
        settleEnd();
      });
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
  };

  return {
    push(item) {
      if (closed) return Promise.reject(new ChannelClosedError());
      if (ending) return Promise.reject(new Error("push after the end of the channel"));
      return new Promise<void>((taken, refused) => {
        if (reader) {
          const r = reader;
          reader = undefined;
          r.resolve({ value: item, done: false });
          taken();
        } else pending.push({ item, taken, refused });
      });
    },
    end() {
      ending ??= { failed: false };
      settleEnd();
    },
    fail(error) {
      ending ??= { failed: true, error };
      settleEnd();
    },
    close,
    [Symbol.asyncIterator]: () => iterator,
  };
}

/** A producer running against a channel (see `produce`). */
export type Production<T, R> = {
  /** The items, for one consumer. */
  items: AsyncIterable<T>;
  /** The producer's result; known once `items` has ended, an error before. */
  result(): R;
  /**
   * Stops the producer if the consumer stopped early, and waits for it: resolves to its result,
   * or undefined when it did not finish (its error, if any, went to the consumer's loop).
   */
  finish(): Promise<R | undefined>;
};

/**
 * Runs a producer that is called back into an AsyncIterable: `run` gets `push` and resolves
 * to its result; the items end when it resolves and throw its error when it rejects.
 * @example const p = produce<Row, Counts>((push) => readAll({ onRow: push })); for await (const row of p.items) ...; p.result()
 */
export function produce<T, R>(run: (push: (item: T) => Promise<void>) => Promise<R>): Production<T, R> {
  const channel = createChannel<T>();
  let done: { value: R } | undefined;
  const running = run((item) => channel.push(item)).then(
    (value) => {
      done = { value };
      channel.end();
    },
    (error: unknown) => channel.fail(error),
  );
  return {
    items: channel,
    result() {
      if (!done) throw new Error("the producer's result was read before it ended");
      return done.value;
    },
    async finish() {
      channel.close();
      await running;
      return done?.value;
    },
  };
}
