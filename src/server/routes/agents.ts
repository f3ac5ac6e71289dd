/**
 * @module
 * Agents and host identity: `POST /api/v1/agents/enroll` (an enrollment token in, the agent's own
 * credential out), `POST /api/v1/agents/inventories` (one collection of the agent's host, as
 * observations; the server judges), the agents, the possible duplicate hosts, and an admin's
 * merge of two hosts. docs/server.md, "Agents and host identity", says how hosts are identified.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { AgentCaller } from "../../fleet/agent-types.js";
import { Observation } from "../../model/observation.js";
import { readJsonBody } from "../body.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf } from "../route.js";
import { SiteQuery, UploadResultSchema } from "../schemas.js";
import { ADMINS, READERS, defined, json } from "./common.js";

const Facts = z.object({
  machineId: z
    .string()
    .regex(/^[0-9a-f-]{8,128}$/)
    .nullable()
    .openapi({ description: "An app-specific hash of the OS machine id (Linux /etc/machine-id, macOS IOPlatformUUID, Windows MachineGuid): evidence, not identity. Null when unreadable." }),
  hostname: z.string().min(1).max(255),
  os: z.string().max(100).optional(),
});

const EnrollBody = Facts.extend({ token: z.string().min(1).max(200).openapi({ description: "An enrollment token (`ictge_...`, `ictsguard server token create`)." }) }).openapi("AgentEnroll");

const AgentSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    hostId: z.string(),
    machineId: z.string().nullable(),
    hostname: z.string(),
    os: z.string().optional(),
    enrolledAt: z.string(),
    lastSeenAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .openapi("Agent");

const DuplicateSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    kind: z.enum(["machine-id", "credential"]).openapi({ description: "`machine-id`: two credentials report one machine id (a cloned VM, a re-enrolled machine). `credential`: one credential reports a second machine id (a copied state folder)." }),
    machineId: z.string().nullable(),
    hosts: z.tuple([z.string(), z.string()]),
    detectedAt: z.string(),
    resolvedAt: z.string().optional(),
    resolution: z.string().optional(),
  })
  .openapi("HostDuplicate");

const EnrolledSchema = z
  .object({
    agent: AgentSchema,
    credential: z.string().openapi({ description: "The agent's credential, `ictga_<id>_<secret>`: answered once, never stored (only SHA-256 of its secret)." }),
    duplicates: z.array(DuplicateSchema),
  })
  .openapi("EnrolledAgent");

/** The agent's upload, as `ictsguard agent run` spools it (a plain OpenAPI schema: the handler validates it, gzip'd or not). */
const AGENT_UPLOAD_SCHEMA = {
  type: "object",
  required: ["version", "uploadId", "facts", "observations"],
  properties: {
    version: { type: "integer", enum: [1] },
    uploadId: { type: "string", description: "Unique per collection: a retry with the same id stores nothing again." },
    collectedAt: { type: "string", format: "date-time" },
    facts: { type: "object", description: "machineId, hostname, os, as at enrollment" },
    observations: { type: "array", items: { type: "object" }, description: "Observations as the `scan --host` collectors make them (src/model/observation.ts)." },
    issues: { type: "integer", description: "Problems the collectors reported (kept on the scan record)." },
  },
} as const;

const enroll = defineRoute({
  id: "agents.enroll",
  access: "public",
  scope: "none",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/agents/enroll",
    tags: ["agents"],
    summary: "Enroll an agent: an enrollment token for the agent's own credential",
    request: { body: { content: { "application/json": { schema: EnrollBody } }, required: true } },
    responses: { 201: json(EnrolledSchema, "The agent, its credential (once) and any possible duplicate its machine id revealed") },
  }),
  handler: async (c, { fleet }) => {
    const b = c.req.valid("json");
    const enrolled = await fleet.agents.enroll(b.token, { machineId: b.machineId, hostname: b.hostname, ...defined({ os: b.os }) });
    return c.json(enrolled, 201);
  },
});

/** The caller of an `agent` route: `Authorization: Bearer ictga_...`. */
async function agentOf(header: string | undefined, fleet: import("../../fleet/types.js").Fleet): Promise<AgentCaller> {
  const token = header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1];
  const agent = token ? await fleet.agents.authenticate(token) : null;
  if (!agent) throw new ApiError(401, "unauthenticated", token ? "the agent credential is not valid (unknown or revoked): enroll again" : "an agent credential is required: Authorization: Bearer ictga_...", undefined, { "www-authenticate": 'Bearer realm="ictsguard-agent"' });
  return agent;
}

