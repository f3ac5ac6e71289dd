/**
 * @module
 * Observation: one thing seen somewhere, normalized, with where it came from.
 * Every reader emits only Observations; nothing downstream knows the input format.
 */
import * as z from "zod";
import { OBSERVATION_KINDS } from "./vocabulary.js";

export const ObservationKind = z.enum(OBSERVATION_KINDS);
export type ObservationKind = z.infer<typeof ObservationKind>;

/** Where an observation (or an issue) came from. Lines and records are 1-based. */
export const SourceRef = z.object({
  file: z.string(),
  line: z.number().int().positive().optional(),
  record: z.number().int().positive().optional(),
  /** JSON pointer or similar path inside the document, e.g. `/components/3`. */
  pointer: z.string().optional(),
  /**
   * The document's own identity, when it has one: a CycloneDX `serialNumber` or an SPDX document
   * namespace. Findings without a host are keyed on it (src/scan/finding-id.ts).
   */
  document: z.string().optional(),
  /** Stable name of the reader that produced it; stamped by the scan core. */
  reader: z.string().optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const ObservationIds = z.object({
  purl: z.string().optional(),
  cpe: z.string().optional(),
  bundleId: z.string().optional(),
  /** Android application id, e.g. `com.kms.free`. */
  packageId: z.string().optional(),
  extensionId: z.string().optional(),
  sha256: z.string().optional(),
  swidTagId: z.string().optional(),
  /**
   * The code-signing subject of the thing observed (an app's or file's signer, not a `signer`
   * observation of its own): an Authenticode subject, or an Apple leaf certificate name such as
   * `Developer ID Application: Vendor (TEAMID1234)`.
   */
  signer: z.string().optional(),
  /** A device's model (asset lists, network inventories), e.g. `DS-2CD2143G2-I`. */
  model: z.string().optional(),
  /** A device's MAC address; its first three octets (the OUI) name the maker. */
  mac: z.string().optional(),
});
export type ObservationIds = z.infer<typeof ObservationIds>;

/**
 * A row of an osqueryd differential results log: `added` (now on the host) or `removed` (gone from
 * it). `row` names the row: its query and columns, the same text for the row's `added` and its
 * `removed`. The scanner counts a `removed` row as taking back one earlier `added` row of the same
 * host and `row` (src/scan/live-rows.ts); a finding all of whose rows were taken back is gone.
 */
export const ObservationChange = z.object({
  action: z.enum(["added", "removed"]),
  row: z.string(),
});
export type ObservationChange = z.infer<typeof ObservationChange>;

export const Observation = z.object({
  kind: ObservationKind,
  name: z.string(),
  vendor: z.string().optional(),
  version: z.string().optional(),
  path: z.string().optional(),
  ids: ObservationIds.optional(),
  host: z.string().optional(),
  /** ISO 8601. */
  seenAt: z.string().optional(),
  /** Only on rows of a differential log (see {@link ObservationChange}). */
  change: ObservationChange.optional(),
  source: SourceRef,
});
export type Observation = z.infer<typeof Observation>;
