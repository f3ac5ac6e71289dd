/**
 * @module
 * The per-input time limit (`limits.maxSecondsPerInput`) as an AbortSignal. A timer alone fires
 * only when the event loop gets a turn, which a reader busy with input already in memory (one
 * large chunk, a line of megabytes) may not give it for minutes. So the signal's
 * `throwIfAborted`, which readers call between records (`ctx.signal?.throwIfAborted()`), also
 * looks at the clock itself, every {@link CHECK_EVERY} calls (reading the clock on every record
 * would cost a measurable share of a fast path's time), and aborts with the limit's error once
 * the time is up. The timer still aborts an input that is waiting for bytes that do not come.
 */

/** Calls of `throwIfAborted` between two readings of the clock. */
const CHECK_EVERY = 16;

export type InputDeadline = {
  /** Aborted with the error when the time is up; its `throwIfAborted` checks the clock. */
  signal: AbortSignal;
  /** Stops the timer (the input is done). */
  clear(): void;
};

/** A deadline `seconds` from now (0: none, the signal never aborts); `error` makes the abort reason. */
export function inputDeadline(seconds: number, error: () => Error): InputDeadline {
  const controller = new AbortController();
  const signal = controller.signal;
  if (!(seconds > 0)) return { signal, clear: () => {} };
  const ends = performance.now() + seconds * 1000;
  const expire = (): void => {
    if (!signal.aborted) controller.abort(error());
  };
  const timer = setTimeout(expire, seconds * 1000);
  timer.unref();
  let calls = 0;
  const throwIfAborted = AbortSignal.prototype.throwIfAborted;
  Object.defineProperty(signal, "throwIfAborted", {
    value: () => {
      if (++calls === CHECK_EVERY) {
        calls = 0;
        if (performance.now() > ends) expire();
      }
      throwIfAborted.call(signal);
    },
  });
  return { signal, clear: () => clearTimeout(timer) };
}
