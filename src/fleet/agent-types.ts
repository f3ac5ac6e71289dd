/**
 * @module
 * The types of agents, host identity and native ingest (osquery nodes): what `Fleet.agents`
 * (src/fleet/agents.ts, src/fleet/osquery.ts) takes and answers.
 */
import type { Observation } from "../model/observation.js";
import type { Principal, ScanRecord } from "./types.js";

/** What an agent says about its machine when it enrolls and with every upload (evidence, not identity). */
export type MachineFacts = {
  /** The OS machine id (Linux /etc/machine-id, macOS IOPlatformUUID, Windows MachineGuid); null when unreadable. */
  machineId: string | null;
  hostname: string;
  /** `linux`, `windows`, `macos`, with a version when known. */
  os?: string;
};

export type AgentInfo = {
  /** 16 lower-case base32 characters; the credential is `ictga_<id>_<secret>`. */
  id: string;
  site: string;
  /** The host the agent reports into (`h_` + 20 hex of its key `agent:<id>`, unless an admin merged it into another). */
  hostId: string;
  machineId: string | null;
  hostname: string;
  os?: string;
  enrolledAt: string;
  lastSeenAt?: string;
  revokedAt?: string;
};

/** An authenticated agent (its credential checked). */
export type AgentCaller = { agentId: string; site: string; hostId: string; enrolledMachineId: string | null };

export type EnrolledAgent = { agent: AgentInfo; credential: string; duplicates: HostDuplicate[] };

export type AgentUpload = {
  observations: AsyncIterable<Observation> | Iterable<Observation>;
  facts: MachineFacts;
  /** The agent's upload id: a retry with the same id stores nothing again (the site's idempotency keys). */
  uploadId: string;
  /** Default `agent`: the collectors' inventory of the host. */
  source?: string;
  format?: string;
  issues?: number;
};

export type HostDuplicate = {
  /** `d_` + 20 hex. */
  id: string;
  site: string;
  /**
   * `machine-id`: two credentials (two hosts) report the same machine id: a cloned VM, or one
   * machine enrolled twice (re-imaged, state folder lost). `credential`: one credential reports a
   * second machine id: its state folder was copied to another machine; that machine's uploads go
   * to a host of their own (never into the first host).
   */
  kind: "machine-id" | "credential";
  machineId: string | null;
  /** The host that was there first, and the one that made the pair. */
  hosts: [string, string];
  detectedAt: string;
  resolvedAt?: string;
  /** `merged` (by `hosts merge`) or `dismissed`. */
  resolution?: string;
};

export type MergeResult = {
  kept: string;
  merged: string;
  /** Findings of the merged host re-keyed to the kept host (new ids), and those that joined a finding the kept host had. */
  findingsMoved: number;
  findingsJoined: number;
  /** Old server finding id → new one. */
  ids: Record<string, string>;
  sourcesMoved: number;
  agents: string[];
};

export type OsquerySecretInfo = { id: string; site: string; label?: string; createdAt: string; createdBy: string; revokedAt?: string };

export type OsqueryNode = { id: string; site: string; hostIdentifier: string };

export interface FleetAgents {
  /** Exchanges a valid enrollment token for the agent's own credential (shown once). */
  enroll(token: string, facts: MachineFacts): Promise<EnrolledAgent>;
  /** The agent of a credential, or null (unknown, wrong secret, revoked, malformed). */
  authenticate(credential: string): Promise<AgentCaller | null>;
  /** One collection of the agent's host, judged like any upload. */
  ingest(agent: AgentCaller, upload: AgentUpload): Promise<ScanRecord>;
  listAgents(principal: Principal, query?: { site?: string }): Promise<AgentInfo[]>;
  /** Possible duplicates, newest first; `open` (default true) leaves out merged and dismissed ones. */
  listDuplicates(principal: Principal, query?: { site?: string; open?: boolean }): Promise<HostDuplicate[]>;
  /** Admin: `merge` becomes part of `keep` (findings, history, sources, agents); audit-logged. */
  merge(principal: Principal, input: { keep: string; merge: string }): Promise<MergeResult>;

  /** Admin: an osquery enroll secret for a site (shown once). */
  createOsquerySecret(principal: Principal, input: { site: string; label?: string }): Promise<{ secret: OsquerySecretInfo; token: string }>;
  listOsquerySecrets(principal: Principal, query?: { site?: string }): Promise<OsquerySecretInfo[]>;
  /** osquery's enroll: a node key for a valid enroll secret, else null. */
  osqueryEnroll(input: { enrollSecret: string; hostIdentifier: string; hostDetails?: unknown }): Promise<{ nodeKey: string; node: OsqueryNode } | null>;
  /** The node of a node key, or null (osquery then enrolls again). */
  osqueryNode(nodeKey: string): Promise<OsqueryNode | null>;
}
