/**
 * @module
 * Shrinks a failing case while it still fails the same way: removes halves, then quarters, and so
 * on down to single bytes (a simple delta debugging), within a time box, so a kept regression
 * fixture is as small as the fault allows.
 */
import type { Outcome } from "./run-case.js";

export type StillFails = (bytes: Buffer) => Promise<boolean>;

export async function minimise(bytes: Buffer, stillFails: StillFails, budgetMs: number, maxTries = 400): Promise<Buffer> {
  const deadline = performance.now() + budgetMs;
  let best = bytes;
  let tries = 0;
  for (let chunk = best.length >> 1; chunk >= 1; chunk >>= 1) {
    let at = 0;
    while (at < best.length) {
      if (performance.now() > deadline || tries++ >= maxTries) return best;
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + chunk)]);
      if (candidate.length > 0 && (await stillFails(candidate))) best = candidate;
      else at += chunk;
    }
    if (chunk > best.length) chunk = best.length;
  }
  return best;
}

/** The part of a failure that names its kind (the first line of the detail, without numbers), to keep a few of each. */
export function failureSignature(target: string, outcome: Outcome, detail: string | undefined): string {
  const first = (detail ?? "").split("\n")[0] ?? "";
  return `${target}|${outcome}|${first.replace(/\d+/g, "N").slice(0, 120)}`;
}