const agentUpload = defineRoute({
  id: "agents.upload",
  access: "agent",
  scope: "site",
  siteBy: "filtered",
  body: "inventory",
  route: createRoute({
    method: "post",
    path: "/api/v1/agents/inventories",
    tags: ["agents"],
    summary: "An agent's collection of its host (observations; judged by the server)",
    request: { body: { content: { "application/json": { schema: AGENT_UPLOAD_SCHEMA as never } }, required: true, description: "JSON, gzip'd with Content-Encoding: gzip or not" } },
    responses: {
      201: json(UploadResultSchema, "Stored and judged"),
      200: json(UploadResultSchema, "Already stored under this upload id: nothing was stored again"),
    },
  }),
  handler: async (c, { fleet, limits, metrics }) => {
    const agent = await agentOf(c.req.header("authorization"), fleet);
    const body = (await readJsonBody(c.req.raw, limits.inventoryBytes)) as Record<string, unknown> | null;
    if (!body || typeof body !== "object" || body.version !== 1) throw new ApiError(400, "invalid-request", "expected an agent upload of version 1 ({ version: 1, uploadId, facts, observations })");
    const facts = Facts.safeParse(body.facts);
    if (!facts.success) throw new ApiError(400, "invalid-request", `facts: ${facts.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    if (typeof body.uploadId !== "string") throw new ApiError(400, "invalid-request", "uploadId: expected a string");
    if (!Array.isArray(body.observations)) throw new ApiError(400, "invalid-request", "observations: expected an array");
    const observations = body.observations.map((o, i) => {
      const parsed = Observation.safeParse(o);
      if (!parsed.success) throw new ApiError(400, "invalid-request", `observations[${i}]: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
      return parsed.data;
    });
    const scan = await fleet.agents.ingest(agent, {
      observations,
      facts: { machineId: facts.data.machineId, hostname: facts.data.hostname, ...defined({ os: facts.data.os }) },
      uploadId: body.uploadId,
      format: "agent",
      ...(typeof body.issues === "number" && Number.isInteger(body.issues) && body.issues >= 0 ? { issues: body.issues } : {}),
    });
    metrics.upload(scan.duplicate ? "replayed" : "stored", scan.duplicate ? 0 : scan.observations);
    return c.json({ scan, replayed: scan.duplicate, warnings: [] }, scan.duplicate ? 200 : 201);
  },
});

const items = <T extends z.ZodType>(schema: T, name: string) => z.object({ items: z.array(schema) }).openapi(name);

const agentsList = defineRoute({
  id: "agents.list",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({ method: "get", path: "/api/v1/agents", tags: ["agents"], summary: "List enrolled agents", request: { query: SiteQuery }, responses: { 200: json(items(AgentSchema, "AgentList"), "The agents") } }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.agents.listAgents(principalOf(c), defined({ site: c.req.valid("query").site })) }, 200),
});

const DuplicatesQuery = SiteQuery.extend({
  all: z.enum(["true", "false"]).optional().openapi({ param: { name: "all", in: "query" }, description: "`true`: also the merged and dismissed ones." }),
});

const duplicatesList = defineRoute({
  id: "hosts.duplicates",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/host-duplicates",
    tags: ["hosts"],
    summary: "Possible duplicate hosts (never merged without an admin)",
    request: { query: DuplicatesQuery },
    responses: { 200: json(items(DuplicateSchema, "HostDuplicateList"), "Newest first") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    return c.json({ items: await fleet.agents.listDuplicates(principalOf(c), { ...defined({ site: q.site }), open: q.all !== "true" }) }, 200);
  },
});

const MergeBody = z
  .object({
    keep: z.string().min(1).max(100).openapi({ description: "The host id that stays." }),
    merge: z.string().min(1).max(100).openapi({ description: "The host id merged into it (then deleted)." }),
  })
  .openapi("HostMerge");

const MergeResultSchema = z
  .object({
    kept: z.string(),
    merged: z.string(),
    findingsMoved: z.number().int(),
    findingsJoined: z.number().int(),
    ids: z.record(z.string(), z.string()).openapi({ description: "Old finding id → new finding id." }),
    sourcesMoved: z.number().int(),
    agents: z.array(z.string()),
  })
  .openapi("HostMergeResult");

const merge = defineRoute({
  id: "hosts.merge",
  access: ADMINS,
  scope: "site",
  siteBy: "id",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/host-merges",
    tags: ["hosts"],
    summary: "Merge one host into another (findings re-keyed, history kept; audit-logged)",
    request: { body: { content: { "application/json": { schema: MergeBody } }, required: true } },
    responses: { 200: json(MergeResultSchema, "What moved") },
  }),
  handler: async (c, { fleet }) => c.json(await fleet.agents.merge(principalOf(c), c.req.valid("json")), 200),
});

export const AGENT_ROUTES = [enroll, agentUpload, agentsList, duplicatesList, merge];
