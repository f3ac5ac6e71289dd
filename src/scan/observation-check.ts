/**
 * @module
 * Whether a value is an {@link Observation} as src/model/observation.ts's schema says, without zod: the
 * scanner checks every observation it is given (a library user's code, not only our readers,
 * calls `add`), and loading zod costs a scan's start about 20 ms (see src/model/vocabulary.ts). Held to
 * the schema by a property test (observation-check.test.ts): this says nothing exactly when
 * `Observation.safeParse` succeeds.
 */
import type { Observation } from "../model/observation.js";
import { OBSERVATION_KINDS } from "../model/vocabulary.js";
import { describeGot } from "../text/describe-value.js";

const KINDS: ReadonlySet<string> = new Set(OBSERVATION_KINDS);
const TEXT_FIELDS = ["vendor", "version", "path", "host", "seenAt"] as const;
const ID_FIELDS = ["purl", "cpe", "bundleId", "packageId", "extensionId", "sha256", "swidTagId", "signer", "model", "mac"] as const;
const SOURCE_TEXT_FIELDS = ["pointer", "document", "reader"] as const;
const SOURCE_COUNT_FIELDS = ["line", "record"] as const;

/**
 * What is wrong with `value` as an observation ("source.file: expected a string, got
 * undefined"), or undefined when it is one. Unknown fields are allowed (the schema ignores them).
 */
export function observationProblem(value: unknown): string | undefined {
  // the common case first, by named fields (no keyed lookups): the scanner asks for every observation
  if (isRecord(value)) {
    const o = value as Partial<Record<keyof Observation, unknown>>;
    const s = o.source as Partial<Record<keyof Observation["source"], unknown>> | undefined;
    if (
      typeof o.kind === "string" &&
      KINDS.has(o.kind) &&
      typeof o.name === "string" &&
      (o.vendor === undefined || typeof o.vendor === "string") &&
      (o.version === undefined || typeof o.version === "string") &&
      (o.path === undefined || typeof o.path === "string") &&
      (o.host === undefined || typeof o.host === "string") &&
      (o.seenAt === undefined || typeof o.seenAt === "string") &&
      (o.ids === undefined || plainIds(o.ids)) &&
      (o.change === undefined || changeProblem(o.change) === undefined) &&
      isRecord(s) &&
      typeof s!.file === "string" &&
      (s!.line === undefined || isCount(s!.line)) &&
      (s!.record === undefined || isCount(s!.record)) &&
      (s!.pointer === undefined || typeof s!.pointer === "string") &&
      (s!.document === undefined || typeof s!.document === "string") &&
      (s!.reader === undefined || typeof s!.reader === "string")
    )
      return undefined;
  }
  return problemOf(value);
}

/** Whether `ids` is an object whose known identifiers are strings or absent, by named fields. */
function plainIds(ids: unknown): boolean {
  if (!isRecord(ids)) return false;
  const i = ids as Partial<Record<keyof NonNullable<Observation["ids"]>, unknown>>;
  return (
    (i.purl === undefined || typeof i.purl === "string") &&
    (i.cpe === undefined || typeof i.cpe === "string") &&
    (i.bundleId === undefined || typeof i.bundleId === "string") &&
    (i.packageId === undefined || typeof i.packageId === "string") &&
    (i.extensionId === undefined || typeof i.extensionId === "string") &&
    (i.sha256 === undefined || typeof i.sha256 === "string") &&
    (i.swidTagId === undefined || typeof i.swidTagId === "string") &&
    (i.signer === undefined || typeof i.signer === "string") &&
    (i.model === undefined || typeof i.model === "string") &&
    (i.mac === undefined || typeof i.mac === "string")
  );
}

/** The first problem of `value`, field by field: what the fast test above refused (undefined if nothing is wrong). */
function problemOf(value: unknown): string | undefined {
  if (!isRecord(value)) return `expected an object (an Observation), got ${describeGot(value)}`;
  const o = value as Record<string, unknown>;
  if (typeof o.kind !== "string" || !KINDS.has(o.kind)) return `kind: expected one of ${OBSERVATION_KINDS.join(", ")}, got ${describeGot(o.kind)}`;
  if (typeof o.name !== "string") return `name: expected a string, got ${describeGot(o.name)}`;
  for (const f of TEXT_FIELDS) if (o[f] !== undefined && typeof o[f] !== "string") return `${f}: expected a string or nothing, got ${describeGot(o[f])}`;
  if (o.ids !== undefined) {
    if (!isRecord(o.ids)) return `ids: expected an object or nothing, got ${describeGot(o.ids)}`;
    const ids = o.ids as Record<string, unknown>;
    for (const f of ID_FIELDS) if (ids[f] !== undefined && typeof ids[f] !== "string") return `ids.${f}: expected a string or nothing, got ${describeGot(ids[f])}`;
  }
  if (o.change !== undefined) {
    const problem = changeProblem(o.change);
    if (problem !== undefined) return problem;
  }
  if (!isRecord(o.source)) return `source: expected an object ({ file, line?, ... }: where the observation was made), got ${describeGot(o.source)}`;
  const s = o.source as Record<string, unknown>;
  if (typeof s.file !== "string") return `source.file: expected a string, got ${describeGot(s.file)}`;
  for (const f of SOURCE_COUNT_FIELDS) if (s[f] !== undefined && !isCount(s[f])) return `source.${f}: expected a whole number from 1 or nothing, got ${describeGot(s[f])}`;
  for (const f of SOURCE_TEXT_FIELDS) if (s[f] !== undefined && typeof s[f] !== "string") return `source.${f}: expected a string or nothing, got ${describeGot(s[f])}`;
  return undefined;
}

/** What is wrong with `change` (an ObservationChange: `{action: "added" | "removed", row}`), or undefined. */
function changeProblem(change: unknown): string | undefined {
  if (!isRecord(change)) return `change: expected an object ({ action, row }) or nothing, got ${describeGot(change)}`;
  const c = change as Record<string, unknown>;
  if (c.action !== "added" && c.action !== "removed") return `change.action: expected "added" or "removed", got ${describeGot(c.action)}`;
  if (typeof c.row !== "string") return `change.row: expected a string, got ${describeGot(c.row)}`;
  return undefined;
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function isRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
