/**
 * @module
 * The API's schemas: the zod schemas that validate requests (query, path, body) and describe
 * answers. The OpenAPI document (/api/v1/openapi.json) is generated from these same objects, so
 * the document cannot drift from what the server checks.
 */
import { z } from "@hono/zod-openapi";
import { PROFILES, ROLES as CHECK_ROLES } from "../model/vocabulary.js";
import { STATUSES } from "../model/finding.js";
import { FINDING_STATES, MAX_LIMIT, QUEUED_UPLOAD_STATUSES, ROLES } from "../fleet/types.js";

export const StatusEnum = z.enum(STATUSES).openapi("Status", { description: "The verdict: prohibited > unsupported > deadline > review." });
export const StateEnum = z.enum(FINDING_STATES).openapi("FindingState", { description: "Where the finding is in its life: open, removal-pending (vanished, awaiting N clean inventories), resolved, excepted." });
export const RoleEnum = z.enum(ROLES).openapi("KeyRole");
export const ProfileEnum = z.enum(PROFILES as [string, ...string[]]).openapi("Profile");

const byStatus = z.record(StatusEnum, z.number().int()).openapi("CountsByStatus");
const byState = z.record(StateEnum, z.number().int()).openapi("CountsByState");

/** An ISO 8601 instant (with a zone) or a date YYYY-MM-DD (midnight UTC). */
export const Instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, "expected a date YYYY-MM-DD or an ISO 8601 instant with a zone, e.g. 2024-09-29T04:00:00Z")
  .openapi({ example: "2024-09-29T04:00:00Z" });

const siteName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a site name: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");

// ---------------------------------------------------------------- errors

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "forbidden" }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string().optional(), message: z.string(), file: z.string().optional(), line: z.number().int().optional() })).optional(),
    }),
    signIn: z.string().optional().openapi({ description: "On 401: where a browser signs in." }),
  })
  .openapi("Error");

// ---------------------------------------------------------------- pagination

