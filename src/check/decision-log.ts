/**
 * @module
 * The decision log for audit: one JSON line per decision (when, what was asked, the decision,
 * the deciding rules with their phases, the catalog version and digest, how the party and the
 * product were resolved, the explanation). The file is opened for appending (O_APPEND) and every
 * line goes out in one write(2), so several processes appending to the same log at once never
 * interleave their lines (the kernel positions and writes each append whole on a local file).
 */
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { CheckResult } from "../model/decision.js";
import { IctsError } from "../model/errors.js";
import { PACKAGE_VERSION } from "../util/package-root.js";

export type DecisionLog = {
  append(result: CheckResult): void;
  close(): void;
  readonly path: string;
};

/** The JSON object one log line holds. */
export type DecisionLogEntry = {
  time: string;
  tool: { name: "ictsguard"; version: string };
  catalogVersion: string;
  catalogDigest: string;
  input: CheckResult["input"];
  source?: CheckResult["source"];
  decision: CheckResult["decision"];
  rules: { id: string; decision: string; phase?: { id: string; from: string; fromConfirmed: boolean }; citation: string }[];
  party: { how: string; entity?: string; score: number };
  product?: { how: string; id?: string; confidence?: number };
  category: CheckResult["category"];
  asOf: CheckResult["asOf"];
  explanation: string;
};

export function logEntry(result: CheckResult, now: Date = new Date()): DecisionLogEntry {
  return {
    time: now.toISOString(),
    tool: { name: "ictsguard", version: PACKAGE_VERSION },
    catalogVersion: result.catalogVersion,
    catalogDigest: result.catalogDigest,
    input: result.input,
    ...(result.source ? { source: result.source } : {}),
    decision: result.decision,
    rules: result.rules.map((r) => ({
      id: r.id,
      decision: r.decision,
      ...(r.phase ? { phase: { id: r.phase.id, from: r.phase.from, fromConfirmed: r.phase.fromConfirmed } } : {}),
      citation: r.citation,
    })),
    party: { how: result.party.how, ...(result.party.how !== "none" ? { entity: result.party.entity.id } : {}), score: result.party.score },
    ...(result.product
      ? { product: { how: result.product.how, ...(result.product.how === "catalog" ? { id: result.product.id, confidence: result.product.confidence } : {}) } }
      : {}),
    category: result.category,
    asOf: result.asOf,
    explanation: result.explanation,
  };
}

export function openDecisionLog(path: string): DecisionLog {
  let fd: number;
  const existed = existsSync(path);
  try {
    // a log of what was decided is private: 0600 (0700 for a folder made for it), whatever the umask
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(path, "a", 0o600);
    if (!existed) fchmodSync(fd, 0o600);
  } catch (err) {
    throw new IctsError("usage/log", `cannot open the decision log ${path}: ${(err as Error).message}`, { cause: err });
  }
  return {
    path,
    append(result) {
      const line = Buffer.from(`${JSON.stringify(logEntry(result))}\n`, "utf8");
      const written = writeSync(fd, line);
      // a short write to a local file means the disk is full: say so rather than log half a line
      if (written !== line.length) throw new IctsError("log/write", `the decision log ${path} took ${written} of ${line.length} bytes (disk full?)`);
    },
    close() {
      closeSync(fd);
    },
  };
}
