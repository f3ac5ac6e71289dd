/**
 * @module
 * Signed clean-as-of attestations (src/fleet/attestation.ts) and the public keys that verify
 * them. `GET /api/v1/attestations?site=S&at=INSTANT` answers the DSSE envelope itself, so the
 * answer saved to a file is what `ictsguard attest verify` checks.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { allowSite } from "../auth.js";
import { defineRoute, principalOf } from "../route.js";
import { ErrorSchema, Instant } from "../schemas.js";
import { READERS, json } from "./common.js";
import { DEFAULT_SITE } from "./inventories.js";
import { toInstant } from "./queries.js";

const SigningKeySchema = z
  .object({
    keyId: z.string().openapi({ description: "SHA-256 (hex) of the raw 32-byte ed25519 public key." }),
    algorithm: z.literal("ed25519"),
    publicKey: z.string().openapi({ description: "SPKI PEM." }),
    state: z.enum(["current", "retired"]),
    createdAt: z.string(),
    createdBy: z.string(),
    retiredAt: z.string().optional(),
  })
  .openapi("SigningKey");

const EnvelopeSchema = z
  .object({
    payloadType: z.literal("application/vnd.ictsguard.attestation+json"),
    payload: z.string().openapi({ description: "base64 of the statement in canonical JSON (docs/server.md, Attestation)." }),
    signatures: z.array(z.object({ keyid: z.string(), sig: z.string().openapi({ description: "base64 ed25519 signature over the DSSE v1 PAE of payloadType and the payload bytes." }) })),
  })
  .openapi("AttestationEnvelope");

const signingKeys = defineRoute({
  id: "signing-keys.list",
  access: READERS,
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/signing-keys",
    tags: ["attestations"],
    summary: "The server's attestation signing keys: the current one, then the retired ones",
    responses: { 200: json(z.object({ items: z.array(SigningKeySchema) }), "The public keys") },
  }),
  handler: async (c, { fleet }) => c.json({ items: await fleet.listSigningKeys(principalOf(c)) }, 200),
});

const attestation = defineRoute({
  id: "attestations.get",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/attestations",
    tags: ["attestations"],
    summary: "A signed statement of what the server knew of a site at an instant: hosts reported and silent, open findings (or none), exceptions, catalog",
    request: {
      query: z.object({
        site: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/)
          .optional()
          .openapi({ param: { name: "site", in: "query" }, description: `Default: the caller's site when it is limited to one, else \`${DEFAULT_SITE}\`.` }),
        at: Instant.optional().openapi({ param: { name: "at", in: "query" }, description: "The instant the statement is about (default now; not in the future)." }),
        silentSince: Instant.optional().openapi({ param: { name: "silentSince", in: "query" }, description: "A host that did not report between this instant and `at` is silent (default: 7 days before `at`)." }),
      }),
    },
    responses: {
      200: json(EnvelopeSchema, "The DSSE envelope: save it as it is"),
      409: json(ErrorSchema, "A phase boundary or catalog change due by `at` has not been re-judged yet (or its re-judgment failed): the findings would not say what the catalog says at `at`; ask again once the job loop has run it"),
    },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    const principal = principalOf(c);
    const site = q.site ?? (principal.sites?.length === 1 ? principal.sites[0]! : DEFAULT_SITE);
    allowSite(principal, site);
    const envelope = await fleet.attest(principal, { site, ...(q.at ? { at: toInstant(q.at) } : {}), ...(q.silentSince ? { silentSince: toInstant(q.silentSince) } : {}) });
    c.header("cache-control", "no-store");
    return c.json(envelope, 200);
  },
});

export const ATTESTATION_ROUTES = [signingKeys, attestation];