/** `limit` and `cursor`, shared by every list. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT, `limit is at most ${MAX_LIMIT}`)
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, description: `Items per page, 1 to ${MAX_LIMIT} (default 100).`, example: 100 }),
  cursor: z.string().max(2000).optional().openapi({ param: { name: "cursor", in: "query" }, description: "The `next` of the previous page." }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      next: z.string().nullable().openapi({ description: "The cursor of the next page; null on the last." }),
      total: z.number().int().openapi({ description: "Matching items, counted up to a cap." }),
      totalCapped: z.boolean().openapi({ description: "True when there are more than `total`." }),
    })
    .openapi(name);
}

export const SiteQuery = z.object({
  site: siteName.optional().openapi({ param: { name: "site", in: "query" }, description: "Only this site (a key limited to sites may name only its own)." }),
});

// ---------------------------------------------------------------- resources

export const SiteSchema = z
  .object({ name: z.string(), profile: ProfileEnum, description: z.string().optional(), createdAt: z.string() })
  .openapi("Site");

export const HostSourceSchema = z.object({ source: z.string(), format: z.string().optional(), lastSeen: z.string(), observations: z.number().int(), scanId: z.string() });

export const HostSchema = z
  .object({
    id: z.string().openapi({ example: "h_3f1c0e9a7b2d4c6e8f00" }),
    site: z.string(),
    name: z.string(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    findings: byStatus,
    sources: z.array(HostSourceSchema),
    agentId: z.string().optional().openapi({ description: "Set when the host is identified by its agent's credential (key `agent:<id>`): a rename keeps the host." }),
    machineId: z.string().optional().openapi({ description: "The machine id the agent last reported (an app-specific hash of the OS machine id): evidence, not identity." }),
    possibleDuplicates: z.array(z.string()).optional().openapi({ description: "Hosts flagged as possibly the same machine (GET /api/v1/host-duplicates); never merged without an admin." }),
  })
  .openapi("Host");

const loose = z.object({}).passthrough();

export const FindingSchema = z
  .object({
    id: z.string(),
    engineId: z.string(),
    site: z.string(),
    hostId: z.string(),
    host: z.string(),
    vendor: z.string(),
    vendorName: z.string().optional(),
    product: z.string(),
    productName: z.string().optional(),
    status: StatusEnum,
    state: StateEnum,
    reason: z.string(),
    confidence: z.number(),
    deadline: z.string().optional(),
    rules: z.array(loose),
    firstSeen: z.string(),
    lastSeen: z.string(),
    resolvedAt: z.string().nullable(),
    reopened: z.number().int(),
    cleanCount: z.number().int(),
    sources: z.array(z.string()),
    evidence: z.array(loose).optional().openapi({ description: "On the detail routes: at most 16 pieces of evidence." }),
    observation: loose.optional(),
    exceptionId: z.string().optional(),
  })
  .openapi("Finding");

export const HostDetailSchema = HostSchema.extend({ findingList: z.array(FindingSchema) }).openapi("HostDetail");

export const FindingEventSchema = z
  .object({
    findingId: z.string(),
    hostId: z.string(),
    site: z.string(),
    at: z.string(),
    cause: z.string(),
    status: StatusEnum,
    state: StateEnum,
    // inline, not the registered components: a nullable $ref loses its null in the document
    previousStatus: z.enum(STATUSES).nullable(),
    previousState: z.enum(FINDING_STATES).nullable(),
    ref: z.string().optional(),
  })
  .openapi("FindingEvent");

export const HostHistorySchema = z
  .object({
    host: HostSchema,
    at: z.string(),
    findings: z.array(z.object({ id: z.string(), engineId: z.string(), vendor: z.string(), product: z.string(), status: StatusEnum, state: StateEnum, since: z.string() })),
    events: z.array(FindingEventSchema),
  })
  .openapi("HostHistory");

export const ScanSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    hosts: z.array(z.string()),
    hostIds: z.array(z.string()).optional().openapi({ description: "The hosts' ids, in the order of hosts (absent from records stored before it was added)" }),
    superseded: z.array(z.string()).optional().openapi({
      description: "The hosts (of hosts) that already held an inventory of this source later than receivedAt, as when a queued upload is judged after a newer one: the upload changed nothing of theirs (no inventory, no finding, no last seen; byStatus and changes leave them out). Absent when there is none.",
    }),
    source: z.object({ name: z.string(), format: z.string().optional() }),
    keyId: z.string(),
    receivedAt: z.string(),
    catalogVersion: z.string(),
    catalogDigest: z.string(),
    profile: z.string(),
    observations: z.number().int(),
    byStatus,
    changes: z.object({ new: z.number().int(), reopened: z.number().int(), removalPending: z.number().int(), resolved: z.number().int(), statusChanged: z.number().int() }),
    issues: z.number().int(),
    idempotencyKey: z.string().optional(),
    duplicate: z.boolean(),
  })
  .openapi("Scan");

export const UploadResultSchema = z
  .object({
    scan: ScanSchema,
    replayed: z.boolean().openapi({ description: "True when the idempotency key was seen before: nothing was stored, this is the first upload's scan." }),
    warnings: z.array(z.object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().int().optional() })),
  })
  .openapi("UploadResult");

export const QueuedUploadSchema = z
  .object({
    id: z.string().openapi({ description: "The queued upload's id (`u_...`); its status is at `GET /api/v1/uploads/{id}`" }),
    site: z.string(),
    status: z.enum(QUEUED_UPLOAD_STATUSES).openapi({ description: "queued: waiting; processing: being judged; done: judged and stored (`scan`); failed: refused, nothing stored (`error`)" }),
    receivedAt: z.string().openapi({ description: "The accept instant: the upload is judged as of it" }),
    finishedAt: z.string().optional(),
    host: z.string().optional(),
    source: z.object({ name: z.string(), format: z.string().optional() }),
    idempotencyKey: z.string().optional(),
    bytes: z.number().int().openapi({ description: "The body's size as uploaded" }),
    scan: ScanSchema.optional().openapi({ description: "Done: the scan it was stored as" }),
    error: z
      .object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string().optional(), message: z.string(), line: z.number().int().optional(), file: z.string().optional() })).optional() })
      .optional()
      .openapi({ description: "Failed: why (what the synchronous upload would have answered); nothing was stored" }),
    warnings: z.array(z.object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().int().optional() })).optional(),
  })
  .openapi("QueuedUpload");

export const QueuedUploadAcceptedSchema = QueuedUploadSchema.extend({
  location: z.string().openapi({ description: "The status route, also in the `Location` header" }),
}).openapi("QueuedUploadAccepted");

export const SummarySchema = z
  .object({
    at: z.string(),
    byStatus,
    byState,
    byVendor: z.array(z.object({ vendor: z.string(), byStatus, total: z.number().int() })),
    bySite: z.array(z.object({ site: z.string(), profile: z.string(), byStatus, total: z.number().int() })),
    nextDeadlines: z.array(z.object({ date: z.string(), findings: z.number().int() })),
    hosts: z.number().int(),
    coverage: z.object({
      assets: z.number().int(),
      reported: z.number().int(),
      neverReported: z.number().int(),
      silent: z.number().int(),
      silentSince: z.string(),
      unlisted: z.number().int(),
    }),
  })
  .openapi("Summary");

export const TrendSchema = z
  .object({ items: z.array(z.object({ at: z.string(), byStatus, byState })) })
  .openapi("Trend");

export const ExceptionSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    findingId: z.string(),
    owner: z.string(),
    reason: z.string(),
    expiresAt: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
    revokedBy: z.string().optional(),
    expiredAt: z.string().optional(),
  })
  .openapi("Exception");

export const ApiKeySchema = z
  .object({
    id: z.string(),
    role: RoleEnum,
    sites: z.array(z.string()).nullable(),
    label: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().optional(),
    lastUsedAt: z.string().optional(),
  })
  .openapi("ApiKey");

export const EnrollmentTokenSchema = z
  .object({
    id: z.string(),
    site: z.string(),
    label: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi("EnrollmentToken");

export const AuditEntrySchema = z
  .object({ id: z.string(), at: z.string(), keyId: z.string(), action: z.string(), site: z.string().optional(), target: z.string().optional(), detail: loose.optional() })
  .openapi("AuditEntry");

export const AssetSchema = z
  .object({ site: z.string(), name: z.string(), hostId: z.string().nullable(), lastSeen: z.string().nullable(), importedAt: z.string() })
  .openapi("Asset");

export const CatalogStatusSchema = z
  .object({
    version: z.string(),
    date: z.string(),
    digest: z.string(),
    origin: loose,
    freshness: loose,
    stale: z.boolean(),
    judgedDigest: z.string().nullable(),
  })
  .openapi("CatalogStatus");

export const JobSchema = z
  .object({ id: z.string(), key: z.string(), kind: z.string(), state: z.enum(["queued", "running", "done", "failed"]), runAt: z.string(), attempts: z.number().int(), result: z.unknown().optional(), error: z.string().optional() })
  .openapi("Job");

// ---------------------------------------------------------------- request bodies

export const CreateSiteBody = z
  .object({ name: siteName, profile: ProfileEnum, description: z.string().max(1000).optional() })
  .strict()
  .openapi("CreateSite");

export const CreateKeyBody = z
  .object({
    role: RoleEnum,
    sites: z.array(siteName).min(1).max(1000).nullable().optional().openapi({ description: "Limit the key to these sites; absent or null: every site." }),
    label: z.string().max(200).optional(),
  })
  .strict()
  .openapi("CreateApiKey");

export const CreatedKeySchema = z
  .object({ key: ApiKeySchema, token: z.string().openapi({ description: "The API key. Shown once: only the SHA-256 of its secret is stored." }) })
  .openapi("CreatedApiKey");

export const CreateEnrollmentBody = z
  .object({ site: siteName, expiresAt: Instant.optional(), label: z.string().max(200).optional() })
  .strict()
  .openapi("CreateEnrollmentToken");

export const CreatedEnrollmentSchema = z
  .object({ enrollment: EnrollmentTokenSchema, token: z.string().openapi({ description: "Shown once." }) })
  .openapi("CreatedEnrollmentToken");

export const CreateExceptionBody = z
  .object({
    findingId: z.string().min(1).max(200),
    owner: z.string().trim().min(1).max(200).openapi({ description: "Who answers for the exception." }),
    reason: z.string().trim().min(10).max(4000).openapi({ description: "Why, citing the legal basis (a waiver, a carve-out ...)." }),
    expiresAt: Instant.openapi({ description: "When the exception ends and the finding reopens by itself." }),
  })
  .strict()
  .openapi("CreateException");

export const ScreenBody = z
  .object({
    names: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(1000),
            country: z.string().max(100).optional(),
            type: z.enum(["organization", "person", "vessel", "aircraft"]).optional(),
            id: z.string().max(200).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
    threshold: z.number().min(0).max(1).optional(),
    candidates: z.number().int().min(1).max(20).optional(),
    allTypes: z.boolean().optional(),
  })
  .strict()
  .openapi("ScreenRequest");

export const CheckBody = z
  .object({
    role: z.enum(CHECK_ROLES),
    action: z.string(),
    vendor: z.string().optional(),
    entity: z.string().optional(),
    product: z.string().optional(),
    category: z.string().optional(),
    country: z.string().optional(),
    counterparty: z.string().optional(),
    funding: z.string().optional(),
    date: Instant.optional().openapi({ description: "Default: today (UTC)." }),
    ref: z.record(z.string(), z.string()).optional(),
  })
  .openapi("CheckRequest", { description: "One transaction, as `ictsguard check` takes it (validated by the CLI's own schema)." });

export const CheckBatchBody = z
  .object({ transactions: z.array(CheckBody).min(1).max(1000) })
  .strict()
  .openapi("CheckBatchRequest");
