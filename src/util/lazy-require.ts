/**
 * @module
 * A CommonJS package loaded on first use instead of at start-up. `scan` loads every reader and
 * the catalog code, and a few packages they import are needed only on rare paths (YAML when there
 * is a config file or no compiled catalog, TUF metadata when a signed catalog is installed):
 * loading them cost a good part of a scan's start-up. Synchronous, so the callers stay as they
 * are. CommonJS only: `require` of an ES module (plist) fails on Node 20.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** `() => require(specifier)`, loading the package once, on the first call. */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
