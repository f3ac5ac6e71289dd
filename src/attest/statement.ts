/**
 * @module
 * What a clean-as-of attestation states (version 1): for one site and one instant, what the
 * server knew then. It is the payload of the signed envelope (envelope.ts); docs/server.md
 * ("Attestation") describes each field.
 */
export const STATEMENT_TYPE = "ictsguard.attestation/clean-as-of/v1";

export type AttestedHost = { id: string; name: string; lastSeen: string | null };

export type AttestedFinding = {
  id: string;
  hostId: string;
  host: string;
  vendor: string;
  vendorName?: string;
  product: string;
  productName?: string;
  status: string;
  /** The finding's state at the instant (open, removal-pending, excepted). */
  state: string;
  /** When it last changed to this status and state, at or before the instant. */
  since: string;
};

export type AttestedException = { id: string; findingId: string; owner: string; reason: string; createdAt: string; createdBy: string; expiresAt: string };

export type Statement = {
  type: typeof STATEMENT_TYPE;
  site: { name: string; profile: string };
  /** The instant the statement is about. */
  at: string;
  generatedAt: string;
  /** Who asked for it: an API key id, or `user:<sub>` for a signed-in user. */
  requestedBy: string;
  server: { name: "ictsguard"; version: string };
  /** The catalog the server judged with when the statement was made. */
  catalog: { version: string; date: string; digest: string };
  signingKey: { keyId: string; algorithm: "ed25519"; publicKey: string };
  summary: {
    /** At least one host reported in the window, and no finding was open or removal-pending at the instant (excepted ones are listed apart). */
    clean: boolean;
    openFindings: number;
    exceptedFindings: number;
    hostsReported: number;
    hostsSilent: number;
    assetsNeverReported: number;
    text: string;
  };
  coverage: {
    /** A host that did not report between this instant and `at` is silent. */
    silentSince: string;
    reported: AttestedHost[];
    silent: AttestedHost[];
    /** Assets on the site's asset list (imported at or before `at`) that had never reported by `at`. */
    neverReported: { name: string }[];
  };
  /** Findings not resolved at the instant, from each one's history; `"none"` when there were none. */
  findings: AttestedFinding[] | "none";
  exceptions: AttestedException[] | "none";
  notes: string[];
};
