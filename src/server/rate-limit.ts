/**
 * @module
 * The limit on authentication failures: each client address may fail (no key, a malformed key,
 * an unknown or revoked one) `max` times in a window of `windowMs`; after that every request
 * from it that needs a key is answered 429 with Retry-After until the window ends, even with a
 * good key, so guessing keys costs time. Kept in memory per process (a fixed window per address,
 * expired entries swept as new ones come, at most `maxAddresses` held).
 */
export type AuthLimitOptions = {
  /** Failures allowed per window (default 20). */
  max: number;
  /** The window (default 60 s). */
  windowMs: number;
  /** Addresses tracked at most; the oldest are dropped beyond it (default 100,000). */
  maxAddresses?: number;
};

export const DEFAULT_AUTH_LIMIT: AuthLimitOptions = { max: 20, windowMs: 60_000 };

export type AuthLimiter = {
  /** Seconds to wait when the address is blocked now, else 0. */
  blockedFor(address: string): number;
  /** One failure; answers the seconds to wait when this one went over the limit, else 0. */
  fail(address: string): number;
};

export function createAuthLimiter(options: AuthLimitOptions = DEFAULT_AUTH_LIMIT, now: () => number = Date.now): AuthLimiter {
  const maxAddresses = options.maxAddresses ?? 100_000;
  const windows = new Map<string, { start: number; failures: number }>();
  const current = (address: string) => {
    const w = windows.get(address);
    if (w && now() - w.start < options.windowMs) return w;
    if (w) windows.delete(address);
    return undefined;
  };
  const wait = (w: { start: number }) => Math.max(1, Math.ceil((w.start + options.windowMs - now()) / 1000));
  return {
    blockedFor(address) {
      const w = current(address);
      return w && w.failures > options.max ? wait(w) : 0;
    },
    fail(address) {
      let w = current(address);
      if (!w) {
        if (windows.size >= maxAddresses) sweep();
        w = { start: now(), failures: 0 };
        windows.set(address, w);
      }
      w.failures++;
      return w.failures > options.max ? wait(w) : 0;
    },
  };

  function sweep(): void {
    const t = now();
    for (const [address, w] of windows) if (t - w.start >= options.windowMs) windows.delete(address);
    // still full: drop the oldest (a Map iterates in insertion order)
    for (const address of windows.keys()) {
      if (windows.size < maxAddresses) break;
      windows.delete(address);
    }
  }
}
